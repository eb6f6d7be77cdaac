// lightning-tiles view: BGT's `bgt view` over a store (bcftools' spelling where the two differ):
// regions, sample groups, a genotype-dependent site filter, alleles by name, the samples carrying
// all chosen alleles (-S) and haplotype counts over them per group (-H); VCF or a TSV table out.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { formatValue, infoHeader, infoOf, joined, recordLine, withInfo } from '../query/viewText.js'
import type { RecordBatch } from '../variants/vcfBytes.js'
import { checkOutputFile } from '../core/nodeOutput.js'
import { addRegionOptions, cliStore, opener, outputPath, regionsOf, write } from './io.js'
import type { RegionOptions } from './io.js'

interface ViewCliOptions extends RegionOptions {
  samples?: string[]
  filter?: string
  alleles?: string[]
  annotations?: string
  carriers?: boolean
  haplotypes?: boolean
  dropGenotypes?: boolean
  counts?: boolean
  table?: string
  tiles?: boolean
  limit?: string
  output?: string
}

const collect = (value: string, list: string[] | undefined) => [...(list ?? []), value]

/** The allele names of the -a options: `,A,B` lists, `@FILE` (first column), or one name. */
async function alleleNames(specs: string[]): Promise<string[]> {
  const names: string[] = []
  for (const spec of specs) {
    if (spec.startsWith(',')) names.push(...spec.slice(1).split(','))
    else if (spec.startsWith('@')) {
      const [{ readFile }, { checkInputFile }] = await Promise.all([
        import('node:fs/promises'),
        import('../core/nodeFile.js'),
      ])
      const file = spec.slice(1)
      await checkInputFile(file, '-a')
      const text = await readFile(file, 'utf8')
      names.push(...text.split(/\r?\n/).map((l) => l.split(/\s/)[0]!))
    } else names.push(spec)
  }
  return names.map((n) => n.trim()).filter((n) => n !== '')
}

/** A count or ratio as BGT prints it (integers as such, reals as %g). */
function tileGenotype(variants: Int32Array, s: number, phased: boolean): string {
  const v = (x: number) => (x < 0 ? '-' : x.toString(16))
  return `${v(variants[2 * s]!)}${phased ? '|' : '/'}${v(variants[2 * s + 1]!)}`
}

/** view --tiles: one TSV row per tile variant carried at the steps of the regions. */
async function viewTiles(store: string, o: ViewCliOptions, limit: number, command: Command) {
  const [{ prepareQuery }, { tileRecords, compileTileFilter }] = await Promise.all([
    import('../query/view.js'),
    import('../query/tiles.js'),
  ])
  const open = await cliStore(store, command)
  const manifest = await open.manifest()
  const regions = await regionsOf(o, manifest, true)
  const prepared = await prepareQuery(open, { groups: o.samples, open: opener(command) })
  const nGroups = prepared.groups.length
  const filter = o.filter === undefined ? undefined : compileTileFilter(o.filter, nGroups)
  const phased = new Map(manifest.samples.map((s) => [s.name, s.phased]))
  const genotypes = !o.dropGenotypes
  const head = ['#TILE', 'CHROM', 'START', 'END', 'REF_TILE', 'AN', 'AC']
  for (let k = 1; k <= nGroups; k++) head.push(`AN${k}`, `AC${k}`)
  if (genotypes) head.push(...prepared.samples)
  const out = [head.join('\t')]
  const flush = async () => {
    await write(`${out.join('\n')}\n`)
    out.length = 0
  }
  let n = 0
  for await (const r of tileRecords(open, {
    regions,
    samples: prepared.samples,
    groups: prepared.groups,
  })) {
    if (filter && !filter.test(r)) continue
    if (n++ >= limit) break
    const cols = [r.id, r.chrom, r.start + 1, r.end, r.reference ? 1 : 0]
    for (const c of r.counts.slice(0, nGroups + 1)) cols.push(c.an, c.ac)
    const row = cols.join('\t')
    out.push(
      genotypes
        ? `${row}\t${prepared.samples.map((name, s) => tileGenotype(r.variants, s, phased.get(name)!)).join('\t')}`
        : row,
    )
    if (out.length >= 1024) await flush()
  }
  if (out.length) await flush()
}

