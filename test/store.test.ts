// End-to-end on real data: a store built from testdata/chr20 (chr20:1–4 Mb, 1000 Genomes) gives
// every haplotype back exactly as `bcftools consensus` makes it.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { joinAllele, readFastj, validateFastj } from '../src/formats/fastj/reader.js'
import { consensusSpell } from '../src/variants/consensus.js'
import { normalizeVcfRecords } from '../src/variants/vcf.js'
import type { VcfRecord } from '../src/variants/vcf.js'
import {
  allAgree,
  compareVcfFiles,
  formatComparison,
  referenceSource,
} from '../scripts/compare-vcf.js'
import { storeFiles } from '../src/store/layout.js'
import { parseManifest } from '../src/store/manifest.js'
import { readFastaFile } from '../src/tiling/reference.js'
import { buildStore } from '../src/tiling/build.js'
import { runCli } from './cli.js'
import { DATA, describeShared, hasTool } from './shared.js'

const REF = 'testdata/chr20/20.1-4000000.fa.gz'
const VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'
const SAMPLES = ['HG00096', 'HG00097']
const dir = mkdtempSync(join(tmpdir(), 'store-'))
const store = join(dir, 'store')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** bcftools consensus of one haplotype, as one upper-case string. */
export function consensus(sample: string, h: 1 | 2, region?: string): string {
  const cmd = region
    ? `samtools faidx ${REF} ${region} | bcftools consensus -s ${sample} -H ${h} ${VCF}`
    : `bcftools consensus -f ${REF} -s ${sample} -H ${h} ${VCF}`
  const fa = execFileSync('bash', ['-c', `${cmd} 2>/dev/null`], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  return fa.replace(/^>.*\n/gm, '').replace(/\n/g, '')
}

describe.skipIf(!hasTool('bcftools'))('store built from chr20:1–4 Mb', () => {
  beforeAll(async () => {
    await buildStore({ reference: REF, vcf: VCF, out: store, samples: SAMPLES, fastj: true })
  })

  it('writes per-sample FastJ that validates and joins to the bcftools consensus', async () => {
    for (const sample of SAMPLES) {
      const file = join(store, storeFiles.fastj(sample, 0))
      const records = []
      for await (const r of readFastj({ name: file, handle: openFile(file) })) records.push(r)
      validateFastj(records, file)
      for (const h of [1, 2] as const)
        expect(joinAllele(records, h - 1).toUpperCase() === consensus(sample, h)).toBe(true)
    }
  })
})

describe.skipIf(!hasTool('bcftools'))(
  'the fasta and vcf commands on chr20:1–4 Mb (all 300 samples)',
  () => {
    const full = join(dir, 'full')
    beforeAll(async () => {
      await buildStore({ reference: REF, vcf: VCF, out: full })
    })

    it.each([
      ['HG00096', 1],
      ['HG00096', 2],
      ['HG00097', 1],
      ['HG00097', 2],
    ] as const)(
      'fasta %s haplotype %d equals bcftools consensus byte for byte',
      async (sample, h) => {
        const r = await runCli(
          'fasta',
          full,
          '--sample',
          sample,
          '--haplotype',
          String(h),
          '--width',
          '0',
        )
        expect(r.code).toBe(0)
        const [header, seq] = r.out.toString().split('\n')
        expect(header).toBe('>20')
        expect(seq === consensus(sample, h)).toBe(true)
      },
    )

    it('vcf gives every genotype back: the input less the listed overlap skips', async () => {
      const out = join(dir, 'out.vcf.gz')
      expect((await runCli('vcf', full, '-o', out)).code).toBe(0)
      const skipped = join(full, 'skipped.tsv.gz')
      const skipLines = gunzipSync(readFileSync(skipped))
        .toString()
        .split('\n')
        .slice(1)
        .filter(Boolean)
      const res = await compareVcfFiles({ ref: REF, a: VCF, b: out, skipped, maxList: 20 })
      const report = formatComparison(res, VCF, out)
      console.log(report.join('\n'))
      // the list is exactly what the overlap rule skips in the input, and was taken out of it
      expect(res.skipList).toEqual({ applied: skipLines.length, unmatched: [], unlisted: [] })
      expect(res.samples.length).toBe(300)
      expect(res.disagreements).toEqual([])
      expect(res.agree + res.equivalent).toBe(res.genotypes)
      expect(allAgree(res)).toBe(true)
      // the genotypes that differ only in their atoms: for one haplotype at each such locus, our
      // VCF's genotypes applied by the consensus rule spell the whole contig as bcftools
      // consensus does, and bcftools skips exactly the overlaps skipped.tsv.gz lists for it
      const loci = new Map<string, (typeof res.equivalentHaplotypes)[number]>()
      for (const e of res.equivalentHaplotypes) loci.set(`${e.chrom}:${e.start}`, e)
      expect(loci.size).toBeGreaterThan(0)
      const picks = [...loci.values()]
      const names = [...new Set(picks.map((e) => e.sample))]
      const lines = execFileSync(
        'bash',
        ['-c', `bcftools view -s ${names.join(',')} ${out} | bcftools norm -m -both -f ${REF} -`],
        { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] },
      ).split('\n')
      const source = referenceSource(REF)
      const ours = await normalizeVcfRecords(lines, source)
      const recs: VcfRecord[] = []
      for await (const r of ours.records) recs.push(r)
      const contig = (await source('20'))(0, Infinity)
      const subst = (r: VcfRecord) => (r.ref.length === r.alt.length ? 0 : 1)
      for (const e of picks) {
        const hap = 2 * ours.samples.indexOf(e.sample) + e.haplotype - 1
        const carried = recs
          .filter((r) => r.gt[hap] === 1)
          .sort((x, y) => x.pos - y.pos || subst(x) - subst(y))
        const bcf = spawnSync(
          'bcftools',
          ['consensus', '-f', REF, '-s', e.sample, '-H', String(e.haplotype), VCF],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        )
        const truth = bcf.stdout
          .replace(/^>.*\n/gm, '')
          .replace(/\n/g, '')
          .toUpperCase()
        expect(consensusSpell(contig, 0, carried) === truth, `${e.sample} ${e.haplotype}`).toBe(
          true,
        )
        const bcfSkips = [...bcf.stderr.matchAll(/The site 20:(\d+) overlaps/g)].map((m) => m[1])
        expect(bcfSkips).toEqual(
          skipLines
            .map((l) => l.split('\t'))
            .filter(([, , s, h]) => s === e.sample && h === String(e.haplotype))
            .map(([, pos]) => pos),
        )
      }
      console.log(
        `vcf round trip: ${res.agree}/${res.genotypes} genotypes agree site by site, ` +
          `${res.equivalent} as the same haplotype (${res.equivalentHaplotypes.length} stretches at ` +
          `${loci.size} loci, one haplotype per locus checked whole against bcftools consensus), ` +
          `${res.sites} sites, ${skipLines.length} overlap skips listed`,
      )
    })

    it('fasta --region cuts exactly at the region bounds', async () => {
      const region = '20:2633300-2633500' // around an indel skipped as an overlap on HG00096.2
      const r = await runCli(
        'fasta',
        full,
        '--sample',
        'HG00096',
        '--haplotype',
        '2',
        '--region',
        region,
      )
      expect(
        r.out
          .toString()
          .replace(/^>.*\n/, '')
          .replace(/\n/g, ''),
      ).toBe(consensus('HG00096', 2, region))
    })

    // Reading all 300 CGFs at once took one open file each (EMFILE at 20,000 samples); the Store
    // reads a few at a time, so the CLI exports the same records under a limit of 128 files.
    it.skipIf(!existsSync('bin/lightning-tiles.js') || !existsSync('dist/esm/cli/main.js'))(
      'vcf of every sample keeps few files open (ulimit -n 128)',
      async () => {
        const region = '20:2000001-2020000'
        const limited = spawnSync(
          'bash',
          [
            '-c',
            `ulimit -n 128 && exec node bin/lightning-tiles.js vcf ${full} --region ${region}`,
          ],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        )
        expect(limited.stderr).toBe('')
        expect(limited.status).toBe(0)
        const inProcess = await runCli('vcf', full, '--region', region)
        const records = limited.stdout.split('\n').filter((l) => l && !l.startsWith('#'))
        expect(records.length).toBeGreaterThan(50)
        expect(records[0]!.split('\t').length).toBe(9 + 300)
        expect(limited.stdout).toBe(inProcess.stdout)
      },
    )
  },
)

