// Genotype queries at 300 (the testdata VCF), 5,000 and 20,000 samples (simulated, shared in
// /work/cohorts or COHORTS), each against `bcftools view` on the BCF and BGT (lh3/bgt, built by
// test/bgt.ts from ../shared/peers, `bgt import` of the same BCF) in the same run:
//   (a) 10 samples over the whole 3 Mb as VCF, (b) all samples over 100 kb as VCF,
//   (c) the carriers of one allele, (d) per-group AC/AN over 3 Mb with two population groups.
// Samples get populations round-robin (sample i of the VCF: FIN, GBR, IBS for i mod 3), imported
// with `lightning-tiles samples STORE --import`, copied to BGT's .spl and given to
// `bcftools +fill-tags -S`. Every command is one child process under GNU time, median of RUNS.
//
//   npx tsx benchmarks/query.bench.ts [N...]        (prints the RESULTS.md section)
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { storeFiles } from '../src/store/layout.js'
import { bgtBinary } from '../test/bgt.js'
import { median, table } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const VCF300 = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const COHORTS = process.env.COHORTS ?? '/work/cohorts'
const WORK = join(ROOT, '.tmp/bench-query')
const LT = `node ${join(ROOT, 'bin/lightning-tiles.js')}`
const RUNS = Number(process.env.RUNS ?? 3)
const SIZES = [300, 5_000, 20_000]
const POPS = ['FIN', 'GBR', 'IBS']
const WHOLE = '20:1000000-4000000'
const REGION = '20:1000000-1100000'

/** Wall and CPU (user + system) seconds and peak RSS of a command: medians of `runs` under GNU time. */
function measure(command: string, runs: number): { wall: number; cpu: number; peakMiB: number } {
  const wall: number[] = []
  const cpu: number[] = []
  const peak: number[] = []
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', command], {
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`benchmark command failed: ${command}\n${r.stderr}`)
    const [e, u, sys, m] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number)
    wall.push(e!)
    cpu.push(u! + sys!)
    peak.push(m! / 1024)
  }
  return { wall: median(wall), cpu: median(cpu), peakMiB: median(peak) }
}

const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 30 })

interface Inputs {
  store: string
  bcf: string
  bgt: string
  groups: string
  ten: string[]
  allele: { chrom: string; pos: number; ref: string; alt: string }
  tile: string
}

/** The store (a private copy: importing samples writes to it), BCF, BGT and group files of N. */
function prepare(n: number, bgt: string): Inputs {
  const dir = join(WORK, String(n))
  mkdirSync(dir, { recursive: true })
  const store = join(dir, 'store')
  let bcf: string
  if (n === 300) {
    bcf = join(dir, 'input.bcf')
    if (!existsSync(`${bcf}.csi`))
      sh(`bcftools view -Ob -o ${bcf} ${VCF300} && bcftools index ${bcf}`)
    if (!existsSync(join(store, 'manifest.json')))
      sh(`${LT} build --reference ${REF} --vcf ${VCF300} --out ${store} 2>/dev/null`)
  } else {
    bcf = join(COHORTS, `sim${n}.bcf`)
    if (!existsSync(join(store, 'manifest.json'))) {
      const shared = join(COHORTS, `store${n}`)
      if (existsSync(join(shared, 'manifest.json'))) cpSync(shared, store, { recursive: true })
      else
        sh(
          `${LT} build --reference ${REF} --vcf ${join(COHORTS, `sim${n}.vcf.gz`)} --out ${store} 2>/dev/null`,
        )
    }
  }
  const names = sh(`bcftools query -l ${bcf}`).trim().split('\n')
  const pops = join(dir, 'pops.tsv')
  writeFileSync(
    pops,
    ['sample\tpop', ...names.map((s, i) => `${s}\t${POPS[i % 3]}`)].join('\n') + '\n',
  )
  sh(`${LT} samples ${store} --import ${pops} >/dev/null 2>&1`)
  const groups = join(dir, 'groups.txt')
  writeFileSync(
    groups,
    names
      .map((s, i) => [s, POPS[i % 3]!] as const)
      .filter(([, p]) => p !== 'IBS')
      .map(([s, p]) => `${s}\t${p}\n`)
      .join(''),
  )
  // BGT needs contig lengths in the header; the sites with an ALT (a store holds no others)
  const prefix = join(dir, 'cohort')
  if (!existsSync(`${prefix}.pbf`)) {
    const c1 = join(dir, 'c1.bcf')
    const raw = join(dir, 'bgt-in.bcf')
    sh(
      `bcftools view -c1 -Ob -o ${c1} ${bcf} && bcftools reheader --fai ${REF}.fai -o ${raw} ${c1} && bcftools index -f ${raw} && ${bgt} import ${prefix} ${raw}`,
    )
  }
  copyFileSync(join(store, storeFiles.samples), `${prefix}.spl`)
  const ten = names.filter((_, i) => i % Math.floor(names.length / 10) === 0).slice(0, 10)
  // a common biallelic SNP near 1.5 Mb, and the tile step holding it
  const [chrom, pos, ref, alt] = sh(
    `bcftools view -H -r 20:1500000-1600000 -m2 -M2 -v snps -q 0.05:minor ${bcf} | head -1 | cut -f1,2,4,5`,
  )
    .trim()
    .split('\t')
  const tileLine = sh(`${LT} tiles ${store} ${chrom}:${pos}-${pos}`).trim().split('\n')[0]!
  // variant 001 of that step: one tile variant's carriers (a different query from the allele's)
  const tile = tileLine.split('\t')[3]!.replace(/\.000\+/, '.001+')
  return {
    store,
    bcf,
    bgt: prefix,
    groups,
    ten,
    allele: { chrom: chrom!, pos: Number(pos), ref: ref!, alt: alt! },
    tile,
  }
}

