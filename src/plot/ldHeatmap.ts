// The classic LD heatmap as an SVG string: the sites evenly spaced along a row, each pair a diamond
// in the inverted triangle hanging below it (the earlier site's slot on the left edge, the later
// one's on the right), coloured by r² or |D′|; above the row a genomic axis with a line from each
// site's position to its slot, genes as boxes under the axis, and a colour legend.
//
// Scales, ticks and colours come from d3-scale and d3-scale-chromatic; the shapes are written by
// hand (svg.ts): a heatmap is polygons at computed corners, which a string needs no library for.
// Only the pairs given are drawn: pairs dropped by min r² (or out of the window) show the colour
// of 0, so a 500 kb window filtered as Ensembl filters stays a few thousand elements.
import { scaleLinear, scaleSequential } from 'd3-scale'
import { interpolateReds } from 'd3-scale-chromatic'
import { ArgumentError } from '../core/errors.js'
import { element, escapeXml, points, text } from './svg.js'

export interface HeatmapGene {
  start: number
  end: number
  name: string
  strand: '+' | '-' | '.'
}

/** The pairs to draw (as LdPairs holds them): pair k joins site a[k] < b[k]. */
export interface HeatmapPairs {
  length: number
  a: ArrayLike<number>
  b: ArrayLike<number>
  r2: ArrayLike<number>
  dPrime: ArrayLike<number>
}

export interface LdHeatmapOptions {
  /** positions of the sites, in order; pairs index into it */
  positions: readonly number[]
  pairs: HeatmapPairs
  /** colour by r² (default) or by |D′| */
  statistic?: 'r2' | 'dPrime'
  genes?: readonly HeatmapGene[]
  /** the genomic span of the axis; the sites' span when absent */
  start?: number
  end?: number
  /** chromosome name for the axis title */
  chrom?: string
  title?: string
  /** total width in pixels (default 800) */
  width?: number
}

const FONT = 'font-family="sans-serif"'
const MARGIN = 40
const LEGEND_WIDTH = 90
const GENE_ROW = 22
/** rough width of a character of the 11 px labels, to keep gene labels from overlapping */
const CHAR_WIDTH = 6.5

/** Genes in rows so that no two boxes (with their labels) overlap; returns the row of each. */
function geneRows(genes: readonly HeatmapGene[], x: (p: number) => number): number[] {
  const order = genes.map((_, i) => i).sort((i, j) => genes[i]!.start - genes[j]!.start)
  const rowEnds: number[] = []
  const rows = new Array<number>(genes.length).fill(0)
  for (const i of order) {
    const g = genes[i]!
    const left = x(g.start)
    const right = Math.max(x(g.end), left + (g.name.length + 2) * CHAR_WIDTH)
    let row = rowEnds.findIndex((end) => end + 8 < left)
    if (row < 0) row = rowEnds.push(right) - 1
    else rowEnds[row] = right
    rows[i] = row
  }
  return rows
}