describeShared('a store built from FASTA haplotype pairs (NAME.1.fa.gz, NAME.2.fa.gz)', () => {
  const pairs = join(dir, 'pairs')
  const files = SAMPLES.flatMap((s) =>
    [1, 2].map((h) => `${DATA}grch37-chr20/haplotypes/${s}.${h}.fa.gz`),
  )
  beforeAll(async () => {
    await buildStore({ reference: REF, fasta: files, out: pairs })
  })

  it('gives every haplotype file back byte for byte (ignoring case)', async () => {
    for (const file of files) {
      const [, sample, h] = /(\w+)\.([12])\.fa\.gz$/.exec(file)!
      const r = await runCli('fasta', pairs, '--sample', sample!, '--haplotype', h!, '--width', '0')
      const input = (await readFastaFile(file))[0]!.seq.toUpperCase()
      expect(r.out.toString().split('\n')[1] === input).toBe(true)
    }
  })

  it('records where the haplotypes came from', async () => {
    const m = parseManifest(readFileSync(join(pairs, storeFiles.manifest), 'utf8'))
    expect(m.samples.map((s) => s.name)).toEqual(SAMPLES)
    expect(m.source.fasta).toEqual(files.map((f) => f.split('/').pop()))
    expect(m.source.vcf).toBeUndefined()
  })
})
