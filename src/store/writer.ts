// Node-only: write a store. Every part goes where `storeFiles` (the layout table the readers use)
// says it lives, into a temporary directory beside the target that is renamed into place only when
// the whole store is written; the manifest then records the size and md5 of every file written.
//
// What may be replaced: a missing path or an empty directory; an existing store only with `force`;
// never a file, a directory that is not a store, or the current directory (or one holding it).
import { copyFile, link, readdir, readFile, mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { LocalFile } from 'generic-filehandle2'
import { writeBgzfFile } from '../container/bgzf/writer.js'
import { writeTarBgzf } from '../container/tar/writer.js'
import type { TarMember } from '../container/tar/writer.js'
import { buildDirectoryAtomic, removeStaleTemps, writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { writeAssembly } from '../formats/assembly/writer.js'
import type { AssemblyPathInput } from '../formats/assembly/writer.js'
import { writeFastj } from '../formats/fastj/writer.js'
import type { FastjHeader } from '../formats/fastj/reader.js'
import { writeSglf } from '../formats/sglf/writer.js'
import type { SglfTileInput } from '../formats/sglf/writer.js'
import { writeSpanFile } from '../formats/span/writer.js'
import { writeTagset2bit } from '../formats/tagset/writer.js'
import { mergeSiteTable, writeSiteTable } from '../sites/writer.js'
import { hashFile } from './fileHashes.js'
import { storeFiles } from './layout.js'
import { STORE_FORMAT, formatManifest } from './manifest.js'
import type { FileHash, StoreManifest } from './manifest.js'
import { formatSkipped } from './skipped.js'
import type { Skipped } from './skipped.js'

export interface WriteStoreOptions extends AbortOptions {
  /** replace an existing store at the target (default: refuse) */
  force?: boolean
  onProgress?: ProgressCallback
}

/** The manifest a build makes; the writer adds `files`. */
export type ManifestDraft = Omit<StoreManifest, 'files'>

async function isStore(dir: string): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(join(dir, storeFiles.manifest), 'utf8')) as unknown
    return (m as { format?: unknown } | null)?.format === STORE_FORMAT
  } catch {
    return false
  }
}

/**
 * ArgumentError unless a store may be written at `out`: it does not exist, is an empty directory,
 * or (with `force`) holds a store. Checked before the build starts and again before the rename.
 */
export async function checkStoreTarget(out: string, opts: { force?: boolean } = {}): Promise<void> {
  const abs = resolve(out)
  const cwd = process.cwd()
  if (cwd === abs || cwd.startsWith(abs.endsWith(sep) ? abs : abs + sep))
    throw new ArgumentError(
      `--out ${out} is the current directory or holds it: a store cannot replace it; ` +
        `name a new directory, e.g. --out ${join(relative(cwd, abs) || '.', 'store')}`,
    )
  let st
  try {
    st = await stat(abs)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new ArgumentError(`--out ${out}: cannot be examined (${(err as Error).message})`)
  }
  if (!st.isDirectory())
    throw new ArgumentError(`--out ${out} is a file, not a store: remove it or choose another name`)
  if ((await readdir(abs)).length === 0) return
  if (!(await isStore(abs)))
    throw new ArgumentError(
      `--out ${out} is a directory that is not a lightning-tiles store (no store manifest.json); ` +
        'refusing to replace it: choose a new or empty directory',
    )
  if (!opts.force)
    throw new ArgumentError(
      `--out ${out} already holds a lightning-tiles store: give --force to replace it`,
    )
}

/**
 * Remove what killed builds left beside `out` (a store they had moved aside is put back), then
 * check that a store may be written there (checkStoreTarget).
 */
export async function prepareStoreTarget(
  out: string,
  opts: { force?: boolean } = {},
): Promise<void> {
  await removeStaleTemps(out)
  await checkStoreTarget(out, opts)
}

