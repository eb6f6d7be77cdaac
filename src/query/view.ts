// The query engine behind `lightning-tiles view`, as BGT's `bgt view`: sites of regions, sample
// groups with per-group AC/AN (group k gives AC#k, AN#k, AF#k; BGT's AC1, AN1 too), a site filter
// over them, chosen alleles by name, then the samples carrying all chosen alleles (-S) and the
// haplotype counts over them per group (-H). Browser-safe.
import { wordsOf } from '../core/bytes.js'
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { mergeRegions } from '../core/region.js'
import type { Region } from '../core/region.js'
import {
  StoreAnnotations,
  annotationScope,
  needAnnotations,
  siteVariables,
} from '../annotations/reader.js'
import type { AnnotationField, AnnotationValue } from '../annotations/table.js'
import { readStoreSamples } from '../samples/read.js'
import { SampleTable } from '../samples/table.js'
import type { Store } from '../store/Store.js'
import type { StoreManifest } from '../store/manifest.js'
import { compileCondition, compileExpression } from './expr/compile.js'
import type { CompiledCondition, CompiledExpression, Scope } from './expr/compile.js'
import { genotypeBatches, siteGroupCounts, siteRecords } from './genotypes.js'
import type { GenotypeBatch, GenotypeSite } from './genotypes.js'
import { filterBatch } from '../variants/vcfBytes.js'
import type { VcfSite } from '../variants/vcfBytes.js'
import { groupStatistic, resolveGroups } from './groups.js'
import type { ResolveGroupsOptions, SampleGroup } from './groups.js'

/**
 * An allele by name, as BGT keeps it: the REF and ALT with their common leading bases removed
 * (`pos` moves right past them), so `20:100:AT:A` and `20:101:1:` name the same deletion.
 */
export interface AlleleName {
  chrom: string
  /** 1-based position of the first base that differs */
  pos: number
  /** reference bases replaced */
  refLength: number
  /** bases put in their place (upper case) */
  seq: string
  /** names the REF allele of a site (BGT's `chr:pos::SEQ`) rather than an ALT */
  reference?: boolean
}

/**
 * Parse an allele name: BGT's `chr:pos:refLen:alt`, VCF-style `chr:pos:REF:ALT` (common leading
 * and trailing bases are removed, as BGT does) or `chr:pos::SEQ` (a reference allele).
 */
export function parseAlleleName(text: string): AlleleName {
  const m = /^(.+):(\d+):(\d+|[A-Za-z]*):([A-Za-z]*)$/.exec(text.trim())
  if (!m)
    throw new ArgumentError(
      `allele '${text}': expected CHR:POS:REFLEN:ALT (BGT) or CHR:POS:REF:ALT (VCF)`,
    )
  let pos = Number(m[2])
  let alt = m[4]!.toUpperCase()
  if (pos < 1) throw new ArgumentError(`allele '${text}': positions start at 1`)
  if (m[3] === '') return { chrom: m[1]!, pos, refLength: alt.length, seq: alt, reference: true }
  if (/^\d+$/.test(m[3]!)) return { chrom: m[1]!, pos, refLength: Number(m[3]), seq: alt }
  let ref = m[3]!.toUpperCase()
  let lead = 0
  while (lead < ref.length && lead < alt.length && ref[lead] === alt[lead]) lead++
  pos += lead
  ref = ref.slice(lead)
  alt = alt.slice(lead)
  let tail = 0
  while (
    tail < ref.length &&
    tail < alt.length &&
    ref[ref.length - 1 - tail] === alt[alt.length - 1 - tail]
  )
    tail++
  return { chrom: m[1]!, pos, refLength: ref.length - tail, seq: alt.slice(0, alt.length - tail) }
}

/** A name in BGT's form `chr:pos:refLen:alt` (as its -H output lists alleles). */
export function formatAlleleName(a: AlleleName): string {
  return `${a.chrom}:${a.pos}:${a.refLength}:${a.seq}`
}

