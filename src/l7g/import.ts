// Node-only: an l7g dataset directory (layout.ts) → a store, written through the build's
// StoreWriter (so the layout, the file hashes and the manifest are the build's own).
//
// Per path, one at a time: the library (from the SGLF, else the 2bit tar, else built from every
// sample's FastJ as fjt -C | fjcsv2sglf do), then every sample's band of the path (decoded from
// its CGF, or matched from its FastJ as fjt -B does), which give the counts and the PathStructs
// (spilled to a scratch file as in the build). At the end every sample's CGF is written, with the
// library version of the whole library.
import { basename } from 'node:path'
import { LocalFile } from 'generic-filehandle2'
import { TarReader } from '../container/tar/reader.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { md5Hex } from '../core/md5.js'
import type { NamedFile } from '../core/filehandle.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { AssemblyReader } from '../formats/assembly/reader.js'
import type { Band } from '../formats/band/band.js'
import { bandFromFastj } from '../formats/band/fromFastj.js'
import { DEFAULT_TILE_MAP } from '../formats/cgf/defaultTileMap.js'
import { encodeCgfFromStructs, encodePathStruct } from '../formats/cgf/encode.js'
import { CgfReader } from '../formats/cgf/reader.js'
import { HEXIT_TILE_MAP, tileMapKeys } from '../formats/cgf/tileMap.js'
import { readFastj } from '../formats/fastj/reader.js'
import type { FastjRecord } from '../formats/fastj/reader.js'
import { SglfBuilder } from '../formats/sglf/build.js'
import {
  PathVersionHasher,
  libraryVersion,
  readSglfPath,
  sglfTileId,
} from '../formats/sglf/reader.js'
import type { SglfPath, SglfTile } from '../formats/sglf/reader.js'
import type { SglfTileInput } from '../formats/sglf/writer.js'
import { SpanTable } from '../formats/span/reader.js'
import { TagsetReader } from '../formats/tagset/reader.js'
import { NO_REF_VARIANT, encodeCounts } from '../library/counts.js'
import { sglfTilesOfTar } from '../library/tar.js'
import { stepMember } from '../library/tar-writer.js'
import { STORE_FORMAT, STORE_FORMAT_VERSION } from '../store/manifest.js'
import type { ManifestPath, ManifestSample, StoreManifest } from '../store/manifest.js'
import { StoreWriter } from '../store/writer.js'
import { PathStructSpill } from '../tiling/pathStructSpill.js'
import { openReference } from '../tiling/reference.js'
import type { ReferenceFasta } from '../tiling/reference.js'
import { findL7gLayout } from './layout.js'
import type { L7gLayout } from './layout.js'

export interface ImportL7gOptions extends AbortOptions {
  /** replace an existing store at `out` */
  force?: boolean
  /** write cgft's full 1024-entry tile map into every CGF (default: the 16 entries v3 uses) */
  fullTileMap?: boolean
  /**
   * The reference FASTA the assembly was made from: the counts file then names each step's
   * reference tile (as a built store's does) and the contigs get their full lengths
   */
  reference?: string
  onProgress?: ProgressCallback
  /** a remark on the input worth telling the user (spans read as decimal) */
  onNote?: (note: string) => void
}

const named = (name: string): NamedFile => ({ name, handle: new LocalFile(name) })

/** Every path's tags, from whichever tagset form the dataset has. */
async function readTags(layout: L7gLayout, opts: AbortOptions): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>()
  if (layout.tagset.kind === 'file') {
    const r = new TagsetReader(named(layout.tagset.file))
    for (const p of await r.paths(opts)) out.set(p, await r.tags(p, opts))
  } else {
    for (const [p, file] of layout.tagset.files)
      out.set(p, await new TagsetReader(named(file), { path: p }).tags(p, opts))
  }
  return out
}

function pathFromTiles(path: number, tiles: Iterable<SglfTileInput>): SglfPath {
  const lib: SglfPath = { path, version: 0, steps: new Map() }
  let line = 0
  for (const t of tiles) {
    const list = lib.steps.get(t.step) ?? []
    list.push({ ...t, version: t.version ?? 0, md5: md5Hex(t.seq), line: ++line })
    lib.steps.set(t.step, list)
  }
  return lib
}

