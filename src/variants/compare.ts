// Genotype concordance of two VCFs in the canonical form of normalizeVcfRecords. Browser-safe.
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { consensusSpell } from './consensus.js'
import { GT_NOCALL, GT_REF } from './vcf.js'
import type { ReferenceSource, VcfRecord } from './vcf.js'
import type { RefAccessor } from './normalize.js'

export interface Disagreement {
  chrom: string
  /** 1-based, as in VCF. */
  pos: number
  ref: string
  alt: string
  sample: string
  a: string
  b: string
}

export interface Concordance {
  /** Samples in both inputs (compared), and those only in one. */
  samples: string[]
  onlyA: string[]
  onlyB: string[]
  /** Sites in the union (a site missing from one side is 0|0 there), and those excluded. */
  sites: number
  excluded: number
  sitesOnlyA: number
  sitesOnlyB: number
  /** Genotypes compared (sites × samples) and how many agree. */
  genotypes: number
  agree: number
  /** Genotypes with an alt or no-call allele on either side, and how many of them agree. */
  nonRef: number
  nonRefAgree: number
  /** Genotypes that differ site by site but whose phased haplotypes spell the same sequence
   * (the same alleles written as different atoms, e.g. two nearby insertions); counted apart
   * from `agree`, and only when a `reference` is given. */
  equivalent: number
  /** The haplotype stretches shown equal for them: each side's variants over the window, applied
   * in order by the rule of bcftools consensus, spell `sequence`. */
  equivalentHaplotypes: EquivalentHaplotype[]
  /** The first disagreements (up to `maxList`), in site order, equivalent ones left out. */
  disagreements: Disagreement[]
}

export interface EquivalentHaplotype {
  sample: string
  haplotype: 1 | 2
  chrom: string
  /** The reference window, 0-based half-open. */
  start: number
  end: number
  /** What both sides spell over the window. */
  sequence: string
}

/** One input: its sample names and its canonical records (e.g. from normalizeVcfRecords). */
export interface Side {
  samples: readonly string[]
  records: AsyncIterable<VcfRecord> | Iterable<VcfRecord>
}

const ALLELE = ['0', '1', '.']

function gtString(r: VcfRecord | undefined, i: number): string {
  if (!r) return '0|0'
  return ALLELE[r.gt[2 * i]!]! + (r.phased[i] ? '|' : '/') + ALLELE[r.gt[2 * i + 1]!]!
}

/** Equal genotypes: ordered when both are phased, else as unordered pairs. */
function same(a: VcfRecord | undefined, ia: number, b: VcfRecord | undefined, ib: number): boolean {
  const a0 = a ? a.gt[2 * ia]! : GT_REF
  const a1 = a ? a.gt[2 * ia + 1]! : GT_REF
  const b0 = b ? b.gt[2 * ib]! : GT_REF
  const b1 = b ? b.gt[2 * ib + 1]! : GT_REF
  if (a0 === b0 && a1 === b1) return true
  const phased = (a ? a.phased[ia] : 1) && (b ? b.phased[ib] : 1)
  return !phased && a0 === b1 && a1 === b0
}

/**
 * Compare two canonical VCFs site by site, sample by sample. `exclude(chrom, pos0)` drops sites
 * (e.g. those a tiler skipped as overlaps); they are counted, not compared. Holds both inputs'
 * sites in memory (sites × samples bytes).
 */
