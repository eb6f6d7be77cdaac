// The page: a region view (reference ruler, genes, tiles, variants with per-group frequencies, the
// LD triangle), a form for the view query with its result as a table and a download, and a tile
// panel (bases, edits against the reference tile, carriers per group). Scales come from d3-scale;
// the LD triangle is the same SVG `lightning-tiles ld --svg` draws (src/plot).
import { scaleLinear } from 'd3-scale'
import { schemeTableau10 } from 'd3-scale-chromatic'
import { parseRegion } from '../src/core/region.js'
import type { Region } from '../src/core/region.js'
import { ldHeatmapSvg } from '../src/plot/ldHeatmap.js'
import { escapeXml } from '../src/plot/svg.js'
import type {
  RegionFrequencies,
  RegionGene,
  RegionTile,
  TileDetail,
} from '../src/server/explore.js'
import { ServerBackend, StaticBackend } from './backend.js'
import { imputePanel } from './impute.js'
import type { Backend, QueryParams, StoreInfo } from './backend.js'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const WIDTH = 960
const LEFT = 90

function status(text: string, error = false): void {
  const el = $('status')
  el.textContent = text
  el.className = error ? 'error' : ''
}

/** The backend this page was deployed with: config.json says `static` for the no-server build. */
async function backend(): Promise<Backend> {
  const res = await fetch('config.json').catch(() => undefined)
  if (res?.ok) {
    const config = (await res.json()) as { mode?: string; store?: string }
    if (config.mode === 'static' && config.store)
      return new StaticBackend(new URL(config.store, location.href).href)
  }
  return new ServerBackend(location.origin)
}

function tracksSvg(
  region: Region,
  tiles: RegionTile[],
  freq: RegionFrequencies,
  genes: RegionGene[],
): string {
  const x = scaleLinear()
    .domain([region.start, region.end])
    .range([LEFT, WIDTH - 10])
  const parts: string[] = []
  const label = (y: number, text: string) =>
    `<text x="4" y="${y}" class="track-label">${escapeXml(text)}</text>`
  // ruler
  parts.push(
    label(20, 'reference'),
    `<line x1="${LEFT}" x2="${WIDTH - 10}" y1="24" y2="24" class="axis"/>`,
  )
  for (const t of x.ticks(8))
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="20" y2="28" class="axis"/>`,
      `<text x="${x(t)}" y="14" text-anchor="middle" class="tick">${(t + 1).toLocaleString('en')}</text>`,
    )
  // genes
  let y = 44
  if (genes.length) {
    parts.push(label(y + 8, 'genes'))
    for (const g of genes) {
      const x0 = Math.max(LEFT, x(g.start))
      const x1 = Math.min(WIDTH - 10, x(g.end))
      parts.push(`<line x1="${x0}" x2="${x1}" y1="${y + 5}" y2="${y + 5}" class="gene"/>`)
      for (const [s, e] of g.exons)
        parts.push(
          `<rect x="${Math.max(LEFT, x(s))}" width="${Math.max(1, x(e) - x(s))}" y="${y}" height="10" class="exon"/>`,
        )
      parts.push(
        `<text x="${x0}" y="${y + 22}" class="tick">${escapeXml(g.name)} ${g.strand === '+' ? '→' : '←'}</text>`,
      )
    }
    y += 32
  }
  // tiles, alternating rows so neighbours stay apart
  parts.push(label(y + 10, 'tiles'))
  tiles.forEach((t, i) => {
    const x0 = Math.max(LEFT, x(t.start))
    const w = Math.max(1, Math.min(WIDTH - 10, x(t.end)) - x0)
    parts.push(
      `<rect class="tile${t.variants > 1 ? ' varied' : ''}" data-tile="${t.id}" x="${x0}" y="${y + (i % 2) * 8}" width="${w}" height="7"><title>${t.id} ${t.chrom}:${t.start + 1}-${t.end}, ${t.variants} variants</title></rect>`,
    )
  })
  y += 26
  // variants: one bar per group, its height the ALT frequency
  const groups = freq.groups
  const h = 40
  parts.push(label(y + h / 2, 'variants (AF)'))
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - 10}" y1="${y + h}" y2="${y + h}" class="axis"/>`)
  const bar = Math.max(
    1,
    Math.min(4, (WIDTH - LEFT) / Math.max(1, freq.sites.length) / groups.length),
  )
  for (const s of freq.sites) {
    const x0 = x(s.pos - 1)
    s.groups.forEach((g, k) => {
      const af = g.an ? g.ac / g.an : 0
      const hh = Math.max(af > 0 ? 1 : 0, af * h)
      parts.push(
        `<rect class="site" x="${x0 + k * bar}" y="${y + h - hh}" width="${bar}" height="${hh}" fill="${schemeTableau10[k % 10]}"><title>${s.chrom}:${s.pos} ${s.ref}>${s.alt} ${groups[k]!.name}: AF ${af.toFixed(3)} (${g.ac}/${g.an})</title></rect>`,
      )
    })
  }
  y += h + 8
  // legend
  groups.forEach((g, k) => {
    parts.push(
      `<rect x="${LEFT + k * 110}" y="${y}" width="10" height="10" fill="${schemeTableau10[k % 10]}"/>`,
      `<text x="${LEFT + k * 110 + 14}" y="${y + 9}" class="tick">${escapeXml(g.name)} (${g.samples})</text>`,
    )
  })
  y += 18
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}">${parts.join('')}</svg>`
}

