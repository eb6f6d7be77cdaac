// Merge two SGLF libraries of one path, as upstream `merge-sglf` does: browser-safe, no I/O.
// The first library is kept as it is, line for line (its variant numbers too); a tile of the
// second whose sequence (and span) the first lacks at that step is added after the step's last
// variant, numbered on from it, in the second library's order. Every tile of the second library
// is reported with the ID it has in the merged library (the renumbering a CGF made against the
// second library needs).
import { ArgumentError } from '../../core/errors.js'
import { formatPath } from '../../core/tileId.js'
import { sglfTileId } from './reader.js'
import type { SglfTile } from './reader.js'
import type { SglfTileInput } from './writer.js'

export interface SglfMerge {
  tiles: SglfTileInput[]
  /** for each tile of the second library, in its order: its ID there and in the merged library */
  mapping: { from: string; to: string }[]
  /** tiles of the second library that the first did not have */
  added: number
}

function byStep(tiles: SglfTile[]): Map<number, SglfTile[]> {
  const out = new Map<number, SglfTile[]>()
  for (const t of tiles) {
    const list = out.get(t.step)
    if (list) list.push(t)
    else out.set(t.step, [t])
  }
  return out
}

function pathOf(tiles: SglfTile[], name: string): number | undefined {
  const paths = new Set(tiles.map((t) => `${t.path}.${t.version}`))
  if (paths.size > 1)
    throw new ArgumentError(`${name} holds more than one path: merge one path at a time`)
  return tiles[0]?.path
}

export function mergeSglf(
  first: SglfTile[],
  second: SglfTile[],
  names: [string, string] = ['the first library', 'the second library'],
): SglfMerge {
  const pa = pathOf(first, names[0])
  const pb = pathOf(second, names[1])
  if (pa !== undefined && pb !== undefined && pa !== pb)
    throw new ArgumentError(
      `${names[0]} is path ${formatPath(pa)}, ${names[1]} path ${formatPath(pb)}: only libraries of one path merge`,
    )
  const a = byStep(first)
  const b = byStep(second)
  const steps = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y)
  const tiles: SglfTileInput[] = []
  const mapping: SglfMerge['mapping'] = []
  let added = 0
  for (const step of steps) {
    const known = new Map<string, SglfTileInput>()
    let next = 0
    for (const t of a.get(step) ?? []) {
      tiles.push(t)
      known.set(`${t.span},${t.seq}`, t)
      next = Math.max(next, t.variant + 1)
    }
    for (const t of b.get(step) ?? []) {
      const key = `${t.span},${t.seq}`
      let target = known.get(key)
      if (!target) {
        target = {
          path: t.path,
          version: t.version,
          step,
          variant: next++,
          span: t.span,
          seq: t.seq,
        }
        known.set(key, target)
        tiles.push(target)
        added++
      }
      mapping.push({
        from: sglfTileId(t),
        to: sglfTileId({ ...target, version: target.version ?? 0 }),
      })
    }
  }
  return { tiles, mapping, added }
}
