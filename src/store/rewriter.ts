// Node-only: what `add` and `compact` share when they rewrite part of a store: the quick check that
// the store is whole before it is touched, and carrying the files they leave alone into the new
// store (hard links: the very same bytes). The store is replaced only when the new one is complete
// (StoreWriter.write), so an interrupted update leaves it as it was.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ArgumentError } from '../core/errors.js'
import { storeFileList, storeFiles } from './layout.js'
import type { StoreManifest } from './manifest.js'
import { listFiles } from './writer.js'
import type { StoreWriter } from './writer.js'

/**
 * ArgumentError unless every file the manifest needs is there with the size it records (what
 * `verify` checks in full: this is the cheap part, before a store is rewritten).
 */
export async function checkStoreQuick(dir: string, m: StoreManifest): Promise<void> {
  const fail = (what: string) =>
    new ArgumentError(`${dir} fails a quick check: ${what} (run lightning-tiles verify ${dir})`)
  const sizes = new Map<string, number>()
  const sizeOf = async (rel: string) => {
    let size = sizes.get(rel)
    if (size === undefined) {
      size = await stat(join(dir, rel)).then(
        (s) => s.size,
        () => -1,
      )
      sizes.set(rel, size)
    }
    return size
  }
  for (const f of storeFileList(m))
    if (f.required && (await sizeOf(f.rel)) < 0) throw fail(`${f.role} (${f.rel}) is missing`)
  for (const [rel, h] of Object.entries(m.files ?? {})) {
    const size = await sizeOf(rel)
    if (size !== h.size)
      throw fail(
        size < 0
          ? `${rel} is missing`
          : `${rel} has ${size} bytes, manifest.json records ${h.size}`,
      )
  }
}

/**
 * Carry every file of the store at `dir` that `rewritten` does not claim into the store `w` writes;
 * a file the manifest does not hash (samples.fmf) stays unhashed.
 */
export async function keepFiles(
  w: StoreWriter,
  dir: string,
  m: StoreManifest,
  rewritten: (rel: string) => boolean,
): Promise<void> {
  for (const rel of await listFiles(dir)) {
    if (rel === storeFiles.manifest || rewritten(rel)) continue
    const hashed = m.files ? rel in m.files : rel !== storeFiles.samples
    await w.keep(rel, dir, { hashed })
  }
}