/** FastJ records of one sample's path (read whole: the band needs them in step order). */
async function fastjOf(file: string, opts: AbortOptions): Promise<FastjRecord[]> {
  const out: FastjRecord[] = []
  for await (const r of readFastj(named(file), opts)) out.push(r)
  return out
}

/** The path's library, from the dataset's SGLF, its 2bit tar, or its samples' FastJ. */
async function libraryOf(
  layout: L7gLayout,
  path: number,
  tags: string[],
  spans: SpanTable | undefined,
  opts: AbortOptions,
): Promise<SglfPath> {
  const sglf = layout.sglf.get(path)
  if (sglf) {
    const lib = await readSglfPath(named(sglf), { ...opts, validate: true })
    if (lib.path !== path)
      throw new FormatError(`holds path ${formatPath(lib.path)}, expected ${formatPath(path)}`, {
        file: sglf,
      })
    return lib
  }
  const tar = layout.tars.get(path)
  if (tar) {
    const tiles = []
    for await (const t of sglfTilesOfTar(
      TarReader.open(tar, (n) => new LocalFile(n)),
      spans!,
      opts,
    ))
      tiles.push(t)
    return pathFromTiles(path, tiles)
  }
  if (layout.fastj.size === 0)
    throw new ArgumentError(`${layout.dir} has no library for path ${formatPath(path)}`)
  const builder = new SglfBuilder()
  for (const [sample, files] of layout.fastj) {
    const file = files.get(path)
    if (!file) throw new ArgumentError(`sample ${sample} has no FastJ for path ${formatPath(path)}`)
    for (const r of await fastjOf(file, opts)) {
      const { step, version } = r.header.tileID
      const span = r.header.seedTileLength
      builder.add(
        { path, version, step, variant: 0, span, md5: md5Hex(r.seq), seq: r.seq, line: r.line },
        file,
      )
    }
  }
  return pathFromTiles(path, builder.tiles(tags))
}

/**
 * Every tile inside the path's N steps (a step may have none: every sample spans it). A span that runs past the path's
 * end read as hex (spec §1.3) but ends inside it read as decimal (the radix the upstream docs
 * give, spec §17.1) is taken as decimal: 035e.1.sglf writes its 20 whole-path tiles `+35`/`+34`
 * (16.5 kb each, 35 steps). Returns how many spans were so read.
 */
function checkLibrary(lib: SglfPath, nSteps: number, where: string): number {
  let decimal = 0
  for (const [step, tiles] of lib.steps) {
    if (step >= nSteps)
      throw new FormatError(
        `the library has step ${step.toString(16)}, path ${formatPath(lib.path)} has ${nSteps} steps`,
        { file: where },
      )
    for (const t of tiles) {
      if (step + t.span <= nSteps) continue
      const digits = t.span.toString(16)
      const asDecimal = Number(digits)
      if (!/^\d+$/.test(digits) || step + asDecimal > nSteps)
        throw new FormatError(
          `${sglfTileId(t)} spans past the path's last step ${(nSteps - 1).toString(16)}`,
          { file: where, line: t.line },
        )
      t.span = asDecimal
      decimal++
    }
  }
  return decimal
}

