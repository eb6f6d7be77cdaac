// Node-only: `lightning-tiles compact`: every path's matrix segments (segment 0 and those `add`
// wrote) merged into one matrix of all the store's haplotypes, in the manifest's sample order, so
// that a store that grew by many small adds reads one file per path again. The library, tile IDs
// and every other file are carried over unchanged; the answers stay the same.
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { MatrixWriter } from '../matrix/writer.js'
import { storeFiles } from './layout.js'
import type { StoreManifest } from './manifest.js'
import { openStore } from './node.js'
import { checkStoreQuick, keepFiles } from './rewriter.js'
import { StoreWriter } from './writer.js'
import { ArgumentError } from '../core/errors.js'

export interface CompactOptions extends AbortOptions {
  /** the store directory */
  store: string
  onProgress?: ProgressCallback
}

export interface CompactResult {
  manifest: StoreManifest
  /** segments per path before (1: the store was left as it was) */
  segments: number
}

/** Rows decoded and written at a time. */
const SLICE_ROWS = 256

export async function compactStore(opts: CompactOptions): Promise<CompactResult> {
  const sig = opts.signal ? { signal: opts.signal } : {}
  const report = opts.onProgress ?? (() => undefined)
  const dir = opts.store
  const store = openStore(dir)
  const old = await store.manifest(sig)
  if (!old.genotypes)
    throw new ArgumentError(
      `${dir} keeps its genotypes as CGFs only: there is no matrix to compact`,
    )
  const segments = old.genotypes.segments.length
  if (segments === 1) return { manifest: old, segments }
  await checkStoreQuick(dir, old)
  const matrices = new Set(
    old.genotypes.segments.flatMap((_, k) => old.paths.map((p) => storeFiles.genotypes(p.path, k))),
  )
  const manifest = await StoreWriter.write(
    dir,
    async (w) => {
      await keepFiles(w, dir, old, (rel) => matrices.has(rel))
      const total = old.paths.reduce((a, p) => a + p.steps, 0)
      let done = 0
      for (const p of old.paths) {
        const matrix = await store.matrix(p.path, sig)
        const { haplotypes } = await matrix.info(sig)
        const writer = await MatrixWriter.create(await w.genotypesFile(p.path), {
          path: p.path,
          haplotypes,
        })
        try {
          for await (const slice of matrix.slices({ ...sig, sliceRows: SLICE_ROWS })) {
            checkAbort(opts.signal)
            // the slice's no-calls by row: (haplotype, runs); columns are all haplotypes in order
            const byRow: [number, number[]][][] = Array.from({ length: slice.rows }, () => [])
            for (const n of slice.nocalls)
              byRow[n.row - slice.start]!.push([slice.haplotypes[n.column]!, n.runs])
            for (let r = 0; r < slice.rows; r++)
              await writer.addRow(
                slice.values.subarray(r * haplotypes, (r + 1) * haplotypes),
                byRow[r],
              )
            done += slice.rows
            report({ phase: `compacting path ${formatPath(p.path)}`, done, total })
          }
          await writer.close()
        } catch (err) {
          await writer.abort()
          throw err
        }
      }
      // the writer records the new files' hashes in place of the old ones
      return {
        ...old,
        genotypes: { segments: [{ samples: old.samples.map((s) => s.name) }] },
        // the same haplotypes in one segment: the allele index holds as it was
        ...(old.alleles ? { alleles: { ...old.alleles, segments: 1 } } : {}),
      }
    },
    { force: true, ...sig, onProgress: report },
  )
  return { manifest, segments }
}
