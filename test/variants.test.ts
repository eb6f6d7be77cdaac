import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { alignTile, altToRef } from '../src/variants/align.js'
import type { Edit } from '../src/variants/align.js'
import { canonicalVariants, normalizeEdit, variantKey } from '../src/variants/normalize.js'
import type { RefAccessor, Variant } from '../src/variants/normalize.js'
import { normalizeVcfRecords, tilesToVcf, vcfHeader } from '../src/variants/vcf.js'
import { filterBatch, vcfBytes } from '../src/variants/vcfBytes.js'
import type { RecordBatch, RecordToWrite } from '../src/variants/vcfBytes.js'
import type { HaplotypeTile, TileBlock, TileVariantSource } from '../src/variants/vcf.js'
import { compareCanonical } from '../src/variants/compare.js'
import { applySkipList, consensusSpell, parseSkipList } from '../src/variants/consensus.js'
import type { SkipListStats } from '../src/variants/consensus.js'
import { DATA, hasShared, hasTool } from './shared.js'

const accessor =
  (seq: string): RefAccessor =>
  (s, e) =>
    seq.slice(Math.max(0, s), Math.max(0, e))

function applyEdits(ref: string, edits: readonly Edit[]): string {
  let out = ''
  let at = 0
  for (const e of edits) {
    out += ref.slice(at, e.pos) + e.alt
    at = e.pos + e.ref.length
  }
  return out + ref.slice(at)
}

const tmp = mkdtempSync(join(tmpdir(), 'lt-variants-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** bcftools norm of single-sample records against a small reference: (pos0, ref, alt) list. */
function bcftoolsNorm(seq: string, records: Variant[]): Variant[] {
  const fa = join(tmp, 'ref.fa')
  writeFileSync(fa, `>c\n${seq}\n`)
  execFileSync('samtools', ['faidx', fa])
  const body = records
    .map((r) => `c\t${r.pos + 1}\t.\t${r.ref}\t${r.alt}\t.\t.\t.\tGT\t1|1`)
    .join('\n')
  const vcf = `##fileformat=VCFv4.2\n##contig=<ID=c,length=${seq.length}>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n${body}\n`
  writeFileSync(join(tmp, 'in.vcf'), vcf)
  const out = execFileSync(
    'bcftools',
    ['norm', '-m', '-both', '-f', fa, join(tmp, 'in.vcf'), '-Ov'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  ).toString()
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const c = l.split('\t')
      return { pos: Number(c[1]) - 1, ref: c[3]!, alt: c[4]! }
    })
}

describe('alignTile', () => {
  it('finds nothing in identical tiles and a SNP as a SNP', () => {
    expect(alignTile('ACGTACGTAA', 'acgtacgtaa')).toEqual({ edits: [], nocalls: [] })
    expect(alignTile('ACGTACGTAA', 'ACGTTCGTAA').edits).toEqual([{ pos: 4, ref: 'A', alt: 'T' }])
  })

  it('splits an MNP into SNPs', () => {
    expect(alignTile('GGGACGTCCC', 'GGGTTGTCCC').edits).toEqual([
      { pos: 3, ref: 'A', alt: 'T' },
      { pos: 4, ref: 'C', alt: 'T' },
    ])
  })

  it('reports n as no-call intervals, not SNPs, and maps variant offsets to the reference', () => {
    const al = alignTile('ACGTACGTACGTAAAA', 'ANNTACGTACGTAAAAGG')
    expect(al.nocalls).toEqual([1, 3])
    expect(al.edits).toEqual([{ pos: 16, ref: '', alt: 'GG' }])
    expect(altToRef(al.edits, 1, 3)).toEqual([1, 3])
    // a run inside the insertion covers the bases on both sides of the insertion point
    expect(altToRef(al.edits, 16, 17)).toEqual([15, 17])
    const del = alignTile('ACGTACGTACGTAAAA', 'ACGTAAAA').edits
    expect(altToRef(del, 5, 6)).toEqual([13, 14])
  })

  it('reproduces the variant from its edits, at no more cost than the edits that made it', () => {
    const base = fc.constantFrom('A', 'C', 'G', 'T')
    const arb = fc.record({
      ref: fc.array(base, { minLength: 60, maxLength: 400 }).map((a) => a.join('')),
      muts: fc.array(
        fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          kind: fc.constantFrom('snp', 'ins', 'del'),
          seq: fc.array(base, { minLength: 1, maxLength: 12 }).map((a) => a.join('')),
        }),
        { maxLength: 6 },
      ),
    })
    fc.assert(
      fc.property(arb, ({ ref, muts }) => {
        // well-separated edits, as a mutation process would leave them
        const edits: Edit[] = []
        let last = -20
        for (const m of [...muts].sort((a, b) => a.at - b.at)) {
          const pos = Math.floor(m.at * (ref.length - 20))
          if (pos < last + 15) continue
          if (m.kind === 'snp') {
            const alt = m.seq[0] === ref[pos] ? (ref[pos] === 'A' ? 'C' : 'A') : m.seq[0]!
            edits.push({ pos, ref: ref[pos]!, alt })
          } else if (m.kind === 'ins') edits.push({ pos, ref: '', alt: m.seq })
          else edits.push({ pos, ref: ref.slice(pos, pos + m.seq.length), alt: '' })
          last = pos + m.seq.length
        }
        const alt = applyEdits(ref, edits)
        const got = alignTile(ref, alt).edits
        expect(applyEdits(ref, got)).toBe(alt)
        const cost = (es: Edit[]) =>
          es.reduce(
            (c, e) => c + (e.ref.length === e.alt.length ? 4 : 6 + e.ref.length + e.alt.length),
            0,
          )
        expect(cost(got)).toBeLessThanOrEqual(cost(edits))
      }),
      { numRuns: 300 },
    )
  })

  it('aligns a spanning tile with changes far apart (band widened as needed)', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const ref = Array.from({ length: 3000 }, () => 'ACGT'[Math.floor(rnd() * 4)]).join('')
    const edits: Edit[] = [
      { pos: 100, ref: ref.slice(100, 140), alt: '' },
      { pos: 1500, ref: '', alt: 'GATTACA'.repeat(6) },
      { pos: 2900, ref: ref[2900]!, alt: ref[2900] === 'A' ? 'T' : 'A' },
    ]
    const alt = applyEdits(ref, edits)
    const got = alignTile(ref, alt).edits
    expect(applyEdits(ref, got)).toBe(alt)
    expect(got.length).toBe(3)
  })
})

