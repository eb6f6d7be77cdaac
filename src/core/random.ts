// A seeded PRNG for reproducible synthetic data (tests, benchmarks, the cohort simulator).
// Browser-safe.

/** mulberry32: a small, fast PRNG; the same seed gives the same numbers, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
