import type { GenericFilehandle } from 'generic-filehandle2'
import { RemoteFile } from 'generic-filehandle2'

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

/** Read a whole (small) file as text. */
export async function readText(
  fh: GenericFilehandle,
  opts: { signal?: AbortSignal } = {},
): Promise<string> {
  const bytes = await fh.readFile(opts.signal ? { signal: opts.signal } : {})
  return new TextDecoder().decode(bytes)
}

/** Open a URL for range reads (browser-safe). Local paths go through core/nodeFile. */
export function openRemote(url: string): GenericFilehandle {
  return new RemoteFile(url)
}
