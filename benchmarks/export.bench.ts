// Exports of all 20,000 simulated samples (EXPORT_N: another cohort size) over chr20:1–4 Mb (3 Mb; scripts/simulate-cohort.ts,
// seed 1): `lightning-tiles export` of the allele dosage matrix and of the tile-variant matrix
// (NPY), beside `bcftools query -f '[%GT]'` and plink2's dosage (`--export A`) and binary
// (`--make-bed`) exports of the same cohort's BCF, in the same run: wall time and peak RSS (GNU
// time). The store is EXPORT_STORE, else /work/cohorts/storeN when present, else built here.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cohort } from './scaling.bench.js'
import { table, timeCommand } from './lib.js'
import type { Measure } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const CLI = `node ${join(ROOT, 'bin/lightning-tiles.js')}`
const WORK = join(ROOT, '.tmp/bench-export')
const SHARED = '/work/cohorts'
const REGION = { chrom: '20', from: 1_000_001, to: 4_000_000 }
const RUNS = Number(process.env.EXPORT_RUNS ?? 3)
/** the cohort: 20,000 samples, or EXPORT_N (5000 for a quicker run) */
const N = Number(process.env.EXPORT_N ?? 20_000)

const mib = (file: string) => (statSync(file).size / 2 ** 20).toFixed(0)
const fmt = (m: Measure) => [m.seconds.toFixed(1), m.peakMiB.toFixed(0)]

export async function run(): Promise<string> {
  mkdirSync(WORK, { recursive: true })
  const vcf = existsSync(`${SHARED}/sim${N}.vcf.gz`) ? `${SHARED}/sim${N}.vcf.gz` : await cohort(N)
  let bcf = vcf.replace(/\.vcf\.gz$/, '.bcf')
  if (!existsSync(bcf)) {
    bcf = join(WORK, `sim${N}.bcf`)
    timeCommand(`bcftools view -Ob -o ${bcf} ${vcf} && bcftools index ${bcf}`, 1)
  }
  let store = process.env.EXPORT_STORE ?? `${SHARED}/store${N}`
  let built = ''
  if (!existsSync(join(store, 'manifest.json'))) {
    store = join(WORK, `store${N}`)
    rmSync(store, { recursive: true, force: true })
    const b = timeCommand(`${CLI} build --reference ${REF} --vcf ${vcf} --out ${store}`, 1)
    built = ` (built here in ${b.seconds.toFixed(0)} s, peak ${b.peakMiB.toFixed(0)} MiB)`
  }
  const load = loadavg()[0]!.toFixed(1)
  const r = `${REGION.chrom}:${REGION.from}-${REGION.to}`
  const out = (name: string) => join(WORK, name)
  const rows: (string | number)[][] = []
  const measure = (what: string, cmd: string, file: string, runs = RUNS) => {
    process.stderr.write(`  ${what}...\n`)
    const m = timeCommand(cmd, runs)
    rows.push([
      what,
      ...fmt(m),
      mib(file),
      `\`${cmd.replaceAll(WORK + '/', '').replaceAll(ROOT, '')}\``,
    ])
    // each row as soon as it is measured (a long run stopped early keeps what it measured)
    process.stderr.write(`  ${rows[rows.length - 1]!.slice(0, 4).join(' | ')}\n`)
  }
  measure(
    'lightning-tiles export --tiles (NPY, int16)',
    `${CLI} export ${store} -r ${r} --tiles -o ${out('tiles')}`,
    join(out('tiles'), 'matrix.npy'),
  )
  measure(
    "bcftools query -f '[%GT]\\n' (text)",
    `bcftools query -r ${r} -f '[%GT]\\n' ${bcf} > ${out('gt.txt')}`,
    out('gt.txt'),
  )
  const plink = `plink2 --bcf ${bcf} --chr ${REGION.chrom} --from-bp ${REGION.from} --to-bp ${REGION.to} --threads 1`
  measure(
    'plink2 --export A (dosage text)',
    `${plink} --export A --out ${out('plink-a')} > /dev/null`,
    `${out('plink-a')}.raw`,
  )
  measure(
    'plink2 --make-bed (2-bit binary)',
    `${plink} --make-bed --out ${out('plink-bed')} > /dev/null`,
    `${out('plink-bed')}.bed`,
  )
  // last: the slowest (genotypeSites reads the alleles through the VCF export)
  measure(
    'lightning-tiles export --alleles (NPY, int8)',
    `${CLI} export ${store} -r ${r} --alleles -o ${out('alleles')}`,
    join(out('alleles'), 'matrix.npy'),
  )
  const loadAfter = loadavg()[0]!.toFixed(1)
  return [
    `### Export: ${N.toLocaleString('en')} simulated samples over 3 Mb (chr20:1,000,001–4,000,000)`,
    '',
    `Store ${store.replace(ROOT, '')}${built}; cohort ${bcf}. ${RUNS === 1 ? 'One run' : `Median of ${RUNS} runs`} of each command,`,
    `one after another in the same run; load average ${load} before and ${loadAfter} after`,
    '(the 2 cores were shared with other jobs). plink2 ran with `--threads 1`; our export is one',
    'Node process. Output size is of the matrix file alone.',
    '',
    table(['command', 'wall s', 'peak RSS MiB', 'output MiB', 'command line'], rows),
    '',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(await run())
