// The genotypes of a region for a set of samples, as site records with per-haplotype alleles: the
// one place the query commands (view, freq, ld) read genotypes from. For now it parses the GT
// columns of the store's VCF export (storeToVcf: normalised biallelic records with IDs); it is
// meant to move onto the cohort matrix without its callers noticing. Browser-safe.
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { Store } from '../store/Store.js'

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

/** One VCF record line as a site (the GT columns of `columns` parsed into alleles). */
function parseRecord(line: string, columns: Int32Array): GenotypeSite {
  const f = line.split('\t')
  const samples = columns.length
  const alleles = new Int8Array(2 * samples)
  const phased = new Uint8Array(samples)
  for (let s = 0; s < samples; s++) {
    const gt = f[9 + columns[s]!] ?? '.'
    // storeToVcf writes diploid one-digit genotypes: '0|1', './.'
    const a = gt.charCodeAt(0)
    const b = gt.length >= 3 ? gt.charCodeAt(2) : 46
    alleles[2 * s] = a === 46 ? -1 : a - 48
    alleles[2 * s + 1] = b === 46 ? -1 : b - 48
    phased[s] = gt.charCodeAt(1) === 124 ? 1 : 0
  }
  return { chrom: f[0]!, pos: Number(f[1]), id: f[2]!, ref: f[3]!, alt: f[4]!, alleles, phased }
}

/**
 * The sites overlapping `regions` (each once, in order), with the genotypes of `samples`: a record
 * overlaps a region when its REF span does, as bcftools view -r.
 */
export async function* genotypeSites(
  store: Store,
  opts: GenotypeOptions = {},
): AsyncGenerator<GenotypeSite> {
  const { storeToVcf } = await import('../export/vcf.js')
  const m = await store.manifest(opts)
  const all = m.samples.map((s) => s.name)
  const index = new Map(all.map((name, i) => [name, i]))
  const columns = Int32Array.from(opts.samples ?? all, (name) => {
    const i = index.get(name)
    if (i === undefined) throw new ArgumentError(`sample ${name} is not in the store`)
    return i
  })
  // every sample is exported and the wanted ones picked: a subset would lose the sites none of
  // them carries, which BGT and bcftools report with AC=0
  const base = opts.signal ? { signal: opts.signal } : {}
  const parts: (Region | undefined)[] = opts.regions ? [...opts.regions] : [undefined]
  let before: Region | undefined
  for (const region of parts) {
    for await (const line of storeToVcf(store, region ? { ...base, region } : base)) {
      if (line.startsWith('#')) continue
      const site = parseRecord(line, columns)
      if (region) {
        const beg = site.pos - 1
        if (beg >= region.end || beg + site.ref.length <= region.start) continue
        // reported with the region before (a long REF reaching over the gap)
        if (before?.chrom === site.chrom && beg < before.end) continue
      }
      yield site
    }
    before = region
  }
}