/** The ALT (or REF, with `reference`) allele of a site as BGT names it. */
export function siteAllele(
  site: Pick<GenotypeSite, 'chrom' | 'pos' | 'ref' | 'alt'>,
  reference = false,
): AlleleName {
  const ref = site.ref.toUpperCase()
  const alt = site.alt.toUpperCase()
  let lead = 0
  while (lead < ref.length && lead < alt.length && ref[lead] === alt[lead]) lead++
  const seq = (reference ? ref : alt).slice(lead)
  return {
    chrom: site.chrom,
    pos: site.pos + lead,
    refLength: ref.length - lead,
    seq,
    ...(reference ? { reference: true } : {}),
  }
}

const alleleKey = (a: AlleleName) => `${a.chrom}:${a.pos}:${a.refLength}:${a.seq}`

/** Allele counts of one group at one site. */
export interface GroupCount {
  /** called haplotypes */
  an: number
  /** called haplotypes carrying the ALT */
  ac: number
}

export interface QueryRecord extends GenotypeSite {
  /**
   * [0]: every sample of the query; [k]: group k (1-based, in the order given); empty when the
   * query was prepared with `counts: false`
   */
  counts: GroupCount[]
  /** with `alleles` or `annotations`: the chosen allele this site carries (its ALT, or its REF) */
  allele?: AlleleName
  /** with `annotations` or `withAnnotations`: the allele's site annotations by key */
  annotations?: ReadonlyMap<string, AnnotationValue>
}

export interface QueryOptions extends AbortOptions, ResolveGroupsOptions {
  /** sorted, merged regions (0-based half-open); undefined: the whole store */
  regions?: readonly Region[] | undefined
  /**
   * sample groups, as BGT's -s: each a sample expression over the metadata (`pop=="FIN"`),
   * `,A,B` names or `@FILE`; the query's samples are their union (default: every sample)
   */
  groups?: readonly string[] | undefined
  /** a condition over AC, AN, AF, AC#k, AN#k, AF#k (BGT: AC1, AN1), CHROM, POS, END, REF, ALT */
  filter?: string | undefined
  /** only sites carrying one of these alleles */
  alleles?: readonly AlleleName[] | undefined
  /**
   * only alleles whose site annotations (`lightning-tiles annotate`) satisfy this condition, as
   * BGT's -d/-a (`CLNSIG=="Pathogenic"`, `csq=="missense_variant" && gene=="SNRPB"`); read from
   * the annotation index by position, never the whole file
   */
  annotations?: string | undefined
  /** give every record its site annotations (`record.annotations`; implied by `annotations`) */
  withAnnotations?: boolean | undefined
  /**
   * false: the caller reads no record's `alleles` (no genotypes out, no -S/-H), so counts come
   * per tile variant without forming genotypes where the store has an allele index (`alleles`
   * and `phased` are then empty)
   */
  genotypes?: boolean | undefined
  /**
   * false: the caller reads no record's `counts` (genotypes out, no INFO, no -t), so none are
   * made and `counts` is empty (a filter still counts): at 20,000 samples counting is a tenth of a
   * wide region's VCF
   */
  counts?: boolean | undefined
}

/** A prepared query: the samples it reports, its groups, and its records. */
export interface PreparedQuery {
  /** sample names of the query, in store order (the union of the groups) */
  samples: string[]
  /** the groups, their sample indices into `samples` */
  groups: SampleGroup[]
  /** the store's annotation fields (what `compileColumn` may name besides the record's keys) */
  annotationFields: AnnotationField[]
  records(): AsyncGenerator<QueryRecord>
  /** the same records in batches (one await per batch: for writing every record) */
  batches(): AsyncGenerator<QueryRecord[]>
  /**
   * the same records as columns, in batches: no object per record (what a VCF writer wants; a
   * QueryBatch is a RecordBatch)
   */
  columns(): AsyncGenerator<QueryBatch>
}

/**
 * A batch of a query's records as columns (GenotypeBatch): the fields QueryRecord adds to a
 * site, per site.
 */