export async function compareCanonical(
  A: Side,
  B: Side,
  opts: AbortOptions & {
    exclude?: (r: VcfRecord) => boolean
    maxList?: number
    reference?: ReferenceSource
  } = {},
): Promise<Concordance> {
  const maxList = opts.maxList ?? 100
  const inB = new Map(B.samples.map((s, i) => [s, i]))
  const pairs: [string, number, number][] = []
  A.samples.forEach((s, i) => {
    const j = inB.get(s)
    if (j !== undefined) pairs.push([s, i, j])
  })
  const inA = new Set(A.samples)
  const load = async (side: Side) => {
    const m = new Map<string, VcfRecord>()
    for await (const r of side.records) {
      checkAbort(opts.signal)
      m.set(`${r.chrom}\t${r.pos}\t${r.ref}\t${r.alt}`, r)
    }
    return m
  }
  const ma = await load(A)
  const mb = await load(B)
  const keys = [...new Set([...ma.keys(), ...mb.keys()])]
  const parse = (k: string) => k.split('\t')
  keys.sort((x, y) => {
    const [cx, px] = parse(x)
    const [cy, py] = parse(y)
    return cx! < cy! ? -1 : cx! > cy! ? 1 : Number(px) - Number(py) || (x < y ? -1 : 1)
  })
  const res: Concordance = {
    samples: pairs.map((p) => p[0]),
    onlyA: A.samples.filter((s) => !inB.has(s)),
    onlyB: B.samples.filter((s) => !inA.has(s)),
    sites: 0,
    excluded: 0,
    sitesOnlyA: 0,
    sitesOnlyB: 0,
    genotypes: 0,
    agree: 0,
    nonRef: 0,
    nonRefAgree: 0,
    equivalent: 0,
    equivalentHaplotypes: [],
    disagreements: [],
  }
  const found: Found[] = []
  for (const k of keys) {
    const a = ma.get(k)
    const b = mb.get(k)
    const rec = (a ?? b)!
    if (opts.exclude?.(rec)) {
      res.excluded++
      continue
    }
    res.sites++
    if (!b) res.sitesOnlyA++
    if (!a) res.sitesOnlyB++
    for (let p = 0; p < pairs.length; p++) {
      const [, ia, ib] = pairs[p]!
      res.genotypes++
      const nonRef =
        (a && (a.gt[2 * ia] !== GT_REF || a.gt[2 * ia + 1] !== GT_REF)) ||
        (b && (b.gt[2 * ib] !== GT_REF || b.gt[2 * ib + 1] !== GT_REF))
      if (nonRef) res.nonRef++
      if (same(a, ia, b, ib)) {
        res.agree++
        if (nonRef) res.nonRefAgree++
      } else found.push({ rec, a, b, pair: p })
    }
  }
  const equivalent = opts.reference
    ? await equivalentHaplotypes(
        found,
        pairs,
        [...ma.values()],
        [...mb.values()],
        opts.reference,
        res.equivalentHaplotypes,
      )
    : new Set<Found>()
  res.equivalent = equivalent.size
  for (const f of found) {
    if (equivalent.has(f) || res.disagreements.length >= maxList) continue
    const [name, ia, ib] = pairs[f.pair]!
    res.disagreements.push({
      chrom: f.rec.chrom,
      pos: f.rec.pos + 1,
      ref: f.rec.ref,
      alt: f.rec.alt,
      sample: name,
      a: gtString(f.a, ia),
      b: gtString(f.b, ib),
    })
  }
  return res
}

interface Found {
  rec: VcfRecord
  a: VcfRecord | undefined
  b: VcfRecord | undefined
  pair: number
}

/** Bases either side of a differing site that belong to its cluster. */
const CLUSTER_GAP = 25

/**
 * The disagreements whose differing haplotypes (both sides phased) spell the same sequence over
 * the cluster of nearby differing sites, with every variant either side carries there applied
 * in order as bcftools consensus applies them (see consensusSpell); the stretches shown equal
 * are pushed to `shown`.
 */
