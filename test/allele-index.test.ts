// The allele index (src/alleles): queries that look genotypes up in it give exactly what the
// tiles give when every tile variant is aligned again (a copy of the same store without the index
// reads that way), for the VCF export (all samples, a subset, regions), view's per-group counts
// counted per tile variant, and `lightning-tiles index` on a store without one writes the very
// files the build writes. The export itself is checked against bcftools in vcf-export, gvcf-real
// and add tests, which now read through the index.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { parseAlleleSite } from '../src/alleles/site.js'
import { storeToVcf, storeToVcfBytes } from '../src/export/vcf.js'
import { prepareQuery } from '../src/query/view.js'
import type { QueryOptions } from '../src/query/view.js'
import { storeFiles } from '../src/store/layout.js'
import { openStore } from '../src/store/node.js'
import { Store } from '../src/store/Store.js'
import { LocalFile } from 'generic-filehandle2'
import { runCli } from './cli.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

// the first 80 samples of the testdata VCF, from its #CHROM line
const SAMPLES = gunzipSync(readFileSync(TESTDATA_VCF))
  .toString('utf8')
  .split('\n')
  .find((l) => l.startsWith('#CHROM'))!
  .split('\t')
  .slice(9, 89)

/** A copy of the store at `dir` without its allele index (as a store built before it). */
function withoutIndex(dir: string, to: string): string {
  rmSync(to, { recursive: true, force: true })
  cpSync(dir, to, { recursive: true })
  rmSync(join(to, 'alleles'), { recursive: true, force: true })
  const m = JSON.parse(readFileSync(join(to, storeFiles.manifest), 'utf8')) as {
    files: Record<string, unknown>
  }
  for (const rel of Object.keys(m.files)) if (rel.startsWith('alleles/')) delete m.files[rel]
  writeFileSync(join(to, storeFiles.manifest), JSON.stringify(m, null, 2) + '\n')
  return to
}

async function vcfText(dir: string, opts: Parameters<typeof storeToVcf>[1] = {}) {
  const lines: string[] = []
  for await (const l of storeToVcf(openStore(dir), opts)) lines.push(l)
  return lines
}

async function counts(dir: string, opts: QueryOptions) {
  const q = await prepareQuery(openStore(dir), opts)
  const out: string[] = []
  for await (const r of q.records())
    out.push([r.pos, r.id, r.ref, r.alt, ...r.counts.map((c) => `${c.ac}/${c.an}`)].join(' '))
  return out
}

