// A store built from testdata/chr20 (3 Mb of reference, the 300-sample VCF) for one test file: built
// in a temporary folder before its tests, removed after them. Node-only test helper.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { StoreManifest } from '../src/store/manifest.js'
import { buildStore } from '../src/tiling/build.js'
import type { BuildOptions } from '../src/tiling/build.js'

export const TESTDATA_REF = 'testdata/chr20/20.1-4000000.fa.gz'
export const TESTDATA_VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'

export interface TestdataStore {
  /** the temporary folder, removed after the tests; the store is its `store` subfolder */
  tmp: string
  dir: string
  /** the built store's manifest (readable from the tests and later beforeAll hooks) */
  readonly manifest: StoreManifest
}

/** Register the hooks that build the store of `samples` with paths of `pathLength` bases. */
export function testdataStore(
  prefix: string,
  samples: string[],
  pathLength: number,
  /** e.g. `{ cgf: true }` for tests that read the CGFs */
  extra: Pick<BuildOptions, 'cgf' | 'fullTileMap' | 'sglf'> = {},
): TestdataStore {
  const tmp = mkdtempSync(join(tmpdir(), prefix))
  const dir = join(tmp, 'store')
  let manifest: StoreManifest | undefined
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))
  beforeAll(async () => {
    ;({ manifest } = await buildStore({
      reference: TESTDATA_REF,
      vcf: TESTDATA_VCF,
      out: dir,
      samples,
      pathLength,
      ...extra,
    }))
    // a shared, loaded machine can take minutes
  }, 300_000)
  return {
    tmp,
    dir,
    get manifest() {
      if (manifest === undefined) throw new Error('the testdata store is built in beforeAll')
      return manifest
    },
  }
}
