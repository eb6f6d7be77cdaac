// Browser-safe reader of the span CSV (spec §5.4): `PPPP.VV.SSSS.VVV,<decimal span>` for the
// variants whose span is not 1, gzip or plain. Lines are split by hand, not by @fast-csv/parse:
// its entry point needs Node streams (not browser-safe), and the format has no quoting to undo.
import { readLines } from '../../container/stream.js'
import type { LineOptions } from '../../container/stream.js'
import { ArgumentError, FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions, Place } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { formatTileId, parseTileId } from '../../core/tileId.js'

/** One line: a variant (no span in the ID) and its span. */
export interface SpanEntry {
  path: number
  version: number
  step: number
  variant: number
  span: number
}

/** Parse one line; undefined for a blank line. Explicit `,1` lines are accepted (spec §5.4). */
export function parseSpanLine(text: string, place: Place = {}): SpanEntry | undefined {
  if (text.trim() === '') return undefined
  const cols = text.split(',')
  if (cols.length !== 2)
    throw new FormatError(`expected 'PPPP.VV.SSSS.VVV,SPAN', found ${cols.length} columns`, place)
  const [idText, spanText] = cols as [string, string]
  let id
  try {
    id = parseTileId(idText)
  } catch (err) {
    throw new FormatError((err as Error).message, place)
  }
  if (id.span !== undefined)
    throw new FormatError(`expected a tile ID without '+SPAN', got '${idText}'`, place)
  if (!/^\d+$/.test(spanText) || Number(spanText) < 1)
    throw new FormatError(`expected a decimal span ≥ 1, got '${spanText}'`, place)
  return {
    path: id.path,
    version: id.version,
    step: id.step,
    variant: id.variant,
    span: Number(spanText),
  }
}

/** The entries of a span file, streamed. */
export async function* readSpans(
  file: NamedFile,
  opts: LineOptions = {},
): AsyncGenerator<SpanEntry> {
  for await (const { text, line } of readLines(file, opts)) {
    const e = parseSpanLine(text, { file: file.name, line })
    if (e) yield e
  }
}

/** The span of every variant of a library: the listed ones, 1 for the rest. */
export class SpanTable {
  private readonly spans = new Map<string, number>()

  /** Load a whole span file (one entry per variant with span ≠ 1). */
  static async load(file: NamedFile, opts: AbortOptions = {}): Promise<SpanTable> {
    const table = new SpanTable()
    let n = 0
    for await (const e of readSpans(file, opts)) {
      if ((++n & 0xffff) === 0) checkAbort(opts.signal)
      const key = formatTileId({
        path: e.path,
        version: e.version,
        step: e.step,
        variant: e.variant,
      })
      const had = table.spans.get(key)
      if (had !== undefined && had !== e.span)
        throw new FormatError(`${key} is listed with spans ${had} and ${e.span}`, {
          file: file.name,
        })
      table.spans.set(key, e.span)
    }
    return table
  }

  /** Number of entries (including explicit span-1 lines). */
  get size(): number {
    return this.spans.size
  }

  get(path: number, step: number, variant: number, version = 0): number {
    if (![path, step, variant, version].every((v) => Number.isInteger(v) && v >= 0))
      throw new ArgumentError(`bad tile ${path}.${version}.${step}.${variant}`)
    return this.spans.get(formatTileId({ path, version, step, variant })) ?? 1
  }
}
