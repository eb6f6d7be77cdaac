import type { GenericFilehandle } from 'generic-filehandle2'
import { RemoteFile } from 'generic-filehandle2'
import { AbortError, LightningError, NotFoundError, checkAbort } from './errors.js'
import type { AbortOptions } from './errors.js'

/** A file name (for error messages) with the handle that reads it. */
export interface NamedFile {
  name: string
  handle: GenericFilehandle
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** Join a store location (directory path or URL) and a relative member path. */
export function joinLocation(base: string, rel: string): string {
  return base.endsWith('/') ? base + rel : `${base}/${rel}`
}

/**
 * `length` bytes at `position` (fewer at the end of the file), as `fh.read` gives them; an abort
 * of `opts.signal` cancels the request and rejects with our AbortError (fetch's is a DOMException).
 */
export async function readAt(
  fh: GenericFilehandle,
  length: number,
  position: number,
  opts: AbortOptions = {},
): Promise<Uint8Array> {
  const { signal } = opts
  checkAbort(signal)
  let bytes: Uint8Array
  try {
    bytes = await fh.read(length, position, signal ? { signal } : {})
  } catch (err) {
    checkAbort(signal)
    throw err
  }
  checkAbort(signal)
  return bytes
}

/** Read a whole (small) file as text; `opts.signal` as for readAt. */
export async function readText(fh: GenericFilehandle, opts: AbortOptions = {}): Promise<string> {
  const { signal } = opts
  checkAbort(signal)
  try {
    return new TextDecoder().decode(await fh.readFile(signal ? { signal } : {}))
  } catch (err) {
    checkAbort(signal)
    throw err
  }
}

/** Rethrow a file system or HTTP error as a NotFoundError naming the file (ours pass through). */
export function unreadable(file: string, err: unknown): never {
  if (err instanceof LightningError || err instanceof AbortError) throw err
  throw new NotFoundError(`cannot be read (${(err as Error).message})`, { file })
}

/** Open a URL for range reads (browser-safe). Local paths go through core/nodeFile. */
export function openRemote(url: string): GenericFilehandle {
  return new RemoteFile(url)
}