export interface QueryBatch extends GenotypeBatch {
  /** per site: QueryRecord's `counts` */
  counts: GroupCount[][]
  /** per site (when the query chooses alleles): QueryRecord's `allele` */
  allele?: (AlleleName | undefined)[]
  /** per site (when the query reads annotations): QueryRecord's `annotations` */
  annotations?: (ReadonlyMap<string, AnnotationValue> | undefined)[]
}

/**
 * The keys of site expressions (filters, -t columns) over query records with `groups` groups, and
 * the store's annotation `fields` (values of records that have them; see `withAnnotations`).
 */
export function recordScope(
  groups: number,
  fields: readonly AnnotationField[] = [],
): Scope<QueryRecord> {
  const fixed = siteVariables<QueryRecord>()
  return {
    variable(name) {
      if (fixed[name]) return fixed[name]
      const g = groupStatistic(name)
      const field = fields.find((f) => f.key === name)
      if (field && (!g || g.group > groups))
        return field.type === 'flag'
          ? { type: 'number', get: (r) => (r.annotations?.has(name) ? 1 : 0) }
          : {
              type: field.type === 'string' ? 'string' : 'number',
              get: (r) => r.annotations?.get(name),
              optional: true,
            }
      if (!g || g.group > groups) return undefined
      const k = g.group
      if (g.stat === 'AC') return { type: 'number', get: (r) => r.counts[k]!.ac }
      if (g.stat === 'AN') return { type: 'number', get: (r) => r.counts[k]!.an }
      return { type: 'number', get: (r) => r.counts[k]!.ac / r.counts[k]!.an }
    },
    describeKeys: () =>
      `keys: CHROM, POS, END, REF, ALT, ID, AC, AN, AF${groups ? `, AC#k, AN#k, AF#k for groups k = 1..${groups}` : ''}${fields.map((f) => `, ${f.key}`).join('')}`,
  }
}

/** Compile a site filter for records of a query with `groups` groups (errors name the column). */
export function compileSiteFilter(
  text: string,
  groups: number,
  fields: readonly AnnotationField[] = [],
): CompiledCondition<QueryRecord> {
  return compileCondition(text, recordScope(groups, fields))
}

/** Compile a -t column for records of a query with `groups` groups and annotation `fields`. */
export function compileColumn(
  text: string,
  groups: number,
  fields: readonly AnnotationField[] = [],
): CompiledExpression<QueryRecord> {
  return compileExpression(text, recordScope(groups, fields))
}

/** The counts of the samples `members` of a record whose alleles start at `gt[from]`. */
function countGroup(gt: Int8Array, from: number, members: Int32Array): GroupCount {
  let an = 0
  let ac = 0
  for (let i = 0; i < members.length; i++) {
    const s = members[i]!
    for (let p = 0; p < 2; p++) {
      const a = gt[from + 2 * s + p]!
      if (a >= 0) an++
      if (a === 1) ac++
    }
  }
  return { an, ac }
}

/**
 * The counts of every haplotype (the query's samples, all of them), four at a time: at 20,000
 * samples this is most of a wide region's counting, and a byte at a time costs four times more.
 * Alleles are -1 (0xff), 0 or 1: a byte's bit 7 marks a missing allele, bit 0 without bit 7 an ALT.
 */
function countAll(gt: Int8Array, from: number, n: number): GroupCount {
  let missing = 0
  let ac = 0
  const one = (a: number) => {
    missing += a >>> 31
    ac += (a + 1) >> 1
  }
  // a few samples' alleles: counted in place (a view of words would cost more than it saves)
  if (n < 64) {
    for (let h = from; h < from + n; h++) one(gt[h]!)
    return { an: n - missing, ac }
  }
  const alleles = gt.subarray(from, from + n)
  const head = Math.min(n, (4 - (alleles.byteOffset % 4)) % 4)
  for (let h = 0; h < head; h++) one(alleles[h]!)
  const words = wordsOf(alleles, head)
  for (let i = 0; i < words.length;) {
    // per byte lane, at most 255 words summed before the lanes are added up
    const end = Math.min(words.length, i + 255)
    let m = 0
    let c = 0
    for (; i < end; i++) {
      const w = words[i]!
      const high = (w >>> 7) & 0x01010101
      m += high
      c += w & 0x01010101 & ~high
    }
    missing += (m & 0xff) + ((m >>> 8) & 0xff) + ((m >>> 16) & 0xff) + (m >>> 24)
    ac += (c & 0xff) + ((c >>> 8) & 0xff) + ((c >>> 16) & 0xff) + (c >>> 24)
  }
  for (let h = head + 4 * words.length; h < n; h++) one(alleles[h]!)
  return { an: n - missing, ac }
}

