// 0, 1, …, n − 1 as an Int32Array, and the test for it: what every "all samples" query builds and
// checks. Plain loops: Int32Array.from with a mapping function costs ~25 ns an entry, which at
// 40,000 haplotypes was a millisecond of a query. Browser-safe.

/** 0, 1, …, n − 1. */
export function indices(n: number): Int32Array {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}

/** Whether `a` is 0, 1, …, n − 1. */
export function isIndices(a: ArrayLike<number>, n: number): boolean {
  if (a.length !== n) return false
  for (let i = 0; i < n; i++) if (a[i] !== i) return false
  return true
}