describe.skipIf(!hasTool('bcftools') || !hasTool('samtools'))(
  'normalisation agrees with bcftools norm',
  () => {
    // a reference with homopolymers, dinucleotide repeats and a repeat across a tile start
    const seq = 'GATTACAGGCATTTTTTGCACACACACAGTCCAGTAAAAGGCCTTGACCTTGACGGATCCAT'
    const ref = accessor(seq)
    const cases: [string, Variant][] = [
      ['deletion at the right end of a homopolymer', { pos: 15, ref: 'TT', alt: 'T' }],
      ['insertion at the right end of a homopolymer', { pos: 16, ref: 'T', alt: 'TT' }],
      ['dinucleotide deletion in a CA repeat', { pos: 25, ref: 'ACA', alt: 'A' }],
      ['dinucleotide insertion in a CA repeat', { pos: 26, ref: 'C', alt: 'CAC' }],
      ['deletion of a repeated 6-mer', { pos: 45, ref: 'GACCTTG', alt: 'G' }],
      ['deletion with a redundant suffix', { pos: 36, ref: 'AAAGG', alt: 'AGG' }],
    ]
    for (const [name, v] of cases)
      it(name, () => {
        expect(canonicalVariants(v, ref)).toEqual(bcftoolsNorm(seq, [v]))
      })

    it('an indel found by tile alignment is left-aligned beyond the tile start', () => {
      // tile [14, 40): the deletion of one T is found at the tile's T run, which begins before the tile
      const tileStart = 14
      const tile = seq.slice(tileStart, 40)
      const hap = tile.slice(0, 1) + tile.slice(2)
      const edits = alignTile(tile, hap).edits
      const got = edits.flatMap((e) => normalizeEdit({ ...e, pos: e.pos + tileStart }, ref))
      expect(got).toEqual(bcftoolsNorm(seq, [{ pos: 15, ref: 'TT', alt: 'T' }]))
    })

    it('an indel next to a SNP: both kept, each canonical', () => {
      // haplotype: SNP G>T at 7 and deletion of 'CA' at 9-10
      const hap = seq.slice(0, 7) + 'T' + seq[8] + seq.slice(11)
      const edits = alignTile(seq, hap).edits
      const got = edits.flatMap((e) => normalizeEdit(e, ref))
      expect(applyVariants(seq, got)).toBe(hap)
      expect(got).toEqual(
        bcftoolsNorm(seq, [
          { pos: 7, ref: 'G', alt: 'T' },
          { pos: 8, ref: 'GCA', alt: 'G' },
        ]),
      )
    })

    it('an MNP and a complex allele become SNPs and indels that bcftools leaves as they are', () => {
      expect(canonicalVariants({ pos: 0, ref: 'GATT', alt: 'CAGT' }, ref)).toEqual([
        { pos: 0, ref: 'G', alt: 'C' },
        { pos: 2, ref: 'T', alt: 'G' },
      ])
      const complex = canonicalVariants({ pos: 9, ref: 'CATTT', alt: 'GTT' }, ref)
      expect(applyVariants(seq, complex)).toBe(seq.slice(0, 9) + 'GTT' + seq.slice(14))
      expect(complex.map((v) => v.ref.length === v.alt.length)).toContain(true)
      for (const v of complex.filter((x) => x.ref.length !== x.alt.length))
        expect(bcftoolsNorm(seq, [v])).toEqual([v])
    })
  },
)

