// Haplotype alleles packed as bitsets, so that counting two-site haplotypes over 2N haplotypes is a
// popcount of AND-ed 32-bit words. Hand-written: the engine needs several counts fused into one pass
// over two planes (see pair.ts), which no bitset library on npm offers.
//
// A site over S samples takes W = ceil(S / 32) words per plane and two planes: words [0, W) hold
// the first haplotype of each sample (sample s at bit s % 32 of word s >> 5), words [W, 2W) the
// second. Per-sample operations (heterozygous = plane 0 XOR plane 1) stay word-aligned that way.
// Padding bits past S are zero in every bitset.

/** Set bits in a 32-bit word (SWAR). */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** Set bits in `words[from, to)`. */
export function popcount(words: Uint32Array, from = 0, to = words.length): number {
  let c = 0
  for (let w = from; w < to; w++) c += popcount32(words[w]!)
  return c
}

/**
 * Set bits of `x[w] & y[w]` over words [0, n): Harley and Seal's carry-save adders (Muła, Kurz and
 * Lemire, "Faster population counts", 2018) sum 8 words into bit-sliced counters with 7 adders of
 * 5 bitwise operations each, so one popcount serves 8 words; about half the work of one popcount
 * per word, which is what the dense pairs of a window cost.
 */
export function andPopcount(x: Uint32Array, y: Uint32Array, n: number): number {
  let ones = 0
  let twos = 0
  let fours = 0
  let eights = 0
  let w = 0
  for (; w + 8 <= n; w += 8) {
    // ones + a + b = 2·twosA + ones', and so on up the counters
    let a = x[w]! & y[w]!
    let b = x[w + 1]! & y[w + 1]!
    let u = ones ^ a
    const twosA = (ones & a) | (u & b)
    ones = u ^ b
    a = x[w + 2]! & y[w + 2]!
    b = x[w + 3]! & y[w + 3]!
    u = ones ^ a
    const twosB = (ones & a) | (u & b)
    ones = u ^ b
    u = twos ^ twosA
    const foursA = (twos & twosA) | (u & twosB)
    twos = u ^ twosB
    a = x[w + 4]! & y[w + 4]!
    b = x[w + 5]! & y[w + 5]!
    u = ones ^ a
    const twosC = (ones & a) | (u & b)
    ones = u ^ b
    a = x[w + 6]! & y[w + 6]!
    b = x[w + 7]! & y[w + 7]!
    u = ones ^ a
    const twosD = (ones & a) | (u & b)
    ones = u ^ b
    u = twos ^ twosC
    const foursB = (twos & twosC) | (u & twosD)
    twos = u ^ twosD
    u = fours ^ foursA
    const eightsA = (fours & foursA) | (u & foursB)
    fours = u ^ foursB
    eights += popcount32(eightsA)
  }
  let total = 8 * eights + 4 * popcount32(fours) + 2 * popcount32(twos) + popcount32(ones)
  for (; w < n; w++) total += popcount32(x[w]! & y[w]!)
  return total
}

/** Words per plane for `samples` samples. */
export const planeWords = (samples: number): number => (samples + 31) >>> 5

/** One biallelic site (or tile variant) packed over the two haplotype planes of a panel. */
export interface PackedSite {
  /** haplotypes carrying the allele counted as ALT (bit set) */
  alt: Uint32Array
  /** called haplotypes, same layout; undefined when every haplotype is called */
  called: Uint32Array | undefined
  /** samples with both haplotypes called (W words); undefined when every allele is called */
  calledSamples: Uint32Array | undefined
  /** haplotypes carrying ALT */
  altCount: number
  /** called haplotypes */
  calledCount: number
  /** samples with both haplotypes called */
  calledSampleCount: number
  /**
   * When every allele is called and one allele is rare: the bit indices (word · 32 + bit) of the
   * haplotypes carrying the rarer allele, so a pair with a rare site costs its carriers, not a
   * pass over all words. Undefined otherwise.
   */
  minor: Int32Array | undefined
  /** whether `minor` lists ALT carriers (else REF carriers) */
  minorIsAlt: boolean
}

/** A site from its ALT bits and, when some alleles are missing, its called bits. */
export function packedSite(
  samples: number,
  alt: Uint32Array,
  called: Uint32Array | undefined,
  sparseLimit: number,
): PackedSite {
  const words = planeWords(samples)
  if (called === undefined) {
    const altCount = popcount(alt)
    const minorIsAlt = altCount <= samples
    const minorCount = minorIsAlt ? altCount : 2 * samples - altCount
    return {
      alt,
      called: undefined,
      calledSamples: undefined,
      altCount,
      calledCount: 2 * samples,
      calledSampleCount: samples,
      minor:
        sparseLimit > 0 && minorCount <= sparseLimit
          ? carriers(alt, samples, minorIsAlt, minorCount)
          : undefined,
      minorIsAlt,
    }
  }
  const calledSamples = new Uint32Array(words)
  for (let w = 0; w < words; w++) calledSamples[w] = called[w]! & called[words + w]!
  return {
    alt,
    called,
    calledSamples,
    altCount: popcount(alt),
    calledCount: popcount(called),
    calledSampleCount: popcount(calledSamples),
    minor: undefined,
    minorIsAlt: true,
  }
}

/** Bit indices of the haplotypes carrying ALT (`alt` true) or REF, padding bits left out. */
function carriers(bits: Uint32Array, samples: number, alt: boolean, count: number): Int32Array {
  const words = planeWords(samples)
  const out = new Int32Array(count)
  let k = 0
  for (let w = 0; w < bits.length; w++) {
    const used = Math.min(32, samples - 32 * (w % words))
    let v = alt ? bits[w]! : ~bits[w]! & (used >= 32 ? -1 : (1 << used) - 1)
    while (v !== 0) {
      const low = v & -v
      out[k++] = 32 * w + 31 - Math.clz32(low)
      v ^= low
    }
  }
  return out
}
