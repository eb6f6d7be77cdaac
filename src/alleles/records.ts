// The store's VCF records (those of src/export/vcf.ts storeRecordBatches) read through the allele
// index: each site lists the tile variants carrying it, so a haplotype's genotype is a lookup of
// its tile variant in the cohort matrix — no tile is aligned, no haplotype's variants merged.
// Also counts per sample group, which never form genotypes at all: per tile variant, the
// haplotypes of each group carrying it, summed over the variants a site lists. Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { checkAbort } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import { TRACE_ROWS } from '../matrix/reader.js'
import type { MatrixSlice, SliceOptions } from '../matrix/reader.js'
import { GT_ALT, GT_NOCALL, TileVariantCaller } from '../variants/vcf.js'
import type { TileVariantSource } from '../variants/vcf.js'
import type { RecordBatch } from '../variants/vcfBytes.js'
import type { AlleleIndex } from './reader.js'
import type { AlleleSite } from './site.js'
import { isIndices } from '../core/indices.js'

/** Bases left of a region that left-aligned indels may reach (the export's too). */
export const MARGIN = 10_000
/** Records per batch of `indexedRecordBatches`, at most */
const BATCH = 256
/** Genotype bytes per batch, about (20,000 samples: 26 records of 40,000 haplotypes) */
const BATCH_BYTES = 1 << 20
/** Rows per decoded slice, at most */
const SLICE_ROWS = 256
/**
 * Values per decoded slice, about: a slice of every haplotype of 20,000 samples is then 26 rows
 * (4 MB), not 256 (41 MB, allocated afresh for each slice)
 */
const SLICE_VALUES = 1 << 20

/**
 * The allele index of every path in `paths`, or undefined when the query must go through the
 * tiles: a store of CGFs, or a path without an index (a store made before it: `lightning-tiles
 * index`; or a contig the index leaves out, see src/alleles/writer.ts), or an index the manifest
 * says was written for another library or other segments.
 */
export async function alleleIndexes(
  store: Store,
  m: StoreManifest,
  paths: readonly ManifestPath[],
  opts: AbortOptions = {},
): Promise<Map<number, AlleleIndex> | undefined> {
  if (!m.genotypes) return undefined
  // written for another library or other segments (the store changed without it): not read
  const stamp = m.alleles
  if (stamp?.libraryVersion !== m.libraryVersion || stamp.segments !== m.genotypes.segments.length)
    return undefined
  const out = new Map<number, AlleleIndex>()
  for (const p of paths) {
    if (!m.files?.[storeFiles.alleles(p.path)]) return undefined
    out.set(p.path, store.alleleIndex(p.path))
  }
  checkAbort(opts.signal)
  return out
}

/** One site of one path, its claims made lookups: per claimed step, each variant's mark. */
interface Lookup {
  readonly step: number
  /** 1: carries the ALT, 2: no-call (by variant number; bytes, read per haplotype per site) */
  marks: Uint8Array
}

function lookups(site: AlleleSite): Lookup[] {
  const { carriers, nocalls } = site
  // one step, nothing no-call (almost every site): its carriers' marks
  if (carriers.length === 1 && nocalls.length === 0) {
    const { step, variants } = carriers[0]!
    const marks = new Uint8Array(variants[variants.length - 1]! + 1)
    for (const v of variants) marks[v] = GT_ALT
    return [{ step, marks }]
  }
  // each claimed step's marks as long as its largest variant needs
  const sizes = new Map<number, number>()
  for (const c of [...carriers, ...nocalls])
    sizes.set(c.step, Math.max(sizes.get(c.step) ?? 0, c.variants[c.variants.length - 1]! + 1))
  const out: Lookup[] = [...sizes].map(([step, n]) => ({ step, marks: new Uint8Array(n) }))
  const marksOf = (step: number) => out.find((l) => l.step === step)!.marks
  for (const c of carriers) for (const v of c.variants) marksOf(c.step)[v] = GT_ALT
  // a no-call wins over the ALT (the index lists no variant in both; this keeps the rule here too)
  for (const c of nocalls) for (const v of c.variants) marksOf(c.step)[v] = GT_NOCALL
  return out
}

/**
 * Where a site's codes go: decoded column x's at `out[at + x]`, x < `width` (a row of a batch's
 * genotypes, written in place, or a scratch row).
 */
interface Codes {
  out: Uint8Array
  at: number
  width: number
}

