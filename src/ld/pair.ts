// Two-site haplotype counts of a pair of packed sites, and the LD statistics behind them.
//
// Phased haplotypes are counted directly. Unphased genotypes follow Ensembl's ld_vcf.c: every
// haplotype of a genotype that is not a double heterozygote is known whatever the phase; the
// double heterozygotes are split between the cis (ALT-ALT + REF-REF) and trans (ALT-REF + REF-ALT)
// phases by EM on θ = P(trans), from θ = 0.5 until θ changes by less than the tolerance (1e-4)
// or after EM_MAX_ITERATIONS rounds (Ensembl has no cap: a pair whose θ settles into a cycle of
// rounding errors would loop for ever with a tolerance below them).
// A sample with a missing allele at either site is left out of an unphased pair, as Ensembl does;
// a phased pair leaves out only the haplotypes with a missing allele.
import { andPopcount, popcount32 } from './bits.js'
import type { PackedSite } from './bits.js'
import type { HaplotypePanel } from './panel.js'

/** Counts behind one pair: over `n` haplotypes, `nA` carry ALT at A, `nB` ALT at B. */
export interface PairCounts {
  /** haplotypes used (2 × samples for unphased genotypes) */
  n: number
  nA: number
  nB: number
  /** haplotypes ALT at both sites, counting each double heterozygote by the phase it was given */
  n11: number
  /** unphased double heterozygotes (genotypes) whose phase the EM resolves; 0 when phased */
  doubleHets: number
  /** of those, the ones given in cis (ALT-ALT on one haplotype) */
  doubleHetsCis: number
}

/** LD between two biallelic sites; frequencies are of haplotypes (1 = ALT, 0 = REF at A then B). */
export interface PairStats {
  n: number
  p11: number
  p10: number
  p01: number
  p00: number
  /** D = p11 − pA·pB */
  d: number
  r2: number
  /** D / Dmax, signed (|D′| is its absolute value) */
  dPrime: number
}

export const EM_TOLERANCE = 1e-4
/**
 * Most EM rounds for one pair. Ensembl's 1e-4 is reached within a few dozen rounds on real pairs,
 * a tolerance of 1e-12 within thousands where θ creeps towards 0 or 1; the cap bounds only the
 * pathological pairs (a tolerance below the rounding error of θ), at well under a millisecond each.
 */
export const EM_MAX_ITERATIONS = 100_000

/** Fill `out` with the counts of sites `a` and `b` of `panel`; `unphased` forces the EM on all. */
export function countPair(
  panel: HaplotypePanel,
  a: PackedSite,
  b: PackedSite,
  unphased: boolean,
  out: PairCounts,
): PairCounts {
  const W = panel.words
  const phased = !unphased && panel.unphased === undefined
  if (a.minor !== undefined || b.minor !== undefined) {
    // counts are symmetric in the two sites: walk the shorter carrier list
    const [x, y] =
      b.minor === undefined || (a.minor !== undefined && a.minor.length <= b.minor.length)
        ? [a, b]
        : [b, a]
    if (y.called === undefined) {
      countSparse(x, y, W, phased ? null : unphased ? undefined : panel.unphased, out)
      out.n = 2 * panel.samples
      out.nA = a.altCount
      out.nB = b.altCount
      return out
    }
  }
  if (phased) return countPhased(a, b, W, panel.samples, out)
  return countGenotypes(a, b, W, panel.samples, unphased ? undefined : panel.unphased, out)
}

const bit = (words: Uint32Array, index: number): number =>
  (words[index >>> 5]! >>> (index & 31)) & 1

/**
 * n11 (and, unless `unphasedMask` is null, the unphased double heterozygotes) of two complete
 * sites by the carrier list of `x`, the rarer allele of x: ALT carriers give n11 directly, REF
 * carriers give it as y's ALT count less the REF-at-x ones. A heterozygote of x has exactly one
 * carrier, so each is met once.
 */
