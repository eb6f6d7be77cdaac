// lightning-tiles demo: build a store from the real data in testdata/ (1000 Genomes, chr20:1–4 Mb,
// 300 samples) and show what it holds and a few questions answered from it, with their timings.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { LightningError } from '../core/errors.js'
import { formatRegion } from '../core/region.js'
import type { Region } from '../core/region.js'
import { formatStepId, formatTileId } from '../core/tileId.js'
import { TileResolver } from '../resolver/TileResolver.js'
import { cliStore, opener, write } from './io.js'
import { formatStats } from './stats.js'

const DATA = 'testdata/chr20'
const REFERENCE = '20.1-4000000.fa.gz'
const VCF = '1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'

/** The repository's testdata/chr20 (the demo runs from src/ under tsx and from dist/ when built). */
function findData(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, DATA, VCF))) return join(dir, DATA)
    const up = dirname(dir)
    if (up === dir)
      throw new LightningError(`${DATA} not found above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, string]> {
  const t0 = performance.now()
  const value = await fn()
  return [value, `${(performance.now() - t0).toFixed(1)} ms`]
}

/** Column markers under aligned sequences: `*` where they differ. */
function differences(seqs: string[]): string {
  const n = Math.max(...seqs.map((s) => s.length))
  let marks = ''
  for (let i = 0; i < n; i++) marks += new Set(seqs.map((s) => s[i] ?? '-')).size > 1 ? '*' : ' '
  return marks
}

/** The most variable tiles of a region, from the assembly and the per-step variant counts. */
async function mostVariableIn(resolver: TileResolver, region: Region): Promise<string[]> {
  const t0 = performance.now()
  const tiles = await resolver.tilesAt(region.chrom, region.start, region.end)
  const counted = await Promise.all(
    tiles.map(async (t) => ({ t, variants: await resolver.variants(t.path, t.step) })),
  )
  counted.sort((a, b) => b.variants.length - a.variants.length)
  const ms = (performance.now() - t0).toFixed(0)
  return [
    `4. Most variable of the ${tiles.length} tiles in ${formatRegion(region)} (${ms} ms):`,
    ...counted.slice(0, 5).map(({ t, variants }) => {
      const common = variants.filter((v) => v.variant > 0).reduce((a, v) => a + v.count, 0)
      return `   ${formatStepId(t.path, t.step)}  ${variants.length} variants, ${common} haplotypes off variant 0  ${region.chrom}:${t.start + 1}-${t.end}`
    }),
  ]
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('build a store from testdata/ (chr20:1–4 Mb, 300 samples) and query it')
    .option('--out <STORE>', 'where to build the store', 'demo-store')
    .action(async (o: { out: string }, cmd: Command) => {
      const data = findData()
      const [{ buildStore }, { storeStats }, { progressBar }] = await Promise.all([
        import('../tiling/build.js'),
        import('../inspect/stats.js'),
        import('./progress.js'),
      ])
      const vcf = join(data, VCF)
      await write(`Building ${o.out} from ${DATA}/${REFERENCE} and ${DATA}/${VCF} ...\n`)
      const bar = progressBar()
      const t0 = performance.now()
      try {
        await buildStore({
          reference: join(data, REFERENCE),
          vcf,
          out: o.out,
          // the demo rebuilds its own store on every run (never a directory that is not a store)
          force: true,
          onProgress: bar.onProgress,
        })
      } finally {
        bar.stop()
      }
      await write(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n\n`)

      const store = await cliStore(o.out, cmd)
      const stats = await storeStats(store, {
        vcf: { name: vcf, handle: opener(cmd)(vcf) },
      })
      await write(formatStats(stats, o.out) + '\n\n')

      const resolver = new TileResolver(store)
      const top = stats.mostVariable[0]
      if (!top) return
      // the most variable tile: its variants with cohort counts, one variant's bases and place
      const [variants, tVariants] = await timed(() => resolver.variants(top.path, top.step))
      const pick = variants.find((v) => v.variant === 1) ?? variants[0]!
      const id = formatTileId({
        path: top.path,
        version: 0,
        step: top.step,
        variant: pick.variant,
        span: pick.span,
      })
      const [tile, tSeq] = await timed(() => resolver.sequence(id))
      const [loc, tLoc] = await timed(() => resolver.locate(id))
      const lines: string[] = [
        `Questions answered from ${o.out}:`,
        '',
        `1. Variants of the most variable tile ${formatStepId(top.path, top.step)} (${variants.length} variants; ${tVariants}):`,
        ...variants
          .slice(0, 5)
          .map(
            (v) =>
              `   ${v.id}  carried by ${v.count} of ${stats.haplotypes} haplotypes, ${v.sequence.length} bases`,
          ),
        '',
        `2. lightning-tiles tile ${o.out} ${id}   (${tSeq})`,
        `   >${tile.id}`,
        `   ${tile.sequence.slice(0, 60)}... (${tile.sequence.length} bases; tags ${tile.startTag} / ${tile.endTag})`,
        `   lightning-tiles locate ${o.out} ${id}   (${tLoc})`,
        `   ${loc.chrom}:${loc.start + 1}-${loc.end} (1-based), span ${loc.span}`,
        '',
      ]
      // a window around the tile: both haplotypes of two samples, with their differences marked
      const region = { chrom: loc.chrom, start: loc.start + 60, end: loc.start + 160 }
      const samples = (await resolver.samples()).slice(0, 2).map((s) => s.name)
      const rows: [string, string][] = []
      let tRegion = ''
      for (const s of samples) {
        const g = await resolver.genome(s)
        for (const h of [0, 1] as const) {
          const [seq, t] = await timed(() => g.sequence(h, region))
          tRegion = t
          rows.push([`${s}.${h + 1}`, seq.toUpperCase()])
        }
      }
      lines.push(
        `3. lightning-tiles fasta ${o.out} --sample S --haplotype H -r ${formatRegion(region)}   (${tRegion} each)`,
        ...rows.map(([name, seq]) => `   ${name.padEnd(10)} ${seq}`),
        `   ${''.padEnd(10)} ${differences(rows.map((r) => r[1]))}`,
        '',
        ...(await mostVariableIn(resolver, { chrom: loc.chrom, start: 2_000_000, end: 2_100_000 })),
        '',
        `Next: lightning-tiles vcf ${o.out} -r 20:1000000-1010000 | head; lightning-tiles verify ${o.out}`,
        '',
      )
      await write(lines.join('\n'))
    })
}
