// lightning-tiles cgf create|append|band|info|show|concordance: upstream cgft's verbs (spec §10),
// beside `cgf encode`/`decode`.
import { readFile } from 'node:fs/promises'
import { ArgumentError, FormatError, NotFoundError } from '../../../core/errors.js'
import { formatPath } from '../../../core/tileId.js'
import { formatBand, parseBand } from '../../../formats/band/band.js'
import { concordance } from '../../../formats/cgf/concordance.js'
import type { Concordance } from '../../../formats/cgf/concordance.js'
import { DEFAULT_TILE_MAP } from '../../../formats/cgf/defaultTileMap.js'
import { encodeCgfFromStructs, encodePathStruct } from '../../../formats/cgf/encode.js'
import { formatHiqBand, pathStructLayout } from '../../../formats/cgf/pathStruct.js'
import { CgfReader } from '../../../formats/cgf/reader.js'
import { readU64 } from '../../../formats/cgf/sdsl/intVector.js'
import { parseTileMapEntry, tileMapKeys } from '../../../formats/cgf/tileMap.js'
import { emitBytes, readInputText, seekableFile } from '../io.js'

const open = (file: string) => new CgfReader(seekableFile(file, 'the CGF'))

/** A tile map file as cgft -T reads it: entries one per line; a final newline is not an entry. */
export async function readTileMap(file: string | undefined): Promise<string> {
  if (file === undefined) return DEFAULT_TILE_MAP
  const text = (await readFile(file, 'latin1')).replace(/\r?\n$/, '')
  // a malformed entry is refused before anything is written
  text.split('\n').forEach((entry, i) => parseTileMapEntry(entry, { file, line: i + 1 }))
  return text
}

/** cgft -C: a CGF with no paths. */
export async function create(
  output: string | undefined,
  tileMapFile: string | undefined,
  libraryVersion: string,
): Promise<void> {
  const tileMap = await readTileMap(tileMapFile)
  await emitBytes(encodeCgfFromStructs([], { tileMap, libraryVersion }), output)
}

/** Every PathStruct of a CGF as its bytes, in file order. */
async function structsOf(reader: CgfReader, file: string) {
  const { handle } = seekableFile(file, 'the CGF')
  const out: { path: number; bytes: Uint8Array }[] = []
  for (const e of await reader.getPaths())
    out.push({ path: e.path, bytes: await handle.read(e.length, e.offset) })
  return out
}

/**
 * cgft -e PATH: encode a band into the CGF, replacing the path if the file has it, else adding
 * it at the end; the CGF is rewritten atomically (to `output` if given).
 */
export async function append(
  cgf: string,
  path: number,
  bandFile: string | undefined,
  output: string | undefined,
  libraryVersion: string | undefined,
): Promise<void> {
  const reader = open(cgf)
  const header = await reader.getHeader()
  const band = parseBand(await readInputText(bandFile), bandFile ?? 'stdin')
  const struct = { path, bytes: encodePathStruct(path, band, tileMapKeys(header.tileMap)) }
  const structs = await structsOf(reader, cgf)
  const at = structs.findIndex((s) => s.path === path)
  if (at >= 0) structs[at] = struct
  else structs.push(struct)
  const bytes = encodeCgfFromStructs(structs, {
    tileMap: header.tileMap,
    libraryVersion: libraryVersion ?? header.libraryVersion,
  })
  await emitBytes(bytes, output ?? cgf)
}

/** cgft -b PATH (-q with hiq): one path's band. */
export async function band(cgf: string, path: number, hiq: boolean): Promise<string> {
  const b = await open(cgf).band(path)
  return hiq ? formatHiqBand(b) : formatBand(b)
}

interface PathStats {
  path: number
  n: number
  nOverflow: number
  loqBytes: number
  bytes: number
}

