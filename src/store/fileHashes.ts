// The size and md5 of a store's files, as manifest.json records them (`files`), and the check of a
// store against them: a damaged file is then named by its own bytes, not by the first reader that
// trips over it. Browser-safe: files are read through a caller's opener in ranged reads.
//
// MD5 (spark-md5, fed chunk by chunk) rather than SHA-256 through WebCrypto: crypto.subtle.digest
// takes one buffer (a whole library tar in memory) and browsers offer it only in secure contexts
// (not for a store served over plain http from another host). These hashes find damage, not
// forgery, and Lightning already names tile sequences by their md5.
import type { GenericFilehandle } from 'generic-filehandle2'
import SparkMD5 from 'spark-md5'
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { FileHash } from './manifest.js'

export type { FileHash }

const CHUNK = 1 << 20

/** Size and md5 of the whole file behind `handle`, read in chunks of 1 MiB. */
export async function hashFile(
  handle: GenericFilehandle,
  opts: AbortOptions = {},
): Promise<FileHash> {
  const readOpts = opts.signal ? { signal: opts.signal } : {}
  const { size } = await handle.stat()
  const md5 = new SparkMD5.ArrayBuffer()
  for (let pos = 0; pos < size; pos += CHUNK) {
    checkAbort(opts.signal)
    const want = Math.min(CHUNK, size - pos)
    const bytes = await handle.read(want, pos, readOpts)
    if (bytes.length !== want) return { size: pos + bytes.length, md5: '' }
    // spark-md5 copies what it is given into its own buffer: a view is safe to pass
    md5.append(bytes as unknown as ArrayBuffer)
  }
  return { size, md5: md5.end() }
}

/** A file whose bytes are not what the manifest recorded (or that cannot be read). */
export interface HashProblem {
  file: string
  message: string
}

/**
 * Hash every file of `files` (name relative to the store → recorded size and md5) and return those
 * that differ, in the order given. `onFile` reports progress after each file.
 */
export async function checkFileHashes(
  open: (rel: string) => GenericFilehandle,
  files: Readonly<Record<string, FileHash>>,
  opts: AbortOptions & { onFile?: (done: number, total: number) => void } = {},
): Promise<HashProblem[]> {
  const problems: HashProblem[] = []
  const entries = Object.entries(files)
  for (const [i, [file, want]] of entries.entries()) {
    checkAbort(opts.signal)
    let got: FileHash
    try {
      got = await hashFile(open(file), opts)
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      problems.push({ file, message: `missing or unreadable (${(err as Error).message})` })
      continue
    }
    if (got.size !== want.size)
      problems.push({
        file,
        message: `${got.size} bytes, manifest.json records ${want.size}: the file is damaged or truncated`,
      })
    else if (got.md5 !== want.md5)
      problems.push({
        file,
        message: `md5 of the contents is ${got.md5}, manifest.json records ${want.md5}: the file is damaged`,
      })
    opts.onFile?.(i + 1, entries.length)
  }
  return problems
}
