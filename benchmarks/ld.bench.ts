// LD speed through the store: `store.ld()` for one site against its 500 kb window and for the full
// 500 kb triangle (20:1.0-1.5 Mb, every site, pairs kept at r² ≥ 0.05 as Ensembl keeps them),
// phased counts and the EM over genotypes, for the 300 real samples and a 20,000-sample cohort
// simulated from them (scripts/simulate-cohort.ts, seed 1) — against plink 1.9 `--r2 dprime` on
// the same sites in the same run. Stores: /work/cohorts/store{300,20000} when there (LT_BENCH_COHORTS
// elsewhere), else built once into .tmp/bench-stores. Standalone: npx tsx benchmarks/ld.bench.ts
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { simulateCohort } from '../scripts/simulate-cohort.js'
import { genotypeSites } from '../src/query/genotypes.js'
import { openStore } from '../src/store/node.js'
import type { StoreLdOptions } from '../src/ld/store.js'
import { buildStore } from '../src/tiling/build.js'
import { table, timeAsync, timeCommand, withAlleleIndex } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REAL_VCF = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const REFERENCE = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
/** simulated cohorts are shared with scaling.bench.ts here (.tmp/ is git-ignored) */
const CACHE = join(ROOT, '.tmp/bench-cohorts')
/** the shared cohorts and their stores, when this machine has them */
const SHARED_COHORTS = process.env.LT_BENCH_COHORTS ?? '/work/cohorts'
const STORES = join(ROOT, '.tmp/bench-stores')
const CHROM = '20'
const FROM = 1_000_000
const TO = 1_500_000
const WINDOW = 500_000
const RUNS = 3

