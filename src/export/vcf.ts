// Genotypes of a store back as VCF (`lightning-tiles vcf`). Each path's reference comes from its
// reference tiles (the counts file names them), each sample's tiles from its CGF; the variants
// engine (src/variants) aligns every distinct tile variant once, normalises and left-aligns the
// differences and merges them into sorted multi-sample biallelic records. Every file is read
// through the Store; CGFs a few at a time, so a cohort of any size keeps few files open.
// Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { partitionPoint } from '../core/search.js'
import { formatPath, formatStepId } from '../core/tileId.js'
import { parseTwoBit } from '../formats/twobit/reader.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import type { RefAccessor } from '../variants/normalize.js'
import { tileRecords, vcfHeader } from '../variants/vcf.js'
import { recordLines, vcfBytes } from '../variants/vcfBytes.js'
import type { RecordBatch } from '../variants/vcfBytes.js'
import type {
  HaplotypeTile,
  InputSite,
  SampleInfo,
  TileBlock,
  TileVariantSource,
} from '../variants/vcf.js'
import { defaultSliceRows } from '../matrix/reader.js'
import type { CohortMatrix, MatrixNocall } from '../matrix/reader.js'
import { SiteTable } from '../sites/reader.js'
import { MARGIN, alleleIndexes, indexedRecordBatches } from '../alleles/records.js'

/** Which genotypes `storeToVcf` writes. */
export interface StoreVcfOptions extends AbortOptions {
  /** only these samples, in this order (default: all) */
  samples?: string[] | undefined
  /** only records overlapping this region (0-based half-open) */
  region?: Region | undefined
}

export interface PathTiles {
  /** reference start and end of every step (span 1) */
  starts: Float64Array
  ends: Float64Array
  /** every variant's sequence, by step */
  sequences: string[][]
  refVariant: Uint32Array
  spans: Uint32Array
  stepStart: Uint32Array
  /** haplotypes of the cohort carrying each variant */
  count: Uint32Array
  /** the steps a region needs (all without one); `sequences` holds those of [first, last) */
  range: { start: number; end: number }
  first: number
  last: number
}

export async function readPathTiles(
  store: Store,
  m: StoreManifest,
  p: ManifestPath,
  opts: AbortOptions,
  /** only the tiles of the steps this region needs (see stepsOf) */
  region: Region | undefined,
): Promise<PathTiles> {
  const counts = await store.counts(p.path, opts)
  if (counts.nSteps !== p.steps)
    throw new FormatError(`${counts.nSteps} steps, the manifest says ${p.steps}`, {
      file: store.file(storeFiles.libraryCounts(p.path)).name,
    })
  const asm = await store.assembly(m.build, opts)
  const { steps, ends } = await asm.pathSteps(p.path, opts)
  if (steps.length !== p.steps || steps[steps.length - 1] !== p.steps - 1)
    throw new FormatError(
      `path ${formatPath(p.path)}: the assembly skips steps (a store built from its own reference never does)`,
      {
        file: asm.gz.name,
      },
    )
  const starts = Float64Array.from(ends, (_, s) => (s === 0 ? p.start : ends[s - 1]! - m.tagLength))

  const range = stepsOf(
    { starts, ends: Float64Array.from(ends), spans: counts.span, refVariant: counts.refVariant },
    region,
  )
  // the library of those steps only, from the reference tile covering the first of them
  let first = range.start
  while (first > 0 && counts.refVariant[first] === NO_REF_VARIANT) first--
  // and to the end of the last tile: a spanning tile of the range reaches past it
  let maxSpan = 1
  for (const x of counts.span) maxSpan = Math.max(maxSpan, x)
  const last = Math.min(p.steps, range.end + maxSpan - 1)
  const sequences: string[][] = new Array<string[]>(p.steps)
  const tar = store.library(p.path)
  const stepOf = (name: string) => parseInt(name.split('.')[2] ?? '', 16)
  const members =
    first === 0 && last === p.steps
      ? tar.members(opts)
      : await tar.membersIn((name) => stepOf(name) >= first && stepOf(name) < last, opts)
  for await (const { name, data } of members) {
    const step = stepOf(name)
    if (!(step >= 0 && step < p.steps))
      throw new FormatError(`unexpected member ${name}`, { file: tar.files.tai.name })
    sequences[step] = parseTwoBit(data, name, { lowercase: true }).map((r) => r.sequence)
  }
  return {
    starts,
    ends: Float64Array.from(ends),
    sequences,
    refVariant: counts.refVariant,
    spans: counts.span,
    stepStart: counts.stepStart,
    count: counts.count,
    range,
    first,
    last,
  }
}