async function showRegion(api: Backend, info: StoreInfo): Promise<void> {
  const text = $<HTMLInputElement>('region').value
  const by = $<HTMLSelectElement>('by').value || undefined
  const group = $<HTMLInputElement>('ld-group').value.trim() || undefined
  let region: Region
  try {
    region = parseRegion(text)
  } catch (err) {
    status((err as Error).message, true)
    return
  }
  const contig = info.contigs.find((c) => c.name === region.chrom)
  if (!contig) {
    status(`contig ${region.chrom} is not in the store`, true)
    return
  }
  region = { ...region, end: Math.min(region.end, contig.length) }
  status(`loading ${region.chrom}:${region.start + 1}-${region.end}…`)
  try {
    const [tiles, freq, genes] = await Promise.all([
      api.tiles(region),
      api.freq(region, by),
      info.annotations ? api.genes(region) : Promise.resolve([]),
    ])
    $('tracks').innerHTML = tracksSvg(region, tiles, freq, genes)
    for (const el of $('tracks').querySelectorAll<SVGRectElement>('rect.tile'))
      el.addEventListener('click', () => void showTile(api, el.dataset.tile!))
    status(
      `${tiles.length} tiles, ${freq.sites.length} sites${freq.truncated ? ' (truncated at the genotype cap)' : ''}`,
    )
    const ld = await api.ld(region, group)
    $('ld').innerHTML =
      ld.positions.length < 2
        ? '<p>fewer than 2 sites: no LD triangle</p>'
        : ldHeatmapSvg({
            positions: ld.positions,
            pairs: { length: ld.pairs.a.length, ...ld.pairs },
            genes: genes.map((g) => ({
              start: g.start,
              end: g.end,
              name: g.name,
              strand: g.strand,
            })),
            chrom: region.chrom,
            start: region.start,
            end: region.end,
            width: WIDTH,
            title: `LD (r²)${group ? `, ${group}` : ''}`,
          })
  } catch (err) {
    status((err as Error).message, true)
  }
}

function tileHtml(t: TileDetail): string {
  const seq = t.sequence.replace(/(.{60})/g, '$1\n')
  const edits = t.edits.length
    ? `<table><tr><th>pos</th><th>reference</th><th>this tile</th></tr>${t.edits
        .map((e) => `<tr><td>${e.pos}</td><td>${e.ref || '-'}</td><td>${e.alt || '-'}</td></tr>`)
        .join('')}</table>`
    : '<p>none: this is the reference tile (or matches it)</p>'
  const groups = `<table><tr><th>group</th><th>samples</th><th>carriers</th><th>haplotypes</th></tr>${t.groups
    .map(
      (g) =>
        `<tr><td>${escapeXml(g.name)}</td><td>${g.samples}</td><td>${g.carriers}</td><td>${g.haplotypes}</td></tr>`,
    )
    .join('')}</table>`
  const where = t.location
    ? `${t.location.chrom}:${t.location.start + 1}-${t.location.end} (${t.location.assembly})`
    : 'no reference interval of its own'
  const variants = t.variants
    .map(
      (v) =>
        `<a href="#" class="variant" data-tile="${v.id}">${v.id === t.id ? `<b>${v.id}</b>` : v.id}</a> (${v.count})`,
    )
    .join(', ')
  return `<h3>tile ${t.id}</h3><p>${where}; ${t.count} haplotypes carry it; reference tile ${t.referenceId}</p>
<p>variants here (haplotypes): ${variants}</p>
<h4>edits against the reference tile</h4>${edits}<h4>carriers per group</h4>${groups}
<h4>sequence (${t.sequence.length} bases, tags included)</h4><pre class="sequence">${seq}</pre>`
}

