// Genotype queries at 300 (the testdata VCF), 5,000 and 20,000 samples (simulated, shared in
// /work/cohorts or COHORTS), each against `bcftools view` on the BCF and BGT (lh3/bgt, built by
// test/bgt.ts from ../shared/peers, `bgt import` of the same BCF) in the same run:
//   (a) 10 samples over the whole 3 Mb as VCF, (b) all samples over 100 kb as VCF,
//   (c) the carriers of a common allele, (e) of a rare one, (d) per-group AC/AN over 3 Mb with two population groups.
// Samples get populations round-robin (sample i of the VCF: FIN, GBR, IBS for i mod 3), imported
// with `lightning-tiles samples STORE --import`, copied to BGT's .spl and given to
// `bcftools +fill-tags -S`. Every command is one child process, median of RUNS: its times by bash's
// `time` (1 ms resolution), its peak RSS by GNU time.
// Each of our queries is also run in-process (query.driver.ts: the store opened once, the query
// run 1 + WARM times), and Node's start-up floor (`node -e ''`, our CLI's `--version`) is timed
// in the same run: a C tool's whole process can take less than Node takes to start.
//
//   npx tsx benchmarks/query.bench.ts [N...]        (prints the RESULTS.md section)
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEFAULT_CHECKPOINT_ROWS } from '../src/matrix/writer.js'
import { storeFiles } from '../src/store/layout.js'
import { bgtBinary } from '../test/bgt.js'
import { timeOnce } from './timing.js'
import type { Timing } from './timing.js'
import { median, startServe, table, withAlleleIndex } from './lib.js'
import type { DriverInput, DriverQuery, DriverResult, QueryOutput } from './query.driver.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const VCF300 = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const COHORTS = process.env.COHORTS ?? '/work/cohorts'
const WORK = join(ROOT, '.tmp/bench-query')
const LT = `node ${join(ROOT, 'bin/lightning-tiles.js')}`
const RUNS = Number(process.env.RUNS ?? 3)
/** Untimed requests per URL before the served timings (the server's steady state) */
const SERVED_WARMUP = 3
const WARM = 15
/** Pairs per round of our warm run and each quick peer's, one after the other (DriverInput) */
const PAIRS = 5
/** runs of the start-up floor (each about a tenth of a second) */
const FLOOR_RUNS = 10
const DRIVER = join(ROOT, 'benchmarks/query.driver.ts')
const SIZES = [300, 5_000, 20_000]
const POPS = ['FIN', 'GBR', 'IBS']
const WHOLE = '20:1000000-4000000'
const REGION = '20:1000000-1100000'

/** The medians of runs. */
const medians = (runs: Timing[]): Timing => ({
  wall: median(runs.map((r) => r.wall)),
  cpu: median(runs.map((r) => r.cpu)),
  peakMiB: median(runs.map((r) => r.peakMiB)),
})

/** `timeOnce` `runs` times: the medians. */
const measure = (command: string, runs: number): Timing =>
  medians(Array.from({ length: runs }, () => timeOnce(command)))

const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 30 })

interface Inputs {
  store: string
  bcf: string
  bgt: string
  groups: string
  ten: string[]
  allele: { chrom: string; pos: number; ref: string; alt: string }
  rare: { chrom: string; pos: number; ref: string; alt: string }
  tile: string
}

/** The store (a private copy: importing samples writes to it), BCF, BGT and group files of N. */
async function prepare(n: number, bgt: string): Promise<Inputs> {
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
  await withAlleleIndex(store)
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
  // a rare one: the first biallelic SNP from 2.5 Mb carried by 1 to 3 haplotypes
  const [rchrom, rpos, rref, ralt] = sh(
    `bcftools view -H -r 20:2500000-2600000 -m2 -M2 -v snps -c1 -C3 ${bcf} | head -1 | cut -f1,2,4,5`,
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
    rare: { chrom: rchrom!, pos: Number(rpos), ref: rref!, alt: ralt! },
    tile,
  }
}

