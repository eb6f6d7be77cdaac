// `add` and `compact` on testdata/chr20: the 300-sample VCF split by `bcftools view -S` into a base
// of 289 samples, 10 added with the CLI, then 1 more with the API. Checked against bcftools: every
// haplotype of the added samples (and of old samples of the base) equals `bcftools consensus`, and
// `vcf` over all 300 gives the original VCF's genotypes back. The base's tile variants keep their
// IDs and sequences, its matrix keeps its bytes; `compact` changes no answer; a different reference,
// a sample already there and a damaged store are refused and leave the store's bytes as they were.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTileId } from '../src/core/tileId.js'
import { openTileResolver } from '../src/resolver/node.js'
import { storeFiles } from '../src/store/layout.js'
import { openStore } from '../src/store/node.js'
import { addToStore } from '../src/tiling/add.js'
import { buildStore } from '../src/tiling/build.js'
import { allAgree, compareVcfFiles, formatComparison } from '../scripts/compare-vcf.js'
import { runCli } from './cli.js'
import { hasTool } from './shared.js'

const REF = 'testdata/chr20/20.1-4000000.fa.gz'
const VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'
const dir = mkdtempSync(join(tmpdir(), 'add-'))
const store = join(dir, 'store')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sh = (cmd: string) =>
  execFileSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 })

/** md5 of every file under `root`, by relative name. */
function storeBytes(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const file = join(e.parentPath, e.name)
      out[relative(root, file)] = createHash('md5').update(readFileSync(file)).digest('hex')
    }
  return out
}

/** bcftools consensus of one haplotype of the original VCF, upper case. */
function consensus(sample: string, h: 1 | 2): string {
  return sh(`bcftools consensus -f ${REF} -s ${sample} -H ${h} ${VCF} 2>/dev/null`)
    .replace(/^>.*\n/gm, '')
    .replace(/\n/g, '')
    .toUpperCase()
}

/** Haplotype h (0, 1) of a sample of the store, upper case. */
async function haplotype(location: string, sample: string, h: 0 | 1): Promise<string> {
  const genome = await openTileResolver(location).genome(sample)
  return (await genome.sequence(h, { chrom: '20', start: 0, end: 4_000_000 })).toUpperCase()
}

/** Every tile variant of the store's path 0, step by step. */
async function library(location: string): Promise<string[][]> {
  const s = openStore(location)
  const { steps } = await s.path(0)
  const out: string[][] = []
  for (let step = 0; step < steps; step++) out.push(await s.tiles(0, step))
  return out
}

