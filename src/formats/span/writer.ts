// Node-only writer of the span CSV (spec §5.4). Only spans other than 1 are written.
import { ArgumentError } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { formatTileId } from '../../core/tileId.js'
import { csvChunks, writeTextFile } from '../text-writer.js'
import type { Compression } from '../text-writer.js'
import type { SpanEntry } from './reader.js'

type SpanInput = Omit<SpanEntry, 'version'> & { version?: number }

async function* spanRows(entries: Iterable<SpanInput> | AsyncIterable<SpanInput>) {
  for await (const e of entries) {
    if (!Number.isInteger(e.span) || e.span < 1)
      throw new ArgumentError(`span ${e.span} of ${e.path}.${e.step}.${e.variant} is not ≥ 1`)
    if (e.span === 1) continue
    const { path, step, variant } = e
    yield [formatTileId({ path, version: e.version ?? 0, step, variant }), String(e.span)]
  }
}

/** The span CSV text of `entries` (decimal spans, span-1 entries left out). */
export async function formatSpanCsv(
  entries: Iterable<SpanInput> | AsyncIterable<SpanInput>,
  opts: AbortOptions = {},
): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const chunk of csvChunks(spanRows(entries), opts)) parts.push(chunk)
  return Buffer.concat(parts).toString('latin1')
}

/**
 * Write a span file. `compression` defaults to single-member gzip for a `.gz` name (as upstream
 * `span.gz`), plain otherwise; 'bgzf' also writes a `.gzi`.
 */
export async function writeSpanFile(
  path: string,
  entries: Iterable<SpanInput> | AsyncIterable<SpanInput>,
  opts: AbortOptions & { compression?: Compression } = {},
): Promise<void> {
  const compression = opts.compression ?? (path.endsWith('.gz') ? 'gzip' : 'none')
  await writeTextFile(path, csvChunks(spanRows(entries), opts), compression)
}
