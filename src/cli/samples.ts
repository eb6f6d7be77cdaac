// lightning-tiles samples: set a store's sample metadata (--import) or list its samples, all or
// those matching a sample expression, as TSV with their fields.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { joinLocation } from '../core/filehandle.js'
import { openFile } from '../core/nodeFile.js'
import { SAMPLE_FORMATS, readStoreSamples } from '../samples/read.js'
import type { SampleFormat } from '../samples/read.js'
import type { SampleTable } from '../samples/table.js'
import { importStoreSamples } from '../samples/writer.js'
import { storeFiles } from '../store/layout.js'
import { cliStore, write } from './io.js'

interface SamplesOptions {
  import?: string
  format?: string
}

/** `N: A, B, C, ...` for a report line. */
function listed(names: readonly string[], shown = 5): string {
  const more = names.length > shown ? ', ...' : ''
  return `${names.length}${names.length ? `: ${names.slice(0, shown).join(', ')}${more}` : ''}`
}

function keysOf(table: SampleTable): string {
  return table.fields.map((f) => `${f.key} (${f.type})`).join(', ') || 'none'
}

async function importMetadata(store: string, file: string, format: string | undefined) {
  if (format !== undefined && !(SAMPLE_FORMATS as readonly string[]).includes(format))
    throw new ArgumentError(`--format must be one of ${SAMPLE_FORMATS.join(', ')}, not '${format}'`)
  const r = await importStoreSamples(
    store,
    { name: file, handle: openFile(file) },
    { format: format as SampleFormat | undefined },
  )
  const matched = r.table.size - r.withoutMetadata.length
  await write(
    [
      `read ${r.imported.size} samples from ${file} (${r.format}); keys: ${keysOf(r.imported)}`,
      `store samples with metadata: ${matched} of ${r.table.size}`,
      `store samples without metadata: ${listed(r.withoutMetadata)}`,
      `samples of ${file} not in the store, left out: ${listed(r.notInStore)}`,
      `wrote ${joinLocation(store, storeFiles.samples)}`,
      '',
    ].join('\n'),
  )
}

async function listSamples(store: string, expr: string | undefined, cmd: Command) {
  const { table, hasMetadata } = await readStoreSamples(await cliStore(store, cmd))
  const rows = expr === undefined ? table.names.map((_, i) => i) : table.select(expr)
  const lines = [['sample', ...table.fields.map((f) => f.key)].join('\t')]
  for (const r of rows)
    lines.push(
      [table.names[r], ...table.fields.map((f) => String(table.value(r, f.key) ?? ''))].join('\t'),
    )
  await write(`${lines.join('\n')}\n`)
  process.stderr.write(
    `${rows.length} of ${table.size} samples${expr === undefined ? '' : ' match'}${
      hasMetadata ? '' : ` (the store has no sample metadata: set it with --import FILE)`
    }\n`,
  )
}

export function registerSamples(program: Command): void {
  program
    .command('samples <store> [expr]')
    .description(
      "list a store's samples with their metadata as TSV (those matching EXPR, e.g. 'pop==\"FIN\"'), or set the metadata with --import",
    )
    .option(
      '--import <FILE>',
      'set the sample metadata from FILE: FMF, TSV with a header, PED or a 1000 Genomes panel',
    )
    .option(
      '--format <FORMAT>',
      `format of the --import file: ${SAMPLE_FORMATS.join('|')} (default: detected)`,
    )
    .action(async (store: string, expr: string | undefined, opts: SamplesOptions, cmd: Command) => {
      if (opts.import === undefined) {
        if (opts.format !== undefined) throw new ArgumentError('--format goes with --import')
        return listSamples(store, expr, cmd)
      }
      if (expr !== undefined) throw new ArgumentError('give either --import FILE or EXPR, not both')
      return importMetadata(store, opts.import, opts.format)
    })
}
