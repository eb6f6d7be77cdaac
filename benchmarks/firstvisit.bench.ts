// The first query near a site, over many sites: the carriers of 60 common alleles (minor allele
// frequency ≥ 5 %) and 60 rare ones (1–3 haplotypes), spread over chr20:1–4 Mb, at 5,000 and
// 20,000 simulated samples. Ours in one process with the store opened afresh for each allele
// (firstvisit.driver.ts: warmed far from the site, nothing near it kept), against `bcftools view -r SITE -i`
// on the BCF and BGT `view -a … -S` (lh3/bgt from ../shared/peers), one process per site, in the
// same run. Every site's carriers are checked against bcftools'.
//
//   npx tsx benchmarks/firstvisit.bench.ts [N...]        (prints the RESULTS.md section)
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bgtBinary } from '../test/bgt.js'
import type { FirstVisitInput, FirstVisitResult } from './firstvisit.driver.js'
import { median, table, withAlleleIndex } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const COHORTS = process.env.COHORTS ?? '/work/cohorts'
const WORK = join(ROOT, '.tmp/bench-firstvisit')
const DRIVER = join(ROOT, 'benchmarks/firstvisit.driver.ts')
const SIZES = [5_000, 20_000]
const SITES = 60
/** rounds of every tool over every site (a site's time: its median over them) */
const ROUNDS = Number(process.env.RUNS ?? 3)

const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 30 })

/** SITES biallelic SNPs that `filter` (bcftools options) keeps, evenly spread over their list. */
function alleles(bcf: string, filter: string): string[] {
  const all = sh(
    `bcftools view -H -r 20:1000000-4000000 -m2 -M2 -v snps ${filter} ${bcf} | ` +
      `awk '{ print $1 ":" $2 ":" $4 ":" $5 }'`,
  )
    .trim()
    .split('\n')
  if (all.length < SITES) throw new Error(`${bcf}: ${all.length} sites for ${filter}, not ${SITES}`)
  return Array.from({ length: SITES }, (_, i) => all[Math.floor((i * all.length) / SITES)]!)
}

/** Wall milliseconds of one command (bash's `time`, 1 ms resolution), and its stdout. */
function timed(command: string): { ms: number; out: string } {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3R'; time { ${command} ; }`], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  })
  if (r.status !== 0) throw new Error(`benchmark command failed: ${command}\n${r.stderr}`)
  return { ms: Number(r.stderr.trim().split('\n').pop()) * 1000, out: r.stdout }
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!
const ms = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1))
const both = (xs: number[]) => `${ms(median(xs))} / ${ms(quantile(xs, 0.9))}`

