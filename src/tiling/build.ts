// Build a tiled store from a reference FASTA and a cohort VCF (the main job, DESIGN "Data flow"):
// pick tags → tagset + assembly; stream the VCF path by path → tiles per haplotype → per-path
// library (SGLF, 2bit-tar, counts, spans) and one PathStruct per sample; finally one CGF per
// sample and manifest.json. Everything is written into a temporary directory renamed into place.
//
// Memory: one path at a time — the path's reference, its records (carriers in typed arrays), its
// distinct tiles and each haplotype's non-reference tiles. Every sample's PathStruct of the path
// is appended to a spill file in the temporary directory as soon as it is encoded, and each CGF
// is assembled from that file at the end, so no N × paths structs are held.
import { mkdir, open, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { writeTarBgzf } from '../container/tar/writer.js'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatStepId, formatTileId } from '../core/tileId.js'
import { writeAssembly } from '../formats/assembly/writer.js'
import { encodeCgfFromStructs, encodePathStruct } from '../formats/cgf/encode.js'
import { DEFAULT_TILE_MAP } from '../formats/cgf/defaultTileMap.js'
import { HEXIT_TILE_MAP, tileMapKeys } from '../formats/cgf/tileMap.js'
import { libraryVersion, PathVersionHasher } from '../formats/sglf/reader.js'
import { writeFastj } from '../formats/fastj/writer.js'
import { writeSglf } from '../formats/sglf/writer.js'
import type { SglfTileInput } from '../formats/sglf/writer.js'
import { writeSpanFile } from '../formats/span/writer.js'
import { writeTagset2bit } from '../formats/tagset/writer.js'
import { encodeTwoBit } from '../formats/twobit/writer.js'
import { buildDirectoryAtomic } from '../core/atomicWrite.js'
import { encodeCounts, NO_REF_VARIANT } from '../library/counts.js'
import { storeFiles } from '../store/layout.js'
import { STORE_FORMAT, STORE_FORMAT_VERSION } from '../store/manifest.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import { fastjRecordsOf } from './fastj.js'
import { findFastaPairs, tileFastaHaplotype } from './fastaPairs.js'
import type { FastaPair } from './fastaPairs.js'
import { VcfHaplotypeSource } from './haplotypes.js'
import type { OverlapSkip } from './haplotypes.js'
import { openReference } from './reference.js'
import type { ReferenceFasta } from './reference.js'
import { pickTags, readPathBed, stepCount, stepEnd } from './tags.js'
import type { PathTags } from './tags.js'
import { PathLibraryBuilder } from './tiles.js'
import type { PathLibrary } from './tiles.js'

export interface BuildOptions extends AbortOptions {
  reference: string
  /** the cohort as a VCF (bgzipped or plain) ... */
  vcf?: string
  /** ... or as Lightning-style FASTA haplotype pairs NAME.1.fa[.gz], NAME.2.fa[.gz] */
  fasta?: string[]
  out: string
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
  /** write cgft's full 1024-entry tile map into every CGF (default: the 16 entries v3 uses) */
  fullTileMap?: boolean
  onProgress?: ProgressCallback
}

export interface BuildResult {
  manifest: StoreManifest
  /** overlapping variants skipped per haplotype, as bcftools consensus skips them */
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
}

