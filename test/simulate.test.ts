import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { simulateCohort } from '../scripts/simulate-cohort.js'
import { hasTool } from './shared.js'

const VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'
const dir = mkdtempSync(join(tmpdir(), 'simulate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const meanAf = (file: string) => {
  const afs = execFileSync(
    'bash',
    ['-c', `bcftools +fill-tags ${file} -- -t AF | bcftools query -f '%AF\\n'`],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .map(Number)
  return afs.reduce((a, b) => a + b, 0) / afs.length
}

describe.skipIf(!hasTool('bcftools'))('simulate-cohort', () => {
  it('is deterministic per seed and keeps the sites and frequency spectrum of the source', async () => {
    const base = { vcf: VCF, samples: 200, switchRate: 2e-6, mutationRate: 1e-4 }
    await simulateCohort({ ...base, out: join(dir, 'a.vcf.gz'), seed: 7 })
    await simulateCohort({ ...base, out: join(dir, 'b.vcf.gz'), seed: 7 })
    await simulateCohort({ ...base, out: join(dir, 'c.vcf.gz'), seed: 8 })
    expect(readFileSync(join(dir, 'a.vcf.gz')).equals(readFileSync(join(dir, 'b.vcf.gz')))).toBe(
      true,
    )
    expect(readFileSync(join(dir, 'a.vcf.gz')).equals(readFileSync(join(dir, 'c.vcf.gz')))).toBe(
      false,
    )
    const samples = execFileSync('bcftools', ['query', '-l', join(dir, 'a.vcf.gz')], {
      encoding: 'utf8',
    })
    expect(samples.trim().split('\n')).toHaveLength(200)
    const sites = (f: string) =>
      execFileSync('bcftools', ['query', '-f', '%POS %REF %ALT\\n', f], { encoding: 'utf8' })
    expect(sites(join(dir, 'a.vcf.gz'))).toBe(sites(VCF))
    expect(Math.abs(meanAf(join(dir, 'a.vcf.gz')) - meanAf(VCF))).toBeLessThan(0.01)
  })
})
