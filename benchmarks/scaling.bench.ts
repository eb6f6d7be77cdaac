// Scaling with the cohort: build time, peak memory and store size for N = 300 (the real VCF) and
// 1,000, 5,000, 20,000 simulated samples (scripts/simulate-cohort.ts, seed 1), each next to the
// BCF of the same cohort and the time of `bcftools view -Ob`. Draws benchmarks/scaling.svg.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { scaleLog } from 'd3-scale'
import type { ScaleLogarithmic } from 'd3-scale'
import { simulateCohort } from '../scripts/simulate-cohort.js'
import { table, timeCommand } from './lib.js'
import type { Measure } from './lib.js'
import { makeBcf, makeBgt, makePgen } from './peers.js'
import type { PeerFiles } from './peers.js'
import { mib, storeBreakdown } from './storeSize.js'
import type { StorePart } from './storeSize.js'
import type { BuildStats } from './build.driver.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const REAL_VCF = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const DRIVER = join(ROOT, 'benchmarks/build.driver.ts')
/** simulated cohorts are kept here between runs (.tmp/ is git-ignored) */
const CACHE = join(ROOT, '.tmp/bench-cohorts')
const SEED = 1
const SIZES = [300, 1_000, 5_000, 20_000]
/** build runs per size: the two large cohorts take minutes, so one run each */
const BUILD_RUNS = (n: number) => (n >= 5_000 ? 1 : 3)
/** the peers are quick next to our build: the median of 3 */
const PEER_RUNS = 3
/** the fallback path length when the default (one 4 Mb path) build fails */
const SHORT_PATHS = 1_000_000

interface Row {
  n: number
  vcf: number
  runs: number
  pathLength: number
  build: Measure
  inProcess: number
  stats: BuildStats
  store: number
  parts: Record<StorePart, number>
  bcf: PeerFiles
  bgt: PeerFiles | undefined
  pgen: PeerFiles | undefined
  note: string
  /** one-minute load average before and after this cohort's runs (2 shared cores) */
  load: [number, number]
}

export async function cohort(n: number): Promise<string> {
  if (n === 300) return REAL_VCF
  const file = join(CACHE, `sim${n}.seed${SEED}.vcf.gz`)
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true })
    process.stderr.write(`simulating ${n} samples into ${file}...\n`)
    await simulateCohort({
      vcf: REAL_VCF,
      out: file,
      samples: n,
      seed: SEED,
      switchRate: 2e-6,
      mutationRate: 1e-4,
    })
  }
  return file
}

function build(vcf: string, out: string, runs: number, pathLength?: number) {
  const stats = `${out}.json`
  const cmd =
    `rm -rf ${out} && npx tsx ${DRIVER} ${REF} ${vcf} ${out}` +
    `${pathLength ? ` ${pathLength}` : ''} > ${stats}`
  const m = timeCommand(cmd, runs)
  return { m, stats: JSON.parse(readFileSync(stats, 'utf8')) as BuildStats }
}

function measure(n: number, vcf: string, work: string): Row {
  const load0 = loadavg()[0]!
  const out = join(work, `store${n}`)
  const runs = BUILD_RUNS(n)
  let pathLength = 4_000_000
  let note = ''
  let b
  try {
    b = build(vcf, out, runs)
  } catch (err) {
    note = `default 4 Mb path failed (${(err as Error).message.split('\n')[1] ?? 'error'}); `
    pathLength = SHORT_PATHS
    b = build(vcf, out, runs, SHORT_PATHS)
  }
  const { parts, total } = storeBreakdown(out)
  rmSync(out, { recursive: true, force: true })
  const peers = join(work, `peers${n}`)
  rmSync(peers, { recursive: true, force: true })
  mkdirSync(peers, { recursive: true })
  const bcf = makeBcf(vcf, peers, PEER_RUNS)
  const bgt = makeBgt(vcf, bcf.at, peers, PEER_RUNS)
  const pgen = makePgen(vcf, peers, PEER_RUNS)
  rmSync(peers, { recursive: true, force: true })
  return {
    n,
    vcf: statSync(vcf).size,
    runs,
    pathLength,
    build: b.m,
    inProcess: b.stats.seconds,
    stats: b.stats,
    store: total,
    parts,
    bcf,
    bgt,
    pgen,
    note,
    load: [load0, loadavg()[0]!],
  }
}