/**
 * The steps whose tiles may reach `region` (with its margins): those overlapping it, and before
 * them as many as the path's longest spanning tile covers, so every tile reaching in is anchored
 * inside the range.
 */
function stepsOf(
  t: Pick<PathTiles, 'starts' | 'ends' | 'spans' | 'refVariant'>,
  region: Region | undefined,
): { start: number; end: number } {
  const n = t.refVariant.length
  if (!region) return { start: 0, end: n }
  const lo = region.start - MARGIN
  const hi = region.end + MARGIN
  let maxSpan = 1
  for (const x of t.spans) maxSpan = Math.max(maxSpan, x)
  const from = partitionPoint(n, (s) => t.ends[s]! <= lo)
  const end = partitionPoint(n, (s) => t.starts[s]! < hi)
  const start = Math.min(Math.max(0, from - (maxSpan - 1)), end)
  return { start, end }
}

/**
 * The path's reference over the steps read: their reference tiles joined (each later tile without
 * its start tag), from the start of the first.
 */
export function pathReference(t: PathTiles, tagLength: number): { start: number; seq: string } {
  const parts: string[] = []
  for (let s = t.first; s < t.last; s++) {
    const v = t.refVariant[s]!
    if (v === NO_REF_VARIANT) continue
    const seq = t.sequences[s]?.[v]
    if (seq === undefined) throw new ArgumentError(`reference tile of step ${s} is missing`)
    parts.push(s === t.first ? seq : seq.slice(tagLength))
  }
  return { start: t.starts[t.first]!, seq: parts.join('') }
}

/** Rows per block of the export: bounded memory over a path of any length, whatever N. */
function blockRows(columns: number): number {
  return Math.min(4096, Math.max(64, defaultSliceRows(columns)))
}

/** One haplotype's tile variant at one step of a path, as the engine names it. */
const tileKey = (path: number, step: number, variant: number) => `${path}.${step}.${variant}`

/**
 * Decoded rows of the chosen haplotypes (a matrix slice, or CGF bands turned into one): per
 * haplotype of the export, its column in `values`.
 */
interface Rows {
  start: number
  rows: number
  values: Int32Array
  width: number
  nocalls: readonly MatrixNocall[]
}

/** What blocks of one path share while its rows stream in. */
interface PathBlocks {
  chrom: string
  p: ManifestPath
  t: PathTiles
  /** the reference interval whose tiles the export keeps (the region with its margins) */
  lo: number
  hi: number
  sites: readonly InputSite[] | undefined
}

/** A tile variant of the path as the engine reads it (spanning tiles reach their last step). */
export function tileSource(
  b: Pick<PathBlocks, 't' | 'p'>,
  s: number,
  v: number,
): TileVariantSource {
  const { t, p } = b
  const seq = t.sequences[s]?.[v]
  if (seq === undefined)
    throw new FormatError(
      `the genome names tile ${formatStepId(p.path, s)}.${v}, which the library lacks`,
    )
  const span = t.spans[t.stepStart[s]! + v]!
  return { refStart: t.starts[s]!, refEnd: t.ends[s + span - 1]!, seq }
}

/** Count the haplotypes of each variant but `ref` in one row (no no-call runs in it). */
function countRow(
  values: Int32Array,
  row: number,
  columns: Int32Array,
  count: Int32Array,
  ref: number,
): void {
  for (let h = 0; h < columns.length; h++) {
    const v = values[row + columns[h]!]!
    if (v >= 0 && v !== ref) count[v]!++
  }
}

