// End-to-end on real data: a store built from testdata/chr20 (chr20:1–4 Mb, 1000 Genomes) gives
// every haplotype back exactly as `bcftools consensus` makes it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { joinAllele, readFastj, validateFastj } from '../src/formats/fastj/reader.js'
import { storeFiles } from '../src/store/manifest.js'
import { buildStore } from '../src/tiling/build.js'
import { runCli } from './cli.js'
import { hasTool } from './shared.js'

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
  },
)
