// Several matrix files over the same rows read as one matrix: samples added to a store later are
// a new immutable segment (its own file, its own PBWT), and the segments' columns are concatenated
// in order. Browser-safe.
import { ArgumentError, ValidationError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { chooseColumns, defaultSliceRows } from './reader.js'
import type { TallyClasses } from './pbwt.js'
import type {
  CohortMatrix,
  DecodeOptions,
  MatrixInfo,
  MatrixNocall,
  MatrixReader,
  MatrixSlice,
  SliceOptions,
} from './reader.js'

export class SegmentedMatrix implements CohortMatrix {
  private infoPromise: Promise<{ info: MatrixInfo; first: number[] }> | undefined

  constructor(readonly segments: readonly MatrixReader[]) {}

  /** The path and rows every segment shares, the total haplotypes, and each segment's first column. */
  private layout(opts: AbortOptions): Promise<{ info: MatrixInfo; first: number[] }> {
    if (!this.infoPromise) {
      this.infoPromise = (async () => {
        const infos = await Promise.all(this.segments.map((s) => s.info(opts)))
        const first: number[] = []
        let haplotypes = 0
        infos.forEach((info, i) => {
          const base = infos[0]!
          if (info.path !== base.path || info.rows !== base.rows)
            throw new ValidationError(
              `segment ${i} is path ${info.path} with ${info.rows} rows, segment 0 path ${base.path} with ${base.rows}`,
              { file: this.segments[i]!.file.name },
            )
          first.push(haplotypes)
          haplotypes += info.haplotypes
        })
        const base = infos[0] ?? { path: 0, rows: 0 }
        return { info: { path: base.path, rows: base.rows, haplotypes }, first }
      })()
      this.infoPromise.catch(() => (this.infoPromise = undefined))
    }
    return this.infoPromise
  }

  async info(opts: AbortOptions = {}): Promise<MatrixInfo> {
    return (await this.layout(opts)).info
  }

  async decode(opts: DecodeOptions = {}): Promise<MatrixSlice> {
    const { info } = await this.layout(opts)
    const start = opts.start ?? 0
    const end = opts.end ?? info.rows
    let result: MatrixSlice | undefined
    for await (const slice of this.slices({ ...opts, sliceRows: Math.max(1, end - start) }))
      result = slice
    const haplotypes = chooseColumns(opts.haplotypes, info.haplotypes)
    return result ?? { start, rows: 0, haplotypes, values: new Int32Array(0), nocalls: [] }
  }

  async *slices(opts: SliceOptions = {}): AsyncGenerator<MatrixSlice> {
    if (opts.tally) {
      yield* this.tallies(opts, opts.tally)
      return
    }
    const { info, first } = await this.layout(opts)
    const columns = chooseColumns(opts.haplotypes, info.haplotypes)
    const t = columns.length
    // each output column's segment and its column there; each segment's asked columns in order
    const local: number[][] = this.segments.map(() => [])
    const where = new Int32Array(t)
    const at = new Int32Array(t)
    for (let i = 0; i < t; i++) {
      const c = columns[i]!
      let s = first.length - 1
      while (s > 0 && first[s]! > c) s--
      where[i] = s
      at[i] = local[s]!.length
      local[s]!.push(c - (first[s] ?? 0))
    }
    const sliceRows = opts.sliceRows ?? defaultSliceRows(t)
    const used = this.segments.flatMap((seg, s) =>
      local[s]!.length > 0 || t === 0
        ? [{ s, it: seg.slices({ ...opts, haplotypes: local[s]!, sliceRows }) }]
        : [],
    )
    let buffer: Int32Array | undefined
    const outColumn = local.map(() => [] as number[])
    for (let i = 0; i < t; i++) outColumn[where[i]!]![at[i]!] = i
    try {
      for (;;) {
        const parts = await Promise.all(used.map((u) => u.it.next()))
        // the segments share rows, start, end and sliceRows, so their slices line up
        if (parts.length === 0 || parts[0]!.done) return
        const slices = parts.map((p) => p.value as MatrixSlice)
        const { start, rows } = slices[0]!
        let values: Int32Array
        if (!opts.reuse) values = new Int32Array(rows * t)
        else {
          // the first slice is the largest
          buffer ??= new Int32Array(rows * t)
          values = buffer.subarray(0, rows * t)
        }
        const nocalls: MatrixNocall[] = []
        slices.forEach((slice, k) => {
          const map = outColumn[used[k]!.s]!
          const w = map.length
          for (let r = 0; r < rows; r++)
            for (let j = 0; j < w; j++) values[r * t + map[j]!] = slice.values[r * w + j]!
          for (const n of slice.nocalls) nocalls.push({ ...n, column: map[n.column]! })
        })
        nocalls.sort((a, b) => a.row - b.row || a.column - b.column)
        yield { start, rows, haplotypes: columns, values, nocalls }
      }
    } finally {
      await Promise.all(used.map((u) => u.it.return(undefined)))
    }
  }

  /** A tally of every segment (each counts its own columns), summed. */
  private async *tallies(opts: SliceOptions, tally: TallyClasses): AsyncGenerator<MatrixSlice> {
    const { info, first } = await this.layout(opts)
    if (tally.classOf.length !== info.haplotypes)
      throw new ArgumentError(`a tally takes a class for each of the ${info.haplotypes} haplotypes`)
    const sliceRows = opts.sliceRows ?? defaultSliceRows(tally.count * tally.symbols)
    const its = this.segments.map((seg, s) => {
      const from = first[s]!
      const to = first[s + 1] ?? info.haplotypes
      // the sums go into the first segment's values: under `reuse`, valid until the next slice too
      return seg.slices({
        ...opts,
        sliceRows,
        tally: { ...tally, classOf: tally.classOf.subarray(from, to) },
      })
    })
    try {
      for (;;) {
        const parts = await Promise.all(its.map((it) => it.next()))
        if (parts.length === 0 || parts[0]!.done) return
        const slices = parts.map((p) => p.value as MatrixSlice)
        const values = slices[0]!.values
        for (const s of slices.slice(1))
          for (let i = 0; i < values.length; i++) values[i]! += s.values[i]!
        const nocalls = slices.flatMap((s, k) =>
          s.nocalls.map((n) => ({ ...n, column: n.column + first[k]! })),
        )
        nocalls.sort((a, b) => a.row - b.row || a.column - b.column)
        const { start, rows } = slices[0]!
        yield {
          start,
          rows,
          haplotypes: chooseColumns(undefined, info.haplotypes),
          values,
          nocalls,
        }
      }
    } finally {
      await Promise.all(its.map((it) => it.return(undefined)))
    }
  }
}
