// Where the page gets its data: a `lightning-tiles serve` (its JSON endpoints, which apply the
// privacy rule), or, for the static build, the store itself read in the browser with range
// requests through the same functions the server calls (src/server/explore.ts).
import { parseRegion } from '../src/core/region.js'
import type { Region } from '../src/core/region.js'
import { prepareQuery, compileColumn, parseAlleleName } from '../src/query/view.js'
import { TileResolver } from '../src/resolver/TileResolver.js'
import { readStoreSamples } from '../src/samples/read.js'
import type { SampleTable } from '../src/samples/table.js'
import { Store } from '../src/store/Store.js'
import { regionFrequencies, regionLd, regionTiles, tileDetail } from '../src/server/explore.js'
import type {
  NamedGroup,
  RegionFrequencies,
  RegionGene,
  RegionLd,
  RegionTile,
  TileDetail,
} from '../src/server/explore.js'

export interface StoreInfo {
  mode: 'server' | 'static'
  build: string
  contigs: { name: string; length: number }[]
  samples: number
  groupKeys: string[]
  annotations: boolean
}

/** The view query's parameters as the form gives them (BGT's names). */
export interface QueryParams {
  r?: string
  s: string[]
  f?: string
  t?: string
  a?: string
  n?: number
}

export interface QueryTable {
  columns: string[]
  rows: (string | number | boolean | null)[][]
  truncated: boolean
  hiddenSamples: number
}

export interface Backend {
  info(): Promise<StoreInfo>
  tiles(region: Region): Promise<RegionTile[]>
  freq(region: Region, by: string | undefined): Promise<RegionFrequencies>
  ld(region: Region, group: string | undefined): Promise<RegionLd>
  genes(region: Region): Promise<RegionGene[]>
  query(p: QueryParams): Promise<QueryTable>
  tile(id: string, by: string | undefined): Promise<TileDetail>
}

const regionParam = (r: Region) => `${r.chrom}:${r.start + 1}-${r.end}`

/** A table from the query's JSON records: the -t columns, or CHROM…ALT with AC/AN per group. */
function tableOf(
  json: {
    groups: { spec: string }[]
    records: {
      chrom: string
      pos: number
      id: string
      ref: string
      alt: string
      counts: { ac: number; an: number }[]
      columns?: (string | number | boolean | null)[]
    }[]
    truncated: boolean
    hiddenSamples: number
  },
  t: string | undefined,
): QueryTable {
  const k = json.groups.length
  const columns = t
    ? t.split(',').map((c) => c.trim())
    : [
        'CHROM',
        'POS',
        'ID',
        'REF',
        'ALT',
        'AC',
        'AN',
        ...Array.from({ length: k }, (_, i) => [`AC${i + 1}`, `AN${i + 1}`]).flat(),
      ]
  const rows = json.records.map(
    (r) =>
      r.columns ?? [r.chrom, r.pos, r.id, r.ref, r.alt, ...r.counts.flatMap((c) => [c.ac, c.an])],
  )
  return { columns, rows, truncated: json.truncated, hiddenSamples: json.hiddenSamples }
}

/** The query string of a view query (repeated `s`), as the server and the download link take it. */
export function queryString(p: QueryParams, format: string): string {
  const parts: [string, string][] = []
  if (p.r) parts.push(['r', p.r])
  for (const s of p.s) parts.push(['s', s])
  if (p.f) parts.push(['f', p.f])
  if (p.t) parts.push(['t', p.t])
  if (p.a) parts.push(['a', p.a])
  if (p.n !== undefined) parts.push(['n', String(p.n)])
  parts.push(['format', format])
  if (format !== 'vcf') parts.push(['g', '1'])
  return parts.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
}

