// The LD engine on real haplotypes: the 300 EUR samples of the chr20 test VCF, per population of
// the real 1000 Genomes panel. Sites: 20:1,000,000-1,600,000 with ALT frequency 5-95 % over the
// 300 samples (about 1,500 sites), so a 500 kb window both holds hundreds of thousands of pairs
// and cuts some pairs off. Phased estimates are checked against a direct count of two-site
// haplotypes written here; the EM on genotypes against plink 1.9 `--r2 dprime-signed`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HaplotypePanel } from '../src/ld/panel.js'
import { ldAgainst, ldTriangle } from '../src/ld/window.js'
import { addTileVariants } from '../src/ld/tileVariants.js'
import type { StepVariants } from '../src/ld/tileVariants.js'
import type { LdPairs } from '../src/ld/window.js'
import { seededRandom } from '../src/core/random.js'
import { describeShared, hasTool, PANEL } from './shared.js'
import { CHR20_VCF, populations, readPanel, readVcfGenotypes } from './ldVcf.js'
import type { VcfGenotypes, VcfSite } from './ldVcf.js'

const REGION = '20:1000000-1600000'
const WINDOW = 500_000
const POPS = ['CEU', 'FIN', 'GBR', 'IBS']

interface Direct {
  n: number
  p11: number
  p10: number
  p01: number
  p00: number
  d: number
  r2: number
  dPrime: number
}

/** LD of two sites over the haplotypes of `samples`, counted one haplotype at a time. */
function directLd(x: Int8Array, y: Int8Array, samples: number[]): Direct {
  const c = [0, 0, 0, 0] // index 2·(ALT at A) + (ALT at B)
  for (const s of samples)
    for (let h = 2 * s; h <= 2 * s + 1; h++) if (x[h]! >= 0 && y[h]! >= 0) c[2 * x[h]! + y[h]!]!++
  const n = c[0]! + c[1]! + c[2]! + c[3]!
  const p00 = c[0]! / n
  const p01 = c[1]! / n
  const p10 = c[2]! / n
  const p11 = c[3]! / n
  const pA = p10 + p11
  const pB = p01 + p11
  const d = p11 * p00 - p10 * p01
  const v = pA * (1 - pA) * pB * (1 - pB)
  const dMax =
    d > 0 ? Math.min(pA * (1 - pB), (1 - pA) * pB) : Math.min(pA * pB, (1 - pA) * (1 - pB))
  return { n, p11, p10, p01, p00, d, r2: v === 0 ? 0 : (d * d) / v, dPrime: d === 0 ? 0 : d / dMax }
}

interface GenotypeTable {
  /** haplotypes known whatever the phase, by ALT at A then B */
  u11: number
  u10: number
  u01: number
  u00: number
  /** double heterozygotes */
  h: number
}

/** Genotypes of two sites over `samples`, as the haplotypes every phase agrees on plus double hets. */
function genotypeTable(x: Int8Array, y: Int8Array, samples: number[]): GenotypeTable {
  const t = { u11: 0, u10: 0, u01: 0, u00: 0, h: 0 }
  for (const s of samples) {
    const a = x[2 * s]! + x[2 * s + 1]!
    const b = y[2 * s]! + y[2 * s + 1]!
    if (a === 1 && b === 1) {
      t.h++
      continue
    }
    // one site homozygous: its allele pairs with each allele of the other site
    for (const [p, q] of [
      [Math.min(a, 1), Math.min(b, 1)],
      [a >> 1, b >> 1],
    ] as const) {
      if (p && q) t.u11++
      else if (p) t.u10++
      else if (q) t.u01++
      else t.u00++
    }
  }
  return t
}

