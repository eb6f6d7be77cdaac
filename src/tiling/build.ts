// Build a tiled store from a reference FASTA and a cohort VCF, single-sample gVCFs or FASTA pairs
// (the main job, DESIGN "Data flow"),
// as a pipeline of stages that each check the abort signal and report progress:
//
//   tags        reference → paths and their tags (tags.ts)
//   assembly    paths → tagset.2bit and the assembly
//   haplotypes  the VCF (gVCFs, FASTA pairs), path by path → a path library (tiles per haplotype)
//   library     path library → SGLF, 2bit tar, counts of the path; its manifest entry and spans
//   genotypes   path library → the path's cohort matrix (genotypes/PPPP.ltcm, its rows read
//               back from the row spill); with `cgf` also every sample's PathStruct (spilled), and
//               at the end one CGF per sample
//   manifest    what was built and skipped → skipped.tsv.gz and the manifest (the writer adds hashes)
//
// Everything is written through a StoreWriter (store/writer.ts: the same layout table the readers
// use) into a temporary directory renamed into place when the store is complete.
//
// Memory: one path at a time — the path's reference and distinct tiles — and of a VCF one window
// of steps (about 2^24 steps × haplotypes: its records, their carriers, its rows): each window's
// non-reference tiles go to a row spill (rowSpill.ts) read back once the variants are numbered, so
// peak memory does not grow with samples × steps. With `cgf` or `fastj` (which take each sample's
// haplotypes whole), callable regions, gVCFs or FASTA pairs, a path's haplotypes are held whole
// (its records, and each haplotype's non-reference tiles); PathStructs (with `cgf`) go to a spill.
import { basename } from 'node:path'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatStepId, formatTileId } from '../core/tileId.js'
import { encodeCgfFromStructs, encodePathStruct } from '../formats/cgf/encode.js'
import { DEFAULT_TILE_MAP } from '../formats/cgf/defaultTileMap.js'
import { HEXIT_TILE_MAP, tileMapKeys } from '../formats/cgf/tileMap.js'
import { libraryVersion, PathVersionHasher } from '../formats/sglf/reader.js'
import type { SglfTileInput } from '../formats/sglf/writer.js'
import { encodeTwoBit } from '../formats/twobit/writer.js'
import { encodeCounts, NO_REF_VARIANT } from '../library/counts.js'
import { MatrixWriter } from '../matrix/writer.js'
import { STORE_FORMAT, STORE_FORMAT_VERSION } from '../store/manifest.js'
import type {
  ManifestPartial,
  ManifestPath,
  ManifestSample,
  StoreManifest,
} from '../store/manifest.js'
import type { Skipped } from '../store/skipped.js'
import { StoreWriter, prepareStoreTarget } from '../store/writer.js'
import { indexAlleles } from '../alleles/writer.js'
import type { ManifestDraft } from '../store/writer.js'
import { fastjRecordsOf } from './fastj.js'
import type { OverlapSkip } from './haplotypes.js'
import type { ContigRename } from './contigNames.js'
import { inputsRead, openInputs } from './inputs.js'
import type { HaplotypeInput } from './inputs.js'
import { PathStructSpill } from './pathStructSpill.js'
import { openReference } from './reference.js'
import type { ReferenceFasta } from './reference.js'
import { pickTags, readPathBed, stepCount, stepEnd } from './tags.js'
import { readTagsFile, writeTagsFile } from './tagsFile.js'
import type { PathTags } from './tags.js'
import { RowSpill } from './rowSpill.js'
import type { PathLibrary, PathVariants } from './tiles.js'

