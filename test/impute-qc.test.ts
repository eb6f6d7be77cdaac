// QC of a target against a panel (src/impute/qc.ts) on small hand-made VCFs: what arrays write
// (ALT `.` where no sample carries the allele) and C/G SNPs oriented by allele frequency.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { conformTarget } from '../src/impute/qc.js'

const tmp = mkdtempSync(join(tmpdir(), 'lt-impute-qc-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const HEADER = '##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">'
function vcf(name: string, samples: string[], records: string[][]): string {
  const path = join(tmp, name)
  const cols = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples]
  const lines = records.map(([pos, ref, alt, ...gts]) =>
    ['1', pos, '.', ref, alt, '.', '.', '.', 'GT', ...gts].join('\t'),
  )
  writeFileSync(path, [HEADER, cols.join('\t'), ...lines].join('\n') + '\n')
  return path
}

describe('conformTarget', () => {
  // 10 panel samples: at 100 ALT C is rare (AF 0.1), at 200 C/G with G rare, at 300 A/C
  const P = Array.from({ length: 10 }, (_, i) => `P${i}`)
  const rare = (i: number) => (i < 2 ? '0|1' : '0|0')
  const panel = vcf('panel.vcf', P, [
    ['100', 'A', 'C', ...P.map((_, i) => rare(i))],
    ['200', 'C', 'G', ...P.map((_, i) => rare(i))],
    ['300', 'A', 'C', ...P.map((_, i) => rare(i))],
  ])
  const T = ['T0', 'T1', 'T2', 'T3', 'T4']

  it('matches ALT "." sites by REF, swapping when REF is the panel ALT', async () => {
    const target = vcf('t1.vcf', T, [
      ['100', 'C', '.', ...T.map(() => '0/0')], // REF = the panel's ALT: all carry C
      ['300', 'G', '.', ...T.map(() => '0/0')], // G is neither allele; its complement C is ALT
    ])
    const r = await conformTarget(target, [panel])
    expect(r.fixes.swapped).toBe(1)
    expect(r.fixes['flipped-swapped']).toBe(1)
    const records = r.lines.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'))
    expect(records.map((f) => [f[1], f[3], f[4], ...f.slice(9)])).toEqual([
      ['100', 'A', 'C', ...T.map(() => '1/1')],
      ['300', 'A', 'C', ...T.map(() => '1/1')],
    ])
  })

  it('orients a C/G SNP by allele frequency when no neighbour decides', async () => {
    // G/C with G rare (10 %) as in the panel: the same alleles, REF/ALT swapped
    const swapped = vcf('t2.vcf', T, [['200', 'G', 'C', '1/1', '1/1', '1/1', '1/0', '1/1']])
    const r = await conformTarget(swapped, [panel])
    expect(r.fixes['ambiguous-swapped']).toBe(1)
    const f = r.lines[r.lines.length - 1]!.split('\t')
    expect([f[3], f[4], ...f.slice(9)]).toEqual(['C', 'G', '0/0', '0/0', '0/0', '0/1', '0/0'])
    // G/C with G common: the other strand (the target's G is the panel's C), genotypes kept
    const flipped = vcf('t2b.vcf', T, [['200', 'G', 'C', '0/0', '0/0', '0/0', '0/1', '0/0']])
    const k = await conformTarget(flipped, [panel])
    expect(k.fixes['ambiguous-kept']).toBe(1)
    const g = k.lines[k.lines.length - 1]!.split('\t')
    expect([g[3], g[4], ...g.slice(9)]).toEqual(['C', 'G', '0/0', '0/0', '0/0', '0/1', '0/0'])
  })

  it('drops a site at a position given twice and a multi-allelic site', async () => {
    const target = vcf('t3.vcf', T, [
      ['100', 'A', 'C', ...T.map(() => '0/0')],
      ['100', 'A', 'C', ...T.map(() => '0/0')],
      ['300', 'A', 'C,G', ...T.map(() => '0/0')],
    ])
    const r = await conformTarget(target, [panel])
    expect(r.dropped.map((d) => [d.pos, d.reason])).toEqual([
      [100, 'duplicate'],
      [100, 'duplicate'],
      [300, 'multiallelic'],
    ])
  })
})