/**
 * The block of rows [rows.start, rows.start + rows.rows): the chosen haplotypes' tiles that differ
 * from the reference (haplotype 2k + a: column `columns[2k + a]` of the rows), and with `cohort`
 * the cohort's tiles. Blocks of a path cut it at the start of a step (p.start and p.end at its
 * ends), so only the tiles at the path's ends can join a neighbour's (see tilesToVcf).
 */
function blockOf(
  b: PathBlocks,
  rows: Rows,
  columns: Int32Array,
  cohort: HaplotypeTile[] | undefined,
  variants: Map<string, TileVariantSource>,
): TileBlock {
  const { t, p, lo, hi } = b
  const first = rows.start
  const last = first + rows.rows
  const tiles: HaplotypeTile[] = []
  const runs = new Map<number, number[]>()
  for (const n of rows.nocalls) runs.set((n.row - first) * rows.width + n.column, n.runs)
  // per row, the haplotypes of each variant in one list (a tile many carry is merged once);
  // those with no-call runs in the tile each on their own
  let count = new Int32Array(0)
  const values = rows.values
  for (let r = 0; r < rows.rows; r++) {
    const s = first + r
    if (t.starts[s]! >= hi) break
    const ref = t.refVariant[s]
    const n = t.stepStart[s + 1]! - t.stepStart[s]!
    if (count.length < n) count = new Int32Array(n)
    count.fill(0, 0, n)
    const row = r * rows.width
    if (!runs.size) countRow(values, row, columns, count, ref ?? -1)
    else
      for (let h = 0; h < columns.length; h++) {
        const v = values[row + columns[h]!]!
        if (v < 0) continue
        const nocalls = runs.get(row + columns[h]!)
        if (nocalls) {
          const src = tileSource(b, s, v)
          if (src.refEnd <= lo) continue
          const key = tileKey(p.path, s, v)
          variants.set(key, src)
          tiles.push({ hap: h, key, nocalls })
        } else if (v !== ref) count[v]!++
      }
    const haps: (Int32Array | undefined)[] = []
    for (let v = 0; v < n; v++) {
      if (!count[v]) continue
      const src = tileSource(b, s, v)
      if (src.refEnd <= lo) continue
      // the caller memoises by key for the whole contig: a key names the path too
      const key = tileKey(p.path, s, v)
      variants.set(key, src)
      const list = (haps[v] = new Int32Array(count[v]!))
      tiles.push({ hap: -1, key, haps: list })
      count[v] = 0
    }
    for (let h = 0; h < columns.length; h++) {
      const v = values[row + columns[h]!]!
      if (v < 0 || v === ref) continue
      const list = haps[v]
      if (list && !(runs.size && runs.has(row + columns[h]!))) list[count[v]!++] = h
    }
  }
  return {
    chrom: b.chrom,
    start: first === 0 ? p.start : t.starts[first]!,
    end: last === t.refVariant.length ? p.end : t.starts[last]!,
    variants,
    tiles,
    cohort,
  }
}

/**
 * The tiles standing for the cohort over rows [first, last) of a path (TileBlock.cohort): one
 * pseudo-haplotype per tile variant some haplotype carries (the counts say which), numbered from
 * `base`; the tiles at the path's joined ends come from `ends` instead.
 */
function cohortTiles(
  b: PathBlocks,
  first: number,
  last: number,
  base: number,
  ends: PathEnds,
  variants: Map<string, TileVariantSource>,
): HaplotypeTile[] {
  const { t, p, lo, hi } = b
  const out: HaplotypeTile[] = []
  for (let s = first; s < last && t.starts[s]! < hi; s++) {
    if (s === 0 && ends.head) continue
    for (let v = 0, i = t.stepStart[s]!; i < t.stepStart[s + 1]!; v++, i++) {
      if (t.count[i] === 0 || v === t.refVariant[s]) continue
      const src = tileSource(b, s, v)
      if (src.refEnd <= lo || (ends.tail && src.refEnd === p.end)) continue
      const key = tileKey(p.path, s, v)
      variants.set(key, src)
      out.push({ hap: base + i, key })
    }
  }
  for (const end of [ends.head, ends.tail])
    for (const [row, v, hap] of end?.tiles ?? [])
      if (row >= first && row < last) {
        const src = tileSource(b, row, v)
        if (src.refEnd <= lo || src.refStart >= hi) continue
        const key = tileKey(p.path, row, v)
        variants.set(key, src)
        out.push({ hap, key })
      }
  return out
}

