// lightning-tiles tile|locate|tiles: questions to a store (a directory or an http(s):// URL)
// answered by the TileResolver. Output: FASTA for tiles, BED (0-based half-open) for coordinates.
import type { Command } from 'commander'
import { parseRegion } from '../core/region.js'
import { formatStepId } from '../core/tileId.js'
import { openTileResolver } from '../resolver/node.js'
import { parseSampleList, write } from './io.js'

interface AssemblyOption {
  assembly?: string
}

export function registerResolver(program: Command): void {
  program
    .command('tile <store> <tileid>')
    .description('print a tile variant as FASTA (>PPPP.VV.SSSS.VVV+SPAN, bases with tags)')
    .action(async (store: string, tileId: string) => {
      const t = await openTileResolver(store).sequence(tileId)
      await write(`>${t.id}\n${t.sequence}\n`)
    })
  program
    .command('locate <store> <tileid>')
    .description('print the reference interval of a tile as BED: CHROM START END TILEID')
    .option('--assembly <BUILD>', "assembly build (default: the store's)")
    .action(async (store: string, tileId: string, opts: AssemblyOption) => {
      const r = openTileResolver(store)
      const loc = await r.locate(tileId, opts.assembly)
      const id = tileId.replace(/\+.*$/, '')
      await write(`${loc.chrom}\t${loc.start}\t${loc.end}\t${id}+${loc.span.toString(16)}\n`)
    })
  program
    .command('tiles <store> <region>')
    .description(
      'print the tile positions overlapping CHR:B-E (1-based) as BED: CHROM START END PPPP.VV.SSSS+SPAN',
    )
    .option('--assembly <BUILD>', "assembly build (default: the store's)")
    .action(async (store: string, regionText: string, opts: AssemblyOption) => {
      const region = parseRegion(regionText)
      const r = openTileResolver(store)
      const end = Number.isFinite(region.end) ? region.end : Number.MAX_SAFE_INTEGER
      const tiles = await r.tilesAt(region.chrom, region.start, end, { assembly: opts.assembly })
      const lines = tiles.map(
        (t) =>
          `${region.chrom}\t${t.start}\t${t.end}\t${formatStepId(t.path, t.step)}+${t.span.toString(16)}\n`,
      )
      await write(lines.join(''))
    })
  program
    .command('carriers <store> <tileid>')
    .description(
      'samples carrying a tile variant: SAMPLE and its alleles (1 = carries, phase as in the CGF)',
    )
    .option('--samples <LIST>', 'only these samples: A,B,C or a file with one name per line')
    .action(async (store: string, tileId: string, opts: { samples?: string }) => {
      const r = openTileResolver(store)
      const samples = opts.samples ? parseSampleList(opts.samples) : undefined
      const carriers = await r.carriers(tileId, { samples })
      await write(carriers.map((c) => `${c.sample}\t${c.alleles[0]}|${c.alleles[1]}\n`).join(''))
      const total = samples?.length ?? (await r.samples()).length
      const haplotypes = carriers.reduce((a, c) => a + c.alleles[0] + c.alleles[1], 0)
      process.stderr.write(
        `${carriers.length} of ${total} samples carry ${tileId} (${haplotypes} of ${2 * total} haplotypes)\n`,
      )
    })
}