interface Query {
  id: string
  what: string
  ours: string[]
  /** ours[0] through the API, in-process */
  driver: DriverQuery
  /** ours[0] asked of `lightning-tiles serve` on the store: the path and query of its URL */
  served: string
  bcftools: string
  bgt: string
  /** the peers alternated with our warm runs (those whose answer takes seconds are left out) */
  alternate: ('bcftools' | 'bgt')[]
}

function queries(x: Inputs, bgt: string): Query[] {
  const a = x.allele
  const site = `${a.chrom}:${a.pos}-${a.pos}`
  const r = x.rare
  const rareSite = `${r.chrom}:${r.pos}-${r.pos}`
  const rareName = `${r.chrom}:${r.pos}:${r.ref}:${r.alt}`
  const fin = `'pop=="FIN"'`
  const gbr = `'pop=="GBR"'`
  return [
    {
      id: 'a',
      what: '10 samples, whole 3 Mb, VCF',
      ours: [`${LT} view ${x.store} -s ,${x.ten.join(',')}`],
      driver: { id: 'a', samples: x.ten },
      served: `/?s=,${x.ten.join(',')}`,
      bcftools: `bcftools view -s ${x.ten.join(',')} ${x.bcf}`,
      bgt: `${bgt} view -s ,${x.ten.join(',')} ${x.bgt}`,
      alternate: ['bgt'],
    },
    {
      id: 'b',
      what: 'all samples, 100 kb, VCF',
      ours: [`${LT} vcf ${x.store} -r ${REGION}`],
      driver: { id: 'b', region: REGION },
      served: `/?r=${REGION}`,
      bcftools: `bcftools view -r ${REGION} ${x.bcf}`,
      bgt: `${bgt} view -r ${REGION} ${x.bgt}`,
      alternate: ['bcftools', 'bgt'],
    },
    {
      id: 'c',
      what: `carriers of ${a.chrom}:${a.pos}:${a.ref}:${a.alt}`,
      ours: [
        `${LT} view ${x.store} -r ${site} -a ${a.chrom}:${a.pos}:${a.ref}:${a.alt} -S`,
        `${LT} carriers ${x.store} ${x.tile}`,
      ],
      driver: { id: 'c', region: site, allele: `${a.chrom}:${a.pos}:${a.ref}:${a.alt}` },
      served: `/?r=${site}&a=${a.chrom}:${a.pos}:${a.ref}:${a.alt}&S`,
      bcftools: `bcftools view -r ${a.chrom}:${a.pos} -i 'GT="alt"' ${x.bcf}`,
      bgt: `${bgt} view -r ${site} -a ,${a.chrom}:${a.pos}:1:${a.alt} -S ${x.bgt}`,
      alternate: ['bcftools', 'bgt'],
    },
    {
      id: 'e',
      what: `carriers of ${rareName} (1–3 haplotypes)`,
      ours: [`${LT} view ${x.store} -r ${rareSite} -a ${rareName} -S`],
      driver: { id: 'c', region: rareSite, allele: rareName },
      served: `/?r=${rareSite}&a=${rareName}&S`,
      bcftools: `bcftools view -r ${r.chrom}:${r.pos} -i 'GT="alt"' ${x.bcf}`,
      bgt: `${bgt} view -r ${rareSite} -a ,${r.chrom}:${r.pos}:1:${r.alt} -S ${x.bgt}`,
      alternate: ['bcftools', 'bgt'],
    },
    {
      id: 'd',
      what: 'AC/AN of FIN and GBR, whole 3 Mb',
      ours: [`${LT} view ${x.store} -r ${WHOLE} -s ${fin} -s ${gbr} -G -C`],
      driver: { id: 'd', region: WHOLE, groups: ['pop=="FIN"', 'pop=="GBR"'] },
      served: `/?r=${WHOLE}&s=${encodeURIComponent('pop=="FIN"')}&s=${encodeURIComponent('pop=="GBR"')}&g&C`,
      bcftools: `bcftools +fill-tags ${x.bcf} -- -S ${x.groups} -t AC,AN`,
      bgt: `${bgt} view -r ${WHOLE} -s ${fin} -s ${gbr} -G -C ${x.bgt}`,
      alternate: [],
    },
  ]
}