/**
 * Where two paths meet, a haplotype's tile ending the first and its tile starting the second are
 * aligned joined (tilesToVcf): each distinct pair the cohort has becomes one pseudo-haplotype.
 * `tiles` lists [row, variant, pseudo-haplotype] of the pairs' tiles that differ from the reference.
 */
interface PathJoin {
  tiles: [number, number, number][]
}

interface PathEnds {
  head?: PathJoin | undefined
  tail?: PathJoin | undefined
}

/** Pseudo-haplotype numbers of the path joins start here (past any tile variant's). */
const JOIN_BASE = 2 ** 40

/**
 * Each haplotype's tiles where path `a` ends and `b` (abutting it) starts: `row`/`v` the tile of
 * `a` reaching its last step (−1 when none), `w` the value of `b`'s first step, and `runs` 1 when
 * either cell has no-call runs of its own.
 */
export async function joinTiles(
  store: Store,
  a: { p: ManifestPath; t: Pick<PathTiles, 'refVariant' | 'spans' | 'stepStart'> },
  b: ManifestPath,
  opts: AbortOptions,
): Promise<{ row: Int32Array; v: Int32Array; w: Int32Array; runs: Uint8Array }> {
  const sig = opts.signal ? { signal: opts.signal } : {}
  const n = a.t.refVariant.length
  let maxSpan = 1
  for (const x of a.t.spans) maxSpan = Math.max(maxSpan, x)
  const from = Math.max(0, n - maxSpan)
  const [endRows, startRow] = await Promise.all([
    (await store.matrix(a.p.path, opts)).decode({ ...sig, start: from, end: n }),
    (await store.matrix(b.path, opts)).decode({ ...sig, start: 0, end: 1 }),
  ])
  const h = startRow.haplotypes.length
  const row = new Int32Array(h).fill(-1)
  const v = new Int32Array(h).fill(-1)
  const runs = new Uint8Array(h)
  for (let x = 0; x < h; x++)
    // the tile ending at the path's end: anchored at the row whose span reaches the last step
    for (let s = from; s < n; s++) {
      const y = endRows.values[(s - from) * h + x]!
      if (y >= 0 && s + a.t.spans[a.t.stepStart[s]! + y]! === n) [row[x], v[x]] = [s, y]
    }
  for (const c of endRows.nocalls) if (c.row === row[c.column]) runs[c.column] = 1
  for (const c of startRow.nocalls) runs[c.column] = 1
  return { row, v, w: startRow.values.slice(0, h), runs }
}

/** Decode every haplotype where path `a` ends and `b` starts: the pairs of tiles meeting there. */
async function pathJoin(
  store: Store,
  a: { p: ManifestPath; t: PathTiles },
  b: ManifestPath,
  base: number,
  opts: AbortOptions,
): Promise<{ tail: PathJoin; head: PathJoin; pairs: number }> {
  const bCounts = await store.counts(b.path, opts)
  const tiles = await joinTiles(store, { p: a.p, t: a.t }, b, opts)
  const pairs = new Map<string, number>()
  const tail: PathJoin = { tiles: [] }
  const head: PathJoin = { tiles: [] }
  for (let x = 0; x < tiles.w.length; x++) {
    const [row, v, w] = [tiles.row[x]!, tiles.v[x]!, tiles.w[x]!]
    const key = `${row}.${v}.${w}`
    if (pairs.has(key)) continue
    const hap = base + pairs.size
    pairs.set(key, hap)
    if (v >= 0 && v !== a.t.refVariant[row]) tail.tiles.push([row, v, hap])
    if (w >= 0 && w !== bCounts.refVariant[0]) head.tiles.push([0, w, hap])
  }
  return { tail, head, pairs: pairs.size }
}

