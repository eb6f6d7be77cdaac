// The genotypes of a region for a set of samples, as site records with per-haplotype alleles: the
// one place the query commands (view, freq, ld) read genotypes from. They are the records of the
// store's VCF export (storeRecordBatches: normalised biallelic records with IDs, the same allele
// logic), decoded from the cohort matrix for the chosen samples' haplotypes over the region's
// steps only, with the sites of the rest of the cohort too (where the chosen samples are 0 or
// no-call).
// Browser-safe.
import { hasByte } from '../core/bytes.js'
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { Store } from '../store/Store.js'
import { GT_NOCALL } from '../variants/vcf.js'
import { filterBatch } from '../variants/vcfBytes.js'
import type { RecordBatch, VcfSite } from '../variants/vcfBytes.js'

export interface GenotypeSite {
  chrom: string
  /** 1-based position of the first REF base (the VCF POS) */
  pos: number
  /** the VCF ID, `.` when none */
  id: string
  ref: string
  alt: string
  /** per haplotype (sample s: 2s, 2s + 1, in the order asked): 0 REF, 1 ALT, -1 missing */
  alleles: Int8Array
  /** per sample: 1 when its genotype is phased */
  phased: Uint8Array
}

export interface GenotypeOptions extends AbortOptions {
  /** sorted, merged regions (0-based half-open); undefined: the whole store */
  regions?: readonly Region[] | undefined
  /** sample names in the order wanted; undefined: every sample in store order */
  samples?: readonly string[] | undefined
}

/**
 * The sites overlapping `regions` (each once, in order), with the genotypes of `samples`: a record
 * overlaps a region when its REF span does, as bcftools view -r.
 */
export async function* genotypeSites(
  store: Store,
  opts: GenotypeOptions = {},
): AsyncGenerator<GenotypeSite> {
  for await (const batch of genotypeBatches(store, opts)) yield* siteRecords(batch)
}

/**
 * Sites with the chosen haplotypes' alleles as columns, a batch at a time: no object or view per
 * site (ten samples over a whole chromosome are tens of thousands of sites). A RecordBatch, so
 * the VCF writer takes it as it is.
 */
export interface GenotypeBatch extends RecordBatch {
  /** `pos` 0-based (VCF POS − 1), as VcfRecord's; an `id` of `.` or undefined is none */
  sites: readonly VcfSite[]
  /** site i's alleles at `[i × width, (i + 1) × width)`, haplotypes as GenotypeSite's */
  gt: Int8Array
}

/**
 * `genotypeSites` as columns, in batches, as the export decodes them: a consumer of every site (a
 * VCF writer) pays one await per batch, not one per site through each generator in between.
 */
export async function* genotypeBatches(
  store: Store,
  opts: GenotypeOptions = {},
): AsyncGenerator<GenotypeBatch> {
  const { storeRecordBatches } = await import('../export/vcf.js')
  // a subset gets the cohort's sites too: BGT and bcftools report the sites none of it carries,
  // with AC=0 (storeRecordBatches refuses a sample the store lacks)
  const base = {
    ...(opts.samples ? { samples: [...opts.samples] } : {}),
    cohortSites: true,
    signal: opts.signal,
  }
  const parts: (Region | undefined)[] = opts.regions ? [...opts.regions] : [undefined]
  let before: Region | undefined
  for (const region of parts) {
    const inside = (r: VcfSite) =>
      r.pos < region!.end &&
      r.pos + r.ref.length > region!.start &&
      // reported with the region before (a long REF reaching over the gap)
      !(before?.chrom === r.chrom && r.pos < before.end)
    for await (const codes of storeRecordBatches(store, region ? { ...base, region } : base)) {
      const batch = region ? filterBatch(codes, inside) : codes
      if (!batch.sites.length) continue
      // the codes are the batch's own: read in place, no-calls (2) made -1
      const gt = new Int8Array(batch.gt.buffer, batch.gt.byteOffset, batch.gt.length)
      if (hasByte(batch.gt, GT_NOCALL))
        for (let h = 0; h < gt.length; h++) if (gt[h] === GT_NOCALL) gt[h] = -1
      yield { sites: batch.sites, gt, width: batch.width, phased: batch.phased }
    }
    before = region
  }
}

