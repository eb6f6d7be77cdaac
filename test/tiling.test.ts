import { describe, expect, it, beforeAll } from 'vitest'
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync, spawnSync } from 'node:child_process'
import { DATA, FIXTURES, hasShared, hasTool } from './shared.js'
import { openReference, referenceFromSequences, parseFastaText } from '../src/tiling/reference.js'
import type { ReferenceFasta } from '../src/tiling/reference.js'
import {
  pickTags,
  parsePathBed,
  pathFromGivenTags,
  stepEnd,
  stepStart,
  TAG_LENGTH,
} from '../src/tiling/tags.js'
import type { PathTags } from '../src/tiling/tags.js'
import { VcfHaplotypeSource } from '../src/tiling/haplotypes.js'
import type { Edit } from '../src/tiling/haplotypes.js'
import {
  PathLibraryBuilder,
  allTiles,
  bandOf,
  joinTiles,
  referenceTiles,
  tilesFromEdits,
} from '../src/tiling/tiles.js'
import type { Tile } from '../src/tiling/tiles.js'
import { findFastaPairs, tileFastaHaplotype } from '../src/tiling/fastaPairs.js'
import { FormatError, ArgumentError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'

function randomSeq(n: number, r: () => number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += 'acgt'[Math.floor(r() * 4)]
  return s
}
const revcomp = (s: string): string =>
  [...s]
    .reverse()
    .map((c) => ({ a: 't', c: 'g', g: 'c', t: 'a' })[c] ?? 'n')
    .join('')

/** Occurrences of a k-mer on both strands of every contig (naive). */
function countBothStrands(seqs: string[], kmer: string): number {
  let n = 0
  for (const s of seqs)
    for (const q of [kmer, revcomp(kmer)])
      for (let i = s.indexOf(q); i >= 0; i = s.indexOf(q, i + 1)) n++
  return n
}

/** The naive tag walk, straight from the rule text. */
function naiveTags(seqs: Map<string, string>, chrom: string, start: number, end: number): number[] {
  const all = [...seqs.values()]
  const seq = seqs.get(chrom) as string
  const out: number[] = []
  let p = start + 200
  while (p + TAG_LENGTH + 200 < end) {
    const k = seq.slice(p, p + TAG_LENGTH)
    if (!k.includes('n') && countBothStrands(all, k) === 1) {
      out.push(p)
      p += TAG_LENGTH + 200
    } else p++
  }
  return out
}

function applyEdits(ref: string, offset: number, edits: Edit[]): string {
  let out = ''
  let at = offset
  for (const e of edits) {
    out += ref.slice(at - offset, e.start - offset) + e.alt
    at = e.end
  }
  return out + ref.slice(at - offset)
}

describe('tag picking on synthetic references', () => {
  const r = seededRandom(7)
  const chr1 = randomSeq(6000, r)
  // repeat a 24-mer on the reverse strand of another contig, a palindrome and an N run
  const repeated = chr1.slice(1000, 1024)
  const pal = 'acgtacgtaattaattacgtacgt'
  expect(revcomp(pal)).toBe(pal)
  const chr2 =
    randomSeq(700, r) +
    revcomp(repeated) +
    randomSeq(500, r) +
    pal +
    randomSeq(300, r) +
    'n'.repeat(400) +
    randomSeq(2000, r)
  const seqs = new Map([
    ['chr1', chr1],
    ['chr2', chr2],
  ])
  const ref = referenceFromSequences('synthetic', [
    { name: 'chr1', seq: chr1 },
    { name: 'chr2', seq: chr2.toUpperCase() },
  ])

  it('picks exactly the tags of the naive rule, on both strands, skipping N and palindromes', async () => {
    const paths = await pickTags(ref, { pathLength: 2500 })
    expect(paths.map((p) => [p.path, p.chrom, p.start, p.end])).toEqual([
      [0, 'chr1', 0, 2000],
      [1, 'chr1', 2000, 4000],
      [2, 'chr1', 4000, 6000],
      [3, 'chr2', 0, 1974],
      [4, 'chr2', 1974, 3948],
    ])
    for (const p of paths) {
      expect(Array.from(p.tagStarts)).toEqual(naiveTags(seqs, p.chrom, p.start, p.end))
      p.tags.forEach((t, i) =>
        expect(t).toBe(
          (seqs.get(p.chrom) as string).slice(p.tagStarts[i], (p.tagStarts[i] as number) + 24),
        ),
      )
    }
    const starts = paths.flatMap((p) => (p.chrom === 'chr1' ? Array.from(p.tagStarts) : []))
    // the 24-mer repeated (reverse strand) on chr2 is never a tag
    expect(starts.some((s) => s > 976 && s < 1024)).toBe(false)
    const tags2 = paths.filter((p) => p.chrom === 'chr2').flatMap((p) => p.tags)
    expect(tags2).not.toContain(pal)
    expect(tags2.some((t) => t.includes('n'))).toBe(false)
  })

  it('is deterministic and follows a BED of boundaries', async () => {
    const bed = parsePathBed('chr2\t0\t3000\nchr2\t3000\t3948\n# comment\nchr1\t0\t6000\n')
    const a = await pickTags(ref, { boundaries: bed })
    const b = await pickTags(ref, { boundaries: bed })
    expect(a).toEqual(b)
    expect(a.map((p) => [p.chrom, p.start, p.end])).toEqual([
      ['chr2', 0, 3000],
      ['chr2', 3000, 3948],
      ['chr1', 0, 6000],
    ])
    for (const p of a)
      expect(Array.from(p.tagStarts)).toEqual(naiveTags(seqs, p.chrom, p.start, p.end))
  })

  it('rejects BEDs that do not tile the chromosomes', async () => {
    await expect(
      pickTags(ref, { boundaries: parsePathBed('chr2\t0\t3000\nchr2\t3100\t3948\n') }),
    ).rejects.toThrow(/expected a path starting at 3000/)
    await expect(pickTags(ref, { boundaries: parsePathBed('chr2\t0\t3000\n') })).rejects.toThrow(
      /end at 3000, not at its length 3948/,
    )
    await expect(pickTags(ref, { boundaries: parsePathBed('chrX\t0\t10\n') })).rejects.toThrow(
      ArgumentError,
    )
    expect(() => parsePathBed('chr1\tx\t10\n', 'b.bed')).toThrow(/b.bed, line 1: expected chrom/)
  })
})

describe('tiles from edits (synthetic)', () => {
  const r = seededRandom(11)
  const refSeq = randomSeq(3000, r)
  const tagStarts = [300, 600, 900, 1200, 1500, 1800, 2100, 2400]
  const path: PathTags = {
    path: 0,
    chrom: 'c',
    start: 0,
    end: 3000,
    tags: tagStarts.map((s) => refSeq.slice(s, s + 24)),
    tagStarts: Float64Array.from(tagStarts),
  }
  const refTiles = referenceTiles(path, refSeq)

  it('a SNP on a tag makes a spanning tile; n on a tag does not', () => {
    const snp = tilesFromEdits(path, refSeq, [
      { start: 610, end: 611, alt: refSeq[610] === 'a' ? 'c' : 'a' },
    ])
    expect(snp.map((t) => [t.step, t.span])).toEqual([[1, 2]])
    const nc = tilesFromEdits(path, refSeq, [{ start: 905, end: 908, alt: 'nnn' }])
    expect(nc.map((t) => [t.step, t.span, t.nocalls])).toEqual([
      [2, 1, [305, 3]],
      [3, 1, [5, 3]],
    ])
    // insertions at the edges of a tag belong to the neighbouring step, inside it they break it
    expect(
      tilesFromEdits(path, refSeq, [{ start: 1200, end: 1200, alt: 'g' }]).map((t) => [
        t.step,
        t.span,
      ]),
    ).toEqual([[3, 1]])
    expect(
      tilesFromEdits(path, refSeq, [{ start: 1224, end: 1224, alt: 'g' }]).map((t) => [
        t.step,
        t.span,
      ]),
    ).toEqual([[4, 1]])
    expect(
      tilesFromEdits(path, refSeq, [{ start: 1201, end: 1201, alt: 'g' }]).map((t) => [
        t.step,
        t.span,
      ]),
    ).toEqual([[3, 2]])
  })

  it('joining the tiles gives the edited sequence back (random edits)', () => {
    const rr = seededRandom(5)
    for (let trial = 0; trial < 300; trial++) {
      const edits: Edit[] = []
      let at = 0
      for (;;) {
        at += Math.floor(rr() * 400)
        if (at >= 3000) break
        const kind = rr()
        const len = 1 + Math.floor(rr() * 30)
        const end = Math.min(3000, at + (kind < 0.3 ? 0 : len))
        const alt =
          kind < 0.3
            ? randomSeq(len, rr)
            : kind < 0.5
              ? 'n'.repeat(end - at)
              : kind < 0.8
                ? randomSeq(end - at, rr)
                : ''
        if (end === at && alt === '') continue
        edits.push({ start: at, end, alt })
        at = end + (end === at ? 1 : 0)
      }
      const sparse = tilesFromEdits(path, refSeq, edits)
      const tiles = allTiles(path, refTiles, sparse)
      expect(joinTiles(tiles)).toBe(applyEdits(refSeq, 0, edits))
      let s = 0
      for (const t of tiles) {
        expect(t.step).toBe(s)
        s += t.span
        const n = t.seq.indexOf('n')
        if (n >= 0) expect(t.nocalls[0]).toBe(n)
      }
      expect(s).toBe(9)
    }
  })
})

/** Write a small VCF (bgzipped and indexed) and return its path. */
function smallVcf(
  dir: string,
  name: string,
  body: string,
  samples = ['S1', 'S2'],
  contigs = ['c'],
): string {
  const head =
    '##fileformat=VCFv4.2\n' +
    contigs.map((c) => `##contig=<ID=${c}>\n`).join('') +
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n' +
    `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${samples.join('\t')}\n`
  const file = join(dir, `${name}.vcf`)
  writeFileSync(file, head + body)
  return file
}

async function allEdits(src: VcfHaplotypeSource, paths: PathTags[]): Promise<Edit[][]> {
  const out: Edit[][] = Array.from({ length: src.nHaplotypes }, () => [])
  for await (const ph of src.paths(paths))
    for (let h = 0; h < ph.nHaplotypes; h++) (out[h] as Edit[]).push(...ph.edits(h))
  return out
}

describe('VCF haplotypes: rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiling-'))
  const r = seededRandom(3)
  const seq = randomSeq(2000, r)
  const fa = join(dir, 'ref.fa')
  writeFileSync(fa, `>c\n${seq.toUpperCase()}\n>d\n${randomSeq(500, r).toUpperCase()}\n`)
  let ref: ReferenceFasta
  let paths: PathTags[]
  beforeAll(async () => {
    ref = await openReference(fa)
    paths = await pickTags(ref, { pathLength: 700 })
  })
  const R = (pos: number, len = 1): string => seq.slice(pos - 1, pos - 1 + len).toUpperCase()
  const other = (b: string): string => (b === 'A' ? 'C' : 'A')

  // overlapping variants as bcftools consensus resolves them, checked against bcftools itself
  const overlapBody =
    [
      `c\t100\t.\t${R(100)}\t${other(R(100))}\t.\t.\t.\tGT\t1|0\t1|1`,
      `c\t100\t.\t${R(100, 3)}\t${R(100)}\t.\t.\t.\tGT\t1|1\t0|1`, // deletion at the SNP's base
      `c\t101\t.\t${R(101)}\t${other(R(101))}\t.\t.\t.\tGT\t1|0\t1|0`, // inside the deletion
      `c\t300\t.\t${R(300, 2)}\t${R(300)}\t.\t.\t.\tGT\t1|1\t1|0`,
      `c\t301\t.\t${R(301)}\t${R(301)}TTT\t.\t.\t.\tGT\t1|0\t0|1`, // insertion at the deletion's last base
      `c\t301\t.\t${R(301)}\t${other(R(301))}\t.\t.\t.\tGT\t1|1\t1|1`, // after the insertion
      `c\t500\t.\t${R(500)}\t${R(500)}GG,${other(R(500))}\t.\t.\t.\tGT\t1|2\t2/1`, // multi-allelic, unphased
      `c\t900\t.\t${R(900, 4)}\t${R(900)}\t.\t.\t.\tGT\t.|1\t0|.`, // missing alleles
      `c\t902\t.\t${R(902)}\t${other(R(902))}\t.\t.\t.\tGT\t1|1\t1|1`,
      `c\t1300\t.\t${R(1300)}\t${other(R(1300))}\t.\t.\t.\tGT\t1\t0|1`, // haploid
    ].join('\n') + '\n'

  it.skipIf(!hasTool('bcftools'))(
    'applies variants and overlaps exactly as bcftools consensus',
    async () => {
      const vcf = smallVcf(dir, 'overlap', overlapBody)
      execFileSync('bash', ['-c', `bgzip -f ${vcf} && bcftools index -f ${vcf}.gz`])
      const src = await VcfHaplotypeSource.open(`${vcf}.gz`, ref)
      const edits = await allEdits(
        src,
        paths.filter((p) => p.chrom === 'c'),
      )
      const ours = src.overlaps.map((o) => `${o.sample}.${o.haplotype}:${o.pos}`)
      for (const [si, s] of ['S1', 'S2'].entries())
        for (const hap of [1, 2]) {
          const run = spawnSync(
            'bcftools',
            ['consensus', '-f', fa, '-s', s, '-H', String(hap), `${vcf}.gz`],
            {
              encoding: 'latin1',
            },
          )
          const expected = parseFastaText(run.stdout, 'bcftools')[0]?.seq
          const mine = edits[2 * si + hap - 1] as Edit[]
          const hapSeq = applyEdits(seq, 0, mine)
          // bcftools skips missing alleles; we write n over the REF span: compare with n as wildcard
          expect(hapSeq.length).toBe(expected?.length)
          expect([...hapSeq].every((c, i) => c === 'n' || c === expected?.[i])).toBe(true)
          // the same overlaps, plus those inside our no-call runs (bcftools applies nothing there)
          const theirs = [...run.stderr.matchAll(/The site c:(\d+) overlaps/g)].map((m) =>
            Number(m[1]),
          )
          const skipped = ours
            .filter((o) => o.startsWith(`${s}.${hap}:`))
            .map((o) => Number(o.split(':')[1]))
          expect(theirs.length).toBeGreaterThan(0)
          for (const pos of theirs) expect(skipped).toContain(pos)
          for (const pos of skipped.filter((x) => !theirs.includes(x)))
            expect(mine.some((e) => /^n+$/.test(e.alt) && e.start < pos && pos <= e.end)).toBe(true)
        }
      expect([...src.unphased]).toEqual(['S2'])
      // the missing allele is an n-run over the REF span
      expect((edits[0] as Edit[]).find((e) => e.start === 899)).toEqual({
        start: 899,
        end: 903,
        alt: 'nnnn',
      })
    },
  )

  const bad: [string, string, RegExp][] = [
    [
      'refmismatch',
      `c\t10\t.\t${other(R(10))}\tG\t.\t.\t.\tGT\t0|1\t0|0\n`,
      /line 6: REF . at c:10 does not match the reference/,
    ],
    [
      'contig',
      `chrZ\t10\t.\tA\tG\t.\t.\t.\tGT\t0|1\t0|0\n`,
      /line 6: contig chrZ is not in the reference/,
    ],
    [
      'unsortedpos',
      `c\t20\t.\t${R(20)}\tG\t.\t.\t.\tGT\t0|1\t0|0\nc\t10\t.\t${R(10)}\tG\t.\t.\t.\tGT\t0|1\t0|0\n`,
      /line 7: position 10 comes after 20 on c/,
    ],
    [
      'unsortedchrom',
      `d\t20\t.\tA\tG\t.\t.\t.\tGT\t0|0\t0|0\nc\t10\t.\t${R(10)}\tG\t.\t.\t.\tGT\t0|1\t0|0\n`,
      /line 7: contig c comes after a later contig/,
    ],
    [
      'apart',
      `c\t20\t.\t${R(20)}\tG\t.\t.\t.\tGT\t0|0\t0|0\nd\t10\t.\tA\tG\t.\t.\t.\tGT\t0|0\t0|0\nc\t30\t.\t${R(30)}\tG\t.\t.\t.\tGT\t0|0\t0|0\n`,
      /line 8: records of contig c are not together/,
    ],
    [
      'gt',
      `c\t10\t.\t${R(10)}\tG\t.\t.\t.\tGT\t0|3\t0|0\n`,
      /line 6: genotype allele 3 but only 1 ALT/,
    ],
    ['gt2', `c\t10\t.\t${R(10)}\tG\t.\t.\t.\tGT\t0|x\t0|0\n`, /line 6: malformed genotype "0\|x"/],
    [
      'symbolic',
      `c\t10\t.\t${R(10)}\t<DUP>\t.\t.\t.\tGT\t0|1\t0|0\n`,
      /line 6: symbolic ALT allele <DUP>/,
    ],
  ]
  for (const [name, body, message] of bad)
    it(`rejects ${name}`, async () => {
      const vcf = smallVcf(dir, name, body, ['S1', 'S2'], ['c', 'd'])
      const src = await VcfHaplotypeSource.open(vcf, ref)
      const err = await allEdits(src, paths).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FormatError)
      expect((err as Error).message).toMatch(message)
      expect((err as FormatError).file).toBe(vcf)
    })

  it('rejects duplicate sample names and unknown samples; skips REF mismatches on request', async () => {
    const dup = smallVcf(dir, 'dup', '', ['S1', 'S2', 'S1'])
    await expect(VcfHaplotypeSource.open(dup, ref)).rejects.toThrow(
      /line 4: duplicate sample name S1 \(columns 10 and 12\)/,
    )
    const ok = smallVcf(
      dir,
      'ok',
      `c\t10\t.\t${other(R(10))}\tG\t.\t.\t.\tGT\t0|1\t0|0\nc\t20\t.\t${R(20)}\t${other(R(20))}\t.\t.\t.\tGT\t0|1\t0|0\n`,
    )
    await expect(VcfHaplotypeSource.open(ok, ref, { samples: ['S9'] })).rejects.toThrow(
      /sample S9 is not in/,
    )
    const src = await VcfHaplotypeSource.open(ok, ref, {
      samples: ['S2', 'S1'],
      skipRefMismatch: true,
    })
    const edits = await allEdits(src, paths)
    expect(src.refMismatches).toEqual([{ chrom: 'c', pos: 10 }])
    expect(edits[3]).toEqual([{ start: 19, end: 20, alt: other(R(20)).toLowerCase() }])
    expect(edits[0]).toEqual([])
  })
})

