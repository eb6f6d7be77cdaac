// What a build reads: the reference and the haplotypes (a cohort VCF, single-sample gVCFs or FASTA
// haplotype pairs, with callable regions for VCF and gVCF), checked before any work starts, and
// turned path by path into path libraries (tiles.ts).
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { ArgumentError, NotFoundError, checkAbort } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { CallableRegions } from './callable.js'
import { readRenameChrs } from './contigNames.js'
import type { ContigRename } from './contigNames.js'
import { findFastaPairs, tileFastaHaplotype } from './fastaPairs.js'
import type { FastaPair } from './fastaPairs.js'
import { GvcfSample } from './gvcf.js'
import type { GvcfSkips } from './gvcf.js'
import { VcfHaplotypeSource } from './haplotypes.js'
import type { OverlapSkip } from './haplotypes.js'
import { openReference } from './reference.js'
import type { ReferenceFasta } from './reference.js'
import type { PathTags } from './tags.js'
import type { RowSpill } from './rowSpill.js'
import { PathLibraryBuilder } from './tiles.js'
import type { PathVariants } from './tiles.js'

/** Where the haplotypes come from, and what was skipped while reading them. */
export interface HaplotypeInput {
  samples: string[]
  unphased: ReadonlySet<string>
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  /** records on contigs no path covers */
  unplaced: { chrom: string; pos: number }[]
  /** VCF data lines read (complete once `libraries` has run); undefined for FASTA input */
  readonly records: number | undefined
  /** input contigs read under the reference's name (a `chr` prefix, --rename-chrs) */
  readonly contigRenames: ContigRename[]
  /**
   * Each path's library, in path order; `progress(p, h, done)` as haplotype h of path p is added,
   * `done` the fraction of the path's haplotypes and steps added before it. With a spill, a VCF
   * without callable regions is read in windows of steps and the libraries are PathVariants (rows
   * from the spill, memory flat in the samples); otherwise, and for other inputs, PathLibrary.
   * With `only` (VCF input), only the libraries of paths first..last: the records of the paths
   * before are still read, for the state they leave (overlaps, edits across a path end).
   */
  libraries(
    paths: PathTags[],
    progress: (p: PathTags, h: number, done: number) => void,
    signal: AbortSignal | undefined,
    spill?: RowSpill,
    only?: { first: number; last: number },
  ): AsyncGenerator<PathVariants>
}

export interface InputOptions {
  reference: string
  vcf?: string | undefined
  fasta?: string[] | undefined
  gvcf?: string[] | undefined
  pathBed?: string | undefined
  samples?: string[] | undefined
  skipRefMismatch?: boolean | undefined
  /** gVCF: records with GQ below this are no-calls (default 20; 0 turns it off) */
  minGq?: number | undefined
  /** gVCF: records with MIN_DP (blocks) or DP below this are no-calls (default 0: off) */
  minDp?: number | undefined
  /** callable-regions BED of every sample (VCF or gVCF input): outside it, no-calls */
  callable?: string | undefined
  /** callable-regions BED by sample name (before `callable` and `callableDir`) */
  callableBySample?: Readonly<Record<string, string>> | undefined
  /** a folder of per-sample BEDs: SAMPLE.callable.bed[.gz], SAMPLE.quantized.bed.gz, SAMPLE.bed[.gz] */
  callableDir?: string | undefined
  /** column-4 values of a callable interval (default CALLABLE) */
  callableStates?: string[] | undefined
  /** `bcftools annotate --rename-chrs` file: OLD NEW per line */
  renameChrs?: string | undefined
  signal?: AbortSignal | undefined
}

/** Default --min-gq: GQ 20, the usual cut of a confident genotype (1 % error). */
export const DEFAULT_MIN_GQ = 20

/** What the manifest says was read (build's `source`, add's `added[]`): file names, thresholds. */
export function inputsRead(opts: InputOptions): {
  vcf?: string
  fasta?: string[]
  gvcf?: string[]
  minGq?: number
  minDp?: number
} {
  return {
    ...(opts.vcf ? { vcf: basename(opts.vcf) } : {}),
    ...(opts.fasta ? { fasta: opts.fasta.map((f) => basename(f)) } : {}),
    ...(opts.gvcf
      ? {
          gvcf: opts.gvcf.map((f) => basename(f)),
          minGq: opts.minGq ?? DEFAULT_MIN_GQ,
          minDp: opts.minDp ?? 0,
        }
      : {}),
  }
}