function applyVariants(seq: string, vs: readonly Variant[]): string {
  let out = ''
  let at = 0
  for (const v of [...vs].sort((a, b) => a.pos - b.pos)) {
    out += seq.slice(at, v.pos) + v.alt
    at = v.pos + v.ref.length
  }
  return out + seq.slice(at)
}

describe('tilesToVcf', () => {
  it('merges haplotypes into biallelic records with no-calls and phasing', async () => {
    const seq = 'ACGTACGTTTGCAACCGGTTACGATCGATCGGATC'
    const ref = accessor(seq)
    const variants = new Map<string, TileVariantSource>([
      ['ref', { refStart: 0, refEnd: seq.length, seq }],
      ['snp', { refStart: 0, refEnd: seq.length, seq: seq.slice(0, 5) + 'T' + seq.slice(6) }],
      ['del', { refStart: 0, refEnd: seq.length, seq: seq.slice(0, 20) + seq.slice(22) }],
    ])
    const tiles: HaplotypeTile[] = [
      { hap: 0, key: 'snp' },
      { hap: 1, key: 'del' },
      { hap: 2, key: 'ref', nocalls: [4, 3] },
      { hap: 3, key: 'snp' },
    ]
    const block: TileBlock = { chrom: 'c', start: 0, end: seq.length, variants, tiles }
    const lines: string[] = []
    for await (const l of tilesToVcf({
      contigs: [{ name: 'c', length: seq.length }],
      samples: [
        { name: 'A', phased: true },
        { name: 'B', phased: false },
      ],
      reference: () => ref,
      blocks: [block],
    }))
      lines.push(l)
    expect(lines[0]).toBe('##fileformat=VCFv4.2')
    expect(lines).toContain('##contig=<ID=c,length=35>')
    expect(lines.filter((l) => !l.startsWith('##'))).toEqual([
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB',
      'c\t6\t.\tC\tT\t.\t.\t.\tGT\t1|0\t./1',
      // deletion of TA at 20-21 left-aligns over GTTA to the G at 17 (1-based 18)
      ...canonicalVariants({ pos: 19, ref: seq.slice(19, 22), alt: seq[19]! }, ref).map(
        (v) => `c\t${v.pos + 1}\t.\t${v.ref}\t${v.alt}\t.\t.\t.\tGT\t0|1\t0/0`,
      ),
    ])
  })
})

