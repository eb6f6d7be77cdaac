// OUT/report.html of an imputation: the QC table, DR2 by allele frequency and sites per chunk,
// as one self-contained page (inline SVG, no script).
import { element, escapeXml, text } from '../plot/svg.js'
import { DROP_REASONS, FIXES } from './qc.js'
import type { DropReason, Fix } from './qc.js'
import type { ImputeResult } from './impute.js'

/** Minor-allele-frequency bins of the DR2 plot (upper bounds). */
const MAF_BINS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]

interface Bar {
  label: string
  value: number
  /** shown above the bar */
  note: string
}

/** A bar chart: one bar per entry, the y axis from 0 to `max`. */
function barChart(bars: Bar[], opts: { title: string; yLabel: string; max: number }): string {
  const W = 640
  const H = 272
  const left = 56
  const bottom = 40
  const top = 40
  const plotH = H - top - bottom
  const bw = (W - left - 10) / Math.max(1, bars.length)
  const y = (v: number) => top + plotH - (opts.max > 0 ? (v / opts.max) * plotH : 0)
  const parts: string[] = [
    text({ x: W / 2, y: 16, 'text-anchor': 'middle', 'font-weight': 'bold' }, opts.title),
    element('line', { x1: left, y1: top, x2: left, y2: top + plotH, stroke: '#333' }),
    element('line', { x1: left, y1: top + plotH, x2: W - 10, y2: top + plotH, stroke: '#333' }),
    text(
      {
        x: 12,
        y: top + plotH / 2,
        transform: `rotate(-90 12 ${top + plotH / 2})`,
        'text-anchor': 'middle',
      },
      opts.yLabel,
    ),
  ]
  for (const t of [0, 0.5, 1]) {
    const v = t * opts.max
    parts.push(
      text(
        { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 },
        String(opts.max > 10 ? Math.round(v) : Math.round(v * 100) / 100),
      ),
    )
  }
  bars.forEach((b, i) => {
    const x = left + i * bw + 4
    parts.push(
      element('rect', {
        x,
        y: y(b.value),
        width: bw - 8,
        height: top + plotH - y(b.value),
        fill: '#4878a8',
      }),
      text(
        { x: x + (bw - 8) / 2, y: top + plotH + 16, 'text-anchor': 'middle', 'font-size': 11 },
        b.label,
      ),
      text(
        { x: x + (bw - 8) / 2, y: y(b.value) - 4, 'text-anchor': 'middle', 'font-size': 10 },
        b.note,
      ),
    )
  })
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: W,
      height: H,
      'font-family': 'sans-serif',
      'font-size': 12,
    },
    ...parts,
  )
}

/** The report page. */
export function imputeReport(
  r: Omit<ImputeResult, 'report'>,
  about: { target: string; panel: string; chunks: string[] },
): string {
  const { qc } = r
  const rows = [
    ...Object.entries(FIXES).map(([k, d]) => ['kept', k, d, qc.fixes[k as Fix]] as const),
    ...Object.entries(DROP_REASONS).map(
      ([k, d]) => ['dropped', k, d, qc.drops[k as DropReason]] as const,
    ),
  ]
  const table = `<table><tr><th>outcome</th><th>reason</th><th></th><th>sites</th></tr>${rows
    .map((row) => `<tr>${row.map((c) => `<td>${escapeXml(String(c))}</td>`).join('')}</tr>`)
    .join('')}</table>`

  // mean DR2 of the imputed sites by minor-allele frequency (Beagle's estimated AF)
  const imputed = r.dr2.filter((d) => d.imputed && Number.isFinite(d.dr2))
  const bins = MAF_BINS.map((hi, i) => {
    const lo = i ? MAF_BINS[i - 1]! : 0
    const inBin = imputed.filter((d) => {
      const maf = Math.min(d.af, 1 - d.af)
      return maf > lo && maf <= hi
    })
    const mean = inBin.length ? inBin.reduce((s, d) => s + d.dr2, 0) / inBin.length : 0
    return { label: `≤${hi * 100}%`, value: mean, note: `${inBin.length}` }
  })
  const dr2Plot = barChart(bins, {
    title: 'mean DR2 of imputed sites by minor-allele frequency (numbers: sites)',
    yLabel: 'mean DR2',
    max: 1,
  })
  const perChunk = r.chunks.map((c, i) => ({
    label: `${i + 1}`,
    value: c.sites,
    note: c.targetSites ? `${c.targetSites} typed` : 'skipped',
  }))
  const chunkPlot = barChart(perChunk, {
    title: 'output sites per chunk (notes: target sites in the window)',
    yLabel: 'sites',
    max: Math.max(1, ...perChunk.map((c) => c.value)),
  })
  const samples = qc.samples.dropped.length
    ? `<p>Samples dropped for call rate: ${qc.samples.dropped.map((s) => `${escapeXml(s.name)} (${(s.callRate * 100).toFixed(1)} %)`).join(', ')}</p>`
    : '<p>No sample dropped.</p>'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Imputation report</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}td:last-child{text-align:right}</style>
</head><body>
<h1>Imputation report</h1>
<p>Target ${escapeXml(about.target)}: ${qc.sites} sites, ${qc.samples.kept.length + qc.samples.dropped.length} samples. Panel: ${escapeXml(about.panel)}. Output: imputed.vcf.gz, ${r.dr2.length} sites (${imputed.length} imputed).</p>
<h2>QC of the target</h2>
${table}
${samples}
<p>Every dropped site, with its reason: qc/dropped.tsv.</p>
<h2>Imputation quality</h2>
${dr2Plot}
<h2>Chunks</h2>
<p>${about.chunks.map((c, i) => `${i + 1}: ${escapeXml(c)}`).join('; ')}</p>
${chunkPlot}
</body></html>
`
}