/** Log-likelihood of the genotypes given the ALT-ALT haplotype frequency. */
function logLikelihood(t: GenotypeTable, p11: number): number {
  const n = 2 * t.h + t.u11 + t.u10 + t.u01 + t.u00
  const pA = (t.u11 + t.u10 + t.h) / n
  const pB = (t.u11 + t.u01 + t.h) / n
  const f = [p11, pA - p11, pB - p11, 1 - pA - pB + p11].map((v) => Math.max(v, 0))
  const term = (k: number, p: number): number => (k === 0 ? 0 : k * Math.log(p))
  return (
    term(t.u11, f[0]!) +
    term(t.u10, f[1]!) +
    term(t.u01, f[2]!) +
    term(t.u00, f[3]!) +
    term(t.h, f[0]! * f[3]! + f[1]! * f[2]!)
  )
}

/** p11 from a signed D′ and the allele frequencies of the table. */
function p11FromDPrime(t: GenotypeTable, dPrime: number): number {
  const n = 2 * t.h + t.u11 + t.u10 + t.u01 + t.u00
  const pA = (t.u11 + t.u10 + t.h) / n
  const pB = (t.u11 + t.u01 + t.h) / n
  const dMax =
    dPrime > 0 ? Math.min(pA * (1 - pB), (1 - pA) * pB) : Math.min(pA * pB, (1 - pA) * (1 - pB))
  return pA * pB + dPrime * dMax
}

function panelOf(
  sites: VcfSite[],
  samples: number,
  select?: number[],
  unphased?: boolean[],
): HaplotypePanel {
  const panel = new HaplotypePanel({
    samples,
    ...(select ? { select } : {}),
    ...(unphased ? { unphased } : {}),
  })
  for (const s of sites) panel.add(s.pos, s.alleles)
  return panel
}

const pairKey = (a: number, b: number): string => `${a}:${b}`

function byPair(pairs: LdPairs): Map<string, number> {
  const m = new Map<string, number>()
  for (let k = 0; k < pairs.length; k++) m.set(pairKey(pairs.a[k]!, pairs.b[k]!), k)
  return m
}

describe('multi-allelic sites', () => {
  it('each ALT is a biallelic site: another ALT counts as REF, or as missing', () => {
    // 6 samples; site X has alleles 0/1/2, site Y is biallelic
    const x = Int8Array.from([0, 1, 2, 2, 1, 0, 2, 1, 0, 0, 2, -1])
    const y = Int8Array.from([0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1])
    const samples = [0, 1, 2, 3, 4, 5]
    const pairOf = (alt: number, other: 'ref' | 'missing') => {
      const panel = new HaplotypePanel({ samples: 6 })
      panel.add(10, x, { alt, other })
      panel.add(20, y)
      return ldTriangle(panel, { minR2: 0, minN: 0 }).get(0)
    }
    const indicator = (alt: number, other: 'ref' | 'missing') =>
      Int8Array.from(x, (a) =>
        a < 0 ? -1 : a === alt ? 1 : a === 0 ? 0 : other === 'ref' ? 0 : -1,
      )
    for (const alt of [1, 2])
      for (const other of ['ref', 'missing'] as const) {
        const got = pairOf(alt, other)
        const want = directLd(indicator(alt, other), y, samples)
        expect(got.n).toBe(want.n)
        expect(got.r2).toBeCloseTo(want.r2, 12)
        expect(got.dPrime).toBeCloseTo(want.dPrime, 12)
      }
    // 'missing' leaves out the haplotypes of the other ALT (and the no-call)
    expect(pairOf(2, 'missing').n).toBe(12 - 1 - 3)
    expect(pairOf(2, 'ref').n).toBe(12 - 1)
  })
})