/** The LD heatmap of `opts.pairs` over `opts.positions`, as a standalone SVG document. */
export function ldHeatmapSvg(opts: LdHeatmapOptions): string {
  const pos = opts.positions
  const n = pos.length
  if (n < 2) throw new ArgumentError(`an LD heatmap needs at least 2 sites, got ${n}`)
  for (let i = 1; i < n; i++)
    if (pos[i]! < pos[i - 1]!)
      throw new ArgumentError(`site ${i} at ${pos[i]} comes before site ${i - 1} at ${pos[i - 1]}`)
  const statistic = opts.statistic ?? 'r2'
  const width = opts.width ?? 800
  const start = opts.start ?? pos[0]!
  const end = opts.end ?? pos[n - 1]!
  if (!(end > start)) throw new ArgumentError(`axis from ${start} to ${end}: expected end > start`)
  const genes = opts.genes ?? []

  const left = MARGIN
  const right = width - MARGIN - LEGEND_WIDTH
  const x = scaleLinear().domain([start, end]).range([left, right])
  const colour = scaleSequential(interpolateReds).domain([0, 1])
  const parts: string[] = []

  // title and genomic axis
  let y = 24
  if (opts.title) {
    parts.push(text({ x: left, y, 'font-size': 14, 'font-weight': 'bold' }, opts.title))
    y += 24
  }
  const axisY = y + 14
  parts.push(element('line', { x1: left, x2: right, y1: axisY, y2: axisY, stroke: '#333' }))
  const ticks = x.ticks(6)
  const tickLabel = x.tickFormat(6, ',.0f')
  for (const t of ticks) {
    parts.push(element('line', { x1: x(t), x2: x(t), y1: axisY - 5, y2: axisY, stroke: '#333' }))
    parts.push(
      text({ x: x(t), y: axisY - 8, 'font-size': 10, 'text-anchor': 'middle' }, tickLabel(t)),
    )
  }
  if (opts.chrom)
    parts.push(
      text(
        { x: right, y: axisY + 14, 'font-size': 10, 'text-anchor': 'end', fill: '#555' },
        `chr${opts.chrom}`,
      ),
    )

  // genes under the axis
  const rows = geneRows(genes, (p) => x(p))
  const geneTop = axisY + 20
  genes.forEach((g, i) => {
    const gy = geneTop + rows[i]! * GENE_ROW
    const x1 = Math.max(left, x(g.start))
    const x2 = Math.min(right, x(g.end))
    if (x2 < left || x1 > right) return
    parts.push(
      element('rect', {
        class: 'gene',
        x: x1,
        y: gy,
        width: Math.max(1, x2 - x1),
        height: 8,
        fill: '#2b6cb0',
      }),
      text(
        { x: x1, y: gy + 19, 'font-size': 11, fill: '#1a365d' },
        `${g.name} ${g.strand === '+' ? '→' : g.strand === '-' ? '←' : ''}`.trim(),
      ),
    )
  })
  const geneRowsUsed = genes.length ? Math.max(...rows) + 1 : 0

  // sites: evenly spaced slots joined to their positions
  const slot = (right - left) / n
  const slotX = (i: number): number => left + (i + 0.5) * slot
  const top = geneTop + geneRowsUsed * GENE_ROW + 40
  const geneBottom = geneTop + geneRowsUsed * GENE_ROW
  for (let i = 0; i < n; i++) {
    const px = x(pos[i]!)
    // a tick on the axis, and a line from under the genes to the site's slot
    parts.push(
      element('line', {
        x1: px,
        y1: axisY,
        x2: px,
        y2: axisY + 4,
        stroke: '#555',
        'stroke-width': 0.5,
      }),
      element('line', {
        class: 'site',
        x1: px,
        y1: geneBottom,
        x2: slotX(i),
        y2: top,
        stroke: '#888',
        'stroke-width': 0.5,
      }),
    )
  }

  // the triangle: background in the colour of 0, then one diamond per pair
  const background: number[] = []
  for (let i = 0; i < n; i++) {
    background.push(slotX(i), top + slot / 2)
    if (i < n - 1) background.push(slotX(i) + slot / 2, top)
  }
  background.push(left + (n * slot) / 2, top + (n * slot) / 2)
  parts.push(
    element('polygon', {
      points: points(background),
      fill: colour(0),
      stroke: '#bbb',
      'stroke-width': 0.5,
    }),
  )
  const values = statistic === 'r2' ? opts.pairs.r2 : opts.pairs.dPrime
  const h = slot / 2
  for (let k = 0; k < opts.pairs.length; k++) {
    const a = opts.pairs.a[k]!
    const b = opts.pairs.b[k]!
    if (!(a >= 0 && b > a && b < n))
      throw new ArgumentError(`pair ${k} joins sites ${a} and ${b}, expected 0 ≤ a < b < ${n}`)
    const v = Math.min(1, Math.abs(values[k]!))
    const cx = (slotX(a) + slotX(b)) / 2
    const cy = top + (b - a) * h
    parts.push(
      element('polygon', {
        class: 'pair',
        points: points([cx, cy - h, cx + h, cy, cx, cy + h, cx - h, cy]),
        fill: colour(v),
      }),
    )
  }

  // legend: a gradient bar with ticks
  const legendX = right + 30
  const legendTop = top
  const legendHeight = 150
  const stops = Array.from({ length: 11 }, (_, i) =>
    element('stop', { offset: `${i * 10}%`, 'stop-color': colour(i / 10) }),
  )
  const legendScale = scaleLinear()
    .domain([1, 0])
    .range([legendTop, legendTop + legendHeight])
  parts.push(
    element(
      'defs',
      {},
      element('linearGradient', { id: 'ld-legend', x1: 0, y1: 1, x2: 0, y2: 0 }, ...stops),
    ),
    text({ x: legendX, y: legendTop - 8, 'font-size': 11 }, statistic === 'r2' ? 'r²' : '|D′|'),
    element('rect', {
      class: 'legend',
      x: legendX,
      y: legendTop,
      width: 14,
      height: legendHeight,
      fill: 'url(#ld-legend)',
      stroke: '#888',
    }),
    ...legendScale
      .ticks(5)
      .map((t) =>
        text(
          { x: legendX + 18, y: legendScale(t) + 4, 'font-size': 10 },
          legendScale.tickFormat(5)(t),
        ),
      ),
  )

  const height = Math.max(top + (n * slot) / 2, legendTop + legendHeight) + MARGIN / 2
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.ceil(height)}" ` +
    `viewBox="0 0 ${width} ${Math.ceil(height)}" ${FONT}>` +
    `<title>${escapeXml(opts.title ?? 'LD heatmap')}</title>` +
    element('rect', { width, height: Math.ceil(height), fill: 'white' }) +
    parts.join('') +
    '</svg>'
  )
}
