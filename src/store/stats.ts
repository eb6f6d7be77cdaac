// What a store holds and what it costs, from the small files only: manifest.json, the per-path
// counts files, the assembly blocks of the few most variable tiles, and the size of every file
// (stat). Browser-safe: files are opened through a caller's `open(rel)`.
import { FormatError, LightningError, NotFoundError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { readText } from '../core/filehandle.js'
import type { NamedFile } from '../core/filehandle.js'
import { formatPath, formatStepId } from '../core/tileId.js'
import { AssemblyReader } from '../formats/assembly/reader.js'
import { countsRanges, parseCountsHeader, readU32s } from '../library/counts.js'
import type { StoreOpener } from '../resolver/TileResolver.js'
import { parseManifest, storeFiles } from './manifest.js'
import type { ManifestPath, StoreManifest } from './manifest.js'

// the resolver's opener: a file of a store by its path relative to the store
export type { StoreOpener }

/** The parts a store's bytes are counted in. */
export type StorePart =
  'manifest' | 'tagset' | 'assembly' | 'libraryTar' | 'sglf' | 'spanCounts' | 'genomes' | 'fastj'

/** A file of a store, the part it belongs to, and whether a complete store must have it. */
export interface StoreFile {
  rel: string
  part: StorePart
  required: boolean
  /** what names it, for messages: e.g. "the CGF of sample HG00096" */
  role: string
}

const SKIPPED = 'skipped.tsv'

/** Every file a manifest names (SGLF and its `.gzi` are optional, DESIGN "A store on disk"). */
export function storeFileList(m: StoreManifest): StoreFile[] {
  const f = (rel: string, part: StorePart, role: string, required = true): StoreFile => ({
    rel,
    part,
    required,
    role,
  })
  const out: StoreFile[] = [
    f(storeFiles.manifest, 'manifest', 'the manifest'),
    // what the build skipped (overlapping variants, REF mismatches); stores before it lack it
    f(SKIPPED, 'manifest', 'the list of skipped variants', false),
    f(storeFiles.tagset, 'tagset', 'the tagset'),
    f(storeFiles.assembly(m.build), 'assembly', 'the assembly'),
    f(storeFiles.assemblyGzi(m.build), 'assembly', 'the assembly .gzi'),
    f(storeFiles.assemblyFwi(m.build), 'assembly', 'the assembly .fwi'),
  ]
  for (const p of m.paths) {
    const id = formatPath(p.path)
    out.push(
      f(storeFiles.libraryTar(p.path), 'libraryTar', `the 2bit-tar library of path ${id}`),
      f(storeFiles.libraryGzi(p.path), 'libraryTar', `the library .gzi of path ${id}`),
      f(storeFiles.libraryTai(p.path), 'libraryTar', `the library .tai of path ${id}`),
      f(storeFiles.libraryCounts(p.path), 'spanCounts', `the counts file of path ${id}`),
      f(storeFiles.sglf(p.path), 'sglf', `the SGLF of path ${id}`, false),
      f(`${storeFiles.sglf(p.path)}.gzi`, 'sglf', `the SGLF .gzi of path ${id}`, false),
    )
  }
  out.push(f(storeFiles.span, 'spanCounts', 'the span file'))
  for (const s of m.samples) out.push(f(s.cgf, 'genomes', `the CGF of sample ${s.name}`))
  return out
}

/** Per-sample FastJ files (`build --fastj`), all optional. */
export function storeFastjList(m: StoreManifest): StoreFile[] {
  return m.samples.flatMap((s) =>
    m.paths.map((p) => ({
      rel: storeFiles.fastj(s.name, p.path),
      part: 'fastj' as const,
      required: false,
      role: `the FastJ of sample ${s.name}, path ${formatPath(p.path)}`,
    })),
  )
}

/** Run `fn` over `items` with at most `limit` calls in flight (stat over HTTP is latency-bound). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** The size of each file, or the error that stat raised. */
export async function statStoreFiles(
  open: StoreOpener,
  files: readonly StoreFile[],
  opts: AbortOptions & { onFile?: (done: number) => void } = {},
): Promise<({ size: number } | { error: Error })[]> {
  let done = 0
  return mapLimit(files, 16, async (file) => {
    checkAbort(opts.signal)
    try {
      const st = await open(file.rel).stat()
      return { size: st.size }
    } catch (err) {
      return { error: err as Error }
    } finally {
      opts.onFile?.(++done)
    }
  })
}

/** Rethrow a file system or HTTP error as a NotFoundError naming the file. */
function unreadable(file: string, err: unknown): never {
  if (err instanceof LightningError || (err as Error).name === 'AbortError') throw err
  throw new NotFoundError(`${file}: cannot be read (${(err as Error).message})`)
}

/** Read manifest.json of a store. */
export async function readStoreManifest(
  open: StoreOpener,
  opts: AbortOptions = {},
): Promise<StoreManifest> {
  const text = await readText(
    open(storeFiles.manifest),
    opts.signal ? { signal: opts.signal } : {},
  ).catch((err: unknown) => unreadable(storeFiles.manifest, err))
  return parseManifest(text)
}

/** A path's counts file, whole: variants per step, haplotypes per variant, spans, reference tiles. */
export interface LoadedCounts {
  nSteps: number
  nVariants: number
  stepStart: Uint32Array
  count: Uint32Array
  span: Uint32Array
  /** the reference tile's variant at each step (NO_REF_VARIANT inside a spanning one) */
  refVariant: Uint32Array
}

/** Read and parse `library/PPPP.counts.bin`, checking its size against its header. */
export async function readPathCounts(
  open: StoreOpener,
  path: number,
  opts: AbortOptions = {},
): Promise<LoadedCounts> {
  const file = storeFiles.libraryCounts(path)
  const bytes = await open(file)
    .readFile(opts.signal ? { signal: opts.signal } : {})
    .catch((err: unknown) => unreadable(file, err))
  const { nSteps, nVariants, stepStart } = parseCountsHeader(bytes, file)
  const r = countsRanges(nSteps, nVariants, 0, nVariants)
  const size = r.refVariants[0] + r.refVariants[1]
  if (bytes.length !== size)
    throw new FormatError(
      `${bytes.length} bytes, expected ${size} for ${nSteps} steps and ${nVariants} variants`,
      { file, offset: Math.min(bytes.length, size) },
    )
  const slice = ([at, len]: [number, number]) => readU32s(bytes.subarray(at, at + len))
  return {
    nSteps,
    nVariants,
    stepStart,
    count: slice(r.counts),
    span: slice(r.spans),
    refVariant: slice(r.refVariants),
  }
}

/** A manifest path (its numbers checked against the counts file) with what the counts show. */
export interface PathStats extends Omit<ManifestPath, 'version'> {
  /** steps where every haplotype carries variant 0 */
  invariantSteps: number
  maxVariantsPerStep: number
}

export interface VariableTile {
  /** `PPPP.VV.SSSS` */
  id: string
  path: number
  step: number
  variants: number
  /** reference interval of the tile (span 1), 0-based half-open, from the assembly */
  chrom: string
  start: number
  end: number
}

export interface PartSize {
  part: StorePart
  files: number
  bytes: number
}

export interface StoreStats {
  build: string
  libraryVersion: string
  paths: PathStats[]
  /** tile steps over all paths */
  steps: number
  /** distinct tile variants in the library over all paths */
  variants: number
  samples: number
  phasedSamples: number
  haplotypes: number
  variantsPerStep: { mean: number; median: number; max: number }
  /** steps where every haplotype carries variant 0, and their fraction of all steps */
  invariantSteps: number
  invariantFraction: number
  mostVariable: VariableTile[]
  sizes: PartSize[]
  totalBytes: number
  /** required files the manifest names that could not be stat'ed */
  missing: string[]
  /** the input VCF.gz, when given: its size and store bytes / VCF.gz bytes */
  vcf?: { name: string; bytes: number; ratio: number }
}

export interface StatsOptions extends AbortOptions {
  /** the input VCF.gz, to compare sizes */
  vcf?: NamedFile | undefined
  /** how many of the most variable tiles to list (default 5) */
  top?: number | undefined
}

const PART_ORDER: StorePart[] = [
  'manifest',
  'tagset',
  'assembly',
  'libraryTar',
  'sglf',
  'spanCounts',
  'genomes',
  'fastj',
]

/** Median of the values a histogram `hist[value] = occurrences` holds (`n` in all). */
function histogramMedian(hist: number[], n: number): number {
  if (n === 0) return 0
  const at = (k: number) => {
    let seen = 0
    for (let v = 0; v < hist.length; v++) {
      seen += hist[v] ?? 0
      if (seen > k) return v
    }
    return hist.length - 1
  }
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2
}

/** Statistics of a store (see StoreStats). */
export async function storeStats(open: StoreOpener, opts: StatsOptions = {}): Promise<StoreStats> {
  const signal = opts.signal
  const m = await readStoreManifest(open, { signal })
  const haplotypes = 2 * m.samples.length
  const top = opts.top ?? 5
  const hist: number[] = []
  const paths: PathStats[] = []
  let best: { p: ManifestPath; step: number; variants: number }[] = []
  let steps = 0
  let variants = 0
  let invariant = 0
  let max = 0
  for (const p of m.paths) {
    checkAbort(signal)
    const c = await readPathCounts(open, p.path, { signal })
    const file = storeFiles.libraryCounts(p.path)
    if (c.nSteps !== p.steps || c.nVariants !== p.variants)
      throw new FormatError(
        `${c.nSteps} steps and ${c.nVariants} variants, the manifest says ${p.steps} and ${p.variants}`,
        { file, offset: 8 },
      )
    let pathInvariant = 0
    let pathMax = 0
    for (let s = 0; s < c.nSteps; s++) {
      const first = c.stepStart[s]!
      const n = c.stepStart[s + 1]! - first
      hist[n] = (hist[n] ?? 0) + 1
      if (n > 0 && c.count[first] === haplotypes) pathInvariant++
      if (n > pathMax) pathMax = n
      const worst = best[best.length - 1]
      if (best.length < top || (worst && n > worst.variants)) {
        best.push({ p, step: s, variants: n })
        // stable: among equal counts the earlier step stays first
        best = best.sort((a, b) => b.variants - a.variants).slice(0, top)
      }
    }
    steps += c.nSteps
    variants += c.nVariants
    invariant += pathInvariant
    max = Math.max(max, pathMax)
    paths.push({
      path: p.path,
      chrom: p.chrom,
      start: p.start,
      end: p.end,
      steps: c.nSteps,
      variants: c.nVariants,
      invariantSteps: pathInvariant,
      maxVariantsPerStep: pathMax,
    })
  }

  const named = (rel: string) => ({ name: rel, handle: open(rel) })
  const assembly = new AssemblyReader({
    gz: named(storeFiles.assembly(m.build)),
    gzi: named(storeFiles.assemblyGzi(m.build)),
    fwi: named(storeFiles.assemblyFwi(m.build)),
    tagLength: m.tagLength,
  })
  const mostVariable: VariableTile[] = []
  for (const b of best) {
    const iv = await assembly.tileInterval(b.p.path, b.step, 1, { signal })
    mostVariable.push({
      id: formatStepId(b.p.path, b.step),
      path: b.p.path,
      step: b.step,
      variants: b.variants,
      ...iv,
    })
  }

  const files = storeFileList(m)
  // FastJ is written for every sample or none: stat them all only when the first one is there
  const fastj = storeFastjList(m)
  const first = fastj[0] && (await statStoreFiles(open, [fastj[0]], { signal }))[0]
  if (first && !('error' in first)) files.push(...fastj)
  const stats = await statStoreFiles(open, files, { signal })
  const byPart = new Map<StorePart, PartSize>(
    PART_ORDER.map((part) => [part, { part, files: 0, bytes: 0 }]),
  )
  const missing: string[] = []
  files.forEach((f, i) => {
    const st = stats[i]!
    if ('error' in st) {
      if (f.required) missing.push(f.rel)
      return
    }
    const part = byPart.get(f.part)!
    part.files++
    part.bytes += st.size
  })
  const sizes = [...byPart.values()].filter((s) => s.files > 0)
  const totalBytes = sizes.reduce((a, s) => a + s.bytes, 0)

  const out: StoreStats = {
    build: m.build,
    libraryVersion: m.libraryVersion,
    paths,
    steps,
    variants,
    samples: m.samples.length,
    phasedSamples: m.samples.filter((s) => s.phased).length,
    haplotypes,
    variantsPerStep: {
      mean: steps ? variants / steps : 0,
      median: histogramMedian(hist, steps),
      max,
    },
    invariantSteps: invariant,
    invariantFraction: steps ? invariant / steps : 0,
    mostVariable,
    sizes,
    totalBytes,
    missing,
  }
  if (opts.vcf) {
    const vcf = opts.vcf
    const { size: bytes } = await vcf.handle
      .stat()
      .catch((err: unknown) => unreadable(vcf.name, err))
    out.vcf = { name: opts.vcf.name, bytes, ratio: bytes ? totalBytes / bytes : 0 }
  }
  return out
}
