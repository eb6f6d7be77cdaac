// The translatable part of a transcript's CDS, trimmed as bcftools csq trims an incomplete CDS:
// the 5' phase bases go (the CDS then starts on a codon), and a length that is not a multiple of
// three loses its 3' remainder. Offsets count bases of the spliced CDS in genomic order.
// Browser-safe.
import { partitionPoint } from '../core/search.js'
import type { Interval, Transcript } from '../genes/model.js'

export interface CodingParts {
  /** trimmed CDS parts in genomic order (none when nothing whole is left) */
  parts: Interval[]
  /** offsets[i]: spliced-CDS offset of parts[i].start */
  offsets: number[]
  /** spliced length, a multiple of 3 */
  length: number
  /** the 5' end lost its phase bases: no start codon to lose */
  incomplete5: boolean
  /** the 3' end lost bases to make whole codons: no stop codon to lose */
  incomplete3: boolean
}

/** Remove `n` bases from the start (fromStart) or end of sorted parts, dropping emptied ones. */
function trim(parts: Interval[], n: number, fromStart: boolean): Interval[] {
  const out = parts.map((p) => ({ ...p }))
  while (n > 0 && out.length) {
    const p = fromStart ? out[0]! : out[out.length - 1]!
    const take = Math.min(n, p.end - p.start)
    if (fromStart) p.start += take
    else p.end -= take
    n -= take
    if (p.start === p.end) {
      if (fromStart) out.shift()
      else out.pop()
    }
  }
  return out
}

const cache = new WeakMap<Transcript, CodingParts>()

export function codingParts(t: Transcript): CodingParts {
  let c = cache.get(t)
  if (c) return c
  const fwd = t.strand === '+'
  let parts = trim([...t.cds], t.cdsPhase, fwd)
  const total = parts.reduce((n, p) => n + p.end - p.start, 0)
  parts = trim(parts, total % 3, !fwd)
  const offsets: number[] = []
  let length = 0
  for (const p of parts) {
    offsets.push(length)
    length += p.end - p.start
  }
  c = { parts, offsets, length, incomplete5: t.cdsPhase > 0, incomplete3: total % 3 !== 0 }
  cache.set(t, c)
  return c
}

/** Index of the part holding genomic position `pos`, or -1. */
export function partAt(c: CodingParts, pos: number): number {
  const i = partitionPoint(c.parts.length, (k) => c.parts[k]!.end <= pos)
  return i < c.parts.length && c.parts[i]!.start <= pos ? i : -1
}