async function sizeRows(n: number, bgt: string): Promise<string[][]> {
  const store = join(COHORTS, `store${n}`)
  const bcf = join(COHORTS, `sim${n}.bcf`)
  if (!existsSync(join(store, 'manifest.json')) || !existsSync(bcf))
    throw new Error(`${store} or ${bcf} is missing (see benchmarks/query.bench.ts)`)
  await withAlleleIndex(store)
  // BGT needs contig lengths in the header; the sites with an ALT (a store holds no others)
  const dir = join(WORK, String(n))
  mkdirSync(dir, { recursive: true })
  const prefix = join(dir, 'cohort')
  if (!existsSync(`${prefix}.pbf`))
    sh(
      `bcftools view -c1 -Ob -o ${dir}/c1.bcf ${bcf} && bcftools reheader --fai ${REF}.fai -o ${dir}/in.bcf ${dir}/c1.bcf && bcftools index -f ${dir}/in.bcf && ${bgt} import ${prefix} ${dir}/in.bcf`,
    )
  const kinds = [
    { what: `${SITES} common alleles (MAF ≥ 5 %)`, list: alleles(bcf, '-q 0.05:minor') },
    { what: `${SITES} rare alleles (1–3 haplotypes)`, list: alleles(bcf, '-c1 -C3') },
  ]
  const rows: string[][] = []
  for (const k of kinds) {
    // rounds of ours then the peers over every site: each site's time is its median over the
    // rounds, so that every tool meets the same states of a machine whose speed drifts
    const oursRuns: number[][] = []
    const bcftoolsRuns: number[][] = []
    const bgtRuns: number[][] = []
    let carriersOf: string[][] = []
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`firstvisit ${n}: ${k.what}, round ${round + 1}: ours\n`)
      const input: FirstVisitInput = { store, alleles: k.list }
      const ours = JSON.parse(
        execFileSync('npx', ['tsx', DRIVER, JSON.stringify(input)], {
          cwd: ROOT,
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        }),
      ) as FirstVisitResult
      oursRuns.push(ours.ms)
      carriersOf = ours.carriers
      process.stderr.write(`firstvisit ${n}: ${k.what}, round ${round + 1}: bcftools and BGT\n`)
      bcftoolsRuns.push(
        k.list.map((a) => {
          const [chrom, pos] = a.split(':')
          return timed(`bcftools view -r ${chrom}:${pos} -i 'GT="alt"' ${bcf}`).ms
        }),
      )
      bgtRuns.push(
        k.list.map((a) => {
          const [chrom, pos, , alt] = a.split(':')
          return timed(
            `${bgt} view -r ${chrom}:${pos}-${pos} -a ,${chrom}:${pos}:1:${alt} -S ${prefix}`,
          ).ms
        }),
      )
    }
    k.list.forEach((a, i) => {
      const [chrom, pos, , alt] = a.split(':')
      const carriers = sh(
        `bcftools query -r ${chrom}:${pos} -i 'ALT="${alt}"' -f '[%SAMPLE\\t%GT\\n]' ${bcf} | awk -F'\\t' '$2 ~ /1/ { print $1 }' | LC_ALL=C sort`,
      )
        .trim()
        .split('\n')
        .filter(Boolean)
      const got = [...carriersOf[i]!].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      if (got.join(',') !== carriers.join(','))
        throw new Error(`${a}: ${got.length} carriers, bcftools says ${carriers.length}`)
    })
    const perSite = (runs: number[][]) => k.list.map((_, i) => median(runs.map((r) => r[i]!)))
    const bcftools = perSite(bcftoolsRuns)
    const bgtMs = perSite(bgtRuns)
    const oursMs = perSite(oursRuns)
    rows.push([
      n.toLocaleString('en'),
      k.what,
      both(oursMs),
      both(bcftools),
      both(bgtMs),
      `${(median(bcftools) / median(oursMs)).toFixed(2)}×`,
      `${(median(bgtMs) / median(oursMs)).toFixed(2)}×`,
      String(oursMs.filter((x, i) => x < bcftools[i]!).length),
    ])
  }
  return rows
}

export async function run(sizes = SIZES): Promise<string> {
  const b = bgtBinary()
  if (!('path' in b)) throw new Error(`BGT: ${b.skip}`)
  const load0 = loadavg()[0]!
  const rows: string[][] = []
  for (const n of sizes) rows.push(...(await sizeRows(n, b.path)))
  const load1 = loadavg()[0]!
  return [
    '### The first query near a site: carriers of many alleles (5,000 / 20,000 samples)',
    '',
    `\`npx tsx benchmarks/firstvisit.bench.ts\`. The carriers of ${SITES} common and ${SITES} rare biallelic SNPs (evenly spread over the list of those with minor allele frequency ≥ 5 %, and of those carried by 1–3 haplotypes, over chr20:1–4 Mb) in the stores of /work/cohorts (built by the CLI). **Ours**: one process (\`benchmarks/firstvisit.driver.ts\`, the built \`dist/esm\`) runs every allele's query (\`prepareQuery\` with \`AlleleSetCounter.carriers()\`) on the store opened afresh and warmed, before the clock starts, by the query of an allele half the list away (over a megabase off): the store's own tables are built, as in a server that has been answering for a while, but no PBWT order, inflated chunk or allele-index block near the site is kept, so each query reads and inflates its chunks and starts from the nearer file checkpoint, as a server's first query near a site does (the JIT warmed first on five of the sites). **bcftools** \`view -r SITE -i 'GT="alt"'\` on the BCF and **BGT** \`view -r SITE -a ,ALLELE -S\`: one process per site (their whole run, start-up included: about 1 ms). Each site's carriers were checked against \`bcftools query\` in this run. Each site's time is its median over ${ROUNDS} rounds (a round: ours over every site, then bcftools and BGT over every site, so that all meet the same states of a machine whose speed drifts); times are the median and the 90th percentile of those over the sites (ms); a ratio is the peer's median over ours (> 1: we win); the last column counts the sites where ours took less than bcftools. One-minute load average at the start and the end: ${load0.toFixed(1)} and ${load1.toFixed(1)} (2 cores, shared).`,
    '',
    table(
      [
        'N',
        'alleles',
        'ours: median / p90 (ms)',
        'bcftools: median / p90 (ms)',
        'BGT: median / p90 (ms)',
        'bcftools ÷ ours',
        'BGT ÷ ours',
        `sites ours < bcftools (of ${SITES})`,
      ],
      rows,
    ),
    '',
  ].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const sizes = process.argv.slice(2).map(Number)
  process.stdout.write(await run(sizes.length ? sizes : undefined))
}
