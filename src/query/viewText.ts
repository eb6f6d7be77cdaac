// A query's records (src/query/view.ts) as text: VCF lines with AC/AN per group in INFO (BGT's
// view), and the values of -t table columns. The CLI's view and the server's share them.
// Browser-safe.
import type { Store } from '../store/Store.js'
import { vcfHeader } from '../variants/vcf.js'
import { vcfBytes } from '../variants/vcfBytes.js'
import type { RecordBatch, RecordToWrite } from '../variants/vcfBytes.js'
import type { GroupCount, PreparedQuery, QueryBatch, QueryRecord } from './view.js'

/** A table cell: `*` for no value, booleans as 0/1, reals to 6 significant digits. */
export function formatValue(v: number | string | boolean | undefined): string {
  if (v === undefined) return '*'
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'string' || Number.isInteger(v)) return String(v)
  return String(Number(v.toPrecision(6)))
}

/**
 * INFO of a record by its counts (QueryRecord's): AN and AC of all the query's samples, then of
 * each group when there are two or more.
 */
export function infoOf(counts: readonly GroupCount[], groups: number): string {
  let info = `AN=${counts[0]!.an};AC=${counts[0]!.ac}`
  if (groups > 1)
    for (let k = 1; k <= groups; k++) info += `;AN${k}=${counts[k]!.an};AC${k}=${counts[k]!.ac}`
  return info
}

/** A batch with the INFO of its records' counts (infoOf). */
export function withInfo(b: QueryBatch, groups: number): QueryBatch {
  return { ...b, info: b.counts.map((c) => infoOf(c, groups)) }
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

/**
 * A record with its genotypes as the byte writer (variants/vcfBytes.ts) takes it: the line
 * `recordLine` makes, written without a string per genotype (a wide region's records at 20,000
 * samples are 80 kB each). The alleles go as they are: the writer reads -1 as `.`.
 */
export function vcfRecordOf(r: QueryRecord, info: string | undefined): RecordToWrite {
  return {
    chrom: r.chrom,
    pos: r.pos - 1,
    id: r.id,
    ref: r.ref,
    alt: r.alt,
    info,
    gt: r.alleles,
    phased: r.phased,
  }
}

/** Text lines as one item (none for none): the byte writer encodes an item, not a line, at a time. */
export function* joined(lines: readonly string[]): Generator<string> {
  if (lines.length) yield lines.join('\n')
}

/**
 * A prepared query's VCF, as `lightning-tiles view` writes it without -G, -t, -S or -H: the
 * header, then each record with the genotypes of the query's samples and, with `counts` (the
 * CLI's -C, which -f implies; two or more groups imply it here too), AN/AC in INFO, for which the
 * query must count (QueryOptions.counts not false); as chunks of whole lines (`reuse`: as
 * vcfBytes).
 */
export async function* queryToVcfBytes(
  store: Store,
  prepared: PreparedQuery,
  opts: { counts?: boolean | undefined; reuse?: boolean | undefined } = {},
): AsyncGenerator<Uint8Array> {
  const { contigs } = await store.manifest()
  const groups = prepared.groups.length
  const counts = opts.counts || groups > 1
  async function* items(): AsyncGenerator<string | RecordBatch> {
    yield* vcfHeader(
      contigs,
      prepared.samples.map((name) => ({ name, phased: true })),
      counts ? { extra: infoHeader(groups) } : {},
    )
    for await (const batch of prepared.columns()) yield counts ? withInfo(batch, groups) : batch
  }
  yield* vcfBytes(items(), { reuse: opts.reuse })
}