interface Query {
  id: string
  what: string
  ours: string[]
  bcftools: string
  bgt: string
}

function queries(x: Inputs, bgt: string): Query[] {
  const a = x.allele
  const site = `${a.chrom}:${a.pos}-${a.pos}`
  const fin = `'pop=="FIN"'`
  const gbr = `'pop=="GBR"'`
  return [
    {
      id: 'a',
      what: '10 samples, whole 3 Mb, VCF',
      ours: [`${LT} vcf ${x.store} -s ${x.ten.join(',')}`],
      bcftools: `bcftools view -s ${x.ten.join(',')} ${x.bcf}`,
      bgt: `${bgt} view -s ,${x.ten.join(',')} ${x.bgt}`,
    },
    {
      id: 'b',
      what: 'all samples, 100 kb, VCF',
      ours: [`${LT} vcf ${x.store} -r ${REGION}`],
      bcftools: `bcftools view -r ${REGION} ${x.bcf}`,
      bgt: `${bgt} view -r ${REGION} ${x.bgt}`,
    },
    {
      id: 'c',
      what: `carriers of ${a.chrom}:${a.pos}:${a.ref}:${a.alt}`,
      ours: [
        `${LT} view ${x.store} -r ${site} -a ${a.chrom}:${a.pos}:${a.ref}:${a.alt} -S`,
        `${LT} carriers ${x.store} ${x.tile}`,
      ],
      bcftools: `bcftools view -r ${a.chrom}:${a.pos} -i 'GT="alt"' ${x.bcf}`,
      bgt: `${bgt} view -r ${site} -a ,${a.chrom}:${a.pos}:1:${a.alt} -S ${x.bgt}`,
    },
    {
      id: 'd',
      what: 'AC/AN of FIN and GBR, whole 3 Mb',
      ours: [`${LT} view ${x.store} -r ${WHOLE} -s ${fin} -s ${gbr} -G -C`],
      bcftools: `bcftools +fill-tags ${x.bcf} -- -S ${x.groups} -t AC,AN`,
      bgt: `${bgt} view -r ${WHOLE} -s ${fin} -s ${gbr} -G -C ${x.bgt}`,
    },
  ]
}

const secs = (s: number) => s.toFixed(2)

export async function run(sizes = SIZES): Promise<string> {
  const b = bgtBinary()
  if (!('path' in b)) throw new Error(`BGT: ${b.skip}`)
  const load0 = loadavg()[0]!
  const rows: string[][] = []
  const commands: string[] = []
  for (const n of sizes) {
    process.stderr.write(`query: preparing ${n}...\n`)
    const x = prepare(n, b.path)
    for (const q of queries(x, b.path)) {
      const time = (cmd: string) => {
        process.stderr.write(`query ${n} (${q.id}): ${cmd.slice(0, 120)}\n`)
        return measure(`${cmd} > /dev/null 2>&1`, RUNS)
      }
      const ours = q.ours.map(time)
      const bcftools = time(q.bcftools)
      const bgt = time(q.bgt)
      const best = ours[0]!
      const both = (m: { wall: number; cpu: number }) => `${secs(m.wall)} / ${secs(m.cpu)}`
      const ratio = (m: { wall: number; cpu: number }) =>
        `${(m.wall / best.wall).toFixed(2)}× / ${(m.cpu / best.cpu).toFixed(2)}×`
      rows.push([
        n.toLocaleString('en'),
        `(${q.id}) ${q.what}`,
        ours.map(both).join('; '),
        both(bcftools),
        both(bgt),
        ratio(bcftools),
        ratio(bgt),
        ours.map((m) => m.peakMiB.toFixed(0)).join(' / '),
      ])
      process.stderr.write(`query row: ${rows[rows.length - 1]!.join(' | ')}\n`)
      if (n === sizes[sizes.length - 1])
        commands.push(`(${q.id}) ${[...q.ours, q.bcftools, q.bgt].join('\n    ')}`)
    }
  }
  const load1 = loadavg()[0]!
  return [
    '### Genotype queries: lightning-tiles vs bcftools vs BGT (300 / 5,000 / 20,000 samples)',
    '',
    `\`npx tsx benchmarks/query.bench.ts\`. Stores built by the CLI (5,000 and 20,000: copies of ${COHORTS}/storeN), the BCF beside them (300: \`bcftools view -Ob\` of the testdata VCF), BGT imported from the same BCF. Populations round-robin FIN/GBR/IBS by VCF sample order. Every command is one child process (Node start-up included for ours) writing to /dev/null, medians of ${RUNS} under GNU time of the wall time and of the CPU time (user + system: what the command itself costs, less disturbed by a loaded machine than the wall time). One-minute load average at the start and the end: ${load0.toFixed(1)} and ${load1.toFixed(1)} (2 cores, shared). A ratio is the peer's time over ours (> 1: we win); (c) gives two of ours: \`view -a … -S\` (the same query as the peers); \`carriers\` of one tile variant of that step (the first is the ratios').`,
    '',
    table(
      [
        'N',
        'query',
        'ours: wall / CPU (s)',
        'bcftools: wall / CPU (s)',
        'BGT: wall / CPU (s)',
        'bcftools ÷ ours (wall / CPU)',
        'BGT ÷ ours (wall / CPU)',
        'our peak RSS (MiB)',
      ],
      rows,
    ),
    '',
    `Commands at N = ${sizes[sizes.length - 1]!.toLocaleString('en')} (the others differ only in paths and names):`,
    '',
    '```',
    ...commands,
    '```',
    '',
  ].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const sizes = process.argv.slice(2).map(Number)
  process.stdout.write(await run(sizes.length ? sizes : undefined))
}
