// A query's records (src/query/view.ts) as text: VCF lines with AC/AN per group in INFO (BGT's
// view), and the values of -t table columns. The CLI's view and the server's share them.
// Browser-safe.
import type { QueryRecord } from './view.js'

/** A table cell: `*` for no value, booleans as 0/1, reals to 6 significant digits. */
export function formatValue(v: number | string | boolean | undefined): string {
  if (v === undefined) return '*'
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'string' || Number.isInteger(v)) return String(v)
  return String(Number(v.toPrecision(6)))
}

/** AN/AC and, with several groups, ANk/ACk as BGT writes them. */
/** INFO of a record: AN and AC of all the query's samples, then of each group when there are two or more. */
export function infoOf(r: QueryRecord, groups: number): string {
  const parts = [`AN=${r.counts[0]!.an}`, `AC=${r.counts[0]!.ac}`]
  if (groups > 1)
    for (let k = 1; k <= groups; k++)
      parts.push(`AN${k}=${r.counts[k]!.an}`, `AC${k}=${r.counts[k]!.ac}`)
  return parts.join(';')
}

/** The ##INFO lines of what `infoOf` writes. */
export function infoHeader(groups: number): string[] {
  const lines = [
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">',
  ]
  if (groups > 1)
    for (let k = 1; k <= groups; k++)
      lines.push(
        `##INFO=<ID=AN${k},Number=1,Type=Integer,Description="Total number of alleles in sample group ${k}">`,
        `##INFO=<ID=AC${k},Number=A,Type=Integer,Description="Allele count in sample group ${k}">`,
      )
  return lines
}

const ALLELE = ['.', '0', '1']

/** A record as a VCF line, with its genotypes (missing: `.`) or without the FORMAT column. */
export function recordLine(r: QueryRecord, info: string | undefined, genotypes: boolean): string {
  const cols = [r.chrom, String(r.pos), r.id, r.ref, r.alt, '.', '.', info ?? '.']
  if (genotypes) {
    cols.push('GT')
    for (let s = 0; s < r.phased.length; s++)
      cols.push(
        ALLELE[r.alleles[2 * s]! + 1]! +
          (r.phased[s] ? '|' : '/') +
          ALLELE[r.alleles[2 * s + 1]! + 1]!,
      )
  }
  return cols.join('\t')
}

/** A sample's two tile variants at a step (hex, as in tile IDs; `-` inside a spanning tile). */
