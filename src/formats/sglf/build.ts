// A path's SGLF library from FastJ-CSV tiles, as upstream `fjcsv2sglf` builds it (spec §7.3):
// browser-safe, no I/O. Memory holds the distinct tiles of the path, not the input.
//
//  1. Tiles are counted by (step, md5 column); an empty sequence is skipped.
//  2. No-calls (any base other than a/c/g/t) are filled per (step, span, length) group from a
//     consensus: at each position the base most common among the group's distinct tiles, a
//     no-call counting as `a`, ties going to a, c, g, t in that order; where the tile holds a tag
//     (tiles of at least two tag lengths) the tag's own bases.
//  3. The filled tiles of a step are merged by sequence, their counts added, and numbered by
//     decreasing count; equal counts by ascending md5 (what upstream's sort gives for the ≤ 16
//     distinct variants of a step it sorts by insertion; its introsort order for larger steps is
//     not reproduced).
import { ArgumentError } from '../../core/errors.js'
import { md5Hex } from '../../core/md5.js'
import { formatPath } from '../../core/tileId.js'
import type { SglfTile } from './reader.js'
import type { SglfTileInput } from './writer.js'

interface Counted {
  span: number
  seq: string
  count: number
}

const BASES = 'acgt'

/**
 * A copy of `s` that does not share memory with the text it was cut from: the parsed fields are
 * slices of the line reader's chunks, and a kept slice would keep the whole chunk alive.
 */
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const flat = (s: string): string => decoder.decode(encoder.encode(s))

export class SglfBuilder {
  private path: number | undefined
  private version = 0
  /** step → (md5 column → tile) */
  private readonly steps = new Map<number, Map<string, Counted>>()

  /** One FastJ-CSV row (`tileID+span,md5,sequence`, parsed as an SGLF line). */
  add(t: SglfTile, file?: string): void {
    if (t.seq === '') return
    if (this.path === undefined) {
      this.path = t.path
      this.version = t.version
    } else if (t.path !== this.path || t.version !== this.version)
      throw new ArgumentError(
        `${file ? `${file}, line ${t.line}: ` : ''}path ${formatPath(t.path)}: the input already holds path ${formatPath(this.path)}; a library is built one path at a time`,
      )
    let byMd5 = this.steps.get(t.step)
    if (!byMd5) this.steps.set(t.step, (byMd5 = new Map()))
    const seen = byMd5.get(t.md5)
    if (seen) seen.count++
    else byMd5.set(flat(t.md5), { span: t.span, seq: flat(t.seq.toLowerCase()), count: 1 })
  }

  /** The path the input was on (undefined before any tile). */
  get tilePath(): number | undefined {
    return this.path
  }

  /** The library in step order; `tags` are the path's tags (tag[s-1] starts step s). */
  *tiles(tags: readonly string[], tagLength = 24): Generator<SglfTileInput> {
    if (this.path === undefined) return
    for (const step of [...this.steps.keys()].sort((a, b) => a - b)) {
      const filled = new Map<string, Counted & { md5: string }>()
      for (const group of groups(this.steps.get(step)!.values())) {
        const consensus = consensusOf(group, step, tags, tagLength)
        for (const t of group) {
          const seq = fill(t.seq, consensus)
          const md5 = md5Hex(seq)
          const same = filled.get(md5)
          if (same) same.count += t.count
          else filled.set(md5, { ...t, seq, md5 })
        }
      }
      const ordered = [...filled.values()].sort(
        (x, y) => y.count - x.count || (x.md5 < y.md5 ? -1 : x.md5 > y.md5 ? 1 : 0),
      )
      for (const [variant, t] of ordered.entries())
        yield { path: this.path, version: this.version, step, variant, span: t.span, seq: t.seq }
    }
  }
}

/** The tiles of a step grouped by (span, length), groups in (span, length) order. */
function groups(tiles: Iterable<Counted>): Counted[][] {
  const by = new Map<string, Counted[]>()
  for (const t of tiles) {
    const key = `${t.span} ${t.seq.length}`
    const g = by.get(key)
    if (g) g.push(t)
    else by.set(key, [t])
  }
  return [...by.values()].sort(
    (x, y) => x[0]!.span - y[0]!.span || x[0]!.seq.length - y[0]!.seq.length,
  )
}

function consensusOf(
  group: Counted[],
  step: number,
  tags: readonly string[],
  tagLength: number,
): string {
  const n = group[0]!.seq.length
  const counts = new Uint32Array(4 * n)
  for (const t of group)
    for (let i = 0; i < n; i++) {
      const b = BASES.indexOf(t.seq[i]!)
      counts[4 * i + (b < 0 ? 0 : b)]!++
    }
  const out: string[] = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let b = 1; b < 4; b++) if (counts[4 * i + b]! > counts[4 * i + best]!) best = b
    out[i] = BASES[best]!
  }
  if (n >= 2 * tagLength) {
    const span = group[0]!.span
    const start = tags[step - 1]
    const end = step + span <= tags.length ? tags[step + span - 1] : undefined
    if (step > 0 && start) for (let i = 0; i < tagLength; i++) out[i] = start[i]!
    if (end) for (let i = 0; i < tagLength; i++) out[n - tagLength + i] = end[i]!
  }
  return out.join('')
}

/** `seq` with every base other than a/c/g/t taken from `consensus`. */
function fill(seq: string, consensus: string): string {
  if (/^[acgt]*$/.test(seq)) return seq
  let out = ''
  for (let i = 0; i < seq.length; i++) {
    const c = seq[i]!
    out += BASES.includes(c) ? c : consensus[i]!
  }
  return out
}
