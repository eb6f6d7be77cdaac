// Node-only: open a local path or a URL as a GenericFilehandle.
import type { GenericFilehandle } from 'generic-filehandle2'
import { LocalFile } from 'generic-filehandle2'
import { isUrl, openRemote } from './filehandle.js'

export function openFile(location: string): GenericFilehandle {
  return isUrl(location) ? openRemote(location) : new LocalFile(location)
}