export interface BuildOptions extends AbortOptions {
  reference: string
  /** the cohort as a VCF (bgzipped or plain) ... */
  vcf?: string
  /** ... or as Lightning-style FASTA haplotype pairs NAME.1.fa[.gz], NAME.2.fa[.gz] */
  fasta?: string[]
  /** ... or as single-sample gVCFs, one sample each (no-calls where they are uncertain) */
  gvcf?: string[]
  /** gVCF: records with GQ below this are no-calls (default 20; 0: no threshold) */
  minGq?: number
  /** gVCF: records with MIN_DP (reference blocks) or DP below this are no-calls (default: none) */
  minDp?: number
  /** callable-regions BED of every sample (with `vcf` or `gvcf`): bases outside are no-calls */
  callable?: string
  /** callable-regions BED of each sample, by name (overrides `callable` and `callableDir`) */
  callableBySample?: Record<string, string>
  /** folder of per-sample BEDs: SAMPLE.callable.bed[.gz], SAMPLE.quantized.bed.gz, SAMPLE.bed[.gz] */
  callableDir?: string
  /** BED column-4 values that are callable (default CALLABLE, as GATK CallableLoci writes) */
  callableStates?: string[]
  /** contig renames, as `bcftools annotate --rename-chrs` takes them (OLD NEW per line) */
  renameChrs?: string
  /** the store directory: new, empty, or (with `force`) an existing store to replace */
  out: string
  /** replace an existing store at `out` (never a file or a directory that is not a store) */
  force?: boolean
  /** only these samples, in this order */
  samples?: string[]
  /** maximum bases per path (default 4,000,000) */
  pathLength?: number
  /** BED of path boundaries instead of pathLength */
  pathBed?: string
  /** assembly build name (default: the reference file name without extensions) */
  build?: string
  /** skip and count records whose REF disagrees with the reference instead of failing */
  skipRefMismatch?: boolean
  /** also write per-sample FastJ: fastj/SAMPLE/PPPP.fj.gz */
  fastj?: boolean
  /** also write one CGF v3 per sample (genomes/SAMPLE.cgf3), beside the cohort matrices */
  cgf?: boolean
  /**
   * also write each path's library as SGLF text (sglf/PPPP.sglf.gz): it repeats the 2bit tar's
   * sequences, so it is left out by default (`export-l7g` and `library to-sglf` derive it)
   */
  sglf?: boolean
  /** write cgft's full 1024-entry tile map into every CGF (default: the 16 entries v3 uses) */
  fullTileMap?: boolean
  /** the paths and tags from `writeBuildTags` (build --tags-only) instead of picking them */
  tags?: string
  /**
   * Only paths first..last (VCF input; not with `cgf`): a partial store, joined to the others by
   * mergeStores. Paths covering the whole reference make the whole store.
   */
  paths?: { first: number; last: number }
  onProgress?: ProgressCallback
}

export interface BuildResult {
  manifest: StoreManifest
  /** overlapping variants skipped per haplotype, as bcftools consensus skips them */
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  /** records on reference contigs that no path covers (a path BED without them) */
  unplaced: { chrom: string; pos: number }[]
  /** input contigs read as a reference contig of another name (`chr` prefix, --rename-chrs) */
  contigRenames: ContigRename[]
}

/** What every stage gets: the abort signal and the progress callback. */
export interface Run {
  signal: AbortSignal | undefined
  report: ProgressCallback
}

/** `20.1-4000000.fa.gz` → `20.1-4000000`, made safe for `assembly.00.BUILD.fw.gz`. */
export function buildName(reference: string): string {
  return basename(reference)
    .replace(/\.(gz|bgz)$/, '')
    .replace(/\.(fa|fasta|fna)$/, '')
    .replace(/[^\w.-]/g, '_')
}

export async function buildStore(opts: BuildOptions): Promise<BuildResult> {
  const run: Run = { signal: opts.signal, report: opts.onProgress ?? (() => undefined) }
  // refuse a bad --out before any work: the writer checks again before it replaces anything
  await prepareStoreTarget(opts.out, opts)
  const { ref, source } = await openInputs(opts)
  const build = opts.build ?? buildName(opts.reference)
  const paths = opts.tags ? await readTagsFile(opts.tags, ref) : await tagsStage(ref, opts, run)
  const only = partOf(paths, opts)
  const tileMap = opts.fullTileMap ? DEFAULT_TILE_MAP : HEXIT_TILE_MAP
  const keys = tileMapKeys(tileMap)

  // what the store lists as skipped: a partial store, only what lies in its paths
  let skipped: Skipped = source
  const manifest = await StoreWriter.write(
    opts.out,
    async (w) => {
      await assemblyStage(w, paths, build, run)
      const spill = opts.cgf
        ? await PathStructSpill.create(
            w.scratchFile('.pathstructs'),
            paths.length,
            source.samples.length,
          )
        : undefined
      // CGFs and FastJ take each sample's haplotypes whole: then the libraries stay in memory
      const rows =
        opts.cgf || opts.fastj ? undefined : await RowSpill.create(w.scratchFile('.rows'))
      try {
        const library: LibraryPath[] = []
        for await (const lib of haplotypesStage(source, paths, run, rows, only)) {
          library.push(await libraryStage(w, lib, run, opts.sglf === true))
          await genotypesOfPath(w, lib, run)
          if (spill) await pathStructsOfPath(spill, withHaplotypes(lib), keys, run)
          if (opts.fastj) await fastjOfPath(w, withHaplotypes(lib), source.samples, build, run)
        }
        await w.span(library.flatMap((l) => l.spans))
        const version = libraryVersion(new Map(library.map((l) => [l.path.path, l.path.version])))
        const samples = spill
          ? await genomesStage(w, spill, source, version, tileMap, run)
          : source.samples.map((name) => ({ name, phased: !source.unphased.has(name) }))
        // a partial store before the last path has read only part of the VCF
        const toEnd = !only || only.last === paths.length - 1
        if (opts.vcf !== undefined && toEnd) await w.sites(opts.vcf, ref.contigs)
        if (only) skipped = skippedIn(source, paths.slice(only.first, only.last + 1), toEnd)
        const part = only ? { pathCount: paths.length } : undefined
        return await manifestStage(w, {
          opts,
          ref,
          source,
          skipped,
          part,
          build,
          version,
          library,
          samples,
        })
      } finally {
        await spill?.close()
        await rows?.close()
      }
    },
    { force: opts.force ?? false, signal: opts.signal, onProgress: run.report },
  )
  // a partial store's paths may join the next part's: merge writes the index of the whole
  const indexed = only
    ? manifest
    : (await indexAlleles(opts.out, { signal: opts.signal, onProgress: run.report })).manifest
  return {
    manifest: indexed,
    overlaps: [...skipped.overlaps],
    refMismatches: [...skipped.refMismatches],
    unplaced: [...skipped.unplaced],
    contigRenames: source.contigRenames,
  }
}

