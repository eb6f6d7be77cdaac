// A VCF read in windows of steps, its tiles spilled to disk (the build's memory flat in the
// samples), gives the same library and the same matrix rows as the path read whole.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VcfHaplotypeSource } from '../src/tiling/haplotypes.js'
import { openReference } from '../src/tiling/reference.js'
import type { ReferenceFasta } from '../src/tiling/reference.js'
import { RowSpill } from '../src/tiling/rowSpill.js'
import { pickTags } from '../src/tiling/tags.js'
import type { PathTags } from '../src/tiling/tags.js'
import { PathLibraryBuilder } from '../src/tiling/tiles.js'
import type { PathRow, PathVariants } from '../src/tiling/tiles.js'

const fa = 'testdata/chr20/20.1-4000000.fa.gz'
const vcf = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'

/** Every path's library and rows, with the source's overlaps; `windowValues` reads in windows. */
async function libraries(
  ref: ReferenceFasta,
  paths: PathTags[],
  spill?: RowSpill,
  windowValues?: number,
) {
  const src = await VcfHaplotypeSource.open(vcf, ref)
  const out: { lib: PathVariants; rows: PathRow[]; windows: number }[] = []
  let builder: PathLibraryBuilder | undefined
  let windows = 0
  const opts = windowValues === undefined ? {} : { windowValues }
  for await (const ph of src.paths(paths, opts)) {
    const p = ph.path
    builder ??= new PathLibraryBuilder(p, await ref.fetch(p.chrom, p.start, p.end), 600, spill)
    for (let h = 0; h < ph.nHaplotypes; h++) builder.addEdits(h, ph.edits(h))
    windows++
    if (spill) await builder.endWindow(ph.steps[1])
    if (!ph.last) continue
    const lib = spill ? builder.finish('spilled') : builder.finish()
    const rows: PathRow[] = []
    for await (const r of lib.rows())
      rows.push({ values: r.values.slice(), nocalls: r.nocalls.map(([h, runs]) => [h, [...runs]]) })
    out.push({ lib, rows, windows })
    builder = undefined
    windows = 0
  }
  return { out, overlaps: src.overlaps }
}

describe('a VCF read in windows of steps', () => {
  let ref: ReferenceFasta
  let paths: PathTags[]
  const dir = mkdtempSync(join(tmpdir(), 'lt-windows-'))
  beforeAll(async () => {
    ref = await openReference(fa)
    paths = await pickTags(ref, { pathLength: 1_000_000 })
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('gives the library and every row of the 600 haplotypes of the whole path', async () => {
    const whole = await libraries(ref, paths)
    const spill = await RowSpill.create(join(dir, 'rows'))
    // 600 haplotypes × 40 steps: about a hundred windows per path
    const windowed = await libraries(ref, paths, spill, 600 * 40)
    await spill.close()
    expect(windowed.out).toHaveLength(paths.length)
    expect(windowed.overlaps).toEqual(whole.overlaps)
    for (const [i, w] of windowed.out.entries()) {
      const a = whole.out[i]!
      expect(a.windows).toBe(1)
      // path 0 ends before the VCF's first record (1 Mb): a window is cut as records come
      if (i > 0) expect(w.windows).toBeGreaterThan(20)
      expect(w.lib.variants).toEqual(a.lib.variants)
      expect(w.lib.refVariant).toEqual(a.lib.refVariant)
      expect(w.rows.length).toBe(a.lib.nSteps)
      const differ = w.rows.flatMap((r, s) => {
        const b = a.rows[s]!
        const same =
          Buffer.from(r.values.buffer).equals(Buffer.from(b.values.buffer)) &&
          JSON.stringify(r.nocalls) === JSON.stringify(b.nocalls)
        return same ? [] : [s]
      })
      expect(differ).toEqual([])
    }
    // the reference's N (the start of chr20) are no-call runs of every haplotype there
    expect(whole.out[0]!.rows[0]!.nocalls).toHaveLength(600)
  }, 300_000)
})
