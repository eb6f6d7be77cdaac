// `add` of one sample to the 20,000-sample store against a full rebuild of the 20,001 samples.
// The base store is /work/cohorts/store20000 when it is there (built by the CLI from
// /work/cohorts/sim20000.vcf.gz), else built here from that VCF. The added sample is HG00096 of
// the real testdata cohort (same reference, same sites); the rebuild reads the merge of the
// simulated cohort and that sample (`bcftools merge -0`: a site one side lacks is reference
// there). The added sample's haplotypes are compared with `bcftools consensus` byte for byte.
// Needs `npm run build` (the CLI runs from dist/, under GNU time for the peak RSS).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openTileResolver } from '../src/resolver/node.js'
import { table, timeCommand } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = `node ${join(ROOT, 'bin/lightning-tiles.js')}`
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const REAL_VCF = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const COHORT = '/work/cohorts/sim20000.vcf.gz'
const SHARED_STORE = '/work/cohorts/store20000'
const SAMPLE = 'HG00096'
/** add runs (each on a fresh copy of the base store); the rebuild takes minutes: one run */
const ADD_RUNS = 3

const sh = (cmd: string) =>
  execFileSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 })

export async function run(): Promise<string> {
  if (!existsSync(COHORT)) return '### add: one sample to 20,000\n\nSkipped: no ' + COHORT + '\n'
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-add-'))
  try {
    const one = join(dir, 'one.vcf.gz')
    sh(`bcftools view -s ${SAMPLE} -Oz -o ${one} ${REAL_VCF} && bcftools index ${one}`)
    const load0 = loadavg()[0]!
    let base = SHARED_STORE
    let baseBuild = 'the shared store built by the CLI'
    if (!existsSync(join(SHARED_STORE, 'manifest.json'))) {
      base = join(dir, 'store20000')
      const b = timeCommand(`${CLI} build --reference ${REF} --vcf ${COHORT} --out ${base}`, 1)
      baseBuild = `built here in ${b.seconds.toFixed(0)} s, ${b.peakMiB.toFixed(0)} MiB`
    }
    const store = join(dir, 'store')
    const add = timeCommand(
      `rm -rf ${store} && cp -a ${base} ${store} && ` +
        `${CLI} add ${store} --reference ${REF} --vcf ${one} 2>/dev/null`,
      ADD_RUNS,
    )
    // the copy is timed with it: time it alone to take it off
    const copy = timeCommand(`rm -rf ${store}.c && cp -a ${base} ${store}.c`, ADD_RUNS)
    const merged = join(dir, 'merged.vcf.gz')
    sh(`bcftools merge -0 -Oz -o ${merged} ${COHORT} ${one} && bcftools index ${merged}`)
    const rebuild = timeCommand(
      `rm -rf ${join(dir, 'rebuilt')} && ` +
        `${CLI} build --reference ${REF} --vcf ${merged} --out ${join(dir, 'rebuilt')} 2>/dev/null`,
      1,
    )
    const load1 = loadavg()[0]!

    const genome = await openTileResolver(store).genome(SAMPLE)
    let equal = 0
    for (const h of [0, 1] as const) {
      const ours = (
        await genome.sequence(h, { chrom: '20', start: 0, end: 4_000_000 })
      ).toUpperCase()
      const truth = sh(`bcftools consensus -f ${REF} -s ${SAMPLE} -H ${h + 1} ${one} 2>/dev/null`)
        .replace(/^>.*\n/gm, '')
        .replace(/\n/g, '')
        .toUpperCase()
      if (ours === truth) equal++
    }
    const m = JSON.parse(sh(`cat ${join(store, 'manifest.json')}`)) as {
      samples: unknown[]
      paths: { variants: number }[]
    }
    const before = JSON.parse(sh(`cat ${join(base, 'manifest.json')}`)) as typeof m
    const variants = (x: typeof m) => x.paths.reduce((a, p) => a + p.variants, 0)
    const addOnly = Math.max(0, add.seconds - copy.seconds)
    return [
      '### add: one sample to the 20,000-sample store, against a full rebuild',
      '',
      `Base: ${base} (${before.samples.length.toLocaleString('en')} simulated samples, ` +
        `${baseBuild}). Added: ${SAMPLE} of testdata/chr20 (\`bcftools view -s\`) with ` +
        `\`lightning-tiles add STORE --reference REF --vcf one.vcf.gz\` on a fresh \`cp -a\` of the ` +
        `base each run (median of ${ADD_RUNS}; the copy alone, ${copy.seconds.toFixed(1)} s, is ` +
        'taken off). Rebuild: `lightning-tiles build` of `bcftools merge -0` of the cohort and the ' +
        `sample (${m.samples.length.toLocaleString('en')} samples), one run. Load average ` +
        `${load0.toFixed(1)} before, ${load1.toFixed(1)} after (2 shared cores: times are noisy).`,
      '',
      table(
        ['', 'wall', 'peak RSS'],
        [
          ['`add` 1 sample', `${addOnly.toFixed(1)} s`, `${add.peakMiB.toFixed(0)} MiB`],
          [
            `\`build\` ${m.samples.length.toLocaleString('en')} samples`,
            `${rebuild.seconds.toFixed(1)} s`,
            `${rebuild.peakMiB.toFixed(0)} MiB`,
          ],
        ],
      ),
      '',
      `\`add\` took ${(addOnly / rebuild.seconds).toFixed(3)}× the rebuild's time and ` +
        `${(add.peakMiB / rebuild.peakMiB).toFixed(2)}× its peak RSS; tile variants ` +
        `${variants(before).toLocaleString('en')} → ${variants(m).toLocaleString('en')}. ` +
        `The added sample's haplotypes equal \`bcftools consensus\`: ${equal}/2.`,
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
