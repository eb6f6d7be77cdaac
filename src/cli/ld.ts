// lightning-tiles ld: linkage disequilibrium (r², signed D′) of the site pairs of a region, or of
// one site against its window, in one sample group, as Ensembl computes it on the fly; optionally
// the classic heatmap as SVG with the genes of a GFF3/GTF under it.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { checkOutputFile } from '../core/nodeOutput.js'
import { cliStore, opener, write } from './io.js'

interface LdCliOptions {
  regions?: string
  samples?: string
  with?: string
  window: string
  minR2: string
  minN: string
  unphased?: boolean
  svg?: string
  gff?: string
  tiles?: boolean
}

/** `500kb`, `1mb`, `20000` → bases. */
export function parseBases(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(kb|mb|bp)?$/i.exec(text.trim())
  if (!m)
    throw new ArgumentError(`${option} ${text}: expected a distance such as 500kb, 1mb or 20000`)
  const unit = m[2]?.toLowerCase()
  return Math.round(Number(m[1]) * (unit === 'kb' ? 1e3 : unit === 'mb' ? 1e6 : 1))
}

function parseNumber(text: string, option: string, min: number, max: number): number {
  const v = Number(text)
  if (text.trim() === '' || !(v >= min && v <= max))
    throw new ArgumentError(`${option} ${text}: expected a number in ${min}..${max}`)
  return v
}

