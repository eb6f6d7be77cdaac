// Allele and genotype frequencies of one site per sample group, with the exact HWE p-value, as
// Ensembl stores them per population and `bcftools +fill-tags -S groups -t AC,AN,AF,HWE` writes
// them. One call per site, every group at once, so a table over a region is one pass over its sites.
import { ArgumentError } from '../core/errors.js'
import { hweExact } from './hwe.js'
import type { AddSiteOptions, AlleleArray } from './panel.js'

export interface GroupFrequency {
  /** called alleles (a half-called genotype './1' gives one, as bcftools counts it) */
  an: number
  /** called alleles that are the ALT */
  ac: number
  /** ac / an; NaN when an = 0 */
  af: number
  /** genotypes with both alleles called, by ALT copies */
  homRef: number
  het: number
  homAlt: number
  /** genotypes with a missing allele */
  missing: number
  /** exact HWE p-value over the called genotypes; 1 when the group carries only one allele */
  hwe: number
}

/**
 * Frequencies of the ALT allele `opts.alt` (default 1) of one site in each group (sample indices
 * into `alleles`, which holds 2 alleles per sample in VCF order, negative or Uint8 255 = missing).
 * At a multi-allelic site each ALT is counted on its own: another ALT counts as not this one
 * (`other: 'ref'`, the default) or as missing (`other: 'missing'`). bcftools' HWE at multi-allelic
 * sites mixes the alleles of heterozygotes of other ALTs into its counts, so only biallelic sites
 * compare with it.
 */
export function siteFrequencies(
  alleles: AlleleArray,
  groups: readonly ArrayLike<number>[],
  opts: AddSiteOptions = {},
): GroupFrequency[] {
  const altAllele = opts.alt ?? 1
  const otherMissing = opts.other === 'missing'
  const u8 = alleles instanceof Uint8Array
  const samples = alleles.length / 2
  // per allele: 0 = REF (or other), 1 = ALT, 2 = missing
  const code = (a: number): number =>
    a < 0 || (u8 && a === 0xff) ? 2 : a === altAllele ? 1 : otherMissing && a !== 0 ? 2 : 0
  return groups.map((group) => {
    let an = 0
    let ac = 0
    let homRef = 0
    let het = 0
    let homAlt = 0
    let missing = 0
    for (let i = 0; i < group.length; i++) {
      const s = group[i]!
      if (!(s >= 0 && s < samples))
        throw new ArgumentError(`sample ${s} is not in 0..${samples - 1}`)
      const x = code(alleles[2 * s]!)
      const y = code(alleles[2 * s + 1]!)
      if (x !== 2) an++
      if (y !== 2) an++
      if (x === 1) ac++
      if (y === 1) ac++
      if (x === 2 || y === 2) missing++
      else if (x + y === 0) homRef++
      else if (x + y === 1) het++
      else homAlt++
    }
    return {
      an,
      ac,
      af: an === 0 ? NaN : ac / an,
      homRef,
      het,
      homAlt,
      missing,
      hwe: hweExact(homRef, het, homAlt),
    }
  })
}
