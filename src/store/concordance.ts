// Genotype concordance of two genomes of a store over the steps both have called: a step with a
// no-call on either allele of either genome (a low-quality step of its CGF, spec §10.6) is left out
// and counted apart. Genotypes are unordered pairs of tile variants (phase aside); the steps
// compared are broken down by the genotype of the first genome against the reference tile. The
// CGF concordance of cgft (ordered alleles, formats/cgf/concordance.ts) comes alongside.
// Browser-safe: reads through the Store.
import { BlobFile } from 'generic-filehandle2'
import type { AbortOptions } from '../core/errors.js'
import { checkAbort } from '../core/errors.js'
import { concordance } from '../formats/cgf/concordance.js'
import type { Concordance } from '../formats/cgf/concordance.js'
import { encodeCgf } from '../formats/cgf/encode.js'
import type { DecodedPath } from '../formats/cgf/pathStruct.js'
import { CgfReader } from '../formats/cgf/reader.js'
import { HEXIT_TILE_MAP } from '../formats/cgf/tileMap.js'
import type { ManifestSample } from './manifest.js'
import type { Store } from './Store.js'

/**
 * One genome's path as a CGF decodes it. The band comes from the store (cohort matrix or CGF); it
 * goes through the CGF encoder so that the low-quality steps are exactly the knots cgft marks.
 */
async function decoded(
  store: Store,
  s: ManifestSample,
  path: number,
  opts: AbortOptions,
): Promise<DecodedPath> {
  const band = await store.band(s, path, opts)
  const bytes = encodeCgf([{ path, band }], { tileMap: HEXIT_TILE_MAP })
  return new CgfReader({
    name: s.name,
    handle: new BlobFile(new Blob([new Uint8Array(bytes)])),
  }).decodePath(path)
}

/** The genotype of the first genome at a step, against the step's reference tile. */
export const STEP_CLASSES = ['ref', 'het', 'hom-alt', 'het-alt', 'spanning'] as const
export type StepClass = (typeof STEP_CLASSES)[number]

export interface StoreConcordance {
  samples: [string, string]
  /** every step of the paths compared */
  steps: number
  /** steps without a no-call in either genome, and of them those with the same genotype */
  compared: number
  agree: number
  /** the steps compared by the first genome's genotype: ref/ref, ref/alt, alt/alt (the same tile),
   * two different non-reference tiles, or inside a tile spanning several steps */
  byClass: Record<StepClass, { compared: number; agree: number }>
  /** cgft's concordance: high-quality steps in both, and those with both alleles equal in order */
  cgf: Concordance
}

function classOf(a: number, b: number, ref: number): StepClass {
  if (a < 0 || b < 0) return 'spanning'
  if (a === ref && b === ref) return 'ref'
  if (a === ref || b === ref) return 'het'
  return a === b ? 'hom-alt' : 'het-alt'
}

/** Concordance of samples `a` and `b` over every path of the store. */
export async function storeConcordance(
  store: Store,
  a: string,
  b: string,
  opts: AbortOptions = {},
): Promise<StoreConcordance> {
  const m = await store.manifest(opts)
  const [x, y] = [await store.sample(a, opts), await store.sample(b, opts)]
  const byClass = Object.fromEntries(
    STEP_CLASSES.map((c) => [c, { compared: 0, agree: 0 }]),
  ) as StoreConcordance['byClass']
  const res: StoreConcordance = {
    samples: [a, b],
    steps: 0,
    compared: 0,
    agree: 0,
    byClass,
    cgf: { hiq: 0, match: 0 },
  }
  for (const p of m.paths) {
    checkAbort(opts.signal)
    const refVariant = await store.referenceVariants(p.path, opts)
    const [dx, dy] = await Promise.all([
      decoded(store, x, p.path, opts),
      decoded(store, y, p.path, opts),
    ])
    concordance(dx, dy, res.cgf)
    res.steps += dx.n
    for (let t = 0; t < dx.n; t++) {
      const bit = 1 << (t & 31)
      if ((dx.loq[t >>> 5]! | dy.loq[t >>> 5]!) & bit) continue
      const [xa, xb, ya, yb] = [
        dx.variantsA[t]!,
        dx.variantsB[t]!,
        dy.variantsA[t]!,
        dy.variantsB[t]!,
      ]
      const same = (xa === ya && xb === yb) || (xa === yb && xb === ya)
      const c = byClass[classOf(xa, xb, refVariant?.[t] ?? -2)]
      c.compared++
      res.compared++
      if (same) {
        c.agree++
        res.agree++
      }
    }
  }
  return res
}
