// Node-only: open a store by directory path or URL (LocalFile or RemoteFile per file).
import { openFile } from '../core/nodeFile.js'
import { TileResolver } from './TileResolver.js'
import type { TileResolverOptions } from './TileResolver.js'

/** A TileResolver over a store directory or an http(s):// URL. */
export function openTileResolver(
  location: string,
  opts: Omit<TileResolverOptions, 'open'> = {},
): TileResolver {
  return TileResolver.open(location, { ...opts, open: openFile })
}
