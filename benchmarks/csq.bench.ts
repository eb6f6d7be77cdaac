// Consequence calling on the testdata (24,990 records, 300 phased samples, 20:1-4 Mb, Ensembl 75
// gene models of the region): ours in-process (gene model read, then every record annotated,
// haplotype-aware and each record alone) and our CLI, against bcftools csq -p a and -l in the
// same run. Standalone, not in CI: npx tsx benchmarks/csq.bench.ts  (npm run build first to
// time the CLI too)
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ConsequencePredictor } from '../src/consequence/predict.js'
import { annotateVcf } from '../src/consequence/vcf.js'
import { openFile } from '../src/core/nodeFile.js'
import { readGeneModel } from '../src/genes/read.js'
import { openReference } from '../src/tiling/reference.js'
import { machine, table, timeAsync, timeCommand } from './lib.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const GFF = `${root}testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000.gff3.gz`
const REF = `${root}testdata/chr20/20.1-4000000.fa.gz`
const VCF = `${root}testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz`
const CLI = `${root}bin/lightning-tiles.js`
const RUNS = 5

const named = (path: string) => ({ name: path, handle: openFile(path) })

async function annotate(local: boolean): Promise<number> {
  const model = await readGeneModel(named(GFF))
  const predictor = new ConsequencePredictor(model, await openReference(REF))
  let records = 0
  for await (const r of annotateVcf(named(VCF), predictor, { local })) records += r.alts.length
  return records
}

async function main() {
  const records = await annotate(false) // warm-up, and the record count
  const model = await timeAsync(() => readGeneModel(named(GFF)), RUNS)
  const rows: (string | number)[][] = []
  for (const local of [false, true]) {
    const ours = await timeAsync(() => annotate(local), RUNS)
    const mode = local ? '-l' : '-p a'
    const csq = timeCommand(
      `bcftools csq ${mode} -f ${REF} -g ${GFF} ${VCF} -Ou -o /dev/null`,
      RUNS,
    )
    const cli = existsSync(`${root}dist/esm/cli/csq.js`)
      ? timeCommand(
          `node ${CLI} csq --gff ${GFF} --reference ${REF} ${local ? '--local ' : ''}${VCF} > /dev/null`,
          RUNS,
        ).seconds.toFixed(2)
      : 'not built'
    rows.push([
      local ? 'each record alone (csq -l)' : 'haplotype-aware (csq -p a)',
      ours.toFixed(2),
      cli,
      csq.seconds.toFixed(2),
      (ours / csq.seconds).toFixed(1),
    ])
  }
  console.log(
    `### Consequences: ${records} alleles of testdata/chr20 on Ensembl 75 genes of 20:1-4 Mb\n`,
  )
  console.log(machine())
  console.log(
    `\nMedians of ${RUNS} runs, seconds. Ours in-process = read the GFF3 (alone: ${model.toFixed(2)} s),` +
      ' then annotate every record; our CLI and bcftools csq are whole processes writing nowhere.\n',
  )
  console.log(table(['task', 'ours in-process', 'ours CLI', 'bcftools csq', 'ours / csq'], rows))
}

await main()
