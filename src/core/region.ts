import { ArgumentError, FormatError } from './errors.js'

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

const LIST_ITEM_RE = /^(.+?)(?::(\d+)(-(\d*))?)?$/

/**
 * A comma-separated list of regions as bcftools `-r` takes it (1-based, inclusive): `CHR` (the
 * whole contig), `CHR:POS` (that one position), `CHR:BEGIN-` (to the contig's end) or
 * `CHR:BEGIN-END`. The comma only separates regions (positions carry no thousands separators).
 */
export function parseRegionList(text: string): Region[] {
  return text.split(',').map((item) => {
    const m = LIST_ITEM_RE.exec(item.trim())
    if (!m) throw new ArgumentError(`'${text}' is not a list of regions (CHR:BEGIN-END,...)`)
    const chrom = m[1]!
    if (m[2] === undefined) return { chrom, start: 0, end: Infinity }
    const begin = Number(m[2])
    const end = m[3] === undefined ? begin : m[4] === '' ? Infinity : Number(m[4])
    if (!(begin >= 1 && end >= begin))
      throw new ArgumentError(`region '${item}': a region needs 1 <= BEGIN <= END`)
    return { chrom, start: begin - 1, end }
  })
}

/**
 * The regions of a regions file, as bcftools `-R` reads one: BED (0-based half-open) when `bed`,
 * else tab-separated `CHROM POS` or `CHROM BEGIN END` (1-based inclusive). Blank lines and lines
 * starting with `#` (and BED `track`/`browser` lines) are skipped; columns after the third are
 * ignored. A bad line is a FormatError naming the file and the line.
 */
export function parseRegionLines(
  lines: Iterable<{ text: string; line: number }>,
  file: string,
  bed: boolean,
): Region[] {
  const out: Region[] = []
  for (const { text, line } of lines) {
    if (text.trim() === '' || text.startsWith('#')) continue
    if (bed && /^(track|browser)\b/.test(text)) continue
    const f = text.split('\t')
    const bad = (what: string) => new FormatError(`${what}, got '${text}'`, { file, line })
    const int = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : NaN)
    const chrom = f[0]!
    if (chrom.trim() === '') throw bad('expected a contig name in the first column')
    if (bed) {
      const start = int(f[1])
      const end = int(f[2])
      if (!(start < end)) throw bad('expected BED: CHROM START END with START < END (0-based)')
      out.push({ chrom, start, end })
    } else {
      const b = int(f[1])
      const e = f.length > 2 ? int(f[2]) : b
      if (!(b >= 1 && e >= b))
        throw bad('expected CHROM POS or CHROM BEGIN END (1-based, tab-separated, BEGIN <= END)')
      out.push({ chrom, start: b - 1, end: e })
    }
  }
  return out
}

/**
 * Regions sorted by contig (in `contigs` order, unknown contigs last) and position, with
 * overlapping and adjacent ones merged: every base is in at most one region.
 */
export function mergeRegions(regions: Region[], contigs: string[] = []): Region[] {
  const rank = new Map(contigs.map((c, i) => [c, i]))
  const order = (c: string) => rank.get(c) ?? contigs.length
  const sorted = [...regions].sort(
    (a, b) =>
      order(a.chrom) - order(b.chrom) ||
      (a.chrom < b.chrom ? -1 : a.chrom > b.chrom ? 1 : 0) ||
      a.start - b.start,
  )
  const out: Region[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && last.chrom === r.chrom && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else out.push({ ...r })
  }
  return out
}

/** Format a Region as `CHR:B-E` (1-based inclusive); `CHR:B` when it runs to the contig's end. */
export function formatRegion(r: Region): string {
  return Number.isFinite(r.end) ? `${r.chrom}:${r.start + 1}-${r.end}` : `${r.chrom}:${r.start + 1}`
}
