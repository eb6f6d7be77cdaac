// cgf export: one sample of a store as CGF v3, byte for byte what `build --cgf` writes for it,
// from a store of cohort matrices (no CGFs) and from one built with --cgf, with either tile map.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { storeSampleToCgf } from '../src/export/cgf.js'
import { formatProblem, verifyStore } from '../src/inspect/verify.js'
import { openStore } from '../src/store/node.js'
import { storeFiles } from '../src/store/layout.js'
import { runCli } from './cli.js'
import { testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101']
const matrixOnly = testdataStore('cgf-export-', SAMPLES, 1_000_000)
const withCgf = testdataStore('cgf-export-cgf-', SAMPLES, 1_000_000, { cgf: true })
const fullMap = testdataStore('cgf-export-full-', SAMPLES, 1_000_000, {
  cgf: true,
  fullTileMap: true,
})

const built = (store: { dir: string }, sample: string) =>
  readFileSync(join(store.dir, storeFiles.genome(sample)))

describe('cgf export', () => {
  it('a store built without --cgf has no CGFs, and exports the bytes a --cgf build writes', async () => {
    expect(matrixOnly.manifest.samples.every((s) => s.cgf === undefined)).toBe(true)
    expect(withCgf.manifest.samples.map((s) => s.cgf)).toEqual(
      SAMPLES.map((s) => storeFiles.genome(s)),
    )
    for (const sample of ['HG00096', 'HG00100', 'HG00101']) {
      const out = join(matrixOnly.tmp, `${sample}.cgf3`)
      const r = await runCli('cgf', 'export', matrixOnly.dir, '--sample', sample, '-o', out)
      expect(r.code).toBe(0)
      expect(readFileSync(out).equals(built(withCgf, sample))).toBe(true)
    }
  })

  it('a store without CGFs verifies: every genome read from the matrix adds up to the counts', async () => {
    expect(existsSync(join(matrixOnly.dir, 'genomes'))).toBe(false)
    const r = await verifyStore(openStore(matrixOnly.dir))
    expect(r.problems.map(formatProblem)).toEqual([])
    expect(r.checked.samples).toBe(SAMPLES.length)
    expect(r.checked.hashed).toBe(Object.keys(matrixOnly.manifest.files ?? {}).length)
    expect(Object.keys(matrixOnly.manifest.files ?? {})).toEqual(
      expect.arrayContaining(matrixOnly.manifest.paths.map((p) => storeFiles.genotypes(p.path))),
    )
  })

  it('every sample, from the matrix of a --cgf store, equals its CGF', async () => {
    const store = openStore(withCgf.dir)
    for (const sample of SAMPLES)
      expect(
        Buffer.from(await storeSampleToCgf(store, sample)).equals(built(withCgf, sample)),
      ).toBe(true)
  })

  it('with --cgft-tile-map: the bytes of build --cgf --cgft-tile-map', async () => {
    for (const sample of ['HG00097', 'HG00099']) {
      const out = join(fullMap.tmp, `${sample}.cgf3`)
      const r = await runCli(
        'cgf',
        'export',
        matrixOnly.dir,
        '--sample',
        sample,
        '-o',
        out,
        '--cgft-tile-map',
      )
      expect(r.code).toBe(0)
      expect(readFileSync(out).equals(built(fullMap, sample))).toBe(true)
      // and not the default-map file
      expect(readFileSync(out).equals(built(withCgf, sample))).toBe(false)
    }
  })

  it('an unknown sample is a one-line error', async () => {
    const r = await runCli('cgf', 'export', matrixOnly.dir, '--sample', 'NA00000')
    expect(r.code).not.toBe(0)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toContain("no sample 'NA00000'")
  })
})
