// Node-only: set a store's sample metadata. It lives in one small file, samples.fmf, written
// atomically beside the genotypes, which are never rewritten.
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { isUrl } from '../core/filehandle.js'
import type { NamedFile } from '../core/filehandle.js'
import { storeFiles } from '../store/layout.js'
import { openStore } from '../store/node.js'
import { formatFmf } from './fmf.js'
import { readSampleTable } from './read.js'
import type { SampleFormat } from './read.js'
import type { Alignment, SampleTable } from './table.js'

function checkLocal(store: string): void {
  if (isUrl(store))
    throw new ArgumentError(`${store}: sample metadata is written to local stores only`)
}

/** Write `table` as the store's samples.fmf (replacing any). */
export async function writeStoreSamples(store: string, table: SampleTable): Promise<void> {
  checkLocal(store)
  await writeFileAtomic(join(store, storeFiles.samples), formatFmf(table))
}

export interface ImportSamplesOptions extends AbortOptions {
  format?: SampleFormat | undefined
}

export interface ImportedSamples extends Alignment {
  format: SampleFormat
  /** the table as read from the file, before alignment to the store */
  imported: SampleTable
}

/**
 * Read sample metadata from `file`, align it to the store's samples (store order; store samples
 * it lacks get no fields, its samples the store lacks are left out and reported) and write it as
 * the store's samples.fmf.
 */
export async function importStoreSamples(
  store: string,
  file: NamedFile,
  opts: ImportSamplesOptions = {},
): Promise<ImportedSamples> {
  checkLocal(store)
  const signal = opts.signal ? { signal: opts.signal } : {}
  const manifest = await openStore(store).manifest(signal)
  const { table, format } = await readSampleTable(file, { ...signal, format: opts.format })
  const aligned = table.alignTo(manifest.samples.map((s) => s.name))
  if (aligned.notInStore.length === table.size && table.size > 0)
    throw new ArgumentError(
      `${file.name}: none of its ${table.size} samples is in the store (first: ${table.names
        .slice(0, 3)
        .join(', ')}); the store's metadata is unchanged`,
    )
  await writeStoreSamples(store, aligned.table)
  return { ...aligned, format, imported: table }
}
