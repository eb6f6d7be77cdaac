// Store: the one reader of a store's files (DESIGN "A store on disk"), under the TileResolver, VCF
// export, stats and verify. It knows the layout (layout.ts), reads the manifest once, and keeps
// bounded caches of what the readers above it load, in the manner of noodles' `Repository` over
// an `Adapter` and GMOD's lazily memoised headers:
//   - decoded data, bounded by bytes (default 128 MiB): each step's tile sequences (a library tar
//     member), each path's counts header, reference-variant table and whole counts file;
//   - readers, bounded by count (their memory is not known up front): library tar readers (each a
//     `.tai` plus up to 2 MiB of inflated BGZF blocks; default 16), genome (CGF) readers (each a
//     path index plus the PathStructs read; default 64) and assembly readers (default 4).
// So a store of 20,000 samples never holds 20,000 readers. Every shared load runs without any
// caller's signal; each caller's signal aborts that caller only (core/shared.ts).
// Browser-safe: files come from a URL (RemoteFile), an opener function or a map of files;
// `openStore` (store/node.ts) opens a directory in Node.
import type { GenericFilehandle } from 'generic-filehandle2'
import { AlleleIndex } from '../alleles/reader.js'
import type { AlleleSite } from '../alleles/site.js'
import { TarReader } from '../container/tar/reader.js'
import { ArgumentError, FormatError, NotFoundError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import {
  isUrl,
  joinLocation,
  openRemote,
  readAt,
  readText,
  unreadable,
} from '../core/filehandle.js'
import type { NamedFile } from '../core/filehandle.js'
import { Lru } from '../core/lru.js'
import { Lazy, memo } from '../core/shared.js'
import { formatPath, formatStepId, formatTileId } from '../core/tileId.js'
import { AssemblyReader } from '../formats/assembly/reader.js'
import type { Band } from '../formats/band/band.js'
import { CgfReader } from '../formats/cgf/reader.js'
import type { StepAlleles } from '../formats/cgf/pathStruct.js'
import { TagsetReader } from '../formats/tagset/reader.js'
import { parseTwoBit } from '../formats/twobit/reader.js'
import {
  countsHeaderSize,
  countsRanges,
  parseCounts,
  parseCountsHeader,
  readU32s,
} from '../library/counts.js'
import type { CountsHeader, LoadedCounts } from '../library/counts.js'
import type { StoreLdOptions, StoreLdResult } from '../ld/store.js'
import { mapLimit } from '../core/mapLimit.js'
import { sliceToBands } from '../matrix/band.js'
import { MatrixReader } from '../matrix/reader.js'
import type { CohortMatrix, OrderCache, RunCache } from '../matrix/reader.js'
import { SegmentedMatrix } from '../matrix/segments.js'
import { storeFiles } from './layout.js'
import { parseManifest } from './manifest.js'
import type { ManifestPath, ManifestSample, StoreManifest } from './manifest.js'

/** Opens a file of the store by its path relative to the store root (e.g. `library/035e.tar.gz`). */
export type StoreOpener = (relPath: string) => GenericFilehandle

/**
 * Where a store is: a base URL (`http(s)://`), a directory path (then `open` is needed, or
 * `openStore` in Node), an opener function, or the files themselves keyed by their relative paths.
 */
export type StoreSource =
  string | StoreOpener | Map<string, GenericFilehandle> | Record<string, GenericFilehandle>

/** How a Store opens its files and how much it keeps. */
export interface StoreOptions {
  /** Opens a location under a string source that is not a URL (Node: a LocalFile). */
  open?: ((location: string) => GenericFilehandle) | undefined
  /** Bytes of decoded data kept (tile sequences, counts tables); default 128 MiB. */
  cacheBytes?: number | undefined
  /** Library (tar) readers kept, one per path; default 16. */
  libraryReaders?: number | undefined
  /** Genome (CGF) readers kept, one per sample; default 64. */
  genomeReaders?: number | undefined
  /** Cohort matrix readers kept, one per path (each up to 64 inflated chunks); default 16. */
  matrixReaders?: number | undefined
  /**
   * Bytes of PBWT orders kept from walks through the cohort matrices (4 bytes a haplotype every
   * 256 rows walked), so that a query near an earlier one starts there rather than at the file's
   * checkpoint; default 64 MiB, 0 for none.
   */
  orderCacheBytes?: number | undefined
  /**
   * Bytes of cohort-matrix chunks kept with their runs decoded into arrays (8 bytes a run: 15 MB
   * for 3 Mb at 20,000 samples), made on a subset walk's second pass through a chunk: a query of a
   * few samples over a region walked before reads them at under half the cost of the bytes;
   * default 64 MiB, 0 for none.
   */
  runCacheBytes?: number | undefined
}

/** Which rows of a path: steps [start, end) (default: the whole path). */
export interface StepRange {
  start?: number | undefined
  end?: number | undefined
}

/** One step's variants from the counts file: spans, and cohort counts when asked for. */
export interface StepCounts {
  spans: Uint32Array
  counts: Uint32Array | undefined
}

const DEFAULT_CACHE_BYTES = 128 << 20
const DEFAULT_LIBRARY_READERS = 16
const DEFAULT_GENOME_READERS = 64
const DEFAULT_MATRIX_READERS = 16
const DEFAULT_ORDER_CACHE_BYTES = 64 << 20
const DEFAULT_RUN_CACHE_BYTES = 64 << 20
/** CGFs read at once when a store has no matrix (each read is one or two ranged reads). */
const CGF_READS = 16
const ASSEMBLY_READERS = 4
/** Bytes a JS string costs beyond its characters (a rough V8 header), for cache weights. */
const STRING_OVERHEAD = 24

/** The files of one store, read through bounded caches. */
export class Store {
  /** The store's directory or URL, or 'store' when opened from an opener or a map of files. */
  readonly location: string
  private readonly opener: StoreOpener
  private readonly base: string | undefined
  private readonly manifestLoad: Lazy<StoreManifest>
  private readonly data: Lru<string, Promise<unknown>>
  private readonly libraries: Lru<number, TarReader>
  private readonly genomes: Lru<string, CgfReader>
  private readonly matrices: Lru<number, CohortMatrix>
  private readonly orders: OrderCache | undefined
  private readonly runs: RunCache | undefined
  private readonly assemblies = new Lru<string, AssemblyReader>(ASSEMBLY_READERS)
  /** each holds its CSI index only */
  private readonly alleleIndexes = new Map<number, AlleleIndex>()
  private tagsetReader: TagsetReader | undefined

  private constructor(base: string | undefined, opener: StoreOpener, opts: StoreOptions) {
    this.base = base
    this.location = base ?? 'store'
    this.opener = opener
    this.data = new Lru(opts.cacheBytes ?? DEFAULT_CACHE_BYTES)
    this.libraries = new Lru(opts.libraryReaders ?? DEFAULT_LIBRARY_READERS)
    this.genomes = new Lru(opts.genomeReaders ?? DEFAULT_GENOME_READERS)
    this.matrices = new Lru(opts.matrixReaders ?? DEFAULT_MATRIX_READERS)
    const cacheOf = <V>(name: string, bytes: number): Lru<string, V> | undefined => {
      if (!(Number.isInteger(bytes) && bytes >= 0))
        throw new ArgumentError(`${name} ${bytes} is not a whole number of bytes`)
      return bytes > 0 ? new Lru(bytes) : undefined
    }
    this.orders = cacheOf('orderCacheBytes', opts.orderCacheBytes ?? DEFAULT_ORDER_CACHE_BYTES)
    this.runs = cacheOf('runCacheBytes', opts.runCacheBytes ?? DEFAULT_RUN_CACHE_BYTES)
    this.manifestLoad = new Lazy(async () => {
      const f = this.file(storeFiles.manifest)
      const text = await readText(f.handle).catch((err: unknown) => unreadable(f.name, err))
      return parseManifest(text, f.name)
    })
  }

  /**
   * The store at `source`. A string is a URL (read with range requests) or, with `opts.open`, a
   * directory; nothing is read until the first question.
   */
  static open(source: StoreSource, opts: StoreOptions = {}): Store {
    if (typeof source === 'string') {
      const base = source
      const open = opts.open ?? (isUrl(base) ? openRemote : undefined)
      if (!open)
        throw new ArgumentError(
          `${base} is not an http(s) URL: pass opts.open to read a directory (openStore in Node)`,
        )
      return new Store(base, (rel) => open(joinLocation(base, rel)), opts)
    }
    if (typeof source === 'function') return new Store(undefined, source, opts)
    const files = source instanceof Map ? source : new Map(Object.entries(source))
    return new Store(
      undefined,
      (rel) => {
        const fh = files.get(rel)
        if (!fh) throw new NotFoundError(`the store has no file ${rel}`)
        return fh
      },
      opts,
    )
  }

  /**
   * A file of the store by its relative path (see `storeFiles`), named for messages by its full
   * location (or by `rel` when the store has no location).
   */
  file(rel: string): NamedFile {
    const name = this.base === undefined ? rel : joinLocation(this.base, rel)
    return { name, handle: this.opener(rel) }
  }

  /** A file name from `file(rel).name` (or an error's `file`) back as its path in the store. */
  relative(name: string): string {
    if (this.base === undefined) return name
    const prefix = joinLocation(this.base, '')
    return name.startsWith(prefix) ? name.slice(prefix.length) : name
  }

  /** The store's manifest.json, read once. */
  manifest(opts: AbortOptions = {}): Promise<StoreManifest> {
    return this.manifestLoad.get(opts)
  }

  /** A path of the manifest; NotFoundError when the store has no such path. */
  async path(path: number, opts: AbortOptions = {}): Promise<ManifestPath> {
    const p = (await this.manifest(opts)).paths.find((x) => x.path === path)
    if (!p) throw new NotFoundError(`${this.location}: the store has no path ${formatPath(path)}`)
    return p
  }

  /** A sample of the manifest; NotFoundError when the store has no such sample. */
  async sample(name: string, opts: AbortOptions = {}): Promise<ManifestSample> {
    const s = (await this.manifest(opts)).samples.find((x) => x.name === name)
    if (!s) throw new NotFoundError(`${this.location}: no sample '${name}'`)
    return s
  }

  /** The 2bit-tar tile library of a path (`library/PPPP.tar.gz` + `.gzi` + `.tai`). */
  library(path: number): TarReader {
    let tar = this.libraries.get(path)
    if (!tar) {
      tar = new TarReader({
        tar: this.file(storeFiles.libraryTar(path)),
        gzi: this.file(storeFiles.libraryGzi(path)),
        tai: this.file(storeFiles.libraryTai(path)),
      })
      this.libraries.set(path, tar)
    }
    return tar
  }

  /** A value in the byte-bounded cache of decoded data, loaded by `make` when absent. */
  private cached<T>(
    key: string,
    make: () => Promise<T>,
    weigh: (value: T) => number,
    opts: AbortOptions,
  ): Promise<T> {
    return memo(this.data as Lru<string, Promise<T>>, key, make, { signal: opts.signal, weigh })
  }

  /**
   * Every variant of one step, in variant order, as lower-case bases with tags: one ranged read of
   * its library member, cached.
   */
  tiles(path: number, step: number, opts: AbortOptions = {}): Promise<string[]> {
    const name = formatStepId(path, step)
    const load = async () => {
      const tar = this.library(path)
      const bytes = await tar.read(`${name}.2bit`)
      const where = `${tar.files.tar.name}:${name}.2bit`
      return parseTwoBit(bytes, where, { lowercase: true }).map((r, variant) => {
        const want = formatTileId({ path, version: 0, step, variant })
        if (r.name !== want)
          throw new FormatError(`sequence ${variant} is named ${r.name}, expected ${want}`, {
            file: where,
          })
        return r.sequence
      })
    }
    const weigh = (seqs: string[]) =>
      seqs.reduce((a, s) => a + s.length + STRING_OVERHEAD, STRING_OVERHEAD)
    return this.cached(`tiles ${name}`, load, weigh, opts)
  }

  /** The header of a path's counts file (its step table), checked against the manifest. */
  countsHeader(path: number, opts: AbortOptions = {}): Promise<CountsHeader> {
    const load = async () => {
      const { steps } = await this.path(path)
      const f = this.file(storeFiles.libraryCounts(path))
      const bytes = await readAt(f.handle, countsHeaderSize(steps), 0).catch((err: unknown) =>
        unreadable(f.name, err),
      )
      const head = parseCountsHeader(bytes, f.name)
      if (head.nSteps !== steps)
        throw new FormatError(`${head.nSteps} steps, the manifest says ${steps}`, {
          file: f.name,
          offset: 8,
        })
      return head
    }
    return this.cached(`counts header ${path}`, load, (h) => h.stepStart.byteLength, opts)
  }

  /**
   * Spans (and cohort counts, with `opts.counts`) of every variant at a step: one or two ranged
   * reads of the counts file after its header.
   */
  async stepCounts(
    path: number,
    step: number,
    opts: AbortOptions & { counts?: boolean | undefined } = {},
  ): Promise<StepCounts> {
    const info = await this.path(path, opts)
    if (!(Number.isInteger(step) && step >= 0 && step < info.steps))
      throw new NotFoundError(
        `${this.location}: path ${formatPath(path)} has no step ${formatPath(step)} (${info.steps} steps)`,
      )
    const head = await this.countsHeader(path, opts)
    const first = head.stepStart[step]!
    const n = head.stepStart[step + 1]! - first
    const r = countsRanges(head.nSteps, head.nVariants, first, n)
    const f = this.file(storeFiles.libraryCounts(path))
    const read = async ([at, len]: [number, number]) => {
      const bytes = await readAt(f.handle, len, at, opts)
      if (bytes.length !== len)
        throw new FormatError(`short read of ${len} bytes`, { file: f.name, offset: at })
      return readU32s(bytes)
    }
    const [spans, counts] = await Promise.all([
      read(r.spans),
      opts.counts ? read(r.counts) : Promise.resolve(undefined),
    ])
    return { spans, counts }
  }

  /**
   * The reference tile's variant at each step of a path (NO_REF_VARIANT inside a spanning one),
   * or undefined for a counts file written before the table existed.
   */
  referenceVariants(path: number, opts: AbortOptions = {}): Promise<Uint32Array | undefined> {
    const load = async () => {
      const head = await this.countsHeader(path)
      const [at, len] = countsRanges(head.nSteps, head.nVariants, 0, 0).refVariants
      const bytes = await this.file(storeFiles.libraryCounts(path)).handle.read(len, at)
      return bytes.length === len ? readU32s(bytes) : undefined
    }
    return this.cached(`reference variants ${path}`, load, (r) => r?.byteLength ?? 0, opts)
  }

  /** A path's whole counts file (every variant's count and span, the reference tiles), cached. */
  counts(path: number, opts: AbortOptions = {}): Promise<LoadedCounts> {
    const load = async () => {
      const f = this.file(storeFiles.libraryCounts(path))
      const bytes = await f.handle.readFile().catch((err: unknown) => unreadable(f.name, err))
      return parseCounts(bytes, f.name)
    }
    const weigh = (c: LoadedCounts) =>
      c.stepStart.byteLength + c.count.byteLength + c.span.byteLength + c.refVariant.byteLength
    return this.cached(`counts ${path}`, load, weigh, opts)
  }

  /** The assembly of `build` (default: the store's), with the store's tag length. */
  async assembly(build?: string, opts: AbortOptions = {}): Promise<AssemblyReader> {
    const m = await this.manifest(opts)
    const name = build ?? m.build
    let a = this.assemblies.get(name)
    if (!a) {
      if (!/^[\w.-]+$/.test(name)) throw new ArgumentError(`bad assembly name '${name}'`)
      a = new AssemblyReader({
        gz: this.file(storeFiles.assembly(name)),
        gzi: this.file(storeFiles.assemblyGzi(name)),
        fwi: this.file(storeFiles.assemblyFwi(name)),
        tagLength: m.tagLength,
      })
      this.assemblies.set(name, a)
    }
    return a
  }

  /** The CGF of a sample of the manifest; NotFoundError when the store wrote none. */
  cgf(sample: ManifestSample): CgfReader {
    if (sample.cgf === undefined)
      throw new NotFoundError(
        `${this.location}: sample '${sample.name}' has no CGF (export one with cgf export)`,
      )
    let cgf = this.genomes.get(sample.name)
    if (!cgf) {
      cgf = new CgfReader(this.file(sample.cgf))
      this.genomes.set(sample.name, cgf)
    }
    return cgf
  }

  /** Whether the store keeps its genotypes as cohort matrices (else as one CGF per sample). */
  async hasMatrix(opts: AbortOptions = {}): Promise<boolean> {
    return (await this.manifest(opts)).genotypes !== undefined
  }

  /** The allele index of a path (src/alleles; a store may lack it: see alleles/records.ts). */
  alleleIndex(path: number): AlleleIndex {
    let index = this.alleleIndexes.get(path)
    if (!index) {
      index = new AlleleIndex({
        table: this.file(storeFiles.alleles(path)),
        csi: this.file(storeFiles.allelesIndex(path)),
      })
      this.alleleIndexes.set(path, index)
    }
    return index
  }

  /**
   * Every site of a path's allele index, parsed once and kept in the cache of decoded data: what
   * a read of the whole path (a VCF export of a few samples) would otherwise parse each time.
   */
  async alleleSites(path: number, opts: AbortOptions = {}): Promise<AlleleSite[]> {
    const p = await this.path(path, opts)
    const load = () => this.alleleIndex(path).sites(p.chrom, 0, 2 ** 31)
    // a site: its object, its claims' arrays and its strings, about this much
    return this.cached(`allele sites ${path}`, load, (sites) => 256 * sites.length, opts)
  }

  /**
   * The cohort matrix of a path: its segments side by side, columns 2i and 2i + 1 the haplotypes
   * of the manifest's sample i. NotFoundError for a store of CGFs only.
   */
  async matrix(path: number, opts: AbortOptions = {}): Promise<CohortMatrix> {
    const m = await this.manifest(opts)
    await this.path(path, opts)
    if (!m.genotypes)
      throw new NotFoundError(`${this.location}: the store has no cohort matrix (only CGFs)`)
    let matrix = this.matrices.get(path)
    if (!matrix) {
      const readers = m.genotypes.segments.map(
        (_, k) =>
          new MatrixReader(this.file(storeFiles.genotypes(path, k)), {
            orders: this.orders,
            runs: this.runs,
          }),
      )
      matrix = readers.length === 1 ? readers[0]! : new SegmentedMatrix(readers)
      this.matrices.set(path, matrix)
    }
    return matrix
  }

  /**
   * The bands of `samples` over steps [start, end) of a path (default: all of it): from the
   * matrix, one decode of just those samples' columns; in a store of CGFs, one CGF per sample.
   */
  async bands(
    samples: readonly ManifestSample[],
    path: number,
    opts: AbortOptions & StepRange = {},
  ): Promise<Band[]> {
    const m = await this.manifest(opts)
    const { steps } = await this.path(path, opts)
    const start = opts.start ?? 0
    const end = opts.end ?? steps
    if (!(
      Number.isInteger(start) &&
      Number.isInteger(end) &&
      0 <= start &&
      start <= end &&
      end <= steps
    ))
      throw new ArgumentError(
        `steps [${start}, ${end}) are not inside path ${formatPath(path)} (${steps} steps)`,
      )
    if (m.genotypes) {
      const index = new Map(m.samples.map((s, i) => [s.name, i]))
      // each sample's columns once, even when a sample is asked for twice
      const distinct = [
        ...new Set(
          samples.map((s) => {
            const i = index.get(s.name)
            if (i === undefined) throw new NotFoundError(`${this.location}: no sample '${s.name}'`)
            return i
          }),
        ),
      ]
      const matrix = await this.matrix(path, opts)
      const sig = opts.signal ? { signal: opts.signal } : {}
      const haplotypes = distinct.flatMap((i) => [2 * i, 2 * i + 1])
      const decoded = sliceToBands(await matrix.decode({ ...sig, start, end, haplotypes }))
      const at = new Map(distinct.map((i, k) => [i, decoded[k]!]))
      return samples.map((s) => at.get(index.get(s.name)!)!)
    }
    return mapLimit(
      samples,
      CGF_READS,
      async (s) => {
        if (end - start === 1) return bandOfStep(await this.cgf(s).alleles(path, start, opts))
        const band = await this.cgf(s).band(path, opts)
        if (start === 0 && end === steps) return band
        const cut = <T>(x: [T[], T[]]): [T[], T[]] => [
          x[0].slice(start, end),
          x[1].slice(start, end),
        ]
        return { variants: cut(band.variants), nocalls: cut(band.nocalls) }
      },
      opts.signal,
    )
  }

  /** One sample's band over a whole path (see `bands`). */
  async band(sample: ManifestSample, path: number, opts: AbortOptions = {}): Promise<Band> {
    return (await this.bands([sample], path, opts))[0]!
  }

  /**
   * LD (r², signed D′) of a region in one sample group: every pair of sites (or of tile variants,
   * `tiles: true`) in the window, or one site's pairs (`with`). See src/ld/store.ts.
   */
  async ld(opts: StoreLdOptions): Promise<StoreLdResult> {
    const { storeLd } = await import('../ld/store.js')
    return storeLd(this, opts)
  }

  /** The tagset (`tagset.2bit`), with the store's tag length. */
  async tagset(opts: AbortOptions = {}): Promise<TagsetReader> {
    const { tagLength } = await this.manifest(opts)
    this.tagsetReader ??= new TagsetReader(this.file(storeFiles.tagset), { tagLength })
    return this.tagsetReader
  }
}

/** A one-step band from a CGF's alleles at that step. */
function bandOfStep(a: StepAlleles): Band {
  return {
    variants: [[a.variants[0]], [a.variants[1]]],
    nocalls: [[a.nocalls[0]], [a.nocalls[1]]],
  }
}