/** Where the haplotypes come from: a cohort VCF or FASTA haplotype pairs. */
interface HaplotypeInput {
  samples: string[]
  unphased: ReadonlySet<string>
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  /** Each path's library, in path order; `progress(p, h)` as haplotype h of path p is added. */
  libraries(
    paths: PathTags[],
    progress: (p: PathTags, h: number) => void,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<PathLibrary>
}

/** A VCF streamed path by path: one path's records and tiles in memory at a time. */
function vcfInput(source: VcfHaplotypeSource, ref: ReferenceFasta): HaplotypeInput {
  return {
    samples: source.samples,
    unphased: source.unphased,
    overlaps: source.overlaps,
    refMismatches: source.refMismatches,
    async *libraries(paths, progress, signal) {
      const byNumber = new Map<number, PathTags>(paths.map((p) => [p.path, p]))
      for await (const ph of source.paths(paths, { signal })) {
        const p = byNumber.get(ph.path.path)!
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        const builder = new PathLibraryBuilder(p, refSeq, ph.nHaplotypes)
        for (let h = 0; h < ph.nHaplotypes; h++) {
          progress(p, h)
          builder.addEdits(h, ph.edits(h))
        }
        yield builder.finish()
      }
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
    async *libraries(paths, progress, signal) {
      const builders = new Map<number, PathLibraryBuilder>()
      for (const p of paths) {
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        builders.set(p.path, new PathLibraryBuilder(p, refSeq, 2 * pairs.length))
      }
      for (const [i, pair] of pairs.entries())
        for (const [a, file] of pair.files.entries()) {
          checkAbort(signal)
          progress(paths[0]!, 2 * i + a)
          for (const [path, tiles] of tileFastaHaplotype(file, paths))
            builders.get(path)!.add(2 * i + a, tiles)
        }
      for (const p of paths) yield builders.get(p.path)!.finish()
    },
  }
}

/** `20.1-4000000.fa.gz` → `20.1-4000000`, made safe for `assembly.00.BUILD.fw.gz`. */
export function buildName(reference: string): string {
  return basename(reference)
    .replace(/\.(gz|bgz)$/, '')
    .replace(/\.(fa|fasta|fna)$/, '')
    .replace(/[^\w.-]/g, '_')
}

/** The 2bit member `PPPP.00.SSSS.2bit` of every step: its variants in order, lower case. */
function* tarMembers(lib: PathLibrary): Generator<{ name: string; data: Uint8Array }> {
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

function* sglfTiles(lib: PathLibrary): Generator<SglfTileInput> {
  for (let s = 0; s < lib.nSteps; s++)
    for (const [i, v] of (lib.variants[s] ?? []).entries())
      yield { path: lib.path.path, step: s, variant: i, span: v.span, seq: v.sequence }
}

function countsOf(lib: PathLibrary): Uint8Array {
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

/** The variants the build left out, one per line (1-based POS, haplotype 1|2, '.' for all). */
function skippedTsv(source: HaplotypeInput): string {
  const lines = ['#CHROM\tPOS\tSAMPLE\tHAPLOTYPE\tREASON']
  for (const o of source.overlaps)
    lines.push(`${o.chrom}\t${o.pos}\t${o.sample}\t${o.haplotype}\toverlaps an applied variant`)
  for (const r of source.refMismatches) lines.push(`${r.chrom}\t${r.pos}\t.\t.\tREF mismatch`)
  return lines.join('\n') + '\n'
}

export async function buildStore(opts: BuildOptions): Promise<BuildResult> {
  const report = opts.onProgress ?? (() => undefined)
  const signal = opts.signal
  const ref = await openReference(opts.reference, { signal })
  if ((opts.vcf === undefined) === (opts.fasta === undefined))
    throw new ArgumentError('give the haplotypes as a VCF or as FASTA pairs (one of the two)')
  let source: HaplotypeInput
  if (opts.vcf !== undefined) {
    const vcf = await VcfHaplotypeSource.open(opts.vcf, ref, {
      signal,
      ...(opts.samples ? { samples: opts.samples } : {}),
      ...(opts.skipRefMismatch ? { skipRefMismatch: true } : {}),
    })
    source = vcfInput(vcf, ref)
  } else {
    let pairs = findFastaPairs(opts.fasta!)
    if (opts.samples) {
      const byName = new Map(pairs.map((p) => [p.sample, p]))
      pairs = opts.samples.map((name) => {
        const pair = byName.get(name)
        if (!pair) throw new ArgumentError(`sample ${name} has no FASTA pair`)
        return pair
      })
    }
    source = fastaInput(pairs, ref)
  }
  const build = opts.build ?? buildName(opts.reference)
  const names = { pick: 'picking tags', tile: 'tiling haplotypes', write: 'writing genomes' }
  const paths = await pickTags(ref, {
    signal,
    ...(opts.pathLength ? { pathLength: opts.pathLength } : {}),
    ...(opts.pathBed ? { boundaries: readPathBed(opts.pathBed) } : {}),
    onProgress: (p) =>
      report({ phase: `${names.pick} (${p.phase})`, done: p.done, total: p.total }),
  })

  const manifest = await buildDirectoryAtomic(opts.out, async (dir) => {
    await mkdir(join(dir, 'library'))
    await mkdir(join(dir, 'sglf'))
    await mkdir(join(dir, 'genomes'))
    await writeTagset2bit(join(dir, storeFiles.tagset), new Map(paths.map((p) => [p.path, p.tags])))
    await writeAssembly(
      join(dir, storeFiles.assembly(build)),
      paths.map((p) => ({
        build,
        chrom: p.chrom,
        path: p.path,
        steps: Array.from({ length: stepCount(p) }, (_, s) => ({ step: s, end: stepEnd(p, s) })),
      })),
      { signal, fwi: join(dir, storeFiles.assemblyFwi(build)) },
    )

    const nSamples = source.samples.length
    const tileMap = opts.fullTileMap ? DEFAULT_TILE_MAP : HEXIT_TILE_MAP
    const keys = tileMapKeys(tileMap)
    // PathStruct of (path k, sample i) at spillAt[k * nSamples + i] in the spill file
    const spillFile = join(dir, '.pathstructs')
    const spill = await open(spillFile, 'w+')
    const spillAt = new Float64Array(paths.length * nSamples)
    const spillLength = new Uint32Array(paths.length * nSamples)
    let spillEnd = 0
    const spilled: number[] = []
    const spans: { path: number; step: number; variant: number; span: number }[] = []
    const pathVersions = new Map<number, string>()
    const manifestPaths: ManifestPath[] = []
    const totalBases = paths.reduce((a, p) => a + p.end - p.start, 0)
    let basesDone = 0
    let libVersion: string
    const samples: StoreManifest['samples'] = []
    try {
      const progress = (p: PathTags, h: number) => {
        if (h % 64 !== 0) return
        checkAbort(signal)
        report({
          phase: names.tile,
          done: basesDone + Math.round(((p.end - p.start) * h) / (2 * nSamples)),
          total: totalBases,
        })
      }
      for await (const lib of source.libraries(paths, progress, signal)) {
        const p = lib.path
        basesDone += p.end - p.start
        report({ phase: names.tile, done: basesDone, total: totalBases })

        await writeSglf(join(dir, storeFiles.sglf(p.path)), sglfTiles(lib), { signal })
        await writeTarBgzf(join(dir, storeFiles.libraryTar(p.path)), tarMembers(lib))
        await writeFileAtomic(join(dir, storeFiles.libraryCounts(p.path)), countsOf(lib))
        const hasher = new PathVersionHasher()
        let nVariants = 0
        for (const t of sglfTiles(lib)) {
          hasher.add({ ...t, version: 0, md5: '' })
          nVariants++
          if (t.span !== 1)
            spans.push({ path: t.path, step: t.step, variant: t.variant, span: t.span })
        }
        const version = hasher.digest()
        pathVersions.set(p.path, version)
        manifestPaths.push({
          path: p.path,
          chrom: p.chrom,
          start: p.start,
          end: p.end,
          steps: lib.nSteps,
          variants: nVariants,
          version,
        })
        const k = spilled.length
        spilled.push(p.path)
        let batch: Uint8Array[] = []
        let batchBytes = 0
        const flush = async (): Promise<void> => {
          if (batchBytes === 0) return
          const { bytesWritten } = await spill.writev(batch, spillEnd)
          if (bytesWritten !== batchBytes) throw new Error(`short write to ${spillFile}`)
          spillEnd += batchBytes
          batch = []
          batchBytes = 0
        }
        // one band buffer for every sample of the path
        const variants = [new Int32Array(lib.nSteps), new Int32Array(lib.nSteps)] as const
        const nocalls = [new Array<number[]>(lib.nSteps), new Array<number[]>(lib.nSteps)] as const
        for (let i = 0; i < nSamples; i++) {
          if (i % 64 === 0) checkAbort(signal)
          for (const a of [0, 1] as const) {
            lib.haplotype(2 * i + a, variants[a])
            lib.nocallLists(2 * i + a, nocalls[a])
          }
          const bytes = encodePathStruct(p.path, { variants, nocalls }, keys)
          spillAt[k * nSamples + i] = spillEnd + batchBytes
          spillLength[k * nSamples + i] = bytes.length
          batch.push(bytes)
          batchBytes += bytes.length
          if (batchBytes >= 1 << 22) await flush()
          if (opts.fastj) {
            const file = join(dir, storeFiles.fastj(source.samples[i]!, p.path))
            await mkdir(dirname(file), { recursive: true })
            await writeFastj(file, fastjRecordsOf(lib, i, build), { signal })
          }
        }
        await flush()
      }

      await writeSpanFile(join(dir, storeFiles.span), spans, { signal })
      libVersion = libraryVersion(pathVersions)
      for (let i = 0; i < nSamples; i++) {
        checkAbort(signal)
        const name = source.samples[i]!
        const cgf = storeFiles.genome(name)
        const structs: { path: number; bytes: Uint8Array }[] = []
        for (const [k, path] of spilled.entries()) {
          const bytes = new Uint8Array(spillLength[k * nSamples + i]!)
          const { bytesRead } = await spill.read(bytes, 0, bytes.length, spillAt[k * nSamples + i]!)
          if (bytesRead !== bytes.length) throw new Error(`short read from ${spillFile}`)
          structs.push({ path, bytes })
        }
        await writeFileAtomic(
          join(dir, cgf),
          encodeCgfFromStructs(structs, { libraryVersion: libVersion, tileMap }),
        )
        samples.push({ name, phased: !source.unphased.has(name), cgf })
        report({ phase: names.write, done: i + 1, total: nSamples })
      }
    } finally {
      await spill.close()
    }
    await rm(spillFile)

    const m: StoreManifest = {
      format: STORE_FORMAT,
      formatVersion: STORE_FORMAT_VERSION,
      build,
      tagLength: 24,
      libraryVersion: libVersion,
      contigs: ref.contigs.map((c) => ({ name: c.name, length: c.length })),
      paths: manifestPaths,
      samples,
      source: {
        reference: basename(opts.reference),
        ...(opts.vcf ? { vcf: basename(opts.vcf) } : {}),
        ...(opts.fasta ? { fasta: opts.fasta.map((f) => basename(f)) } : {}),
        skippedOverlaps: source.overlaps.length,
        skippedRefMismatches: source.refMismatches.length,
      },
      created: new Date().toISOString(),
      tool: 'lightning-tiles',
    }
    await writeFileAtomic(join(dir, storeFiles.skipped), skippedTsv(source))
    await writeFileAtomic(join(dir, storeFiles.manifest), JSON.stringify(m, null, 2) + '\n')
    return m
  })
  return { manifest, overlaps: source.overlaps, refMismatches: source.refMismatches }
}