/** The counts of a record of a query that makes none (QueryOptions.counts false). */
const NO_COUNTS: GroupCount[] = Object.freeze([]) as unknown as GroupCount[]

/** Each manifest's sample names as a table without fields, made once (manifests never change). */
const namesTables = new WeakMap<StoreManifest, SampleTable>()
function namesTable(m: StoreManifest): SampleTable {
  let table = namesTables.get(m)
  if (!table) namesTables.set(m, (table = SampleTable.ofNames(m.samples.map((s) => s.name))))
  return table
}

/**
 * Prepare a query on `store`: groups resolved against its sample metadata, the filter compiled
 * (both fail here, before any genotype is read).
 */
export async function prepareQuery(store: Store, opts: QueryOptions = {}): Promise<PreparedQuery> {
  const signal = opts.signal ? { signal: opts.signal } : {}
  const specs = opts.groups ?? []
  // the metadata (samples.fmf: 1 MB at 20,000 samples) only for groups that are expressions
  const table = specs.some((s) => !/^[,:@]/.test(s))
    ? (await readStoreSamples(store, signal)).table
    : namesTable(await store.manifest(signal))
  const resolved = await resolveGroups(specs, table, opts)
  // the query's samples: the union of the groups, in store order (no groups: every sample)
  const rows = specs.length
    ? [...new Set(resolved.flatMap((g) => [...g.samples]))].sort((a, b) => a - b)
    : undefined
  const column = new Int32Array(table.size)
  if (rows) for (let i = 0; i < rows.length; i++) column[rows[i]!] = i
  const groups = resolved.map((g) => ({
    spec: g.spec,
    samples: Int32Array.from(g.samples, (r) => column[r]!),
  }))
  const sets = await StoreAnnotations.open(store, signal)
  const annotationFields = [...sets.fields().values()].map(({ key, type, description }) => ({
    key,
    type,
    description,
  }))
  const condition =
    opts.annotations === undefined
      ? undefined
      : compileCondition(opts.annotations, annotationScope(sets))
  if (condition) needAnnotations(sets, store.location)
  const withAnnotations = (condition !== undefined || opts.withAnnotations) && sets.sets.length > 0
  // only -d: only the sets it names are read
  const keys = opts.withAnnotations ? undefined : condition?.keys
  // a filter naming an annotation key sees nothing unless the values are read
  const filter =
    opts.filter === undefined
      ? undefined
      : compileSiteFilter(opts.filter, groups.length, withAnnotations ? annotationFields : [])
  const wanted = opts.alleles ? new Map(opts.alleles.map((a) => [alleleKey(a), a])) : undefined
  // alleles by name and no region: only where they are (a record's REF starts at most one base
  // before the first base an allele changes), not the whole store
  const regions =
    opts.regions ??
    (opts.alleles?.length
      ? mergeRegions(
          opts.alleles.map((a) => ({
            chrom: a.chrom,
            start: Math.max(0, a.pos - 2),
            end: a.pos + Math.max(1, a.refLength),
          })),
          (await store.manifest(signal)).contigs.map((c) => c.name),
        )
      : undefined)
  const samples = rows ? rows.map((r) => table.names[r]!) : table.names.slice()
  const counting = opts.counts !== false || filter !== undefined
  // the counts of a record whose `width` alleles start at `gt[from]` (no view of them made)
  const countsOf = (gt: Int8Array, from: number, width: number): GroupCount[] => {
    // a loop, not a spread of a map: two arrays fewer per record
    const out = [countAll(gt, from, width)]
    for (const g of groups) out.push(countGroup(gt, from, g.samples))
    return out
  }
  /** the sites, a batch at a time; counted already when counted per tile variant */
  async function* sources(): AsyncGenerator<GenotypeBatch & { counts?: GroupCount[][] }> {
    const siteCounts =
      opts.genotypes === false
        ? await siteGroupCounts(store, {
            regions,
            samples,
            groups: groups.map((g) => g.samples),
            ...signal,
          })
        : undefined
    if (!siteCounts) {
      yield* genotypeBatches(store, {
        regions,
        ...(specs.length ? { samples } : {}),
        ...signal,
      })
      return
    }
    // counted a site at a time: batched here for the records' consumers
    let sites: VcfSite[] = []
    let counts: GroupCount[][] = []
    const none = { gt: new Int8Array(0), width: 0, phased: new Uint8Array(0) }
    for await (const x of siteCounts) {
      sites.push(x.site)
      counts.push(x.counts)
      if (sites.length === 1024) {
        yield { sites, counts, ...none }
        sites = []
        counts = []
      }
    }
    if (sites.length) yield { sites, counts, ...none }
  }
  // a record's own fields are read only by these (else a batch stays columns)
  const perRecord = wanted !== undefined || withAnnotations || filter !== undefined
  async function* columns(): AsyncGenerator<QueryBatch> {
    for await (const batch of sources()) {
      const { sites, gt, width } = batch
      const alleles = (i: number) => gt.subarray(i * width, (i + 1) * width)
      if (!perRecord) {
        const counts =
          batch.counts ??
          sites.map((_, i) => (counting ? countsOf(gt, i * width, width) : NO_COUNTS))
        yield { ...batch, counts }
        continue
      }
      const kept = new Uint8Array(sites.length)
      const out: QueryRecord[] = []
      for (let i = 0; i < sites.length; i++) {
        const { chrom, pos, id, ref, alt } = sites[i]!
        const site = { chrom, pos: pos + 1, id: id ?? '.', ref, alt }
        let allele: AlleleName | undefined
        if (wanted) {
          allele =
            wanted.get(alleleKey(siteAllele(site))) ?? wanted.get(alleleKey(siteAllele(site, true)))
          if (!allele) continue
        }
        const annotations = withAnnotations
          ? await sets.values(chrom, pos + 1, ref, alt, { ...signal, keys })
          : undefined
        if (condition) {
          if (!condition.test({ ...site, values: annotations! })) continue
          // an allele chosen by its annotation: its ALT, for -S and -H
          allele ??= siteAllele(site)
        }
        const counts = batch.counts?.[i] ?? (counting ? countsOf(gt, i * width, width) : NO_COUNTS)
        const record: QueryRecord = { ...site, alleles: alleles(i), phased: batch.phased, counts }
        if (allele) record.allele = allele
        if (annotations) record.annotations = annotations
        if (filter && !filter.test(record)) continue
        kept[i] = 1
        out.push(record)
      }
      if (!out.length) continue
      const chosen = filterBatch(batch, (_, i) => kept[i] === 1)
      yield {
        ...chosen,
        counts: out.map((r) => r.counts),
        allele: out.map((r) => r.allele),
        annotations: out.map((r) => r.annotations),
      }
    }
  }
  async function* batches(): AsyncGenerator<QueryRecord[]> {
    for await (const b of columns()) yield queryRecords(b)
  }
  async function* records(): AsyncGenerator<QueryRecord> {
    for await (const batch of batches()) yield* batch
  }
  return { samples, groups, annotationFields, records, batches, columns }
}

