// In-process driver for query.bench.ts: open a store once and run one of the bench's queries
// 1 + WARM times in this process, as a notebook, server or pipeline that keeps the store open
// would, through the public API of the built package (dist/esm, what users import, the same code
// the CLI column runs). Prints a one-line JSON summary: the first (cold) run, which includes
// opening the store, reading its manifest and JIT warm-up, the warm runs, the warm runs on a store
// that keeps no PBWT orders, and what the query returned, so the bench can check it against the
// CLI's output.
//   npx tsx benchmarks/query.driver.ts '{"store":…,"warm":7,"query":{"id":"a",…}}'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type * as Lt from '../src/index.js'
import { timeOnce } from './timing.js'

/** One of the bench's queries (a)–(d), with the arguments of its CLI command. */
export type DriverQuery =
  | { id: 'a'; samples: string[] } // view STORE -s ,A,B,…
  | { id: 'b'; region: string } // vcf STORE -r REGION
  | { id: 'c'; region: string; allele: string } // view STORE -r SITE -a ALLELE -S
  | { id: 'd'; region: string; groups: string[] } // view STORE -r REGION -s G1 -s G2 -G -C

export interface DriverInput {
  store: string
  /** warm runs after the cold one */
  warm: number
  query: DriverQuery
  /**
   * Peers' shell commands to alternate with warm runs, `pairs` times: each pair runs our query,
   * then each command, one after another, so that both meet the same state of the machine
   */
  alternate?: { commands: string[]; pairs: number } | undefined
}

/** What a query returned, in the terms of its CLI output. */
export interface QueryOutput {
  /** (a), (b), (d): VCF records (non-header lines); (c): carriers (SP lines) */
  count: number
  /** (a), (b): bytes of the VCF text, header included */
  bytes?: number
  /** (d): the sum of AN, AC, AN1, AC1, AN2, AC2 over the records (every INFO value the CLI writes) */
  infoSum?: number
}

export interface DriverResult {
  coldMs: number
  warmMs: number[]
  /** the warm runs again on a store opened with no order cache (orderCacheBytes: 0) */
  uncachedMs: number[]
  output: QueryOutput
  /** per pair: our warm run's wall time and each peer command's, in ms */
  alternated: { oursMs: number; peersMs: number[] }[]
}

const DIST = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url))
if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`)
// a path built at run time: typecheck and lint need no dist/, the types come from src/
const lt = (await import(DIST)) as typeof Lt

/**
 * Bytes of VCF text in chunks of whole lines and, when `lines` (the cold run: a scan of every
 * byte costs about as much as the query), the records (lines not starting with #).
 */
async function vcfOutput(chunks: AsyncIterable<Uint8Array>, lines: boolean): Promise<QueryOutput> {
  let count = 0
  let bytes = 0
  for await (const chunk of chunks) {
    bytes += chunk.length
    if (lines)
      for (let at = 0; at < chunk.length;) {
        if (chunk[at] !== 0x23) count++
        const newline = chunk.indexOf(0x0a, at)
        at = newline < 0 ? chunk.length : newline + 1
      }
  }
  return lines ? { count, bytes } : { count: -1, bytes }
}

async function query(store: Lt.Store, q: DriverQuery, cold: boolean): Promise<QueryOutput> {
  const manifest = await store.manifest()
  // as the CLI's -r: a region ends at the end of its contig
  const region = (text: string): Lt.Region => {
    const r = lt.parseRegion(text)
    const contig = manifest.contigs.find((c) => c.name === r.chrom)
    if (!contig) throw new Error(`region ${text}: contig ${r.chrom} is not in the store`)
    return { ...r, end: Math.min(r.end, contig.length) }
  }
  switch (q.id) {
    case 'a': {
      // as the CLI's view: one group, so no INFO and nothing counted
      const prepared = await lt.prepareQuery(store, {
        groups: [`,${q.samples.join(',')}`],
        counts: false,
      })
      return vcfOutput(lt.queryToVcfBytes(store, prepared, { reuse: true }), cold)
    }
    case 'b':
      return vcfOutput(lt.storeToVcfBytes(store, { region: region(q.region), reuse: true }), cold)
    case 'c': {
      const prepared = await lt.prepareQuery(store, {
        regions: [region(q.region)],
        alleles: [lt.parseAlleleName(q.allele)],
      })
      const counter = new lt.AlleleSetCounter(prepared.samples.length)
      for await (const r of prepared.records()) counter.add(r)
      return { count: counter.carriers().length }
    }
    case 'd': {
      const prepared = await lt.prepareQuery(store, {
        regions: [region(q.region)],
        groups: q.groups,
        genotypes: false,
      })
      // the counts of all chosen samples, then of each group
      const written = prepared.groups.length + 1
      let count = 0
      let infoSum = 0
      for await (const r of prepared.records()) {
        count++
        for (const c of r.counts.slice(0, written)) infoSum += c.an + c.ac
      }
      return { count, infoSum }
    }
  }
}

const input = JSON.parse(process.argv[2] ?? 'null') as DriverInput | null
if (!input) throw new Error(`usage: query.driver.ts '{"store":…,"warm":N,"query":{…}}'`)
const t0 = performance.now()
const store = lt.openStore(input.store)
const output = await query(store, input.query, true)
const coldMs = performance.now() - t0
// the same on a store that keeps no PBWT orders: every run walks from the file's checkpoint, as
// the first query near a site does (its first run, which reads the manifest again, is not
// counted); the two stores' runs alternate, so that neither gains from a JIT warmed by the other
const uncached = lt.openStore(input.store, { orderCacheBytes: 0 })
await query(uncached, input.query, false)
const warmMs: number[] = []
const uncachedMs: number[] = []
for (let i = 0; i < input.warm; i++) {
  for (const [s, times] of [
    [store, warmMs],
    [uncached, uncachedMs],
  ] as const) {
    const t = performance.now()
    const again = await query(s, input.query, false)
    times.push(performance.now() - t)
    // a warm run's VCF lines are not counted: its bytes must equal the cold run's
    const expected = again.count < 0 ? { ...output, count: -1 } : output
    if (JSON.stringify(again) !== JSON.stringify(expected))
      throw new Error(
        `warm run ${i + 1} returned ${JSON.stringify(again)}, the cold one ${JSON.stringify(expected)}`,
      )
  }
}
const alternated: DriverResult['alternated'] = []
for (let k = 0; k < (input.alternate?.pairs ?? 0); k++) {
  const t = performance.now()
  await query(store, input.query, false)
  const oursMs = performance.now() - t
  alternated.push({
    oursMs,
    peersMs: input.alternate!.commands.map((c) => timeOnce(`${c} > /dev/null 2>&1`).wall * 1000),
  })
}
const result: DriverResult = { coldMs, warmMs, uncachedMs, output, alternated }
console.log(JSON.stringify(result))