export async function importL7g(
  dir: string,
  out: string,
  opts: ImportL7gOptions = {},
): Promise<StoreManifest> {
  const report = opts.onProgress ?? (() => undefined)
  const signal = opts.signal ? { signal: opts.signal } : {}
  const layout = await findL7gLayout(dir)
  const tags = await readTags(layout, signal)
  const a = layout.assembly
  const assembly = new AssemblyReader({
    gz: named(a.gz),
    gzi: a.fwi && a.gzi ? named(a.gzi) : undefined,
    fwi: a.fwi ? named(a.fwi) : undefined,
  })
  const infos = await assembly.paths(signal)
  const ref = opts.reference ? await openReference(opts.reference, signal) : undefined
  for (const info of ref ? infos : [])
    if (!ref!.has(info.chrom))
      throw new ArgumentError(
        `the assembly places path ${formatPath(info.path)} on ${info.chrom}, which ${opts.reference} lacks`,
      )
  const spans = layout.span ? await SpanTable.load(named(layout.span), signal) : undefined
  const samples = [...(layout.cgf.size ? layout.cgf.keys() : layout.fastj.keys())].sort()
  const cgfs = new Map(samples.map((s) => [s, layout.cgf.get(s)]))
  const tileMap = opts.fullTileMap ? DEFAULT_TILE_MAP : HEXIT_TILE_MAP
  const keys = tileMapKeys(tileMap)

  return StoreWriter.write(
    out,
    async (w) => {
      const pathTags = new Map(infos.map((i) => [i.path, tags.get(i.path)]))
      for (const [p, t] of pathTags)
        if (!t) throw new ArgumentError(`${dir}: the tagset has no tags for path ${formatPath(p)}`)
      await w.tagset(pathTags as Map<number, string[]>)
      const blocks = []
      for (const info of infos) {
        const { steps, ends } = await assembly.pathSteps(info.path, signal)
        const list = Array.from(steps, (step, i) => ({ step, end: ends[i]! }))
        blocks.push({ build: info.build, chrom: info.chrom, path: info.path, steps: list })
      }
      await w.assembly(a.build, blocks)

      const spill = await PathStructSpill.create(
        w.scratchFile('.pathstructs'),
        infos.length,
        samples.length,
      )
      try {
        const paths: ManifestPath[] = []
        const spanEntries: { path: number; step: number; variant: number; span: number }[] = []
        for (const [k, info] of infos.entries()) {
          checkAbort(opts.signal)
          report({ phase: 'importing paths', done: k, total: infos.length })
          const path = info.path
          const nSteps = pathTags.get(path)!.length + 1
          const lib = await libraryOf(layout, path, pathTags.get(path)!, spans, signal)
          const source = layout.sglf.get(path) ?? layout.tars.get(path) ?? dir
          const decimal = checkLibrary(lib, nSteps, source)
          if (decimal)
            opts.onNote?.(
              `${source}: ${decimal} tile span${decimal === 1 ? '' : 's'} past the end of path ${formatPath(path)} read as decimal (stored in hex)`,
            )
          const ordered = Array.from({ length: nSteps }, (_, s) => lib.steps.get(s) ?? [])
          const tiles = ordered.flat()
          await w.sglf(path, tiles)
          await w.libraryTar(
            path,
            ordered.map((t, step) => stepMember({ path, version: lib.version, step, tiles: t })),
          )
          const hasher = new PathVersionHasher()
          for (const t of tiles) {
            hasher.add(t)
            if (t.span !== 1) spanEntries.push(t)
          }
          // counts: the library's steps and spans, and the haplotypes carrying each variant
          const stepStart = new Uint32Array(nSteps + 1)
          ordered.forEach((t, s) => (stepStart[s + 1] = stepStart[s]! + t.length))
          const count = new Uint32Array(tiles.length)
          const span = Uint32Array.from(tiles, (t) => t.span)
          spill.beginPath(path)
          for (const [i, sample] of samples.entries()) {
            const band = await bandOf(layout, cgfs.get(sample), sample, path, lib, signal)
            if (band.variants[0].length !== nSteps)
              throw new FormatError(
                `path ${formatPath(path)} of sample ${sample} has ${band.variants[0].length} steps, the tagset ${nSteps}`,
                { file: cgfs.get(sample) ?? layout.fastj.get(sample)?.get(path) },
              )
            for (const allele of band.variants)
              allele.forEach((v, step) => {
                if (v >= 0) count[stepStart[step]! + v]!++
              })
            await spill.add(i, encodePathStruct(path, band, keys))
          }
          await spill.endPath()
          const tilesOfAsm = await assembly.pathTiles(path, signal)
          const refVariant = new Uint32Array(nSteps).fill(NO_REF_VARIANT)
          if (ref) {
            const missing = await referenceTiles(ref, info.chrom, tilesOfAsm, ordered, refVariant)
            if (missing)
              opts.onNote?.(
                `path ${formatPath(path)}: the library lacks the reference tile of ${missing} step${missing === 1 ? '' : 's'}`,
              )
          }
          await w.counts(path, encodeCounts({ stepStart, count, span, refVariant }))
          paths.push({
            path,
            chrom: info.chrom,
            start: tilesOfAsm[0]!.start,
            end: tilesOfAsm[tilesOfAsm.length - 1]!.end,
            steps: nSteps,
            variants: tiles.length,
            version: hasher.digest(),
          })
        }
        report({ phase: 'importing paths', done: infos.length, total: infos.length })
        await w.span(spanEntries)
        const version = libraryVersion(paths.map((p) => [p.path, p.version] as [number, string]))
        const manifestSamples: ManifestSample[] = []
        for (const [i, name] of samples.entries()) {
          const cgf = cgfs.get(name)
          if (cgf) await checkCgfVersion(cgf, version)
          const bytes = encodeCgfFromStructs(await spill.structsOf(i), {
            libraryVersion: version,
            tileMap,
          })
          manifestSamples.push({ name, phased: true, cgf: await w.genome(name, bytes) })
          report({ phase: 'writing genomes', done: i + 1, total: samples.length })
        }
        // the contigs the paths lie on: their length from the reference, else the last path's end
        const contigs: { name: string; length: number }[] = []
        for (const p of paths) {
          const c = contigs.find((x) => x.name === p.chrom)
          if (c) c.length = Math.max(c.length, p.end)
          else contigs.push({ name: p.chrom, length: p.end })
        }
        if (ref) for (const c of contigs) c.length = ref.length(c.name)
        return {
          format: STORE_FORMAT,
          formatVersion: STORE_FORMAT_VERSION,
          build: a.build,
          tagLength: 24,
          libraryVersion: version,
          contigs,
          paths,
          samples: manifestSamples,
          source: {
            reference: opts.reference
              ? basename(opts.reference)
              : `l7g dataset (assembly.00.${a.build}.fw.gz)`,
          },
          created: new Date().toISOString(),
          tool: 'lightning-tiles import-l7g',
        }
      } finally {
        await spill.close()
      }
    },
    { force: opts.force ?? false, ...signal, onProgress: report },
  )
}