// --- the plot: three panels, both axes log scales (d3-scale), so that peers a hundred times apart
// all read, each line's slope is how it grows with N, and equal gaps are equal ratios ---------

const W = 300
const H = 230
const M = { l: 56, r: 12, t: 28, b: 44 }
/** height of the legend row below the panels */
const LEGEND = 20

/** Log ticks at 1, 2 and 5 times a power of ten (all of d3's would crowd a short axis). */
function logTicks(y: ScaleLogarithmic<number, number>): number[] {
  const ticks = y
    .ticks()
    .filter((t) => [1, 2, 5].includes(Math.round(t / 10 ** Math.floor(Math.log10(t)))))
  return ticks.length >= 2 ? ticks : y.ticks()
}

function panel(
  x0: number,
  title: string,
  yLabel: string,
  ns: number[],
  series: { name: string; color: string; values: number[] }[],
  fmt: (v: number) => string,
): string {
  const values = series.flatMap((s) => s.values)
  const x = scaleLog()
    .domain([200, 30_000])
    .range([x0 + M.l, x0 + W - M.r])
  const y = scaleLog()
    .domain([Math.min(...values) / 1.5, Math.max(...values) * 1.5])
    .nice()
    .range([H - M.b, M.t])
  const px = (n: number) => x(n)
  const py = (v: number) => y(v)
  const out: string[] = []
  out.push(`<text x="${x0 + W / 2}" y="16" class="title">${title}</text>`)
  out.push(
    `<line x1="${x0 + M.l}" y1="${H - M.b}" x2="${x0 + W - M.r}" y2="${H - M.b}" class="axis"/>`,
    `<line x1="${x0 + M.l}" y1="${M.t}" x2="${x0 + M.l}" y2="${H - M.b}" class="axis"/>`,
  )
  for (const v of logTicks(y))
    out.push(
      `<line x1="${x0 + M.l}" y1="${py(v)}" x2="${x0 + W - M.r}" y2="${py(v)}" class="grid"/>`,
      `<text x="${x0 + M.l - 4}" y="${py(v) + 3}" class="ytick">${v >= 1 ? v.toFixed(0) : String(v)}</text>`,
    )
  for (const n of [300, 1_000, 5_000, 20_000])
    out.push(
      `<line x1="${px(n)}" y1="${H - M.b}" x2="${px(n)}" y2="${H - M.b + 4}" class="axis"/>`,
      `<text x="${px(n)}" y="${H - M.b + 15}" class="xtick">${n.toLocaleString('en')}</text>`,
    )
  out.push(
    `<text x="${x0 + M.l + (W - M.l - M.r) / 2}" y="${H - 8}" class="label">samples N (log scale)</text>`,
    `<text transform="translate(${x0 + 12},${M.t + (H - M.t - M.b) / 2}) rotate(-90)" class="label">${yLabel} (log scale)</text>`,
  )
  series.forEach((s) => {
    const pts = ns.map((n, i) => `${px(n).toFixed(1)},${py(s.values[i]!).toFixed(1)}`)
    out.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`,
    )
    ns.forEach((n, i) => {
      const v = s.values[i]!
      out.push(
        `<circle cx="${px(n).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`,
        `<text x="${(px(n) - 4).toFixed(1)}" y="${(py(v) - 6).toFixed(1)}" class="pt">${fmt(v)}</text>`,
      )
    })
  })
  return out.join('\n')
}

const COLORS = { ours: '#1f77b4', bcf: '#d62728', bgt: '#2ca02c', pgen: '#9467bd' }

/** One line per tool that ran at every N (a peer absent from this machine is left out). */
function peerSeries(
  rows: Row[],
  value: (p: PeerFiles) => number,
): { name: string; color: string; values: number[] }[] {
  const named = [
    ['BCF (bcftools view -Ob)', COLORS.bcf, (r: Row) => r.bcf],
    ['BGT (bgt import)', COLORS.bgt, (r: Row) => r.bgt],
    ['plink2 pgen (--make-pgen)', COLORS.pgen, (r: Row) => r.pgen],
  ] as const
  return named.flatMap(([name, color, of]) => {
    const files = rows.map(of)
    return files.every((f) => f !== undefined)
      ? [{ name, color, values: files.map((f) => value(f!)) }]
      : []
  })
}

