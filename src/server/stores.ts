// The stores a server answers for: each opened once, checked quickly before the server starts
// (manifest, every file it names present, sizes as recorded), with its sample table and the
// privacy guard over it.
import { basename } from 'node:path'
import { ArgumentError, LightningError } from '../core/errors.js'
import { statStoreFiles } from '../inspect/stats.js'
import { TileResolver } from '../resolver/TileResolver.js'
import { readStoreSamples } from '../samples/read.js'
import type { SampleTable } from '../samples/table.js'
import { storeFileList } from '../store/layout.js'
import { openStore } from '../store/node.js'
import type { Store, StoreOptions } from '../store/Store.js'
import { PrivacyGuard } from './privacy.js'
import type { PrivacyOptions } from './privacy.js'

export interface ServedStore {
  /** the name clients give as `store=` (the folder's name) */
  name: string
  location: string
  store: Store
  resolver: TileResolver
  table: SampleTable
  guard: PrivacyGuard
}

/**
 * The quick check: the manifest parses, every file it requires can be opened, and the files it
 * records a size for have that size (a full check, with md5s, is `lightning-tiles verify`).
 */
export async function quickCheck(store: Store): Promise<void> {
  const m = await store.manifest()
  const files = storeFileList(m)
  const stats = await statStoreFiles(store, files)
  files.forEach((f, i) => {
    const st = stats[i]!
    if ('error' in st) {
      if (f.required)
        throw new LightningError(
          `${store.location}: ${f.rel} (${f.role}) is missing or unreadable: ${st.error.message}`,
        )
      return
    }
    const want = m.files?.[f.rel]?.size
    if (want !== undefined && want !== st.size)
      throw new LightningError(
        `${store.location}: ${f.rel} has ${st.size} bytes, the manifest records ${want} (run lightning-tiles verify)`,
      )
  })
}

/** Open and check each store, names from their folders (`name-2` for a repeated one). */
export async function openStores(
  locations: readonly string[],
  privacy: PrivacyOptions,
  /** stores served as private panels (their locations as given): see PrivacyOptions */
  privatePanels: readonly string[] = [],
  /** how each store is opened (its caches) */
  storeOptions: Omit<StoreOptions, 'open'> = {},
): Promise<ServedStore[]> {
  if (locations.length === 0) throw new ArgumentError('give at least one STORE')
  const out: ServedStore[] = []
  const used = new Set<string>()
  for (const location of locations) {
    const store = openStore(location, storeOptions)
    await quickCheck(store)
    const base = basename(location.replace(/\/+$/, '')) || 'store'
    let name = base
    for (let k = 2; used.has(name); k++) name = `${base}-${k}`
    used.add(name)
    const { table } = await readStoreSamples(store)
    out.push({
      name,
      location,
      store,
      resolver: new TileResolver(store),
      table,
      guard: new PrivacyGuard(table, {
        ...privacy,
        privatePanel: privatePanels.includes(location),
      }),
    })
  }
  return out
}
