// Add samples to an existing store (`lightning-tiles add`): the new samples' haplotypes are tiled
// against the store's own paths and tags, and written as a new immutable segment of every path's
// cohort matrix (genotypes/PPPP.k.ltcm). The existing segments are carried over byte for byte.
//
// A tile ID, once written, never changes meaning: a new haplotype's tile is the store's variant of
// the same step, span and md5 when there is one, and otherwise a new variant numbered after the
// step's last. So the path's library (2bit tar, SGLF, counts), the span file, the path and library
// versions, the site table and skipped.tsv.gz are rewritten with the old entries first, unchanged.
//
// The store is written anew beside the old one and renamed into place when complete (StoreWriter),
// so an interrupted or refused add leaves it as it was.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { libraryVersion } from '../formats/sglf/reader.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestSample, StoreManifest } from '../store/manifest.js'
import { openStore } from '../store/node.js'
import { parseSkipped, readSkippedText } from '../store/skipped.js'
import type { Store } from '../store/Store.js'
import { checkStoreQuick, keepFiles } from '../store/rewriter.js'
import { StoreWriter } from '../store/writer.js'
import { indexAlleles } from '../alleles/writer.js'
import { genotypesOfPath, libraryStage, withHaplotypes } from './build.js'
import type { LibraryPath, Run } from './build.js'
import type { ContigRename } from './contigNames.js'
import type { OverlapSkip } from './haplotypes.js'
import { inputsRead, openInputs } from './inputs.js'
import type { InputOptions } from './inputs.js'
import type { ReferenceFasta } from './reference.js'
import { pickTags } from './tags.js'
import type { PathTags } from './tags.js'
import { md5Hex, rowsOfHaplotypes } from './tiles.js'
import type { LibraryVariant, PathLibrary } from './tiles.js'

export interface AddOptions extends AbortOptions, Omit<InputOptions, 'pathBed' | 'signal'> {
  /** the store directory to add to */
  store: string
  /** the reference FASTA the store was built from (checked against the store's tags) */
  reference: string
  onProgress?: ProgressCallback
}

export interface AddResult {
  manifest: StoreManifest
  /** the samples added, in column order after the store's */
  added: string[]
  /** the segment they went into */
  segment: number
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  unplaced: { chrom: string; pos: number }[]
  contigRenames: ContigRename[]
}

