// Node-only: `build --threads N`. Paths are independent once the tags are picked, so the tags are
// picked once, N worker threads each build a partial store of a run of paths (buildWorker.ts),
// and mergeStores joins them into the store one thread builds, file for file. Each worker reads
// the VCF from its start up to its last path (the state a path's first records need comes from
// the records before it), so the speed-up is less than N.
import { mkdtemp, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { LightningError, checkAbort } from '../core/errors.js'
import type { Progress } from '../core/progress.js'
import { prepareStoreTarget } from '../store/writer.js'
import { buildStore, writeBuildTags } from './build.js'
import type { BuildOptions, BuildResult } from './build.js'
import { mergeStores } from './merge.js'
import { checkInputs } from './inputs.js'
import { readTagsFile } from './tagsFile.js'
import { openReference } from './reference.js'

/** Runs of consecutive paths of about equal length, at most `n`. */
function pathRanges(lengths: number[], n: number): { first: number; last: number }[] {
  const total = lengths.reduce((a, b) => a + b, 0)
  const out: { first: number; last: number }[] = []
  let first = 0
  let acc = 0
  for (const [i, len] of lengths.entries()) {
    acc += len
    const share = (total * (out.length + 1)) / n
    if ((acc >= share && out.length < n - 1) || i === lengths.length - 1) {
      out.push({ first, last: i })
      first = i + 1
    }
  }
  return out
}

/** One partial build in a worker thread. */
function runWorker(
  opts: BuildOptions,
  onProgress: (p: Progress) => void,
  signal: AbortSignal | undefined,
): Promise<Omit<BuildResult, 'manifest'>> {
  // the options but the signal and callback, which cannot cross to a thread
  const data: BuildOptions = { ...opts }
  delete data.signal
  delete data.onProgress
  const worker = new Worker(new URL('./buildWorker.js', import.meta.url), { workerData: data })
  const abort = () => worker.postMessage('abort')
  signal?.addEventListener('abort', abort)
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { progress?: Progress; result?: BuildResult; error?: Error }) => {
      if (m.progress) onProgress(m.progress)
      else if (m.result) {
        resolve(m.result)
        // its message port would keep it, and this process, alive
        void worker.terminate()
      } else if (m.error) {
        const err = new LightningError(m.error.message)
        err.name = m.error.name
        reject(err)
        void worker.terminate()
      }
    })
    worker.on('error', reject)
    worker.once('exit', () => {
      signal?.removeEventListener('abort', abort)
      reject(new Error('build worker exited without a result'))
    })
  })
}

/** buildStore with its paths built by up to `threads` worker threads. */
export async function buildStoreParallel(
  opts: BuildOptions,
  threads: number,
): Promise<BuildResult> {
  // partial builds read a VCF; CGFs and FastJ need every haplotype of a path at once
  if (threads <= 1 || opts.paths || opts.cgf || opts.fastj || opts.vcf === undefined)
    return buildStore(opts)
  // the checks buildStore makes before any work, so a bad input fails before the tags are picked
  await prepareStoreTarget(opts.out, opts)
  await checkInputs(opts)
  const report = opts.onProgress ?? (() => undefined)
  // a failed worker aborts the others (each removes its partial store and ends)
  const failed = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, failed.signal]) : failed.signal
  const out = opts.out.replace(/\/+$/, '')
  const dir = await mkdtemp(join(dirname(out), `.${basename(out)}.parts-`))
  try {
    let tags = opts.tags
    if (tags === undefined) {
      tags = join(dir, 'tags.json')
      await writeBuildTags({ ...opts, out: tags })
    }
    const ref = await openReference(opts.reference, { signal: opts.signal })
    const paths = await readTagsFile(tags, ref)
    const ranges = pathRanges(
      paths.map((p) => p.end - p.start),
      threads,
    )
    if (ranges.length === 1) return await buildStore({ ...opts, tags })
    const progress = ranges.map(() => ({ done: 0, total: 0 }))
    const parts = ranges.map((_, i) => join(dir, `part${i}`))
    const results = await Promise.all(
      ranges.map((paths, i) =>
        runWorker(
          { ...opts, tags, paths, out: parts[i]!, force: false },
          (p) => {
            if (p.phase !== 'tiling haplotypes') return
            progress[i] = { done: p.done, total: p.total ?? 0 }
            const sum = (k: 'done' | 'total') => progress.reduce((a, q) => a + q[k], 0)
            report({ phase: p.phase, done: sum('done'), total: sum('total') })
          },
          signal,
        ).catch((err: unknown) => {
          failed.abort()
          throw err
        }),
      ),
    )
    checkAbort(opts.signal)
    const manifest = await mergeStores(parts, {
      out: opts.out,
      ...(opts.force ? { force: true } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: report,
    })
    return {
      manifest,
      overlaps: results.flatMap((r) => r.overlaps),
      refMismatches: results.flatMap((r) => r.refMismatches),
      unplaced: results[results.length - 1]!.unplaced,
      contigRenames: results[results.length - 1]!.contigRenames,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