/** Which records `storeRecordBatches` yields. */
export interface StoreRecordOptions extends StoreVcfOptions {
  /**
   * Also the records only samples left out carry (every chosen haplotype 0 or no-call there), so
   * a subset gets the sites of the whole cohort, as BGT and bcftools view -s report them (AC=0).
   * Without it, as `storeToVcf`: the records the chosen samples carry.
   */
  cohortSites?: boolean | undefined
}

/** Each manifest's samples by name, made once (a manifest is never changed once read). */
const sampleRowsOf = new WeakMap<StoreManifest, Map<string, number>>()
function sampleRows(m: StoreManifest): Map<string, number> {
  let rows = sampleRowsOf.get(m)
  if (!rows) sampleRowsOf.set(m, (rows = new Map(m.samples.map((s, i) => [s.name, i]))))
  return rows
}

/**
 * The chosen samples (manifest rows, a sample named twice included twice), what the VCF header
 * says of them, and the matrix columns: `haplotypes` lists the two of each of the `distinct`
 * samples once, and output haplotype h is `haplotypes[columns[h]]`.
 */
interface SamplePlan {
  rows: number[]
  samples: SampleInfo[]
  distinct: number[]
  haplotypes: number[]
  columns: Int32Array
  phased: Uint8Array
}

function samplePlan(m: StoreManifest, rows: number[]): SamplePlan {
  const samples: SampleInfo[] = rows.map((i) => ({
    name: m.samples[i]!.name,
    phased: m.samples[i]!.phased,
  }))
  // each chosen sample's haplotypes once (a sample asked twice is decoded once)
  const slot = new Int32Array(m.samples.length).fill(-1)
  const distinct: number[] = []
  const haplotypes: number[] = []
  for (const r of rows)
    if (slot[r]! < 0) {
      slot[r] = distinct.length
      distinct.push(r)
      haplotypes.push(2 * r, 2 * r + 1)
    }
  const columns = new Int32Array(2 * rows.length)
  for (let h = 0; h < columns.length; h++) columns[h] = 2 * slot[rows[h >> 1]!]! + (h & 1)
  const phased = new Uint8Array(samples.length)
  for (let i = 0; i < samples.length; i++) phased[i] = samples[i]!.phased ? 1 : 0
  return { rows, samples, distinct, haplotypes, columns, phased }
}

/** The plan of every sample of each manifest, made once (20,000 samples: a millisecond a query). */
const everyonePlans = new WeakMap<StoreManifest, SamplePlan>()

/** The store's samples by name (each must exist), and the paths a region reaches. */
async function exportPlan(store: Store, opts: StoreVcfOptions) {
  const m = await store.manifest(opts)
  let plan: SamplePlan | undefined
  if (opts.samples) {
    const byName = sampleRows(m)
    const rows = opts.samples.map((name) => {
      const i = byName.get(name)
      if (i === undefined) throw new ArgumentError(`sample ${name} is not in the store`)
      return i
    })
    plan = samplePlan(m, rows)
  } else {
    plan = everyonePlans.get(m)
    if (!plan)
      everyonePlans.set(
        m,
        (plan = samplePlan(
          m,
          m.samples.map((_, i) => i),
        )),
      )
  }
  const region = opts.region
  if (region && !m.contigs.some((c) => c.name === region.chrom))
    throw new ArgumentError(`contig ${region.chrom} is not in the store`)
  const paths = m.paths.filter(
    (p) =>
      !region ||
      (p.chrom === region.chrom && p.end > region.start - MARGIN && p.start < region.end + MARGIN),
  )
  return { m, paths, ...plan }
}