describe('tilesToVcf across blocks', () => {
  // two blocks of 20 bases; the boundary at 20 falls in the AAAA run at 18–21
  const seq = 'GATCCGTTGCATCGTGGCAAAATCGGCTAGCCTATGCG'.slice(0, 40).padEnd(40, 'T')
  const ref = accessor(seq)
  const tile = (start: number, end: number, seq: string): TileVariantSource => ({
    refStart: start,
    refEnd: end,
    seq,
  })
  const run = async (blocks: TileBlock[], samples = 1) => {
    const lines: string[] = []
    for await (const l of tilesToVcf({
      contigs: [{ name: 'c', length: seq.length }],
      samples: Array.from({ length: samples }, (_, i) => ({ name: `S${i}`, phased: true })),
      reference: () => ref,
      blocks,
    }))
      if (!l.startsWith('#'))
        lines.push(l.split('\t').slice(0, 5).concat(l.split('\t').slice(9)).join(' '))
    return lines
  }
  const block = (
    start: number,
    end: number,
    variants: Map<string, TileVariantSource>,
    tiles: HaplotypeTile[],
  ): TileBlock => ({
    chrom: 'c',
    start,
    end,
    variants,
    tiles,
  })

  it('reads each block’s tile variants under its own keys', async () => {
    // both blocks call their SNP tile '0.1' (step 0, variant 1 of each path, as a store does)
    const a = new Map([['0.1', tile(0, 20, seq.slice(0, 3) + 'G' + seq.slice(4, 20))]])
    const b = new Map([['0.1', tile(20, 40, seq.slice(20, 25) + 'A' + seq.slice(26, 40))]])
    expect(seq[3]).toBe('C')
    expect(seq[25]).toBe('G')
    expect(
      await run([
        block(0, 20, a, [{ hap: 0, key: '0.1' }]),
        block(20, 40, b, [{ hap: 1, key: '0.1' }]),
      ]),
    ).toEqual(['c 4 . C G 1|0', 'c 26 . G A 0|1'])
  })

  it('joins the pieces of a deletion cut at a block boundary', async () => {
    // haplotype 0 deletes the AA at 19–20: one A in each block; haplotype 1 only the one in the
    // second block. Each piece left-aligns to the C at 17, so apart they would be one 1-base
    // deletion (twice for haplotype 0).
    expect(seq.slice(17, 22)).toBe('CAAAA')
    const a = new Map([['del', tile(0, 20, seq.slice(0, 19))]])
    const b = new Map([['del', tile(20, 40, seq.slice(21, 40))]])
    expect(
      await run([
        block(0, 20, a, [{ hap: 0, key: 'del' }]),
        block(20, 40, b, [
          { hap: 0, key: 'del' },
          { hap: 1, key: 'del' },
        ]),
      ]),
    ).toEqual(['c 18 . CA C 0|1', 'c 18 . CAA C 1|0'])
  })

  it('stops with an error, not unsorted records, when an indel crosses a whole block', async () => {
    // an insertion at 30 of a copy of 5–30 left-aligns to 5, across the whole block 10–20
    const b = new Map([
      ['dup', tile(20, 40, seq.slice(20, 30) + seq.slice(5, 30) + seq.slice(30, 40))],
    ])
    const a = new Map([['snp', tile(0, 10, seq.slice(0, 2) + 'A' + seq.slice(3, 10))]])
    await expect(
      run([
        block(0, 10, a, [{ hap: 0, key: 'snp' }]),
        block(10, 20, new Map(), []),
        block(20, 40, b, [{ hap: 0, key: 'dup' }]),
      ]),
    ).rejects.toThrow(
      /^c:5: a 25-base indel left-aligns across 11-20, before which the records are written already$/,
    )
  })
})

describe('compareCanonical', () => {
  const seq = 'CCGATTGCAGGCATCCGTAGGCTTACCGGATTACAGG'
  const rec = (pos: number, ref: string, alt: string, gt: number[]) => ({
    chrom: 'c',
    pos,
    ref,
    alt,
    gt: Uint8Array.from(gt),
    phased: Uint8Array.of(1, 1),
  })
  it('counts a planted disagreement, and the same haplotype written as other atoms as equivalent', async () => {
    // haplotype 1 of S1: TCAT inserted after 5 and AT after 6 (A); the same sequence aligned (B)
    const hapA = applyVariants(seq, [
      { pos: 5, ref: 'T', alt: 'TTCAT' },
      { pos: 6, ref: 'G', alt: 'GAT' },
    ])
    // the same sequence from one insertion plus a SNP, found by aligning it
    const other = alignTile(seq, hapA).edits.flatMap((e) => normalizeEdit(e, accessor(seq)))
    expect(applyVariants(seq, other)).toBe(hapA)
    const A = {
      samples: ['S1', 'S2'],
      records: [
        rec(5, 'T', 'TTCAT', [1, 0, 0, 0]),
        rec(6, 'G', 'GAT', [1, 0, 0, 0]),
        rec(20, 'G', 'A', [0, 0, 1, 1]),
      ],
    }
    const B = {
      samples: ['S2', 'S1'],
      records: [
        ...other.map((v) => rec(v.pos, v.ref, v.alt, [0, 0, 1, 0])),
        rec(20, 'G', 'A', [1, 0, 0, 0]),
      ],
    }
    const res = await compareCanonical(A, B, { reference: () => accessor(seq) })
    expect(res.disagreements).toEqual([
      { chrom: 'c', pos: 21, ref: 'G', alt: 'A', sample: 'S2', a: '1|1', b: '1|0' },
    ])
    // S1 differs at the four insertion/SNP sites (two atoms per side), all one haplotype sequence
    expect(other).not.toEqual(A.records.slice(0, 2).map(({ pos, ref, alt }) => ({ pos, ref, alt })))
    expect(res.equivalent).toBe(4)
    expect(res.agree + res.equivalent + 1).toBe(res.genotypes)
    const plain = await compareCanonical(A, B)
    expect(plain.equivalent).toBe(0)
    expect(plain.disagreements.length).toBe(1 + res.equivalent)
  })
})