/** The file names looked for in --callable-dir, in order: CallableLoci, mosdepth, any BED. */
export const CALLABLE_DIR_NAMES = [
  '.callable.bed',
  '.callable.bed.gz',
  '.quantized.bed.gz',
  '.quantized.bed',
  '.bed',
  '.bed.gz',
].map((ext) => (sample: string) => `${sample}${ext}`)

/**
 * Matrix values (steps × haplotypes) of one window when a VCF is read in windows: the carriers and
 * the non-reference tiles of about that many are held at once.
 */
const WINDOW_VALUES = 1 << 24

/**
 * A VCF streamed path by path: one path's records and tiles in memory at a time, or with a spill
 * one window of them.
 */
function vcfInput(
  source: VcfHaplotypeSource,
  ref: ReferenceFasta,
  callable: CallableInput | undefined,
): HaplotypeInput {
  return {
    samples: source.samples,
    unphased: source.unphased,
    overlaps: source.overlaps,
    refMismatches: source.refMismatches,
    unplaced: source.unplaced,
    get records() {
      return source.records
    },
    get contigRenames() {
      return [...source.contigs.renames, ...(callable?.renames ?? [])]
    },
    async *libraries(paths, progress, signal, spill, only) {
      if (callable) checkPathOrder(paths, ref)
      const windowed = spill && !callable ? spill : undefined
      const byNumber = new Map<number, PathTags>(paths.map((p) => [p.path, p]))
      let builder: PathLibraryBuilder | undefined
      const opts = { signal, ...(windowed ? { windowValues: WINDOW_VALUES } : {}) }
      for await (const ph of source.paths(paths, opts)) {
        const p = byNumber.get(ph.path.path)!
        // a path before `only`: its haplotypes are read (by the source) but not tiled; after it,
        // the rest of the VCF belongs to later partial builds (the source has listed the
        // overlaps of the last path once it hands out the next)
        if (only && p.path < only.first) continue
        if (only && p.path > only.last) return
        if (!builder) {
          const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
          builder = new PathLibraryBuilder(p, refSeq, ph.nHaplotypes, windowed)
        }
        const [from, to] = ph.steps
        const nSteps = p.tags.length + 1
        for (let h = 0; h < ph.nHaplotypes; h++) {
          progress(p, h, (from + ((to - from) * h) / ph.nHaplotypes) / nSteps)
          builder.addEdits(h, ph.edits(h))
        }
        if (windowed) await builder.endWindow(to)
        if (ph.last) {
          yield windowed ? builder.finish('spilled') : builder.finish()
          builder = undefined
        }
      }
      await callable?.finish()
    },
  }
}

/**
 * FASTA haplotype pairs: each file is read whole and cut at the tags it holds (a missing or
 * altered tag makes a spanning tile), so every path's table is built at once. For the per-sample
 * FASTA that tools like lightning take; cohorts belong in a VCF.
 */
function fastaInput(pairs: FastaPair[], ref: ReferenceFasta): HaplotypeInput {
  return {
    samples: pairs.map((p) => p.sample),
    unphased: new Set(),
    overlaps: [],
    refMismatches: [],
    unplaced: [],
    records: undefined,
    contigRenames: [],
    async *libraries(paths, progress, signal, _spill, only) {
      if (only) throw new ArgumentError('a build of some paths (--paths) needs a VCF')
      const builders = new Map<number, PathLibraryBuilder>()
      for (const p of paths) {
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        builders.set(p.path, new PathLibraryBuilder(p, refSeq, 2 * pairs.length))
      }
      for (const [i, pair] of pairs.entries())
        for (const [a, file] of pair.files.entries()) {
          checkAbort(signal)
          progress(paths[0]!, 2 * i + a, (2 * i + a) / (2 * pairs.length))
          for (const [path, tiles] of await tileFastaHaplotype(file, paths, { signal }))
            builders.get(path)!.add(2 * i + a, tiles)
        }
      for (const p of paths) yield builders.get(p.path)!.finish()
    },
  }
}

/**
 * Paths with gVCF or callable input must follow the reference's contig order, the order the files
 * are sorted in (a path BED may list contigs otherwise).
 */
function checkPathOrder(paths: PathTags[], ref: ReferenceFasta): void {
  const order = new Map(ref.contigs.map((c, i) => [c.name, i]))
  for (let i = 1; i < paths.length; i++)
    if (order.get(paths[i]!.chrom)! < order.get(paths[i - 1]!.chrom)!)
      throw new ArgumentError(
        `path ${paths[i]!.path} on ${paths[i]!.chrom} comes after a path on ${paths[i - 1]!.chrom}: ` +
          'with gVCF or callable-region input the paths must follow the reference order',
      )
}

