// The `view` query over HTTP, with BGT's parameter names (a s f t r g n, and the flags S H C):
// groups go through the privacy guard, genotypes and carriers are shown for public samples only
// (the others are counted), and a query stops at the genotype cap with its output marked
// truncated (BGT's `*` line in text, `truncated: true` in JSON).
import {
  formatValue,
  infoHeader,
  infoOf,
  joined,
  recordLine,
  vcfRecordOf,
  withInfo,
} from '../query/viewText.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { mergeRegions, parseRegionList } from '../core/region.js'
import type { Region } from '../core/region.js'
import type { AlleleName, QueryBatch, QueryRecord } from '../query/view.js'
import {
  AlleleSetCounter,
  compileColumn,
  firstRecords,
  formatAlleleName,
  parseAlleleName,
  prepareQuery,
  queryRecords,
} from '../query/view.js'
import type { RecordBatch, RecordToWrite } from '../variants/vcfBytes.js'
import { vcfHeader } from '../variants/vcf.js'
import { vcfBytes } from '../variants/vcfBytes.js'
import type { GuardedGroup } from './privacy.js'
import type { ServedStore } from './stores.js'

export interface ViewParams {
  a?: string[] | undefined
  s?: string[] | undefined
  f?: string | undefined
  t?: string | undefined
  r?: string | undefined
  g?: string | undefined
  n?: number | undefined
  S?: string | undefined
  H?: string | undefined
  C?: string | undefined
  format?: 'vcf' | 'tsv' | 'json' | undefined
}

export interface ViewOptions extends AbortOptions {
  maxGenotypes: number
}

export interface ViewAnswer {
  type: string
  /** text (JSON), or the bytes of VCF and TSV in chunks */
  body: string | readonly Uint8Array[]
}

/** A flag given as `&S`, `&S=1` or `&S=true` (BGT tests presence); `S=0`/`S=false` is off. */
export const flag = (v: string | undefined): boolean =>
  v !== undefined && v !== '0' && v !== 'false'

/** BGT's spelling of && and || in URLs (`.and.`, `.or.`). */
export const bgtOperators = (t: string): string =>
  t.replace(/\.and\./gi, '&&').replace(/\.or\./gi, '||')

/** Regions of `r` (bcftools' list), merged, each checked against the store's contigs. */
export async function regionsParam(
  served: ServedStore,
  r: string | undefined,
  opts: AbortOptions = {},
): Promise<Region[] | undefined> {
  if (r === undefined || r.trim() === '') return undefined
  const m = await served.store.manifest(opts)
  const list = parseRegionList(r).map((region) => {
    const contig = m.contigs.find((c) => c.name === region.chrom)
    if (!contig)
      throw new ArgumentError(
        `r=${r}: contig ${region.chrom} is not in the store (it has ${m.contigs.map((c) => c.name).join(', ')})`,
      )
    return { ...region, end: Math.min(region.end, contig.length) }
  })
  return mergeRegions(
    list,
    m.contigs.map((c) => c.name),
  )
}

/** The groups of `s`, resolved and admitted by the store's guard (the whole cohort when none). */
export function admitGroups(served: ServedStore, specs: readonly string[]): GuardedGroup[] {
  const groups = specs.map((spec, i) =>
    served.guard.resolve(bgtOperators(spec), `group ${i + 1} (${spec})`),
  )
  served.guard.admit(groups)
  return groups
}

const GENOTYPE = ['.', '0', '1']

