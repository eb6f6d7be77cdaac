import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import { storeFiles } from '../src/store/layout.js'
import { parseManifest } from '../src/store/manifest.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { encodeCgf } from '../src/formats/cgf/encode.js'
import { DEFAULT_TILE_MAP } from '../src/formats/cgf/defaultTileMap.js'
import { HEXIT_TILE_MAP } from '../src/formats/cgf/tileMap.js'
import { LocalFile } from 'generic-filehandle2'
import { buildStore } from '../src/tiling/build.js'

// A small random reference (two contigs) and VCFs written per test: each error rule of the
// build gets bad input, and the test checks the message and that no store was left behind.
const dir = mkdtempSync(join(tmpdir(), 'build-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const random = seededRandom(12345)
const base = () => 'ACGT'[Math.floor(random() * 4)]!
const chr1 = Array.from({ length: 6000 }, base).join('')
const chr2 = Array.from({ length: 3000 }, base).join('')
const REF = join(dir, 'ref.fa')
writeFileSync(
  REF,
  `>chr1\n${chr1.replace(/(.{60})/g, '$1\n')}\n>chr2\n${chr2.replace(/(.{60})/g, '$1\n')}\n`,
)

function vcf(name: string, samples: string[], records: string[]): string {
  const file = join(dir, name)
  const header = [
    '##fileformat=VCFv4.2',
    '##contig=<ID=chr1,length=6000>',
    '##contig=<ID=chr2,length=3000>',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join(
      '\t',
    ),
  ]
  writeFileSync(file, [...header, ...records].join('\n') + '\n')
  return file
}
const rec = (chrom: string, pos: number, ref: string, alt: string, ...gts: string[]) =>
  [chrom, pos, '.', ref, alt, '.', 'PASS', '.', 'GT', ...gts].join('\t')
const at = (seq: string, pos: number) => seq[pos - 1]!
const other = (b: string) => (b === 'A' ? 'C' : 'A')

/** Build into a fresh `out`; return the error it raised (or undefined) and what is left in dir. */
async function attempt(
  file: string,
  opts: { skipRefMismatch?: boolean; out?: string; force?: boolean; cgf?: boolean } = {},
) {
  const out = opts.out ?? join(dir, `store-${Math.random().toString(36).slice(2)}`)
  let error: unknown
  try {
    await buildStore({ reference: REF, vcf: file, out, pathLength: 3000, ...opts })
  } catch (err) {
    error = err
  }
  const leftovers = readdirSync(dir).filter((f) => f.includes('.tmp-'))
  return { error, out, leftovers }
}

describe('build: bad input gives a clear error and leaves no store behind', () => {
  it('REF that disagrees with the FASTA names the position', async () => {
    const wrong = other(at(chr1, 1000))
    const file = vcf('mismatch.vcf', ['S1'], [rec('chr1', 1000, wrong, 'G', '0|1')])
    const r = await attempt(file)
    expect(r.error).toBeInstanceOf(FormatError)
    expect((r.error as FormatError).message).toMatch(
      /REF . at chr1:1000 does not match the reference/,
    )
    expect((r.error as FormatError).file).toBe(file)
    expect((r.error as FormatError).line).toBe(6)
    expect(existsSync(r.out)).toBe(false)
    expect(r.leftovers).toEqual([])
  })

  it('--skip-ref-mismatch skips and counts instead', async () => {
    const wrong = other(at(chr1, 1000))
    const file = vcf('mismatch2.vcf', ['S1'], [rec('chr1', 1000, wrong, 'G', '0|1')])
    const r = await attempt(file, { skipRefMismatch: true })
    expect(r.error).toBeUndefined()
    const m = parseManifest(readFileSync(join(r.out, 'manifest.json'), 'utf8'))
    expect(m.source.skippedRefMismatches).toBe(1)
  })

  it('a contig absent from the reference', async () => {
    const file = vcf('contig.vcf', ['S1'], [rec('chr9', 10, 'A', 'G', '0|1')])
    const r = await attempt(file)
    expect((r.error as Error).message).toMatch(/contig chr9 is not in the reference/)
    expect((r.error as FormatError).line).toBe(6)
    expect(existsSync(r.out)).toBe(false)
  })

  it('unsorted records', async () => {
    const file = vcf(
      'unsorted.vcf',
      ['S1'],
      [
        rec('chr1', 2000, at(chr1, 2000), other(at(chr1, 2000)), '0|1'),
        rec('chr1', 1500, at(chr1, 1500), other(at(chr1, 1500)), '1|0'),
      ],
    )
    const r = await attempt(file)
    expect((r.error as Error).message).toMatch(
      /position 1500 comes after 2000 on chr1 \(unsorted VCF\)/,
    )
    expect(existsSync(r.out)).toBe(false)
  })

  it('contigs out of reference order', async () => {
    const file = vcf(
      'order.vcf',
      ['S1'],
      [
        rec('chr2', 100, at(chr2, 100), other(at(chr2, 100)), '0|1'),
        rec('chr1', 100, at(chr1, 100), other(at(chr1, 100)), '1|0'),
      ],
    )
    const r = await attempt(file)
    expect((r.error as Error).message).toMatch(/unsorted VCF|out of order/)
    expect(existsSync(r.out)).toBe(false)
  })

  it('duplicate sample names', async () => {
    const file = vcf(
      'dup.vcf',
      ['S1', 'S2', 'S1'],
      [rec('chr1', 10, at(chr1, 10), 'G', '0|1', '0|0', '1|1')],
    )
    const r = await attempt(file)
    expect((r.error as Error).message).toMatch(/duplicate sample name S1 \(columns 10 and 12\)/)
    expect(existsSync(r.out)).toBe(false)
  })

  it('a failed rebuild leaves the existing store intact', async () => {
    const good = vcf(
      'good.vcf',
      ['S1', 'S2'],
      [rec('chr1', 1000, at(chr1, 1000), other(at(chr1, 1000)), '0|1', '1/0')],
    )
    const first = await attempt(good)
    expect(first.error).toBeUndefined()
    const before = readFileSync(join(first.out, 'manifest.json'), 'utf8')
    const m = parseManifest(before)
    // unphased genotypes keep their written order and mark the sample unphased
    expect(m.samples.map((s) => [s.name, s.phased])).toEqual([
      ['S1', true],
      ['S2', false],
    ])
    const bad = vcf('bad.vcf', ['S1'], [rec('chr9', 10, 'A', 'G', '0|1')])
    const second = await attempt(bad, { out: first.out, force: true })
    expect(second.error).toBeInstanceOf(FormatError)
    expect(readFileSync(join(first.out, 'manifest.json'), 'utf8')).toBe(before)
    expect(second.leftovers).toEqual([])
  })
})

describe('build: CGF tile map', () => {
  it("writes the 16 hexit entries by default, and cgft's full map on request, same genomes", async () => {
    const file = vcf(
      'tilemap.vcf',
      ['S1', 'S2'],
      [
        rec('chr1', 1000, at(chr1, 1000), other(at(chr1, 1000)), '0|1', '1|1'),
        rec('chr2', 500, at(chr2, 500), 'AAA', '1|0', '0|1'),
      ],
    )
    const short = (await attempt(file, { cgf: true })).out
    // the PathStructs spilled during the build are gone from the finished store
    expect(readdirSync(short).filter((f) => f.startsWith('.'))).toEqual([])
    const full = join(dir, 'store-full')
    await buildStore({
      reference: REF,
      vcf: file,
      out: full,
      pathLength: 3000,
      cgf: true,
      fullTileMap: true,
    })
    for (const sample of ['S1', 'S2']) {
      const open = (store: string) => {
        const f = join(store, storeFiles.genome(sample))
        return new CgfReader({ name: f, handle: new LocalFile(f) })
      }
      const a = open(short)
      const b = open(full)
      expect((await a.getHeader()).tileMap).toBe(HEXIT_TILE_MAP)
      expect((await b.getHeader()).tileMap).toBe(DEFAULT_TILE_MAP)
      const paths = await a.getPaths()
      expect(paths.map((p) => p.path)).toEqual((await b.getPaths()).map((p) => p.path))
      for (const p of paths) expect(await a.band(p.path)).toEqual(await b.band(p.path))
      // the full-map file is what encodeCgf (byte-identical to cgft) makes of the same bands
      const bands = await Promise.all(
        paths.map(async (p) => ({ path: p.path, band: await a.band(p.path) })),
      )
      const libraryVersion = (await a.getHeader()).libraryVersion
      expect(
        Buffer.from(encodeCgf(bands, { libraryVersion })).equals(
          readFileSync(join(full, storeFiles.genome(sample))),
        ),
      ).toBe(true)
    }
  })
})
