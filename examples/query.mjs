// Ask a store questions from Node: node examples/query.mjs [STORE]   (after `npm run demo`)
import { openStore, TileResolver } from 'lightning-tiles'

// one Store reads the files (and caches what it read) under every question asked of it
const store = openStore(process.argv[2] ?? 'demo-store')
const resolver = new TileResolver(store)
const { samples, paths } = await store.manifest()

// one tile: its bases (tags included) and where it lies on the reference (0-based, half-open)
const tile = await resolver.sequence('0000.00.0100.000')
const where = await resolver.locate('0000.00.0100.000')
console.log(tile.id, tile.sequence.length, 'bases at', `${where.chrom}:${where.start}-${where.end}`)

// every variant at that position, with how many haplotypes of the cohort carry it
for (const v of await resolver.variants(0, 0x100)) console.log(v.id, v.count)

// both haplotypes of the first sample over 60 bases of chromosome 20
const region = { chrom: paths[0].chrom, start: 2_000_000, end: 2_000_060 }
const genome = await resolver.genome(samples[0].name)
console.log(await genome.sequence(0, region))
console.log(await genome.sequence(1, region))