/** A batch's records as QueryRecord objects (their alleles views of the batch's). */
export function queryRecords(b: QueryBatch): QueryRecord[] {
  return siteRecords(b).map((site, i) => {
    const record: QueryRecord = Object.assign(site, { counts: b.counts[i]! })
    if (b.allele?.[i]) record.allele = b.allele[i]
    if (b.annotations?.[i]) record.annotations = b.annotations[i]
    return record
  })
}

/** The first `n` records of a batch. */
export function firstRecords(b: QueryBatch, n: number): QueryBatch {
  if (n >= b.sites.length) return b
  return {
    ...b,
    sites: b.sites.slice(0, n),
    info: b.info?.slice(0, n),
    gt: b.gt.subarray(0, n * b.width),
    counts: b.counts.slice(0, n),
    ...(b.allele ? { allele: b.allele.slice(0, n) } : {}),
    ...(b.annotations ? { annotations: b.annotations.slice(0, n) } : {}),
  }
}

/** The records of a query (see prepareQuery), for notebooks: `for await (const r of query(...))`. */
export async function* query(store: Store, opts: QueryOptions = {}): AsyncGenerator<QueryRecord> {
  yield* (await prepareQuery(store, opts)).records()
}

/**
 * What -S and -H report, gathered over the records of a query with `alleles`: per sample whether
 * it carries every chosen allele seen, and the pattern of chosen alleles on each haplotype.
 */