export function registerLd(program: Command): void {
  program
    .command('ld <store>')
    .description(
      'LD (r², signed D′) of every pair of sites of a region, or of one site against its window, in one sample group; TSV, or an SVG heatmap',
    )
    .option(
      '-r, --regions <REGION>',
      'the region CHR:BEGIN-END (1-based); with --with: default the window around it',
    )
    .option(
      '-s, --samples <EXPR>',
      'the sample group: an expression over the metadata (pop=="FIN"), ,A,B names or @FILE (default: every sample)',
    )
    .option(
      '--with <CHR:POS>',
      'only the pairs of the site at CHR:POS (with --tiles: of the tile variant PPPP.VV.SSSS.VVV) with the sites of its window',
    )
    .option(
      '--tiles',
      'LD between the tile variants of the steps (each variant an indicator per haplotype, from the cohort matrix) instead of VCF sites',
    )
    .option('--window <DIST>', 'largest distance between the sites of a pair', '500kb')
    .option('--min-r2 <R2>', 'keep pairs with r² ≥ this', '0.05')
    .option('--min-n <N>', 'keep pairs over at least N haplotypes (Ensembl: 40)', '40')
    .option('--unphased', 'estimate by EM over genotypes even where they are phased (as plink 1.9)')
    .option('--svg <FILE>', 'write the LD heatmap here instead of the TSV')
    .option('--gff <GENES>', 'with --svg: draw the genes of this GFF3/GTF under the heatmap')
    .action(async (store: string, o: LdCliOptions, command: Command) => {
      const window = parseBases(o.window, '--window')
      const minR2 = parseNumber(o.minR2, '--min-r2', 0, 1)
      const minN = parseNumber(o.minN, '--min-n', 0, Number.MAX_SAFE_INTEGER)
      if (o.gff !== undefined && o.svg === undefined)
        throw new ArgumentError('--gff needs --svg FILE')
      if (o.svg !== undefined) await checkOutputFile(o.svg, '--svg')
      const [{ parseRegionList }, { readStoreSamples }, { resolveGroups }] = await Promise.all([
        import('../core/region.js'),
        import('../samples/read.js'),
        import('../query/groups.js'),
      ])
      let anchor: { chrom: string; pos: number } | string | undefined
      if (o.with !== undefined) {
        const m = /^(.+):(\d+)$/.exec(o.with.trim())
        if (o.tiles) anchor = o.with.trim()
        else if (m) anchor = { chrom: m[1]!, pos: Number(m[2]) }
        else throw new ArgumentError(`--with ${o.with}: expected CHR:POS`)
      }
      let region: Region
      if (o.regions !== undefined) {
        const list = parseRegionList(o.regions)
        if (list.length !== 1)
          throw new ArgumentError(`-r ${o.regions}: ld takes one region, not ${list.length}`)
        region = list[0]!
      } else if (typeof anchor === 'object')
        region = {
          chrom: anchor.chrom,
          start: Math.max(0, anchor.pos - 1 - window),
          end: anchor.pos + window,
        }
      else throw new ArgumentError('give the region: -r CHR:BEGIN-END (or --with CHR:POS)')
      if (typeof anchor === 'object' && anchor.chrom !== region.chrom)
        throw new ArgumentError(`--with ${o.with}: not on the contig of -r ${o.regions}`)
      const open = await cliStore(store, command)
      const manifest = await open.manifest()
      const contig = manifest.contigs.find((c) => c.name === region.chrom)
      if (!contig)
        throw new ArgumentError(
          `region ${o.regions ?? o.with}: contig ${region.chrom} is not in the store`,
        )
      region = { ...region, end: Math.min(region.end, contig.length) }

      let samples: string[] | undefined
      if (o.samples !== undefined) {
        const { table } = await readStoreSamples(open)
        const [group] = await resolveGroups([o.samples], table, { open: opener(command) })
        samples = Array.from(group!.samples, (r) => table.names[r]!)
      }
      const { sites, pairs } = await open.ld({
        region,
        samples,
        with: typeof anchor === 'object' ? anchor.pos : anchor,
        tiles: o.tiles ?? false,
        window,
        minR2,
        minN,
        unphased: o.unphased ?? false,
      })

      if (o.svg !== undefined) {
        const { ldHeatmapSvg } = await import('../plot/ldHeatmap.js')
        let genes: { start: number; end: number; name: string; strand: '+' | '-' }[] = []
        if (o.gff !== undefined) {
          const [{ readGeneModel }, { openFile }] = await Promise.all([
            import('../genes/read.js'),
            import('../core/nodeFile.js'),
          ])
          const model = await readGeneModel({ name: o.gff, handle: openFile(o.gff) })
          const chrom = model.resolveChrom(region.chrom)
          // one box per gene, over its transcripts
          const byGene = new Map<string, (typeof genes)[number]>()
          for (const t of chrom ? model.overlapping(chrom, region.start, region.end) : []) {
            const g = byGene.get(t.gene.id)
            if (g) {
              g.start = Math.min(g.start, t.start)
              g.end = Math.max(g.end, t.end)
            } else
              byGene.set(t.gene.id, {
                start: t.start,
                end: t.end,
                name: t.gene.name,
                strand: t.strand,
              })
          }
          genes = [...byGene.values()]
        }
        const svg = ldHeatmapSvg({
          positions: sites.map((x) => x.pos),
          pairs,
          genes,
          chrom: region.chrom,
          start: region.start,
          end: region.end,
          title: `${o.tiles ? 'Tile-level LD' : 'LD'} (r²) ${region.chrom}:${region.start + 1}-${region.end}${o.samples ? `, ${o.samples}` : ''}`,
        })
        const { writeFileAtomic } = await import('../core/atomicWrite.js')
        await writeFileAtomic(o.svg, svg)
        return
      }
      let out = [
        o.tiles
          ? 'CHROM\tPOS_A\tTILE_A\tPOS_B\tTILE_B\tN\tR2\tDPRIME'
          : 'CHROM\tPOS_A\tALLELE_A\tPOS_B\tALLELE_B\tN\tR2\tDPRIME',
      ]
      for (let k = 0; k < pairs.length; k++) {
        const a = sites[pairs.a[k]!]!
        const b = sites[pairs.b[k]!]!
        out.push(
          [
            a.chrom,
            a.pos,
            a.allele,
            b.pos,
            b.allele,
            pairs.n[k],
            pairs.r2[k],
            pairs.dPrime[k],
          ].join('\t'),
        )
        if (out.length >= 4096) {
          await write(out.join('\n') + '\n')
          out = []
        }
      }
      if (out.length) await write(out.join('\n') + '\n')
    })
}
