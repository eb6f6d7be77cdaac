// Cutting a haplotype at reference coordinates. Between two anchors (positions where the
// haplotype and the reference are known to align: tags both share, path ends) the haplotype is
// either as long as the reference, and then offsets map one to one, or of another length (an
// indel inside), and then a cut is placed by its distance from the anchor on the outer side, so
// the region keeps the whole changed stretch between the anchor and the cut.
// The store holds no reference sequence, so nothing finer is possible there.

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
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (anchors[mid]!.ref <= x) lo = mid + 1
    else hi = mid
  }
  const i = lo - 1
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
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (anchors[mid]!.ref < x) lo = mid + 1
    else hi = mid
  }
  const i = lo
  if (i === 0) return anchors[0]!.hap
  if (i === n) return anchors[n - 1]!.hap
  const a = anchors[i - 1]!
  const b = anchors[i]!
  const at = b.hap - (b.ref - x)
  return b.ref - a.ref === b.hap - a.hap ? at : Math.max(at, a.hap)
}
