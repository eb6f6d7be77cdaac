// Join partial stores (`build --paths A-B`, threads, the CWL workflow) into the store one build of
// every path makes, file for file: the paths' files are copied, the span file and skipped.tsv.gz
// concatenated in path order, the manifest made as the build makes it.
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { LocalFile } from 'generic-filehandle2'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { libraryVersion } from '../formats/sglf/reader.js'
import { readSpans } from '../formats/span/reader.js'
import type { SpanEntry } from '../formats/span/reader.js'
import { storeFiles } from '../store/layout.js'
import { parseManifest } from '../store/manifest.js'
import type { StoreManifest } from '../store/manifest.js'
import { parseSkipped, readSkippedText } from '../store/skipped.js'
import type { Skipped } from '../store/skipped.js'
import { StoreWriter } from '../store/writer.js'
import { indexAlleles } from '../alleles/writer.js'

export interface MergeOptions extends AbortOptions {
  /** the store to write: new, empty, or with `force` a store to replace */
  out: string
  force?: boolean
  onProgress?: ProgressCallback
}

interface Part {
  dir: string
  m: StoreManifest
}

/** The fields every partial of one store shares (they were built from the same inputs and tags). */
function sameInputs(m: StoreManifest): string {
  const { format, formatVersion, build, tagLength, contigs, genotypes, source } = m
  return JSON.stringify({
    format,
    formatVersion,
    build,
    tagLength,
    contigs,
    genotypes,
    reference: source.reference,
    vcf: source.vcf,
    pathCount: m.partial?.pathCount,
    tagset: m.files?.[storeFiles.tagset],
    assembly: m.files?.[storeFiles.assembly(build)],
  })
}

/** Read and check the partial stores: same inputs and tags, their paths every path once. */
async function readParts(dirs: string[]): Promise<Part[]> {
  const parts: Part[] = []
  for (const dir of dirs) {
    const file = join(dir, storeFiles.manifest)
    const m = parseManifest(await readFile(file, 'utf8'), file, { partial: true })
    if (!m.partial)
      throw new ArgumentError(`${dir} is a whole store, not a partial one (build --paths)`)
    if (m.paths.length === 0) throw new ArgumentError(`${dir} holds no path`)
    parts.push({ dir, m })
  }
  parts.sort((a, b) => a.m.paths[0]!.path - b.m.paths[0]!.path)
  const first = parts[0]
  if (!first) throw new ArgumentError('merge needs the partial stores to join')
  for (const p of parts)
    if (sameInputs(p.m) !== sameInputs(first.m))
      throw new ArgumentError(
        `${p.dir} and ${first.dir} were not built from the same reference, tags, VCF and samples`,
      )
  let next = 0
  for (const p of parts)
    for (const q of p.m.paths) {
      if (q.path !== next)
        throw new ArgumentError(
          q.path < next
            ? `path ${formatPath(q.path)} is in two of the stores (${p.dir})`
            : `path ${formatPath(next)} is in none of the stores`,
        )
      next++
    }
  if (next !== first.m.partial!.pathCount)
    throw new ArgumentError(`path ${formatPath(next)} is in none of the stores`)
  return parts
}

/** Join partial stores of every path into one store at `opts.out`; returns its manifest. */
export async function mergeStores(dirs: string[], opts: MergeOptions): Promise<StoreManifest> {
  const parts = await readParts(dirs)
  const last = parts[parts.length - 1]!
  const merged = new Set([
    storeFiles.manifest,
    storeFiles.span,
    storeFiles.skipped,
    storeFiles.sites,
    storeFiles.sitesIndex,
  ])
  const build = last.m.build
  const shared = new Set([
    storeFiles.tagset,
    storeFiles.assembly(build),
    storeFiles.assemblyGzi(build),
    storeFiles.assemblyFwi(build),
  ])
  const total = parts.reduce((a, p) => a + Object.keys(p.m.files ?? {}).length, 0)
  await StoreWriter.write(
    opts.out,
    async (w) => {
      let done = 0
      for (const [i, p] of parts.entries())
        for (const rel of Object.keys(p.m.files ?? {})) {
          checkAbort(opts.signal)
          // the site table is read to the VCF's end: by the partial holding the last path
          const take = merged.has(rel)
            ? p === last && (rel === storeFiles.sites || rel === storeFiles.sitesIndex)
            : !shared.has(rel) || i === 0
          if (take) await w.copy(rel, join(p.dir, rel))
          opts.onProgress?.({ phase: 'copying files', done: ++done, total })
        }
      const spans: SpanEntry[] = []
      const skipped: Skipped[] = []
      for (const p of parts) {
        const name = join(p.dir, storeFiles.span)
        for await (const e of readSpans({ name, handle: new LocalFile(name) }, opts)) spans.push(e)
        skipped.push(
          parseSkipped(await readSkippedText(new LocalFile(join(p.dir, storeFiles.skipped)))),
        )
      }
      await w.span(spans)
      const all: Skipped = {
        overlaps: skipped.flatMap((s) => s.overlaps),
        refMismatches: skipped.flatMap((s) => s.refMismatches),
        // records on contigs without a path: seen by the partial that reads to the end
        unplaced: skipped[skipped.length - 1]!.unplaced,
      }
      await w.skipped(all)
      const paths = parts.flatMap((p) => p.m.paths)
      const { source } = last.m
      // the fields in the order the build writes them (manifestStage), the partial's left out
      return {
        format: last.m.format,
        formatVersion: last.m.formatVersion,
        build,
        tagLength: last.m.tagLength,
        libraryVersion: libraryVersion(new Map(paths.map((p) => [p.path, p.version]))),
        contigs: last.m.contigs,
        paths,
        samples: last.m.samples,
        ...(last.m.genotypes ? { genotypes: last.m.genotypes } : {}),
        source: {
          ...source,
          skippedOverlaps: all.overlaps.length,
          skippedRefMismatches: all.refMismatches.length,
          skippedUnplaced: all.unplaced.length,
        },
        created: new Date().toISOString(),
        tool: last.m.tool,
      }
    },
    {
      force: opts.force ?? false,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    },
  )
  // the paths are whole only now: their allele index is written here, not in the parts
  return (await indexAlleles(opts.out, opts)).manifest
}