export async function runView(
  served: ServedStore,
  p: ViewParams,
  opts: ViewOptions,
): Promise<ViewAnswer> {
  const carriersOut = flag(p.S)
  const haplotypesOut = flag(p.H)
  const specs = p.s ?? []
  const alleleSpecs = (p.a ?? []).flatMap((a) => (a.startsWith(',') ? a.slice(1).split(',') : [a]))
  const alleles: AlleleName[] | undefined = p.a
    ? alleleSpecs.filter((a) => a.trim() !== '').map(parseAlleleName)
    : undefined
  if ((carriersOut || haplotypesOut) && !alleles)
    throw new ArgumentError(`${carriersOut ? 'S' : 'H'} needs the alleles: a=`)
  const regions = await regionsParam(served, p.r, opts)
  const groups = admitGroups(served, specs)
  const format = p.format ?? (p.t !== undefined || carriersOut || haplotypesOut ? 'tsv' : 'vcf')
  const info = flag(p.C) || p.f !== undefined || groups.length > 0
  const { table, guard } = served
  const signal = opts.signal ? { signal: opts.signal } : {}
  const prepared = await prepareQuery(served.store, {
    regions,
    // the guard has resolved the groups; the engine gets them as lists of names
    groups: groups.map((g) => `,${Array.from(g.rows, (r) => table.names[r]).join(',')}`),
    filter: p.f === undefined ? undefined : bgtOperators(p.f),
    alleles,
    // genotypes only for sample columns out, or for S/H (else counted per tile variant, as the
    // CLI's view -G counts)
    genotypes:
      (!flag(p.g) && p.t === undefined && !carriersOut && !haplotypesOut) || alleles !== undefined,
    // counts for INFO, -t columns, JSON and the TSV of counts; not for genotypes or carriers alone
    counts:
      info ||
      p.t !== undefined ||
      format === 'json' ||
      (format === 'tsv' && !carriersOut && !haplotypesOut),
    ...signal,
  })
  const nGroups = prepared.groups.length
  const columns = p.t?.split(',').map((c) => compileColumn(bgtOperators(c.trim()), nGroups))
  // samples of the query that may be shown (their column in the query's sample order): all of
  // them in a store without private samples, looked up by name otherwise
  const isPublic = (name: string) => guard.privateCount === 0 || guard.isPublic(table.indexOf(name))
  const shown: number[] = []
  prepared.samples.forEach((name, i) => {
    if (isPublic(name)) shown.push(i)
  })
  const hidden = prepared.samples.length - shown.length
  const genotypes = !flag(p.g) && !columns && shown.length > 0
  const limit = p.n ?? Infinity
  const counter = alleles ? new AlleleSetCounter(prepared.samples.length) : undefined

  // the records in batches of columns, up to the limits; -S and -H counted as they pass
  let truncated = false
  let read = 0
  let kept = 0
  const n = prepared.samples.length
  async function* chosen(): AsyncGenerator<QueryBatch> {
    for await (const whole of prepared.columns()) {
      checkAbort(opts.signal)
      // the records within both limits (a record passing maxGenotypes is not kept)
      const fit = Math.min(limit - kept, n ? Math.floor((opts.maxGenotypes - read) / n) : Infinity)
      const batch = firstRecords(whole, Math.max(0, fit))
      if (counter) for (const r of queryRecords(batch)) counter.add(r)
      read += n * batch.sites.length
      kept += batch.sites.length
      if (batch.sites.length) yield batch
      if (batch !== whole) {
        truncated = true
        return
      }
    }
  }
  /** -H and -S, once every record has passed */
  const alleleSets = () => {
    const haplotypes =
      counter && haplotypesOut
        ? counter.haplotypes(
            nGroups
              ? prepared.groups
              : [{ spec: '', samples: Int32Array.from(prepared.samples, (_, i) => i) }],
          )
        : undefined
    const carrierRows = counter && carriersOut ? counter.carriers() : undefined
    const named = carrierRows?.filter((i) => isPublic(prepared.samples[i]!))
    const carriers = carrierRows && {
      named: named!.map((i) => prepared.samples[i]!),
      hidden: carrierRows.length - named!.length,
    }
    return { haplotypes, carriers }
  }

  if (format === 'json') {
    const records: QueryRecord[] = []
    for await (const batch of chosen()) records.push(...queryRecords(batch))
    const { haplotypes, carriers } = alleleSets()
    const body = {
      store: served.name,
      groups: groups.map((g, k) => ({ spec: g.spec, samples: prepared.groups[k]!.samples.length })),
      samples: prepared.samples.length,
      shownSamples: genotypes ? shown.map((i) => prepared.samples[i]) : [],
      hiddenSamples: hidden,
      records: records.map((r) => ({
        chrom: r.chrom,
        pos: r.pos,
        id: r.id,
        ref: r.ref,
        alt: r.alt,
        counts: r.counts,
        ...(columns ? { columns: columns.map((c) => c.value(r) ?? null) } : {}),
        ...(genotypes
          ? {
              genotypes: shown.map(
                (s) =>
                  GENOTYPE[r.alleles[2 * s]! + 1]! +
                  (r.phased[s] ? '|' : '/') +
                  GENOTYPE[r.alleles[2 * s + 1]! + 1]!,
              ),
            }
          : {}),
      })),
      ...(haplotypes ? { alleles: counter!.seen.map(formatAlleleName), haplotypes } : {}),
      ...(carriers ? { carriers } : {}),
      truncated,
    }
    return { type: 'application/json; charset=utf-8', body: JSON.stringify(body) }
  }

  const vcfOut = format === 'vcf' && !carriersOut && !haplotypesOut
  const infoText = (r: QueryRecord) => (info ? infoOf(r.counts, nGroups) : undefined)
  const all = shown.length === prepared.samples.length
  // text lines (one string per batch: the byte writer encodes a string, not a line, at a time),
  // and records with genotypes as the byte writer takes them (no string per genotype); each batch
  // is written as it comes (tens of thousands of records kept to the end would outlive the young
  // generation and cost the collector more than the query)
  async function* items(): AsyncGenerator<string | RecordToWrite[] | RecordBatch> {
    if (vcfOut) {
      const manifest = await served.store.manifest(opts)
      const header = vcfHeader(
        manifest.contigs,
        genotypes ? shown.map((i) => ({ name: prepared.samples[i]!, phased: true })) : [],
        {
          extra: [
            ...(info ? infoHeader(nGroups) : []),
            ...(hidden
              ? [
                  `##hiddenSamples=${hidden} samples with a minimal group size above 1 are counted in AC/AN, not shown`,
                ]
              : []),
          ],
        },
      )
      yield* genotypes ? header : header.map((l) => l.replace(/\tFORMAT$/, ''))
    }
    for await (const columnar of chosen()) {
      // every sample shown: genotypes out as the batch is, no object per record
      if (vcfOut && genotypes && all) {
        yield info ? withInfo(columnar, nGroups) : columnar
        continue
      }
      const batch = queryRecords(columnar)
      if (columns)
        yield* joined(batch.map((r) => columns.map((c) => formatValue(c.value(r))).join('\t')))
      else if (vcfOut && genotypes)
        yield batch.map((r) => vcfRecordOf(publicColumns(r, shown), infoText(r)))
      else if (vcfOut) yield* joined(batch.map((r) => recordLine(r, infoText(r), false)))
      else if (format === 'tsv' && !carriersOut && !haplotypesOut)
        yield* joined(
          batch.map((r) =>
            [r.chrom, r.pos, r.id, r.ref, r.alt, ...r.counts.flatMap((c) => [c.an, c.ac])].join(
              '\t',
            ),
          ),
        )
    }
    const { haplotypes, carriers } = alleleSets()
    if (haplotypes) {
      yield `NA\t${counter!.seen.length}`
      yield* joined(counter!.seen.map((a) => `AA\t${formatAlleleName(a)}`))
      yield `NH\t${haplotypes.length}\t${Math.max(1, nGroups)}`
      yield* joined(haplotypes.map((h) => ['HC', h.pattern, ...h.counts].join('\t')))
    }
    if (carriers) {
      yield* joined(carriers.named.map((name) => `SP\t${name}\t1`))
      if (carriers.hidden) yield `SH\t${carriers.hidden}`
    }
    if (truncated) yield '*'
  }
  const type = vcfOut ? 'text/x-vcf; charset=utf-8' : 'text/tab-separated-values; charset=utf-8'
  // the chunks as they are: a wide region's VCF is tens of megabytes, not copied into one array
  const chunks: Uint8Array[] = []
  for await (const chunk of vcfBytes(items())) chunks.push(chunk)
  return { type, body: chunks }
}

/** A record with the genotypes of the shown samples only. */
function publicColumns(r: QueryRecord, shown: readonly number[]): QueryRecord {
  const alleles = new Int8Array(2 * shown.length)
  const phased = new Uint8Array(shown.length)
  shown.forEach((s, i) => {
    alleles[2 * i] = r.alleles[2 * s]!
    alleles[2 * i + 1] = r.alleles[2 * s + 1]!
    phased[i] = r.phased[s]!
  })
  return { ...r, alleles, phased }
}
