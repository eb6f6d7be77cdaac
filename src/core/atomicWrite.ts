// Node-only: write files and directories so that a failure never leaves a half-written result.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'

function tempName(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  )
}

/** Write `data` to a temporary file beside `target`, then rename it into place. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(target)
  try {
    await writeFile(tmp, data)
    await rename(tmp, target)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** A stream to a temporary file; `commit()` renames it into place, `abort()` removes it. */
export interface AtomicStream {
  stream: Writable
  commit(): Promise<void>
  abort(): Promise<void>
}

export function createAtomicWriteStream(target: string): AtomicStream {
  const tmp = tempName(target)
  const stream = createWriteStream(tmp)
  const closed = new Promise<void>((resolve, reject) => {
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  // an error before commit() or abort() (the temporary file cannot be opened) is theirs to
  // report: without this the rejection would be unhandled until then and end the process
  closed.catch(() => undefined)
  return {
    stream,
    async commit() {
      stream.end()
      await closed
      await rename(tmp, target)
    },
    async abort() {
      stream.destroy()
      await closed.catch(() => undefined)
      await rm(tmp, { force: true })
    },
  }
}

/**
 * Build a directory under a temporary name beside `target` and rename it into place when `fill`
 * succeeds. An existing `target` is replaced only then; on failure the temporary directory is
 * removed and `target` is untouched.
 */
export async function buildDirectoryAtomic<T>(
  target: string,
  fill: (dir: string) => Promise<T>,
): Promise<T> {
  await mkdir(dirname(target), { recursive: true })
  const tmp = tempName(target)
  await mkdir(tmp)
  try {
    const result = await fill(tmp)
    const old = `${tmp}.old`
    let hadOld = false
    try {
      await rename(target, old)
      hadOld = true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    await rename(tmp, target)
    if (hadOld) await rm(old, { recursive: true, force: true })
    return result
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
}