export async function addToStore(opts: AddOptions): Promise<AddResult> {
  const run: Run = { signal: opts.signal, report: opts.onProgress ?? (() => undefined) }
  const sig = opts.signal ? { signal: opts.signal } : {}
  const dir = opts.store
  const store = openStore(dir)
  const old = await store.manifest(sig)
  await checkStoreQuick(dir, old)
  if (!old.genotypes)
    throw new ArgumentError(
      `${dir} keeps its genotypes as CGFs only: samples are added to a store of cohort matrices (build it again)`,
    )
  if (old.samples.some((s) => s.cgf !== undefined))
    throw new ArgumentError(
      `${dir} holds CGFs (build --cgf), which name the library version an add changes: ` +
        'add to a store built without --cgf (cgf export writes CGFs from it)',
    )
  const { ref, source } = await openInputs({ ...opts, signal: opts.signal })
  const present = new Set(old.samples.map((s) => s.name))
  const twice = source.samples.filter((s) => present.has(s))
  if (twice.length > 0)
    throw new ArgumentError(
      `${dir} already holds sample${twice.length > 1 ? 's' : ''} ${twice.slice(0, 5).join(', ')}` +
        `${twice.length > 5 ? ` and ${twice.length - 5} more` : ''}: give --samples without them`,
    )
  if (source.samples.length === 0) throw new ArgumentError('no samples to add')
  const paths = await storePaths(store, old, ref, opts.reference, run)
  const segment = old.genotypes.segments.length
  const rewritten = new Set<string>([storeFiles.skipped, storeFiles.span])
  for (const p of old.paths)
    for (const f of [
      storeFiles.libraryTar,
      storeFiles.libraryGzi,
      storeFiles.libraryTai,
      storeFiles.libraryCounts,
      storeFiles.sglf,
      storeFiles.sglfGzi,
    ])
      rewritten.add(f(p.path))
  // a store from FASTA pairs has no site table: it gets none; gVCFs and FASTA add no sites to one
  const mergeSites = opts.vcf !== undefined && existsSync(join(dir, storeFiles.sites))
  if (mergeSites) rewritten.add(storeFiles.sites).add(storeFiles.sitesIndex)

  await StoreWriter.write(
    dir,
    async (w) => {
      await keepFiles(w, dir, old, (rel) => rewritten.has(rel))
      const library: LibraryPath[] = []
      const phase = 'tiling the added haplotypes'
      const total = paths.reduce((a, p) => a + p.end - p.start, 0)
      let done = 0
      const progress = (p: PathTags, h: number) => {
        if (h % 64 !== 0) return
        checkAbort(run.signal)
        const part = ((p.end - p.start) * h) / (2 * source.samples.length)
        run.report({ phase, done: done + Math.round(part), total })
      }
      for await (const lib of source.libraries(paths, progress, run.signal)) {
        const merged = await mergeLibrary(store, withHaplotypes(lib), run)
        // the SGLF is rewritten only in a store that has one (build --sglf)
        library.push(
          await libraryStage(
            w,
            merged,
            run,
            old.files?.[storeFiles.sglf(lib.path.path)] !== undefined,
          ),
        )
        await genotypesOfPath(w, merged, run, segment)
        done += lib.path.end - lib.path.start
        run.report({ phase, done, total })
      }
      await w.span(library.flatMap((l) => l.spans))
      if (mergeSites) await w.mergedSites(join(dir, storeFiles.sites), opts.vcf!, old.contigs)
      const skipped = await mergeSkipped(store, source, sig)
      await w.skipped(skipped)
      const samples: ManifestSample[] = source.samples.map((name) => ({
        name,
        phased: !source.unphased.has(name),
      }))
      // the writer records the new files' hashes in place of the old ones
      return {
        ...old,
        libraryVersion: libraryVersion(new Map(library.map((l) => [l.path.path, l.path.version]))),
        paths: library.map((l) => l.path),
        samples: [...old.samples, ...samples],
        genotypes: { segments: [...old.genotypes!.segments, { samples: source.samples }] },
        source: {
          ...old.source,
          ...(old.source.records !== undefined && source.records !== undefined
            ? { records: old.source.records + source.records }
            : {}),
          skippedOverlaps: skipped.overlaps.length,
          skippedRefMismatches: skipped.refMismatches.length,
          skippedUnplaced: skipped.unplaced.length,
        },
        added: [
          ...(old.added ?? []),
          {
            segment,
            samples: source.samples.length,
            ...inputsRead(opts),
            created: new Date().toISOString(),
          },
        ],
      }
    },
    { force: true, signal: opts.signal, onProgress: run.report },
  )
  // new tile variants, new carriers: the allele index is written anew
  const indexed = await indexAlleles(dir, { ...sig, onProgress: run.report })
  return {
    manifest: indexed.manifest,
    added: source.samples,
    segment,
    overlaps: source.overlaps,
    refMismatches: source.refMismatches,
    unplaced: source.unplaced,
    contigRenames: source.contigRenames,
  }
}

/**
 * The store's paths with their tags, picked again from `reference` over the store's path
 * intervals; ArgumentError unless they are the store's own (another reference, another tag set).
 */
async function storePaths(
  store: Store,
  m: StoreManifest,
  ref: ReferenceFasta,
  reference: string,
  run: Run,
): Promise<PathTags[]> {
  const other = (why: string) =>
    new ArgumentError(`${reference} is not the reference ${store.location} was built from: ${why}`)
  const contigs = (cs: readonly { name: string; length: number }[]) =>
    cs.map((c) => `${c.name}:${c.length}`).join(',')
  if (contigs(ref.contigs) !== contigs(m.contigs))
    throw other(`its contigs are ${contigs(ref.contigs)}, the store's ${contigs(m.contigs)}`)
  const picked = await pickTags(ref, {
    signal: run.signal,
    boundaries: m.paths.map((p) => ({ chrom: p.chrom, start: p.start, end: p.end })),
    onProgress: (p) =>
      run.report({ phase: `picking tags (${p.phase})`, done: p.done, total: p.total }),
  })
  const tagset = await store.tagset(run.signal ? { signal: run.signal } : {})
  const paths: PathTags[] = []
  for (const [i, mp] of m.paths.entries()) {
    const p = { ...picked[i]!, path: mp.path }
    const have = await tagset.tags(mp.path, run.signal ? { signal: run.signal } : {})
    const at = have.findIndex((t, k) => p.tags[k] !== t)
    if (at >= 0 || have.length !== p.tags.length)
      throw other(
        at >= 0
          ? `tag ${at} of path ${formatPath(mp.path)} differs (${storeFiles.tagset})`
          : `path ${formatPath(mp.path)} has ${p.tags.length} tags, ${have.length} in ${storeFiles.tagset}`,
      )
    paths.push(p)
  }
  return paths
}