/**
 * `opts.paths`, checked against the paths picked; undefined when it is all of them (the whole
 * store).
 */
function partOf(
  paths: PathTags[],
  opts: BuildOptions,
): { first: number; last: number } | undefined {
  if (!opts.paths) return undefined
  const { first, last } = opts.paths
  if (!(Number.isInteger(first) && Number.isInteger(last) && 0 <= first && first <= last))
    throw new ArgumentError(
      `--paths ${first}-${last}: expected FIRST-LAST path numbers, FIRST ≤ LAST`,
    )
  if (last >= paths.length)
    throw new ArgumentError(
      `--paths ${first}-${last}: the reference has paths 0-${paths.length - 1}`,
    )
  if (first === 0 && last === paths.length - 1) return undefined
  if (opts.cgf) throw new ArgumentError('--cgf needs every path: build the whole store')
  if (opts.vcf === undefined) throw new ArgumentError('a build of some paths (--paths) needs a VCF')
  return { first, last }
}

/** What a partial build skipped in its paths (and, reading to the end, outside every path). */
function skippedIn(source: HaplotypeInput, paths: PathTags[], toEnd: boolean): Skipped {
  const inside = (r: { chrom: string; pos: number }) =>
    paths.some((p) => p.chrom === r.chrom && p.start < r.pos && r.pos <= p.end)
  return {
    overlaps: source.overlaps.filter(inside),
    refMismatches: source.refMismatches.filter(inside),
    unplaced: toEnd ? source.unplaced : [],
  }
}

/**
 * `build --tags-only`: pick the paths and tags of the reference once and save them (tagsFile.ts)
 * for the partial builds of one store; returns the number of paths.
 */
export async function writeBuildTags(
  opts: Pick<BuildOptions, 'reference' | 'pathLength' | 'pathBed' | 'signal' | 'onProgress'> & {
    out: string
  },
): Promise<number> {
  const run: Run = { signal: opts.signal, report: opts.onProgress ?? (() => undefined) }
  const ref = await openReference(opts.reference, { signal: opts.signal })
  const paths = await tagsStage(ref, opts, run)
  await writeTagsFile(opts.out, ref, paths)
  return paths.length
}

/** tags: the paths over the reference and their tags. */
function tagsStage(
  ref: ReferenceFasta,
  opts: Pick<BuildOptions, 'pathLength' | 'pathBed'>,
  run: Run,
): Promise<PathTags[]> {
  return pickTags(ref, {
    signal: run.signal,
    ...(opts.pathLength ? { pathLength: opts.pathLength } : {}),
    ...(opts.pathBed ? { boundaries: readPathBed(opts.pathBed) } : {}),
    onProgress: (p) =>
      run.report({ phase: `picking tags (${p.phase})`, done: p.done, total: p.total }),
  })
}

