// One sample of a store as a CGF v3 file (`cgf export`): its band of every path, from the cohort
// matrix (or its own CGF in a store of CGFs), encoded as `build --cgf` writes it. Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { checkAbort } from '../core/errors.js'
import { DEFAULT_TILE_MAP } from '../formats/cgf/defaultTileMap.js'
import { encodeCgf } from '../formats/cgf/encode.js'
import type { CgfPathInput } from '../formats/cgf/encode.js'
import { HEXIT_TILE_MAP } from '../formats/cgf/tileMap.js'
import type { Store } from '../store/Store.js'

export interface StoreCgfOptions extends AbortOptions {
  /** cgft's full 1024-entry tile map (as `build --cgf --cgft-tile-map`); default the 16 of v3 */
  fullTileMap?: boolean | undefined
}

/** The CGF v3 bytes of `sample`: the same bytes `build --cgf` writes for it. */
export async function storeSampleToCgf(
  store: Store,
  sample: string,
  opts: StoreCgfOptions = {},
): Promise<Uint8Array> {
  const m = await store.manifest(opts)
  const s = await store.sample(sample, opts)
  const sig = opts.signal ? { signal: opts.signal } : {}
  const paths: CgfPathInput[] = []
  for (const p of m.paths) {
    checkAbort(opts.signal)
    paths.push({ path: p.path, band: await store.band(s, p.path, sig) })
  }
  return encodeCgf(paths, {
    libraryVersion: m.libraryVersion,
    tileMap: opts.fullTileMap ? DEFAULT_TILE_MAP : HEXIT_TILE_MAP,
  })
}
