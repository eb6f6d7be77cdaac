// LD speed: one site against its 500 kb window and the full 500 kb triangle (20:1.0-1.5 Mb, every
// site, pairs kept at r² ≥ 0.05 as Ensembl keeps them), phased counts and the EM over genotypes,
// for the 300 real samples and a 20,000-sample cohort simulated from them
// (scripts/simulate-cohort.ts, seed 1) — against plink 1.9 `--r2 dprime` on the same sites in the
// same run. Standalone: npx tsx benchmarks/ld.bench.ts
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { simulateCohort } from '../scripts/simulate-cohort.js'
import { HaplotypePanel } from '../src/ld/panel.js'
import { ldAgainst, ldTriangle } from '../src/ld/window.js'
import type { LdOptions } from '../src/ld/window.js'
import { median, table, timeCommand } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REAL_VCF = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
/** simulated cohorts are shared with scaling.bench.ts here (.tmp/ is git-ignored) */
const CACHE = join(ROOT, '.tmp/bench-cohorts')
const CHROM = '20'
const FROM = 1_000_000
const TO = 1_500_000
const WINDOW = 500_000
const RUNS = 3

async function cohort(n: number): Promise<string> {
  if (n === 300) return REAL_VCF
  const file = join(CACHE, `sim${n}.seed1.vcf.gz`)
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true })
    process.stderr.write(`simulating ${n} samples into ${file}...\n`)
    await simulateCohort({
      vcf: REAL_VCF,
      out: file,
      samples: n,
      seed: 1,
      switchRate: 2e-6,
      mutationRate: 1e-4,
    })
  }
  if (!existsSync(`${file}.csi`) && !existsSync(`${file}.tbi`)) {
    const index = spawnSync('bcftools', ['index', file], { encoding: 'utf8' })
    if (index.status !== 0) throw new Error(`bcftools index ${file} failed: ${index.stderr}`)
  }
  return file
}

/** The region's sites packed straight from `bcftools query` (phased diploid GTs, 3 chars each). */
async function readPanel(vcf: string): Promise<HaplotypePanel> {
  const samples = spawnSync('bcftools', ['query', '-l', vcf], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n').length
  const panel = new HaplotypePanel({ samples })
  const alleles = new Int8Array(2 * samples)
  const child = spawn('bcftools', [
    'query',
    '-r',
    `${CHROM}:${FROM}-${TO}`,
    '-f',
    '%POS\t[%GT]\n',
    vcf,
  ])
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    const tab = line.indexOf('\t')
    for (let s = 0; s < samples; s++) {
      const c = tab + 1 + 3 * s
      alleles[2 * s] = line.charCodeAt(c) - 48
      alleles[2 * s + 1] = line.charCodeAt(c + 2) - 48
    }
    panel.add(Number(line.slice(0, tab)), alleles)
  }
  const status = await new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve),
  )
  if (status !== 0 || panel.length === 0) throw new Error(`bcftools query of ${vcf} gave no sites`)
  return panel
}

function timeSync(fn: () => unknown, runs: number): number {
  const secs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    secs.push((performance.now() - t0) / 1000)
  }
  return median(secs)
}

interface Row {
  samples: number
  sites: number
  pairs: number
  oneSite: { ours: number; oursEm: number; plink: number }
  triangle: {
    ours: number
    oursEm: number
    plink: number
    kept: number
    keptEm: number
    keptPlink: number
  }
}

