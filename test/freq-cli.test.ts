// `lightning-tiles freq --by pop` on the testdata cohort with the 1000 Genomes panel: per
// population AC, AN, AF, genotype counts and the exact HWE p equal `bcftools +fill-tags -S`'s
// (AC_Het is the heterozygote count, AC_Hom the ALT homozygotes' alleles).
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const REGION = '20:1500000-1600000'
const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 })
const VCF_SAMPLES = sh(`bcftools query -l ${TESTDATA_VCF}`).trim().split('\n')

describe('freq --by pop', () => {
  const built = testdataStore('freq-', VCF_SAMPLES, 1_500_000)
  beforeAll(async () => {
    expect((await runCli('samples', built.dir, '--import', PANEL)).code).toBe(0)
  })

  it('equals bcftools +fill-tags -S per population, site by site', async () => {
    const r = await runCli('freq', built.dir, '-r', REGION, '--by', 'pop')
    expect(r.err).toBe('')
    const [header, ...lines] = r.stdout.trim().split('\n')
    expect(header).toBe(
      'CHROM\tPOS\tID\tREF\tALT\tGROUP\tAN\tAC\tAF\tHOM_REF\tHET\tHOM_ALT\tMISSING\tHWE_P',
    )
    const ours = new Map(
      lines.map((l) => {
        const f = l.split('\t')
        return [`${f[1]} ${f[3]} ${f[4]} ${f[5]}`, f.slice(6).map(Number)]
      }),
    )
    // groups as the panel gives them, for the store's samples
    const groups = sh(
      `awk -F'\\t' 'NR>1{print $1"\\t"$2}' ${PANEL} | grep -wFf <(bcftools query -l ${TESTDATA_VCF})`,
    )
    const pops = [
      ...new Set(
        groups
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[1]!),
      ),
    ].sort()
    expect(pops).toEqual(['CEU', 'FIN', 'GBR', 'IBS'])
    const fmt = pops.map((p) => `%AN_${p} %AC_${p} %AF_${p} %AC_Het_${p} %AC_Hom_${p} %HWE_${p}`)
    const groupsFile = join(built.tmp, 'groups.txt')
    writeFileSync(groupsFile, groups)
    const fill = sh(
      `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} | ` +
        `bcftools +fill-tags -- -S ${groupsFile} -t AC,AN,AF,HWE,AC_Het,AC_Hom | ` +
        `bcftools query -f '%POS %REF %ALT ${fmt.join(' ')}\\n'`,
    )
      .trim()
      .split('\n')
    expect(fill.length).toBeGreaterThan(300)
    expect(lines.length).toBe(fill.length * pops.length)
    let informative = 0
    for (const line of fill) {
      const f = line.split(' ')
      pops.forEach((pop, k) => {
        const [an, ac, af, het, hom, hwe] = f.slice(3 + 6 * k, 9 + 6 * k).map(Number) as number[]
        const o = ours.get(`${f[0]} ${f[1]} ${f[2]} ${pop}`)
        expect(o, `${line} ${pop}`).toBeDefined()
        const [oAn, oAc, oAf, homRef, oHet, homAlt, missing, oHwe] = o!
        expect([oAn, oAc, oHet, 2 * homAlt!, missing], `${f[0]} ${pop}`).toEqual([
          an,
          ac,
          het,
          hom,
          0,
        ])
        expect(homRef! + oHet! + homAlt!).toBe(an! / 2)
        expect(oAf).toBeCloseTo(af!, 5)
        // bcftools prints 6 significant digits
        expect(Math.abs(oHwe! - hwe!)).toBeLessThanOrEqual(Math.max(1e-6, 1e-5 * hwe!))
        if (hwe! < 1) informative++
      })
    }
    expect(informative).toBeGreaterThan(50)
  })

  it('an unknown key is a one-line error naming the keys there are', async () => {
    const r = await runCli('freq', built.dir, '-r', REGION, '--by', 'population')
    expect(r.code).not.toBe(0)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/--by population: unknown key \(the samples have: .*pop/)
  })
})