/** assembly: tagset.2bit and the assembly of every path's step ends. */
async function assemblyStage(
  w: StoreWriter,
  paths: PathTags[],
  build: string,
  run: Run,
): Promise<void> {
  const phase = 'writing tagset and assembly'
  run.report({ phase, done: 0, total: paths.length })
  await w.tagset(new Map(paths.map((p) => [p.path, p.tags])))
  checkAbort(run.signal)
  await w.assembly(
    build,
    paths.map((p) => ({
      build,
      chrom: p.chrom,
      path: p.path,
      steps: Array.from({ length: stepCount(p) }, (_, s) => ({ step: s, end: stepEnd(p, s) })),
    })),
  )
  run.report({ phase, done: paths.length, total: paths.length })
}

/** haplotypes: each path's library in path order, progress in reference bases. */
async function* haplotypesStage(
  source: HaplotypeInput,
  paths: PathTags[],
  run: Run,
  spill: RowSpill | undefined,
  only: { first: number; last: number } | undefined,
): AsyncGenerator<PathVariants> {
  const phase = 'tiling haplotypes'
  const total = paths.reduce((a, p) => a + p.end - p.start, 0)
  let done = 0
  const progress = (p: PathTags, h: number, fraction: number) => {
    if (h % 64 !== 0) return
    checkAbort(run.signal)
    run.report({ phase, done: done + Math.round((p.end - p.start) * fraction), total })
  }
  for await (const lib of source.libraries(paths, progress, run.signal, spill, only)) {
    done += lib.path.end - lib.path.start
    run.report({ phase, done, total })
    yield lib
  }
}

/** A library read without a spill, whose haplotypes are at hand. */
export function withHaplotypes(lib: PathVariants): PathLibrary {
  if (!('haplotype' in lib)) throw new Error(`path ${lib.path.path}: haplotypes were spilled`)
  return lib as PathLibrary
}

/** One path's library as the store holds it. */
export interface LibraryPath {
  path: ManifestPath
  /** tile variants spanning more than one step */
  spans: { path: number; step: number; variant: number; span: number }[]
}

/** library: the path's 2bit tar and counts (and, with `sglf`, its SGLF); its manifest entry and spanning variants. */
export async function libraryStage(
  w: StoreWriter,
  lib: PathVariants,
  run: Run,
  sglf: boolean,
): Promise<LibraryPath> {
  const p = lib.path
  if (sglf) await w.sglf(p.path, sglfTiles(lib))
  await w.libraryTar(p.path, tarMembers(lib))
  await w.counts(p.path, countsOf(lib))
  checkAbort(run.signal)
  const hasher = new PathVersionHasher()
  const spans: LibraryPath['spans'] = []
  let variants = 0
  for (const t of sglfTiles(lib)) {
    hasher.add({ ...t, version: 0, md5: '' })
    variants++
    if (t.span !== 1) spans.push({ path: t.path, step: t.step, variant: t.variant, span: t.span })
  }
  const { chrom, start, end } = p
  const path = {
    path: p.path,
    chrom,
    start,
    end,
    steps: lib.nSteps,
    variants,
    version: hasher.digest(),
  }
  return { path, spans }
}

function* sglfTiles(lib: PathVariants): Generator<SglfTileInput> {
  for (let s = 0; s < lib.nSteps; s++)
    for (const [i, v] of (lib.variants[s] ?? []).entries())
      yield { path: lib.path.path, step: s, variant: i, span: v.span, seq: v.sequence }
}

/** The 2bit member `PPPP.00.SSSS.2bit` of every step: its variants in order, lower case. */
function* tarMembers(lib: PathVariants): Generator<{ name: string; data: Uint8Array }> {
  const path = lib.path.path
  for (let s = 0; s < lib.nSteps; s++) {
    const stepId = formatStepId(path, s)
    const records = (lib.variants[s] ?? []).map((v, i) => ({
      name: formatTileId({ path, version: 0, step: s, variant: i }),
      sequence: v.sequence,
    }))
    // DESIGN decision 10: lower case, no mask blocks (readers lower-case what they read)
    yield { name: `${stepId}.2bit`, data: encodeTwoBit(records, { maskBlocks: false }) }
  }
}

function countsOf(lib: PathVariants): Uint8Array {
  const stepStart = new Uint32Array(lib.nSteps + 1)
  for (let s = 0; s < lib.nSteps; s++)
    stepStart[s + 1] = stepStart[s]! + (lib.variants[s]?.length ?? 0)
  const total = stepStart[lib.nSteps]!
  const count = new Uint32Array(total)
  const span = new Uint32Array(total)
  let i = 0
  for (const step of lib.variants)
    for (const v of step) {
      count[i] = v.count
      span[i++] = v.span
    }
  const refVariant = Uint32Array.from(lib.refVariant, (v) => (v < 0 ? NO_REF_VARIANT : v))
  return encodeCounts({ stepStart, count, span, refVariant })
}