async function measure(n: number, work: string): Promise<Row> {
  const vcf = await cohort(n)
  const panel = await readPanel(vcf)
  const pos = panel.positions
  let pairs = 0
  for (let i = 0, end = 0; i < pos.length; i++) {
    while (end < pos.length && pos[end]! - pos[i]! <= WINDOW) end++
    pairs += end - i - 1
  }
  const middle = Math.floor(pos.length / 2)
  const phased: LdOptions = { window: WINDOW }
  const em: LdOptions = { window: WINDOW, unphased: true }
  const triangleRuns = n >= 5000 ? 1 : RUNS
  process.stderr.write(`  ${n} samples, ${pos.length} sites: ours...\n`)
  const oneSite = {
    ours: timeSync(() => ldAgainst(panel, middle, phased), 5),
    oursEm: timeSync(() => ldAgainst(panel, middle, em), 5),
    plink: 0,
  }
  let kept = 0
  let keptEm = 0
  const triangle = {
    ours: timeSync(() => (kept = ldTriangle(panel, phased).length), triangleRuns),
    oursEm: timeSync(() => (keptEm = ldTriangle(panel, em).length), triangleRuns),
    plink: 0,
    kept: 0,
    keptEm: 0,
    keptPlink: 0,
  }
  triangle.kept = kept
  triangle.keptEm = keptEm

  // plink 1.9 on a .bed of the same sites, made once and not timed
  process.stderr.write(`  ${n} samples: plink 1.9...\n`)
  const bed = join(work, `c${n}`)
  const make = spawnSync(
    'plink1.9',
    [
      '--vcf',
      vcf,
      '--double-id',
      '--keep-allele-order',
      '--chr',
      CHROM,
      '--from-bp',
      String(FROM),
      '--to-bp',
      String(TO),
      '--set-missing-var-ids',
      '@:#',
      '--make-bed',
      '--out',
      bed,
    ],
    { encoding: 'utf8' },
  )
  if (make.status !== 0) throw new Error(`plink1.9 --make-bed failed: ${make.stdout}`)
  const bim = readFileSync(`${bed}.bim`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
  if (bim.length !== pos.length)
    throw new Error(`plink kept ${bim.length} sites, we read ${pos.length}`)
  const id = bim[middle]![1]!
  const common = `plink1.9 --bfile ${bed} --r2 dprime --ld-window 999999 --ld-window-kb ${WINDOW / 1000} --ld-window-r2 0.05 --threads 1`
  oneSite.plink = timeCommand(`${common} --ld-snp ${id} --out ${bed}.one > /dev/null`, 5).seconds
  triangle.plink = timeCommand(`${common} --out ${bed}.all > /dev/null`, triangleRuns).seconds
  triangle.keptPlink = readFileSync(`${bed}.all.ld`, 'utf8').trim().split('\n').length - 1
  return { samples: n, sites: pos.length, pairs, oneSite, triangle }
}

const secs = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`)
const rate = (pairs: number, s: number): string => `${(pairs / s / 1e6).toFixed(2)} M`

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'lt-ld-bench-'))
  try {
    const rows: Row[] = []
    for (const n of [300, 20_000]) rows.push(await measure(n, work))
    const plink2 = spawnSync('plink2', ['--help', 'r2-phased'], { encoding: 'utf8' })
    const hasR2Phased = plink2.status === 0 && /--r2-phased/.test(plink2.stdout)
    return [
      '### LD: one site against its 500 kb window, and the full 500 kb triangle',
      '',
      `Sites of ${CHROM}:${FROM.toLocaleString('en')}-${TO.toLocaleString('en')} (every site, in a ` +
        `${WINDOW / 1000} kb window; pairs kept at r² ≥ 0.05 over ≥ 40 haplotypes, as Ensembl). ` +
        '"phased" counts two-site haplotypes directly; "EM" estimates them from genotypes ' +
        "(Ensembl's EM, `unphased: true`), as plink 1.9 `--r2 dprime` does (its cubic solution, one " +
        "thread). Ours is in-process on packed bitsets, the time of the computation only; plink's " +
        'is the whole command on a .bed made beforehand. Medians of 5 runs for one site and of ' +
        `${RUNS} (300 samples) or 1 (20,000) for the triangle. Pairs/s counts every pair in the ` +
        'window, kept or not.' +
        (hasR2Phased
          ? ''
          : " Debian's plink2 (v2.00a3.5) has no `--r2-phased` (only `--ld` for one pair), so it is not run."),
      '',
      '```',
      'npx tsx benchmarks/ld.bench.ts',
      '```',
      '',
      table(
        [
          'samples',
          'sites',
          'pairs in window',
          'what',
          'ours phased',
          'ours EM',
          'plink 1.9',
          'pairs kept (phased / EM / plink)',
        ],
        rows.flatMap((r) => [
          [
            r.samples.toLocaleString('en'),
            r.sites,
            r.pairs.toLocaleString('en'),
            'one site',
            secs(r.oneSite.ours),
            secs(r.oneSite.oursEm),
            secs(r.oneSite.plink),
            '',
          ],
          [
            r.samples.toLocaleString('en'),
            r.sites,
            r.pairs.toLocaleString('en'),
            'triangle',
            `${secs(r.triangle.ours)} (${rate(r.pairs, r.triangle.ours)} pairs/s)`,
            `${secs(r.triangle.oursEm)} (${rate(r.pairs, r.triangle.oursEm)} pairs/s)`,
            `${secs(r.triangle.plink)} (${rate(r.pairs, r.triangle.plink)} pairs/s)`,
            `${r.triangle.kept.toLocaleString('en')} / ${r.triangle.keptEm.toLocaleString('en')} / ${r.triangle.keptPlink.toLocaleString('en')}`,
          ],
        ]),
      ),
      '',
    ].join('\n')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await run())
