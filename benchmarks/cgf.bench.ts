// CGF v3: encode and decode a synthetic whole genome (863 paths, ~10.6 M steps, 2 % non-canonical,
// 0.5 % no-call), and genome-vs-genome concordance on high-quality steps vs the l7g estimate.
import { BlobFile } from 'generic-filehandle2'
import type { Band } from '../src/formats/band/band.js'
import { seededRandom } from '../src/core/random.js'
import { concordance } from '../src/formats/cgf/concordance.js'
import { encodeCgf } from '../src/formats/cgf/encode.js'
import type { CgfPathInput } from '../src/formats/cgf/encode.js'
import type { DecodedPath } from '../src/formats/cgf/pathStruct.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { median, table, timeAsync } from './lib.js'

const PATHS = 863
const STEPS = 10_600_000
/** l7g design note: whole-genome concordance of two genomes' high-quality data, ~4 ms */
const L7G_MS = 4

/** Path lengths summing to STEPS, the same for every genome. */
function pathLengths(): number[] {
  const rand = seededRandom(1)
  const w = Array.from({ length: PATHS }, () => 0.5 + rand())
  const sum = w.reduce((a, b) => a + b, 0)
  const lens = w.map((x) => Math.floor((x / sum) * STEPS))
  lens[0]! += STEPS - lens.reduce((a, b) => a + b, 0)
  return lens
}

/** One synthetic band: ~2 % of steps non-canonical (some of them spanning), ~0.5 % no-call. */
function syntheticBand(n: number, rand: () => number): Band {
  const A = new Array<number>(n).fill(0)
  const B = new Array<number>(n).fill(0)
  const NA: number[][] = Array.from({ length: n }, () => [])
  const NB: number[][] = Array.from({ length: n }, () => [])
  const variant = () => (rand() < 0.9 ? 1 + Math.floor(rand() * 6) : 7 + Math.floor(rand() * 200))
  for (let t = 0; t < n; t++) {
    const r = rand()
    if (r < 0.017) {
      // span-1 non-canonical: het or hom
      const which = rand()
      if (which < 0.5) A[t] = variant()
      else if (which < 0.75) B[t] = variant()
      else A[t] = B[t] = variant()
    } else if (r < 0.02 && t + 2 < n) {
      // a 2-step spanning tile on one allele
      A[t] = variant()
      A[t + 1] = -1
      t++
    } else if (r < 0.025) {
      const run = [Math.floor(rand() * 200), 1 + Math.floor(rand() * 20)]
      NA[t] = run
      NB[t] = rand() < 0.7 ? run.slice() : []
    }
  }
  return { variants: [A, B], nocalls: [NA, NB] }
}

function* genome(seed: number, lens: number[]): Generator<CgfPathInput> {
  const rand = seededRandom(seed)
  for (let p = 0; p < PATHS; p++) yield { path: p, band: syntheticBand(lens[p]!, rand) }
}

async function decodeAll(bytes: Uint8Array): Promise<DecodedPath[]> {
  const reader = new CgfReader({
    name: 'genome.cgf3',
    handle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])),
  })
  const out: DecodedPath[] = []
  for (const e of await reader.getPaths()) out.push(await reader.decodePath(e.path))
  return out
}

export async function run(): Promise<string> {
  const lens = pathLengths()
  let t0 = performance.now()
  const g1 = encodeCgf(genome(11, lens))
  const encodeSecs = (performance.now() - t0) / 1000
  const g2 = encodeCgf(genome(22, lens))
  const decodeSecs = await timeAsync(() => decodeAll(g1), 5)
  const d1 = await decodeAll(g1)
  const d2 = await decodeAll(g2)
  let result = { hiq: 0, match: 0 }
  const concordanceMs: number[] = []
  for (let r = 0; r < 15; r++) {
    t0 = performance.now()
    result = { hiq: 0, match: 0 }
    for (let p = 0; p < PATHS; p++) concordance(d1[p]!, d2[p]!, result)
    concordanceMs.push(performance.now() - t0)
  }
  const concMs = median(concordanceMs)
  const steps = d1.reduce((a, d) => a + d.n, 0)
  const mib = (b: number) => (b / 2 ** 20).toFixed(2)
  return [
    '### CGF v3: synthetic whole genome',
    '',
    `Synthetic genome: ${PATHS} paths, ${steps.toLocaleString('en')} steps, ~2 % non-canonical ` +
      '(1.7 % span-1, 0.3 % two-step spanning tiles), ~0.5 % no-call (70 % hom runs). Two genomes, ' +
      'seeds 11 and 22. In-process (`npx tsx benchmarks/run.ts cgf`); decode reads through a ' +
      '`CgfReader` over an in-memory BlobFile: one sequential scan, then each PathStruct parsed and ' +
      'decoded to Int32Array variants, bit words and no-call arrays.',
    '',
    table(
      ['measure', 'value'],
      [
        ['encoded size, genome 1', `${g1.length.toLocaleString('en')} B (${mib(g1.length)} MiB)`],
        ['encoded size, genome 2', `${g2.length.toLocaleString('en')} B (${mib(g2.length)} MiB)`],
        ['encode genome 1 (band → CGF, one run)', `${encodeSecs.toFixed(2)} s`],
        ['decode all paths to arrays (median of 5)', `${(decodeSecs * 1000).toFixed(0)} ms`],
        [
          'concordance genome 1 vs 2, hiq steps (median of 15)',
          `${concMs.toFixed(2)} ms (${result.match.toLocaleString('en')} / ${result.hiq.toLocaleString('en')} hiq steps agree)`,
        ],
        ['ratio to the l7g estimate (~4 ms)', `${(concMs / L7G_MS).toFixed(2)}×`],
      ],
    ),
    '',
    'Concordance works on the decoded bit words: steps canonical in both genomes are counted 32 at ' +
      'a time by popcount; only the other high-quality steps compare variant arrays. It excludes decode time.',
    '',
  ].join('\n')
}
