// Frequencies and HWE per population against `bcftools +fill-tags -S groups`, site by site, on the
// 300 EUR samples of the chr20 test VCF grouped by the real 1000 Genomes panel.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { siteFrequencies } from '../src/ld/freq.js'
import { hweExact } from '../src/ld/hwe.js'
import { describeShared, hasTool, PANEL } from './shared.js'
import { CHR20_VCF, populations, readPanel, readVcfGenotypes } from './ldVcf.js'
import type { VcfGenotypes } from './ldVcf.js'

/** bcftools writes floats as float32 with 6 significant digits */
function closeToPrinted(ours: number, printed: number): boolean {
  return Math.abs(ours - printed) <= 1e-5 * Math.max(Math.abs(printed), 1e-40)
}

it('the exact HWE test sums the heterozygote counts no more likely than the one observed', () => {
  // 3 genotypes with 2 rare alleles: 0 or 2 hets, P = 3!/(2!·1!)·4!2!/6! = 0.2 and
  // 3!/(1!·2!)·2²·4!2!/6! = 0.8 (Levene's distribution)
  expect(hweExact(2, 0, 1)).toBeCloseTo(0.2, 12)
  expect(hweExact(1, 2, 0)).toBeCloseTo(1, 12)
  // 4 genotypes with 2 rare alleles: P(0 hets) = 1/7, P(2 hets) = 6/7
  expect(hweExact(3, 0, 1)).toBeCloseTo(1 / 7, 12)
  // one allele only, or no genotype: 1, as bcftools writes it
  expect(hweExact(100, 0, 0)).toBe(1)
  expect(hweExact(0, 0, 0)).toBe(1)
})

describeShared('frequencies per population equal bcftools +fill-tags -S', () => {
  const hasBcftools = hasTool('bcftools')
  let work: string
  let genotypes: VcfGenotypes
  let groups: Map<string, number[]>

  beforeAll(() => {
    if (!hasBcftools) return
    genotypes = readVcfGenotypes(CHR20_VCF)
    groups = populations(genotypes.samples, readPanel(PANEL))
    work = mkdtempSync(join(tmpdir(), 'lt-freq-'))
  })
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it.skipIf(!hasBcftools)(
    'AC, AN, AF, genotype counts and HWE, site by site, per group and for all',
    () => {
      const names = [...groups.keys()].sort()
      expect(names).toEqual(['CEU', 'FIN', 'GBR', 'IBS'])
      const samplesFile = join(work, 'groups.txt')
      writeFileSync(
        samplesFile,
        genotypes.samples
          .map((s, i) => `${s}\t${names.find((p) => groups.get(p)!.includes(i))}\n`)
          .join(''),
      )
      const filled = join(work, 'filled.bcf')
      const fill = spawnSync(
        'bcftools',
        [
          '+fill-tags',
          CHR20_VCF,
          '-Ob',
          '-o',
          filled,
          '--',
          '-S',
          samplesFile,
          '-t',
          'AC,AN,AF,HWE,AC_Het,AC_Hom,NS',
        ],
        { encoding: 'utf8' },
      )
      expect(fill.status, fill.stderr).toBe(0)
      const suffixes = ['', ...names.map((p) => `_${p}`)]
      const format = `%POS${suffixes.map((x) => `\\t%AC${x}\\t%AN${x}\\t%AF${x}\\t%AC_Het${x}\\t%AC_Hom${x}\\t%NS${x}\\t%HWE${x}`).join('')}\\n`
      const q = spawnSync('bcftools', ['query', '-f', format, filled], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
      expect(q.status, q.stderr).toBe(0)
      const rows = q.stdout.trimEnd().split('\n')
      expect(rows).toHaveLength(genotypes.sites.length)

      const everyone = genotypes.samples.map((_, i) => i)
      const sampleGroups = [everyone, ...names.map((p) => groups.get(p)!)]
      const mismatches: string[] = []
      let compared = 0
      let hweBelow001 = 0
      rows.forEach((row, k) => {
        const cols = row.split('\t').map(Number)
        const site = genotypes.sites[k]!
        if (cols[0] !== site.pos)
          mismatches.push(`row ${k}: bcftools at ${cols[0]}, ours at ${site.pos}`)
        siteFrequencies(site.alleles, sampleGroups).forEach((f, g) => {
          const [ac, an, af, acHet, acHom, ns, hwe] = cols.slice(1 + 7 * g, 8 + 7 * g) as [
            number,
            number,
            number,
            number,
            number,
            number,
            number,
          ]
          const ours = [f.ac, f.an, f.het, 2 * f.homAlt, f.homRef + f.het + f.homAlt + f.missing]
          const theirs = [ac, an, acHet, acHom, ns]
          const where = `${site.pos} ${g === 0 ? 'all' : names[g - 1]}`
          if (ours.join() !== theirs.join())
            mismatches.push(`${where}: AC,AN,AC_Het,AC_Hom,NS ${ours} vs ${theirs}`)
          if (!closeToPrinted(f.af, af)) mismatches.push(`${where}: AF ${f.af} vs ${af}`)
          if (!closeToPrinted(f.hwe, hwe)) mismatches.push(`${where}: HWE ${f.hwe} vs ${hwe}`)
          if (hwe < 0.001) hweBelow001++
          compared++
        })
      })
      expect(mismatches.slice(0, 10)).toEqual([])
      // every site in all 5 groups, and the HWE comparison is not only of p = 1
      expect(compared).toBe(5 * genotypes.sites.length)
      expect(hweBelow001).toBeGreaterThan(100)
    },
  )
})
