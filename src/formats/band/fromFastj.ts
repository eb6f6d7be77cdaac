// Band of one sample's path from its FastJ records and the path's SGLF library (what `fjt -B`
// does, spec §9): browser-safe.
import { NotFoundError, ValidationError } from '../../core/errors.js'
import { formatTileId } from '../../core/tileId.js'
import type { FastjRecord } from '../fastj/reader.js'
import type { SglfPath } from '../sglf/reader.js'
import type { Band } from './band.js'

const isNocall = (c: string) => c === 'n' || c === 'N'

/** Index of the first library sequence of the same length that `seq` matches, `n` matching any base. */
export function matchVariant(seq: string, variants: readonly { seq: string }[]): number {
  outer: for (let v = 0; v < variants.length; v++) {
    const lib = variants[v]!.seq
    if (lib.length !== seq.length) continue
    for (let i = 0; i < seq.length; i++) {
      const c = seq[i]!
      if (!isNocall(c) && c !== lib[i]) continue outer
    }
    return v
  }
  return -1
}

/** No-call runs of a tile sequence as flat (start, length) pairs. */
export function nocallRuns(seq: string): number[] {
  const runs: number[] = []
  for (let i = 0; i < seq.length;) {
    if (!isNocall(seq[i]!)) {
      i++
      continue
    }
    const start = i
    while (i < seq.length && isNocall(seq[i]!)) i++
    runs.push(start, i - start)
  }
  return runs
}

/**
 * Build the band: records are taken in tile-ID order (as fjt sorts them); each anchor gets the
 * variant of its first same-length wildcard match at that step and the no-call runs of its
 * sequence; the steps a tile spans get -1 and no runs. Unlike fjt, a spanning last tile is padded
 * with -1 to its end so both alleles cover the same steps.
 */
export function bandFromFastj(
  records: Iterable<FastjRecord>,
  library: SglfPath,
  file?: string,
): Band {
  const band: Band = { variants: [[], []], nocalls: [[], []] }
  const sorted = [...records].sort(
    (x, y) =>
      x.header.tileID.step - y.header.tileID.step ||
      x.header.tileID.variant - y.header.tileID.variant,
  )
  for (const rec of sorted) {
    const { step, variant: allele } = rec.header.tileID
    const id = formatTileId(rec.header.tileID)
    if (allele !== 0 && allele !== 1)
      throw new ValidationError(`${id}: allele field must be 000 or 001`, { file, line: rec.line })
    const variants = band.variants[allele]
    const nocalls = band.nocalls[allele]
    if (step < variants.length)
      throw new ValidationError(`${id}: step overlaps the previous tile of allele ${allele}`, {
        file,
        line: rec.line,
      })
    while (variants.length < step) {
      variants.push(-1)
      nocalls.push([])
    }
    const v = matchVariant(rec.seq, library.steps.get(step) ?? [])
    if (v < 0)
      throw new NotFoundError(
        `${file ? `${file}, line ${rec.line}: ` : ''}${id}: no library variant at this step matches the sequence`,
      )
    variants.push(v)
    nocalls.push(nocallRuns(rec.seq))
    for (let k = 1; k < rec.header.seedTileLength; k++) {
      variants.push(-1)
      nocalls.push([])
    }
  }
  return band
}
