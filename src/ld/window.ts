// LD over windows of a panel: every pair of sites no farther apart than the window (the triangle),
// or one site against the sites of its window. Pairs are kept as Ensembl keeps them: N ≥ minN
// haplotypes and r² ≥ minR2. Results go to columnar arrays, since a 500 kb triangle holds millions
// of pairs.
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import {
  countPair,
  EM_MAX_ITERATIONS,
  EM_TOLERANCE,
  emptyCounts,
  emptyStats,
  pairStats,
  r2Bound,
  r2FrequencyBound,
} from './pair.js'
import type { PairStats } from './pair.js'
import type { HaplotypePanel } from './panel.js'

export interface LdOptions extends AbortOptions {
  /** largest distance between the two sites of a pair, bp (default 500,000, Ensembl's REST limit) */
  window?: number
  /** keep pairs with r² ≥ this (default 0.05, as Ensembl) */
  minR2?: number
  /**
   * keep pairs over at least this many haplotypes (default 40). Ensembl's MIN_GENOTYPES_LOCUS = 40
   * is compared with its N, which counts haplotypes (2 per person), so 20 people suffice there too.
   */
  minN?: number
  /** estimate by EM over genotypes even where haplotypes are phased (plink 1.9 ignores phase) */
  unphased?: boolean
  /** stop the EM when θ moves by less than this (default 1e-4, Ensembl's) */
  tolerance?: number
  /** and after this many rounds at most (default 100,000), whatever θ does */
  maxIterations?: number
  onProgress?: ProgressCallback
}

/** Pairs as columns: pair k is sites a[k] < b[k] of the panel (indices), with its statistics. */
export class LdPairs {
  length = 0
  a: Int32Array = new Int32Array(1024)
  b: Int32Array = new Int32Array(1024)
  n: Int32Array = new Int32Array(1024)
  r2: Float64Array = new Float64Array(1024)
  dPrime: Float64Array = new Float64Array(1024)
  d: Float64Array = new Float64Array(1024)
  p11: Float64Array = new Float64Array(1024)
  p10: Float64Array = new Float64Array(1024)
  p01: Float64Array = new Float64Array(1024)
  p00: Float64Array = new Float64Array(1024)

  push(a: number, b: number, s: PairStats): void {
    if (this.length === this.a.length) this.grow()
    const k = this.length++
    this.a[k] = a
    this.b[k] = b
    this.n[k] = s.n
    this.r2[k] = s.r2
    this.dPrime[k] = s.dPrime
    this.d[k] = s.d
    this.p11[k] = s.p11
    this.p10[k] = s.p10
    this.p01[k] = s.p01
    this.p00[k] = s.p00
  }

  /** Pair k as an object. */
  get(k: number): PairStats & { a: number; b: number } {
    if (k < 0 || k >= this.length)
      throw new ArgumentError(`pair ${k} is not in 0..${this.length - 1}`)
    return {
      a: this.a[k]!,
      b: this.b[k]!,
      n: this.n[k]!,
      r2: this.r2[k]!,
      dPrime: this.dPrime[k]!,
      d: this.d[k]!,
      p11: this.p11[k]!,
      p10: this.p10[k]!,
      p01: this.p01[k]!,
      p00: this.p00[k]!,
    }
  }

  private grow(): void {
    const size = this.a.length * 2
    const ints = (x: Int32Array): Int32Array => {
      const y = new Int32Array(size)
      y.set(x)
      return y
    }
    const floats = (x: Float64Array): Float64Array => {
      const y = new Float64Array(size)
      y.set(x)
      return y
    }
    this.a = ints(this.a)
    this.b = ints(this.b)
    this.n = ints(this.n)
    this.r2 = floats(this.r2)
    this.dPrime = floats(this.dPrime)
    this.d = floats(this.d)
    this.p11 = floats(this.p11)
    this.p10 = floats(this.p10)
    this.p01 = floats(this.p01)
    this.p00 = floats(this.p00)
  }
}

interface Settings {
  window: number
  minR2: number
  minN: number
  unphased: boolean
  tolerance: number
  maxIterations: number
}

