// The matrices a notebook loads (`lightning-tiles export`), as a stream of column blocks with their
// labels: the allele dosage matrix (samples × VCF alleles), the tile-variant matrix (haplotypes ×
// tile steps, from the cohort matrix) and its one-hot form (samples × (step, variant)). Every value
// is produced column by column, in bounded memory; the writers (npy-writer.ts, arrow-writer.ts, parquet-writer.ts) lay
// the blocks out. Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import type { Region } from '../core/region.js'
import { formatStepId } from '../core/tileId.js'
import { genotypeSites } from '../query/genotypes.js'
import { resolveGroups } from '../query/groups.js'
import type { ResolveGroupsOptions } from '../query/groups.js'
import { readStoreSamples } from '../samples/read.js'
import type { Store } from '../store/Store.js'

export type MatrixKind = 'alleles' | 'tiles' | 'onehot'
export type MatrixDtype = 'int8' | 'int16' | 'int32'
export type MatrixValues = Int8Array | Int16Array | Int32Array

/** Tile matrix values (Lightning Tile Arrays, docs/lightning-formats.md §13). */
export const SPANNED = -1
export const TILE_NOCALL = -2

/** A label table: the header, whether each field is a number, and one row of values per entry. */
export interface Labels {
  fields: readonly { name: string; numeric: boolean }[]
  rows: (string | number)[][]
}

/** A run of consecutive columns: their labels and values, column-major (`values[c * rows + r]`). */
export interface MatrixBlock {
  columns: (string | number)[][]
  values: MatrixValues
}

export interface MatrixExport {
  kind: MatrixKind
  dtype: MatrixDtype
  /** one label per matrix row; its first field, ROW, names the row (the Parquet/Arrow field) */
  rows: Labels
  /** the fields of every column label */
  columnFields: Labels['fields']
  /** the blocks, in column order */
  blocks: AsyncGenerator<MatrixBlock>
}

export interface MatrixExportOptions extends AbortOptions, Pick<ResolveGroupsOptions, 'open'> {
  kind: MatrixKind
  /** sorted, merged regions (0-based half-open) */
  regions: readonly Region[]
  /** a sample expression over the metadata (`pop=="FIN"`), `,A,B` names or `@FILE`; default all */
  samples?: string | undefined
  /** values per block (default about 4 million) */
  blockValues?: number | undefined
  /** bases of allele genotypes read at once (default: as many as keep 5·10⁹ haplotype-bases) */
  alleleWindow?: number | undefined
  onProgress?: ProgressCallback | undefined
}

const BLOCK_VALUES = 1 << 22
const str = (name: string) => ({ name, numeric: false })
const num = (name: string) => ({ name, numeric: true })

/** The matrix `opts.kind` of `store` over `opts.regions`, as labels and a stream of blocks. */
export async function openMatrixExport(
  store: Store,
  opts: MatrixExportOptions,
): Promise<MatrixExport> {
  if (opts.regions.length === 0) throw new ArgumentError('no region to export (give -r)')
  const { table } = await readStoreSamples(store, opts)
  const chosen =
    opts.samples === undefined
      ? Int32Array.from(table.names, (_, i) => i)
      : (await resolveGroups([opts.samples], table, opts))[0]!.samples
  const sampleFields = [
    str('SAMPLE'),
    ...table.fields.map((f) => (f.type === 'string' ? str(f.key) : num(f.key))),
  ]
  const metadata = (s: number) => [
    table.names[s]!,
    ...table.fields.map((f) => table.value(s, f.key) ?? ''),
  ]
  const haplotypeRows = opts.kind === 'tiles'
  const rows: Labels = haplotypeRows
    ? {
        fields: [str('ROW'), sampleFields[0]!, str('HAPLOTYPE'), ...sampleFields.slice(1)],
        rows: [...chosen].flatMap((s) =>
          ['A', 'B'].map((h) => {
            const [name, ...rest] = metadata(s)
            return [`${name}_${h}`, name!, h, ...rest]
          }),
        ),
      }
    : {
        fields: [str('ROW'), ...sampleFields],
        rows: [...chosen].map((s) => [table.names[s]!, ...metadata(s)]),
      }
  const budget = opts.blockValues ?? BLOCK_VALUES
  if (opts.kind === 'alleles')
    return {
      kind: 'alleles',
      dtype: 'int8',
      rows,
      columnFields: [str('CHROM'), num('POS'), str('ID'), str('REF'), str('ALT')],
      blocks: alleleBlocks(
        store,
        [...chosen].map((s) => table.names[s]!),
        budget,
        opts,
      ),
    }
  const steps = await regionSteps(store, opts)
  const haplotypes = Int32Array.from([...chosen].flatMap((s) => [2 * s, 2 * s + 1]))
  const tileFields = [str('TILE'), num('PATH'), num('STEP')]
  const where = [str('CHROM'), num('START'), num('END')]
  if (opts.kind === 'tiles') {
    let most = 0
    for (const p of new Set(steps.map((s) => s.path))) {
      const { stepStart } = await store.countsHeader(p, opts)
      for (let k = 0; k + 1 < stepStart.length; k++)
        most = Math.max(most, stepStart[k + 1]! - stepStart[k]!)
    }
    return {
      kind: 'tiles',
      dtype: most <= 0x7fff ? 'int16' : 'int32',
      rows,
      columnFields: [...tileFields, ...where],
      blocks: tileBlocks(
        store,
        steps,
        haplotypes,
        most <= 0x7fff ? Int16Array : Int32Array,
        budget,
        opts,
      ),
    }
  }
  return {
    kind: 'onehot',
    dtype: 'int8',
    rows,
    columnFields: [...tileFields, num('VARIANT'), ...where],
    blocks: onehotBlocks(store, steps, haplotypes, budget, opts),
  }
}