export function scalingSvg(rows: Row[]): string {
  const ns = rows.map((r) => r.n)
  const f1 = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))
  const ours = (values: number[]) => ({ name: 'lightning-tiles', color: COLORS.ours, values })
  const body = [
    panel(
      0,
      'time to make the store',
      'seconds',
      ns,
      [ours(rows.map((r) => r.build.seconds)), ...peerSeries(rows, (p) => p.make.seconds)],
      f1,
    ),
    panel(
      W,
      'peak memory',
      'MiB (peak RSS)',
      ns,
      [ours(rows.map((r) => r.build.peakMiB)), ...peerSeries(rows, (p) => p.make.peakMiB)],
      (v) => v.toFixed(0),
    ),
    panel(
      2 * W,
      'size on disk',
      'MiB',
      ns,
      [ours(rows.map((r) => r.store / 2 ** 20)), ...peerSeries(rows, (p) => p.bytes / 2 ** 20)],
      f1,
    ),
  ]
  // one legend for the three panels, below them (inside, it would cover the lines)
  const names = [ours([]), ...peerSeries(rows, () => 0)]
  const legend = names.map(
    (s, i) =>
      `<rect x="${M.l + i * 210}" y="${H + 4}" width="8" height="8" fill="${s.color}"/>` +
      `<text x="${M.l + 12 + i * 210}" y="${H + 12}" class="legend">${s.name}</text>`,
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * W}" height="${H + LEGEND}" viewBox="0 0 ${3 * W} ${H + LEGEND}" font-family="sans-serif">`,
    '<style>.title{font-size:13px;font-weight:bold;text-anchor:middle}.label{font-size:11px;text-anchor:middle}' +
      '.xtick{font-size:10px;text-anchor:middle}.ytick{font-size:10px;text-anchor:end}' +
      '.pt{font-size:9px;text-anchor:end;fill:#333}.legend{font-size:10px}' +
      '.axis{stroke:#000;stroke-width:1}.grid{stroke:#ddd;stroke-width:0.5}</style>',
    '<rect width="100%" height="100%" fill="white"/>',
    ...body,
    ...legend,
    '</svg>',
    '',
  ].join('\n')
}

