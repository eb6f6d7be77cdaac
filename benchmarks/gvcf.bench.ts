// Building a store from the real gVCFs of ../shared/data (GATK 3.5 and 4 HaplotypeCaller on
// GRCh37 chr20, DeepVariant on GRCh38 chr20, GATK on volvox), against what bcftools does with the
// same inputs in the same run: `bcftools merge --gvcf` (several samples) then
// `bcftools convert --gvcf2vcf` (every base a record, as the store holds every base). A cohort of
// 40 is made of ten renamed copies of the four GRCh37 gVCFs, to show how time and memory grow with
// samples at the same genome size. Run with `npx tsx benchmarks/run.ts gvcf` (not in CI: it needs
// ../shared).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { table, timeCommand } from './lib.js'
import type { GvcfBuildStats } from './gvcf.driver.js'

const RUNS = 3
const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url))
const G = `${DATA}gvcf/`
const DRIVER = fileURLToPath(new URL('gvcf.driver.ts', import.meta.url))

function sh(cmd: string): void {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd}\n${r.stderr}`)
}

interface Input {
  name: string
  reference: string
  gvcfs: string[]
}

export async function run(): Promise<string> {
  if (!existsSync(G)) return '### gVCF build\n\nSkipped: ../shared/data is absent.\n'
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-gvcf-'))
  try {
    // references: prefixes of the real ones, coordinates unchanged (bgzipped, .fai/.gzi)
    const ref37 = join(dir, 'grch37-20.fa.gz')
    const ref38 = join(dir, 'grch38-chr20.fa.gz')
    sh(
      `samtools faidx ${DATA}grch37-chr20/20.fa.gz 20:1-11100000 | sed '1s/.*/>20/' | bgzip > ${ref37} && samtools faidx ${ref37}`,
    )
    sh(
      `samtools faidx ${G}grch38.chr20_and_21_10M.fa.gz chr20:1-9200000 | sed '1s/.*/>chr20/' | bgzip > ${ref38} && samtools faidx ${ref38}`,
    )
    const volvox = join(dir, 'volvox.fa')
    sh(`cp ${DATA}twobit/volvox.2bit.fa ${volvox} && samtools faidx ${volvox}`)
    const four = [
      ...['RVPV-0003', 'QXCU-0004', 'OXRP-0003'].map(
        (n) => `${G}gatk3.5-hc.GTEX-${n}.20_10000000-11000000.g.vcf.gz`,
      ),
      `${G}gatk4-hc.NA12878.20_10100000-10150000.g.vcf.gz`,
    ]
    const forty: string[] = []
    for (let copy = 0; copy < 10; copy++)
      four.forEach((f, i) => {
        const out = join(dir, `copy${copy}.${i}.g.vcf.gz`)
        sh(
          `bcftools query -l ${f} | sed 's/$/_${copy}/' > ${out}.names && ` +
            `bcftools reheader -s ${out}.names ${f} -o ${out} && tabix ${out}`,
        )
        forty.push(out)
      })
    const inputs: Input[] = [
      {
        name: 'volvox, GATK HaplotypeCaller, 1 sample',
        reference: volvox,
        gvcfs: [`${DATA}twobit/volvox.gatk-hc.raw.g.vcf.gz`],
      },
      {
        name: 'GRCh38 chr20, DeepVariant, 1 sample',
        reference: ref38,
        gvcfs: [`${G}deepvariant1.9-pacbio.HG003.chr20_9000000-9100000.grch38.g.vcf.gz`],
      },
      { name: 'GRCh37 chr20, GATK 3.5/4, 4 samples', reference: ref37, gvcfs: four },
      { name: 'GRCh37 chr20, GATK 3.5/4, 40 samples', reference: ref37, gvcfs: forty },
    ]
    const rows: (string | number)[][] = []
    const notes: string[] = []
    for (const input of inputs) {
      const store = join(dir, 'store')
      const json = join(dir, 'stats.json')
      const ours = timeCommand(
        `rm -rf ${store} && npx tsx ${DRIVER} ${input.reference} ${store} ${input.gvcfs.join(' ')} > ${json}`,
        RUNS,
      )
      const s = JSON.parse(readFileSync(json, 'utf8')) as GvcfBuildStats
      const merged = join(dir, 'merged.g.vcf.gz')
      const merge =
        input.gvcfs.length > 1
          ? `bcftools merge --gvcf ${input.reference} -Oz -o ${merged} ${input.gvcfs.join(' ')} 2>/dev/null && `
          : `cp ${input.gvcfs[0]} ${merged} && `
      const bcf = timeCommand(
        `${merge}bcftools convert --gvcf2vcf -f ${input.reference} -Oz -o ${join(dir, 'all.vcf.gz')} ${merged}`,
        RUNS,
      )
      rows.push([
        input.name,
        s.records.toLocaleString('en'),
        `${ours.seconds.toFixed(1)} s, ${ours.peakMiB.toFixed(0)} MiB`,
        `${s.tagsSeconds.toFixed(1)} s`,
        `${bcf.seconds.toFixed(2)} s, ${bcf.peakMiB.toFixed(0)} MiB`,
      ])
      notes.push(
        `${input.name}: ${s.steps.toLocaleString('en')} steps, ${s.variants.toLocaleString('en')} tile variants`,
      )
    }
    return [
      '### gVCF build: no-calls from real gVCFs',
      '',
      'Inputs from `../shared/data` (MANIFEST.md): references are prefixes of GRCh37 chr20 ' +
        '(1–11,100,000) and GRCh38 chr20 (1–9,200,000), so the build tiles the whole prefix and every ' +
        'base outside the gVCFs is a no-call; the 40-sample cohort is ten renamed copies of the four ' +
        'GRCh37 gVCFs. `lightning-tiles` is `buildStore` with `--min-gq 20` (the default) in a child ' +
        'process under GNU time (Node and tsx start included); its tag-picking time depends on the ' +
        'reference only and is shown apart. bcftools, same run: `bcftools merge --gvcf REF` of the ' +
        'inputs (one sample: none) then `bcftools convert --gvcf2vcf -f REF` of the result.',
      '',
      table(
        [
          'input',
          'gVCF records',
          'lightning-tiles build (time, peak RSS)',
          'of which tags and assembly',
          'bcftools merge + convert --gvcf2vcf',
        ],
        rows,
      ),
      '',
      ...notes.map((n) => `- ${n}`),
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// npx tsx benchmarks/gvcf.bench.ts: print the section (npm run bench rewrites RESULTS.md with it)
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run())
