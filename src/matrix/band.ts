// Bands (spec §9: one genome's path, per allele) to and from cohort matrix rows. Browser-safe.
// Sample i of a store is haplotypes 2i (allele A) and 2i + 1 (allele B).
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Band } from '../formats/band/band.js'
import type { CohortMatrix, MatrixSlice } from './reader.js'

/** One row of a matrix: every haplotype's value, and the haplotypes with no-call runs. */
export interface BandRow {
  values: Int32Array
  nocalls: [number, number[]][]
}

/**
 * The rows of the matrix whose samples have `bands` (all of one path), step by step. The row's
 * arrays are reused from one step to the next.
 */
export function* bandsToRows(bands: readonly Band[]): Generator<BandRow> {
  const steps = bands[0]?.variants[0].length ?? 0
  bands.forEach((b, i) => {
    for (const a of [0, 1] as const)
      if (b.variants[a].length !== steps || b.nocalls[a].length !== steps)
        throw new ArgumentError(`band ${i} has ${b.variants[a].length} steps, band 0 has ${steps}`)
  })
  const values = new Int32Array(2 * bands.length)
  for (let k = 0; k < steps; k++) {
    const nocalls: [number, number[]][] = []
    bands.forEach((b, i) => {
      for (const a of [0, 1] as const) {
        values[2 * i + a] = b.variants[a][k]!
        const runs = b.nocalls[a][k]!
        if (runs.length > 0) nocalls.push([2 * i + a, runs])
      }
    })
    yield { values, nocalls }
  }
}

/** The runs of a cell without no-calls: one shared, frozen list (a band has two per step). */
const NO_RUNS = Object.freeze([]) as unknown as number[]

/**
 * The bands of a slice whose columns are samples' haplotype pairs (column 2j allele A and 2j + 1
 * allele B of band j), over the slice's rows.
 */
export function sliceToBands(slice: MatrixSlice): Band[] {
  const n = slice.rows
  const t = slice.haplotypes.length
  if (t % 2 !== 0) throw new ArgumentError(`a slice of ${t} columns is not haplotype pairs`)
  const bands: Band[] = []
  for (let j = 0; j < t / 2; j++) {
    const variants: [number[], number[]] = [new Array<number>(n), new Array<number>(n)]
    for (let r = 0; r < n; r++) {
      variants[0][r] = slice.values[r * t + 2 * j]!
      variants[1][r] = slice.values[r * t + 2 * j + 1]!
    }
    const nocalls: [number[][], number[][]] = [
      new Array<number[]>(n).fill(NO_RUNS),
      new Array<number[]>(n).fill(NO_RUNS),
    ]
    bands.push({ variants, nocalls })
  }
  for (const e of slice.nocalls)
    bands[e.column >> 1]!.nocalls[(e.column & 1) as 0 | 1][e.row - slice.start] = e.runs
  return bands
}

/** The band of sample `sample` (haplotypes 2·sample and 2·sample + 1) over the whole path. */
export async function sampleBand(
  matrix: CohortMatrix,
  sample: number,
  opts: AbortOptions = {},
): Promise<Band> {
  return sliceToBands(
    await matrix.decode({ ...opts, haplotypes: [2 * sample, 2 * sample + 1] }),
  )[0]!
}
