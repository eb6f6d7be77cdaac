// Node-only: write files and directories so that a failure never leaves a half-written result.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'

// `.NAME.tmp-PID-HEX`: the pid lets a later run tell the leftovers of a dead process from the
// work of a live one (removeStaleTemps).
function tempName(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  )
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/**
 * Remove what killed runs left beside `target`: temporary files or directories of `target` whose
 * process is gone. A `.old` copy (the previous `target`, moved aside while the new one was renamed
 * into place) is put back when the run died before `target` existed again, never removed then.
 * Returns the names removed or restored. Temporary names hold no host name: on a file system shared
 * by several machines a live run elsewhere may look dead here (the same pid being free locally).
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target)
  const prefix = `.${basename(target)}.tmp-`
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const done: string[] = []
  for (const name of names) {
    const m = /^(\d+)-[0-9a-f]{8}(\.old)?$/.exec(name.slice(prefix.length))
    if (!name.startsWith(prefix) || !m || isAlive(Number(m[1]))) continue
    const file = join(dir, name)
    if (m[2] && !(await exists(target))) await rename(file, target)
    else await rm(file, { recursive: true, force: true })
    done.push(name)
  }
  return done
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
 * succeeds. An existing `target` is replaced only then; on failure (an abort too) the temporary
 * directory is removed and `target` is untouched. Leftovers of killed runs are removed first.
 */
export async function buildDirectoryAtomic<T>(
  target: string,
  fill: (dir: string) => Promise<T>,
): Promise<T> {
  await mkdir(dirname(target), { recursive: true })
  await removeStaleTemps(target)
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