describe('pairs that cannot reach min r²', () => {
  it('are skipped by their allele frequencies: the kept pairs equal the full triangle filtered', () => {
    // 60 samples, sites of every frequency from singletons to near-fixed, in linked blocks
    const random = seededRandom(7)
    const N = 60
    const sites: Int8Array[] = []
    let base = Int8Array.from({ length: 2 * N }, () => (random() < 0.5 ? 1 : 0))
    for (let k = 0; k < 200; k++) {
      if (k % 10 === 0) base = Int8Array.from({ length: 2 * N }, () => (random() < 0.5 ? 1 : 0))
      const f = [0.01, 0.05, 0.2, 0.5, 0.9][k % 5]!
      sites.push(Int8Array.from(base, (b) => (random() < f ? 1 - b : b)))
    }
    for (const unphased of [false, true]) {
      const panel = new HaplotypePanel({ samples: N })
      sites.forEach((s, k) => panel.add(100 * k, s))
      const all = ldTriangle(panel, { minR2: 0, minN: 0, unphased })
      for (const minR2 of [0.05, 0.3, 0.8]) {
        const kept = ldTriangle(panel, { minR2, minN: 0, unphased })
        const wanted = []
        for (let k = 0; k < all.length; k++)
          if (all.r2[k]! >= minR2) wanted.push(pairKey(all.a[k]!, all.b[k]!))
        expect(wanted.length).toBeGreaterThan(20)
        expect([...byPair(kept).keys()]).toEqual(wanted)
      }
    }
  })
})

describe('the EM on genotypes', () => {
  // 9 unphased samples: 6 give the known haplotypes 3× ALT-ALT, 5× ALT-REF, 1× REF-ALT, 3× REF-REF,
  // and 3 are double heterozygotes. Ensembl's update θ ← P(trans) of this pair never settles to
  // the last bit: it cycles between neighbouring doubles, so with a tolerance below their gap only
  // the round cap stops it (without the cap this test hangs until vitest's timeout fails it).
  const haplotypes: [number, number][][] = [
    [
      [1, 1],
      [1, 1],
    ],
    [
      [1, 1],
      [1, 0],
    ],
    [
      [1, 0],
      [1, 0],
    ],
    [
      [1, 0],
      [1, 0],
    ],
    [
      [0, 1],
      [0, 0],
    ],
    [
      [0, 0],
      [0, 0],
    ],
    [
      [1, 1],
      [0, 0],
    ],
    [
      [1, 1],
      [0, 0],
    ],
    [
      [1, 1],
      [0, 0],
    ],
  ]
  const x = Int8Array.from(haplotypes.flatMap((s) => s.map((h) => h[0])))
  const y = Int8Array.from(haplotypes.flatMap((s) => s.map((h) => h[1])))
  const table = genotypeTable(
    x,
    y,
    haplotypes.map((_, i) => i),
  )
  /** θ after `rounds` rounds of the update, or when it moves by less than `tolerance` */
  const emTheta = (rounds: number, tolerance: number): { theta: number; rounds: number } => {
    const { u11, u10, u01, u00, h } = table
    let theta = 0.5
    let previous = 2
    let k = 0
    for (; k < rounds && Math.abs(theta - previous) > tolerance; k++) {
      previous = theta
      const cis = (u11 + (1 - theta) * h) * (u00 + (1 - theta) * h)
      const trans = (u10 + theta * h) * (u01 + theta * h)
      theta = trans / (cis + trans)
    }
    return { theta, rounds: k }
  }
  const pairWith = (opts: { tolerance?: number; maxIterations?: number }) => {
    const panel = new HaplotypePanel({ samples: 9, unphased: new Array<boolean>(9).fill(true) })
    panel.add(100, x)
    panel.add(200, y)
    return ldTriangle(panel, { minR2: 0, minN: 0, ...opts }).get(0)
  }
  const p11Of = (theta: number): number => (table.u11 + (1 - theta) * table.h) / 18

  it('a pair whose θ never settles stops after the round cap (100,000 by default)', () => {
    expect(table).toEqual({ u11: 3, u10: 5, u01: 1, u00: 3, h: 3 })
    // the pathology, shown by the update written here: a million rounds and θ still moves
    expect(emTheta(1_000_000, 0).rounds).toBe(1_000_000)
    const capped = pairWith({ tolerance: Number.MIN_VALUE })
    expect(capped.p11).toBeCloseTo(p11Of(emTheta(100_000, 0).theta), 12)
    expect(Number.isFinite(capped.r2) && Number.isFinite(capped.dPrime)).toBe(true)
    // Ensembl's tolerance stops it long before the cap, at the same estimate to 1e-4
    const ensembl = emTheta(100_000, 1e-4)
    expect(ensembl.rounds).toBeLessThan(50)
    expect(pairWith({}).p11).toBeCloseTo(p11Of(ensembl.theta), 12)
    expect(Math.abs(pairWith({}).p11 - capped.p11)).toBeLessThan(1e-4)
  })

  it('maxIterations bounds the rounds', () => {
    for (const rounds of [1, 2, 5])
      expect(pairWith({ maxIterations: rounds, tolerance: Number.MIN_VALUE }).p11).toBeCloseTo(
        p11Of(emTheta(rounds, 0).theta),
        12,
      )
    expect(p11Of(emTheta(1, 0).theta)).not.toBeCloseTo(p11Of(emTheta(5, 0).theta), 3)
    expect(() => pairWith({ maxIterations: 0 })).toThrow(/EM rounds 0: expected a whole number ≥ 1/)
  })
})

