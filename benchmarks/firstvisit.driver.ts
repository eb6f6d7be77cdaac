// The first query near each of many sites, in one process (firstvisit.bench.ts): the carriers of
// each allele in turn, each on the store opened afresh and warmed by the query of an allele half
// the list away (over a megabase off: other chunks, other checkpoints) before the clock starts.
// So the store's own tables are built (manifest, sample plans, indexes), as in a server that has
// been answering for a while, but nothing near the site is kept: no PBWT order, no inflated
// chunk, no allele-index block. Prints, per allele, its time and its carriers (sample names,
// sorted), as JSON.
//
//   npx tsx benchmarks/firstvisit.driver.ts '{"store":…,"alleles":["20:123:A:G",…]}'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type * as Lt from '../src/index.js'

export interface FirstVisitInput {
  store: string
  alleles: string[]
}

export interface FirstVisitResult {
  ms: number[]
  carriers: string[][]
}

const DIST = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url))
if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`)
// a path built at run time: typecheck and lint need no dist/, the types come from src/
const lt = (await import(DIST)) as typeof Lt

const input = JSON.parse(process.argv[2] ?? 'null') as FirstVisitInput | null
if (!input) throw new Error(`usage: firstvisit.driver.ts '{"store":…,"alleles":[…]}'`)
async function carriers(store: Lt.Store, allele: string): Promise<string[]> {
  const [chrom, pos] = allele.split(':')
  const prepared = await lt.prepareQuery(store, {
    regions: [lt.parseRegion(`${chrom}:${pos}-${pos}`)],
    alleles: [lt.parseAlleleName(allele)],
  })
  const counter = new lt.AlleleSetCounter(prepared.samples.length)
  for await (const r of prepared.records()) counter.add(r)
  return counter
    .carriers()
    .map((i) => prepared.samples[i]!)
    .sort()
}

const { alleles } = input
/** The store opened afresh, warmed by the query of allele `i` + half the list. */
async function opened(i: number): Promise<Lt.Store> {
  const store = lt.openStore(input!.store)
  await carriers(store, alleles[(i + (alleles.length >> 1)) % alleles.length]!)
  return store
}

// the JIT warmed first, on five of the sites (each store is new: nothing else carries over)
for (let i = 0; i < 5; i++) await carriers(await opened(i), alleles[i]!)
const result: FirstVisitResult = { ms: [], carriers: [] }
for (const [i, a] of alleles.entries()) {
  const store = await opened(i)
  const t = performance.now()
  const c = await carriers(store, a)
  result.ms.push(performance.now() - t)
  result.carriers.push(c)
}
console.log(JSON.stringify(result))