/**
 * Each reference tile's variant (the library variant of the same span equal to the reference
 * there) into `refVariant` at its anchor step; steps inside a spanning reference tile, and those
 * whose reference tile the library lacks, stay NO_REF_VARIANT. Returns how many lack it.
 */
async function referenceTiles(
  ref: ReferenceFasta,
  chrom: string,
  tiles: { step: number; span: number; start: number; end: number }[],
  library: SglfTile[][],
  refVariant: Uint32Array,
): Promise<number> {
  let missing = 0
  for (const t of tiles) {
    const seq = await ref.fetch(chrom, t.start, t.end)
    const v = (library[t.step] ?? []).findIndex((x) => x.span === t.span && x.seq === seq)
    if (v >= 0) refVariant[t.step] = v
    else missing++
  }
  return missing
}

/** One sample's band of a path: decoded from its CGF, or matched from its FastJ (fjt -B). */
async function bandOf(
  layout: L7gLayout,
  cgf: string | undefined,
  sample: string,
  path: number,
  lib: SglfPath,
  opts: AbortOptions,
): Promise<Band> {
  if (cgf) {
    const reader = new CgfReader(named(cgf))
    return reader.band(path, opts)
  }
  const file = layout.fastj.get(sample)?.get(path)
  if (!file) throw new ArgumentError(`sample ${sample} has no FastJ for path ${formatPath(path)}`)
  return bandFromFastj(await fastjOf(file, opts), lib, file)
}

/**
 * A CGF names the library it was made against: cgft's placeholder `0.1.0` says nothing, a version
 * hash must be this library's.
 */
async function checkCgfVersion(cgf: string, version: string): Promise<void> {
  const v = (await new CgfReader(named(cgf)).getHeader()).libraryVersion
  if (/^[0-9a-f]{32}$/.test(v) && v !== version)
    throw new FormatError(
      `LibraryVersion is ${v}, the dataset's library is ${version}: the genome was made against another library`,
      { file: cgf },
    )
}
