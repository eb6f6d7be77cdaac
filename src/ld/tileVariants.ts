// Tile-level LD: a tile variant is a site whose "ALT allele" is "this haplotype carries variant v
// at step s". A decoded window gives, per step, the variant number of each of the 2N haplotypes;
// this turns each step into one indicator bitset per variant and adds them to a panel, so the LD
// engine measures tile variant against tile variant (or against VCF sites) as it does any site.
import { ArgumentError } from '../core/errors.js'
import { popcount } from './bits.js'
import { fillCalled } from './panel.js'
import type { HaplotypePanel } from './panel.js'

export interface StepVariants {
  /** the step (tile position) number */
  step: number
  /** a genomic position for windows and plots (e.g. the step's start) */
  pos: number
  /**
   * tile variant per haplotype in VCF order (sample s: 2s, 2s + 1); negative = no call, except
   * the `spanned` value of the options
   */
  variants: Int32Array
}

export interface TileVariantSite {
  step: number
  variant: number
  /** the site's index in the panel */
  site: number
  /** haplotypes of the panel carrying it */
  carriers: number
}

export interface TileVariantOptions {
  /** add only variants carried by at least this many haplotypes of the panel (default 1) */
  minCarriers?: number
  /**
   * the value of a haplotype inside a spanning tile anchored at an earlier step (−1 in the cohort
   * matrix): called, and carrying none of this step's variants. Default: none (negatives are no-calls)
   */
  spanned?: number
}

/**
 * Add one indicator site per tile variant of each step to `panel`, steps in position order and
 * variants in increasing number; a variant that every called haplotype carries says nothing about
 * LD and is left out. Returns what each added site is.
 */
export function addTileVariants(
  panel: HaplotypePanel,
  steps: Iterable<StepVariants>,
  opts: TileVariantOptions = {},
): TileVariantSite[] {
  const minCarriers = opts.minCarriers ?? 1
  const spanned = opts.spanned
  const W = panel.words
  const added: TileVariantSite[] = []
  for (const { step, pos, variants } of steps) {
    if (variants.length !== 2 * panel.inputSamples)
      throw new ArgumentError(
        `step ${step}: ${variants.length} haplotype variants, expected ${2 * panel.inputSamples}`,
      )
    const bits = new Map<number, Uint32Array>()
    let called: Uint32Array | undefined
    for (let k = 0; k < panel.samples; k++) {
      const s = panel.selected[k]!
      const word = k >>> 5
      const bit = 1 << (k & 31)
      for (let p = 0; p < 2; p++) {
        const v = variants[2 * s + p]!
        if (v === spanned) continue
        if (v < 0) {
          if (called === undefined) {
            called = new Uint32Array(2 * W)
            fillCalled(called, panel.samples, W)
          }
          called[p * W + word]! &= ~bit
          continue
        }
        let b = bits.get(v)
        if (b === undefined) bits.set(v, (b = new Uint32Array(2 * W)))
        b[p * W + word]! |= bit
      }
    }
    const calledCount = called ? popcount(called) : 2 * panel.samples
    for (const v of [...bits.keys()].sort((x, y) => x - y)) {
      const carriers = popcount(bits.get(v)!)
      if (carriers < minCarriers || carriers === calledCount) continue
      added.push({ step, variant: v, site: panel.addPacked(pos, bits.get(v)!, called), carriers })
    }
  }
  return added
}