/** Each sample's callable regions: one reader per distinct BED (one for all samples when shared). */
class CallableInput {
  private readonly readers = new Map<string, CallableRegions>()
  private readonly perSample: (CallableRegions | undefined)[]

  constructor(files: (string | undefined)[], ref: ReferenceFasta, opts: InputOptions) {
    const renameChrs = opts.renameChrs ? readRenameChrs(opts.renameChrs) : undefined
    this.perSample = files.map((f) => {
      if (f === undefined) return undefined
      let r = this.readers.get(f)
      if (!r) {
        r = new CallableRegions(f, ref, {
          signal: opts.signal,
          ...(opts.callableStates ? { states: opts.callableStates } : {}),
          ...(renameChrs ? { renameChrs } : {}),
        })
        this.readers.set(f, r)
      }
      return r
    })
  }

  get renames(): ContigRename[] {
    return [...this.readers.values()].flatMap((r) => r.contigs.renames)
  }

  /** Fail early on a BED that names no callable base. */
  async start(): Promise<void> {
    for (const r of this.readers.values()) await r.start()
  }

  /** Every sample's no-call regions in path p (a shared BED is read once per path). */
  async nocalls(p: PathTags, signal: AbortSignal | undefined): Promise<(number[] | undefined)[]> {
    const byFile = new Map<CallableRegions, number[]>()
    for (const r of this.readers.values())
      byFile.set(r, await r.nocalls(p.chrom, p.start, p.end, { signal }))
    return this.perSample.map((r) => (r ? byFile.get(r) : undefined))
  }

  async finish(): Promise<void> {
    for (const r of this.readers.values()) await r.finish()
  }
}

/** The callable BED of each sample, from --callable, SAMPLE=BED pairs and --callable-dir. */
async function callableFiles(
  samples: string[],
  opts: InputOptions,
): Promise<(string | undefined)[] | undefined> {
  const bySample = opts.callableBySample ?? {}
  for (const name of Object.keys(bySample))
    if (!samples.includes(name)) throw new ArgumentError(`--callable ${name}=…: no sample ${name}`)
  if (
    opts.callable === undefined &&
    opts.callableDir === undefined &&
    !Object.keys(bySample).length
  )
    return undefined
  const files = samples.map((name) => {
    const given = bySample[name]
    if (given !== undefined) return given
    if (opts.callableDir !== undefined) {
      const names = CALLABLE_DIR_NAMES.map((f) => f(name))
      const found = names.find((n) => existsSync(join(opts.callableDir!, n)))
      if (found !== undefined) return join(opts.callableDir, found)
      if (opts.callable === undefined)
        throw new NotFoundError(
          `--callable-dir ${opts.callableDir}: no callable regions for sample ${name} (looked for ${names.join(', ')})`,
        )
    }
    if (opts.callable !== undefined) return opts.callable
    throw new ArgumentError(
      `no callable regions for sample ${name}: give every sample a BED, or one --callable BED for all`,
    )
  })
  for (const f of new Set(files)) await checkInputFile(f, 'callable BED')
  return files
}

/** Single-sample gVCFs, each streamed path by path, with their callable regions if any. */
function gvcfInput(
  samples: GvcfSample[],
  skips: GvcfSkips,
  ref: ReferenceFasta,
  callable: CallableInput | undefined,
): HaplotypeInput {
  const unphased = new Set<string>()
  return {
    samples: samples.map((s) => s.name),
    unphased,
    ...skips,
    get records() {
      return samples.reduce((a, s) => a + s.records, 0)
    },
    get contigRenames() {
      return [...samples.flatMap((s) => s.contigs.renames), ...(callable?.renames ?? [])]
    },
    async *libraries(paths, progress, signal, _spill, only) {
      if (only) throw new ArgumentError('a build of some paths (--paths) needs a VCF')
      checkPathOrder(paths, ref)
      const tiled = new Set(paths.map((p) => p.chrom))
      for (const p of paths) {
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        const nocalls = await callable?.nocalls(p, signal)
        const builder = new PathLibraryBuilder(p, refSeq, 2 * samples.length)
        for (const [i, s] of samples.entries()) {
          progress(p, 2 * i, i / samples.length)
          const [a, b] = await s.path(p, refSeq, tiled, nocalls?.[i])
          builder.addEdits(2 * i, a)
          builder.addEdits(2 * i + 1, b)
        }
        yield builder.finish()
      }
      for (const s of samples) {
        await s.finish(tiled)
        if (!s.phased) unphased.add(s.name)
      }
      await callable?.finish()
    },
  }
}

