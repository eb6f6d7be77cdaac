// Child-process driver for build.bench.ts and scaling.bench.ts (so GNU time sees this build's
// peak RSS alone): build a store and print a one-line JSON summary.
//   npx tsx benchmarks/build.driver.ts REFERENCE VCF OUT [PATH_LENGTH]
import { buildStore } from '../src/tiling/build.js'

/** The summary this driver prints. */
export interface BuildStats {
  seconds: number
  samples: number
  paths: number
  steps: number
  variants: number
  overlaps: number
}

const [reference, vcf, out, pathLength] = process.argv.slice(2)
if (!reference || !vcf || !out)
  throw new Error('usage: build.driver.ts REFERENCE VCF OUT [PATH_LENGTH]')
const t0 = performance.now()
const { manifest, overlaps } = await buildStore({
  reference,
  vcf,
  out,
  ...(pathLength ? { pathLength: Number(pathLength) } : {}),
})
const stats: BuildStats = {
  seconds: (performance.now() - t0) / 1000,
  samples: manifest.samples.length,
  paths: manifest.paths.length,
  steps: manifest.paths.reduce((a, p) => a + p.steps, 0),
  variants: manifest.paths.reduce((a, p) => a + p.variants, 0),
  overlaps: overlaps.length,
}
console.log(JSON.stringify(stats))