/**
 * The store's library of a path with the new haplotypes' tiles numbered into it: the store's
 * variants first (counts grown by the new haplotypes carrying them), then the new ones of each
 * step in the order the new library has them. The haplotypes are the new ones, renumbered.
 */
async function mergeLibrary(store: Store, lib: PathLibrary, run: Run): Promise<PathLibrary> {
  const path = lib.path.path
  const sig = run.signal ? { signal: run.signal } : {}
  const counts = await store.counts(path, sig)
  if (counts.nSteps !== lib.nSteps)
    throw new ArgumentError(
      `${store.location}: path ${formatPath(path)} has ${counts.nSteps} steps, the reference gives ${lib.nSteps}`,
    )
  const variants: LibraryVariant[][] = []
  const remap: Int32Array[] = []
  for (let s = 0; s < lib.nSteps; s++) {
    if (s % 256 === 0) {
      checkAbort(run.signal)
      run.report({
        phase: `merging the library of path ${formatPath(path)}`,
        done: s,
        total: lib.nSteps,
      })
    }
    const seqs = await store.tiles(path, s, sig)
    const first = counts.stepStart[s]!
    const step: LibraryVariant[] = seqs.map((sequence, i) => ({
      sequence,
      md5: md5Hex(sequence),
      span: counts.span[first + i]!,
      count: counts.count[first + i]!,
    }))
    const known = new Map(step.map((v, i) => [`${v.span}:${v.md5}`, i]))
    const map = new Int32Array(lib.variants[s]!.length)
    for (const [i, v] of lib.variants[s]!.entries()) {
      let to = known.get(`${v.span}:${v.md5}`)
      if (to === undefined) {
        to = step.length
        step.push({ ...v, count: 0 })
      }
      step[to]!.count += v.count
      map[i] = to
    }
    variants.push(step)
    remap.push(map)
  }
  const refVariant = Int32Array.from(counts.refVariant, (v, s) =>
    v === NO_REF_VARIANT ? remap[s]![lib.refVariant[s]!]! : v,
  )
  const merged: PathLibrary = {
    path: lib.path,
    nSteps: lib.nSteps,
    variants,
    refVariant,
    nHaplotypes: lib.nHaplotypes,
    rows: (signal) => rowsOfHaplotypes(merged, signal),
    haplotype(h, out) {
      const values = lib.haplotype(h, out)
      for (let s = 0; s < values.length; s++) {
        const v = values[s]!
        if (v >= 0) values[s] = remap[s]![v]!
      }
      return values
    },
    nocalls: (h, step) => lib.nocalls(h, step),
    nocallLists: (h, out) => lib.nocallLists(h, out),
  }
  return merged
}

/** skipped.tsv.gz of the store and what reading the added samples skipped (a record listed once). */
async function mergeSkipped(
  store: Store,
  source: {
    overlaps: readonly OverlapSkip[]
    refMismatches: readonly { chrom: string; pos: number }[]
    unplaced: readonly { chrom: string; pos: number }[]
  },
  opts: AbortOptions,
) {
  const f = store.file(storeFiles.skipped)
  // stores built before the skip list lack it
  const text = await readSkippedText(f.handle, opts).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'ENOENT') return ''
    throw err
  })
  const old = parseSkipped(text)
  const union = (a: readonly { chrom: string; pos: number }[], b: typeof a) => {
    const seen = new Set(a.map((r) => `${r.chrom}:${r.pos}`))
    return [...a, ...b.filter((r) => !seen.has(`${r.chrom}:${r.pos}`))]
  }
  return {
    overlaps: [...old.overlaps, ...source.overlaps],
    refMismatches: union(old.refMismatches, source.refMismatches),
    unplaced: union(old.unplaced, source.unplaced),
  }
}