async function equivalentHaplotypes(
  found: readonly Found[],
  pairs: readonly [string, number, number][],
  recsA: readonly VcfRecord[],
  recsB: readonly VcfRecord[],
  reference: ReferenceSource,
  shown: EquivalentHaplotype[],
): Promise<Set<Found>> {
  // at one POS a substitution comes first: consensus then applies an indel there without its
  // anchor base (the order of the input when one haplotype has a SNP and an indel at one POS)
  const subst = (r: VcfRecord) => (r.ref.length === r.alt.length ? 0 : 1)
  const byPos = (x: VcfRecord, y: VcfRecord) =>
    x.chrom < y.chrom ? -1 : x.chrom > y.chrom ? 1 : x.pos - y.pos || subst(x) - subst(y)
  const sideA = [...recsA].sort(byPos)
  const sideB = [...recsB].sort(byPos)
  let maxRef = 1
  for (const r of sideA) maxRef = Math.max(maxRef, r.ref.length)
  for (const r of sideB) maxRef = Math.max(maxRef, r.ref.length)
  // differing haplotypes, grouped by (pair, haplotype, chrom)
  const groups = new Map<string, Found[]>()
  for (const f of found) {
    const [, ia, ib] = pairs[f.pair]!
    if (!((f.a ? f.a.phased[ia] : 1) && (f.b ? f.b.phased[ib] : 1))) continue
    for (let h = 0; h < 2; h++)
      if ((f.a ? f.a.gt[2 * ia + h]! : GT_REF) !== (f.b ? f.b.gt[2 * ib + h]! : GT_REF)) {
        const key = `${f.pair}\t${h}\t${f.rec.chrom}`
        groups.set(key, [...(groups.get(key) ?? []), f])
      }
  }
  const good = new Map<Found, number>() // haplotypes shown equivalent
  const refs = new Map<string, RefAccessor>()
  for (const [key, list] of groups) {
    const [p, h, chrom] = key.split('\t') as [string, string, string]
    const [, ia, ib] = pairs[Number(p)]!
    let ref = refs.get(chrom)
    if (!ref) refs.set(chrom, (ref = await reference(chrom)))
    list.sort((x, y) => x.rec.pos - y.rec.pos)
    for (let i = 0; i < list.length;) {
      let start = list[i]!.rec.pos
      let end = start + list[i]!.rec.ref.length
      let j = i + 1
      while (j < list.length && list[j]!.rec.pos < end + CLUSTER_GAP) {
        end = Math.max(end, list[j]!.rec.pos + list[j]!.rec.ref.length)
        j++
      }
      // grow the window over every variant either side carries across its edges
      let va: VcfRecord[] | undefined
      let vb: VcfRecord[] | undefined
      for (let grown = true; grown;) {
        va = carried(sideA, chrom, start, end, 2 * ia + Number(h), maxRef)
        vb = carried(sideB, chrom, start, end, 2 * ib + Number(h), maxRef)
        grown = false
        for (const v of [...(va ?? []), ...(vb ?? [])]) {
          if (v.pos < start || v.pos + v.ref.length > end) {
            start = Math.min(start, v.pos)
            end = Math.max(end, v.pos + v.ref.length)
            grown = true
          }
        }
      }
      const window = ref(start, end)
      const sa = va && consensusSpell(window, start, va)
      if (sa !== undefined && sa === (vb && consensusSpell(window, start, vb))) {
        for (let k = i; k < j; k++) good.set(list[k]!, (good.get(list[k]!) ?? 0) + 1)
        const [sample] = pairs[Number(p)]!
        shown.push({ sample, haplotype: h === '0' ? 1 : 2, chrom, start, end, sequence: sa })
      }
      i = j
    }
  }
  // a disagreement is equivalent when each of its differing haplotypes is
  const out = new Set<Found>()
  for (const f of found) {
    const [, ia, ib] = pairs[f.pair]!
    let differing = 0
    for (let h = 0; h < 2; h++)
      if ((f.a ? f.a.gt[2 * ia + h]! : GT_REF) !== (f.b ? f.b.gt[2 * ib + h]! : GT_REF)) differing++
    if (differing > 0 && good.get(f) === differing) out.add(f)
  }
  return out
}

/** The variants haplotype `hap` carries overlapping `[start, end)`; undefined on a no-call. */
function carried(
  side: readonly VcfRecord[],
  chrom: string,
  start: number,
  end: number,
  hap: number,
  maxRef: number,
): VcfRecord[] | undefined {
  let lo = 0
  let hi = side.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const r = side[mid]!
    if (r.chrom < chrom || (r.chrom === chrom && r.pos < start - maxRef)) lo = mid + 1
    else hi = mid
  }
  const out: VcfRecord[] = []
  for (let i = lo; i < side.length; i++) {
    const r = side[i]!
    if (r.chrom !== chrom || r.pos >= end) break
    if (r.pos + r.ref.length <= start) continue
    const g = r.gt[hap]!
    if (g === GT_NOCALL) return undefined
    if (g !== GT_REF) out.push(r)
  }
  return out
}
