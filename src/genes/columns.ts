// The nine columns of a GFF3 or GTF line: 1-based inclusive coordinates become 0-based half-open.
// Browser-safe.
import { FormatError } from '../core/errors.js'
import type { RowPlace } from './build.js'

export interface Columns extends RowPlace {
  source: string
  type: string
  phase: string
  attributes: string
}

export function columns(text: string, line: number, file: string): Columns {
  const f = text.split('\t')
  if (f.length < 9)
    throw new FormatError(`expected 9 tab-separated columns, found ${f.length}`, { file, line })
  const start = Number(f[3])
  const end = Number(f[4])
  if (!Number.isSafeInteger(start) || start < 1 || !Number.isSafeInteger(end) || end < start)
    throw new FormatError(
      `columns 4-5 must be 1-based positions START <= END, found '${f[3]}' '${f[4]}'`,
      { file, line },
    )
  return {
    chrom: f[0]!,
    source: f[1]!,
    type: f[2]!,
    start: start - 1,
    end,
    strand: f[6]!,
    phase: f[7]!,
    attributes: f.slice(8).join('\t'),
    line,
  }
}

export function parsePhase(c: Columns, file: string): number {
  const p = c.phase
  if (p !== '0' && p !== '1' && p !== '2')
    throw new FormatError(`a CDS needs phase 0, 1 or 2 in column 8, found '${p}'`, {
      file,
      line: c.line,
    })
  return Number(p)
}
