// Read sample metadata in any of the formats it comes in (detected from the content or named),
// and a store's own table. Browser-safe: files come as NamedFile (a GenericFilehandle).
import { ArgumentError, FormatError, NotFoundError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { readText } from '../core/filehandle.js'
import type { NamedFile } from '../core/filehandle.js'
import { storeFiles } from '../store/layout.js'
import type { Store } from '../store/Store.js'
import { readLines } from '../container/stream.js'
import { parseFmf } from './fmf.js'
import type { TextLine } from './fmf.js'
import { isPedLine, parsePed } from './ped.js'
import { SampleTable } from './table.js'
import { headerCells, isPanelHeader, parseTsv } from './tsv.js'

export const SAMPLE_FORMATS = ['fmf', 'tsv', 'ped', 'panel'] as const
export type SampleFormat = (typeof SAMPLE_FORMATS)[number]

/** The store member holding its sample metadata, in BGT's FMF. */

const FMF_FIELD = /^[^:\t]*:[A-Za-z]:/

/**
 * The format of sample metadata from its first non-empty line: FMF when every field after the name
 * is `key:type:value` (or the line is a name alone, as BGT's .spl), PED when it has 6+ columns
 * with sex 0/1/2 and a numeric phenotype, the 1000 Genomes panel by its header, else a TSV with a
 * header.
 */
export function detectSampleFormat(lines: Iterable<TextLine>, file: string): SampleFormat {
  for (const { text, line } of lines) {
    if (text.trim() === '') continue
    const cells = text.split('\t')
    if (cells.length === 1 && !/\s/.test(text)) return 'fmf'
    if (cells.length > 1 && cells.slice(1).every((c) => FMF_FIELD.test(c))) return 'fmf'
    if (isPedLine(text)) return 'ped'
    if (isPanelHeader(headerCells(text))) return 'panel'
    if (cells.length > 1) return 'tsv'
    throw new FormatError(
      'cannot tell the format: expected FMF (name<TAB>key:type:value), a TSV with a header, PED or a 1000 Genomes panel (or name it with format)',
      { file, line },
    )
  }
  throw new FormatError('expected sample metadata, found an empty file', { file })
}

export interface ParsedSamples {
  table: SampleTable
  format: SampleFormat
}

/** Parse sample metadata from its lines; `format` (default: detected) forces one. */
export function parseSampleTable(
  lines: readonly TextLine[],
  file: string,
  format?: SampleFormat,
): ParsedSamples {
  if (format !== undefined && !SAMPLE_FORMATS.includes(format))
    throw new ArgumentError(
      `unknown sample metadata format '${String(format)}' (expected ${SAMPLE_FORMATS.join(', ')})`,
    )
  const f = format ?? detectSampleFormat(lines, file)
  switch (f) {
    case 'fmf':
      return { format: f, table: parseFmf(lines, file) }
    case 'ped':
      return { format: f, table: parsePed(lines, file) }
    case 'tsv':
    case 'panel':
      return { format: f, table: parseTsv(lines, file, f === 'panel') }
  }
}

/** Split text into numbered lines (without `\n` or `\r\n`). */
export function textLines(text: string): TextLine[] {
  const lines = text.split('\n').map((t, i) => ({ text: t.replace(/\r$/, ''), line: i + 1 }))
  if (lines.length > 0 && lines[lines.length - 1]!.text === '') lines.pop()
  return lines
}

export interface ReadSamplesOptions extends AbortOptions {
  format?: SampleFormat | undefined
}

/** Read sample metadata (plain, gzip or BGZF) from a file. */
export async function readSampleTable(
  file: NamedFile,
  opts: ReadSamplesOptions = {},
): Promise<ParsedSamples> {
  const lines: TextLine[] = []
  for await (const l of readLines(file, opts.signal ? { signal: opts.signal } : {})) lines.push(l)
  return parseSampleTable(lines, file.name, opts.format)
}

/** A store's sample metadata, one row per store sample in store order. */
export interface StoreSamples {
  table: SampleTable
  /** false when the store has no samples.fmf (the table then has names only) */
  hasMetadata: boolean
  /** samples of samples.fmf the store does not hold (the store was rebuilt since) */
  notInStore: string[]
  /** store samples samples.fmf does not list */
  withoutMetadata: string[]
}

function isMissingFile(err: unknown): boolean {
  return (
    err instanceof NotFoundError ||
    (err as { code?: unknown }).code === 'ENOENT' ||
    /\bHTTP 404\b/.test((err as Error).message)
  )
}

/** Read a store's samples.fmf and align it to the store's samples (manifest order). */
export async function readStoreSamples(
  store: Store,
  opts: AbortOptions = {},
): Promise<StoreSamples> {
  const samples = (await store.manifest(opts)).samples.map((s) => s.name)
  let text: string
  try {
    text = await readText(
      store.file(storeFiles.samples).handle,
      opts.signal ? { signal: opts.signal } : {},
    )
  } catch (err) {
    if (!isMissingFile(err)) throw err
    const table = SampleTable.ofNames(samples)
    return { table, hasMetadata: false, notInStore: [], withoutMetadata: [...samples] }
  }
  return {
    ...parseFmf(textLines(text), store.file(storeFiles.samples).name).alignTo(samples),
    hasMetadata: true,
  }
}