/** Check every input file, open the reference and the haplotypes (VCF headers are read). */
/** The checks of the options and input files openInputs makes before it opens anything. */
export async function checkInputs(opts: InputOptions): Promise<void> {
  const given = [opts.vcf, opts.fasta, opts.gvcf].filter((x) => x !== undefined).length
  if (given !== 1)
    throw new ArgumentError(
      'give the haplotypes as a VCF, as gVCFs or as FASTA pairs (one of the three)',
    )
  const callableGiven =
    opts.callable !== undefined ||
    opts.callableDir !== undefined ||
    Object.keys(opts.callableBySample ?? {}).length > 0
  if (opts.fasta !== undefined && callableGiven)
    throw new ArgumentError('callable regions apply to VCF or gVCF input, not to FASTA pairs')
  if (opts.gvcf === undefined && (opts.minGq !== undefined || opts.minDp !== undefined))
    throw new ArgumentError('--min-gq and --min-dp apply to gVCF input')
  for (const [what, v] of [
    ['--min-gq', opts.minGq],
    ['--min-dp', opts.minDp],
  ] as const)
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw new ArgumentError(`${what} must be a number ≥ 0, got ${v}`)
  if (opts.gvcf !== undefined && opts.gvcf.length === 0)
    throw new ArgumentError('--gvcf needs at least one file')
  await checkInputFile(opts.reference, 'reference')
  if (opts.vcf !== undefined) await checkInputFile(opts.vcf, 'VCF')
  for (const f of opts.fasta ?? []) await checkInputFile(f, 'FASTA')
  for (const f of opts.gvcf ?? []) await checkInputFile(f, 'gVCF')
  if (opts.pathBed !== undefined) await checkInputFile(opts.pathBed, 'path BED')
  if (opts.renameChrs !== undefined) await checkInputFile(opts.renameChrs, '--rename-chrs file')
  if (opts.callableDir !== undefined && !existsSync(opts.callableDir))
    throw new NotFoundError(`--callable-dir ${opts.callableDir}: no such folder`)
}

export async function openInputs(
  opts: InputOptions,
): Promise<{ ref: ReferenceFasta; source: HaplotypeInput }> {
  await checkInputs(opts)
  const signal = opts.signal
  const ref = await openReference(opts.reference, { signal })
  const renameChrs = opts.renameChrs ? readRenameChrs(opts.renameChrs) : undefined
  if (opts.gvcf !== undefined) {
    const skips: GvcfSkips = { overlaps: [], refMismatches: [], unplaced: [] }
    let samples: GvcfSample[] = []
    const byName = new Map<string, GvcfSample>()
    for (const file of opts.gvcf) {
      const s = await GvcfSample.open(file, ref, skips, {
        signal,
        thresholds: { minGq: opts.minGq ?? DEFAULT_MIN_GQ, minDp: opts.minDp ?? 0 },
        ...(opts.skipRefMismatch ? { skipRefMismatch: true } : {}),
        ...(renameChrs ? { renameChrs } : {}),
      })
      const twin = byName.get(s.name)
      if (twin) throw new ArgumentError(`sample ${s.name} is in both ${twin.file} and ${file}`)
      byName.set(s.name, s)
      samples.push(s)
    }
    if (opts.samples)
      samples = opts.samples.map((name) => {
        const s = byName.get(name)
        if (!s) throw new ArgumentError(`sample ${name} is in none of the gVCFs`)
        return s
      })
    const files = await callableFiles(
      samples.map((s) => s.name),
      opts,
    )
    const callable = files && new CallableInput(files, ref, opts)
    await callable?.start()
    return { ref, source: gvcfInput(samples, skips, ref, callable) }
  }
  if (opts.vcf !== undefined) {
    let callable: CallableInput | undefined
    const vcf = await VcfHaplotypeSource.open(opts.vcf, ref, {
      signal,
      ...(opts.samples ? { samples: opts.samples } : {}),
      ...(opts.skipRefMismatch ? { skipRefMismatch: true } : {}),
      ...(renameChrs ? { renameChrs } : {}),
      nocalls: async (p, o) => (callable ? callable.nocalls(p, o.signal) : []),
    })
    const files = await callableFiles(vcf.samples, opts)
    if (files) {
      callable = new CallableInput(files, ref, opts)
      await callable.start()
    }
    return { ref, source: vcfInput(vcf, ref, callable) }
  }
  let pairs = findFastaPairs(opts.fasta!)
  if (opts.samples) {
    const byName = new Map(pairs.map((p) => [p.sample, p]))
    pairs = opts.samples.map((name) => {
      const pair = byName.get(name)
      if (!pair) throw new ArgumentError(`sample ${name} has no FASTA pair`)
      return pair
    })
  }
  return { ref, source: fastaInput(pairs, ref) }
}