export class AlleleSetCounter {
  /** the chosen alleles met, in record order */
  readonly seen: AlleleName[] = []
  /** per sample: how many of the alleles seen it carries */
  private readonly carried: Int32Array
  /**
   * Per haplotype, its pattern so far (which alleles seen it carries) as a node of a binary trie:
   * node ids of one depth are consecutive, and each node keeps its parent and last bit. A record
   * costs one table lookup per haplotype, not a string per haplotype (40,000 at 20,000 samples).
   */
  private readonly node: Int32Array
  private parent: number[] = [-1]
  private bit: number[] = [0]
  /** first node id of the current depth */
  private depthStart = 0

  constructor(readonly samples: number) {
    this.carried = new Int32Array(samples)
    this.node = new Int32Array(2 * samples)
  }

  add(record: QueryRecord): void {
    const a = record.allele
    if (!a) throw new ArgumentError('AlleleSetCounter takes records of a query with alleles')
    const target = a.reference ? 0 : 1
    const { node, carried, parent, bit } = this
    const from = this.depthStart
    const next = parent.length
    // child of (node − from) by bit at [2 × (node − from) + bit], made on first use
    const child = new Int32Array(2 * (next - from)).fill(-1)
    const alleles = record.alleles
    for (let h = 0; h < 2 * this.samples; h++) {
      const b = alleles[h] === target ? 1 : 0
      if (b && (h & 1 ? alleles[h - 1] !== target : true)) carried[h >> 1]!++
      const k = 2 * (node[h]! - from) + b
      let c = child[k]!
      if (c < 0) {
        c = child[k] = parent.length
        parent.push(node[h]!)
        bit.push(b)
      }
      node[h] = c
    }
    this.depthStart = next
    this.seen.push(a)
  }

  /** Samples (indices) carrying every allele seen (none when no allele was seen). */
  carriers(): number[] {
    if (!this.seen.length) return []
    const { carried, samples } = this
    const every = this.seen.length
    const out: number[] = []
    for (let s = 0; s < samples; s++) if (carried[s] === every) out.push(s)
    return out
  }

  /**
   * Haplotype patterns (character i: carries allele i of `seen`) with their count in each group,
   * most frequent first (ties in order of first haplotype).
   */
  haplotypes(
    groups: readonly SampleGroup[],
  ): { pattern: string; total: number; counts: number[] }[] {
    const byPattern = new Map<string, { pattern: string; total: number; counts: number[] }>()
    const memberOf = groups.map((g) => new Set(g.samples))
    const patternOf = (id: number) => {
      let p = ''
      for (let x = id; x > 0; x = this.parent[x]!) p = (this.bit[x] ? '1' : '0') + p
      return p
    }
    const patterns = new Map<number, string>()
    for (let h = 0; h < 2 * this.samples; h++) {
      const id = this.node[h]!
      let pattern = patterns.get(id)
      if (pattern === undefined) patterns.set(id, (pattern = patternOf(id)))
      let e = byPattern.get(pattern)
      if (!e) byPattern.set(pattern, (e = { pattern, total: 0, counts: groups.map(() => 0) }))
      e.total++
      memberOf.forEach((m, k) => {
        if (m.has(h >> 1)) e.counts[k]!++
      })
    }
    return [...byPattern.values()].sort((a, b) => b.total - a.total)
  }
}
