// genome(s).sequence on a store built from testdata/chr20 (4 samples, 1 Mb paths) against
// `samtools faidx REF REGION | bcftools consensus -s S -H h VCF`: seeded random regions, regions
// across a path boundary, and regions that start or end inside a spanning tile.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatRegion } from '../src/core/region.js'
import type { Region } from '../src/core/region.js'
import { seededRandom } from '../src/core/random.js'
import { openTileResolver } from '../src/resolver/node.js'
import type { TileResolver } from '../src/resolver/TileResolver.js'
import { buildStore } from '../src/tiling/build.js'
import { hasTool } from './shared.js'

const DATA = new URL('../testdata/chr20/', import.meta.url).pathname
const REF = `${DATA}20.1-4000000.fa.gz`
const VCF = `${DATA}1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz`
const ok = existsSync(VCF) && hasTool('bcftools') && hasTool('samtools')

function consensus(sample: string, h: 0 | 1, region: Region): string {
  const out = execFileSync(
    'bash',
    [
      '-c',
      `samtools faidx '${REF}' ${formatRegion(region)} | bcftools consensus -s '${sample}' -H ${h + 1} '${VCF}' 2>/dev/null`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  )
  return out.split('\n').slice(1).join('').toLowerCase()
}

describe.skipIf(!ok)('genome(s).sequence vs bcftools consensus on chr20', () => {
  let dir: string
  let r: TileResolver
  let samples: string[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-chr20-'))
    samples = execFileSync('bcftools', ['query', '-l', VCF], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .slice(0, 4)
    await buildStore({
      reference: REF,
      vcf: VCF,
      out: join(dir, 'store'),
      samples,
      pathLength: 1_000_000,
    })
    r = openTileResolver(join(dir, 'store'))
  }, 120_000)
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('matches for seeded random regions and regions across a path boundary', async () => {
    const random = seededRandom(20)
    const rand = (n: number) => Math.floor(random() * n)
    const m = await r.manifest()
    expect(m.paths.length).toBeGreaterThan(1)
    const regions: Region[] = [
      { chrom: '20', start: m.paths[1]!.start - 700, end: m.paths[1]!.start + 900 },
    ]
    for (let i = 0; i < 12; i++) {
      const start = 1_000_000 + rand(2_990_000)
      regions.push({ chrom: '20', start, end: start + 1 + rand(6000) })
    }
    for (const s of samples) {
      const g = await r.genome(s)
      for (const region of regions)
        for (const h of [0, 1] as const)
          expect(await g.sequence(h, region), `${s} ${h} ${formatRegion(region)}`).toBe(
            consensus(s, h, region),
          )
    }
  }, 120_000)

  it('matches for regions starting or ending inside a spanning tile', async () => {
    const m = await r.manifest()
    let checked = 0
    for (const s of samples.slice(0, 2)) {
      const g = await r.genome(s)
      const path = m.paths[1]!
      const steps = await g.alleles({ chrom: '20', start: path.start, end: path.end })
      for (const st of steps) {
        if (checked >= 16) break
        const next = steps[steps.indexOf(st) + 1]
        if (!next || next.variants[0] !== -1 || st.variants[0] < 0) continue
        const id = `${st.path.toString(16).padStart(4, '0')}.00.${st.step.toString(16).padStart(4, '0')}.${st.variants[0].toString(16).padStart(3, '0')}`
        const loc = await r.locate(id)
        const mid = (loc.start + loc.end) >> 1
        for (const region of [
          { chrom: '20', start: mid, end: loc.end + 500 },
          { chrom: '20', start: loc.start - 500, end: mid },
        ]) {
          expect(await g.sequence(0, region), `${s} ${id} ${formatRegion(region)}`).toBe(
            consensus(s, 0, region),
          )
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(4)
  }, 120_000)
})
