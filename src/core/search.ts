// Binary search over a sorted range, for the typed-array indexes. Browser-safe.

/**
 * The first index in [0, n) for which `before(i)` is false, or n. `before` must hold for a prefix
 * of the range and fail from there on (as `values[i] < x` does on ascending values).
 */
export function partitionPoint(n: number, before: (i: number) => boolean): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}
