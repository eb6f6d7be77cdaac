// lightning-tiles ld: linkage disequilibrium (r², signed D′) of the site pairs of a region, or of
// one site against its window, in one sample group, as Ensembl computes it on the fly; optionally
// the classic heatmap as SVG with the genes of a GFF3/GTF under it.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { GenotypeSite } from '../query/genotypes.js'
import { checkOutputFile, cliStore, opener, write } from './io.js'

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
      'only the pairs of the site at CHR:POS with the sites of its window',
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
      const [{ parseRegionList }, { readStoreSamples }, { resolveGroups }, { genotypeSites }] =
        await Promise.all([
          import('../core/region.js'),
          import('../samples/read.js'),
          import('../query/groups.js'),
          import('../query/genotypes.js'),
        ])
      let anchor: { chrom: string; pos: number } | undefined
      if (o.with !== undefined) {
        const m = /^(.+):(\d+)$/.exec(o.with.trim())
        if (!m) throw new ArgumentError(`--with ${o.with}: expected CHR:POS`)
        anchor = { chrom: m[1]!, pos: Number(m[2]) }
      }
      let region: Region
      if (o.regions !== undefined) {
        const list = parseRegionList(o.regions)
        if (list.length !== 1)
          throw new ArgumentError(`-r ${o.regions}: ld takes one region, not ${list.length}`)
        region = list[0]!
      } else if (anchor)
        region = {
          chrom: anchor.chrom,
          start: Math.max(0, anchor.pos - 1 - window),
          end: anchor.pos + window,
        }
      else throw new ArgumentError('give the region: -r CHR:BEGIN-END (or --with CHR:POS)')
      const open = await cliStore(store, command)
      const manifest = await open.manifest()
      const contig = manifest.contigs.find((c) => c.name === region.chrom)
      if (!contig)
        throw new ArgumentError(
          `region ${o.regions ?? o.with}: contig ${region.chrom} is not in the store`,
        )
      region = { ...region, end: Math.min(region.end, contig.length) }

      const { table } = await readStoreSamples(open)
      let samples: string[] | undefined
      if (o.samples !== undefined) {
        const [group] = await resolveGroups([o.samples], table, { open: opener(command) })
        samples = Array.from(group!.samples, (r) => table.names[r]!)
      }
      const sites: GenotypeSite[] = []
      for await (const site of genotypeSites(open, { regions: [region], samples })) sites.push(site)
      const n = samples?.length ?? table.size
      const { HaplotypePanel } = await import('../ld/panel.js')
      const { ldAgainst, ldTriangle } = await import('../ld/window.js')
      // a sample is unphased when any of its genotypes here is
      const unphased = new Array<boolean>(n).fill(false)
      for (const s of sites) for (let i = 0; i < n; i++) if (!s.phased[i]) unphased[i] = true
      const panel = new HaplotypePanel({ samples: n, unphased })
      for (const s of sites) panel.add(s.pos, s.alleles)
      const opts = { window, minR2, minN, unphased: o.unphased ?? false }
      let pairs
      if (anchor) {
        const index = sites.findIndex((s) => s.chrom === anchor.chrom && s.pos === anchor.pos)
        if (index < 0)
          throw new ArgumentError(
            `--with ${o.with}: no site at ${anchor.chrom}:${anchor.pos} in the store`,
          )
        pairs = ldAgainst(panel, index, opts)
      } else pairs = ldTriangle(panel, opts)

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
          positions: panel.positions,
          pairs,
          genes,
          chrom: region.chrom,
          start: region.start,
          end: region.end,
          title: `LD (r²) ${region.chrom}:${region.start + 1}-${region.end}${o.samples ? `, ${o.samples}` : ''}`,
        })
        const { writeFileAtomic } = await import('../core/atomicWrite.js')
        await writeFileAtomic(o.svg, svg)
        return
      }
      const allele = (s: GenotypeSite) => `${s.ref}>${s.alt}`
      let out = ['CHROM\tPOS_A\tALLELE_A\tPOS_B\tALLELE_B\tN\tR2\tDPRIME']
      for (let k = 0; k < pairs.length; k++) {
        const a = sites[pairs.a[k]!]!
        const b = sites[pairs.b[k]!]!
        out.push(
          [
            a.chrom,
            a.pos,
            allele(a),
            b.pos,
            allele(b),
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