const secs = (s: number) => s.toFixed(3)
const ms = (m: number) => m.toFixed(m < 10 ? 1 : 0)

/** The query through the API in one process: the store opened once, 1 cold + WARM warm runs. */
function inProcess(store: string, query: DriverQuery, alternate: string[]): DriverResult {
  const input: DriverInput = {
    store,
    warm: WARM,
    query,
    alternate: { commands: alternate, pairs: alternate.length ? PAIRS : 0 },
  }
  const out = execFileSync('npx', ['tsx', DRIVER, JSON.stringify(input)], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  return JSON.parse(out) as DriverResult
}

/** What a CLI command writes, in the driver's terms (counted with LC_ALL=C awk: bytes, not characters). */
function cliOutput(command: string): Required<QueryOutput> & { carriers: number } {
  const awk =
    `!/^#/ { n++; k = split($8, kv, /[;=]/); for (i = 2; i <= k; i += 2) s += kv[i] } ` +
    `/^SP\\t/ { sp++ } { b += length($0) + 1 } END { printf "%.0f %.0f %.0f %.0f\\n", n, b, s, sp }`
  const [count, bytes, infoSum, carriers] = sh(
    `set -o pipefail; ${command} 2>/dev/null | LC_ALL=C awk -F'\\t' '${awk}'`,
  )
    .trim()
    .split(' ')
    .map(Number)
  return { count: count!, bytes: bytes!, infoSum: infoSum!, carriers: carriers! }
}

/** Fail when the server answered other records (or carriers, or counts) than the CLI wrote. */
function checkServed(
  id: string,
  n: number,
  served: ReturnType<typeof cliOutput>,
  cli: ReturnType<typeof cliOutput>,
) {
  const pick = (o: ReturnType<typeof cliOutput>) =>
    id === 'c'
      ? { carriers: o.carriers }
      : id === 'd'
        ? { count: o.count, infoSum: o.infoSum }
        : { count: o.count }
  if (JSON.stringify(pick(served)) !== JSON.stringify(pick(cli)))
    throw new Error(
      `query (${id}) at N = ${n}: served ${JSON.stringify(pick(served))}, CLI ${JSON.stringify(pick(cli))}`,
    )
}

/** Fail when the in-process query returned other than the CLI wrote. */
function checkSame(id: string, n: number, api: QueryOutput, cli: ReturnType<typeof cliOutput>) {
  const expected: QueryOutput =
    id === 'c'
      ? { count: cli.carriers }
      : {
          count: cli.count,
          ...(api.bytes !== undefined && { bytes: cli.bytes }),
          ...(api.infoSum !== undefined && { infoSum: cli.infoSum }),
        }
  if (JSON.stringify(api) !== JSON.stringify(expected))
    throw new Error(
      `query (${id}) at N = ${n}: in-process ${JSON.stringify(api)}, CLI ${JSON.stringify(expected)}`,
    )
}

/**
 * `lightning-tiles serve` on the store, as a browser's or a script's queries meet it: every request
 * answered anew (no answer cache, no PBWT orders kept between requests, as the first query near a
 * site), its genotype cap above any of these queries, the store's inflated chunks kept in memory.
 */
async function startServer(store: string): Promise<{ url: string; stop: () => void }> {
  const args = [store, '--cache-mb', '0', '--order-cache-mb', '0']
  args.push('--max-genotypes', String(1e12), '--query-timeout', '600')
  const { url, server } = await startServe(args)
  return { url, stop: () => server.kill('SIGTERM') }
}

/** Records (non-header lines) a peer's command writes. */
const peerRecords = (command: string) =>
  Number(sh(`set -o pipefail; ${command} 2>/dev/null | grep -vc '^#' || true`).trim())

export async function run(sizes = SIZES): Promise<string> {
  const b = bgtBinary()
  if (!('path' in b)) throw new Error(`BGT: ${b.skip}`)
  const load0 = loadavg()[0]!
  process.stderr.write('query: start-up floor...\n')
  const nodeFloor = measure(`node -e ''`, FLOOR_RUNS)
  const cliFloor = measure(`${LT} --version > /dev/null`, FLOOR_RUNS)
  const cFloor = measure('bcftools --version > /dev/null', FLOOR_RUNS)
  const rows: string[][] = []
  const commands: string[] = []
  for (const n of sizes) {
    process.stderr.write(`query: preparing ${n}...\n`)
    const x = await prepare(n, b.path)
    const server = await startServer(x.store)
    for (const q of queries(x, b.path)) {
      process.stderr.write(
        `query ${n} (${q.id}): ${[...q.ours, q.bcftools, q.bgt].join(' ; ').slice(0, 240)}\n`,
      )
      // rounds: each command once per round, our in-process driver too, so that every tool meets
      // the same states of a machine whose speed drifts (a shared virtual machine's does, by 2x)
      const curl = `curl -sf '${server.url}${q.served}'`
      // the server's first answers to a query warm its JIT, and the second walk of a few samples
      // through a chunk decodes its runs (kept for later walks): not timed
      for (let i = 0; i < SERVED_WARMUP; i++) sh(`${curl} > /dev/null`)
      const servedRuns: Timing[] = []
      const oursRuns: Timing[][] = q.ours.map(() => [])
      const bcftoolsRuns: Timing[] = []
      const bgtRuns: Timing[] = []
      const drivers: DriverResult[] = []
      for (let round = 0; round < RUNS; round++) {
        q.ours.forEach((cmd, i) => oursRuns[i]!.push(timeOnce(`${cmd} > /dev/null 2>&1`)))
        drivers.push(
          inProcess(
            x.store,
            q.driver,
            q.alternate.map((p) => q[p]),
          ),
        )
        servedRuns.push(timeOnce(`${curl} > /dev/null`))
        bcftoolsRuns.push(timeOnce(`${q.bcftools} > /dev/null 2>&1`))
        bgtRuns.push(timeOnce(`${q.bgt} > /dev/null 2>&1`))
      }
      const ours = oursRuns.map(medians)
      const bcftools = medians(bcftoolsRuns)
      const bgt = medians(bgtRuns)
      const served = medians(servedRuns)
      const cli = cliOutput(q.ours[0]!)
      for (const d of drivers) checkSame(q.driver.id, n, d.output, cli)
      checkServed(q.driver.id, n, cliOutput(curl), cli)
      // (a), (b): what each tool wrote, so that a reader sees the same query answered
      const records =
        q.id === 'a' || q.id === 'b'
          ? `${cli.count.toLocaleString('en')} / ${peerRecords(q.bcftools).toLocaleString('en')} / ${peerRecords(q.bgt).toLocaleString('en')}`
          : ''
      const api = {
        coldMs: median(drivers.map((d) => d.coldMs)),
        warmMs: drivers.flatMap((d) => d.warmMs),
        uncachedMs: drivers.flatMap((d) => d.uncachedMs),
      }
      // each peer's time over ours in the same pair, the median over the pairs of every round
      const pairs = drivers.flatMap((d) => d.alternated)
      const alternated = (['bcftools', 'bgt'] as const)
        .map((p) => {
          const k = q.alternate.indexOf(p)
          return k < 0 ? '—' : `${median(pairs.map((x) => x.peersMs[k]! / x.oursMs)).toFixed(2)}×`
        })
        .join(' / ')
      const warm = median(api.warmMs)
      const uncached = median(api.uncachedMs)
      const best = ours[0]!
      const both = (m: { wall: number; cpu: number }) => `${secs(m.wall)} / ${secs(m.cpu)}`
      const ratio = (m: { wall: number; cpu: number }) =>
        `${(m.wall / best.wall).toFixed(2)}× / ${(m.cpu / best.cpu).toFixed(2)}×`
      const overServed = (m: { wall: number }) => `${(m.wall / served.wall).toFixed(2)}×`
      const overWarm = (m: { wall: number }) =>
        `${((m.wall * 1000) / warm).toFixed(2)}× / ${((m.wall * 1000) / uncached).toFixed(2)}×`
      rows.push([
        n.toLocaleString('en'),
        `(${q.id}) ${q.what}`,
        ours.map(both).join('; '),
        `${ms(api.coldMs)} / ${ms(warm)} / ${ms(uncached)}`,
        ms(served.wall * 1000),
        both(bcftools),
        both(bgt),
        ratio(bcftools),
        ratio(bgt),
        overWarm(bcftools),
        overWarm(bgt),
        alternated,
        overServed(bcftools),
        overServed(bgt),
        records,
        ours.map((m) => m.peakMiB.toFixed(0)).join(' / '),
      ])
      process.stderr.write(`query row: ${rows[rows.length - 1]!.join(' | ')}\n`)
      if (n === sizes[sizes.length - 1])
        commands.push(
          `(${q.id}) ${[...q.ours, `curl -sf 'http://127.0.0.1:PORT${q.served}'`, q.bcftools, q.bgt].join('\n    ')}`,
        )
    }
    server.stop()
  }
  const load1 = loadavg()[0]!
  return [
    '### Genotype queries: lightning-tiles vs bcftools vs BGT (300 / 5,000 / 20,000 samples)',
    '',
    `\`npx tsx benchmarks/query.bench.ts\`. Stores built by the CLI (5,000 and 20,000: copies of ${COHORTS}/storeN), the BCF beside them (300: \`bcftools view -Ob\` of the testdata VCF), BGT imported from the same BCF. Populations round-robin FIN/GBR/IBS by VCF sample order. Every command is one child process (Node start-up included for ours) writing to /dev/null, run in ${RUNS} rounds (each round runs each of our commands, our in-process driver, bcftools and BGT once, in turn, so that all meet the same states of a machine whose speed drifts), medians over the rounds of the wall time and of the CPU time (user + system: what the command itself costs, less disturbed by a loaded machine than the wall time), both by bash's \`time\` (1 ms resolution), and of the peak RSS by GNU time. One-minute load average at the start and the end: ${load0.toFixed(1)} and ${load1.toFixed(1)} (2 cores, shared). A ratio is the peer's time over ours (> 1: we win); (c) gives two of ours: \`view -a … -S\` (the same query as the peers); \`carriers\` of one tile variant of that step (the first is the ratios'). (a) is BGT's query, \`view -s ,A,B,…\`: every site of the cohort with the ten samples' genotypes, as \`bcftools view -s\` and BGT write it (\`lightning-tiles vcf -s\`, which runs before 2026-11-29 timed instead, writes only the sites those samples carry, a third of the lines at 20,000: not the same query); *VCF records* is what each tool wrote for (a) and (b) (BGT holds the sites with an ALT; ours skips what the build skipped, listed in the store's skipped.tsv.gz). (c) is a common biallelic SNP (the first near 1.5 Mb with minor allele frequency ≥ 5 %), (e) a rare one (the first from 2.5 Mb carried by 1 to 3 haplotypes).`,
    '',
    table(
      [
        'N',
        'query',
        'ours (CLI): wall / CPU (s)',
        'ours in-process: cold / warm / warm, no order cache (ms)',
        'ours served: curl wall (ms)',
        'bcftools: wall / CPU (s)',
        'BGT: wall / CPU (s)',
        'bcftools ÷ ours CLI (wall / CPU)',
        'BGT ÷ ours CLI (wall / CPU)',
        'bcftools ÷ ours warm (order cache / none)',
        'BGT ÷ ours warm (order cache / none)',
        'bcftools / BGT ÷ ours warm, alternated',
        'bcftools ÷ ours served',
        'BGT ÷ ours served',
        'VCF records: ours / bcftools / BGT',
        'our CLI peak RSS (MiB)',
      ],
      rows,
    ),
    '',
    `**ours (CLI)** is the command's whole process, as a shell user runs it: it includes Node's start-up and loading our CLI, which cost ${ms(cliFloor.wall * 1000)} ms (\`lightning-tiles --version\`; CPU ${ms(cliFloor.cpu * 1000)} ms) before any query, of which ${ms(nodeFloor.wall * 1000)} ms is Node alone (\`node -e ''\`; CPU ${ms(nodeFloor.cpu * 1000)} ms), medians of ${FLOOR_RUNS} in this run, timed as the rest. The peers' columns are their whole processes too, but a C tool starts in ${ms(cFloor.wall * 1000)} ms (\`bcftools --version\`): where a peer's whole answer takes less than our start-up, no Node CLI can beat it, whatever the query costs. **ours in-process** is the same query through the public API (\`openStore\`, then \`prepareQuery\` with the ten names as one group and \`queryToVcfBytes\` for (a), \`storeToVcfBytes\` for (b) (the VCF as bytes, as a file or a response is written), \`prepareQuery\` with \`AlleleSetCounter.carriers()\` for (c) and (e), \`prepareQuery\` with \`genotypes: false\` for (d); \`benchmarks/query.driver.ts\`, importing the built \`dist/esm\`), as a notebook, server or pipeline that keeps the store open runs it: one process per query and round opens the store once and runs the query ${WARM + 1} times, consuming every line or record without writing it. *cold* is the first run (opening the store, reading its manifest and indexes, JIT warm-up; the median over the rounds); *warm* the median of the ${WARM} after it in every round; *no order cache* the median of ${WARM} more per round on the store opened again with \`orderCacheBytes: 0\` (its inflated chunks stay in memory between runs, and the chunks a few samples' walk passed through twice keep their runs decoded into arrays, which later such walks read instead of the bytes: \`runCacheBytes\`, 64 MiB by default, kept by both stores; for a first query near a site with nothing kept, see "The first query near a site"). A store keeps the PBWT orders its walks pass every 256 rows, so a repeated query, or one near an earlier one, starts at most 256 rows from its site; without them every run starts from the nearer of the file's checkpoints (every ${DEFAULT_CHECKPOINT_ROWS.toLocaleString('en')} rows) before and after the site, as the first query near a site does. A one-site query needs only each tile variant's mark at the site, so when the haplotypes whose tile variant carries another mark than most are few (at most 1 in 64, as for (e)), it traces just those to the nearer checkpoint instead of walking every haplotype; a common allele's carriers (c) are too many, and its first query walks (docs/cohort-matrix.md, "Reading"). With the order cache, the first query near a checkpoint traces and the second walks, keeping orders for the ones after. Its output was checked against the CLI's in this run (VCF records and bytes for (a) and (b), carriers for (c) and (e), records and the sum of every AN/AC for (d)); the bench fails if they differ. **÷ ours warm** is the peer's whole-process wall time over our warm in-process time, with and without the order cache (> 1: we win), a comparison of the query work that leaves the peers' start-up (the ${ms(cFloor.wall * 1000)} ms above) in their column. **alternated**: on a machine whose speed drifts within seconds, medians of a few rounds can meet one tool in a fast moment and another in a slow one; so the driver also runs, ${PAIRS} times per round, our warm query and then each peer whose answer takes under a second (bcftools' (a) takes seconds, (d) is left out), one right after the other, and the column is the median over the ${PAIRS * RUNS} pairs of the peer's wall time (its whole process, by bash's \`time\`) over ours in the same pair. **ours served** is the same query asked of \`lightning-tiles serve STORE --cache-mb 0 --order-cache-mb 0 --max-genotypes 1000000000000\` (started once per N; every request answered anew, no PBWT orders kept between requests, the store's inflated chunks kept in memory, and a few samples' walks reading chunks' runs decoded on an earlier request, \`--run-cache-mb\` 64 by default, as a server keeps them) by \`curl\`, whose whole process is timed as the peers' are, after ${SERVED_WARMUP} untimed requests per URL (the server's JIT warm-up, and the second walk of a few samples through a chunk, which decodes its runs): the route of a shell user or a page that queries a store repeatedly. Its answer was checked against the CLI's (records, carriers, the sum of every AN/AC); for (a) its INFO also holds AN/AC (the server writes them for any group).`,
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