function countSparse(
  x: PackedSite,
  y: PackedSite,
  W: number,
  unphasedMask: Uint32Array | undefined | null,
  out: PairCounts,
): void {
  const minor = x.minor!
  const xa = x.alt
  const ya = y.alt
  let hits = 0
  let h = 0
  let cis = 0
  for (let k = 0; k < minor.length; k++) {
    const i = minor[k]!
    hits += bit(ya, i)
    if (unphasedMask === null) continue
    const word = i >>> 5
    const first = word < W
    const sample = ((first ? word : word - W) << 5) | (i & 31)
    const other = first ? i + 32 * W : i - 32 * W
    if (bit(xa, other) === bit(xa, i)) continue // homozygous at x
    if (unphasedMask !== undefined && bit(unphasedMask, sample) === 0) continue
    const y1 = bit(ya, sample)
    if (y1 === bit(ya, sample + 32 * W)) continue // homozygous at y
    h++
    if (bit(xa, sample) === y1) cis++
  }
  out.n11 = x.minorIsAlt ? hits : y.altCount - hits
  out.doubleHets = h
  out.doubleHetsCis = cis
}

function countPhased(
  a: PackedSite,
  b: PackedSite,
  W: number,
  samples: number,
  out: PairCounts,
): PairCounts {
  const x = a.alt
  const y = b.alt
  let n11 = 0
  out.doubleHets = 0
  out.doubleHetsCis = 0
  if (a.called === undefined && b.called === undefined) {
    n11 = andPopcount(x, y, 2 * W)
    out.n = 2 * samples
    out.nA = a.altCount
    out.nB = b.altCount
    out.n11 = n11
    return out
  }
  const ca = a.called
  const cb = b.called
  let n = 0
  let nA = 0
  let nB = 0
  for (let w = 0; w < 2 * W; w++) {
    const m = (ca ? ca[w]! : -1) & (cb ? cb[w]! : -1)
    n += popcount32(m)
    nA += popcount32(x[w]! & m)
    nB += popcount32(y[w]! & m)
    n11 += popcount32(x[w]! & y[w]!)
  }
  out.n = n
  out.nA = nA
  out.nB = nB
  out.n11 = n11
  return out
}

/** Genotype counts; `unphasedMask` marks the samples whose double heterozygotes go to the EM (all when undefined). */
function countGenotypes(
  a: PackedSite,
  b: PackedSite,
  W: number,
  samples: number,
  unphasedMask: Uint32Array | undefined,
  out: PairCounts,
): PairCounts {
  const x = a.alt
  const y = b.alt
  const sa = a.calledSamples
  const sb = b.calledSamples
  const complete = sa === undefined && sb === undefined
  let people = 0
  let nA = 0
  let nB = 0
  let n11 = 0
  let h = 0
  let cis = 0
  if (complete) {
    // every sample called: n11 as the phased count does, then the double heterozygotes
    n11 = andPopcount(x, y, 2 * W)
    for (let w = 0; w < W; w++) {
      const a1 = x[w]!
      const b1 = y[w]!
      const dh = (a1 ^ x[W + w]!) & (b1 ^ y[W + w]!) & (unphasedMask ? unphasedMask[w]! : -1)
      if (dh !== 0) {
        h += popcount32(dh)
        cis += popcount32(dh & ~(a1 ^ b1))
      }
    }
  } else
    for (let w = 0; w < W; w++) {
      const m = (sa ? sa[w]! : -1) & (sb ? sb[w]! : -1)
      const a1 = x[w]! & m
      const a2 = x[W + w]! & m
      const b1 = y[w]!
      const b2 = y[W + w]!
      n11 += popcount32(a1 & b1) + popcount32(a2 & b2)
      const dh = (a1 ^ a2) & (b1 ^ b2) & (unphasedMask ? unphasedMask[w]! : -1)
      if (dh !== 0) {
        h += popcount32(dh)
        cis += popcount32(dh & ~(a1 ^ b1))
      }
      people += popcount32(m)
      nA += popcount32(a1) + popcount32(a2)
      nB += popcount32(b1 & m) + popcount32(b2 & m)
    }
  if (complete) {
    out.n = 2 * samples
    out.nA = a.altCount
    out.nB = b.altCount
  } else {
    out.n = 2 * people
    out.nA = nA
    out.nB = nB
  }
  out.n11 = n11
  out.doubleHets = h
  out.doubleHetsCis = cis
  return out
}