describeShared('LD on the 1000 Genomes EUR haplotypes of chr20', () => {
  let genotypes: VcfGenotypes
  let sites: VcfSite[]
  let groups: Map<string, number[]>

  beforeAll(() => {
    genotypes = readVcfGenotypes(CHR20_VCF, REGION)
    sites = genotypes.sites.filter((s) => {
      let alt = 0
      for (const a of s.alleles) alt += a
      const f = alt / s.alleles.length
      return f >= 0.05 && f <= 0.95
    })
    groups = populations(genotypes.samples, readPanel(PANEL))
  })

  it('phased estimates equal a direct count of two-site haplotypes for every pair in the window, per population', () => {
    expect(sites.length).toBeGreaterThan(1000)
    expect([...groups.keys()].sort()).toEqual(POPS)
    const N = genotypes.samples.length
    for (const pop of POPS) {
      const members = groups.get(pop)!
      const pairs = ldTriangle(panelOf(sites, N, members), { window: WINDOW, minR2: 0, minN: 0 })
      const index = byPair(pairs)
      let expected = 0
      let worst = 0
      let wrongN = 0
      for (let i = 0; i < sites.length; i++)
        for (let j = i + 1; j < sites.length && sites[j]!.pos - sites[i]!.pos <= WINDOW; j++) {
          expected++
          const k = index.get(pairKey(i, j))
          if (k === undefined)
            throw new Error(`${pop}: pair ${sites[i]!.pos}-${sites[j]!.pos} is missing`)
          const want = directLd(sites[i]!.alleles, sites[j]!.alleles, members)
          if (pairs.n[k] !== want.n) wrongN++
          for (const key of ['p11', 'p10', 'p01', 'p00', 'd', 'r2', 'dPrime'] as const)
            worst = Math.max(worst, Math.abs(pairs[key][k]! - want[key]))
        }
      expect(pairs.length, pop).toBe(expected)
      expect(wrongN, pop).toBe(0)
      expect(worst, pop).toBeLessThan(1e-9)
    }
  })

  it('rare sites count over their carriers: the same as a direct count (phased) and as the word-by-word count (EM)', () => {
    // every site of 20:1.0-1.1 Mb, most of them rare
    const all = genotypes.sites.filter((s) => s.pos <= 1_100_000)
    const N = genotypes.samples.length
    for (const pop of ['FIN', 'GBR']) {
      const members = groups.get(pop)!
      const sparse = new HaplotypePanel({ samples: N, select: members })
      const dense = new HaplotypePanel({ samples: N, select: members, sparseLimit: 0 })
      for (const s of all) {
        sparse.add(s.pos, s.alleles)
        dense.add(s.pos, s.alleles)
      }
      const lists = sparse.sites.filter((x) => x.minor !== undefined).length
      expect(lists).toBeGreaterThan(all.length / 3)
      expect(dense.sites.every((x) => x.minor === undefined)).toBe(true)
      const options = { window: 100_000, minR2: 0, minN: 0 }
      const phased = ldTriangle(sparse, options)
      let worst = 0
      for (let k = 0; k < phased.length; k++) {
        const want = directLd(all[phased.a[k]!]!.alleles, all[phased.b[k]!]!.alleles, members)
        if (phased.n[k] !== want.n)
          throw new Error(`${pop} pair ${k}: N ${phased.n[k]} vs ${want.n}`)
        for (const key of ['p11', 'd', 'r2', 'dPrime'] as const)
          worst = Math.max(worst, Math.abs(phased[key][k]! - want[key]))
      }
      expect(worst).toBeLessThan(1e-9)
      const emSparse = ldTriangle(sparse, { ...options, unphased: true })
      const emDense = ldTriangle(dense, { ...options, unphased: true })
      expect(emSparse.length).toBe(emDense.length)
      expect(Array.from(emSparse.p11)).toEqual(Array.from(emDense.p11))
      expect(Array.from(emSparse.dPrime)).toEqual(Array.from(emDense.dPrime))
    }
  })

  it('keeps pairs as Ensembl does (r² ≥ 0.05 over ≥ 40 haplotypes), and one site against its window gives its pairs of the triangle', () => {
    const N = genotypes.samples.length
    const members = groups.get('GBR')!
    const panel = panelOf(sites, N, members)
    const all = ldTriangle(panel, { window: WINDOW, minR2: 0, minN: 0 })
    const kept = ldTriangle(panel, { window: WINDOW })
    const wanted: string[] = []
    for (let k = 0; k < all.length; k++)
      if (all.r2[k]! >= 0.05 && all.n[k]! >= 40) wanted.push(pairKey(all.a[k]!, all.b[k]!))
    expect(wanted.length).toBeGreaterThan(1000)
    expect(wanted.length).toBeLessThan(all.length)
    expect([...byPair(kept).keys()]).toEqual(wanted)
    // CEU has 3 samples: 6 haplotypes never reach 40
    expect(ldTriangle(panelOf(sites, N, groups.get('CEU')!), { window: WINDOW }).length).toBe(0)

    const middle = Math.floor(sites.length / 2)
    const one = ldAgainst(panel, middle, { window: 100_000, minR2: 0, minN: 0 })
    const fromTriangle = byPair(all)
    let inWindow = 0
    for (let j = 0; j < sites.length; j++) {
      if (j === middle || Math.abs(sites[j]!.pos - sites[middle]!.pos) > 100_000) continue
      inWindow++
    }
    expect(one.length).toBe(inWindow)
    for (let k = 0; k < one.length; k++) {
      expect(one.a[k] === middle || one.b[k] === middle).toBe(true)
      const t = fromTriangle.get(pairKey(one.a[k]!, one.b[k]!))!
      expect([one.r2[k], one.dPrime[k], one.n[k]]).toEqual([all.r2[t], all.dPrime[t], all.n[t]])
    }
  })

  it('the EM ignores phase: unphased samples give the same estimates whichever way their haplotypes are paired', () => {
    const N = genotypes.samples.length
    const members = groups.get('IBS')!
    const random = seededRandom(7)
    const swapped = sites.slice(0, 300).map((s) => {
      const alleles = s.alleles.slice()
      for (let i = 0; i < N; i++)
        if (random() < 0.5)
          [alleles[2 * i], alleles[2 * i + 1]] = [alleles[2 * i + 1]!, alleles[2 * i]!]
      return { ...s, alleles }
    })
    const forced = ldTriangle(panelOf(sites.slice(0, 300), N, members), {
      minR2: 0,
      unphased: true,
    })
    const flagged = ldTriangle(panelOf(swapped, N, members, new Array<boolean>(N).fill(true)), {
      minR2: 0,
    })
    expect(flagged.length).toBe(forced.length)
    expect(Array.from(flagged.r2)).toEqual(Array.from(forced.r2))
    expect(Array.from(flagged.dPrime)).toEqual(Array.from(forced.dPrime))
    // and phase matters when it is used: the phased estimates differ from the EM's
    const phased = ldTriangle(panelOf(sites.slice(0, 300), N, members), { minR2: 0 })
    let differ = 0
    for (let k = 0; k < Math.min(phased.length, forced.length); k++)
      if (Math.abs(phased.r2[k]! - forced.r2[k]!) > 1e-3) differ++
    expect(differ).toBeGreaterThan(100)
  })

  it('tile-level LD: indicator sites of tile variants per step equal a direct count over the indicators', () => {
    // steps of 8 consecutive real sites; a haplotype's tile variant is the number of its allele
    // string at the step (in order of first appearance), and 1 % of haplotypes are no-calls
    const N = genotypes.samples.length
    const random = seededRandom(3)
    const steps: StepVariants[] = []
    for (let first = 0; first + 8 <= genotypes.sites.length && steps.length < 150; first += 8) {
      const seen = new Map<string, number>()
      const variants = new Int32Array(2 * N)
      for (let h = 0; h < 2 * N; h++) {
        const key = genotypes.sites
          .slice(first, first + 8)
          .map((x) => x.alleles[h])
          .join('')
        if (!seen.has(key)) seen.set(key, seen.size)
        variants[h] = random() < 0.01 ? -1 : seen.get(key)!
      }
      steps.push({ step: steps.length, pos: genotypes.sites[first]!.pos, variants })
    }
    const members = groups.get('GBR')!
    const panel = new HaplotypePanel({ samples: N, select: members })
    const added = addTileVariants(panel, steps)
    // every variant a GBR haplotype carries, unless all called GBR haplotypes carry it
    const indicators: Int8Array[] = []
    let expectedSites = 0
    for (const st of steps) {
      const numbers = new Set<number>()
      for (const m of members)
        for (const h of [2 * m, 2 * m + 1]) if (st.variants[h]! >= 0) numbers.add(st.variants[h]!)
      for (const v of [...numbers].sort((x, y) => x - y)) {
        const ind = Int8Array.from(st.variants, (x) => (x < 0 ? -1 : x === v ? 1 : 0))
        let carriers = 0
        let called = 0
        for (const m of members)
          for (const h of [2 * m, 2 * m + 1]) {
            if (ind[h]! >= 0) called++
            if (ind[h] === 1) carriers++
          }
        if (carriers === called) continue
        expect(added[expectedSites]).toEqual({
          step: st.step,
          variant: v,
          site: expectedSites,
          carriers,
        })
        indicators.push(ind)
        expectedSites++
      }
    }
    expect(panel.length).toBe(expectedSites)
    expect(expectedSites).toBeGreaterThan(300)
    const pairs = ldTriangle(panel, { window: 100_000, minR2: 0, minN: 0 })
    let worst = 0
    let compared = 0
    for (let k = 0; k < pairs.length; k++) {
      const want = directLd(indicators[pairs.a[k]!]!, indicators[pairs.b[k]!]!, members)
      if (pairs.n[k] !== want.n) throw new Error(`pair ${k}: N ${pairs.n[k]} vs ${want.n}`)
      for (const key of ['p11', 'd', 'r2', 'dPrime'] as const)
        worst = Math.max(worst, Math.abs(pairs[key][k]! - want[key]))
      compared++
    }
    expect(compared).toBeGreaterThan(10_000)
    expect(worst).toBeLessThan(1e-9)
  })

  describe.skipIf(!hasTool('plink1.9'))(
    'EM over genotypes against plink 1.9 --r2 dprime-signed',
    () => {
      let work: string
      beforeAll(() => {
        work = mkdtempSync(join(tmpdir(), 'lt-ld-plink-'))
      })
      afterAll(() => {
        if (work) rmSync(work, { recursive: true, force: true })
      })

      it('agrees on r² and D′ of every pair in the window, per population', () => {
        const N = genotypes.samples.length
        // the chosen sites, with IDs plink can name
        const vcf = join(work, 'sites.vcf.gz')
        writeFileSync(join(work, 'targets.tsv'), sites.map((s) => `20\t${s.pos}\n`).join(''))
        const view = spawnSync(
          'bash',
          [
            '-c',
            `bcftools view -T ${join(work, 'targets.tsv')} -r ${REGION} ${CHR20_VCF} | ` +
              `bcftools annotate --set-id '%POS' -Oz -o ${vcf}`,
          ],
          { encoding: 'utf8' },
        )
        expect(view.status, view.stderr).toBe(0)
        const indexOf = new Map(sites.map((s, i) => [s.pos, i]))
        expect(indexOf.size).toBe(sites.length)
        const report: string[] = []
        for (const pop of POPS.filter((p) => p !== 'CEU')) {
          const members = groups.get(pop)!
          writeFileSync(
            join(work, `${pop}.keep`),
            members.map((i) => `${genotypes.samples[i]} ${genotypes.samples[i]}\n`).join(''),
          )
          const out = join(work, pop)
          const plink = spawnSync(
            'plink1.9',
            [
              '--vcf',
              vcf,
              '--double-id',
              '--keep-allele-order',
              '--keep',
              `${out}.keep`,
              '--r2',
              'dprime-signed',
              '--ld-window',
              '999999',
              '--ld-window-kb',
              String(WINDOW / 1000),
              '--ld-window-r2',
              '0',
              '--threads',
              '1',
              '--out',
              out,
            ],
            { encoding: 'utf8' },
          )
          expect(plink.status, plink.stdout).toBe(0)
          const panel = panelOf(sites, N, members)
          const ensembl = ldTriangle(panel, { window: WINDOW, minR2: 0, minN: 0, unphased: true })
          const tight = ldTriangle(panel, {
            window: WINDOW,
            minR2: 0,
            minN: 0,
            unphased: true,
            tolerance: 1e-12,
          })
          const ours = byPair(ensembl)
          const lines = readFileSync(`${out}.ld`, 'utf8').trim().split('\n').slice(1)
          let compared = 0
          let worst = 0
          let worstPair = ''
          let localMaxima = 0
          let above = 0
          for (const line of lines) {
            const [, posA, , , posB, , r2, dp] = line.trim().split(/\s+/).map(Number) as number[]
            if (Number.isNaN(r2)) continue
            const i = indexOf.get(posA!)!
            const j = indexOf.get(posB!)!
            const k = ours.get(pairKey(i, j))
            if (k === undefined) throw new Error(`${pop}: plink's pair ${posA}-${posB} is missing`)
            compared++
            const tightDiff = Math.max(
              Math.abs(tight.r2[k]! - r2!),
              Math.abs(tight.dPrime[k]! - dp!),
            )
            if (tightDiff > 1e-5) {
              // EM from θ = 0.5 stopped at a local maximum: plink's solution must be more likely
              const table = genotypeTable(sites[i]!.alleles, sites[j]!.alleles, members)
              const theirs = logLikelihood(table, p11FromDPrime(table, dp!))
              const mine = logLikelihood(table, tight.p11[k]!)
              if (!(theirs > mine))
                throw new Error(
                  `${pop} ${posA}-${posB}: plink's D′ ${dp} is no more likely than ours`,
                )
              localMaxima++
              continue
            }
            const diff = Math.max(
              Math.abs(ensembl.r2[k]! - r2!),
              Math.abs(ensembl.dPrime[k]! - dp!),
            )
            if (diff > 1e-4) above++
            if (diff > worst) {
              worst = diff
              worstPair = `${posA}-${posB}`
            }
          }
          report.push(
            `${pop}: ${compared} pairs; EM at a local maximum (plink's cubic finds a likelier one) in ` +
              `${localMaxima}; elsewhere largest |Δr²|, |ΔD′| ${worst.toExponential(2)} at ${worstPair} ` +
              `with Ensembl's θ tolerance 1e-4, < 1e-5 with 1e-12; ${above} pairs above 1e-4`,
          )
          expect(compared).toBeGreaterThan(0.9 * ensembl.length)
          expect(localMaxima).toBeLessThan(0.001 * compared)
        }
        console.log(`EM vs plink 1.9:\n${report.join('\n')}`)
      }, 600_000)
    },
  )
})
