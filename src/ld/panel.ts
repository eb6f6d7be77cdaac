// The sites of one sample group packed for LD (bits.ts): the caller adds each site's haplotype
// alleles in position order; the panel keeps the selected samples only, so every pair count runs
// over the group's words and nothing else.
import { ArgumentError } from '../core/errors.js'
import { packedSite, planeWords } from './bits.js'
import type { PackedSite } from './bits.js'

/**
 * Allele per haplotype in VCF order (sample s has haplotypes 2s and 2s + 1): 0 = REF, k = ALT k,
 * negative = missing (255 in a Uint8Array).
 */
export type AlleleArray = Int8Array | Uint8Array | Int16Array | Int32Array

/**
 * At a multi-allelic site each ALT is its own biallelic site; a haplotype carrying another ALT
 * counts as not carrying this one ('ref', as `bcftools norm -m-` writes it and as a tile variant
 * indicator reads) or is left out of the pair ('missing', as Ensembl's ld_vcf skips ALT2+).
 */
export type OtherAllele = 'ref' | 'missing'

export interface PanelOptions {
  /** samples in the allele arrays (they hold 2 × samples haplotypes) */
  samples: number
  /** the samples of the group, as indices into the arrays; every sample when absent */
  select?: ArrayLike<number>
  /** per sample of the arrays: true when its genotypes are unphased; all phased when absent */
  unphased?: ArrayLike<boolean>
  /**
   * sites whose rarer allele is on at most this many haplotypes keep a list of them, and pairs
   * with them count over the list (default 2 words' worth: 2 · ceil(samples / 32); 0 = never)
   */
  sparseLimit?: number
}

export interface AddSiteOptions {
  /** the allele counted as ALT (default 1) */
  alt?: number
  /** how other non-missing alleles count (default 'ref') */
  other?: OtherAllele
}

export class HaplotypePanel {
  /** samples in the input arrays */
  readonly inputSamples: number
  /** panel sample k is input sample selected[k] */
  readonly selected: Int32Array
  /** samples in the panel */
  readonly samples: number
  /** words per haplotype plane */
  readonly words: number
  /** panel samples whose genotypes are unphased (W words); undefined when all are phased */
  readonly unphased: Uint32Array | undefined
  readonly sparseLimit: number
  readonly positions: number[] = []
  readonly sites: PackedSite[] = []

  constructor(opts: PanelOptions) {
    const n = opts.samples
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`bad sample count ${n}`)
    this.inputSamples = n
    this.selected = opts.select
      ? Int32Array.from(opts.select)
      : Int32Array.from({ length: n }, (_, i) => i)
    for (const s of this.selected)
      if (s < 0 || s >= n) throw new ArgumentError(`selected sample ${s} is not in 0..${n - 1}`)
    this.samples = this.selected.length
    this.words = planeWords(this.samples)
    if (opts.unphased && opts.unphased.length !== n)
      throw new ArgumentError(`unphased flags for ${opts.unphased.length} samples, expected ${n}`)
    let unphased: Uint32Array | undefined
    if (opts.unphased)
      for (let k = 0; k < this.samples; k++)
        if (opts.unphased[this.selected[k]!]) {
          unphased ??= new Uint32Array(this.words)
          unphased[k >>> 5]! |= 1 << (k & 31)
        }
    this.unphased = unphased
    this.sparseLimit = opts.sparseLimit ?? 2 * this.words
  }

  get length(): number {
    return this.sites.length
  }

  /** Add a site from its alleles; returns its index. Positions must not decrease. */
  add(pos: number, alleles: AlleleArray, opts: AddSiteOptions = {}): number {
    if (alleles.length !== 2 * this.inputSamples)
      throw new ArgumentError(
        `site at ${pos}: ${alleles.length} haplotype alleles, expected ${2 * this.inputSamples}`,
      )
    const altAllele = opts.alt ?? 1
    const otherMissing = opts.other === 'missing'
    const missingU8 = alleles instanceof Uint8Array
    const W = this.words
    const alt = new Uint32Array(2 * W)
    let called: Uint32Array | undefined
    for (let k = 0; k < this.samples; k++) {
      const s = this.selected[k]!
      const word = k >>> 5
      const bit = 1 << (k & 31)
      for (let p = 0; p < 2; p++) {
        const a = alleles[2 * s + p]!
        const missing =
          a < 0 || (missingU8 && a === 0xff) || (otherMissing && a !== altAllele && a !== 0)
        if (missing) {
          if (called === undefined) {
            called = new Uint32Array(2 * W)
            fillCalled(called, this.samples, W)
          }
          called[p * W + word]! &= ~bit
        } else if (a === altAllele) alt[p * W + word]! |= bit
      }
    }
    return this.addPacked(pos, alt, called)
  }

  /**
   * Add a site already packed in this panel's layout (two planes of W words; `called` undefined
   * when every haplotype is called); returns its index.
   */
  addPacked(pos: number, alt: Uint32Array, called?: Uint32Array): number {
    if (alt.length !== 2 * this.words || (called && called.length !== 2 * this.words))
      throw new ArgumentError(
        `site at ${pos}: packed bitsets of ${alt.length} words, expected ${2 * this.words}`,
      )
    const last = this.positions[this.positions.length - 1]
    if (last !== undefined && pos < last)
      throw new ArgumentError(
        `site at ${pos} comes after a site at ${last}: sites must be in position order`,
      )
    this.positions.push(pos)
    this.sites.push(packedSite(this.samples, alt, called, this.sparseLimit))
    return this.sites.length - 1
  }
}

/** Every haplotype of `samples` samples marked called (padding bits left clear). */
export function fillCalled(called: Uint32Array, samples: number, words: number): void {
  for (let p = 0; p < 2; p++)
    for (let w = 0; w < words; w++) {
      const bits = Math.min(32, samples - 32 * w)
      called[p * words + w] = bits >= 32 ? 0xffffffff : (1 << bits) - 1
    }
}
