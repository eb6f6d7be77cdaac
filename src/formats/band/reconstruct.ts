// Each allele's sequence from a band and its path's library (spec §12): browser-safe.
import { FormatError, NotFoundError } from '../../core/errors.js'
import type { SglfPath } from '../sglf/reader.js'
import type { Band } from './band.js'

/** Where the sequence of (step, variant) comes from: an SGLF path, or a lookup function. */
export type TileLibrary = SglfPath | ((step: number, variant: number) => string)

function lookup(library: TileLibrary, step: number, variant: number): string {
  if (typeof library === 'function') return library(step, variant)
  const tile = library.steps.get(step)?.[variant]
  if (!tile) throw new NotFoundError(`the library has no variant ${variant} at step ${step}`)
  return tile.seq
}

/**
 * `tile` with its no-call runs (flat [start, length, ...]) written as `n`. A run outside the tile is
 * a FormatError naming the step (`step` as the caller writes it) and the file, if given.
 */
export function maskNocalls(
  tile: string,
  runs: readonly number[],
  step: string,
  file?: string,
): string {
  if (runs.length === 0) return tile
  const t = tile.split('')
  for (let i = 0; i < runs.length; i += 2) {
    const start = runs[i]!
    const len = runs[i + 1]!
    if (start < 0 || len < 0 || start + len > t.length)
      throw new FormatError(
        `no-call run (${start}, ${len}) at step ${step} lies outside its ${t.length}-base tile`,
        { file },
      )
    t.fill('n', start, start + len)
  }
  return t.join('')
}

/**
 * One allele: walk the steps, skip -1, take the tile of each anchor, write `n` over its no-call
 * runs, and append it (after the first tile, without its start tag).
 */
export function reconstructAllele(
  band: Band,
  allele: 0 | 1,
  library: TileLibrary,
  tagLength = 24,
): string {
  const parts: string[] = []
  band.variants[allele].forEach((v, step) => {
    if (v === -1) return
    const tile = maskNocalls(lookup(library, step, v), band.nocalls[allele][step] ?? [], `${step}`)
    parts.push(parts.length === 0 ? tile : tile.slice(tagLength))
  })
  return parts.join('')
}

/** Both alleles' sequences. */
export function reconstructAlleles(
  band: Band,
  library: TileLibrary,
  tagLength = 24,
): [string, string] {
  return [
    reconstructAllele(band, 0, library, tagLength),
    reconstructAllele(band, 1, library, tagLength),
  ]
}