function settings(opts: LdOptions): Settings {
  const s = {
    window: opts.window ?? 500_000,
    minR2: opts.minR2 ?? 0.05,
    minN: opts.minN ?? 40,
    unphased: opts.unphased ?? false,
    tolerance: opts.tolerance ?? EM_TOLERANCE,
    maxIterations: opts.maxIterations ?? EM_MAX_ITERATIONS,
  }
  if (!(s.window >= 0)) throw new ArgumentError(`window ${s.window}: expected a distance ≥ 0 bp`)
  if (!(s.minR2 >= 0 && s.minR2 <= 1)) throw new ArgumentError(`min r² ${s.minR2}: expected 0..1`)
  if (!(s.minN >= 0)) throw new ArgumentError(`min N ${s.minN}: expected ≥ 0`)
  if (!(s.tolerance > 0)) throw new ArgumentError(`EM tolerance ${s.tolerance}: expected > 0`)
  if (!(Number.isInteger(s.maxIterations) && s.maxIterations >= 1))
    throw new ArgumentError(`EM rounds ${s.maxIterations}: expected a whole number ≥ 1`)
  return s
}

/** Compute pairs (i, j) for j in [from, to), j ≠ i, into `out`. */
function pairsOf(
  panel: HaplotypePanel,
  i: number,
  from: number,
  to: number,
  s: Settings,
  out: LdPairs,
): void {
  const counts = emptyCounts()
  const stats = emptyStats()
  const site = panel.sites[i]!
  // with every allele called, the frequencies (and so the reach of r²) are the sites' own
  const bounded = s.minR2 > 0 && site.called === undefined
  const pA = site.altCount / site.calledCount
  // slack for rounding: a pair exactly at min r² is counted
  const floor = s.minR2 * (1 - 1e-9)
  for (let j = from; j < to; j++) {
    if (j === i) continue
    const other = panel.sites[j]!
    if (
      bounded &&
      other.called === undefined &&
      r2FrequencyBound(pA, other.altCount / other.calledCount) < floor
    )
      continue
    // the earlier site is always A, so a pair gives the same numbers from either of its sites
    if (j < i) countPair(panel, other, site, s.unphased, counts)
    else countPair(panel, site, other, s.unphased, counts)
    if (counts.n < s.minN || counts.n === 0) continue
    if (counts.doubleHets > 0 && s.minR2 > 0 && r2Bound(counts) < s.minR2) continue
    pairStats(counts, s.tolerance, stats, s.maxIterations)
    if (stats.r2 < s.minR2) continue
    if (j < i) out.push(j, i, stats)
    else out.push(i, j, stats)
  }
}

/** Every pair of sites of `panel` at most `window` bp apart, each once (a < b). */
export function ldTriangle(panel: HaplotypePanel, opts: LdOptions = {}): LdPairs {
  const s = settings(opts)
  const pos = panel.positions
  const out = new LdPairs()
  let end = 0
  for (let i = 0; i < pos.length; i++) {
    checkAbort(opts.signal)
    if (end < i + 1) end = i + 1
    while (end < pos.length && pos[end]! - pos[i]! <= s.window) end++
    pairsOf(panel, i, i + 1, end, s, out)
    opts.onProgress?.({ phase: 'LD triangle', done: i + 1, total: pos.length })
  }
  return out
}

/** Site `index` of `panel` against every other site at most `window` bp away, in site order. */
export function ldAgainst(panel: HaplotypePanel, index: number, opts: LdOptions = {}): LdPairs {
  const s = settings(opts)
  const pos = panel.positions
  const p = pos[index]
  if (!Number.isInteger(index) || p === undefined)
    throw new ArgumentError(`site ${index} is not in 0..${pos.length - 1}`)
  checkAbort(opts.signal)
  let from = index
  while (from > 0 && p - pos[from - 1]! <= s.window) from--
  let to = index + 1
  while (to < pos.length && pos[to]! - p <= s.window) to++
  const out = new LdPairs()
  pairsOf(panel, index, from, to, s, out)
  return out
}
