// The genotypes of a region for a set of samples, as site records with per-haplotype alleles: the
// one place the query commands (view, freq, ld) read genotypes from. They are the records of the
// store's VCF export (storeRecords: normalised biallelic records with IDs, the same allele logic),
// decoded from the cohort matrix for the chosen samples' haplotypes over the region's steps only,
// with the sites of the rest of the cohort too (where the chosen samples are 0 or no-call).
// Browser-safe.
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { Store } from '../store/Store.js'
import { GT_NOCALL } from '../variants/vcf.js'

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
  const { storeRecords } = await import('../export/vcf.js')
  const m = await store.manifest(opts)
  const known = new Set(m.samples.map((s) => s.name))
  const samples = opts.samples ?? m.samples.map((s) => s.name)
  for (const name of samples)
    if (!known.has(name)) throw new ArgumentError(`sample ${name} is not in the store`)
  // a subset gets the cohort's sites too: BGT and bcftools report the sites none of it carries,
  // with AC=0
  const base = { samples: [...samples], cohortSites: true, signal: opts.signal }
  const parts: (Region | undefined)[] = opts.regions ? [...opts.regions] : [undefined]
  let before: Region | undefined
  for (const region of parts) {
    for await (const r of storeRecords(store, region ? { ...base, region } : base)) {
      if (region) {
        if (r.pos >= region.end || r.pos + r.ref.length <= region.start) continue
        // reported with the region before (a long REF reaching over the gap)
        if (before?.chrom === r.chrom && r.pos < before.end) continue
      }
      // the record's codes are its own: read in place, no-calls (2) made -1
      const alleles = new Int8Array(r.gt.buffer, r.gt.byteOffset, r.gt.length)
      if (r.gt.includes(GT_NOCALL))
        for (let h = 0; h < alleles.length; h++) if (alleles[h] === GT_NOCALL) alleles[h] = -1
      yield {
        chrom: r.chrom,
        pos: r.pos + 1,
        id: r.id ?? '.',
        ref: r.ref,
        alt: r.alt,
        alleles,
        phased: r.phased,
      }
    }
    before = region
  }
}