/** The VCF alleles of the regions: one column per site, the samples' ALT dosage (−1: missing). */
async function* alleleBlocks(
  store: Store,
  names: string[],
  budget: number,
  opts: MatrixExportOptions,
): AsyncGenerator<MatrixBlock> {
  const n = names.length
  const width = Math.max(1, Math.floor(budget / Math.max(n, 1)))
  const total = opts.regions.reduce((sum, r) => sum + r.end - r.start, 0)
  const progress = (done: number) => opts.onProgress?.({ phase: 'exporting alleles', done, total })
  let block = newBlock(Int8Array, width * n)
  let c = 0
  const sig = opts.signal ? { signal: opts.signal } : {}
  for await (const site of genotypeSites(store, {
    ...sig,
    regions: windows(opts.regions, opts.alleleWindow ?? defaultWindow(n)),
    samples: names,
  })) {
    const a = site.alleles
    const base = c * n
    for (let s = 0; s < n; s++) {
      const x = a[2 * s]!
      const y = a[2 * s + 1]!
      block.values[base + s] = x < 0 || y < 0 ? -1 : x + y
    }
    block.columns.push([site.chrom, site.pos, site.id, site.ref, site.alt])
    if (++c === width) {
      yield block
      block = newBlock(Int8Array, width * n)
      c = 0
      progress(basesBefore(opts.regions, site.chrom, site.pos - 1))
    }
  }
  if (c > 0) yield { columns: block.columns, values: block.values.subarray(0, c * n) }
  progress(total)
}

/** Haplotype-bases read at once for allele dosages: about 20 million tile cells at ~250 bases a tile. */
const WINDOW_HAPLOTYPE_BASES = 5e9

const defaultWindow = (samples: number) =>
  Math.max(10_000, Math.floor(WINDOW_HAPLOTYPE_BASES / (2 * Math.max(samples, 1))))

/**
 * The regions cut into windows whose genotypes fit in bounded memory (genotypeSites holds a whole
 * region's haplotypes at once); a record reaching over a cut is reported once, with the earlier
 * window.
 */
function windows(regions: readonly Region[], width: number): Region[] {
  if (!(Number.isInteger(width) && width > 0))
    throw new ArgumentError(`allele window ${width} is not a positive whole number of bases`)
  return regions.flatMap((r) => {
    const out: Region[] = []
    for (let at = r.start; at < r.end; at += width)
      out.push({ ...r, start: at, end: Math.min(r.end, at + width) })
    return out
  })
}

/** Bases of the regions (sorted, merged) before `chrom:pos` (0-based). */
function basesBefore(regions: readonly Region[], chrom: string, pos: number): number {
  let done = 0
  for (const r of regions) {
    if (r.chrom === chrom && r.end > pos) return done + Math.max(0, pos - r.start)
    done += r.end - r.start
  }
  return done
}

function newBlock<T extends MatrixValues>(
  kind: { new (length: number): T },
  length: number,
): { columns: (string | number)[][]; values: T } {
  return { columns: [], values: new kind(length) }
}

/** One step of a path with the reference interval of the reference tile holding it. */
interface RegionStep {
  path: number
  step: number
  chrom: string
  start: number
  end: number
}

/** The tile steps whose reference tiles overlap the regions, each once, in reference order. */
async function regionSteps(store: Store, opts: MatrixExportOptions): Promise<RegionStep[]> {
  const m = await store.manifest(opts)
  const asm = await store.assembly(m.build, opts)
  const out: RegionStep[] = []
  const seen = new Set<string>()
  for (const r of opts.regions) {
    for (const t of await asm.tilesOverlapping(r.chrom, r.start, r.end, opts))
      for (let k = 0; k < t.span; k++) {
        const key = `${t.path}.${t.step + k}`
        if (seen.has(key)) continue
        seen.add(key)
        out.push({ path: t.path, step: t.step + k, chrom: r.chrom, start: t.start, end: t.end })
      }
  }
  return out
}

/** Consecutive runs of steps of one path: each is one ranged read of the cohort matrix. */
function stepRuns(steps: RegionStep[]): RegionStep[][] {
  const runs: RegionStep[][] = []
  for (const s of steps) {
    const run = runs[runs.length - 1]
    const last = run?.[run.length - 1]
    if (run && last!.path === s.path && last!.step + 1 === s.step) run.push(s)
    else runs.push([s])
  }
  return runs
}

