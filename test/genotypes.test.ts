// genotypeSites (what view, freq and ld read) decodes the cohort matrix for the chosen samples
// only; it must give exactly what the store's VCF text of the whole cohort gives for them, site by
// site: the same records (those no chosen sample carries too, as BGT and bcftools report them),
// IDs, alleles and phases. The text side parses `storeToVcf` over every sample and picks the
// chosen columns, as genotypeSites did before it read the matrix.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { Region } from '../src/core/region.js'
import { storeToVcf } from '../src/export/vcf.js'
import { genotypeSites } from '../src/query/genotypes.js'
import { openStore } from '../src/store/node.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const ALL = execFileSync('bcftools', ['query', '-l', TESTDATA_VCF], { encoding: 'utf8' })
  .trim()
  .split('\n')

interface Site {
  chrom: string
  pos: number
  id: string
  ref: string
  alt: string
  alleles: number[]
  phased: number[]
}

/** The sites of `regions` for `samples`, from the VCF text of every sample, region by region. */
async function fromText(dir: string, samples: string[], regions?: Region[]): Promise<Site[]> {
  const out: Site[] = []
  let before: Region | undefined
  let columns: number[] = []
  for (const region of regions ?? [undefined]) {
    for await (const line of storeToVcf(openStore(dir), region ? { region } : {})) {
      if (line.startsWith('#CHROM')) {
        const names = line.split('\t').slice(9)
        columns = samples.map((s) => names.indexOf(s))
      }
      if (line.startsWith('#')) continue
      const f = line.split('\t')
      const pos = Number(f[1])
      if (region) {
        const beg = pos - 1
        if (beg >= region.end || beg + f[3]!.length <= region.start) continue
        if (before && before.chrom === f[0] && beg < before.end) continue
      }
      const gts = columns.map((c) => f[9 + c]!)
      out.push({
        chrom: f[0]!,
        pos,
        id: f[2]!,
        ref: f[3]!,
        alt: f[4]!,
        alleles: gts.flatMap((g) => [g[0]!, g[2]!].map((a) => (a === '.' ? -1 : Number(a)))),
        phased: gts.map((g) => (g[1] === '|' ? 1 : 0)),
      })
    }
    before = region
  }
  return out
}

async function fromMatrix(dir: string, samples: string[], regions?: Region[]): Promise<Site[]> {
  const out: Site[] = []
  for await (const s of genotypeSites(openStore(dir), { samples, regions }))
    out.push({ ...s, alleles: [...s.alleles], phased: [...s.phased] })
  return out
}

describe('genotypeSites from the cohort matrix', () => {
  // paths of 1 Mb: the regions below cross the boundaries where a path's tiles join the next's
  const built = testdataStore('genotypes-', ALL, 1_000_000)
  const subsets: [string, string[]][] = [
    ['one sample', [ALL[7]!]],
    [
      '10 samples, out of store order',
      [150, 3, 299, 42, 77, 0, 201, 18, 260, 119].map((i) => ALL[i]!),
    ],
    ['every other sample', ALL.filter((_, i) => i % 2 === 1)],
    ['all samples', ALL],
  ]
  const regionSets: [string, Region[]][] = [
    ['100 kb', [{ chrom: '20', start: 1_000_000, end: 1_100_000 }]],
    [
      'two regions across path boundaries',
      [
        { chrom: '20', start: 1_990_000, end: 2_010_000 },
        { chrom: '20', start: 2_995_000, end: 3_004_000 },
      ],
    ],
  ]

  for (const [what, samples] of subsets)
    for (const [where, regions] of regionSets)
      it(`${what}, ${where}: the same sites and genotypes as the VCF text`, async () => {
        const text = await fromText(built.dir, samples, regions)
        const matrix = await fromMatrix(built.dir, samples, regions)
        expect(matrix.length).toBe(text.length)
        expect(matrix).toEqual(text)
        if (samples.length < ALL.length)
          // sites only samples left out carry are there (with AC=0), as in the text
          expect(text.some((s) => !s.alleles.includes(1))).toBe(true)
      }, 600_000)

  it('10 samples over the whole store: the same sites and genotypes as the VCF text', async () => {
    const samples = subsets[1]![1]
    const text = await fromText(built.dir, samples)
    const matrix = await fromMatrix(built.dir, samples)
    expect(matrix.length).toBeGreaterThan(20_000)
    expect(matrix).toEqual(text)
  }, 900_000)
})