/** Does some column carry the ALT? */
function hasAlt({ out, at, width }: Codes): boolean {
  for (let x = at; x < at + width; x++) if (out[x] === GT_ALT) return true
  return false
}

/**
 * Each decoded column's code at `site` into `codes` (0 REF, 1 ALT, 2 no-call): its tiles' marks
 * (a no-call from any wins, else the ALT from any), then its own no-call runs. True when some
 * column carries the ALT.
 */
async function siteCodes(
  site: AlleleSite,
  l: readonly Lookup[],
  rows: RowWindow,
  runs: NocallRuns,
  codes: Codes,
): Promise<boolean> {
  // a tile after the claimed ones overlaps the site by its tag: its no-call runs count too
  await rows.reach(lastStep(l) + 1)
  const now = siteCodesNow(l, rows, runs, codes)
  if (now !== undefined) return now
  // a claim's row decoded alone (behind the window) or no-call runs to align
  markCodes(l, await Promise.all(l.map(({ step }) => rows.row(step))), codes)
  await runs.apply(site, rows, codes)
  return hasAlt(codes)
}

/**
 * `siteCodes` without waiting, when it can (almost every site): every row it needs is decoded
 * and kept, and no haplotype has no-call runs of its own there. Undefined when it cannot.
 */
function siteCodesNow(
  l: readonly Lookup[],
  rows: RowWindow,
  runs: NocallRuns,
  codes: Codes,
): boolean | undefined {
  if (!rows.has(lastStep(l) + 1) || runs.pending(rows)) return undefined
  if (l.length === 1) {
    // one step (almost every site): no array of slices made per site
    const slice = rows.slice(l[0]!.step)
    return slice && markStep(l[0]!, slice, codes)
  }
  const slices: MatrixSlice[] = []
  for (const { step } of l) {
    const slice = rows.slice(step)
    if (!slice) return undefined
    slices.push(slice)
  }
  return markCodes(l, slices, codes)
}

/**
 * Each column's code from its tile variants' marks; `slices[i]` holds the row of `l[i]`. True
 * when some column carries the ALT.
 */
function markCodes(l: readonly Lookup[], slices: readonly MatrixSlice[], codes: Codes): boolean {
  if (l.length === 1) return markStep(l[0]!, slices[0]!, codes)
  const { out, at, width } = codes
  out.fill(0, at, at + width)
  // claims of several steps, each row's common tile unmarked (almost always): only the runs of
  // marked tiles are met
  if (l.every((x, i) => commonMark(x, slices[i]!) === 0)) {
    for (const [i, { step, marks }] of l.entries()) {
      const sparse = slices[i]!.sparse!
      const row = step - slices[i]!.start
      for (let k = sparse.runs[row]!; k < sparse.runs[row + 1]!; k++) {
        const v = sparse.value[k]!
        const mark = v >= 0 && v < marks.length ? marks[v]! : 0
        if (mark === 0) continue
        for (let j = k > 0 ? sparse.end[k - 1]! : 0; j < sparse.end[k]!; j++) {
          const x = at + sparse.columns[j]!
          if (mark === GT_NOCALL || out[x] === 0) out[x] = mark
        }
      }
    }
    return hasAlt(codes)
  }
  for (const [i, { step, marks }] of l.entries()) {
    const slice = slices[i]!
    const base = (step - slice.start) * width
    const values = slice.values
    const n = marks.length
    for (let x = 0; x < width; x++) {
      const v = values[base + x]!
      const mark = v >= 0 && v < n ? marks[v]! : 0
      if (mark === GT_NOCALL || (mark === GT_ALT && out[at + x] === 0)) out[at + x] = mark
    }
  }
  return hasAlt(codes)
}

/** `markCodes` of a site of one step (almost every site): each code is its tile variant's mark. */
function markStep({ step, marks }: Lookup, slice: MatrixSlice, codes: Codes): boolean {
  return slice.sparse
    ? markSparse(slice.sparse, step - slice.start, marks, codes)
    : markRow(slice.values, (step - slice.start) * codes.width, marks, codes)
}

/** The mark of a row's common value, or −1 when the slice lists no common values. */
function commonMark({ step, marks }: Lookup, slice: MatrixSlice): number {
  if (!slice.sparse) return -1
  const c = slice.sparse.common[step - slice.start]!
  return c >= 0 && c < marks.length ? marks[c]! : 0
}

