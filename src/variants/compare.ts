// Genotype concordance of two VCFs in the canonical form of normalizeVcfRecords. Browser-safe.
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { GT_REF } from './vcf.js'
import type { VcfRecord } from './vcf.js'

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
  /** The first disagreements (up to `maxList`), in site order. */
  disagreements: Disagreement[]
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
    disagreements: [],
  }
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
    for (const [name, ia, ib] of pairs) {
      res.genotypes++
      const nonRef =
        (a && (a.gt[2 * ia] !== GT_REF || a.gt[2 * ia + 1] !== GT_REF)) ||
        (b && (b.gt[2 * ib] !== GT_REF || b.gt[2 * ib + 1] !== GT_REF))
      if (nonRef) res.nonRef++
      if (same(a, ia, b, ib)) {
        res.agree++
        if (nonRef) res.nonRefAgree++
      } else if (res.disagreements.length < maxList)
        res.disagreements.push({
          chrom: rec.chrom,
          pos: rec.pos + 1,
          ref: rec.ref,
          alt: rec.alt,
          sample: name,
          a: gtString(a, ia),
          b: gtString(b, ib),
        })
    }
  }
  return res
}
