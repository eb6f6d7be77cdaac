// lightning-tiles fasta: one haplotype rebuilt from its CGF and the tile library, as FASTA.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { formatRegion } from '../core/region.js'
import type { Region } from '../core/region.js'
import { addRegionOptions, openResolver, regionsOf, write } from './io.js'
import type { RegionOptions } from './io.js'

interface FastaCliOptions extends RegionOptions {
  sample: string
  haplotype: string
  width: string
  lowercase?: boolean
}

export function registerFasta(program: Command): void {
  addRegionOptions(
    program
      .command('fasta <store>')
      .description('a haplotype of a sample as FASTA (no-calls as N), from its CGF and the library')
      .requiredOption('--sample <NAME>', 'sample name')
      .requiredOption(
        '--haplotype <1|2>',
        'haplotype (1 = first allele of the GT, as bcftools -H)',
      ),
    'one record per region (in the order given; default: every contig):',
  )
    .option('--width <N>', 'bases per line (0: one line)', '60')
    .option('--lowercase', 'lower-case bases, as tiles are stored')
    .action(async (store: string, o: FastaCliOptions, cmd: Command) => {
      if (o.haplotype !== '1' && o.haplotype !== '2')
        throw new ArgumentError(`--haplotype must be 1 or 2, got '${o.haplotype}'`)
      const width = Number(o.width)
      if (!Number.isInteger(width) || width < 0)
        throw new ArgumentError(`--width must be a whole number, got '${o.width}'`)
      const resolver = await openResolver(store, cmd)
      const manifest = await resolver.manifest()
      const genome = await resolver.genome(o.sample)
      let regions: { region: Region; name: string }[]
      const asked = await regionsOf(o, manifest, false)
      if (asked) {
        regions = asked.map((region) => ({ region, name: formatRegion(region) }))
      } else {
        const tiled = new Set(manifest.paths.map((p) => p.chrom))
        regions = manifest.contigs
          .filter((c) => tiled.has(c.name))
          .map((c) => ({ region: { chrom: c.name, start: 0, end: c.length }, name: c.name }))
      }
      for (const { region, name } of regions) {
        let seq = await genome.sequence(o.haplotype === '1' ? 0 : 1, region)
        if (!o.lowercase) seq = seq.toUpperCase()
        const lines = [`>${name}`]
        if (width === 0) lines.push(seq)
        else for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width))
        await write(lines.join('\n') + '\n')
      }
    })
}