/** Each column's code at a one-step site: its tile variant's mark (a plain loop the JIT keeps). */
function markRow(values: Int32Array, base: number, marks: Uint8Array, codes: Codes): boolean {
  const { out, at, width } = codes
  const n = marks.length
  let alt = false
  for (let x = 0; x < width; x++) {
    const v = values[base + x]!
    const mark = v >= 0 && v < n ? marks[v]! : 0
    out[at + x] = mark
    alt ||= mark === GT_ALT
  }
  return alt
}

/**
 * The same from a row's common value and the runs of columns holding another
 * (MatrixSlice.sparse): a run whose value has the common value's mark is not touched, so a site
 * costs its carriers (when the common value is the reference's), not its row's width.
 */
function markSparse(
  sparse: NonNullable<MatrixSlice['sparse']>,
  row: number,
  marks: Uint8Array,
  codes: Codes,
): boolean {
  const { out, at, width } = codes
  const n = marks.length
  const { common, runs, value, end, columns } = sparse
  const c = common[row]!
  const mark = c >= 0 && c < n ? marks[c]! : 0
  out.fill(mark, at, at + width)
  const first = runs[row]!
  const last = runs[row + 1]!
  const from = first > 0 ? end[first - 1]! : 0
  // every column has the common value (no run) or some has not
  let alt = mark === GT_ALT && (last === first || end[last - 1]! - from < width)
  for (let k = first; k < last; k++) {
    const v = value[k]!
    const m = v >= 0 && v < n ? marks[v]! : 0
    if (m === mark) continue
    alt ||= m === GT_ALT
    for (let i = k > 0 ? end[k - 1]! : 0; i < end[k]!; i++) out[at + columns[i]!] = m
  }
  return alt
}

/**
 * Per claimed step, each tile variant's class: the variants with the same mark at every site
 * that claims the step share one (0: unmarked at all of them). What a site's codes need of a row.
 */
function markClasses(claims: readonly (readonly Lookup[])[]): Map<number, Int32Array> {
  const tables = new Map<number, Uint8Array[]>()
  for (const l of claims)
    for (const { step, marks } of l) {
      const t = tables.get(step)
      if (t) t.push(marks)
      else tables.set(step, [marks])
    }
  const out = new Map<number, Int32Array>()
  for (const [step, marks] of tables) {
    const n = Math.max(...marks.map((m) => m.length))
    const ids = new Map([[marks.map(() => 0).join(), 0]])
    const classOf = new Int32Array(n)
    for (let v = 0; v < n; v++) {
      const key = marks.map((m) => m[v] ?? 0).join()
      let id = ids.get(key)
      if (id === undefined) ids.set(key, (id = ids.size))
      classOf[v] = id
    }
    out.set(step, classOf)
  }
  return out
}

const lastStep = (l: readonly Lookup[]) => l.reduce((a, x) => Math.max(a, x.step), -1)

/** Decoded rows of one path, the last few slices kept (a site's claims may lie a little back). */
class RowWindow {
  private slices: MatrixSlice[] = []
  private readonly it: AsyncGenerator<MatrixSlice>
  /** rows before this are decoded (and the slices holding them may be gone) */
  end: number
  done = false

  /** Rows [start, end) of `haplotypes` (or, with `tally`, their counts: SliceOptions.tally). */
  constructor(
    private readonly store: Store,
    private readonly path: ManifestPath,
    start: number,
    end: number,
    private readonly what: Pick<SliceOptions, 'haplotypes' | 'tally' | 'classes'>,
    private readonly opts: AbortOptions,
  ) {
    this.end = start
    this.it = (async function* () {
      const matrix = await store.matrix(path.path, opts)
      const width = what.tally ? what.tally.count * what.tally.symbols : what.haplotypes!.length
      const sliceRows = Math.min(SLICE_ROWS, Math.max(16, Math.floor(SLICE_VALUES / width)))
      yield* matrix.slices({ ...opts, ...what, start, end, sliceRows })
    })()
  }

  /** The slice holding `row`: decoded on to it, or (a row behind the kept slices) alone. */
  async row(row: number): Promise<MatrixSlice> {
    await this.reach(row)
    const kept = this.slice(row)
    if (kept) return kept
    const matrix = await this.store.matrix(this.path.path, this.opts)
    return matrix.decode({ ...this.opts, ...this.what, start: row, end: row + 1 })
  }

