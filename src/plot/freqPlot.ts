// Allele frequency per population along a region, as an SVG string: one track per group stacked
// under a shared genomic axis (small multiples, as population browsers draw them), each site a dot
// at its position and its ALT frequency in that group, so a variant private to or fixed in one
// population stands out against the others. Scales, ticks and colours from d3-scale and
// d3-scale-chromatic; elements through svg.ts.
import { scaleLinear, scaleOrdinal } from 'd3-scale'
import { schemeTableau10 } from 'd3-scale-chromatic'
import { ArgumentError } from '../core/errors.js'
import { element, text } from './svg.js'

export interface FreqPlotGroup {
  name: string
  /** ALT frequency of each site in the group (NaN: no called allele there, no dot) */
  af: ArrayLike<number>
  /** samples in the group, shown under its name */
  samples?: number
}

export interface FreqPlotOptions {
  /** 1-based positions of the sites, in order */
  positions: readonly number[]
  groups: readonly FreqPlotGroup[]
  /** the genomic span of the axis (0-based half-open); the sites' span when absent */
  start?: number
  end?: number
  chrom?: string
  title?: string
  /** total width in pixels (default 800) */
  width?: number
}

const FONT = 'sans-serif'
const LEFT = 90
const RIGHT = 20
const TRACK = 70
const GAP = 14

/** The frequency plot as a standalone SVG document. */
export function freqPlotSvg(opts: FreqPlotOptions): string {
  const pos = opts.positions
  const n = pos.length
  if (opts.groups.length === 0) throw new ArgumentError('a frequency plot needs at least one group')
  for (const g of opts.groups)
    if (g.af.length !== n)
      throw new ArgumentError(`group ${g.name}: ${g.af.length} frequencies for ${n} sites`)
  const width = opts.width ?? 800
  const start = opts.start ?? (n ? pos[0]! - 1 : 0)
  const end = opts.end ?? (n ? pos[n - 1]! : 1)
  if (!(end > start)) throw new ArgumentError(`axis from ${start} to ${end}: expected end > start`)
  const x = scaleLinear()
    .domain([start + 1, end])
    .range([LEFT, width - RIGHT])
  const colour = scaleOrdinal<string, string>(schemeTableau10).domain(
    opts.groups.map((g) => g.name),
  )
  const parts: string[] = []
  let y = 24
  if (opts.title) {
    parts.push(text({ x: LEFT, y, 'font-size': 14, 'font-weight': 'bold' }, opts.title))
    y += 20
  }
  const af = scaleLinear().domain([0, 1])
  opts.groups.forEach((g, k) => {
    const top = y + k * (TRACK + GAP)
    af.range([top + TRACK, top])
    const c = colour(g.name)
    const track: string[] = [
      element('rect', {
        x: LEFT,
        y: top,
        width: width - LEFT - RIGHT,
        height: TRACK,
        fill: '#f7f7f7',
      }),
    ]
    for (const t of [0, 0.5, 1]) {
      track.push(
        element('line', { x1: LEFT - 4, x2: width - RIGHT, y1: af(t), y2: af(t), stroke: '#ddd' }),
        text(
          { x: LEFT - 6, y: af(t) + 3, 'font-size': 9, 'text-anchor': 'end', class: 'af-tick' },
          String(t),
        ),
      )
    }
    track.push(
      text(
        { x: LEFT - 30, y: top + TRACK / 2 + 4, 'font-size': 12, 'text-anchor': 'end', fill: c },
        g.name,
      ),
    )
    if (g.samples !== undefined)
      track.push(
        text(
          {
            x: LEFT - 30,
            y: top + TRACK / 2 + 17,
            'font-size': 9,
            'text-anchor': 'end',
            fill: '#555',
          },
          `n = ${g.samples}`,
        ),
      )
    for (let i = 0; i < n; i++) {
      const f = g.af[i]!
      if (Number.isNaN(f)) continue
      track.push(element('circle', { class: 'af', cx: x(pos[i]!), cy: af(f), r: 2, fill: c }))
    }
    parts.push(element('g', { class: 'track', 'data-group': g.name }, ...track))
  })
  // the AF axis title once, and the genomic axis under the last track
  const tracksEnd = y + opts.groups.length * (TRACK + GAP) - GAP
  parts.push(
    text(
      {
        x: 14,
        y: (y + tracksEnd) / 2,
        'font-size': 11,
        'text-anchor': 'middle',
        transform: `rotate(-90 14 ${(y + tracksEnd) / 2})`,
      },
      'ALT allele frequency',
    ),
  )
  const axisY = tracksEnd + 6
  parts.push(element('line', { x1: LEFT, x2: width - RIGHT, y1: axisY, y2: axisY, stroke: '#333' }))
  const tickLabel = x.tickFormat(6, ',.0f')
  for (const t of x.ticks(6))
    parts.push(
      element('line', { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5, stroke: '#333' }),
      text({ x: x(t), y: axisY + 16, 'font-size': 10, 'text-anchor': 'middle' }, tickLabel(t)),
    )
  const height = axisY + 40
  parts.push(
    text(
      { x: (LEFT + width - RIGHT) / 2, y: axisY + 32, 'font-size': 11, 'text-anchor': 'middle' },
      `${opts.chrom ? `chr${opts.chrom} ` : ''}position (bp)`,
    ),
  )
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': FONT,
    },
    element('rect', { width, height, fill: 'white' }),
    ...parts,
  )
}