for (const [name, pathLength] of [
  ['one path', 4_000_000],
  ['four paths', 1_000_000],
] as const)
  describe(`allele index, ${name}`, () => {
    const t = testdataStore('lt-alleles-', SAMPLES, pathLength)
    const bare = () => join(t.tmp, 'bare')

    it('the build writes one index per path, named in the manifest', () => {
      for (const p of t.manifest.paths) {
        expect(t.manifest.files?.[storeFiles.alleles(p.path)]?.size).toBeGreaterThan(0)
        expect(t.manifest.files?.[storeFiles.allelesIndex(p.path)]?.size).toBeGreaterThan(0)
      }
    })

    it('the VCF export reads the same records through the index as through the tiles', async () => {
      withoutIndex(t.dir, bare())
      const whole = await vcfText(t.dir)
      expect(whole.length).toBeGreaterThan(5000)
      expect(whole).toEqual(await vcfText(bare()))
      const subset = { samples: [SAMPLES[7]!, SAMPLES[3]!, SAMPLES[7]!] }
      expect(await vcfText(t.dir, subset)).toEqual(await vcfText(bare(), subset))
      // the same VCF as bytes (megabyte chunks: several here), fresh or one buffer written over
      for (const reuse of [false, true]) {
        let text = ''
        let chunks = 0
        for await (const chunk of storeToVcfBytes(openStore(t.dir), { reuse })) {
          text += new TextDecoder().decode(chunk)
          chunks++
        }
        expect(chunks).toBeGreaterThan(1)
        expect(text).toBe(whole.join('\n') + '\n')
      }
      for (const [start, end] of [
        [1_000_000, 1_000_001],
        [1_998_000, 2_003_000],
        [2_999_990, 3_000_010],
      ] as const) {
        const opts = { region: { chrom: '20', start, end }, samples: SAMPLES.slice(10, 14) }
        expect(await vcfText(t.dir, opts)).toEqual(await vcfText(bare(), opts))
      }
    })

    it("view's per-group counts per tile variant equal those from the genotypes", async () => {
      const groups = [`,${SAMPLES.slice(0, 30).join(',')}`, `,${SAMPLES.slice(20, 70).join(',')}`]
      const regions = [
        { chrom: '20', start: 1_000_000, end: 1_400_000 },
        { chrom: '20', start: 1_900_000, end: 2_100_000 },
      ]
      const fast = await counts(t.dir, { groups, regions, genotypes: false })
      expect(fast.length).toBeGreaterThan(1000)
      expect(fast).toEqual(await counts(t.dir, { groups, regions }))
      expect(fast).toEqual(await counts(bare(), { groups, regions, genotypes: false }))
      // a frequency filter sees the same counts
      const filter = 'AC1 > 0 && AC2 == 0'
      const kept = await counts(t.dir, { groups, regions, filter, genotypes: false })
      expect(kept.length).toBeGreaterThan(0)
      expect(kept).toEqual(await counts(bare(), { groups, regions, filter }))
    })

    it('a region query reads no tile sequence of the library (only the index and the matrix)', async () => {
      const opened: string[] = []
      const store = Store.open((rel) => {
        opened.push(rel)
        return new LocalFile(join(t.dir, rel))
      })
      // across the join of two paths (four paths): their tiles align the same joined as apart
      const region = { chrom: '20', start: 1_980_000, end: 2_030_000 }
      const lines: string[] = []
      for await (const l of storeToVcf(store, { region, samples: SAMPLES.slice(0, 5) }))
        lines.push(l)
      expect(lines.filter((l) => !l.startsWith('#')).length).toBeGreaterThan(30)
      expect(opened.filter((rel) => rel.endsWith('.tar.gz'))).toEqual([])
      expect(opened.some((rel) => rel.startsWith('alleles/'))).toBe(true)
    })

    it('an index the manifest says was written for another library is not read', async () => {
      const stale = join(t.tmp, 'stale')
      rmSync(stale, { recursive: true, force: true })
      cpSync(t.dir, stale, { recursive: true })
      const mf = join(stale, storeFiles.manifest)
      const m = JSON.parse(readFileSync(mf, 'utf8')) as { alleles: { libraryVersion: string } }
      expect(m.alleles.libraryVersion).toBe(t.manifest.libraryVersion)
      // as a tool that added tile variants without rewriting the index would leave it
      m.alleles.libraryVersion = '0'.repeat(32)
      writeFileSync(mf, JSON.stringify(m))
      const opened: string[] = []
      const store = Store.open((rel) => {
        opened.push(rel)
        return new LocalFile(join(stale, rel))
      })
      const region = { chrom: '20', start: 2_400_000, end: 2_420_000 }
      const lines: string[] = []
      for await (const l of storeToVcf(store, { region })) lines.push(l)
      expect(opened.some((rel) => rel.startsWith('alleles/'))).toBe(false)
      expect(opened.some((rel) => rel.endsWith('.tar.gz'))).toBe(true)
      expect(lines).toEqual(await vcfText(t.dir, { region }))
    })

    it('lightning-tiles index gives a store built before it the same index, and verify passes', async () => {
      withoutIndex(t.dir, bare())
      const r = await runCli('index', bare())
      expect(r.code, r.err).toBe(0)
      expect(r.err).toMatch(/^indexed \d+ alleles of /m)
      for (const p of t.manifest.paths)
        for (const rel of [storeFiles.alleles(p.path), storeFiles.allelesIndex(p.path)])
          expect(readFileSync(join(bare(), rel))).toEqual(readFileSync(join(t.dir, rel)))
      const v = await runCli('verify', bare())
      expect(v.code, v.err).toBe(0)
    })
  })

it('a malformed index line is one FormatError naming the file', () => {
  const place = { file: 'alleles/0000.vcf.gz' }
  expect(() => parseAlleleSite('20\t100\t.\tA\tC\t.\t.\tTV=1g:x', place)).toThrow(FormatError)
  expect(() => parseAlleleSite('20\t100\t.\tA\tC\t.\t.\tTV=1g:x', place)).toThrow(
    /alleles\/0000\.vcf\.gz.*STEP:V/,
  )
  expect(() => parseAlleleSite('20\t100\t.\tA\tC\t.\t.\t.', place)).toThrow(/INFO TV=/)
})
