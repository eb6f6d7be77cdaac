// `lightning-tiles serve` under load: autocannon on loopback, 32 connections for 30 s, against a
// region-frequency query (`/freq`: every site of a 10 kb region with AC, AN, AF, genotype counts
// and HWE p) on the 20,000-sample store, with the answer cache off (every request runs the query)
// and on (the default); requests/s, p50/p99 latency, errors and the server's peak RSS (VmHWM of
// its process). Beside it, BGT's published per-query times (its README). Standalone:
// npx tsx benchmarks/serve.bench.ts [STORE] (default /work/cohorts/store20000, else
// .tmp/store20000); needs `npm run build` (it runs bin/).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { median, startServe, table } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const AUTOCANNON = join(ROOT, 'node_modules/.bin/autocannon')
const PATH = '/freq?r=20:1000001-1010000'
const CONNECTIONS = 32
const SECONDS = Number(process.env.SERVE_BENCH_SECONDS ?? 30)

function defaultStore(): string {
  for (const s of ['/work/cohorts/store20000', join(ROOT, '.tmp/store20000')])
    if (existsSync(join(s, 'manifest.json'))) return s
  throw new Error('no 20,000-sample store: build one from /work/cohorts/sim20000.vcf.gz')
}

interface Cannon {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; average: number }
  errors: number
  timeouts: number
  non2xx: number
}

interface Row {
  cache: string
  /** without the cache: one request at a time over distinct regions (ms each) */
  sequential: number[]
  sites: number
  /** the first request's time (ms): cold caches */
  cold: number
  r: Cannon
  /** server peak RSS (MiB) */
  rss: number
  load: [number, number]
}

/** Peak resident memory of a process (MiB), from /proc. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** One server process, one autocannon run against it. */
async function measure(store: string, cacheMb: number): Promise<Row> {
  // as many requests at once as connections, so that none is answered 503
  const args = [store, '--max-concurrent', String(CONNECTIONS)]
  args.push('--cache-mb', String(cacheMb), '--query-timeout', '300')
  const { url, server } = await startServe(args)
  try {
    const first = performance.now()
    const answer = (await (await fetch(url + PATH)).json()) as { sites: unknown[] }
    const cold = performance.now() - first
    // one request at a time, each a region not asked before (nothing cached anywhere)
    const sequential: number[] = []
    for (const start of [1_100_001, 1_200_001, 1_300_001]) {
      const t0 = performance.now()
      const res = await fetch(`${url}/freq?r=20:${start}-${start + 9_999}`)
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
      sequential.push(performance.now() - t0)
    }
    const load0 = loadavg()[0]!
    // a request may wait behind 31 others on 2 shared cores: autocannon waits up to 300 s
    const cannon = spawnSync(
      AUTOCANNON,
      ['-c', String(CONNECTIONS), '-d', String(SECONDS), '-t', '300', '--json', url + PATH],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    )
    if (cannon.status !== 0) throw new Error(`autocannon failed: ${cannon.stderr}`)
    return {
      cache: cacheMb ? `${cacheMb} MiB` : 'off',
      sequential,
      sites: answer.sites.length,
      cold,
      r: JSON.parse(cannon.stdout) as Cannon,
      rss: peakRss(server.pid!),
      load: [load0, loadavg()[0]!],
    }
  } finally {
    server.kill('SIGTERM')
  }
}

export async function run(store = defaultStore()): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')) as {
    samples: unknown[]
  }
  const n = manifest.samples.length.toLocaleString('en')
  const rows = [await measure(store, 0), await measure(store, 64)]
  const ms = (v: number) => v.toFixed(0)
  const loads = rows.map((r) => `${r.load[0].toFixed(1)}/${r.load[1].toFixed(1)}`).join(', ')
  return [
    '### Serving: region frequencies under load',
    '',
    `\`lightning-tiles serve\` on the ${n}-sample store (chr20:1–4 Mb, simulated by ` +
      `\`scripts/simulate-cohort.ts --seed 1\`), autocannon on loopback for ${SECONDS} s at ` +
      `${CONNECTIONS} connections against \`GET ${PATH}\` (${rows[0]!.sites} sites × ${n} samples: ` +
      'AC, AN, AF, genotype counts and HWE p per site, as JSON). The server runs ' +
      `\`--max-concurrent ${CONNECTIONS}\` (the default 16 would answer the excess with 503), once ` +
      'with the answer cache off (every request runs the query: the speed of the query engine, ' +
      'which reads genotypes through `src/query/genotypes.ts`) and once with the default cache ' +
      '(a repeated URL is answered from memory). Load average before/after each run: ' +
      `${loads}, on 2 cores shared with other jobs: the absolute numbers are pessimistic.`,
    '',
    '```',
    `node bin/lightning-tiles.js serve STORE --port 8000 --max-concurrent ${CONNECTIONS} --cache-mb 0  # then 64`,
    `npx autocannon -c ${CONNECTIONS} -d ${SECONDS} -t 300 'http://127.0.0.1:8000${PATH}'`,
    '```',
    '',
    table(
      [
        'answer cache',
        'requests/s',
        'requests',
        'p50 (ms)',
        'p99 (ms)',
        'mean (ms)',
        'errors',
        'non-2xx',
        'first request (ms)',
        'one at a time, new regions (ms, median of 3)',
        'server peak RSS (MiB)',
      ],
      rows.map(({ cache, r, cold, rss, sequential }) => [
        cache,
        r.requests.average.toFixed(1),
        r.requests.total,
        ms(r.latency.p50),
        ms(r.latency.p99),
        ms(r.latency.average),
        r.errors + r.timeouts,
        r.non2xx,
        ms(cold),
        ms(median(sequential)),
        rss.toFixed(0),
      ]),
    ),
    '',
    `Without the cache a query costs what the query engine costs: ${ms(median(rows[0]!.sequential))} ms ` +
      `one at a time here; 32 at once share the 2 cores, so ${rows[0]!.r.requests.total} finished ` +
      `within the ${SECONDS} s${rows[0]!.r.requests.total ? ` (p50 ${ms(rows[0]!.r.latency.p50)} ms)` : ''}. The time goes into reading ` +
      'the genotypes of all samples for the region through `src/query/genotypes.ts` (the allele ' +
      'index and the cohort matrix: a lookup per haplotype and site); the HTTP layer, the privacy ' +
      'guard and the JSON add ' +
      `little: answered from the cache, the same server does ${rows[1]!.r.requests.average.toFixed(0)} ` +
      'requests/s.',
    '',
    "BGT's published per-query times (its README: HRC r1, 32,488 samples, region " +
      "11:10,000,001-20,000,000, one query at a time on its authors' machine; not this data nor " +
      'this machine):',
    '',
    table(
      ['time', 'BGT command'],
      [
        ['11 s', 'bgt view -G HRC-r1.bgt'],
        ['30 s', 'bgt view -GC HRC-r1.bgt'],
        ['4 s', `bgt view -GC -s'source=="1000G"'`],
        ['8 s', `bgt view -G -s 'source=="UK10K"' -s 'source=="1000G"&&population!="GBK"'`],
      ],
    ),
    '',
  ].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.stdout.write(await run(process.argv[2]))