  /** Decode on until `row` is decoded (false when the range ends first). */
  async reach(row: number): Promise<boolean> {
    while (row >= this.end && !this.done) {
      const r = await this.it.next()
      if (r.done) {
        this.done = true
        break
      }
      this.slices.push(r.value)
      if (this.slices.length > 3) this.slices.shift()
      this.end = r.value.start + r.value.rows
    }
    return row < this.end
  }

  /** Is `row` decoded, or past the range (nothing to wait for)? */
  has(row: number): boolean {
    return row < this.end || this.done
  }

  /** The slice holding `row`, if still kept. */
  slice(row: number): MatrixSlice | undefined {
    for (const s of this.slices) if (row >= s.start && row < s.start + s.rows) return s
    return undefined
  }

  /** The slices kept. */
  kept(): readonly MatrixSlice[] {
    return this.slices
  }
}

interface PathSites {
  sites: AlleleSite[]
  /** each site's claims as lookups */
  claims: Lookup[][]
  /** the steps [first, last] the claims name */
  first: number
  last: number
}

/** The lookups of the whole-path site lists the store keeps: made once per list, as they are. */
const wholePaths = new WeakMap<AlleleSite[], PathSites>()

/** The index's sites of path `p` that overlap `region` (all without one), with their lookups. */
async function pathSites(
  store: Store,
  index: AlleleIndex,
  p: ManifestPath,
  region: Region | undefined,
  opts: AbortOptions,
): Promise<PathSites> {
  const lo = region ? Math.max(p.start - MARGIN, region.start) : -Infinity
  const hi = region ? Math.min(p.end + MARGIN, region.end) : Infinity
  // the whole path: its sites as the store keeps them (parsed once while it is open)
  const whole = lo <= p.start - MARGIN && hi >= p.end + MARGIN
  const sites = whole
    ? await store.alleleSites(p.path, opts)
    : await index.sites(p.chrom, Math.max(0, lo), Math.min(hi, 2 ** 31), opts)
  const known = wholePaths.get(sites)
  if (known) return known
  let first = Infinity
  let last = -1
  const claims = sites.map((s) => {
    const l = lookups(s)
    for (const x of l) [first, last] = [Math.min(first, x.step), Math.max(last, x.step)]
    return l
  })
  const out = { sites, claims, first, last }
  if (whole) wholePaths.set(sites, out)
  return out
}

/** Which records `indexedRecordBatches` yields (as StoreRecordOptions of the export). */
export interface IndexedRecordOptions extends AbortOptions {
  region?: Region | undefined
  /** also the sites no chosen haplotype carries */
  cohortSites?: boolean | undefined
}

/** A batch of `indexedRecordBatches`: the index's sites, the chosen haplotypes' codes. */
export interface IndexedBatch extends RecordBatch {
  sites: AlleleSite[]
  /** per site, per output haplotype: 0 REF, 1 ALT, 2 no-call (GT_NOCALL) */
  gt: Uint8Array
}

/**
 * The export's records for the chosen haplotypes, as columns, in batches (a few hundred at a
 * time: one await per batch, no object per record): output haplotype h is matrix column
 * `haplotypes[columns[h]]`; `phased` per output sample.
 */
