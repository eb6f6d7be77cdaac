// TileResolver: latency of sequence(tileId) for random tiles, local and over loopback HTTP, cold
// (new resolver) and warm (indexes cached; member not yet / already decoded); and
// genome(s).sequence for a 100 kb region across every sample and haplotype of a store built from
// testdata/chr20, side by side with `samtools faidx | bcftools consensus` for the same region.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seededRandom } from '../src/core/random.js'
import { parseRegion } from '../src/core/region.js'
import { formatTileId } from '../src/core/tileId.js'
import { openTileResolver } from '../src/resolver/node.js'
import { TileResolver } from '../src/resolver/TileResolver.js'
import { buildStore } from '../src/tiling/build.js'
import { serveDirectory } from '../test/httpServer.js'
import { median, table } from './lib.js'

const DATA = new URL('../testdata/chr20/', import.meta.url).pathname
const REF = `${DATA}20.1-4000000.fa.gz`
const VCF = `${DATA}1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz`
const REGION = '20:2000001-2100000'
const TILES = 200

const ms = (seconds: number[]) => (median(seconds) * 1000).toFixed(3)

async function latencies(make: () => TileResolver, ids: string[]): Promise<string[]> {
  const cold: number[] = []
  for (const id of ids.slice(0, 30)) {
    const r = make()
    const t0 = performance.now()
    await r.sequence(id)
    cold.push((performance.now() - t0) / 1000)
  }
  const r = make()
  await r.sequence(ids[0]!)
  const index: number[] = []
  for (const id of ids) {
    const t0 = performance.now()
    await r.sequence(id)
    index.push((performance.now() - t0) / 1000)
  }
  const warm: number[] = []
  for (const id of ids) {
    const t0 = performance.now()
    await r.sequence(id)
    warm.push((performance.now() - t0) / 1000)
  }
  return [ms(cold), ms(index), ms(warm)]
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-resolver-'))
  const store = join(dir, 'store')
  try {
    const t0 = performance.now()
    await buildStore({ reference: REF, vcf: VCF, out: store })
    const buildSeconds = (performance.now() - t0) / 1000
    const local = openTileResolver(store)
    const m = await local.manifest()
    const random = seededRandom(42)
    const rand = (n: number) => Math.floor(random() * n)
    const ids: string[] = []
    const seen = new Set<string>()
    while (ids.length < TILES) {
      const p = m.paths[rand(m.paths.length)]!
      const step = rand(p.steps)
      const id = formatTileId({ path: p.path, version: 0, step, variant: 0 })
      if (!seen.has(id)) ids.push(id)
      seen.add(id)
    }
    const server = await serveDirectory(store)
    let rows: string[][]
    try {
      rows = [
        ['local (LocalFile)', ...(await latencies(() => openTileResolver(store), ids))],
        [
          'loopback HTTP (RemoteFile)',
          ...(await latencies(() => TileResolver.open(server.url), ids)),
        ],
      ]
    } finally {
      await server.close()
    }

    // genome(s).sequence over REGION for every sample and haplotype vs bcftools consensus.
    const region = parseRegion(REGION)
    const ours = new Map<string, string>()
    const g0 = performance.now()
    for (const s of m.samples) {
      const g = await local.genome(s.name)
      for (const h of [0, 1] as const) ours.set(`${s.name}/${h}`, await g.sequence(h, region))
    }
    const oursSeconds = (performance.now() - g0) / 1000
    let equal = 0
    let lengthEqual = 0
    const b0 = performance.now()
    for (const s of m.samples)
      for (const h of [1, 2]) {
        const out = execFileSync(
          'bash',
          [
            '-c',
            `samtools faidx '${REF}' ${REGION} | bcftools consensus -s '${s.name}' -H ${h} '${VCF}' 2>/dev/null`,
          ],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        )
        const seq = out.split('\n').slice(1).join('').toLowerCase()
        const mine = ours.get(`${s.name}/${h - 1}`)!
        if (seq === mine) equal++
        if (seq.length === mine.length) lengthEqual++
      }
    const bcfSeconds = (performance.now() - b0) / 1000
    const haps = m.samples.length * 2
    const mb = (100_000 * haps) / 1e6
    const bcf = spawnSync('bcftools', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]
    return [
      '### TileResolver',
      '',
      `Store built from testdata/chr20 (${m.paths.length} path(s), ${m.samples.length} samples) in ${buildSeconds.toFixed(1)} s.`,
      `\`sequence(tileId)\` for ${TILES} random tiles (seeded), median ms per call. Cold: a new resolver per call`,
      '(manifest, `.tai`, `.gzi`, counts header and the member). Indexes cached: the member is read',
      'with one ranged BGZF read. Member cached: decoded 2bit member from the LRU.',
      '',
      table(['store', 'cold (ms)', 'indexes cached (ms)', 'member cached (ms)'], rows),
      '',
      `\`genome(s).sequence(h, ${REGION})\` for all ${haps} haplotypes vs`,
      `\`samtools faidx REF ${REGION} | bcftools consensus -s S -H h VCF\` (${bcf}), one process per haplotype:`,
      '',
      table(
        ['tool', 'total (s)', 'per haplotype (ms)', 'Mbases/s'],
        [
          [
            'TileResolver (local)',
            oursSeconds.toFixed(2),
            ((oursSeconds / haps) * 1000).toFixed(1),
            (mb / oursSeconds).toFixed(2),
          ],
          [
            'samtools faidx + bcftools consensus',
            bcfSeconds.toFixed(2),
            ((bcfSeconds / haps) * 1000).toFixed(1),
            (mb / bcfSeconds).toFixed(2),
          ],
        ],
      ),
      '',
      `Identical to bcftools consensus: ${equal}/${haps} haplotypes (same length: ${lengthEqual}/${haps}).`,
      `Ratio bcftools/TileResolver time: ${(bcfSeconds / oursSeconds).toFixed(1)}x.`,
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
