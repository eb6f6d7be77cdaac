// lightning-tiles freq: allele and genotype frequencies and the exact HWE p per population (the
// groups of one metadata key, e.g. pop), one pass over the sites of the regions, as Ensembl stores
// them per population and `bcftools +fill-tags -S` computes them per group; or, with --svg, the
// ALT frequency of every site per population along the region as a picture.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { checkOutputFile } from '../core/nodeOutput.js'
import { addRegionOptions, cliStore, regionsOf, write } from './io.js'
import type { RegionOptions } from './io.js'

interface FreqCliOptions extends RegionOptions {
  by?: string
  svg?: string
}

const HEADER = [
  'CHROM',
  'POS',
  'ID',
  'REF',
  'ALT',
  'GROUP',
  'AN',
  'AC',
  'AF',
  'HOM_REF',
  'HET',
  'HOM_ALT',
  'MISSING',
  'HWE_P',
]

export function registerFreq(program: Command): void {
  const cmd = program
    .command('freq <store>')
    .description(
      'allele and genotype frequencies and the exact HWE p-value per population, as TSV (one line per site and group)',
    )
  addRegionOptions(cmd, 'sites overlapping')
    .option(
      '--by <KEY>',
      'one group per value of this sample metadata key (e.g. pop; see `samples`); default: one group ALL',
    )
    .option(
      '--svg <FILE>',
      'write a plot of the ALT frequency of each site per group along the region instead of the TSV (one region)',
    )
  cmd.action(async (store: string, o: FreqCliOptions, command: Command) => {
    if (o.svg !== undefined) await checkOutputFile(o.svg, '--svg')
    const [{ readStoreSamples }, { genotypeSites }, { siteFrequencies }] = await Promise.all([
      import('../samples/read.js'),
      import('../query/genotypes.js'),
      import('../ld/freq.js'),
    ])
    const open = await cliStore(store, command)
    const manifest = await open.manifest()
    const regions = await regionsOf(o, manifest, true)
    if (o.svg !== undefined && regions?.length !== 1)
      throw new ArgumentError(
        `--svg plots one region: give one with -r (${regions?.length ?? 0} given)`,
      )
    const { table, hasMetadata } = await readStoreSamples(open)
    // groups in order of first appearance in the store's sample order
    const names: string[] = []
    const members: number[][] = []
    if (o.by === undefined) {
      names.push('ALL')
      members.push(table.names.map((_, i) => i))
    } else {
      if (!table.field(o.by))
        throw new ArgumentError(
          hasMetadata
            ? `--by ${o.by}: unknown key (the samples have: ${table.fields.map((f) => f.key).join(', ')})`
            : `--by ${o.by}: the store has no sample metadata (import it with: lightning-tiles samples STORE --import FILE)`,
        )
      const index = new Map<string, number>()
      table.names.forEach((_, row) => {
        const v = table.value(row, o.by!)
        if (v === undefined) return // a sample without the key is in no group
        const key = String(v)
        let g = index.get(key)
        if (g === undefined) {
          index.set(key, (g = names.length))
          names.push(key)
          members.push([])
        }
        members[g]!.push(row)
      })
    }
    const groups = members.map((m) => Int32Array.from(m))
    if (o.svg !== undefined) {
      const region = regions![0]!
      const positions: number[] = []
      const af: number[][] = groups.map(() => [])
      for await (const site of genotypeSites(open, { regions })) {
        positions.push(site.pos)
        siteFrequencies(site.alleles, groups).forEach((f, g) => af[g]!.push(f.af))
      }
      const [{ freqPlotSvg }, { writeFileAtomic }] = await Promise.all([
        import('../plot/freqPlot.js'),
        import('../core/atomicWrite.js'),
      ])
      const svg = freqPlotSvg({
        positions,
        groups: names.map((name, g) => ({ name, af: af[g]!, samples: groups[g]!.length })),
        chrom: region.chrom,
        start: region.start,
        end: region.end,
        title: `ALT allele frequency${o.by ? ` by ${o.by}` : ''}, ${region.chrom}:${region.start + 1}-${region.end} (${positions.length} sites)`,
      })
      await writeFileAtomic(o.svg, svg)
      return
    }
    let out = [HEADER.join('\t')]
    for await (const site of genotypeSites(open, { regions })) {
      const freqs = siteFrequencies(site.alleles, groups)
      freqs.forEach((f, g) =>
        out.push(
          [
            site.chrom,
            site.pos,
            site.id,
            site.ref,
            site.alt,
            names[g],
            f.an,
            f.ac,
            Number.isNaN(f.af) ? '.' : f.af,
            f.homRef,
            f.het,
            f.homAlt,
            f.missing,
            f.hwe,
          ].join('\t'),
        ),
      )
      if (out.length >= 1024) {
        await write(out.join('\n') + '\n')
        out = []
      }
    }
    if (out.length) await write(out.join('\n') + '\n')
  })
}
