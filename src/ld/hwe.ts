// The exact test of Hardy–Weinberg equilibrium of Wigginton, Cutler & Abecasis (2005, PMID
// 15789306), as plink and `bcftools +fill-tags -t HWE` use it: given the allele counts, the
// probability of each possible heterozygote count follows from its neighbour's by a ratio, so the
// whole distribution takes one sweep out from its mode; the p-value sums every count no more likely
// than the one observed. Hand-written: a dozen lines, and no npm package implements this test.

/** Exact HWE p-value of a diploid site: 1 when either allele is absent (as bcftools). */
export function hweExact(homRef: number, het: number, homAlt: number): number {
  const genotypes = homRef + het + homAlt
  const alleles = 2 * genotypes
  const ref = 2 * homRef + het
  const rare = Math.min(ref, alleles - ref)
  if (rare === 0) return 1
  const probs = new Float64Array(rare + 1)
  // the mode sits near the expected heterozygote count; heterozygotes share the rare count's parity
  let mid = Math.floor((rare * (alleles - rare)) / alleles)
  if ((mid & 1) !== (rare & 1)) mid++
  probs[mid] = 1
  let sum = 1
  // one het fewer on each side: two fewer hets = one more homozygote of each allele
  for (
    let h = mid, homRare = (rare - mid) / 2, homCommon = genotypes - mid - homRare;
    h > 1;
    h -= 2
  ) {
    probs[h - 2] = (probs[h]! * h * (h - 1)) / (4 * (homRare + 1) * (homCommon + 1))
    sum += probs[h - 2]!
    homRare++
    homCommon++
  }
  for (
    let h = mid, homRare = (rare - mid) / 2, homCommon = genotypes - mid - homRare;
    h <= rare - 2;
    h += 2
  ) {
    probs[h + 2] = (probs[h]! * 4 * homRare * homCommon) / ((h + 2) * (h + 1))
    sum += probs[h + 2]!
    homRare--
    homCommon--
  }
  const observed = probs[het]!
  let p = 0
  for (let h = rare & 1; h <= rare; h += 2) if (probs[h]! <= observed) p += probs[h]!
  return Math.min(1, p / sum)
}