/** Rows [start, end) of the chosen haplotypes of a path's matrix, a block at a time. */
async function* matrixRows(
  matrix: CohortMatrix,
  start: number,
  end: number,
  haplotypes: number[],
  opts: AbortOptions,
): AsyncGenerator<Rows> {
  const width = haplotypes.length
  const sliceRows = blockRows(width)
  // each block's tiles are made before the next slice is asked for: one buffer serves them all
  for await (const x of matrix.slices({ ...opts, start, end, haplotypes, sliceRows, reuse: true }))
    yield { start: x.start, rows: x.rows, values: x.values, width, nocalls: x.nocalls }
}

/** The same from a store of CGFs: the samples' bands over the steps, as one block. */
async function* bandRows(
  store: Store,
  m: StoreManifest,
  rows: number[],
  path: number,
  start: number,
  end: number,
  opts: AbortOptions,
): AsyncGenerator<Rows> {
  const bands = await store.bands(
    rows.map((r) => m.samples[r]!),
    path,
    { ...opts, start, end },
  )
  const width = 2 * bands.length
  const n = end - start
  const values = new Int32Array(n * width)
  const nocalls: MatrixNocall[] = []
  bands.forEach((g, k) => {
    for (const a of [0, 1] as const)
      for (let r = 0; r < n; r++) {
        values[r * width + 2 * k + a] = g.variants[a][r]!
        const runs = g.nocalls[a][r]!
        if (runs.length) nocalls.push({ row: start + r, column: 2 * k + a, runs })
      }
  })
  yield { start, rows: n, values, width, nocalls }
}

/** The store's genotypes as VCF lines (header first), streamed path by path. */
export async function* storeToVcf(
  store: Store,
  opts: StoreVcfOptions = {},
): AsyncGenerator<string> {
  for await (const x of storeVcfItems(store, opts))
    if (typeof x === 'string') yield x
    else yield* recordLines(x)
}

/**
 * The same VCF as bytes, in chunks of whole lines of about a megabyte: for writing a file or a
 * response, where `storeToVcf`'s strings would each be encoded again. With `reuse`, a chunk's
 * buffer is written over once the next chunk is asked for (a consumer that has written it by
 * then saves a megabyte's allocation per chunk). The CLI's `vcf` writes these.
 */
export async function* storeToVcfBytes(
  store: Store,
  opts: StoreVcfOptions & { reuse?: boolean | undefined } = {},
): AsyncGenerator<Uint8Array> {
  yield* vcfBytes(storeVcfItems(store, opts), { reuse: opts.reuse })
}

/**
 * What `storeToVcf` writes: its header lines, then its records unformatted, in batches of columns
 * (for `vcfBytes`, which writes them as bytes).
 */
export async function* storeVcfItems(
  store: Store,
  opts: StoreVcfOptions = {},
): AsyncGenerator<string | RecordBatch> {
  const { m, samples } = await exportPlan(store, opts)
  yield* vcfHeader(
    m.contigs,
    samples,
    m.source.reference === undefined ? {} : { reference: m.source.reference },
  )
  yield* storeRecordBatches(store, opts)
}

/**
 * The records of `storeToVcf` as columns, in batches (one await per batch and no object per
 * record: what a writer of every record wants): haplotype 2k + a of a site's codes is the chosen
 * sample k's, codes are VcfRecord's (2: no-call), and an `id` of `.` is none. The chosen samples'
 * columns of the cohort matrix are decoded a block of steps at a time, so memory stays bounded
 * over any path, for any number of samples.
 */
