// Regions as the CLI takes them (bcftools -r lists and -R files) and how they are merged.
import { describe, expect, it } from 'vitest'
import { mergeRegions, parseRegionLines, parseRegionList } from '../src/core/region.js'

const lines = (text: string) => text.split('\n').map((t, i) => ({ text: t, line: i + 1 }))

describe('region lists and files', () => {
  it('reads -r as bcftools: CHR, CHR:POS (one base), CHR:BEGIN- and CHR:BEGIN-END', () => {
    expect(parseRegionList('20,20:5,20:7-,chrX:10-20')).toEqual([
      { chrom: '20', start: 0, end: Infinity },
      { chrom: '20', start: 4, end: 5 },
      { chrom: '20', start: 6, end: Infinity },
      { chrom: 'chrX', start: 9, end: 20 },
    ])
    for (const bad of ['', '20,', ',20', '20:0-5', '20:9-5'])
      expect(() => parseRegionList(bad), bad).toThrow(/region/)
  })

  it('reads BED as 0-based and other files as 1-based, naming a bad line', () => {
    const text = '# c\ntrack x\n20\t10\t20\textra\n\n21\t5\t6\n'
    expect(parseRegionLines(lines(text), 'r.bed', true)).toEqual([
      { chrom: '20', start: 10, end: 20 },
      { chrom: '21', start: 5, end: 6 },
    ])
    expect(parseRegionLines(lines('20\t10\t20\n20\t7\n'), 'r.tsv', false)).toEqual([
      { chrom: '20', start: 9, end: 20 },
      { chrom: '20', start: 6, end: 7 },
    ])
    expect(() => parseRegionLines(lines('20\t1\t2\n20\t5\t5\n'), 'r.bed', true)).toThrow(
      /^r\.bed, line 2: expected BED/,
    )
    expect(() => parseRegionLines(lines('20\t0\t3\n'), 'r.txt', false)).toThrow(
      /^r\.txt, line 1: expected CHROM POS/,
    )
  })

  it('merges overlapping and adjacent regions, in contig order', () => {
    const r = (chrom: string, start: number, end: number) => ({ chrom, start, end })
    expect(
      mergeRegions(
        [
          r('2', 50, 60),
          r('1', 30, 40),
          r('2', 0, 10),
          r('1', 0, 20),
          r('1', 15, 30),
          r('9', 0, 1),
        ],
        ['2', '1'],
      ),
    ).toEqual([r('2', 0, 10), r('2', 50, 60), r('1', 0, 40), r('9', 0, 1)])
  })
})
