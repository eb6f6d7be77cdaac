// Cutting a haplotype at reference coordinates. Between two anchors (positions where the
// haplotype and the reference are known to align: tags both share, path ends, and the ends of
// what differs once a stretch is compared with the reference tiles) the haplotype is either as
// long as the reference, and then offsets map one to one, or of another length, and then a cut
// is placed by its distance from the anchor on the outer side, keeping the changed stretch inside
// the region. The resolver adds an exact anchor from alignedCuts where a bound falls inside such
// a stretch and the store records the reference tiles (counts file).
import { partitionPoint } from '../core/search.js'

/** A reference position and the haplotype position aligned to it. */
export interface Anchor {
  ref: number
  hap: number
}

/** Haplotype offset where a region starting at reference `x` starts. Anchors ascend in both. */
export function cutStart(anchors: readonly Anchor[], x: number): number {
  const n = anchors.length
  if (n === 0) return 0
  // last anchor with ref <= x
  const i = partitionPoint(n, (k) => anchors[k]!.ref <= x) - 1
  if (i < 0) return anchors[0]!.hap
  if (i === n - 1) return anchors[i]!.hap
  const a = anchors[i]!
  const b = anchors[i + 1]!
  const at = a.hap + (x - a.ref)
  return b.ref - a.ref === b.hap - a.hap ? at : Math.min(at, b.hap)
}

/** Haplotype offset where a region ending (exclusive) at reference `x` ends. */
export function cutEnd(anchors: readonly Anchor[], x: number): number {
  const n = anchors.length
  if (n === 0) return 0
  // first anchor with ref >= x
  const i = partitionPoint(n, (k) => anchors[k]!.ref < x)
  if (i === 0) return anchors[0]!.hap
  if (i === n) return anchors[n - 1]!.hap
  const a = anchors[i - 1]!
  const b = anchors[i]!
  const at = b.hap - (b.ref - x)
  return b.ref - a.ref === b.hap - a.hap ? at : Math.max(at, a.hap)
}

/** Largest window (ref × hap cells) aligned by alignedCuts; beyond it the outward rule stays. */
export const MAX_ALIGN_CELLS = 4_000_000

/**
 * Align `hap` to `ref` (unit edit costs, gaps as far left as a tie allows, as in a left-normalised
 * VCF) and return for every reference offset k (0..ref.length) the haplotype offset just after
 * ref[k-1] and the insertions that follow it: where a region bound at k cuts the haplotype.
 * Undefined when the window is too large to align.
 */
export function alignedCuts(ref: string, hap: string): Int32Array | undefined {
  const n = ref.length
  const m = hap.length
  if ((n + 1) * (m + 1) > MAX_ALIGN_CELLS) return undefined
  const w = m + 1
  const cost = new Uint32Array((n + 1) * w)
  for (let j = 0; j <= m; j++) cost[j] = j
  for (let i = 1; i <= n; i++) {
    cost[i * w] = i
    for (let j = 1; j <= m; j++) {
      const diag = cost[(i - 1) * w + j - 1]! + (ref[i - 1] === hap[j - 1] ? 0 : 1)
      const del = cost[(i - 1) * w + j]! + 1
      const ins = cost[i * w + j - 1]! + 1
      cost[i * w + j] = Math.min(diag, del, ins)
    }
  }
  // Trace back from the end preferring the diagonal, so gaps end up leftmost.
  const cuts = new Int32Array(n + 1)
  let i = n
  let j = m
  cuts[n] = m
  while (i > 0 || j > 0) {
    const c = cost[i * w + j]!
    if (i > 0 && j > 0 && c === cost[(i - 1) * w + j - 1]! + (ref[i - 1] === hap[j - 1] ? 0 : 1)) {
      i--
      j--
      cuts[i] = j
    } else if (i > 0 && c === cost[(i - 1) * w + j]! + 1) {
      i--
      cuts[i] = j
    } else {
      j--
    }
  }
  // cuts[k] is now the hap offset before ref[k]; a cut at k goes after the insertions following
  // ref[k-1], which is where the next reference base starts: exactly that offset.
  return cuts
}