/**
 * The cohort matrix over `steps`, `haplotypes` as columns, one decoded slice at a time: rows are
 * steps, columns haplotypes, so a slice's row-major values are column-major for haplotypes × steps.
 * Values are the tile variants; a cell with no-call runs becomes TILE_NOCALL.
 */
async function* stepSlices(
  store: Store,
  steps: RegionStep[],
  haplotypes: Int32Array,
  budget: number,
  phase: string,
  opts: MatrixExportOptions,
): AsyncGenerator<{ steps: RegionStep[]; values: Int32Array }> {
  const h = haplotypes.length
  const sliceRows = Math.max(1, Math.floor(budget / Math.max(h, 1)))
  const sig = opts.signal ? { signal: opts.signal } : {}
  let done = 0
  for (const run of stepRuns(steps)) {
    const first = run[0]!
    const matrix = await store.matrix(first.path, sig)
    for await (const slice of matrix.slices({
      ...sig,
      start: first.step,
      end: first.step + run.length,
      haplotypes,
      sliceRows,
    })) {
      checkAbort(opts.signal)
      for (const e of slice.nocalls)
        slice.values[(e.row - slice.start) * h + e.column] = TILE_NOCALL
      const at = slice.start - first.step
      yield { steps: run.slice(at, at + slice.rows), values: slice.values }
      done += slice.rows
      opts.onProgress?.({ phase, done, total: steps.length })
    }
  }
}

const stepLabel = (s: RegionStep): (string | number)[] => [
  formatStepId(s.path, s.step),
  s.path,
  s.step,
]

/** The tile-variant matrix: haplotypes × steps. */
async function* tileBlocks(
  store: Store,
  steps: RegionStep[],
  haplotypes: Int32Array,
  kind: typeof Int16Array | typeof Int32Array,
  budget: number,
  opts: MatrixExportOptions,
): AsyncGenerator<MatrixBlock> {
  for await (const slice of stepSlices(store, steps, haplotypes, budget, 'exporting tiles', opts))
    yield {
      columns: slice.steps.map((s) => [...stepLabel(s), s.chrom, s.start, s.end]),
      values: kind === Int32Array ? slice.values : Int16Array.from(slice.values),
    }
}

/**
 * The one-hot tile-variant matrix (as arvados/lightning's slice-numpy, with one dosage column per
 * variant where Lightning has a hom and a het column): samples × one column per (step, variant)
 * that a chosen haplotype has, in step then variant order. A value counts the sample's haplotypes
 * with that variant at that step (0, 1, 2), or is −1 when either has no-calls in its tile there.
 * A step a spanning tile covers past its anchor adds no column: the tile counts at its anchor.
 */
async function* onehotBlocks(
  store: Store,
  steps: RegionStep[],
  haplotypes: Int32Array,
  budget: number,
  opts: MatrixExportOptions,
): AsyncGenerator<MatrixBlock> {
  const h = haplotypes.length
  const n = h / 2
  for await (const slice of stepSlices(
    store,
    steps,
    haplotypes,
    budget,
    'exporting one-hot',
    opts,
  )) {
    const columns: (string | number)[][] = []
    const parts: Int8Array[] = []
    slice.steps.forEach((s, k) => {
      const row = slice.values.subarray(k * h, (k + 1) * h)
      const variants = [...new Set(row)].filter((v) => v >= 0).sort((a, b) => a - b)
      for (const v of variants) {
        const col = new Int8Array(n)
        for (let i = 0; i < n; i++) {
          const a = row[2 * i]!
          const b = row[2 * i + 1]!
          col[i] = a === TILE_NOCALL || b === TILE_NOCALL ? -1 : Number(a === v) + Number(b === v)
        }
        columns.push([...stepLabel(s), v, s.chrom, s.start, s.end])
        parts.push(col)
      }
    })
    const values = new Int8Array(parts.length * n)
    parts.forEach((p, c) => values.set(p, c * n))
    yield { columns, values }
  }
}

/** A block's values by matrix row (the fields of a columnar file): `out[r][c]`. */
export function blockByRow<T extends MatrixValues = MatrixValues>(
  block: MatrixBlock,
  rows: number,
  kind = block.values.constructor as { new (length: number): T },
): T[] {
  const n = block.columns.length
  const out: T[] = []
  for (let r = 0; r < rows; r++) {
    const row = new kind(n)
    for (let c = 0; c < n; c++) row[c] = block.values[c * rows + r]!
    out.push(row)
  }
  return out
}

/** Where a writer puts the blocks (a file of one format). */
export interface MatrixSink {
  write(block: MatrixBlock): Promise<void>
  /** finish the file */
  close(): Promise<void>
  /** stop, leaving a file the caller removes */
  abort(): Promise<void>
}

/**
 * The fields of a columnar file of the matrix: the column labels, then one per matrix row named by
 * its ROW label. A row named like a label or like another row is an error.
 */
export function fieldNames(exp: MatrixExport): string[] {
  const names = [...exp.columnFields.map((f) => f.name), ...exp.rows.rows.map((r) => String(r[0]))]
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name))
      throw new ArgumentError(`two fields of the export are named ${name} (rename the sample)`)
    seen.add(name)
  }
  return names
}