export class ServerBackend implements Backend {
  constructor(private readonly base: string) {}

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(this.base + path)
    const body = (await res.json()) as T & { error?: string }
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`)
    return body
  }

  async info(): Promise<StoreInfo> {
    const [stores, contigs] = await Promise.all([
      this.get<{ stores: { samples: number; groupKeys: string[] }[]; annotations: boolean }>(
        '/stores',
      ),
      this.get<{ build: string; contigs: { name: string; length: number }[] }>('/contigs'),
    ])
    const s = stores.stores[0]!
    return {
      mode: 'server',
      build: contigs.build,
      contigs: contigs.contigs,
      samples: s.samples,
      groupKeys: s.groupKeys,
      annotations: stores.annotations,
    }
  }
  async tiles(region: Region) {
    return (await this.get<{ tiles: RegionTile[] }>(`/tiles?r=${regionParam(region)}`)).tiles
  }
  freq(region: Region, by: string | undefined) {
    return this.get<RegionFrequencies>(
      `/freq?r=${regionParam(region)}${by ? `&by=${encodeURIComponent(by)}` : ''}`,
    )
  }
  ld(region: Region, group: string | undefined) {
    return this.get<RegionLd>(
      `/ld?r=${regionParam(region)}${group ? `&group=${encodeURIComponent(group)}` : ''}`,
    )
  }
  async genes(region: Region) {
    return (await this.get<{ genes: RegionGene[] }>(`/genes?r=${regionParam(region)}`)).genes
  }
  async query(p: QueryParams) {
    return tableOf(await this.get(`/query?${queryString(p, 'json')}`), p.t)
  }
  tile(id: string, by: string | undefined) {
    return this.get<TileDetail>(`/tile/${id}${by ? `?by=${encodeURIComponent(by)}` : ''}`)
  }
  /** The URL of the query's answer in `format`, for the download link. */
  downloadUrl(p: QueryParams, format: string): string {
    return `${this.base}/query?${queryString(p, format)}`
  }
}

/** The store read directly: files anyone can download have no privacy rule to apply. */
export class StaticBackend implements Backend {
  private readonly store: Store
  private readonly resolver: TileResolver
  private table: Promise<SampleTable> | undefined

  constructor(location: string) {
    this.store = Store.open(location)
    this.resolver = new TileResolver(this.store)
  }

  private samples(): Promise<SampleTable> {
    return (this.table ??= readStoreSamples(this.store).then((s) => s.table))
  }

  private async groupsBy(by: string | undefined): Promise<NamedGroup[]> {
    const table = await this.samples()
    if (!by) return [{ name: 'ALL', rows: Int32Array.from(table.names, (_, i) => i) }]
    const byValue = new Map<string, number[]>()
    table.names.forEach((_, r) => {
      const v = table.value(r, by)
      if (v === undefined) return
      const list = byValue.get(String(v)) ?? []
      list.push(r)
      byValue.set(String(v), list)
    })
    return [...byValue.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([name, rows]) => ({ name, rows: Int32Array.from(rows) }))
  }

  async info(): Promise<StoreInfo> {
    const [m, table] = await Promise.all([this.store.manifest(), this.samples()])
    return {
      mode: 'static',
      build: m.build,
      contigs: m.contigs,
      samples: table.size,
      groupKeys: table.fields.map((f) => f.key),
      annotations: false,
    }
  }
  tiles(region: Region) {
    return regionTiles(this.resolver, region)
  }
  async freq(region: Region, by: string | undefined) {
    return regionFrequencies(this.store, region, await this.groupsBy(by))
  }
  async ld(region: Region, group: string | undefined) {
    const table = await this.samples()
    const samples = group ? table.select(group).map((r) => table.names[r]!) : undefined
    return regionLd(this.store, region, samples)
  }
  async genes() {
    return []
  }
  async query(p: QueryParams): Promise<QueryTable> {
    const m = await this.store.manifest()
    const prepared = await prepareQuery(this.store, {
      regions: p.r
        ? [parseRegion(p.r, m.contigs.find((c) => c.name === p.r?.split(':')[0])?.length)]
        : undefined,
      groups: p.s,
      filter: p.f,
      alleles: p.a ? p.a.split(',').filter(Boolean).map(parseAlleleName) : undefined,
    })
    const columns = p.t?.split(',').map((c) => compileColumn(c.trim(), prepared.groups.length))
    const records = []
    const limit = p.n ?? 10_000
    let truncated = false
    for await (const r of prepared.records()) {
      if (records.length >= limit) {
        truncated = true
        break
      }
      records.push({
        ...r,
        ...(columns ? { columns: columns.map((c) => c.value(r) ?? null) } : {}),
      })
    }
    return tableOf({ groups: prepared.groups, records, truncated, hiddenSamples: 0 }, p.t)
  }
  async tile(id: string, by: string | undefined) {
    return tileDetail(this.resolver, id, await this.groupsBy(by))
  }
}
