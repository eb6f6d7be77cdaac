// The SVG LD heatmap of real data (GBR, 20:1.25-1.45 Mb, genes from Ensembl's GRCh37 GFF3) opened
// in headless Chromium: the browser finds every pair, site and gene drawn, and its raster is red
// where LD is strong. The SVG and the screenshot go to .tmp/test-output/ (git-ignored).
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HaplotypePanel } from '../src/ld/panel.js'
import { ldTriangle } from '../src/ld/window.js'
import { ldHeatmapSvg } from '../src/plot/ldHeatmap.js'
import type { HeatmapGene } from '../src/plot/ldHeatmap.js'
import { ArgumentError } from '../src/core/errors.js'
import { hasChromium, withChromiumPage } from './chromium.js'
import { DATA, describeShared, PANEL } from './shared.js'
import { CHR20_VCF, populations, readPanel, readVcfGenotypes } from './ldVcf.js'

const OUTPUT = '.tmp/test-output'
const START = 1_250_000
const END = 1_450_000

/** Protein-coding genes overlapping the region, from the GFF3. */
function genesIn(gff3: string, start: number, end: number): HeatmapGene[] {
  const r = spawnSync('bash', ['-c', `zcat ${gff3}`], { encoding: 'utf8', maxBuffer: 1 << 28 })
  const genes: HeatmapGene[] = []
  for (const line of r.stdout.split('\n')) {
    const f = line.split('\t')
    if (f[2] !== 'gene' || !/biotype=protein_coding/.test(f[8] ?? '')) continue
    const [s, e] = [Number(f[3]), Number(f[4])]
    if (e < start || s > end) continue
    genes.push({
      start: s,
      end: e,
      name: /Name=([^;]+)/.exec(f[8]!)![1]!,
      strand: f[6] === '-' ? '-' : '+',
    })
  }
  return genes
}

describe('ldHeatmapSvg', () => {
  it('escapes names and rejects pairs outside the sites', () => {
    const svg = ldHeatmapSvg({
      positions: [100, 200, 300],
      pairs: { length: 1, a: [0], b: [2], r2: [0.5], dPrime: [1] },
      genes: [{ start: 120, end: 180, name: 'A<&>B', strand: '-' }],
      title: 'x "y"',
    })
    expect(svg).toContain('A&#60;&#38;&#62;B ←')
    expect(svg).toContain('x &#34;y&#34;')
    expect(svg.match(/class="pair"/g)).toHaveLength(1)
    expect(() =>
      ldHeatmapSvg({
        positions: [1, 2],
        pairs: { length: 1, a: [1], b: [0], r2: [1], dPrime: [1] },
      }),
    ).toThrow(ArgumentError)
    expect(() =>
      ldHeatmapSvg({ positions: [5, 2], pairs: { length: 0, a: [], b: [], r2: [], dPrime: [] } }),
    ).toThrow(ArgumentError)
  })
})

describeShared('the LD heatmap of real data in headless Chromium', () => {
  it.skipIf(!hasChromium)('renders every pair, site and gene, red where LD is strong', async () => {
    const g = readVcfGenotypes(CHR20_VCF, `20:${START}-${END}`)
    const members = populations(g.samples, readPanel(PANEL)).get('GBR')!
    const panel = new HaplotypePanel({ samples: g.samples.length, select: members })
    for (const s of g.sites) {
      let alt = 0
      for (const m of members) alt += s.alleles[2 * m]! + s.alleles[2 * m + 1]!
      const f = alt / (2 * members.length)
      if (f >= 0.05 && f <= 0.95) panel.add(s.pos, s.alleles)
    }
    const pairs = ldTriangle(panel)
    const genes = genesIn(`${DATA}genes/Homo_sapiens.GRCh37.75.chr20.gff3.gz`, START, END)
    expect(genes.map((x) => x.name)).toEqual(
      expect.arrayContaining(['SNPH', 'SDCBP2', 'FKBP1A', 'NSFL1C']),
    )
    const svg = ldHeatmapSvg({
      positions: panel.positions,
      pairs,
      genes,
      start: START,
      end: END,
      chrom: '20',
      title: `r² in GBR, ${panel.length} sites with MAF ≥ 5 %, 20:${START}-${END}`,
    })
    mkdirSync(OUTPUT, { recursive: true })
    writeFileSync(join(OUTPUT, 'ld-heatmap.svg'), svg)

    await withChromiumPage(async (page) => {
      await page.setViewportSize({ width: 820, height: 900 })
      await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`)
      const counts = await page.evaluate(() => ({
        pairs: document.querySelectorAll('svg polygon.pair').length,
        sites: document.querySelectorAll('svg line.site').length,
        genes: document.querySelectorAll('svg rect.gene').length,
        width: document.querySelector('svg')!.getBoundingClientRect().width,
      }))
      expect(counts).toEqual({
        pairs: pairs.length,
        sites: panel.length,
        genes: genes.length,
        width: 800,
      })
      expect(pairs.length).toBeGreaterThan(1000)
      const png = await page.locator('svg').screenshot()
      writeFileSync(join(OUTPUT, 'ld-heatmap.png'), png)
      // the screenshot, decoded by the browser: how much of it is white, and how much clearly red
      const pixels = await page.evaluate(async (data: string) => {
        const img = new Image()
        img.src = `data:image/png;base64,${data}`
        await img.decode()
        const canvas = document.createElement('canvas')
        canvas.width = img.width
        canvas.height = img.height
        const ctx = canvas.getContext('2d')!
        ctx.drawImage(img, 0, 0)
        const d = ctx.getImageData(0, 0, img.width, img.height).data
        let white = 0
        let red = 0
        for (let i = 0; i < d.length; i += 4) {
          if (d[i]! > 250 && d[i + 1]! > 250 && d[i + 2]! > 250) white++
          if (d[i]! - d[i + 1]! > 60) red++
        }
        return { total: d.length / 4, white, red }
      }, png.toString('base64'))
      expect(pixels.white / pixels.total).toBeLessThan(0.9)
      expect(pixels.red / pixels.total).toBeGreaterThan(0.01)
    })
  })
})
