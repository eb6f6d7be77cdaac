// Node-only: writing an output file the way every writer of this project does: checked before
// any work, written to a temporary file beside it and renamed into place when complete, so an
// interrupted or failed run leaves what was there. Used by the CLI and by the library's file
// writers (imputation, panels).
import { createWriteStream } from 'node:fs'
import { lstat, stat } from 'node:fs/promises'
import type { AtomicStream } from './atomicWrite.js'
import { ArgumentError } from './errors.js'
import { fileError } from './nodeFile.js'

/**
 * Check `-o FILE` before any work: its folder must exist and it must not be a folder. Returns
 * whether FILE is written in place: a device, a pipe or a symbolic link (`/dev/stdout`, `>(...)`,
 * a link the user keeps), where renaming a temporary file over it would replace the link or node
 * instead of writing through it.
 */
export async function checkOutputFile(path: string, option = '-o'): Promise<boolean> {
  const st = await stat(path).catch(() => undefined)
  if (st?.isDirectory()) throw new ArgumentError(`${option} ${path} is a directory, not a file`)
  const link = await lstat(path).catch(() => undefined)
  if (link?.isSymbolicLink() || (st && !st.isFile())) return true
  const { dirname } = await import('node:path')
  const dir = dirname(path)
  const dst = await stat(dir).catch((err: unknown) => {
    throw fileError(err, `${option} ${path}: folder ${dir}`)
  })
  if (!dst.isDirectory()) throw new ArgumentError(`${option} ${path}: ${dir} is not a folder`)
  return false
}

/**
 * A stream to `path`: a temporary file beside it, renamed into place by commit() (abort() removes
 * it), or the path itself for a device, pipe or link. Write errors name `path`, not the temporary
 * file. Interrupted (SIGINT, SIGTERM) before commit or abort, the temporary file is removed and
 * the signal then ends the process as it would have.
 */
export async function openOutput(path: string): Promise<AtomicStream> {
  const inPlace = await checkOutputFile(path)
  const { createAtomicWriteStream } = await import('../core/atomicWrite.js')
  const out: AtomicStream = inPlace ? directStream(path) : createAtomicWriteStream(path)
  const signals = ['SIGINT', 'SIGTERM'] as const
  const onSignal = (signal: NodeJS.Signals) => {
    done()
    void out.abort().finally(() => process.kill(process.pid, signal))
  }
  const done = () => signals.forEach((s) => process.off(s, onSignal))
  signals.forEach((s) => process.once(s, onSignal))
  const named = (err: unknown) => fileError(err, `cannot write ${path}`)
  return {
    stream: out.stream,
    commit: () =>
      out
        .commit()
        .catch((err: unknown) => Promise.reject(named(err)))
        .finally(done),
    abort: () => out.abort().finally(done),
  }
}

function directStream(path: string): AtomicStream {
  const stream = createWriteStream(path)
  const closed = new Promise<void>((resolve, reject) => {
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  closed.catch(() => undefined) // reported by commit() (see createAtomicWriteStream)
  return {
    stream,
    async commit() {
      stream.end()
      await closed
    },
    async abort() {
      stream.destroy()
      await closed.catch(() => undefined)
    },
  }
}