describe('compareCanonical with a SNP and an indel at one POS on one haplotype', () => {
  // 20:2343690-2343705 of GRCh37: a run of 12 A; A>T and AT>A at the 12th A, on one haplotype
  const seq = 'GCCTTAAAAAAAAAAAATTGCAGT'
  const ref = accessor(seq)
  const snp = { pos: 16, ref: 'A', alt: 'T' }
  const del = { pos: 16, ref: 'AT', alt: 'A' }
  it('spells the haplotype as bcftools consensus does, and finds the other atoms equivalent', async () => {
    // consensus applies the SNP, then the deletion without its anchor base: A…A T T
    const hap = consensusSpell(seq, 0, [snp, del])
    expect(hap).toBe(seq.slice(0, 16) + 'T' + seq.slice(18))
    const other = alignTile(seq, hap).edits.flatMap((e) => normalizeEdit(e, ref))
    expect(other).toEqual([{ pos: 4, ref: 'TA', alt: 'T' }]) // one A fewer, left-aligned
    const rec = (v: Variant, gt: number[]) => ({
      chrom: 'c',
      ...v,
      gt: Uint8Array.from(gt),
      phased: Uint8Array.of(1),
    })
    const res = await compareCanonical(
      { samples: ['S'], records: [rec(snp, [0, 1]), rec(del, [0, 1])] },
      { samples: ['S'], records: other.map((v) => rec(v, [0, 1])) },
      { reference: () => ref },
    )
    expect(res.disagreements).toEqual([])
    expect(res.equivalent).toBe(3)
    expect(res.equivalentHaplotypes).toEqual([
      { sample: 'S', haplotype: 2, chrom: 'c', start: 4, end: 18, sequence: hap.slice(4, 17) },
    ])
  })
})

