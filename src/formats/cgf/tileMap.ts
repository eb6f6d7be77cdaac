// CGF tile map (spec §10.4): entry i is `alleleA:alleleB`, an allele a `;` list of tiles
// `VARIANT[+SPAN]` in hex. Only entries 0..14 fit in a hexit.
import { FormatError } from '../../core/errors.js'
import type { Place } from '../../core/errors.js'
import { DEFAULT_TILE_MAP } from './defaultTileMap.js'

/** One expanded tile-map entry: per-step variants of each allele (-1 for non-anchor steps). */
export interface TileMapEntry {
  a: Int32Array
  b: Int32Array
}

/** Map indices a hexit can name (0xF means "see Overflow"). */
export const HEXIT_ENTRIES = 15

/**
 * The first 16 entries of the default map: all a CGF v3 decoder reads (cgft parses the first 16
 * lines), so a file that carries only these decodes the same as one with the 6737-byte default
 * map, 6.6 kB smaller. The store build writes it unless asked for cgft's full map.
 */
export const HEXIT_TILE_MAP = DEFAULT_TILE_MAP.split('\n').slice(0, 16).join('\n')

function expandAllele(text: string, entry: string, place: Place): number[] {
  const out: number[] = []
  for (const tile of text.split(';')) {
    const m = /^([0-9a-f]+)(?:\+([0-9a-f]+))?$/.exec(tile)
    const span = m?.[2] === undefined ? 1 : parseInt(m[2], 16)
    if (!m || span < 1) throw new FormatError(`tile map entry '${entry}' is malformed`, place)
    out.push(parseInt(m[1]!, 16))
    for (let k = 1; k < span; k++) out.push(-1)
  }
  return out
}

/** Expand one entry, e.g. `0;0:1+2` → A=[0,0], B=[1,-1]. */
export function parseTileMapEntry(entry: string, place: Place = {}): TileMapEntry {
  const sides = entry.split(':')
  if (sides.length !== 2) throw new FormatError(`tile map entry '${entry}' is malformed`, place)
  const a = expandAllele(sides[0]!, entry, place)
  const b = expandAllele(sides[1]!, entry, place)
  if (a.length !== b.length)
    throw new FormatError(`tile map entry '${entry}' covers unequal step counts`, place)
  return { a: Int32Array.from(a), b: Int32Array.from(b) }
}

/** The entries a decoder can use: the first 15 lines of the map (cgft parses no more). */
export function parseHexitEntries(tileMap: string, place: Place = {}): TileMapEntry[] {
  return tileMap
    .split('\n')
    .slice(0, HEXIT_ENTRIES)
    .map((line) => parseTileMapEntry(line, place))
}

let lastKeys: { map: string; keys: Map<string, number> } | undefined

/** Key → first index, for the writer (the last map's keys are kept: it is nearly always the default). */
export function tileMapKeys(tileMap: string): Map<string, number> {
  if (lastKeys?.map === tileMap) return lastKeys.keys
  const keys = new Map<string, number>()
  lastKeys = { map: tileMap, keys }
  tileMap.split('\n').forEach((line, i) => {
    if (!keys.has(line)) keys.set(line, i)
  })
  return keys
}

function alleleKey(v: ArrayLike<number>, b: number, e: number): string {
  const tiles: string[] = []
  for (let s = b; s < e;) {
    let k = 1
    while (s + k < e && v[s + k] === -1) k++
    tiles.push(k > 1 ? `${v[s]!.toString(16)}+${k.toString(16)}` : v[s]!.toString(16))
    s += k
  }
  return tiles.join(';')
}

/** The map key of the knot [b, e) (DESIGN decision 16: spans belong to their own tile). */
export function knotKey(a: ArrayLike<number>, bv: ArrayLike<number>, b: number, e: number): string {
  return `${alleleKey(a, b, e)}:${alleleKey(bv, b, e)}`
}