describe.skipIf(!hasTool('bcftools'))(
  'add and compact on chr20:1–4 Mb (289 + 10 + 1 samples)',
  () => {
    const names = sh(`bcftools query -l ${VCF}`).trim().split('\n')
    const base = names.slice(0, 289)
    const more = names.slice(289, 299)
    const one = names.slice(299)
    const part = (file: string, samples: string[]) => {
      writeFileSync(`${file}.txt`, samples.join('\n') + '\n')
      sh(`bcftools view -S ${file}.txt -Oz -o ${file} ${VCF} && bcftools index ${file}`)
      return file
    }
    let before: { bytes: Record<string, string>; library: string[][] }
    const phases = new Set<string>()

    beforeAll(async () => {
      const baseVcf = part(join(dir, 'base.vcf.gz'), base)
      await buildStore({ reference: REF, vcf: baseVcf, out: store })
      before = { bytes: storeBytes(store), library: await library(store) }
      const r = await runCli(
        'add',
        store,
        '--reference',
        REF,
        '--vcf',
        part(join(dir, 'more.vcf.gz'), more),
      )
      expect(r.err).toMatch(/added 10 sample\(s\)/)
      expect(r.code).toBe(0)
      await addToStore({
        store,
        reference: REF,
        vcf: part(join(dir, 'one.vcf.gz'), one),
        onProgress: (p) => phases.add(p.phase),
      })
    }, 1_200_000)

    it('lists the samples in order, one segment per add, and reports progress', async () => {
      const m = await openStore(store).manifest()
      expect(m.samples.map((s) => s.name)).toEqual(names)
      expect(m.genotypes!.segments.map((g) => g.samples.length)).toEqual([289, 10, 1])
      expect(m.added!.map((a) => [a.segment, a.samples])).toEqual([
        [1, 10],
        [2, 1],
      ])
      expect(phases).toContain('tiling the added haplotypes')
      expect(phases).toContain('hashing files')
    })

    it('keeps the base matrix, tagset and assembly byte for byte and every tile ID with its sequence', async () => {
      const after = storeBytes(store)
      for (const rel of [
        storeFiles.genotypes(0),
        storeFiles.tagset,
        storeFiles.assembly('20.1-4000000'),
      ])
        expect(after[rel], rel).toBe(before.bytes[rel])
      const lib = await library(store)
      let grown = 0
      before.library.forEach((seqs, step) => {
        expect(lib[step]!.slice(0, seqs.length)).toEqual(seqs)
        grown += lib[step]!.length - seqs.length
      })
      expect(grown).toBeGreaterThan(0)
      // and as the `tile` command prints them: a few old IDs, spanning ones among them
      const ids: string[] = []
      for (let step = 0; step < before.library.length && ids.length < 30; step += 577)
        before.library[step]!.forEach((_, variant) =>
          ids.push(formatTileId({ path: 0, version: 0, step, variant })),
        )
      const printed = (id: string, seqs: string[][]) => {
        const [, , s, v] = id.split('.')
        return seqs[parseInt(s!, 16)]![parseInt(v!, 16)]
      }
      for (const id of ids.slice(0, 30)) {
        const r = await runCli('tile', store, id)
        expect(r.code).toBe(0)
        expect(r.stdout.split('\n')[1]).toBe(printed(id, before.library))
      }
    })

    it('verify passes', async () => {
      const r = await runCli('verify', store)
      expect(r.err + r.stdout).toMatch(/^OK /m)
      expect(r.code).toBe(0)
    })

    it('every haplotype of the added samples, and of old samples across the base, equals bcftools consensus', async () => {
      // all 600 take ~15 min under load: scripts/verify-haplotypes.ts --store does them all
      const samples = [...more, ...one, ...base.filter((_, i) => i % 58 === 0)]
      for (const s of samples)
        for (const h of [0, 1] as const)
          expect(
            (await haplotype(store, s, h)) === consensus(s, (h + 1) as 1 | 2),
            `${s}.${h + 1}`,
          ).toBe(true)
    }, 600_000)

    it('vcf gives every genotype of all 300 samples back (the round trip of the original VCF)', async () => {
      const out = join(dir, 'out.vcf.gz')
      expect((await runCli('vcf', store, '-o', out)).code).toBe(0)
      const skipped = join(store, storeFiles.skipped)
      const skipLines = gunzipSync(readFileSync(skipped))
        .toString()
        .split('\n')
        .slice(1)
        .filter(Boolean)
      const res = await compareVcfFiles({ ref: REF, a: VCF, b: out, skipped, maxList: 20 })
      console.log(formatComparison(res, VCF, out).join('\n'))
      expect(res.skipList).toEqual({ applied: skipLines.length, unmatched: [], unlisted: [] })
      expect(res.samples.length).toBe(300)
      expect(res.disagreements).toEqual([])
      expect(allAgree(res)).toBe(true)
    }, 300_000)

    it('compact merges the segments and changes no answer', async () => {
      const compacted = join(dir, 'compacted')
      cpSync(store, compacted, { recursive: true })
      const r = await runCli('compact', compacted)
      expect(r.code).toBe(0)
      const m = await openStore(compacted).manifest()
      expect(m.genotypes!.segments.map((g) => g.samples)).toEqual([names])
      expect(Object.keys(m.files!).filter((f) => f.startsWith('genotypes/'))).toEqual([
        storeFiles.genotypes(0),
      ])
      const vcf = async (s: string) => {
        const out = join(dir, `${relative(dir, s)}.vcf.gz`)
        expect((await runCli('vcf', s, '-o', out)).code).toBe(0)
        return gunzipSync(readFileSync(out))
      }
      expect((await vcf(compacted)).equals(await vcf(store))).toBe(true)
      for (const s of [names[0]!, names[150]!, ...more.slice(0, 3), ...one])
        for (const h of [0, 1] as const)
          expect((await haplotype(compacted, s, h)) === (await haplotype(store, s, h))).toBe(true)
      const v = await runCli('verify', compacted)
      expect(v.code).toBe(0)
    }, 600_000)

    it('refuses another reference in one line and leaves the store as it was', async () => {
      // the same contig and length, every 5,000th base changed: other tags
      const seq = sh(`samtools faidx ${REF} 20 | grep -v '>' | tr -d '\\n'`).split('')
      for (let i = 2_500; i < seq.length; i += 5_000) seq[i] = seq[i] === 'A' ? 'C' : 'A'
      const other = join(dir, 'other.fa')
      writeFileSync(other, `>20\n${seq.join('')}\n`)
      // a sample the store does not hold: the last one renamed
      writeFileSync(join(dir, 'new.txt'), 'NEW1\n')
      const renamed = join(dir, 'new.vcf.gz')
      sh(`bcftools reheader -s ${dir}/new.txt -o ${renamed} ${dir}/one.vcf.gz`)
      const bytes = storeBytes(store)
      const r = await runCli('add', store, '--reference', other, '--vcf', renamed)
      expect(r.code).toBe(1)
      // progress lines (stderr is no terminal), then the error in one line
      const errors = r.err.split('\n').filter((l) => l.startsWith('lightning-tiles:'))
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(
        /^lightning-tiles: .*other\.fa is not the reference .* was built from: tag \d+ of path 0000 differs/,
      )
      expect(storeBytes(store)).toEqual(bytes)
    }, 300_000)

    it('an interrupted add leaves the store as it was', async () => {
      writeFileSync(join(dir, 'late.txt'), 'LATE1\n')
      const late = join(dir, 'late.vcf.gz')
      sh(`bcftools reheader -s ${dir}/late.txt -o ${late} ${dir}/one.vcf.gz`)
      const bytes = storeBytes(store)
      const controller = new AbortController()
      const added = addToStore({
        store,
        reference: REF,
        vcf: late,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase.startsWith('merging the library')) controller.abort()
        },
      })
      await expect(added).rejects.toThrow(/abort/i)
      expect(storeBytes(store)).toEqual(bytes)
      expect(readdirSync(dir).filter((f) => f.startsWith('.store'))).toEqual([])
    }, 300_000)

    it('refuses a sample the store holds, and a store that fails the quick check', async () => {
      const bytes = storeBytes(store)
      const r = await runCli('add', store, '--reference', REF, '--vcf', join(dir, 'more.vcf.gz'))
      expect(r.code).toBe(1)
      expect(r.err).toMatch(
        /^lightning-tiles: .* already holds samples HG\w+, .* and 5 more: give --samples without them\n$/,
      )
      expect(storeBytes(store)).toEqual(bytes)
      const damaged = join(dir, 'damaged')
      cpSync(store, damaged, { recursive: true })
      truncateSync(join(damaged, storeFiles.genotypes(0, 1)), 100)
      const d = await runCli('add', damaged, '--reference', REF, '--vcf', join(dir, 'one.vcf.gz'))
      expect(d.code).toBe(1)
      expect(d.err).toMatch(
        /fails a quick check: genotypes\/0000\.1\.ltcm has 100 bytes, manifest.json records \d+/,
      )
    })
  },
)