/** Every file under `dir`, relative to it, with `/` separators. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
}

export class StoreWriter {
  /** files written, relative to the store */
  private readonly written = new Set<string>()
  /** scratch files (not part of the store), removed before the store is finished */
  private readonly scratch = new Set<string>()
  /** files kept out of the manifest's `files` (samples.fmf, carried over by `keep`) */
  private readonly unhashed = new Set<string>()

  private constructor(
    /** the temporary directory the store is written into */
    private readonly dir: string,
    private readonly opts: WriteStoreOptions,
  ) {}

  /**
   * Write a store at `out`: `fill` writes its parts through the writer and returns the manifest;
   * the writer adds the file hashes, writes manifest.json and renames the store into place. On
   * any failure or abort the temporary directory is removed and `out` is left as it was.
   */
  static async write(
    out: string,
    fill: (w: StoreWriter) => Promise<ManifestDraft>,
    opts: WriteStoreOptions = {},
  ): Promise<StoreManifest> {
    await prepareStoreTarget(out, opts)
    return buildDirectoryAtomic(out, async (dir) => {
      const w = new StoreWriter(dir, opts)
      const manifest = await w.finish(await fill(w))
      await checkStoreTarget(out, opts)
      return manifest
    })
  }

  private get signalOpts(): AbortOptions {
    return this.opts.signal ? { signal: this.opts.signal } : {}
  }

  /** The absolute name of `rel` (its folder made), recorded with the other files it brings. */
  private async place(rel: string, ...alongside: string[]): Promise<string> {
    checkAbort(this.opts.signal)
    const file = join(this.dir, rel)
    await mkdir(dirname(file), { recursive: true })
    for (const r of [rel, ...alongside]) this.written.add(r)
    return file
  }

  async tagset(tags: Map<number, string[]>): Promise<void> {
    await writeTagset2bit(await this.place(storeFiles.tagset), tags)
  }

  async assembly(build: string, paths: Iterable<AssemblyPathInput>): Promise<void> {
    const file = await this.place(
      storeFiles.assembly(build),
      storeFiles.assemblyGzi(build),
      storeFiles.assemblyFwi(build),
    )
    await writeAssembly(file, paths, {
      ...this.signalOpts,
      fwi: join(this.dir, storeFiles.assemblyFwi(build)),
    })
  }

  async sglf(path: number, tiles: Iterable<SglfTileInput>): Promise<void> {
    const rel = storeFiles.sglf(path)
    await writeSglf(await this.place(rel, `${rel}.gzi`), tiles, this.signalOpts)
  }

  async libraryTar(path: number, members: Iterable<TarMember>): Promise<void> {
    const file = await this.place(
      storeFiles.libraryTar(path),
      storeFiles.libraryGzi(path),
      storeFiles.libraryTai(path),
    )
    await writeTarBgzf(file, members, this.signalOpts)
  }

  async counts(path: number, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(await this.place(storeFiles.libraryCounts(path)), bytes)
  }

  async span(
    entries: Iterable<{ path: number; step: number; variant: number; span: number }>,
  ): Promise<void> {
    await writeSpanFile(await this.place(storeFiles.span), entries, this.signalOpts)
  }

  /** Where the cohort matrix of a path (segment `segment`) goes: a MatrixWriter writes it. */
  async genotypesFile(path: number, segment = 0): Promise<string> {
    return this.place(storeFiles.genotypes(path, segment))
  }

  /** Write a sample's CGF; returns its name relative to the store (for the manifest). */
  /** Where a path's allele index goes (src/alleles/writer.ts writes it and its .csi). */
  async allelesFile(path: number): Promise<string> {
    return this.place(storeFiles.alleles(path), storeFiles.allelesIndex(path))
  }

  async genome(sample: string, bytes: Uint8Array): Promise<string> {
    const rel = storeFiles.genome(sample)
    await writeFileAtomic(await this.place(rel), bytes)
    return rel
  }

  async fastj(
    sample: string,
    path: number,
    records: Iterable<{ header: FastjHeader; seq: string }>,
  ): Promise<void> {
    const rel = storeFiles.fastj(sample, path)
    await writeFastj(await this.place(rel, `${rel}.gzi`), records, this.signalOpts)
  }

  /** The site table of the input VCF (sites/writer.ts); returns the number of sites. */
  async sites(vcf: string, contigs: readonly { name: string; length: number }[]): Promise<number> {
    const file = await this.place(storeFiles.sites, storeFiles.sitesIndex)
    return writeSiteTable(file, vcf, contigs, {
      ...this.signalOpts,
      onProgress: this.opts.onProgress,
    })
  }

  /** The site table `table` (of the store this one replaces) merged with the records of `vcf`. */
  async mergedSites(
    table: string,
    vcf: string,
    contigs: readonly { name: string; length: number }[],
  ): Promise<number> {
    const file = await this.place(storeFiles.sites, storeFiles.sitesIndex)
    return mergeSiteTable(file, table, vcf, contigs, {
      ...this.signalOpts,
      onProgress: this.opts.onProgress,
    })
  }

  async skipped(s: Skipped): Promise<void> {
    // bgzipped: one line per skipped variant per haplotype grows with the cohort (MBs at 20,000)
    await writeBgzfFile(await this.place(storeFiles.skipped), [formatSkipped(s)], { gzi: false })
  }

  /** Copy a file of another store (a partial one, by merge) to the same name in this one. */
  async copy(rel: string, from: string): Promise<void> {
    if (this.written.has(rel)) throw new ArgumentError(`${rel} is in two of the stores`)
    await copyFile(from, await this.place(rel))
  }

  /**
   * Carry file `rel` of the store at `from` (the store this one replaces) over unchanged: a hard
   * link where the file system allows it, so its bytes are the very same; `hashed: false` keeps
   * it out of the manifest's `files` (as samples.fmf is).
   */
  async keep(rel: string, from: string, opts: { hashed?: boolean } = {}): Promise<void> {
    const target = await this.place(rel)
    try {
      await link(join(from, rel), target)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err
      await copyFile(join(from, rel), target)
    }
    if (opts.hashed === false) this.unhashed.add(rel)
  }

  /** A scratch file in the temporary directory, removed before the store is finished. */
  scratchFile(name: string): string {
    if (!/^\.[\w.-]+$/.test(name)) throw new ArgumentError(`scratch name ${name}: expected .NAME`)
    this.scratch.add(name)
    return join(this.dir, name)
  }

  /**
   * Remove the scratch files, check that the directory holds exactly the files the layout named,
   * hash them and write manifest.json with their sizes and md5s.
   */
  private async finish(draft: ManifestDraft): Promise<StoreManifest> {
    for (const name of this.scratch) await rm(join(this.dir, name), { force: true })
    const found = (await listFiles(this.dir)).sort()
    const unnamed = found.filter((f) => !this.written.has(f))
    const foundSet = new Set(found)
    const absent = [...this.written].filter((f) => !foundSet.has(f))
    // a format writer and the layout table disagree: a bug, caught before a store ships with it
    if (unnamed.length || absent.length)
      throw new Error(
        `store layout: ${unnamed.length ? `unnamed files ${unnamed.join(', ')}` : ''}` +
          `${absent.length ? ` files not written ${absent.join(', ')}` : ''}`,
      )
    const files: Record<string, FileHash> = {}
    for (const [i, rel] of found.entries()) {
      if (this.unhashed.has(rel)) continue
      files[rel] = await hashFile(new LocalFile(join(this.dir, rel)), this.signalOpts)
      this.opts.onProgress?.({ phase: 'hashing files', done: i + 1, total: found.length })
    }
    const manifest: StoreManifest = { ...draft, files }
    await writeFileAtomic(await this.place(storeFiles.manifest), formatManifest(manifest))
    return manifest
  }
}