export async function run(): Promise<string> {
  const work = join(CACHE, 'work')
  mkdirSync(work, { recursive: true })
  const rows: Row[] = []
  try {
    for (const n of SIZES) {
      const vcf = await cohort(n)
      process.stderr.write(`scaling: building ${n} samples...\n`)
      rows.push(measure(n, vcf, work))
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  writeFileSync(new URL('scaling.svg', import.meta.url), scalingSvg(rows))
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`
  const opt = (p: PeerFiles | undefined, f: (p: PeerFiles) => string) => (p ? f(p) : 'absent')
  const big = rows[rows.length - 1]!
  const genotypes = (r: Row) => r.parts['genotypes (matrix)']
  return [
    '### Scaling with the cohort: 300 to 20,000 samples',
    '',
    'chr20:1–4 Mb (reference `testdata/chr20/20.1-4000000.fa.gz`). N = 300 is the real 1000 ' +
      'Genomes VCF; 1,000, 5,000 and 20,000 are simulated from its 600 haplotypes by ' +
      '`scripts/simulate-cohort.ts` (Li–Stephens copying mosaics, seed 1, switch rate 2e-6/base, ' +
      `mutation rate 1e-4 per copied allele; the same ${rows[0]!.stats.steps.toLocaleString('en')} ` +
      'steps and the same sites, so frequency spectrum and linkage stay realistic). Simulated ' +
      'VCFs are cached in `.tmp/bench-cohorts/` between runs. Each build is one child process ' +
      'under GNU time (wall time includes ~1 s of Node/tsx start-up), the median of ' +
      `${BUILD_RUNS(300)} runs for N ≤ 1,000 and a single run for 5,000 and 20,000; each peer is ` +
      `made from the same VCF in the same run, the median of ${PEER_RUNS}: \`bcftools view -Ob\`, ` +
      'BGT `bgt import` (lh3/bgt from ../shared/peers) and `plink2 --make-pgen` (one thread). ' +
      'Sizes count every file each tool writes (BGT: .pbf, .bcf, .spl and index; plink2: .pgen, ' +
      '.pvar, .psam).',
    '',
    '```',
    'npx tsx scripts/simulate-cohort.ts --samples N --seed 1 --out simN.vcf.gz',
    'npx tsx benchmarks/build.driver.ts testdata/chr20/20.1-4000000.fa.gz simN.vcf.gz STORE [PATH_LENGTH]',
    'bcftools view -Ob -o simN.bcf simN.vcf.gz',
    'bgt import -S -t CONTIGS bgt simN.vcf.gz',
    'plink2 --vcf simN.vcf.gz --make-pgen --out plink --threads 1',
    '```',
    '',
    '![time, peak memory and size against N, ours and the peers](scaling.svg)',
    '',
    table(
      [
        'N',
        'VCF.gz (MiB)',
        'build (s)',
        'build peak RSS (MiB)',
        'store (MiB)',
        'of which genotypes (MiB)',
        'BCF (MiB)',
        'BGT (MiB)',
        'plink2 (MiB)',
        'store / BCF',
        'store / BGT',
        'genotypes / BGT .pbf',
        'bcftools view -Ob (s, MiB)',
        'bgt import (s, MiB)',
        'plink2 --make-pgen (s, MiB)',
        'load average',
      ],
      rows.map((r) => [
        r.n.toLocaleString('en'),
        mib(r.vcf),
        `${r.build.seconds.toFixed(1)}${r.runs > 1 ? '' : ' (1 run)'}`,
        r.build.peakMiB.toFixed(0),
        mib(r.store),
        mib(genotypes(r)),
        mib(r.bcf.bytes),
        opt(r.bgt, (p) => mib(p.bytes)),
        opt(r.pgen, (p) => mib(p.bytes)),
        x(r.store, r.bcf.bytes),
        opt(r.bgt, (p) => x(r.store, p.bytes)),
        opt(r.bgt, (p) => x(genotypes(r), p.genotypeBytes)),
        `${r.bcf.make.seconds.toFixed(2)}, ${r.bcf.make.peakMiB.toFixed(0)}`,
        opt(r.bgt, (p) => `${p.make.seconds.toFixed(2)}, ${p.make.peakMiB.toFixed(0)}`),
        opt(r.pgen, (p) => `${p.make.seconds.toFixed(2)}, ${p.make.peakMiB.toFixed(0)}`),
        `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`,
      ]),
    ),
    '',
    ...rows
      .filter((r) => r.note)
      .map(
        (r) =>
          `- N = ${r.n}: ${r.note}rebuilt with ${r.pathLength.toLocaleString('en')}-base paths.`,
      ),
    `At ${big.n.toLocaleString('en')} samples the store is ${x(big.store, big.bcf.bytes)} the BCF` +
      `${big.bgt ? ` and ${x(big.store, big.bgt.bytes)} BGT` : ''}; its genotypes are ` +
      `${mib(genotypes(big))} MiB${big.bgt ? ` (${x(genotypes(big), big.bgt.genotypeBytes)} BGT's .pbf)` : ''}, ` +
      'the rest is the tile library, which grows with the distinct tile variants, not with N. ' +
      `The build takes ${big.build.seconds.toFixed(0)} s at ${big.build.peakMiB.toFixed(0)} MiB ` +
      `peak RSS, against ${big.bcf.make.seconds.toFixed(1)} s for the BCF` +
      `${big.bgt ? `, ${big.bgt.make.seconds.toFixed(1)} s for BGT` : ''}` +
      `${big.pgen ? ` and ${big.pgen.make.seconds.toFixed(1)} s for plink2` : ''}.`,
    '',
    'The store by part at each N (MiB):',
    '',
    table(
      ['N', ...Object.keys(rows[0]!.parts)],
      rows.map((r) => [r.n.toLocaleString('en'), ...Object.values(r.parts).map(mib)]),
    ),
    '',
  ].join('\n')
}