describe.skipIf(!hasTool('bcftools'))('the site table of an add', () => {
  it('merges the table and the added VCF in order, keeping the table copy of a site', async () => {
    const { mergeSiteTable, writeSiteTable } = await import('../src/sites/writer.js')
    const contigs = [
      { name: '1', length: 1000 },
      { name: '2', length: 1000 },
    ]
    const vcf = (name: string, records: string[]) => {
      const file = join(dir, name)
      writeFileSync(
        file,
        [
          '##fileformat=VCFv4.2',
          ...contigs.map((c) => `##contig=<ID=${c.name},length=${c.length}>`),
          '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
          ...records.map((r) => `${r}\t.\t.\t.`),
          '',
        ].join('\n'),
      )
      return file
    }
    const table = join(dir, 'sites-old.vcf.gz')
    await writeSiteTable(
      table,
      vcf('old.vcf', ['1\t10\trs1\tA\tG', '1\t20\trs2\tC\tT', '2\t5\trs3\tG\tA']),
      contigs,
    )
    const out = join(dir, 'sites-merged.vcf.gz')
    const n = await mergeSiteTable(
      out,
      table,
      vcf('new.vcf', [
        '1\t10\tnew1\tA\tG',
        '1\t10\tnew2\tA\tC',
        '1\t15\tnew3\tT\tG',
        '2\t5\t.\tG\tA',
        '2\t7\tnew4\tC\tA',
      ]),
      contigs,
    )
    const body = sh(`bcftools view -H ${out}`)
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 5).join(' '))
    expect(body).toEqual([
      '1 10 rs1 A G',
      '1 10 new2 A C',
      '1 15 new3 T G',
      '1 20 rs2 C T',
      '2 5 rs3 G A',
      '2 7 new4 C A',
    ])
    expect(n).toBe(6)
    // its CSI index answers a region query
    expect(
      sh(`bcftools view -H -r 1:12-20 ${out}`)
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[2]),
    ).toEqual(['new3', 'rs2'])
  })
})
