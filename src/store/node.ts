// Node-only: open a store by directory path or URL (LocalFile or RemoteFile per file).
import { openFile } from '../core/nodeFile.js'
import '../core/nodeInflate.js'
import { Store } from './Store.js'
import type { StoreOptions } from './Store.js'

/** The Store in directory `location`, or at an http(s):// URL. */
export function openStore(location: string, opts: Omit<StoreOptions, 'open'> = {}): Store {
  return Store.open(location, { ...opts, open: openFile })
}
