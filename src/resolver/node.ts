// Node-only: a TileResolver over a store directory or URL.
import { openStore } from '../store/node.js'
import type { StoreOptions } from '../store/Store.js'
import { TileResolver } from './TileResolver.js'

/** A TileResolver over a store directory or an http(s):// URL. */
export function openTileResolver(
  location: string,
  opts: Omit<StoreOptions, 'open'> = {},
): TileResolver {
  return new TileResolver(openStore(location, opts))
}
