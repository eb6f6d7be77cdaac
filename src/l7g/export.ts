// Node-only: a store → an l7g dataset directory (layout.ts) the upstream tools read: the tagset,
// the assembly (with its `.fwi` under both names the tools open), the library as SGLF and as 2bit
// tar with `span.gz`, and one CGF per genome. The directory is built under a temporary name and
// renamed into place when complete.
//
// Reading the store stays small here (manifest, file copies, the CGF reader): the store readers
// are being moved onto one Store class, which this can switch to.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { LocalFile } from 'generic-filehandle2'
import { TarReader } from '../container/tar/reader.js'
import { buildDirectoryAtomic, writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { DEFAULT_TILE_MAP } from '../formats/cgf/defaultTileMap.js'
import { encodeCgf } from '../formats/cgf/encode.js'
import { HEXIT_TILE_MAP } from '../formats/cgf/tileMap.js'
import { writeSglf } from '../formats/sglf/writer.js'
import { SpanTable } from '../formats/span/reader.js'
import { sglfTilesOfTar } from '../library/tar.js'
import { storeFiles } from '../store/layout.js'
import { openStore } from '../store/node.js'
import { parseManifest } from '../store/manifest.js'
import type { StoreManifest } from '../store/manifest.js'
import { l7gFiles } from './layout.js'

export interface ExportL7gOptions extends AbortOptions {
  /** write cgft's full 1024-entry default tile map into every CGF (what cgft -C writes) */
  cgftTileMap?: boolean
  /** LibraryVersion of the CGFs (default: the store's library version; cgft's default is 0.1.0) */
  libraryVersion?: string
  onProgress?: ProgressCallback
}

export async function exportL7g(
  store: string,
  out: string,
  opts: ExportL7gOptions = {},
): Promise<StoreManifest> {
  const manifestFile = join(store, storeFiles.manifest)
  if (!existsSync(manifestFile))
    throw new ArgumentError(`${store} is not a lightning-tiles store: it has no manifest.json`)
  const m = parseManifest(await readFile(manifestFile, 'utf8'), manifestFile)
  const from = (rel: string) => join(store, rel)
  const report = opts.onProgress ?? (() => undefined)
  await buildDirectoryAtomic(out, async (dir) => {
    const to = async (rel: string) => {
      checkAbort(opts.signal)
      await mkdir(dirname(join(dir, rel)), { recursive: true })
      return join(dir, rel)
    }
    await copyFile(from(storeFiles.tagset), await to(l7gFiles.tagset))
    const asm = l7gFiles.assembly(m.build)
    await copyFile(from(storeFiles.assembly(m.build)), await to(asm))
    await copyFile(from(storeFiles.assemblyGzi(m.build)), await to(`${asm}.gzi`))
    // the spec's name, and the one tile-assembly opens (`<file given>.fwi`)
    await copyFile(from(storeFiles.assemblyFwi(m.build)), await to(asm.replace(/\.gz$/, '.fwi')))
    await copyFile(from(storeFiles.assemblyFwi(m.build)), await to(`${asm}.fwi`))
    const lib = l7gFiles.libraryDir
    for (const p of m.paths) {
      const id = formatPath(p.path)
      await copyFile(from(storeFiles.libraryTar(p.path)), await to(`${lib}/${id}.tar.gz`))
      await copyFile(from(storeFiles.libraryGzi(p.path)), await to(`${lib}/${id}.tar.gz.gzi`))
      await copyFile(from(storeFiles.libraryTai(p.path)), await to(`${lib}/${id}.tar.tai`))
      const sglf = await to(l7gFiles.sglf(id))
      if (existsSync(from(storeFiles.sglf(p.path)))) {
        await copyFile(from(storeFiles.sglf(p.path)), sglf)
        await copyFile(from(`${storeFiles.sglf(p.path)}.gzi`), `${sglf}.gzi`)
      } else {
        // the SGLF is optional in a store: make it from the tar and the span file
        const tar = TarReader.open(from(storeFiles.libraryTar(p.path)), (n) => new LocalFile(n))
        const spans = await SpanTable.load(
          { name: storeFiles.span, handle: new LocalFile(from(storeFiles.span)) },
          opts,
        )
        await writeSglf(sglf, sglfTilesOfTar(tar, spans, opts))
      }
    }
    await copyFile(from(storeFiles.span), await to(l7gFiles.span))
    const libraryVersion = opts.libraryVersion ?? m.libraryVersion
    // each genome's bands from the store's cohort matrix (or its CGFs, in a store of CGFs)
    const opened = openStore(store)
    for (const [i, s] of m.samples.entries()) {
      const paths = []
      for (const p of m.paths)
        paths.push({ path: p.path, band: await opened.band(s, p.path, opts) })
      const tileMap = opts.cgftTileMap ? DEFAULT_TILE_MAP : HEXIT_TILE_MAP
      await writeFileAtomic(
        await to(l7gFiles.cgf(s.name)),
        encodeCgf(paths, { tileMap, libraryVersion }),
      )
      report({ phase: 'writing genomes', done: i + 1, total: m.samples.length })
    }
  })
  return m
}