export async function* indexedRecordBatches(
  store: Store,
  m: StoreManifest,
  paths: readonly ManifestPath[],
  indexes: ReadonlyMap<number, AlleleIndex>,
  haplotypes: number[],
  columns: Int32Array,
  phased: Uint8Array,
  opts: IndexedRecordOptions = {},
): AsyncGenerator<IndexedBatch> {
  const sig = opts.signal ? { signal: opts.signal } : {}
  const region = opts.region
  const width = haplotypes.length
  // each decoded column once, in output order (no sample asked twice): codes are written in place
  // in the batch, else in a scratch row and copied out in output order
  const identity = isIndices(columns, width)
  const out = columns.length
  const batchSites = Math.max(16, Math.min(BATCH, Math.floor(BATCH_BYTES / Math.max(1, out))))
  for (const p of paths) {
    const { sites, claims, first, last } = await pathSites(
      store,
      indexes.get(p.path)!,
      p,
      region,
      sig,
    )
    if (!sites.length) continue
    // a few rows (a site or a handful): only the marks of their tile variants matter, so the
    // matrix may follow just the haplotypes whose marks differ from most (MinorityTracer)
    const classes = last - first < TRACE_ROWS ? markClasses(claims) : undefined
    const rows = new RowWindow(store, p, first, last + 1, { haplotypes, classes }, sig)
    const runs = new NocallRuns(store, m, p, region, sig)
    let batch: AlleleSite[] = []
    let gt = new Uint8Array(batchSites * out)
    const codes: Codes = identity
      ? { out: gt, at: 0, width }
      : { out: new Uint8Array(width), at: 0, width }
    for (let i = 0; i < sites.length; i++) {
      if ((i & 255) === 0) checkAbort(opts.signal)
      const site = sites[i]!
      const l = claims[i]!
      const base = batch.length * out
      if (identity) codes.at = base
      const alt =
        siteCodesNow(l, rows, runs, codes) ?? (await siteCodes(site, l, rows, runs, codes))
      // every decoded column is some output column's: the record is carried iff a column is ALT
      if (!opts.cohortSites && !alt) continue
      if (!identity) for (let h = 0; h < out; h++) gt[base + h] = codes.out[columns[h]!]!
      batch.push(site)
      if (batch.length === batchSites) {
        yield { sites: batch, gt, width: out, phased }
        batch = []
        gt = new Uint8Array(batchSites * out)
        if (identity) codes.out = gt
      }
    }
    if (batch.length)
      yield { sites: batch, gt: gt.subarray(0, batch.length * out), width: out, phased }
  }
}

/**
 * The no-call runs haplotypes have inside a tile of their own (gVCF input: the matrix keeps them
 * per cell, not per tile variant): those tiles are aligned here, the only ones a query aligns.
 */
class NocallRuns {
  private caller:
    | Promise<{ caller: TileVariantCaller; source: (s: number, v: number) => TileVariantSource }>
    | undefined
  /** [column, start, end] reference intervals of the cells met so far */
  private intervals: [number, number, number][] = []
  private readonly seen = new WeakSet<MatrixSlice>()

  constructor(
    private readonly store: Store,
    private readonly m: StoreManifest,
    private readonly p: ManifestPath,
    private readonly region: Region | undefined,
    private readonly opts: AbortOptions,
  ) {}

  private load() {
    this.caller ??= (async () => {
      const { readPathTiles, pathReference, tileSource } = await import('../export/vcf.js')
      const t = await readPathTiles(this.store, this.m, this.p, this.opts, this.region)
      const piece = pathReference(t, this.m.tagLength)
      const seq = piece.seq.toUpperCase()
      const caller = new TileVariantCaller((a, b) =>
        seq.slice(Math.max(0, a - piece.start), Math.max(0, b - piece.start)),
      )
      return { caller, source: (s: number, v: number) => tileSource({ t, p: this.p }, s, v) }
    })()
    return this.caller
  }

  /**
   * Are there no-call runs that `apply` may have to align or apply (in the kept slices not yet
   * seen, or met before and not yet passed)? Slices without any are marked seen here.
   */
  pending(rows: RowWindow): boolean {
    if (this.intervals.length) return true
    for (const slice of rows.kept())
      if (!this.seen.has(slice)) {
        if (slice.nocalls.length) return true
        this.seen.add(slice)
      }
    return false
  }

  /** Make no-call the haplotypes (`codes` by column) whose own runs overlap the site's REF. */
  async apply(site: AlleleSite, rows: RowWindow, codes: Codes): Promise<void> {
    for (const x of await this.columns(site, rows)) codes.out[codes.at + x] = GT_NOCALL
  }

  /** The columns whose own no-call runs overlap the site's REF (each once). */
  async columns(site: AlleleSite, rows: RowWindow): Promise<number[]> {
    for (const slice of rows.kept()) {
      if (this.seen.has(slice)) continue
      this.seen.add(slice)
      for (const c of slice.nocalls) {
        const v = slice.values[(c.row - slice.start) * slice.haplotypes.length + c.column]!
        if (v < 0) continue
        const { caller, source } = await this.load()
        const called = caller.call(`${c.row}.${v}`, () => source(c.row, v))
        const nc = caller.nocallsToRef(called, c.runs)
        // past the tile's own no-calls (the index has those): the cell's runs
        for (let k = called.nocalls.length; k + 1 < nc.length; k += 2)
          this.intervals.push([c.column, nc[k]!, nc[k + 1]!])
      }
    }
    if (!this.intervals.length) return []
    const end = site.pos + site.ref.length
    const out = new Set<number>()
    for (const [column, a, b] of this.intervals) if (site.pos < b && end > a) out.add(column)
    // intervals wholly before this site (and every later one, which starts no earlier) are done
    if (this.intervals.length > 1024)
      this.intervals = this.intervals.filter(([, , b]) => b > site.pos)
    return [...out]
  }
}