async function cohort(n: number): Promise<string> {
  if (n === 300) return REAL_VCF
  const shared = join(SHARED_COHORTS, `sim${n}.vcf.gz`)
  if (existsSync(shared) && existsSync(`${shared}.tbi`)) return shared
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

/** The store of the cohort: the shared one when it is there, else one built here once. */
async function store(n: number, vcf: string): Promise<string> {
  const shared = join(SHARED_COHORTS, `store${n}`)
  const dir = existsSync(join(shared, 'manifest.json')) ? shared : join(STORES, `store${n}`)
  if (!existsSync(join(dir, 'manifest.json'))) {
    process.stderr.write(`building the store of ${n} samples into ${dir}...\n`)
    mkdirSync(STORES, { recursive: true })
    await buildStore({ reference: REFERENCE, vcf, out: dir, force: true })
  }
  await withAlleleIndex(dir)
  return dir
}

interface Row {
  samples: number
  store: string
  sites: number
  pairs: number
  /** reading the region's genotypes through the store, alone */
  read: number
  /** sites in plink's .bed (a position's records kept by --extract range) */
  plinkSites: number
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
  const dir = await store(n, vcf)
  const region = { chrom: CHROM, start: FROM - 1, end: TO }
  // a fresh Store per run: every run reads the manifest, the library and the genotypes again
  // (from the page cache)
  const ld = (opts: Omit<StoreLdOptions, 'region'>) => openStore(dir).ld({ region, ...opts })
  const t0 = performance.now()
  const pos: number[] = []
  for await (const site of genotypeSites(openStore(dir), { regions: [region] })) pos.push(site.pos)
  const read = (performance.now() - t0) / 1000
  let pairs = 0
  for (let i = 0, end = 0; i < pos.length; i++) {
    while (end < pos.length && pos[end]! - pos[i]! <= WINDOW) end++
    pairs += end - i - 1
  }
  const middle = pos[Math.floor(pos.length / 2)]!
  const triangleRuns = n >= 5000 ? 1 : RUNS
  process.stderr.write(`  ${n} samples, ${pos.length} sites: ours...\n`)
  const oneSite = {
    ours: await timeAsync(() => ld({ window: WINDOW, with: middle }), 3),
    oursEm: await timeAsync(() => ld({ window: WINDOW, with: middle, unphased: true }), 3),
    plink: 0,
  }
  let kept = 0
  let keptEm = 0
  const triangle = {
    ours: await timeAsync(
      async () => (kept = (await ld({ window: WINDOW })).pairs.length),
      triangleRuns,
    ),
    oursEm: await timeAsync(
      async () => (keptEm = (await ld({ window: WINDOW, unphased: true })).pairs.length),
      triangleRuns,
    ),
    plink: 0,
    kept: 0,
    keptEm: 0,
    keptPlink: 0,
  }
  triangle.kept = kept
  triangle.keptEm = keptEm

  // plink 1.9 on a .bed of the store's sites (the build skips overlapping records, as bcftools
  // consensus does), made once and not timed
  process.stderr.write(`  ${n} samples: plink 1.9...\n`)
  const bed = join(work, `c${n}`)
  const keep = join(work, `c${n}.sites`)
  writeFileSync(keep, [...new Set(pos)].map((p) => `${CHROM}\t${p}\t${p}\tr`).join('\n') + '\n')
  const make = spawnSync(
    'plink1.9',
    [
      '--vcf',
      vcf,
      '--double-id',
      '--keep-allele-order',
      '--extract',
      'range',
      keep,
      '--set-missing-var-ids',
      '@:#:$1:$2',
      '--make-bed',
      '--out',
      bed,
    ],
    { encoding: 'utf8' },
  )
  if (make.status !== 0) throw new Error(`plink1.9 --make-bed failed: ${make.stdout}`)
  const bim = readFileSync(`${bed}.bim`, 'utf8').trim().split('\n')
  const id = bim.find((l) => l.split('\t')[3] === String(middle))!.split('\t')[1]!
  const common = `plink1.9 --bfile ${bed} --r2 dprime --ld-window 999999 --ld-window-kb ${WINDOW / 1000} --ld-window-r2 0.05 --threads 1`
  oneSite.plink = timeCommand(`${common} --ld-snp ${id} --out ${bed}.one > /dev/null`, 3).seconds
  triangle.plink = timeCommand(`${common} --out ${bed}.all > /dev/null`, triangleRuns).seconds
  triangle.keptPlink = readFileSync(`${bed}.all.ld`, 'utf8').trim().split('\n').length - 1
  return {
    samples: n,
    store: dir,
    sites: pos.length,
    pairs,
    read,
    plinkSites: bim.length,
    oneSite,
    triangle,
  }
}

const secs = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`)
const rate = (pairs: number, s: number): string => `${(pairs / s / 1e6).toFixed(2)} M`

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'lt-ld-bench-'))
  try {
    const load = [loadavg()[0]!]
    const rows: Row[] = []
    for (const n of [300, 20_000]) rows.push(await measure(n, work))
    load.push(loadavg()[0]!)
    const plink2 = spawnSync('plink2', ['--help', 'r2-phased'], { encoding: 'utf8' })
    const hasR2Phased = plink2.status === 0 && /--r2-phased/.test(plink2.stdout)
    return [
      '### LD: one site against its 500 kb window, and the full 500 kb triangle, through the store',
      '',
      `Sites of ${CHROM}:${FROM.toLocaleString('en')}-${TO.toLocaleString('en')} (every site of the ` +
        `store, in a ${WINDOW / 1000} kb window; pairs kept at r² ≥ 0.05 over ≥ 40 haplotypes, as ` +
        'Ensembl). Ours is `store.ld()` on a freshly opened store (`ld STORE -r … [--with …]` without ' +
        'the process start): reading the genotypes of the region through `query/genotypes.ts` ' +
        '(timed alone in "read") and the LD on packed bitsets. "phased" counts two-site haplotypes; ' +
        '"EM" estimates them from genotypes (Ensembl\'s EM, `unphased: true`), as plink 1.9 ' +
        '`--r2 dprime` does (its cubic solution, one thread), timed as the whole command on a .bed of ' +
        'the same sites made beforehand. Pairs whose allele frequencies cannot reach r² 0.05 are ' +
        `skipped before counting. Medians of 3 runs for one site and of ${RUNS} (300 samples) or 1 ` +
        '(20,000) for the triangle. Pairs/s counts every pair in the window, kept or not. ' +
        `One-minute load average at the start and the end: ${load.map((l) => l.toFixed(1)).join(' and ')} (2 cores, shared).` +
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
          'sites (plink)',
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
            `${r.sites} (${r.plinkSites})`,
            r.pairs.toLocaleString('en'),
            `read only`,
            secs(r.read),
            '',
            '',
            '',
          ],
          [
            r.samples.toLocaleString('en'),
            `${r.sites} (${r.plinkSites})`,
            r.pairs.toLocaleString('en'),
            'one site',
            secs(r.oneSite.ours),
            secs(r.oneSite.oursEm),
            // GNU time counts in steps of 10 ms: a command quicker than that reads 0
            r.oneSite.plink === 0 ? '< 10 ms' : secs(r.oneSite.plink),
            '',
          ],
          [
            r.samples.toLocaleString('en'),
            `${r.sites} (${r.plinkSites})`,
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
