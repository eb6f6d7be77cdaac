// lightning-tiles panel / conform / impute / impute-join: imputation against a store (see
// src/impute). `impute` runs the whole pipeline; `panel`, `conform` and `impute-join` are its
// steps on their own, as the CWL workflow (cwl/impute.cwl) runs them.
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { Store } from '../store/Store.js'
import { interruptible } from './interrupt.js'
import { checkOutputFile } from '../core/nodeOutput.js'
import { cliStore, opener, write } from './io.js'
import { parseBases } from './ld.js'
import { isBgzfName, writeVcfFile } from '../export/vcf-writer.js'

/** The store's samples that `-s SPEC` selects (an expression, `,A,B` or `@FILE`), as `ld -s`. */
async function panelSamples(
  open: Store,
  spec: string | undefined,
  command: Command,
): Promise<string[] | undefined> {
  if (spec === undefined) return undefined
  const [{ readStoreSamples }, { resolveGroups }] = await Promise.all([
    import('../samples/read.js'),
    import('../query/groups.js'),
  ])
  const { table } = await readStoreSamples(open)
  const [group] = await resolveGroups([spec], table, { open: opener(command) })
  return Array.from(group!.samples, (r) => table.names[r]!)
}

/** One region on a contig of the store, clipped to its end. */
async function oneRegion(open: Store, text: string): Promise<Region> {
  const { parseRegionList } = await import('../core/region.js')
  const list = parseRegionList(text)
  if (list.length !== 1) throw new ArgumentError(`-r ${text}: one region, not ${list.length}`)
  const r = list[0]!
  const contig = (await open.manifest()).contigs.find((c) => c.name === r.chrom)
  if (!contig) throw new ArgumentError(`-r ${text}: contig ${r.chrom} is not in the store`)
  return { ...r, end: Math.min(r.end, contig.length) }
}

function rate(text: string, option: string): number {
  const v = Number(text)
  if (text.trim() === '' || !(v >= 0 && v <= 1))
    throw new ArgumentError(`${option} ${text}: expected a fraction in 0..1`)
  return v
}

function whole(text: string, option: string): number {
  const v = Number(text)
  if (!(Number.isInteger(v) && v > 0))
    throw new ArgumentError(`${option} ${text}: expected a whole number above 0`)
  return v
}

interface PanelCliOptions {
  samples?: string
  regions: string
  output: string
  bref3?: boolean
  map?: string
  cmFrom?: string
}

interface ConformCliOptions {
  panel: string[]
  target: string
  output: string
  minSiteCallRate: string
  minSampleCallRate: string
}

interface ImputeCliOptions {
  target: string
  output?: string
  samples?: string
  chunk: string
  overlap: string
  threads: string
  map?: string
  seed: string
  memory?: string
  printChunks?: boolean
  minSiteCallRate: string
  minSampleCallRate: string
}

