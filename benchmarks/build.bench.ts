// Building a store from the 300-sample chr20:1–4 Mb cohort (testdata/chr20) against the bcftools
// work of the same size: `bcftools view -Ob` of the VCF, and `bcftools consensus` writing all 600
// haplotypes. Store size by part against the VCF.gz and the BCF of the same genotypes.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { table, timeCommand } from './lib.js'
import { mib, STORE_PARTS, storeBreakdown } from './storeSize.js'
import type { BuildStats } from './build.driver.js'

const RUNS = 3
const REF = fileURLToPath(new URL('../testdata/chr20/20.1-4000000.fa.gz', import.meta.url))
const VCF = fileURLToPath(
  new URL('../testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz', import.meta.url),
)
const DRIVER = fileURLToPath(new URL('build.driver.ts', import.meta.url))

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-build-'))
  try {
    const store = join(dir, 'store')
    const stats = join(dir, 'build.json')
    const bcf = join(dir, 'cohort.bcf')
    const ref = join(dir, 'ref.fa.gz')
    copyFileSync(REF, ref)

    const ours = timeCommand(
      `rm -rf ${store} && npx tsx ${DRIVER} ${REF} ${VCF} ${store} > ${stats}`,
      RUNS,
    )
    const s = JSON.parse(readFileSync(stats, 'utf8')) as BuildStats
    const view = timeCommand(`bcftools view -Ob -o ${bcf} ${VCF}`, RUNS)
    const faidx = timeCommand(`samtools faidx ${ref}`, 1)
    const consensusCmd =
      `for S in $(bcftools query -l ${VCF}); do for H in 1 2; do ` +
      `bcftools consensus -f ${ref} -s $S -H $H ${VCF} > /dev/null 2>&1; done; done`
    const consensus = timeCommand(consensusCmd, 1)

    const { parts, total } = storeBreakdown(store)
    const vcfSize = statSync(VCF).size
    const bcfSize = statSync(bcf).size
    const noSglf = total - parts.SGLF
    const consensusAll = faidx.seconds + consensus.seconds
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`
    const B = (n: number) => `${n.toLocaleString('en')} B (${mib(n)} MiB)`

    return [
      '### Store build: 300 samples, chr20:1–4 Mb',
      '',
      `Input: \`testdata/chr20\` — reference chr20:1–4,000,000 (bgzipped with .fai/.gzi) and the ` +
        `1000 Genomes phase 3 VCF of ${s.samples} phased EUR samples over chr20:1–4 Mb ` +
        `(${B(vcfSize)}). The build picks tags, writes tagset, assembly, library (SGLF, 2bit-tar, ` +
        `counts, spans) and one CGF per sample: ${s.paths} path(s), ` +
        `${s.steps.toLocaleString('en')} steps, ${s.variants.toLocaleString('en')} tile variants, ` +
        `${s.overlaps} overlapping variants skipped (as bcftools consensus skips them). ` +
        'Every measured command is one child process tree under GNU time `%e %M`, so the peak RSS ' +
        'is per run (for the consensus loop: the largest single bcftools process); the build time ' +
        'includes starting Node and tsx (about 1 s).',
      '',
      '```',
      `# ours (median of ${RUNS})`,
      'npx tsx benchmarks/build.driver.ts testdata/chr20/20.1-4000000.fa.gz VCF STORE',
      `# bcftools view (median of ${RUNS})`,
      'bcftools view -Ob -o cohort.bcf VCF',
      '# bcftools consensus, all 600 haplotypes, measured once (one loop, every run in full)',
      'samtools faidx ref.fa.gz',
      'for S in $(bcftools query -l VCF); do for H in 1 2; do',
      '  bcftools consensus -f ref.fa.gz -s $S -H $H VCF > /dev/null; done; done',
      '```',
      '',
      table(
        ['command', 'wall time (s)', 'peak RSS (MiB)'],
        [
          [
            `lightning-tiles build (median of ${RUNS})`,
            ours.seconds.toFixed(2),
            ours.peakMiB.toFixed(0),
          ],
          ['… of which buildStore (in-process clock, last run)', s.seconds.toFixed(2), ''],
          [
            `bcftools view -Ob (median of ${RUNS})`,
            view.seconds.toFixed(2),
            view.peakMiB.toFixed(0),
          ],
          [
            'samtools faidx + 600 × bcftools consensus (once)',
            consensusAll.toFixed(2),
            Math.max(faidx.peakMiB, consensus.peakMiB).toFixed(0),
          ],
        ],
      ),
      '',
      table(
        ['ratio (same run)', 'value'],
        [
          ['build time / bcftools view -Ob', x(ours.seconds, view.seconds)],
          ['build time / consensus of 600 haplotypes', x(ours.seconds, consensusAll)],
          ['build peak RSS / bcftools view peak RSS', x(ours.peakMiB, view.peakMiB)],
        ],
      ),
      '',
      table(
        ['store part', 'bytes', 'share'],
        [
          ...STORE_PARTS.map((p) => [p, B(parts[p]), `${((100 * parts[p]) / total).toFixed(1)} %`]),
          ['**store total**', B(total), '100 %'],
          ['store without SGLF', B(noSglf), `${((100 * noSglf) / total).toFixed(1)} %`],
          ['input VCF.gz', B(vcfSize), ''],
          ['BCF of the same genotypes (`bcftools view -Ob`)', B(bcfSize), ''],
        ],
      ),
      '',
      table(
        ['size ratio', 'value'],
        [
          ['store / VCF.gz', x(total, vcfSize)],
          ['store / BCF', x(total, bcfSize)],
          ['store without SGLF / BCF', x(noSglf, bcfSize)],
        ],
      ),
      '',
      'Library tar includes its `.gzi` and `.tai`, assembly its `.gzi` and `.fwi`, SGLF its `.gzi`. ' +
        'SGLF is the optional text library (the 2bit-tar holds the same sequences for random access).',
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
