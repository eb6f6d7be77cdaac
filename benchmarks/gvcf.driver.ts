// Child-process driver for gvcf.bench.ts (so GNU time sees this build's peak RSS alone): build a
// store from gVCFs and print a one-line JSON summary, with the time of each stage.
//   npx tsx benchmarks/gvcf.driver.ts REFERENCE OUT GVCF...
import { buildStore } from '../src/tiling/build.js'

/** The summary this driver prints. */
export interface GvcfBuildStats {
  seconds: number
  /** seconds spent before the first gVCF record is read (tags, assembly) */
  tagsSeconds: number
  samples: number
  records: number
  steps: number
  variants: number
}

const [reference, out, ...gvcf] = process.argv.slice(2)
if (!reference || !out || gvcf.length === 0)
  throw new Error('usage: gvcf.driver.ts REFERENCE OUT GVCF...')
const t0 = performance.now()
let tagsSeconds = NaN
const { manifest } = await buildStore({
  reference,
  gvcf,
  out,
  onProgress: (p) => {
    if (Number.isNaN(tagsSeconds) && p.phase === 'tiling haplotypes')
      tagsSeconds = (performance.now() - t0) / 1000
  },
})
const stats: GvcfBuildStats = {
  seconds: (performance.now() - t0) / 1000,
  tagsSeconds,
  samples: manifest.samples.length,
  records: manifest.source.records ?? 0,
  steps: manifest.paths.reduce((a, p) => a + p.steps, 0),
  variants: manifest.paths.reduce((a, p) => a + p.variants, 0),
}
console.log(JSON.stringify(stats))