export async function* storeRecordBatches(
  store: Store,
  opts: StoreRecordOptions = {},
): AsyncGenerator<RecordBatch & { gt: Uint8Array }> {
  const { m, samples, paths, distinct, haplotypes, columns, phased } = await exportPlan(store, opts)
  const region = opts.region
  const sig = opts.signal ? { signal: opts.signal } : {}

  // the input's IDs, in stores built with a site table
  const siteTable = m.files?.[storeFiles.sites]
    ? new SiteTable({
        table: store.file(storeFiles.sites),
        csi: store.file(storeFiles.sitesIndex),
      })
    : undefined
  const matrix = await store.hasMatrix(opts)
  // the allele index lists each site's tile variants: genotypes are lookups, nothing is aligned
  const indexes = matrix ? await alleleIndexes(store, m, paths, opts) : undefined
  if (indexes) {
    yield* indexedRecordBatches(store, m, paths, indexes, haplotypes, columns, phased, {
      ...sig,
      region,
      cohortSites: opts.cohortSites,
    })
    return
  }

  // reference of each contig: the reference tiles of its paths (only the paths read), one piece
  // per path, upper case; a read joins only the pieces it spans (never the whole contig)
  const references = new Map<string, { starts: number[]; seqs: string[] }>()
  async function* blocks(): AsyncGenerator<TileBlock> {
    // pseudo-haplotype numbers of the cohort's tiles (each path its own) and of path joins
    let base = 0
    let joins = JOIN_BASE
    let head: PathJoin | undefined
    for (const [k, p] of paths.entries()) {
      checkAbort(opts.signal)
      const ends: PathEnds = { head }
      head = undefined
      const t = await readPathTiles(store, m, p, opts, region)
      let ref = references.get(p.chrom)
      if (!ref) references.set(p.chrom, (ref = { starts: [], seqs: [] }))
      const piece = pathReference(t, m.tagLength)
      ref.starts.push(piece.start)
      ref.seqs.push(piece.seq.toUpperCase())
      const [lo, hi] = region ? [region.start - MARGIN, region.end + MARGIN] : [-Infinity, Infinity]
      const sites = siteTable
        ? await siteTable.sites(p.chrom, Math.max(p.start, lo), Math.min(p.end, hi), opts)
        : undefined
      const b: PathBlocks = { chrom: p.chrom, p, t, lo, hi, sites }
      const { start, end } = t.range
      // the cohort's tiles where this path meets the next
      const q = paths[k + 1]
      if (opts.cohortSites && matrix && q?.chrom === p.chrom && q.start === p.end) {
        const join = await pathJoin(store, { p, t }, q, joins, opts)
        joins += join.pairs
        ends.tail = join.tail
        head = join.head
      }
      const rowsOf = matrix
        ? matrixRows(await store.matrix(p.path, opts), start, end, haplotypes, sig)
        : bandRows(store, m, distinct, p.path, start, end, sig)
      let siteAt = 0
      for await (const r of rowsOf) {
        const variants = new Map<string, TileVariantSource>()
        const cohort = opts.cohortSites
          ? cohortTiles(b, r.start, r.start + r.rows, base, ends, variants)
          : undefined
        const block = blockOf(b, r, columns, cohort, variants)
        if (sites) {
          // the sites whose POS lies in the block
          const from = siteAt
          while (siteAt < sites.length && sites[siteAt]!.pos < block.end) siteAt++
          block.sites = sites.slice(from, siteAt)
        }
        yield block
      }
      base += t.count.length
    }
  }
  const accessor = (chrom: string): RefAccessor => {
    // reads lazily: the engine asks while blocks of this contig stream in
    return (start, end) => {
      const ref = references.get(chrom)
      if (!ref) return ''
      const { starts, seqs } = ref
      const parts: string[] = []
      let at = start
      for (
        let i = Math.max(0, partitionPoint(starts.length, (k) => starts[k]! <= at) - 1);
        i < seqs.length && at < end;
        i++
      ) {
        const from = at - starts[i]!
        if (from < 0 || from > seqs[i]!.length) break // a gap: only what is contiguous from start
        const piece = seqs[i]!.slice(from, end - starts[i]!)
        parts.push(piece)
        at += piece.length
      }
      return parts.length === 1 ? parts[0]! : parts.join('')
    }
  }
  for await (const r of tileRecords(
    { contigs: m.contigs, samples, reference: accessor, blocks: blocks(), region },
    opts,
  ))
    yield {
      sites: [r],
      info: r.info === undefined ? undefined : [r.info],
      gt: r.gt,
      width: r.gt.length,
      phased: r.phased,
    }
}
