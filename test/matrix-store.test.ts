// The cohort matrix on real data: a store built from testdata/chr20 (300 samples, paths of 1 Mb),
// every sample's band read from its CGF, one matrix file per path, and every band decoded back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CgfReader } from '../src/formats/cgf/reader.js'
import type { Band } from '../src/formats/band/band.js'
import { bandsToRows, sampleBand } from '../src/matrix/band.js'
import { MatrixReader } from '../src/matrix/reader.js'
import { SegmentedMatrix } from '../src/matrix/segments.js'
import { MatrixWriter } from '../src/matrix/writer.js'
import type { StoreManifest } from '../src/store/manifest.js'
import { buildStore } from '../src/tiling/build.js'
import { named } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF } from './testdataStore.js'

const tmp = mkdtempSync(join(tmpdir(), 'matrix-store-'))
const store = join(tmp, 'store')
let manifest: StoreManifest
/** bands[path index][sample index], from the CGFs */
let bands: Band[][]

beforeAll(async () => {
  ;({ manifest } = await buildStore({
    reference: TESTDATA_REF,
    vcf: TESTDATA_VCF,
    out: store,
    pathLength: 1_000_000,
    cgf: true,
  }))
  const readers = manifest.samples.map((s) => new CgfReader(named(join(store, s.cgf!))))
  bands = []
  for (const p of manifest.paths) bands.push(await Promise.all(readers.map((r) => r.band(p.path))))
}, 300_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function writeMatrix(file: string, path: number, pathBands: Band[], checkpointRows: number) {
  const w = await MatrixWriter.create(file, {
    path,
    haplotypes: 2 * pathBands.length,
    checkpointRows,
  })
  for (const row of bandsToRows(pathBands)) await w.addRow(row.values, row.nocalls)
  await w.close()
  return new MatrixReader(named(file))
}

describe('cohort matrix of the 300 testdata genomes', () => {
  it('gives back every band of every CGF, path by path', async () => {
    expect(manifest.samples).toHaveLength(300)
    expect(manifest.paths.length).toBeGreaterThan(2)
    let nocallCells = 0
    for (const [i, p] of manifest.paths.entries()) {
      const reader = await writeMatrix(join(tmp, `${i}.ltcm`), p.path, bands[i]!, 1024)
      expect(await reader.info()).toEqual({ path: p.path, rows: p.steps, haplotypes: 600 })
      for (const [s, band] of bands[i]!.entries()) {
        // every variant and no-call run (as JSON: a deep toEqual of 300 bands is slow)
        expect(JSON.stringify(await sampleBand(reader, s))).toBe(JSON.stringify(band))
        nocallCells += band.nocalls.flat().filter((runs) => runs.length > 0).length
      }
      // the whole path at once, all 600 haplotypes
      const all = await reader.decode()
      bands[i]!.forEach((band, s) => {
        for (let k = 0; k < p.steps; k += 97) {
          expect(all.values[k * 600 + 2 * s]).toBe(band.variants[0][k])
          expect(all.values[k * 600 + 2 * s + 1]).toBe(band.variants[1][k])
        }
      })
    }
    // the real data has no-calls (the N run at the start of chr20), so they are exercised
    expect(nocallCells).toBeGreaterThan(0)
  })

  it('as segments (samples added later), every band is the same', async () => {
    const i = 1
    const p = manifest.paths[i]!
    const cut = [0, 1, 120, 300]
    const segments: MatrixReader[] = []
    for (let s = 0; s + 1 < cut.length; s++)
      segments.push(
        await writeMatrix(
          join(tmp, `seg${s}.ltcm`),
          p.path,
          bands[i]!.slice(cut[s], cut[s + 1]),
          300,
        ),
      )
    const matrix = new SegmentedMatrix(segments)
    for (const s of [0, 1, 119, 120, 200, 299])
      expect(JSON.stringify(await sampleBand(matrix, s))).toBe(JSON.stringify(bands[i]![s]))
  })
})