/** Allele counts of one class of haplotypes at one site. */
export interface ClassCounts {
  /** haplotypes of each class carrying the ALT (called) */
  ac: Int32Array
  /** called haplotypes of each class */
  an: Int32Array
}

/**
 * Per site, the ALT and called haplotypes of each class (`classOf` per matrix column, classes
 * 0 … nClasses − 1; −1 leaves a column out), without forming genotypes: the matrix tallies each
 * row's haplotypes by class and tile variant (SliceOptions.tally), and a site's counts are sums
 * over the tile variants it lists. Sites whose claims a haplotype meets twice (not `additive`)
 * and rows where haplotypes have no-call runs of their own are decoded and taken one by one.
 * Every site of the cohort in the region is yielded (as `cohortSites`).
 */
export async function* indexedCounts(
  store: Store,
  m: StoreManifest,
  paths: readonly ManifestPath[],
  indexes: ReadonlyMap<number, AlleleIndex>,
  classOf: Int32Array,
  nClasses: number,
  opts: IndexedRecordOptions = {},
): AsyncGenerator<{ site: AlleleSite; counts: ClassCounts }> {
  const sig = opts.signal ? { signal: opts.signal } : {}
  const region = opts.region
  const size = new Int32Array(nClasses)
  // the columns of some class, for the sites taken one by one
  const haplotypes: number[] = []
  for (let x = 0; x < classOf.length; x++)
    if (classOf[x]! >= 0) {
      size[classOf[x]!]! += 1
      haplotypes.push(x)
    }
  const classOfColumn = Int32Array.from(haplotypes, (x) => classOf[x]!)
  const codes: Codes = { out: new Uint8Array(haplotypes.length), at: 0, width: haplotypes.length }
  for (const p of paths) {
    const { sites, claims, first, last } = await pathSites(
      store,
      indexes.get(p.path)!,
      p,
      region,
      sig,
    )
    if (!sites.length) continue
    const counts = await store.counts(p.path, sig)
    let symbols = 1
    for (let s = 0; s < counts.nSteps; s++)
      symbols = Math.max(symbols, counts.stepStart[s + 1]! - counts.stepStart[s]! + 1)
    const tally = { classOf, count: nClasses, symbols }
    const tallies = new RowWindow(store, p, first, last + 1, { tally }, sig)
    // decoded rows, only once a site needs them
    let rows: RowWindow | undefined
    const runs = new NocallRuns(store, m, p, region, sig)
    const width = nClasses * symbols
    for (let i = 0; i < sites.length; i++) {
      if ((i & 255) === 0) checkAbort(opts.signal)
      const site = sites[i]!
      const l = claims[i]!
      const ac = new Int32Array(nClasses)
      const an = Int32Array.from(size)
      // a tile after the claimed ones overlaps the site by its tag: its no-call runs count too
      if (!tallies.has(lastStep(l) + 1)) await tallies.reach(lastStep(l) + 1)
      const oneByOne = !site.additive || tallies.kept().some((x) => x.nocalls.length > 0)
      if (!oneByOne) {
        for (const { step, marks } of l) {
          const slice = tallies.slice(step) ?? (await tallies.row(step))
          const base = (step - slice.start) * width
          for (let v = 0; v < marks.length; v++) {
            const mark = marks[v]!
            if (!mark) continue
            for (let c = 0; c < nClasses; c++) {
              const n = slice.values[base + c * symbols + v + 1]!
              if (mark === GT_ALT) ac[c]! += n
              else an[c]! -= n
            }
          }
        }
      } else {
        rows ??= new RowWindow(store, p, first, last + 1, { haplotypes }, sig)
        await siteCodes(site, l, rows, runs, codes)
        for (let x = 0; x < haplotypes.length; x++) {
          const c = classOfColumn[x]!
          if (codes.out[x] === GT_NOCALL) an[c]!--
          else if (codes.out[x] === GT_ALT) ac[c]!++
        }
      }
      yield { site, counts: { ac, an } }
    }
  }
}