/**
 * LD statistics from pair counts. With unphased double heterozygotes, θ = P(trans) is estimated
 * by Ensembl's EM, stopping when it moves by less than `tolerance` or after `maxIterations` rounds.
 */
export function pairStats(
  c: PairCounts,
  tolerance: number,
  out: PairStats,
  maxIterations = EM_MAX_ITERATIONS,
): PairStats {
  const n = c.n
  const h = c.doubleHets
  let n11 = c.n11
  if (h > 0) {
    // haplotypes known whatever the phase: all but the double heterozygotes' two each
    const trans = h - c.doubleHetsCis
    const u11 = c.n11 - c.doubleHetsCis
    const u10 = c.nA - c.n11 - trans
    const u01 = c.nB - c.n11 - trans
    const u00 = n - c.nA - c.nB + c.n11 - c.doubleHetsCis
    let theta = 0.5
    let previous = 2
    for (let round = 0; round < maxIterations && Math.abs(theta - previous) > tolerance; round++) {
      previous = theta
      const pCis = (u11 + (1 - theta) * h) * (u00 + (1 - theta) * h)
      const pTrans = (u10 + theta * h) * (u01 + theta * h)
      theta = pCis + pTrans === 0 ? 0.5 : pTrans / (pCis + pTrans)
    }
    n11 = u11 + (1 - theta) * h
  }
  const pA = c.nA / n
  const pB = c.nB / n
  const p11 = n11 / n
  const d = p11 - pA * pB
  const v = pA * (1 - pA) * pB * (1 - pB)
  let dMax = 0
  if (d < 0) dMax = Math.min(pA * pB, (1 - pA) * (1 - pB))
  else if (d > 0) dMax = Math.min(pA * (1 - pB), (1 - pA) * pB)
  out.n = n
  out.p11 = p11
  out.p10 = pA - p11
  out.p01 = pB - p11
  out.p00 = 1 - pA - pB + p11
  out.d = d
  // rounding can carry a complete association a few ulps past 1
  out.r2 = v === 0 ? 0 : Math.min(1, (d * d) / v)
  out.dPrime = dMax === 0 ? 0 : Math.max(-1, Math.min(1, d / dMax))
  return out
}

/**
 * The largest r² any phase of the double heterozygotes could give: r² is convex in p11, so the
 * largest is at all-cis or all-trans. Lets a window skip the EM of pairs that cannot reach min r².
 */
export function r2Bound(c: PairCounts): number {
  const n = c.n
  const pA = c.nA / n
  const pB = c.nB / n
  const v = pA * (1 - pA) * pB * (1 - pB)
  if (v === 0) return 0
  const low = (c.n11 - c.doubleHetsCis) / n - pA * pB
  const high = low + c.doubleHets / n
  return Math.max(low * low, high * high) / v
}

/**
 * The largest r² two sites with ALT frequencies pA and pB can reach, whatever their haplotypes:
 * D is bounded by the frequencies (−min(pA·pB, qA·qB) ≤ D ≤ min(pA·qB, qA·pB)). Most pairs of a
 * window join a rare and a common allele and cannot reach Ensembl's 0.05, so a window skips their
 * count altogether (0 for a monomorphic site).
 */
export function r2FrequencyBound(pA: number, pB: number): number {
  const v = pA * (1 - pA) * pB * (1 - pB)
  if (v === 0) return 0
  const low = Math.min(pA * pB, (1 - pA) * (1 - pB))
  const high = Math.min(pA * (1 - pB), (1 - pA) * pB)
  return Math.max(low * low, high * high) / v
}

export const emptyCounts = (): PairCounts => ({
  n: 0,
  nA: 0,
  nB: 0,
  n11: 0,
  doubleHets: 0,
  doubleHetsCis: 0,
})
export const emptyStats = (): PairStats => ({
  n: 0,
  p11: 0,
  p10: 0,
  p01: 0,
  p00: 0,
  d: 0,
  r2: 0,
  dPrime: 0,
})