async function pathStats(cgf: string): Promise<PathStats[]> {
  const reader = open(cgf)
  const { handle } = seekableFile(cgf, 'the CGF')
  const out: PathStats[] = []
  for (const e of await reader.getPaths()) {
    const bytes = await handle.read(e.length, e.offset)
    const origin = { file: cgf, base: e.offset }
    const layout = pathStructLayout(bytes, origin, bytes.length)
    if (typeof layout === 'number')
      throw new FormatError('PathStruct is truncated', { file: cgf, offset: e.offset })
    let loqBytes = 0
    for (let k = 0; k < 10; k++)
      loqBytes += readU64(bytes, layout.sizesAt + 8 * k, origin, 'LoqTile vector size')
    out.push({ path: e.path, n: layout.n, nOverflow: layout.nOverflow, loqBytes, bytes: e.length })
  }
  return out
}

/** The header (cgft -H) and cgft -I's statistics, in cgft's words. */
export async function info(cgf: string): Promise<string> {
  const h = await open(cgf).getHeader()
  const stats = await pathStats(cgf)
  const sum = (f: (s: PathStats) => number) => stats.reduce((a, s) => a + f(s), 0)
  const tiles = sum((s) => s.n)
  const ovfCount = sum((s) => s.nOverflow / 3)
  const lines = [
    `file: ${cgf}`,
    `CGFVersion: ${h.version}`,
    `LibraryVersion: ${h.libraryVersion}`,
    `PathCount: ${h.pathCount}`,
    `TileMap: ${h.tileMap.split('\n').length} entries, ${new TextEncoder().encode(h.tileMap).length} bytes`,
    `paths: ${stats.map((s) => formatPath(s.path)).join(' ') || '(none)'}`,
    'cgf stats:',
    `loq_bv: ${sum((s) => Math.ceil(s.n / 8))}`,
    `span_bv: ${sum((s) => Math.ceil(s.n / 8))}`,
    `cache: ${sum((s) => Math.ceil(s.n / 32) * 8)}`,
    `ovf: ${sum((s) => 2 * s.nOverflow)} (${ovfCount} / ${tiles}, ${(ovfCount / (tiles || 1)).toFixed(6)})`,
    `loq: ${sum((s) => s.loqBytes)}`,
  ]
  return `${lines.join('\n')}\n`
}

/** cgft -A: every path's PathStruct summarised, one line each. */
export async function show(cgf: string): Promise<string> {
  const reader = open(cgf)
  const rows = ['#path\tsteps\tloq_steps\tspan_steps\toverflow_entries\tloq_bytes\tbytes']
  for (const s of await pathStats(cgf)) {
    const d = await reader.decodePath(s.path)
    const bits = (w: Uint32Array) => w.reduce((a, x) => a + popcount(x), 0)
    rows.push(
      [formatPath(s.path), s.n, bits(d.loq), bits(d.span), s.nOverflow / 3, s.loqBytes, s.bytes]
        .map(String)
        .join('\t'),
    )
  }
  return `${rows.join('\n')}\n`
}

function popcount(x: number): number {
  let n = 0
  for (let v = x >>> 0; v; v &= v - 1) n++
  return n
}

/** Genome-vs-genome concordance on the steps high quality in both, per path and in all. */
export async function concordanceOf(a: string, b: string, only?: number): Promise<string> {
  const x = open(a)
  const y = open(b)
  const pathsX = (await x.getPaths()).map((e) => e.path)
  const pathsY = new Set((await y.getPaths()).map((e) => e.path))
  const paths = only === undefined ? pathsX.filter((p) => pathsY.has(p)) : [only]
  if (paths.length === 0)
    throw new NotFoundError(`${a} and ${b} share no tile path: nothing to compare`)
  const rows = ['#path\thiq_steps\tmatching\tconcordance']
  const total: Concordance = { hiq: 0, match: 0 }
  const row = (name: string, c: Concordance) =>
    `${name}\t${c.hiq}\t${c.match}\t${c.hiq ? (c.match / c.hiq).toFixed(6) : 'NA'}`
  for (const p of paths) {
    if (!pathsY.has(p)) throw new NotFoundError(`${b} has no path ${formatPath(p)}`)
    const c = concordance(await x.decodePath(p), await y.decodePath(p))
    total.hiq += c.hiq
    total.match += c.match
    rows.push(row(formatPath(p), c))
  }
  rows.push(row('all', total))
  return `${rows.join('\n')}\n`
}

export function checkLibraryVersion(v: string): string {
  if (v.includes('\n')) throw new ArgumentError('--library-version may not hold a newline')
  return v
}
