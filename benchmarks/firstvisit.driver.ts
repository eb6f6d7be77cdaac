// The first query near each of many sites, in one process (firstvisit.bench.ts): the carriers of
// each allele in turn, each on the store opened afresh (its manifest read before the clock
// starts), so that nothing of an earlier query is kept: no PBWT order, no inflated chunk, no
// allele-index block. What a server that has just opened the store pays for its first query
// near a site. Prints, per allele, its time and its carriers (sample names, sorted), as JSON.
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

async function opened(): Promise<Lt.Store> {
  const store = lt.openStore(input!.store)
  await store.manifest()
  return store
}

// the JIT warmed first, on five of the sites (each store is new: nothing else carries over)
for (const a of input.alleles.slice(0, 5)) await carriers(await opened(), a)
const result: FirstVisitResult = { ms: [], carriers: [] }
for (const a of input.alleles) {
  const store = await opened()
  const t = performance.now()
  const c = await carriers(store, a)
  result.ms.push(performance.now() - t)
  result.carriers.push(c)
}
console.log(JSON.stringify(result))