/**
 * genotypes, per path: the path's cohort matrix (segment `segment`: `add` writes the later ones),
 * a row per step, a column per haplotype.
 */
export async function genotypesOfPath(
  w: StoreWriter,
  lib: PathVariants,
  run: Run,
  segment = 0,
): Promise<void> {
  const writer = await MatrixWriter.create(await w.genotypesFile(lib.path.path, segment), {
    path: lib.path.path,
    haplotypes: lib.nHaplotypes,
  })
  try {
    for await (const row of lib.rows(run.signal)) await writer.addRow(row.values, row.nocalls)
    await writer.close()
  } catch (err) {
    await writer.abort()
    throw err
  }
}

/** With `cgf`, per path: every sample's PathStruct of the path, into the spill file. */
async function pathStructsOfPath(
  spill: PathStructSpill,
  lib: PathLibrary,
  keys: Map<string, number>,
  run: Run,
): Promise<void> {
  const nSamples = lib.nHaplotypes / 2
  // one band buffer for every sample of the path
  const variants = [new Int32Array(lib.nSteps), new Int32Array(lib.nSteps)] as const
  const nocalls = [new Array<number[]>(lib.nSteps), new Array<number[]>(lib.nSteps)] as const
  spill.beginPath(lib.path.path)
  for (let i = 0; i < nSamples; i++) {
    if (i % 64 === 0) checkAbort(run.signal)
    for (const a of [0, 1] as const) {
      lib.haplotype(2 * i + a, variants[a])
      lib.nocallLists(2 * i + a, nocalls[a])
    }
    await spill.add(i, encodePathStruct(lib.path.path, { variants, nocalls }, keys))
  }
  await spill.endPath()
}

/** With `fastj`: every sample's FastJ of the path. */
async function fastjOfPath(
  w: StoreWriter,
  lib: PathLibrary,
  samples: string[],
  build: string,
  run: Run,
): Promise<void> {
  for (const [i, sample] of samples.entries()) {
    checkAbort(run.signal)
    await w.fastj(sample, lib.path.path, fastjRecordsOf(lib, i, build))
  }
}

/** genotypes, at the end, with `cgf`: one CGF per sample from its spilled PathStructs. */
async function genomesStage(
  w: StoreWriter,
  spill: PathStructSpill,
  source: HaplotypeInput,
  version: string,
  tileMap: string,
  run: Run,
): Promise<ManifestSample[]> {
  const samples: ManifestSample[] = []
  for (const [i, name] of source.samples.entries()) {
    checkAbort(run.signal)
    const cgf = encodeCgfFromStructs(await spill.structsOf(i), { libraryVersion: version, tileMap })
    samples.push({ name, phased: !source.unphased.has(name), cgf: await w.genome(name, cgf) })
    run.report({ phase: 'writing genomes', done: i + 1, total: source.samples.length })
  }
  return samples
}

/** manifest: skipped.tsv.gz and the manifest of what was built, read and skipped. */
async function manifestStage(
  w: StoreWriter,
  b: {
    opts: BuildOptions
    ref: ReferenceFasta
    source: HaplotypeInput
    skipped: Skipped
    part: ManifestPartial | undefined
    build: string
    version: string
    library: LibraryPath[]
    samples: ManifestSample[]
  },
): Promise<ManifestDraft> {
  const { opts, source, skipped } = b
  await w.skipped(skipped)
  return {
    format: STORE_FORMAT,
    formatVersion: STORE_FORMAT_VERSION,
    build: b.build,
    tagLength: 24,
    libraryVersion: b.version,
    contigs: b.ref.contigs.map((c) => ({ name: c.name, length: c.length })),
    paths: b.library.map((l) => l.path),
    samples: b.samples,
    genotypes: { segments: [{ samples: b.samples.map((s) => s.name) }] },
    source: {
      reference: basename(opts.reference),
      ...inputsRead(opts),
      ...(source.records !== undefined ? { records: source.records } : {}),
      skippedOverlaps: skipped.overlaps.length,
      skippedRefMismatches: skipped.refMismatches.length,
      skippedUnplaced: skipped.unplaced.length,
    },
    created: new Date().toISOString(),
    tool: 'lightning-tiles',
    ...(b.part ? { partial: b.part } : {}),
  }
}
