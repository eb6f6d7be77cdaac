// Child-process driver for tags.bench.ts (so GNU time sees this run's peak RSS alone):
// pick the tags of a reference FASTA and print the statistics as one JSON line.
//   npx tsx benchmarks/tags.driver.ts REFERENCE.fa[.gz]
import { openReference } from '../src/tiling/reference.js'
import { pickTags, stepCount, stepEnd, stepStart } from '../src/tiling/tags.js'

const file = process.argv[2]
if (!file) throw new Error('usage: tags.driver.ts REFERENCE')
const t0 = performance.now()
const paths = await pickTags(await openReference(file))
const seconds = (performance.now() - t0) / 1000
const lengths: number[] = []
for (const p of paths)
  for (let s = 0; s < stepCount(p); s++) lengths.push(stepEnd(p, s) - stepStart(p, s))
lengths.sort((a, b) => a - b)
const m = lengths.length >> 1
console.log(
  JSON.stringify({
    seconds,
    paths: paths.length,
    tags: paths.reduce((a, p) => a + p.tags.length, 0),
    tiles: lengths.length,
    medianTile: lengths.length % 2 ? lengths[m] : (lengths[m - 1]! + lengths[m]!) / 2,
    meanTile: lengths.reduce((a, b) => a + b, 0) / lengths.length,
    maxTile: lengths[lengths.length - 1],
  }),
)