// The overlap rule against bcftools consensus itself: random records (clustered so that they
// overlap) on a random reference; bcftools names the records it skips, which is the skip list.
describe.skipIf(!hasTool('bcftools') || !hasTool('bgzip'))('the bcftools consensus rule', () => {
  const SAMPLES = ['S1', 'S2']
  interface Rec {
    pos: number
    ref: string
    alts: string[]
    gt: string[]
  }
  const vcfText = (seq: string, recs: readonly Rec[]) =>
    [
      '##fileformat=VCFv4.2',
      `##contig=<ID=c,length=${seq.length}>`,
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...SAMPLES].join(
        '\t',
      ),
      ...recs.map((r) =>
        ['c', r.pos + 1, '.', r.ref, r.alts.join(','), '.', '.', '.', 'GT', ...r.gt].join('\t'),
      ),
    ].join('\n') + '\n'
  /** bcftools consensus of every haplotype: sequence and the 1-based POS it skipped. */
  const consensusAll = (seq: string, vcf: string, name: string) => {
    const fa = join(tmp, 'cons.fa')
    writeFileSync(fa, `>c\n${seq}\n`)
    writeFileSync(join(tmp, `${name}.vcf`), vcf)
    const script =
      `set -e; cd ${tmp}; samtools faidx cons.fa; bgzip -f ${name}.vcf; bcftools index -f ${name}.vcf.gz; ` +
      SAMPLES.flatMap((s) =>
        [1, 2].map(
          (h) =>
            `echo "@${s}\t${h}"; bcftools consensus -f cons.fa -s ${s} -H ${h} ${name}.vcf.gz 2>&1 | grep -v '^Applied'`,
        ),
      ).join('; ')
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' })
    const res: { sample: string; h: number; seq: string; skipped: number[] }[] = []
    for (const block of out.split('@').slice(1)) {
      const [head, ...lines] = block.split('\n')
      const [sample, h] = head!.split('\t')
      const skipped = lines.flatMap((l) => {
        const m = /^The site c:(\d+) overlaps with another variant, skipping/.exec(l)
        return m ? [Number(m[1])] : []
      })
      const body = lines.filter((l) => /^[ACGTN]+$/.test(l)).join('')
      res.push({ sample: sample!, h: Number(h), seq: body, skipped })
    }
    return res
  }

  it('consensusSpell and applySkipList agree with bcftools consensus on random overlapping records', async () => {
    const bases = fc.constantFrom('A', 'C', 'G', 'T')
    const cases = fc.sample(
      fc.record({
        seq: fc.array(bases, { minLength: 120, maxLength: 120 }).map((a) => a.join('')),
        recs: fc.array(
          fc.record({
            pos: fc.integer({ min: 1, max: 40 }),
            rlen: fc.integer({ min: 1, max: 5 }),
            kind: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
            ins: fc.array(bases, { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
            gt: fc.array(fc.constantFrom('0', '1', '2'), { minLength: 4, maxLength: 4 }),
          }),
          { minLength: 10, maxLength: 30 },
        ),
      }),
      { numRuns: 10, seed: 20 },
    )
    let totalSkipped = 0
    for (const [c, { seq, recs: raw }] of cases.entries()) {
      const recs: Rec[] = raw
        .map((r) => {
          const ref = seq.slice(r.pos, r.pos + r.rlen)
          const alts = [
            ...new Set(
              r.kind.map(
                (k) =>
                  k === 0 // a SNP at the first base
                    ? (ref[0] === 'A' ? 'C' : 'A') + ref.slice(1)
                    : k === 1 // a deletion after the anchor
                      ? ref[0]!
                      : k === 2 // an insertion after the anchor
                        ? ref + r.ins
                        : r.ins + ref.slice(1, 2), // a complex change
              ),
            ),
          ].filter((a) => a !== ref)
          // an allele number past the ALTs becomes 1
          const al = r.gt.map((g) => (Number(g) > alts.length ? '1' : g))
          const gt = [`${al[0]}|${al[1]}`, `${al[2]}|${al[3]}`]
          return { pos: r.pos, ref, alts, gt }
        })
        .filter((r) => r.alts.length > 0)
        .sort((a, b) => a.pos - b.pos)
      const vcf = vcfText(seq, recs)
      const cons = consensusAll(seq, vcf, `case${c}`)
      const skipTsv = cons
        .flatMap((x) => x.skipped.map((p) => `c\t${p}\t${x.sample}\t${x.h}\toverlap`))
        .join('\n')
      for (const x of cons) {
        totalSkipped += x.skipped.length
        // the records this haplotype carries, in file order, spelled by the rule
        const carried = recs.flatMap((r) => {
          const al = Number(r.gt[SAMPLES.indexOf(x.sample)]!.split('|')[x.h - 1])
          return al ? [{ pos: r.pos, ref: r.ref, alt: r.alts[al - 1]! }] : []
        })
        expect(consensusSpell(seq, 0, carried), `case ${c} ${x.sample} ${x.h}`).toBe(x.seq)
      }
      // the skip list zeroes exactly what bcftools skipped: consensus is then the same, with no skip
      const stats: SkipListStats = { applied: 0, unmatched: [], unlisted: [] }
      const lines: string[] = []
      for await (const l of applySkipList(vcf.trimEnd().split('\n'), parseSkipList(skipTsv), stats))
        lines.push(l)
      expect(stats).toEqual({
        applied: cons.reduce((n, x) => n + x.skipped.length, 0),
        unmatched: [],
        unlisted: [],
      })
      const again = consensusAll(seq, lines.join('\n') + '\n', `case${c}b`)
      expect(again.map((x) => [x.seq, x.skipped])).toEqual(cons.map((x) => [x.seq, []]))
    }
    expect(totalSkipped).toBeGreaterThan(10)
  })

  it('reports list entries the rule does not skip, and skips the list does not name', async () => {
    const seq = 'ACGTACGTAAAAATTTCCGGACGTAGCTAGCTAGGATCCA'
    // S1 haplotype 1: the deletion at 9 covers the SNP at 10; S2 carries the SNP alone
    const vcf = vcfText(seq, [
      { pos: 8, ref: 'AAAA', alts: ['A'], gt: ['1|0', '0|0'] },
      { pos: 9, ref: 'A', alts: ['C'], gt: ['1|0', '1|0'] },
    ])
    const [cons] = consensusAll(seq, vcf, 'report')
    expect(cons!.skipped).toEqual([10])
    const stats: SkipListStats = { applied: 0, unmatched: [], unlisted: [] }
    const list = parseSkipList('#CHROM\tPOS\tSAMPLE\tHAPLOTYPE\tREASON\nc\t10\tS2\t1\toverlap\n')
    const out: string[] = []
    for await (const l of applySkipList(vcf.trimEnd().split('\n'), list, stats)) out.push(l)
    expect(stats).toEqual({ applied: 0, unmatched: ['c\t10\tS2\t1'], unlisted: ['c\t10\tS1\t1'] })
    expect(out.join('\n') + '\n').toBe(vcf)
    expect(() => parseSkipList('c\tx\tS2\t1\n', 'bad.tsv')).toThrow(/bad\.tsv.*line 1/)
  })
})

// Differential test on real data: haplotypes of 5 samples cut into 300-bp "tiles", aligned back,
// against bcftools norm of the same records.
describe.skipIf(!hasShared || !hasTool('bcftools'))('tiles → VCF on 1000 Genomes chr20', () => {
  it('every genotype agrees with bcftools norm -m -both of the input', async () => {
    const dir = `${DATA}grch37-chr20/`
    const fa = `${dir}20.1-4000000.fa`
    const vcf = `${dir}1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz`
    const samples = ['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101']
    const text = readFileSync(fa, 'latin1')
    const chr = text
      .slice(text.indexOf('\n') + 1)
      .replaceAll('\n', '')
      .toUpperCase()
    const ref = accessor(chr)
    const sub = join(tmp, 'sub.vcf')
    const all = execFileSync('bcftools', ['view', '-s', samples.join(','), vcf], {
      maxBuffer: 1 << 28,
    })
      .toString()
      .split('\n')
    const head = all.filter((l) => l.startsWith('#'))
    const recs = all.filter((l) => l && !l.startsWith('#')).slice(0, 2000)
    writeFileSync(sub, [...head, ...recs, ''].join('\n'))
    const W = 300
    // haplotype sequences per window, consensus-style (an overlapping variant is skipped)
    type Rec = { pos: number; ref: string; alt: string; gt: string[] }
    const parsed: Rec[] = recs.map((l) => {
      const c = l.split('\t')
      return { pos: Number(c[1]) - 1, ref: c[3]!, alt: c[4]!, gt: c.slice(9) }
    })
    const excludedRecs = new Set<Rec>()
    const byWindow = new Map<number, Rec[]>()
    for (const r of parsed) {
      const w = Math.floor(r.pos / W)
      if (Math.floor((r.pos + r.ref.length - 1) / W) !== w) excludedRecs.add(r)
      else byWindow.set(w, [...(byWindow.get(w) ?? []), r])
    }
    const crossing = excludedRecs.size
    const variants = new Map<string, TileVariantSource>()
    const blocks: TileBlock[] = []
    for (const [w, rs] of [...byWindow].sort((a, b) => a[0] - b[0])) {
      const start = w * W
      const tiles: HaplotypeTile[] = []
      for (let hap = 0; hap < samples.length * 2; hap++) {
        let seq = ''
        let at = start
        for (const r of rs) {
          const allele = Number(r.gt[hap >> 1]!.split('|')[hap & 1])
          if (allele === 0) continue
          if (r.pos < at) {
            excludedRecs.add(r) // overlaps a variant applied before: skipped, as bcftools consensus
            continue
          }
          seq += chr.slice(at, r.pos) + r.alt.split(',')[allele - 1]!
          at = r.pos + r.ref.length
        }
        seq += chr.slice(at, start + W)
        const key = `${w}:${seq}`
        if (!variants.has(key)) variants.set(key, { refStart: start, refEnd: start + W, seq })
        tiles.push({ hap, key })
      }
      blocks.push({ chrom: '20', start, end: start + W, variants, tiles })
    }
    const ours: string[] = []
    for await (const l of tilesToVcf({
      contigs: [{ name: '20', length: chr.length }],
      samples: samples.map((name) => ({ name, phased: true })),
      reference: () => ref,
      blocks,
    }))
      ours.push(l)
    const oursFile = join(tmp, 'ours.vcf')
    writeFileSync(oursFile, ours.join('\n') + '\n')
    const norm = (file: string) => {
      const out = execFileSync('bcftools', ['norm', '-m', '-both', '-f', fa, file], {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 28,
      })
      return out.toString().split('\n')
    }
    const refSource = () => ref
    const excludedKeys = new Set<string>()
    for (const r of excludedRecs)
      for (const v of canonicalVariants({ pos: r.pos, ref: r.ref, alt: r.alt }, ref))
        excludedKeys.add(variantKey(v))
    const A = await normalizeVcfRecords(norm(sub), refSource)
    const B = await normalizeVcfRecords(norm(oursFile), refSource)
    const res = await compareCanonical(A, B, {
      exclude: (r) => excludedKeys.has(variantKey(r)),
      reference: refSource,
    })
    console.log(
      `variants differential: ${parsed.length} records, ${blocks.length} windows, ` +
        `${variants.size} distinct tile variants for ${blocks.length * samples.length * 2} tiles; ` +
        `${crossing} records cross a window edge, ${excludedRecs.size - crossing} skipped as overlaps; ` +
        `${res.sites} sites compared, genotypes ${res.agree}/${res.genotypes} agree ` +
        `(non-ref ${res.nonRefAgree}/${res.nonRef}), ${res.equivalent} equivalent`,
    )
    expect(res.disagreements).toEqual([])
    expect(res.sitesOnlyA + res.sitesOnlyB).toBe(0)
    expect(res.agree).toBe(res.genotypes)
    // every input site some haplotype carries is there (compared or excluded), nothing else
    const carried = new Set<string>()
    for (const r of parsed)
      if (r.gt.some((g) => /[1-9]/.test(g)))
        for (const v of canonicalVariants({ pos: r.pos, ref: r.ref, alt: r.alt }, ref))
          carried.add(variantKey(v))
    expect(res.sites + res.excluded).toBe(carried.size)
    expect(res.nonRef).toBeGreaterThan(100)
  })
})

describe.skipIf(!hasTool('bcftools'))('VCF records as bytes, read by bcftools', () => {
  // a few samples are written a byte at a time, many as words: both layouts, both kinds of codes
  // (a VcfRecord's 0/1/2, the query engine's 0/1/-1), phased and not, a non-ASCII ID
  it.each([3, 63, 64, 150])('%i samples', async (n) => {
    let seed = n
    const random = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % k
    const names = Array.from({ length: n }, (_, i) => `S${i}`)
    const oddOffset = (a: Int8Array) => {
      const out = new Int8Array(a.length + 1).subarray(1)
      out.set(a)
      return out
    }
    const phased = Uint8Array.from(names, (_, i) => (i % 7 === 3 ? 0 : 1))
    const codes: Uint8Array[] = []
    const records: RecordToWrite[] = []
    for (let k = 0; k < 40; k++) {
      const gt = Uint8Array.from({ length: 2 * n }, () => [0, 0, 0, 1, 2][random(5)]!)
      codes.push(gt)
      records.push({
        chrom: 'chr20',
        pos: 999 * k + random(2 ** 28),
        id: k === 5 ? 'rs\u00e9\u4e2d1' : k % 3 ? `rs${k}` : undefined,
        ref: 'ACGT'.slice(0, 1 + (k % 4)),
        alt: k % 2 ? 'T' : 'G',
        info: k % 4 ? `AN=${2 * n};AC=${k}` : undefined,
        // the odd record as the query engine's alleles: no-call -1, at an odd byte offset
        gt: k % 2 ? oddOffset(Int8Array.from(gt, (c) => (c === 2 ? -1 : c))) : gt,
        phased,
      })
    }
    records.sort((a, b) => a.pos - b.pos)
    const file = join(tmp, `bytes${n}.vcf`)
    const header = vcfHeader(
      [{ name: 'chr20', length: 2 ** 29 }],
      names.map((name) => ({ name, phased: true })),
      {
        extra: ['AN', 'AC'].map(
          (id) => `##INFO=<ID=${id},Number=1,Type=Integer,Description="${id}">`,
        ),
      },
    )
    const chunks: Uint8Array[] = []
    for await (const c of vcfBytes([...header, records.slice(0, 20), records.slice(20)]))
      chunks.push(c.slice())
    // what bcftools reads of the file written from `chunks`
    const read = (chunks: Uint8Array[]) => {
      writeFileSync(file, Buffer.concat(chunks))
      return execFileSync(
        'bcftools',
        ['query', '-f', '%CHROM\t%POS\t%ID\t%REF\t%ALT\t%QUAL\t%INFO/AN[\t%GT]\n', file],
        { encoding: 'utf8' },
      )
    }
    const got = read(chunks)
    const allele = (c: number) => (c === 0 ? '0' : c === 1 ? '1' : '.')
    const expected = records.map((r) => {
      const gt = r.gt instanceof Int8Array ? Uint8Array.from(r.gt, (c) => (c < 0 ? 2 : c)) : r.gt
      const columns = names.map(
        (_, s) => `${allele(gt[2 * s]!)}${phased[s] ? '|' : '/'}${allele(gt[2 * s + 1]!)}`,
      )
      const an = r.info ? String(2 * n) : '.'
      return [r.chrom, r.pos + 1, r.id ?? '.', r.ref, r.alt, '.', an, ...columns].join('\t') + '\n'
    })
    expect(got).toBe(expected.join(''))

    // the same records as columns (RecordBatch): the first half as codes, the second as alleles at
    // an odd byte offset, a third of each dropped by filterBatch
    const batchOf = (rs: RecordToWrite[], alleles: boolean): RecordBatch => {
      const width = 2 * n
      const gt = alleles
        ? new Int8Array(rs.length * width + 1).subarray(1)
        : new Uint8Array(rs.length * width)
      rs.forEach((r, i) => {
        for (let h = 0; h < width; h++) {
          const c = r.gt[h]! < 0 || r.gt[h] === 2 ? 2 : r.gt[h]!
          gt[i * width + h] = alleles && c === 2 ? -1 : c
        }
      })
      return { sites: rs, info: rs.map((r) => r.info), gt, width, phased }
    }
    const kept = (_: unknown, i: number) => i % 3 !== 1
    const batches = [batchOf(records.slice(0, 20), false), batchOf(records.slice(20), true)]
    const columnar: Uint8Array[] = []
    for await (const c of vcfBytes([...header, ...batches.map((b) => filterBatch(b, kept))]))
      columnar.push(c.slice())
    const gotColumnar = read(columnar)
    const keptLines = [...expected.slice(0, 20).filter(kept), ...expected.slice(20).filter(kept)]
    expect(keptLines.length).toBe(26)
    expect(gotColumnar).toBe(keptLines.join(''))
  })
})
