import { ArgumentError } from './errors.js'

/** A reference interval, 0-based half-open. */
export interface Region {
  chrom: string
  start: number
  end: number
}

const REGION_RE = /^(.+?)(?::([\d,]+)(?:-([\d,]+))?)?$/

/**
 * Parse a samtools-style region `CHR`, `CHR:B` or `CHR:B-E` (1-based inclusive) into a 0-based
 * half-open Region. `CHR` alone (or `CHR:B`) runs to `length` when given, else to Infinity.
 */
export function parseRegion(text: string, length = Infinity): Region {
  const m = REGION_RE.exec(text.trim())
  if (!m) throw new ArgumentError(`'${text}' is not a region (CHR:BEGIN-END)`)
  const chrom = m[1]!
  const num = (s: string | undefined) =>
    s === undefined ? undefined : Number(s.replaceAll(',', ''))
  const b = num(m[2])
  const e = num(m[3])
  const start = b === undefined ? 0 : b - 1
  const end = e ?? length
  if (start < 0 || !(end >= start + 1) || (b !== undefined && b < 1))
    throw new ArgumentError(`'${text}': a region needs 1 <= BEGIN <= END`)
  return { chrom, start, end }
}

/** Format a Region as `CHR:B-E` (1-based inclusive). */
export function formatRegion(r: Region): string {
  return `${r.chrom}:${r.start + 1}-${r.end}`
}
