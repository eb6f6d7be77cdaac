// Node-only: open a local path or a URL as a GenericFilehandle; check a local input before reading.
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { GenericFilehandle } from 'generic-filehandle2'
import { LocalFile } from 'generic-filehandle2'
import { ArgumentError, LightningError, NotFoundError } from './errors.js'
import { isUrl, openRemote } from './filehandle.js'
import type { RemoteOptions } from './filehandle.js'

export function openFile(location: string, opts: RemoteOptions = {}): GenericFilehandle {
  return isUrl(location) ? openRemote(location, opts) : new LocalFile(location)
}

/**
 * Check that `path` names a readable file before reading it (`what` names it in messages, e.g.
 * 'VCF'): a NotFoundError when it does not exist, an ArgumentError when it is a directory or cannot
 * be read. URLs are checked when they are read.
 */
export async function checkInputFile(path: string, what: string): Promise<void> {
  if (isUrl(path)) return
  let st
  try {
    st = await stat(path)
  } catch (err) {
    throw fileError(err, `${what} ${path}`)
  }
  if (st.isDirectory()) throw new ArgumentError(`${what} ${path} is a directory, not a file`)
  try {
    await access(path, constants.R_OK)
  } catch (err) {
    throw fileError(err, `${what} ${path}`)
  }
}

/** A Node file-system error as a typed error naming `what` and the reason in words. */
export function fileError(err: unknown, what: string): Error {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return new NotFoundError(`${what}: no such file or directory`)
    case 'ENOTDIR':
      return new NotFoundError(`${what}: a part of the path is not a directory`)
    case 'EACCES':
    case 'EPERM':
      return new ArgumentError(`${what}: permission denied`)
    case 'EISDIR':
      return new ArgumentError(`${what} is a directory, not a file`)
    case 'ENOSPC':
      return new LightningError(`${what}: no space left on the device`)
    case 'EROFS':
      return new ArgumentError(`${what}: the file system is read-only`)
    default:
      return err instanceof Error ? err : new Error(String(err))
  }
}
