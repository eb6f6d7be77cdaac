// Ask a store questions from Node: node examples/query.mjs [STORE]   (after `npm run demo`)
import { openTileResolver } from 'lightning-tiles'

const store = openTileResolver(process.argv[2] ?? 'demo-store')
const { samples, paths } = await store.manifest()

// one tile: its bases (tags included) and where it lies on the reference (0-based, half-open)
const tile = await store.sequence('0000.00.0100.000')
const where = await store.locate('0000.00.0100.000')
console.log(tile.id, tile.sequence.length, 'bases at', `${where.chrom}:${where.start}-${where.end}`)

// every variant at that position, with how many haplotypes of the cohort carry it
for (const v of await store.variants(0, 0x100)) console.log(v.id, v.count)

// both haplotypes of the first sample over 60 bases of chromosome 20
const region = { chrom: paths[0].chrom, start: 2_000_000, end: 2_000_060 }
const genome = await store.genome(samples[0].name)
console.log(await genome.sequence(0, region))
console.log(await genome.sequence(1, region))