/** A batch's sites as GenotypeSite objects, their alleles views of the batch's. */
export function siteRecords({ sites, gt, width, phased }: GenotypeBatch): GenotypeSite[] {
  return sites.map(({ chrom, pos, id, ref, alt }, i) => ({
    chrom,
    pos: pos + 1,
    id: id ?? '.',
    ref,
    alt,
    alleles: gt.subarray(i * width, (i + 1) * width),
    phased,
  }))
}

/** Allele counts of a group of samples at a site. */
export interface SiteGroupCount {
  /** called haplotypes */
  an: number
  /** called haplotypes carrying the ALT */
  ac: number
}

/**
 * The sites of `regions` (`pos` 0-based, as GenotypeBatch's) with the counts of each
 * group: [0] every sample of `samples`, [k] the samples `groups[k − 1]` (indices into `samples`),
 * counted per tile variant without forming genotypes. Undefined when the store has no allele
 * index to count from (then count genotypeSites' alleles).
 */
export async function siteGroupCounts(
  store: Store,
  opts: GenotypeOptions & { groups: readonly Int32Array[] },
): Promise<AsyncGenerator<{ site: VcfSite; counts: SiteGroupCount[] }> | undefined> {
  const { alleleIndexes, indexedCounts, MARGIN } = await import('../alleles/records.js')
  const m = await store.manifest(opts)
  const row = new Map(m.samples.map((s, i) => [s.name, i]))
  const samples = opts.samples ?? m.samples.map((s) => s.name)
  const rows = samples.map((name) => {
    const r = row.get(name)
    if (r === undefined) throw new ArgumentError(`sample ${name} is not in the store`)
    return r
  })
  const parts: (Region | undefined)[] = opts.regions ? [...opts.regions] : [undefined]
  const plans = []
  for (const region of parts) {
    const paths = m.paths.filter(
      (p) =>
        !region ||
        (p.chrom === region.chrom &&
          p.end > region.start - MARGIN &&
          p.start < region.end + MARGIN),
    )
    const indexes = await alleleIndexes(store, m, paths, opts)
    if (!indexes) return undefined
    plans.push({ region, paths, indexes })
  }
  // haplotypes of samples in the same groups form one class: counted together, summed per group
  const member = opts.groups.map((g) => {
    const in_ = new Uint8Array(samples.length)
    for (const i of g) in_[i] = 1
    return in_
  })
  const classId = new Map<string, number>()
  const classGroups: number[][] = []
  // a class per matrix column (the tally counts them all); the samples left out are in none
  const classOf = new Int32Array(2 * m.samples.length).fill(-1)
  samples.forEach((_, i) => {
    const groups = member.flatMap((g, k) => (g[i] ? [k + 1] : []))
    const key = groups.join()
    let c = classId.get(key)
    if (c === undefined) {
      classId.set(key, (c = classGroups.length))
      classGroups.push(groups)
    }
    classOf[2 * rows[i]!] = classOf[2 * rows[i]! + 1] = c
  })
  const sig = opts.signal ? { signal: opts.signal } : {}
  return (async function* () {
    let before: Region | undefined
    for (const { region, paths, indexes } of plans) {
      const it = indexedCounts(store, m, paths, indexes, classOf, classGroups.length, {
        ...sig,
        region,
      })
      for await (const { site, counts } of it) {
        // reported with the region before (a long REF reaching over the gap)
        if (region && before?.chrom === site.chrom && site.pos < before.end) continue
        const out: SiteGroupCount[] = Array.from({ length: opts.groups.length + 1 }, () => ({
          an: 0,
          ac: 0,
        }))
        classGroups.forEach((groups, c) => {
          for (const k of [0, ...groups]) {
            out[k]!.an += counts.an[c]!
            out[k]!.ac += counts.ac[c]!
          }
        })
        yield { site, counts: out }
      }
      before = region
    }
  })()
}