export function registerView(program: Command): void {
  const cmd = program
    .command('view <store>')
    .description(
      "query genotypes as BGT's view: sample groups, frequency filters, alleles, carriers, haplotype counts",
    )
  addRegionOptions(cmd, 'only records overlapping')
    .option(
      '-s, --samples <EXPR>',
      'a sample group (repeatable; unlike other commands, each -s makes one group, as BGT): an expression over the metadata (pop=="FIN"), ,A,B names, or @FILE',
      collect,
    )
    .option(
      '-f, --filter <EXPR>',
      'keep sites where EXPR holds: AC, AN, AF of all chosen samples, AC#k/AN#k/AF#k (or AC1, AN1) of group k, CHROM, POS, END, REF, ALT',
    )
    .option(
      '-a, --alleles <LIST>',
      'only these alleles (repeatable): CHR:POS:REFLEN:ALT (BGT) or CHR:POS:REF:ALT (VCF), ,A,B lists or @FILE',
      collect,
    )
    .option(
      '-d, --annotations <EXPR>',
      'only alleles whose site annotations (lightning-tiles annotate) satisfy EXPR, e.g. CLNSIG=="Pathogenic" or csq=="missense_variant" && gene=="SNRPB" (BGT: -d FILE -a EXPR)',
    )
    .option(
      '-S, --carriers',
      'with -a: list the samples carrying every chosen allele (BGT: SP lines)',
    )
    .option(
      '-H, --haplotypes',
      'with -a: count haplotypes over the chosen alleles per group (BGT: NA/AA/NH/HC lines)',
    )
    .option('-G, --drop-genotypes', 'no sample columns')
    .option(
      '-C, --counts',
      'write AN/AC (and ANk/ACk per group) to INFO; implied by -f and by several -s',
    )
    .option(
      '-t, --table <COLUMNS>',
      'TSV of comma-separated expressions (e.g. CHROM,POS,REF,ALT,AC1,AC2) instead of VCF',
    )
    .option(
      '--tiles',
      "rows are tile variants (ID, reference interval, AN/AC per group, each sample's two variant numbers) instead of VCF alleles; -f takes CHROM, START, END, SPAN, REF_TILE, AC, AN, AF (#k)",
    )
    .option('-n, --limit <N>', 'at most N records')
    .option('-o, --output <FILE>', 'VCF to this file (.vcf.gz: BGZF) instead of stdout')
    .action(async (store: string, o: ViewCliOptions, command: Command) => {
      const limit = o.limit === undefined ? Infinity : Number(o.limit)
      if (!(Number.isInteger(limit) || limit === Infinity) || limit < 0)
        throw new ArgumentError(`-n ${o.limit}: expected a whole number ≥ 0`)
      if ((o.carriers || o.haplotypes) && !o.alleles && o.annotations === undefined)
        throw new ArgumentError(`${o.carriers ? '-S' : '-H'} needs the alleles: -a or -d`)
      if (o.tiles) {
        const other = [
          o.alleles && '-a',
          o.annotations !== undefined && '-d',
          o.carriers && '-S',
          o.haplotypes && '-H',
          o.table !== undefined && '-t',
          o.output !== undefined && '-o',
        ].filter(Boolean)
        if (other.length)
          throw new ArgumentError(
            `--tiles writes tile variants: ${other.join(', ')} name VCF alleles`,
          )
        await viewTiles(store, o, limit, command)
        return
      }
      const output = outputPath(o.output)
      if (output !== undefined) await checkOutputFile(output)
      const {
        parseAlleleName,
        prepareQuery,
        compileColumn,
        AlleleSetCounter,
        firstRecords,
        queryRecords,
      } = await import('../query/view.js')
      const alleles = o.alleles ? (await alleleNames(o.alleles)).map(parseAlleleName) : undefined
      const open = await cliStore(store, command)
      const manifest = await open.manifest()
      const regions = await regionsOf(o, manifest, true)
      const prepared = await prepareQuery(open, {
        regions,
        groups: o.samples,
        filter: o.filter,
        alleles,
        annotations: o.annotations,
        // -t columns and -f may name annotation keys
        withAnnotations: o.table !== undefined || o.filter !== undefined,
        // genotypes only for sample columns out, or for -S/-H
        genotypes:
          (!o.dropGenotypes && !o.table && !o.carriers && !o.haplotypes) ||
          alleles !== undefined ||
          o.annotations !== undefined,
        // counts only for INFO (-C, or several groups) and -t columns (-f counts regardless)
        counts: o.counts || (o.samples?.length ?? 0) > 1 || o.table !== undefined,
        open: opener(command),
      })
      const nGroups = prepared.groups.length
      const columns = o.table
        ?.split(',')
        .map((c) => compileColumn(c.trim(), nGroups, prepared.annotationFields))
      const counter =
        alleles || o.annotations !== undefined
          ? new AlleleSetCounter(prepared.samples.length)
          : undefined
      const vcfOut = !columns && !o.carriers && !o.haplotypes
      const info = o.counts || o.filter !== undefined || nGroups > 1
      const genotypes = !o.dropGenotypes

      // lines as text, records with genotypes as the byte writer takes them
      async function* lines(): AsyncGenerator<string | RecordBatch> {
        if (vcfOut) {
          const { vcfHeader } = await import('../variants/vcf.js')
          yield* vcfHeader(
            manifest.contigs,
            genotypes ? prepared.samples.map((name) => ({ name, phased: true })) : [],
            info ? { extra: infoHeader(nGroups) } : {},
          ).map((l) => (genotypes ? l : l.replace(/\tFORMAT$/, '')))
        }
        let n = 0
        for await (const all of prepared.columns()) {
          const batch = firstRecords(all, Math.max(0, limit - n))
          n += batch.sites.length
          // genotypes out: the batch as it is, no object per record
          if (vcfOut && genotypes) yield info ? withInfo(batch, nGroups) : batch
          else {
            const records = queryRecords(batch)
            for (const r of records) counter?.add(r)
            if (columns)
              yield* joined(
                records.map((r) => columns.map((c) => formatValue(c.value(r))).join('\t')),
              )
            else if (vcfOut)
              yield* joined(
                records.map((r) =>
                  recordLine(r, info ? infoOf(r.counts, nGroups) : undefined, false),
                ),
              )
          }
          if (n >= limit) break
        }
        if (counter && o.haplotypes) {
          const { formatAlleleName } = await import('../query/view.js')
          const groups = nGroups
            ? prepared.groups
            : [{ spec: '', samples: Int32Array.from(prepared.samples, (_, i) => i) }]
          const haps = counter.haplotypes(groups)
          yield `NA\t${counter.seen.length}`
          yield* joined(counter.seen.map((a) => `AA\t${formatAlleleName(a)}`))
          yield `NH\t${haps.length}\t${groups.length}`
          yield* joined(haps.map((h) => ['HC', h.pattern, ...h.counts].join('\t')))
        }
        if (counter && o.carriers)
          yield* joined(counter.carriers().map((s) => `SP\t${prepared.samples[s]}\t1`))
      }

      const [{ writeVcfFile }, { recordLines, vcfBytes }] = await Promise.all([
        import('../export/vcf-writer.js'),
        import('../variants/vcfBytes.js'),
      ])
      if (output === undefined) {
        // each chunk is written before the next is made: one buffer serves them all
        for await (const chunk of vcfBytes(lines(), { reuse: true })) await write(chunk)
        return
      }
      await writeVcfFile(
        output,
        (async function* () {
          for await (const x of lines())
            if (typeof x === 'string') yield x
            else yield* recordLines(x)
        })(),
        undefined,
      )
    })
}