const CHR20 = `${DATA}grch37-chr20/`
const MANIFEST_OVERLAPS: Record<string, number[]> = {
  'HG00096.1': [3201364],
  'HG00096.2': [1903668, 2633404, 3313542],
  'HG00097.1': [3313542, 3938118],
  'HG00097.2': [2780782, 3938118],
}

describe.skipIf(!hasShared || !hasTool('bcftools'))('chr20:1-4 Mb, 300 samples', () => {
  const fa = `${CHR20}20.1-4000000.fa`
  const vcf = `${CHR20}1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz`
  let ref: ReferenceFasta
  let paths: PathTags[]
  beforeAll(async () => {
    ref = await openReference(fa)
    paths = await pickTags(ref, { pathLength: 1_000_000 })
  }, 60_000)

  it('reads the bgzipped whole chromosome through .fai/.gzi like the plain prefix', async () => {
    const gz = await openReference(`${CHR20}20.fa.gz`)
    expect(gz.contigs).toEqual([{ name: '20', length: 63025520 }])
    expect(ref.contigs).toEqual([{ name: '20', length: 4000000 }])
    for (const [b, e] of [
      [59990, 60130],
      [3999900, 4000000],
    ] as const)
      expect(await gz.fetch('20', b, e)).toBe(await ref.fetch('20', b, e))
    expect(await ref.fetch('20', 3999990, 4000100)).toHaveLength(10)
  })

  it('joined tiles equal bcftools consensus for HG00096 and HG00097, with the same overlaps', async () => {
    const src = await VcfHaplotypeSource.open(vcf, ref, { samples: ['HG00096', 'HG00097'] })
    const joined: string[][] = [[], [], [], []]
    for await (const ph of src.paths(paths)) {
      const p = ph.path
      const refSeq = await ref.fetch(p.chrom, p.start, p.end)
      const refTiles = referenceTiles(p, refSeq)
      for (let h = 0; h < 4; h++)
        joined[h]?.push(joinTiles(allTiles(p, refTiles, tilesFromEdits(p, refSeq, ph.edits(h)))))
    }
    for (const [si, s] of ['HG00096', 'HG00097'].entries())
      for (const hap of [1, 2]) {
        const expected = execFileSync(
          'bcftools',
          ['consensus', '-f', fa, '-s', s, '-H', String(hap), vcf],
          {
            encoding: 'latin1',
            maxBuffer: 1 << 24,
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        )
        const seq = parseFastaText(expected, 'bcftools')[0]?.seq
        expect((joined[2 * si + hap - 1] as string[]).join('') === seq).toBe(true)
        expect(
          src.overlaps.filter((o) => o.sample === s && o.haplotype === hap).map((o) => o.pos),
        ).toEqual(MANIFEST_OVERLAPS[`${s}.${hap}`])
      }
  }, 60_000)

  it('builds the per-path library of all 600 haplotypes, from which every haplotype comes back', async () => {
    const src = await VcfHaplotypeSource.open(vcf, ref)
    const n = src.nHaplotypes
    expect(n).toBe(600)
    const check = [0, 1, 2, 3, 599]
    const back: string[][] = check.map(() => [])
    const direct: string[][] = check.map(() => [])
    for await (const ph of src.paths(paths)) {
      const p = ph.path
      const refSeq = await ref.fetch(p.chrom, p.start, p.end)
      const builder = new PathLibraryBuilder(p, refSeq, n)
      // the same haplotypes through addEdits, which finds known tiles by their edits
      const byEdits = new PathLibraryBuilder(p, refSeq, n)
      for (let h = 0; h < n; h++) {
        const edits = ph.edits(h)
        const tiles = tilesFromEdits(p, refSeq, edits)
        builder.add(h, tiles)
        byEdits.addEdits(h, edits)
        const i = check.indexOf(h)
        if (i >= 0) direct[i]?.push(joinTiles(allTiles(p, builder.referenceTiles, tiles)))
      }
      const lib = builder.finish()
      const lib2 = byEdits.finish()
      expect(lib2.variants).toEqual(lib.variants)
      expect(lib2.refVariant).toEqual(lib.refVariant)
      const differ = Array.from({ length: n }, (_, h) => h).filter(
        (h) => !Buffer.from(lib2.haplotype(h).buffer).equals(Buffer.from(lib.haplotype(h).buffer)),
      )
      expect(differ).toEqual([])
      for (const h of check) expect(lib2.nocallLists(h)).toEqual(lib.nocallLists(h))
      for (let s = 0; s < lib.nSteps; s++) {
        const vs = lib.variants[s] as { count: number; md5: string; sequence: string }[]
        for (let i = 1; i < vs.length; i++) expect(vs[i - 1]!.count >= vs[i]!.count).toBe(true)
        expect(vs.every((v) => !v.sequence.includes('n'))).toBe(true)
      }
      check.forEach((h, i) => {
        const tiles: Tile[] = []
        const arr = lib.haplotype(h)
        for (let s = 0; s < lib.nSteps; s++) {
          if (arr[s] === -1) continue
          const v = lib.variants[s]![arr[s]!]!
          const chars = [...v.sequence]
          const runs = lib.nocalls(h, s)
          for (let k = 0; k < runs.length; k += 2)
            chars.fill('n', runs[k]!, runs[k]! + runs[k + 1]!)
          tiles.push({ step: s, span: v.span, seq: chars.join(''), nocalls: runs })
        }
        back[i]?.push(joinTiles(tiles))
        expect(lib.nocallLists(h)).toEqual(
          Array.from({ length: lib.nSteps }, (_, s) => lib.nocalls(h, s)),
        )
      })
      expect(bandOf(lib, 0).variants[0]).toEqual(Array.from(lib.haplotype(0)))
    }
    check.forEach((_, i) => expect(back[i]!.join('') === direct[i]!.join('')).toBe(true))
  }, 60_000)
})

describe('Lightning FASTA pairs', () => {
  const dir = `${FIXTURES}lightning/`
  const refText = readFileSync(`${dir}ref.fasta`, 'latin1')
  const refSeqs = parseFastaText(refText, 'ref.fasta')
  const tags = readFileSync(`${dir}tags`, 'latin1')
    .split('\n')
    .filter((l) => l && !l.startsWith('>'))
  const paths = refSeqs.map((r, i) => pathFromGivenTags(i, r.name, r.seq, tags))

  it('finds the tag library in the reference', () => {
    expect(paths.map((p) => Array.from(p.tagStarts))).toEqual([
      [100, 224, 348, 472],
      [100, 224, 348, 472],
    ])
  })

  it('cuts each haplotype at its tags and joins it back; a changed tag spans', async () => {
    for (const set of ['pipeline1', 'spanningtile']) {
      const pairs = findFastaPairs(
        ['input1.1.fasta', 'input1.2.fasta', 'input2.2.fasta', 'input2.1.fasta'].map(
          (f) => `${dir}${set}/${f}`,
        ),
      )
      expect(pairs.map((p) => p.sample)).toEqual(['input1', 'input2'])
      for (const pair of pairs)
        for (const f of pair.files) {
          const tiles = await tileFastaHaplotype(f, paths)
          const hap = parseFastaText(readFileSync(f, 'latin1'), f)
          for (const p of paths) {
            const seq = hap.find((r) => r.name === p.chrom)?.seq as string
            const ts = tiles.get(p.path) as Tile[]
            expect(joinTiles(ts)).toBe(seq)
            // a tile spans exactly where a tag is absent from the haplotype
            for (const t of ts)
              for (let s = t.step; s < t.step + t.span - 1; s++)
                expect(seq.includes(p.tags[s] as string)).toBe(false)
          }
        }
    }
    const span = (await tileFastaHaplotype(`${dir}spanningtile/input2.2.fasta`, paths)).get(
      0,
    ) as Tile[]
    expect(span.map((t) => [t.step, t.span])).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
      [4, 1],
    ])
    expect(() => findFastaPairs([`${dir}a.1.fasta`])).toThrow(/sample a lacks haplotype 2/)
  })

  it('numbers the variants over the cohort', async () => {
    const pairs = findFastaPairs(
      ['input1.1.fasta', 'input1.2.fasta', 'input2.1.fasta', 'input2.2.fasta'].map(
        (f) => `${dir}spanningtile/${f}`,
      ),
    )
    const p = paths[0] as PathTags
    const refSeq = refSeqs[0]?.seq as string
    const b = new PathLibraryBuilder(p, refSeq, 4)
    for (const [si, pair] of pairs.entries())
      for (const [k, f] of pair.files.entries())
        b.add(2 * si + k, (await tileFastaHaplotype(f, [p])).get(0) as Tile[])
    const lib = b.finish()
    expect([0, 1, 2, 3].map((h) => Array.from(lib.haplotype(h)))).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 1, -1, 0],
    ])
    // step 0 starts nnn in the reference: a no-call run in every haplotype, never in the library
    expect(lib.nocalls(3, 0)).toEqual([0, 3])
    expect(lib.variants[0]?.[0]?.sequence.startsWith('nnn')).toBe(false)
    expect(stepEnd(p, 1) - stepStart(p, 1)).toBe(148)
  })
})
