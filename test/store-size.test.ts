// What a store holds by default, kept small because it grows with the cohort: no SGLF (it repeats
// the 2bit tar; `--sglf` or export-l7g make it), the skip list bgzipped, one manifest line per
// sample. Checked on the testdata cohort against a build with every optional part.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportL7g } from '../src/l7g/export.js'
import { storeFiles } from '../src/store/layout.js'
import { parseManifest } from '../src/store/manifest.js'
import { buildStore } from '../src/tiling/build.js'
import { hasTool } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF } from './testdataStore.js'

const tmp = mkdtempSync(join(tmpdir(), 'store-size-'))
const plain = join(tmp, 'plain')
const full = join(tmp, 'full')
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
beforeAll(async () => {
  // 40 samples: enough for overlaps to be skipped, small enough to build twice quickly
  const samples = execFileSync('bcftools', ['query', '-l', TESTDATA_VCF], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .slice(0, 40)
  const common = { reference: TESTDATA_REF, vcf: TESTDATA_VCF, pathLength: 1_500_000, samples }
  await buildStore({ ...common, out: plain })
  await buildStore({ ...common, out: full, sglf: true })
}, 120_000)

describe('store defaults', () => {
  it('writes no SGLF by default; export-l7g derives the same SGLF text --sglf writes', async () => {
    const m = parseManifest(readFileSync(join(plain, storeFiles.manifest), 'utf8'))
    expect(m.paths.length).toBeGreaterThan(1)
    expect(existsSync(join(plain, 'sglf'))).toBe(false)
    const out = join(tmp, 'l7g')
    await exportL7g(plain, out)
    for (const p of m.paths) {
      const rel = storeFiles.sglf(p.path)
      const derived = gunzipSync(readFileSync(join(out, rel))).toString()
      expect(derived.length).toBeGreaterThan(0)
      expect(derived).toBe(gunzipSync(readFileSync(join(full, rel))).toString())
    }
  })

  it.runIf(hasTool('bgzip'))(
    'skipped.tsv.gz is BGZF that bgzip reads, listing the overlaps',
    () => {
      const file = join(plain, storeFiles.skipped)
      execFileSync('bgzip', ['-t', file])
      const lines = execFileSync('bgzip', ['-dc', file], { encoding: 'utf8' }).split('\n')
      expect(lines[0]).toBe('#CHROM\tPOS\tSAMPLE\tHAPLOTYPE\tREASON')
      const m = parseManifest(readFileSync(join(plain, storeFiles.manifest), 'utf8'))
      const overlaps = lines.filter((l) => l.endsWith('\toverlaps an applied variant'))
      expect(overlaps.length).toBe(m.source.skippedOverlaps)
      expect(overlaps.length).toBeGreaterThan(0)
    },
  )

  it('the manifest has one line per sample and per file, and parses to the same object', () => {
    const text = readFileSync(join(plain, storeFiles.manifest), 'utf8')
    const m = parseManifest(text)
    expect(JSON.parse(text)).toEqual(m)
    const lines = text.split('\n')
    for (const s of m.samples)
      expect(lines.filter((l) => l.includes(`"name":"${s.name}"`))).toHaveLength(1)
    for (const rel of Object.keys(m.files ?? {}))
      expect(lines.filter((l) => l.trimStart().startsWith(`"${rel}": {`))).toHaveLength(1)
    // indented like JSON.stringify(m, null, 2) above the one-line leaves
    expect(lines[1]).toMatch(/^ {2}"format": /)
  })
})
