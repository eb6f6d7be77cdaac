// The `view` query over HTTP, with BGT's parameter names (a s f t r g n, and the flags S H C):
// groups go through the privacy guard, genotypes and carriers are shown for public samples only
// (the others are counted), and a query stops at the genotype cap with its output marked
// truncated (BGT's `*` line in text, `truncated: true` in JSON).
import { formatValue, infoHeader, infoOf, recordLine, vcfRecordOf } from '../query/viewText.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { mergeRegions, parseRegionList } from '../core/region.js'
import type { Region } from '../core/region.js'
import type { AlleleName, QueryRecord } from '../query/view.js'
import {
  AlleleSetCounter,
  compileColumn,
  formatAlleleName,
  parseAlleleName,
  prepareQuery,
} from '../query/view.js'
import type { VcfRecord } from '../variants/vcf.js'
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
  /** text (JSON), or the bytes of VCF and TSV */
  body: string | Uint8Array
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
  const { table, guard } = served
  const signal = opts.signal ? { signal: opts.signal } : {}
  const prepared = await prepareQuery(served.store, {
    regions,
    // the guard has resolved the groups; the engine gets them as lists of names
    groups: groups.map((g) => `,${Array.from(g.rows, (r) => table.names[r]).join(',')}`),
    filter: p.f === undefined ? undefined : bgtOperators(p.f),
    alleles,
    ...signal,
  })
  const nGroups = prepared.groups.length
  const columns = p.t?.split(',').map((c) => compileColumn(bgtOperators(c.trim()), nGroups))
  // samples of the query that may be shown (their column in the query's sample order)
  const shown: number[] = []
  prepared.samples.forEach((name, i) => {
    if (guard.isPublic(table.indexOf(name))) shown.push(i)
  })
  const hidden = prepared.samples.length - shown.length
  const format = p.format ?? (columns || carriersOut || haplotypesOut ? 'tsv' : 'vcf')
  const genotypes = !flag(p.g) && !columns && shown.length > 0
  const info = flag(p.C) || p.f !== undefined || nGroups > 0
  const limit = p.n ?? Infinity
  const counter = alleles ? new AlleleSetCounter(prepared.samples.length) : undefined

  const records: QueryRecord[] = []
  let truncated = false
  let read = 0
  for await (const r of prepared.records()) {
    checkAbort(opts.signal)
    read += prepared.samples.length
    if (records.length >= limit || read > opts.maxGenotypes) {
      truncated = true
      break
    }
    counter?.add(r)
    records.push(r)
  }
  const groupNames = groups.map((g) => g.spec)
  const haplotypes =
    counter && haplotypesOut
      ? counter.haplotypes(
          nGroups
            ? prepared.groups
            : [{ spec: '', samples: Int32Array.from(prepared.samples, (_, i) => i) }],
        )
      : undefined
  const carrierRows = counter && carriersOut ? counter.carriers() : undefined
  const namedCarriers = carrierRows
    ?.filter((i) => guard.isPublic(table.indexOf(prepared.samples[i]!)))
    .map((i) => prepared.samples[i]!)
  const hiddenCarriers = carrierRows ? carrierRows.length - namedCarriers!.length : 0

  if (format === 'json') {
    const body = {
      store: served.name,
      groups: groupNames.map((spec, k) => ({ spec, samples: prepared.groups[k]!.samples.length })),
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
      ...(carrierRows ? { carriers: { named: namedCarriers, hidden: hiddenCarriers } } : {}),
      truncated,
    }
    return { type: 'application/json; charset=utf-8', body: JSON.stringify(body) }
  }

  // text lines, and records with genotypes as the byte writer takes them (a wide region's VCF
  // at 20,000 samples is tens of megabytes: no string per genotype)
  const lines: (string | VcfRecord[])[] = []
  const vcfOut = format === 'vcf' && !carriersOut && !haplotypesOut
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
    lines.push(...(genotypes ? header : header.map((l) => l.replace(/\tFORMAT$/, ''))))
  }
  const infoText = (r: QueryRecord) => (info ? infoOf(r, nGroups) : undefined)
  if (columns)
    lines.push(...records.map((r) => columns.map((c) => formatValue(c.value(r))).join('\t')))
  else if (vcfOut && genotypes) {
    const all = shown.length === prepared.samples.length
    lines.push(records.map((r) => vcfRecordOf(all ? r : publicColumns(r, shown), infoText(r))))
  } else if (vcfOut) lines.push(...records.map((r) => recordLine(r, infoText(r), false)))
  else if (format === 'tsv' && !carriersOut && !haplotypesOut)
    lines.push(
      ...records.map((r) =>
        [r.chrom, r.pos, r.id, r.ref, r.alt, ...r.counts.flatMap((c) => [c.an, c.ac])].join('\t'),
      ),
    )
  if (haplotypes) {
    lines.push(`NA\t${counter!.seen.length}`)
    for (const a of counter!.seen) lines.push(`AA\t${formatAlleleName(a)}`)
    lines.push(`NH\t${haplotypes.length}\t${Math.max(1, nGroups)}`)
    for (const h of haplotypes) lines.push(['HC', h.pattern, ...h.counts].join('\t'))
  }
  if (carrierRows) {
    for (const name of namedCarriers!) lines.push(`SP\t${name}\t1`)
    if (hiddenCarriers) lines.push(`SH\t${hiddenCarriers}`)
  }
  if (truncated) lines.push('*')
  const type = vcfOut ? 'text/x-vcf; charset=utf-8' : 'text/tab-separated-values; charset=utf-8'
  const chunks: Uint8Array[] = []
  for await (const chunk of vcfBytes(lines)) chunks.push(chunk)
  return { type, body: concatBytes(chunks) }
}

/** The chunks as one array (the one chunk itself when there is one). */
function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
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