async function showTile(api: Backend, id: string): Promise<void> {
  const panel = $('tile-panel')
  panel.innerHTML = `<p>loading tile ${id}…</p>`
  try {
    panel.innerHTML = tileHtml(await api.tile(id, $<HTMLSelectElement>('by').value || undefined))
    for (const a of panel.querySelectorAll<HTMLAnchorElement>('a.variant'))
      a.addEventListener('click', (e) => {
        e.preventDefault()
        void showTile(api, a.dataset.tile!)
      })
  } catch (err) {
    panel.innerHTML = `<p class="error">${escapeXml((err as Error).message)}</p>`
  }
}

function queryParams(): QueryParams {
  const v = (id: string) => $<HTMLInputElement>(id).value.trim()
  const n = v('q-n')
  return {
    ...(v('q-r') ? { r: v('q-r') } : {}),
    s: $<HTMLTextAreaElement>('q-s')
      .value.split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(v('q-f') ? { f: v('q-f') } : {}),
    ...(v('q-t') ? { t: v('q-t') } : {}),
    ...(v('q-a') ? { a: v('q-a') } : {}),
    ...(n ? { n: Number(n) } : {}),
  }
}

function toTsv(columns: string[], rows: unknown[][]): string {
  return (
    [columns, ...rows]
      .map((r) => r.map((c) => (c === null ? '.' : String(c))).join('\t'))
      .join('\n') + '\n'
  )
}

async function runQuery(api: Backend): Promise<void> {
  const p = queryParams()
  const out = $('result')
  out.innerHTML = '<p>running…</p>'
  try {
    const t = await api.query(p)
    const head = `<tr>${t.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr>`
    const body = t.rows
      .slice(0, 1000)
      .map((r) => `<tr>${r.map((c) => `<td>${escapeXml(String(c ?? '.'))}</td>`).join('')}</tr>`)
      .join('')
    const note = [
      `${t.rows.length} records`,
      t.truncated ? 'truncated (the genotype cap or n)' : '',
      t.rows.length > 1000 ? 'first 1000 shown' : '',
      t.hiddenSamples ? `${t.hiddenSamples} samples counted but never shown` : '',
    ]
      .filter(Boolean)
      .join('; ')
    out.innerHTML = `<p id="result-note">${note}</p><table id="result-table">${head}${body}</table>`
    const link = $<HTMLAnchorElement>('download')
    URL.revokeObjectURL(link.href)
    link.href = URL.createObjectURL(
      new Blob([toTsv(t.columns, t.rows)], { type: 'text/tab-separated-values' }),
    )
    link.hidden = false
  } catch (err) {
    out.innerHTML = `<p class="error">${escapeXml((err as Error).message)}</p>`
  }
}

async function start(): Promise<void> {
  const api = await backend()
  const info = await api.info()
  $('store-info').textContent =
    `${info.samples} samples, build ${info.build}, contigs ${info.contigs.map((c) => c.name).join(', ')}${info.mode === 'static' ? ' (static store, read in the browser)' : ''}`
  const by = $<HTMLSelectElement>('by')
  for (const k of info.groupKeys.filter((k) => k !== '_ROW_')) by.add(new Option(`by ${k}`, k))
  const first = info.contigs[0]
  if (first && !$<HTMLInputElement>('region').value)
    $<HTMLInputElement>('region').value = `${first.name}:1-${Math.min(first.length, 20_000)}`
  $('show').addEventListener('click', () => void showRegion(api, info))
  $('query').addEventListener('submit', (e) => {
    e.preventDefault()
    void runQuery(api)
  })
  if (info.mode === 'server') {
    const { stores } = (await (await fetch('stores')).json()) as { stores: { name: string }[] }
    imputePanel(stores.map((s) => s.name))
  }
  $('ready').textContent = 'ready'
}

void start().catch((err: unknown) => status((err as Error).message, true))