export function registerImpute(program: Command): void {
  program
    .command('panel <store>')
    .description(
      'a reference panel for Beagle: phased GT of the store (or of -s samples) over one region',
    )
    .option(
      '-s, --samples <SPEC>',
      'panel samples: an expression (pop=="FIN"), ,NAME,NAME or @FILE',
    )
    .requiredOption('-r, --regions <REGION>', 'CHR:BEGIN-END (1-based)')
    .requiredOption('-o, --output <FILE>', 'FILE.vcf.gz (with FILE.vcf.gz.csi)')
    .option('--bref3', "also write FILE.bref3 with Beagle's bref3 tool (Debian package beagle)")
    .option('--map <FILE>', 'also write a PLINK genetic map of the region (needs --cm-from)')
    .option('--cm-from <VCF>', "the VCF whose INFO/CM (interpolated cM) makes --map's map")
    .action(async (store: string, o: PanelCliOptions, command: Command) => {
      if (!isBgzfName(o.output))
        throw new ArgumentError(`-o ${o.output}: a panel is written as FILE.vcf.gz`)
      if ((o.map === undefined) !== (o.cmFrom === undefined))
        throw new ArgumentError('--map FILE and --cm-from VCF go together')
      await checkOutputFile(o.output)
      const open = await cliStore(store, command)
      const region = await oneRegion(open, o.regions)
      const samples = await panelSamples(open, o.samples, command)
      const { writePanel, writeBref3, writeGeneticMap } = await import('../impute/panel.js')
      if (o.bref3) (await import('../impute/tool.js')).checkToolInstalled('bref3')
      await interruptible('panel', 'temporary files removed', async ({ signal, bar }) => {
        const stats = await writePanel(open, o.output, {
          samples,
          region,
          signal,
          onProgress: bar.onProgress,
        })
        bar.stop()
        process.stderr.write(
          `panel ${o.output}: ${stats.records} records` +
            (stats.unphased
              ? `, ${stats.unphased} left out (a genotype missing or unphased)`
              : '') +
            '\n',
        )
        if (o.bref3) {
          const bref3 = o.output.replace(/\.vcf\.b?gz$/i, '') + '.bref3'
          await writeBref3(o.output, bref3, { signal })
          process.stderr.write(`bref3 ${bref3}\n`)
        }
        if (o.map !== undefined && o.cmFrom !== undefined) {
          const n = await writeGeneticMap(o.cmFrom, o.map, { region, signal })
          process.stderr.write(`genetic map ${o.map}: ${n} positions\n`)
        }
      })
    })

  program
    .command('conform')
    .description(
      'QC of a target VCF against panel VCFs (as conform-gt): writes OUT/conformed.vcf.gz, dropped.tsv, counts.tsv',
    )
    .requiredOption('--panel <VCF...>', 'the panel VCF(s), e.g. one per chunk')
    .requiredOption('--target <VCF>', 'the target (array) VCF')
    .requiredOption('-o, --output <DIR>', 'output directory')
    .option('--min-site-call-rate <F>', 'drop sites called in fewer of the samples', '0.9')
    .option('--min-sample-call-rate <F>', 'drop samples called at fewer of the sites', '0.9')
    .action(async (o: ConformCliOptions) => {
      const [{ mkdir }, { join }, { conformTarget, countsTsv, droppedTsv }] = await Promise.all([
        import('node:fs/promises'),
        import('node:path'),
        import('../impute/qc.js'),
      ])
      const qc = await conformTarget(o.target, o.panel, {
        minSiteCallRate: rate(o.minSiteCallRate, '--min-site-call-rate'),
        minSampleCallRate: rate(o.minSampleCallRate, '--min-sample-call-rate'),
      })
      if (qc.wrongBuild)
        throw new ArgumentError(
          `${o.target}: most sites are absent from the panel or have other alleles: another reference build?`,
        )
      await mkdir(o.output, { recursive: true })
      async function* lines() {
        yield* qc.lines
      }
      await writeVcfFile(join(o.output, 'conformed.vcf.gz'), lines(), { maxLength: 2 ** 29 })
      await writeFile(join(o.output, 'dropped.tsv'), droppedTsv(qc))
      await writeFile(join(o.output, 'counts.tsv'), countsTsv(qc))
      process.stderr.write(countsTsv(qc))
    })

  program
    .command('impute-join')
    .description("join Beagle's chunk outputs (overlapping windows, in order) into one indexed VCF")
    .requiredOption('-o, --output <FILE>', 'FILE.vcf.gz (with FILE.vcf.gz.csi)')
    .argument('<chunks...>', "Beagle's output VCFs, one per chunk, in order along one contig")
    .action(async (chunks: string[], o: { output: string }) => {
      await checkOutputFile(o.output)
      const { joinChunks } = await import('../impute/chunks.js')
      await writeVcfFile(o.output, joinChunks(chunks), { maxLength: 2 ** 29 })
    })

  program
    .command('impute <store>')
    .description(
      'impute a target (array) VCF against the store: QC, Beagle 5 in chunks, OUT/imputed.vcf.gz and OUT/report.html',
    )
    .requiredOption('--target <VCF>', 'the target (array) VCF: GT of any samples')
    .option('-o, --output <DIR>', 'output directory (required unless --print-chunks)')
    .option(
      '-s, --samples <SPEC>',
      'panel samples: an expression (pop=="FIN"), ,NAME,NAME or @FILE',
    )
    .option('--chunk <SIZE>', 'bases per chunk', '5mb')
    .option('--overlap <SIZE>', 'bases each chunk reaches into its neighbours', '500kb')
    .option('--threads <N>', "Beagle's threads", '1')
    .option('--map <FILE>', 'PLINK genetic map for Beagle (lightning-tiles panel --map makes one)')
    .option('--seed <N>', "Beagle's random seed", '1')
    .option('--memory <SIZE>', "Java's heap for Beagle, e.g. 8g (default: Java's)")
    .option('--min-site-call-rate <F>', 'drop target sites called in fewer of the samples', '0.9')
    .option('--min-sample-call-rate <F>', 'drop target samples called at fewer of the sites', '0.9')
    .option('--print-chunks', 'print the chunk windows (for cwl/impute.cwl) and stop')
    .action(async (store: string, o: ImputeCliOptions, command: Command) => {
      if (o.memory !== undefined && !/^\d+[kmg]$/i.test(o.memory))
        throw new ArgumentError(`--memory ${o.memory}: expected a size such as 4g or 512m`)
      const seed = Number(o.seed)
      if (!Number.isInteger(seed))
        throw new ArgumentError(`--seed ${o.seed}: expected a whole number`)
      const open = await cliStore(store, command)
      const { imputeFromStore, planImputation } = await import('../impute/impute.js')
      if (o.printChunks) {
        const { formatRegion } = await import('../core/region.js')
        const plan = await planImputation(
          open,
          o.target,
          parseBases(o.chunk, '--chunk'),
          parseBases(o.overlap, '--overlap'),
        )
        await write(plan.map((c) => formatRegion(c.window) + '\n').join(''))
        return
      }
      const output = o.output
      if (output === undefined) throw new ArgumentError('give the output directory: -o DIR')
      const samples = await panelSamples(open, o.samples, command)
      await interruptible('impute', 'temporary files removed', async ({ signal, bar }) => {
        const r = await imputeFromStore({
          store: open,
          target: o.target,
          out: output,
          samples,
          chunk: parseBases(o.chunk, '--chunk'),
          overlap: parseBases(o.overlap, '--overlap'),
          threads: whole(o.threads, '--threads'),
          map: o.map,
          seed,
          memory: o.memory,
          minSiteCallRate: rate(o.minSiteCallRate, '--min-site-call-rate'),
          minSampleCallRate: rate(o.minSampleCallRate, '--min-sample-call-rate'),
          onProgress: bar.onProgress,
          signal,
        })
        bar.stop()
        const kept = Object.values(r.qc.fixes).reduce((a, b) => a + b, 0)
        process.stderr.write(
          `imputed ${r.dr2.length} sites in ${r.chunks.length} chunk(s) from ${kept} of ${r.qc.sites} target sites: ${r.output}, ${r.report}\n`,
        )
      })
    })
}
