// gVCF and callable-region input on small generated data: the no-call mask against a direct
// per-base computation (property tests), the rules one by one, bad input, contig names, and what a
// user reads back from the store (fasta, vcf, CGF). The real gVCFs are in gvcf-real.test.ts.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { openTileResolver } from '../src/resolver/node.js'
import type { StoreConcordance } from '../src/store/concordance.js'
import { storeToVcf } from '../src/export/vcf.js'
import { openStore } from '../src/store/node.js'
import { parseManifest } from '../src/store/manifest.js'
import { alignTile } from '../src/variants/align.js'
import { buildStore } from '../src/tiling/build.js'
import type { BuildOptions } from '../src/tiling/build.js'
import { CallableRegions } from '../src/tiling/callable.js'
import { GvcfSample, parseGvcfLine } from '../src/tiling/gvcf.js'
import type { GvcfSkips, GvcfThresholds } from '../src/tiling/gvcf.js'
import type { Edit } from '../src/tiling/haplotypes.js'
import { openReference } from '../src/tiling/reference.js'
import type { PathTags } from '../src/tiling/tags.js'
import { runCli } from './cli.js'
import { named } from './shared.js'

const dir = mkdtempSync(join(tmpdir(), 'gvcf-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const random = seededRandom(2024)
const base = () => 'ACGT'[Math.floor(random() * 4)]!
const chr1 = Array.from({ length: 6000 }, base).join('')
const chr2 = Array.from({ length: 3000 }, base).join('')
const REF = join(dir, 'ref.fa')
writeFileSync(
  REF,
  `>1\n${chr1.replace(/(.{60})/g, '$1\n')}\n>2\n${chr2.replace(/(.{60})/g, '$1\n')}\n`,
)
const contigs = { '1': chr1, '2': chr2 } as Record<string, string>

let files = 0
/** A single-sample gVCF of `lines` (data lines, tab-separated). */
function gvcf(sample: string, lines: string[], name = `g${files++}.g.vcf`): string {
  const file = join(dir, name)
  const header = [
    '##fileformat=VCFv4.2',
    '##FILTER=<ID=LowQual,Description="Low quality">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', sample].join('\t'),
  ]
  writeFileSync(file, [...header, ...lines].join('\n') + '\n')
  return file
}

/** The reference base at 1-based `pos` (`chr1` and `seq1` are contig 1; N on other contigs). */
const at = (chrom: string, pos: number) =>
  contigs[chrom.replace(/^(chr|seq)/, '')]?.[pos - 1] ?? 'N'
/** A reference block [pos, end] (1-based, inclusive). */
const block = (chrom: string, pos: number, end: number, gt = '0/0', gq = 50, minDp = 30) =>
  [
    chrom,
    pos,
    '.',
    at(chrom, pos),
    '<NON_REF>',
    '.',
    '.',
    `END=${end}`,
    'GT:GQ:MIN_DP',
    `${gt}:${gq}:${minDp}`,
  ].join('\t')
/** A variant record; ALT gets `<NON_REF>` appended, as GATK writes it. */
const variant = (
  chrom: string,
  pos: number,
  ref: string,
  alts: string,
  gt: string,
  opts: { gq?: number; dp?: number; filter?: string; ps?: number } = {},
) =>
  [
    chrom,
    pos,
    '.',
    ref,
    `${alts},<NON_REF>`,
    '50',
    opts.filter ?? 'PASS',
    '.',
    opts.ps === undefined ? 'GT:GQ:DP' : 'GT:GQ:DP:PS',
    `${gt}:${opts.gq ?? 60}:${opts.dp ?? 30}${opts.ps === undefined ? '' : `:${opts.ps}`}`,
  ].join('\t')
const refOf = (chrom: string, pos: number, len: number) =>
  contigs[chrom]!.slice(pos - 1, pos - 1 + len)
const other = (b: string) => (b === 'A' ? 'C' : 'A')

// ---------------------------------------------------------------------------------------------
// edits of one sample, path by path (GvcfSample), turned back into haplotype sequences

/** Paths over the test contigs; GvcfSample reads only chrom, start and end. */
const PATHS = [
  { chrom: '1', start: 0, end: 2000 },
  { chrom: '1', start: 2000, end: 4000 },
  { chrom: '1', start: 4000, end: 6000 },
  { chrom: '2', start: 0, end: 3000 },
].map((p, i) => ({ ...p, path: i }) as unknown as PathTags)

/** `seq` (a contig from 0) with sorted edits applied. */
function applyEdits(seq: string, edits: readonly Edit[]): string {
  let out = ''
  let atPos = 0
  for (const e of edits) {
    out += seq.slice(atPos, e.start) + e.alt
    atPos = e.end
  }
  return out + seq.slice(atPos)
}

/** Both haplotypes of every contig, as the sample's edits make them (`n` = no-call). */
async function haplotypesOf(
  file: string,
  thresholds: GvcfThresholds,
  callable?: string,
): Promise<{ haps: Record<string, [string, string]>; skips: GvcfSkips; sample: GvcfSample }> {
  const ref = await openReference(REF)
  const skips: GvcfSkips = { overlaps: [], refMismatches: [], unplaced: [] }
  const sample = await GvcfSample.open(file, ref, skips, { thresholds })
  const regions = callable ? await new CallableRegions(callable, ref).start() : undefined
  const edits: Record<string, [Edit[], Edit[]]> = {}
  const tiled = new Set(PATHS.map((p) => p.chrom))
  for (const p of PATHS) {
    const refSeq = contigs[p.chrom]!.slice(p.start, p.end).toLowerCase()
    const nocalls = await regions?.nocalls(p.chrom, p.start, p.end)
    const [a, b] = await sample.path(p, refSeq, tiled, nocalls)
    const e = (edits[p.chrom] ??= [[], []])
    e[0].push(...a)
    e[1].push(...b)
  }
  await sample.finish(tiled)
  await regions?.finish()
  const haps: Record<string, [string, string]> = {}
  for (const [chrom, [a, b]] of Object.entries(edits)) {
    const seq = contigs[chrom]!.toLowerCase()
    haps[chrom] = [applyEdits(seq, a), applyEdits(seq, b)]
  }
  return { haps, skips, sample }
}

// ---------------------------------------------------------------------------------------------
// property: random non-overlapping records, thresholds and callable regions

interface GenRecord {
  pos: number // 1-based
  ref: string
  /** real ALT alleles */
  alts: string[]
  block: boolean
  end: number // 1-based inclusive
  gt: string
  gq: number
  dp: number
  filter: string
}

const recordArb = (contigLength: number) =>
  fc
    .array(
      fc.record({
        // mostly contiguous, as gVCFs are, with long good blocks reaching the path ends
        gap: fc.oneof(
          fc.constant(0),
          fc.constant(0),
          fc.constant(0),
          fc.integer({ min: 1, max: 40 }),
        ),
        kind: fc.constantFrom('block', 'block', 'block', 'snp', 'del', 'ins', 'multi'),
        len: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 100, max: 700 })),
        gt: fc.constantFrom(
          '0/0',
          '0/1',
          '1/1',
          '1|0',
          '0|1',
          './.',
          '1',
          '0',
          './1',
          '0/2',
          '1/2',
          '2|1',
        ),
        gq: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constant(99)),
        dp: fc.integer({ min: 0, max: 60 }),
        filter: fc.constantFrom('PASS', '.', '.', '.', 'RefCall', 'LowQual'),
        seed: fc.integer(),
      }),
      { minLength: 10, maxLength: 100 },
    )
    .map((specs) => {
      const recs: GenRecord[] = []
      let pos = 1
      for (const s of specs) {
        pos += s.gap
        const r = seededRandom(s.seed)
        const rb = () => 'ACGT'[Math.floor(r() * 4)]!
        let alts: string[]
        if (s.kind === 'block') {
          const end = Math.min(pos + s.len - 1, contigLength)
          if (pos > end) break
          // allele 1 of a block is <NON_REF>: a no-call
          const gt = s.gt.replace(/2/g, '1')
          recs.push({
            pos,
            ref: at('1', pos),
            alts: [],
            block: true,
            end,
            gt,
            gq: s.gq,
            dp: s.dp,
            filter: s.filter === 'PASS' ? '.' : s.filter,
          })
          pos = end + 1
          continue
        }
        const len = s.kind === 'del' ? 2 + (s.len % 6) : 1
        if (pos + len - 1 > contigLength) break
        const ref = refOf('1', pos, len)
        if (s.kind === 'snp') alts = [other(ref)]
        else if (s.kind === 'del') alts = [ref[0]!]
        else if (s.kind === 'ins') alts = [ref + rb() + rb()]
        else alts = [other(ref), ref + rb()]
        // with one real ALT, allele 2 is <NON_REF>: a no-call
        const gt = s.gt
        recs.push({
          pos,
          ref,
          alts,
          block: false,
          end: pos + len - 1,
          gt,
          gq: s.gq,
          dp: s.dp,
          filter: s.filter,
        })
        pos += len
      }
      return recs
    })

function recordLine(r: GenRecord): string {
  if (r.block)
    return block('1', r.pos, r.end, r.gt, r.gq, r.dp).replace('\t.\tEND', `\t${r.filter}\tEND`)
  return variant('1', r.pos, r.ref, r.alts.join(','), r.gt, {
    gq: r.gq,
    dp: r.dp,
    filter: r.filter,
  })
}

/**
 * The haplotypes straight from the definition, base by base: a base no record covers is `n`; a
 * record that fails FILTER, GQ or depth is `n` over its bases on both haplotypes; an allele `.` or
 * pointing at <NON_REF> is `n` on its haplotype; a haploid GT repeats on haplotype 2; an ALT
 * replaces the record's REF bases; outside the callable intervals every base is `n`.
 */
function expectedHaplotypes(
  recs: GenRecord[],
  t: GvcfThresholds,
  callable?: [number, number][],
): [string, string] {
  const seq = chr1.toLowerCase()
  const inCallable = (b: number) => !callable || callable.some(([s, e]) => b >= s && b < e)
  return [0, 1].map((h) => {
    const piece: string[] = []
    let b = 0 // 0-based next base
    const emitRef = (to: number) => {
      for (; b < to; b++) piece.push(inCallable(b) ? seq[b]! : 'n')
    }
    for (const r of recs) {
      // bases before the record: not covered
      for (; b < r.pos - 1; b++) piece.push('n')
      const good = (r.filter === 'PASS' || r.filter === '.') && r.gq >= t.minGq && r.dp >= t.minDp
      const alleles = r.gt.split(/[|/]/)
      const allele = alleles[Math.min(h, alleles.length - 1)]!
      const k = allele === '.' ? -1 : Number(allele)
      const nocall = !good || k < 0 || k > r.alts.length
      const start = r.pos - 1
      const end = r.end
      const touchesUncallable = Array.from({ length: end - start }, (_, i) => start + i).some(
        (x) => !inCallable(x),
      )
      if (nocall) {
        for (; b < end; b++) piece.push('n')
      } else if (k === 0) emitRef(end)
      else if (touchesUncallable) {
        // a callable-region gap on the record's bases masks them and the ALT is not applied
        // (SNPs only, see the generator with callable regions)
        for (; b < end; b++) piece.push('n')
      } else {
        piece.push(r.alts[k - 1]!.toLowerCase())
        b = end
      }
    }
    for (; b < seq.length; b++) piece.push('n')
    return piece.join('')
  }) as [string, string]
}

describe('gVCF no-call mask (property)', () => {
  it('equals a direct per-base computation on random blocks, calls and thresholds', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        recordArb(6000),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        async (recs, minGq, minDp) => {
          const t = { minGq, minDp }
          const file = gvcf('S', recs.map(recordLine), `prop-${run++}.g.vcf`)
          const { haps } = await haplotypesOf(file, t)
          expect(haps['1']).toEqual(expectedHaplotypes(recs, t))
          // a contig the gVCF lacks is a no-call throughout
          expect(haps['2']).toEqual(['n'.repeat(3000), 'n'.repeat(3000)])
        },
      ),
      { numRuns: 60, seed: 11 },
    )
  })

  it('with callable regions: every base outside them is a no-call as well', async () => {
    let run = 0
    const snpsAndBlocks = recordArb(6000).map((recs) =>
      recs.filter((r) => r.block || (r.ref.length === 1 && r.alts.every((a) => a.length === 1))),
    )
    const intervals = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 5990 }), fc.integer({ min: 1, max: 1500 })), {
        minLength: 1,
        maxLength: 12,
      })
      .map((xs) =>
        xs
          .map(([s, l]) => [s, Math.min(6000, s + l)] as [number, number])
          .sort((a, b) => a[0] - b[0]),
      )
    await fc.assert(
      fc.asyncProperty(
        snpsAndBlocks,
        intervals,
        fc.integer({ min: 0, max: 40 }),
        async (recs, ivs, minGq) => {
          const t = { minGq, minDp: 0 }
          const file = gvcf('S', recs.map(recordLine), `propc-${run}.g.vcf`)
          // CallableLoci style: a state in column 4, overlapping callable intervals allowed
          const bed = join(dir, `propc-${run++}.bed`)
          writeFileSync(
            bed,
            [
              'track name=callable',
              '1\t0\t6000\tNO_COVERAGE',
              ...ivs.map(([s, e]) => `1\t${s}\t${e}\tCALLABLE`),
            ].join('\n') + '\n',
          )
          const { haps } = await haplotypesOf(file, t, bed)
          expect(haps['1']).toEqual(expectedHaplotypes(recs, t, ivs))
        },
      ),
      { numRuns: 40, seed: 5 },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// a store from two gVCFs: what fasta, vcf and the CGF give back

describe('gVCF build: no-calls reach every output', () => {
  const snp = (chrom: string, pos: number, gt: string, opts: Parameters<typeof variant>[5] = {}) =>
    variant(chrom, pos, at(chrom, pos), other(at(chrom, pos)), gt, opts)
  const del = refOf('1', 2500, 6)
  // A: chr-prefixed names, phased in one phase set; B: plain names, one unphased het
  const A = gvcf(
    'A',
    [
      block('chr1', 1, 1000),
      block('chr1', 1001, 1100, '0/0', 5), // GQ 5 < 20
      // 1101..1200: no record
      block('chr1', 1201, 1999),
      snp('chr1', 2000, '0|1', { ps: 2000 }),
      block('chr1', 2001, 2499),
      variant('chr1', 2500, del, del[0]!, '1|0', { ps: 2000 }),
      block('chr1', 2506, 2999),
      snp('chr1', 3000, '0/1', { filter: 'RefCall' }),
      block('chr1', 3001, 3499),
      snp('chr1', 3500, '0/2'), // allele 2 is <NON_REF>
      block('chr1', 3501, 3999),
      snp('chr1', 4000, './.'),
      block('chr1', 4001, 4999),
      snp('chr1', 5000, '0|1', { ps: 2000 }),
      block('chr1', 5001, 6000),
    ],
    'A.g.vcf',
  )
  const B = gvcf(
    'B',
    [
      block('1', 1, 1049, '0/0', 30),
      snp('1', 1050, '0/1'),
      block('1', 1051, 1499, '0/0', 30),
      snp('1', 1500, '1'), // haploid
      block('1', 1501, 3999, '0/0', 30),
      block('2', 1, 3000, '0/0', 10),
    ],
    'B.g.vcf',
  )
  const out = join(dir, 'store-ab')
  let built: Awaited<ReturnType<typeof buildStore>>
  const hap = async (sample: string, h: 0 | 1, chrom: string) => {
    const genome = await openTileResolver(out).genome(sample)
    return genome.sequence(h, { chrom, start: 0, end: contigs[chrom]!.length })
  }

  it('builds, reading chr1 of A as 1 and saying so', async () => {
    built = await buildStore({ reference: REF, gvcf: [A, B], out, pathLength: 3000, cgf: true })
    expect(built.contigRenames).toEqual([{ file: A, from: 'chr1', to: '1', how: 'chr prefix' }])
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(m.samples.map((s) => [s.name, s.phased])).toEqual([
      ['A', true],
      ['B', false],
    ])
    expect(m.source).toMatchObject({
      gvcf: ['A.g.vcf', 'B.g.vcf'],
      minGq: 20,
      minDp: 0,
      records: 21,
    })
    expect((await runCli('verify', out)).code).toBe(0)
  })

  it('fasta: N exactly where the data are uncertain', async () => {
    const a1 = await hap('A', 0, '1')
    const a2 = await hap('A', 1, '1')
    const ref1 = chr1.toLowerCase()
    const n = (k: number) => 'n'.repeat(k)
    const c = (p: number) => other(at('1', p)).toLowerCase()
    // haplotype 1: deletion at 2500, no-calls at 1001-1200, 3000, 4000
    expect(a1).toBe(
      ref1.slice(0, 1000) +
        n(200) +
        ref1.slice(1200, 2500) +
        ref1.slice(2505, 2999) +
        'n' +
        ref1.slice(3000, 3999) +
        'n' +
        ref1.slice(4000),
    )
    // haplotype 2: SNPs at 2000 and 5000, no-calls at 1001-1200, 3000, 3500 (<NON_REF>), 4000
    expect(a2).toBe(
      ref1.slice(0, 1000) +
        n(200) +
        ref1.slice(1200, 1999) +
        c(2000) +
        ref1.slice(2000, 2999) +
        'n' +
        ref1.slice(3000, 3499) +
        'n' +
        ref1.slice(3500, 3999) +
        'n' +
        ref1.slice(4000, 4999) +
        c(5000) +
        ref1.slice(5000),
    )
    // a contig the gVCF lacks; a block below --min-gq
    expect(await hap('A', 0, '2')).toBe(n(3000))
    expect(await hap('B', 1, '2')).toBe(n(3000))
    // B: the haploid call on both haplotypes, nothing after its last record
    const b2 = await hap('B', 1, '1')
    expect(b2.slice(1499, 1500)).toBe(c(1500))
    expect((await hap('B', 0, '1')).slice(1499, 1500)).toBe(c(1500))
    expect(b2.slice(3999)).toBe(n(2001))
  })

  it('vcf: ./. where a sample is not called, 0/0 only where it is', async () => {
    const lines: string[] = []
    for await (const l of storeToVcf(openStore(out))) if (!l.startsWith('#')) lines.push(l)
    const gts = lines.map((l) => {
      const f = l.split('\t')
      return [f[0], f[1], f[3], f[4], f[9], f[10]].join(' ')
    })
    const sub = (p: number) => `${at('1', p)} ${other(at('1', p))}`
    expect(gts).toEqual([
      `1 1050 ${sub(1050)} .|. 0/1`,
      `1 1500 ${sub(1500)} 0|0 1/1`,
      `1 2000 ${sub(2000)} 0|1 0/0`,
      `1 2500 ${del} ${del[0]} 1|0 0/0`,
      `1 5000 ${sub(5000)} 0|1 ./.`,
    ])
  })

  it('view: the same genotypes, a no-call as `.`, from the CLI and from queryToVcfBytes', async () => {
    const cli = (await runCli('view', out)).stdout
    const { prepareQuery } = await import('../src/query/view.js')
    const { queryToVcfBytes } = await import('../src/query/viewText.js')
    const store = openStore(out)
    const chunks: Buffer[] = []
    for await (const c of queryToVcfBytes(store, await prepareQuery(store)))
      chunks.push(Buffer.from(c))
    expect(Buffer.concat(chunks).toString()).toBe(cli)
    const gts = cli
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const f = l.split('\t')
        return [f[1], f[7], f[9], f[10]].join(' ')
      })
    // the genotypes vcf writes (above), the phase of each call kept
    expect(gts).toEqual([
      '1050 . .|. 0/1',
      '1500 . 0|0 1/1',
      '2000 . 0|1 0/0',
      '2500 . 1|0 0/0',
      '5000 . 0|1 ./.',
    ])
  })

  it('view: AC/AN per group counted per tile variant equal those of the genotypes, no-calls out', async () => {
    const { prepareQuery } = await import('../src/query/view.js')
    const counts = async (genotypes: boolean) => {
      const q = await prepareQuery(openStore(out), { groups: [',A', ',B'], genotypes })
      const rows: string[] = []
      for await (const r of q.records())
        rows.push([r.chrom, r.pos, ...r.counts.map((c) => `${c.ac}/${c.an}`)].join(' '))
      return rows
    }
    const fast = await counts(false)
    expect(fast).toEqual(await counts(true))
    // A is no-call at 1050 (its 1001-1200 block), B at 5000 (past its last record)
    const sub = (p: number) => `1 ${p}`
    expect(fast).toEqual([
      `${sub(1050)} 1/2 0/0 1/2`,
      `${sub(1500)} 2/4 0/2 2/2`,
      `${sub(2000)} 1/4 1/2 0/2`,
      `${sub(2500)} 1/4 1/2 0/2`,
      `${sub(5000)} 1/2 1/2 0/0`,
    ])
  })

  it('CGF: the steps with no-calls are low quality (-2 in the hiq view) on their allele only', async () => {
    const stepOf = async (pos: number) => {
      const r = await runCli('tiles', out, `1:${pos}-${pos}`)
      return r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[3]!)
    }
    // 3500 lies in one tile, off the tags; only allele B (haplotype 2) has the no-call
    const [id] = await stepOf(3500)
    const [path, , step] = id!.split('.')
    const band = (
      await runCli('cgf', 'decode', join(out, 'genomes/A.cgf3'), '--path', path!, '--hiq')
    ).stdout.split('\n')
    const cell = (line: string) =>
      line.replace(/[[\]]/g, '').trim().split(/\s+/)[parseInt(step!, 16)]
    expect(cell(band[0]!)).not.toBe('-2')
    expect(cell(band[1]!)).toBe('-2')
    // both alleles at 4000
    const [id4] = await stepOf(4000)
    const s4 = parseInt(id4!.split('.')[2]!, 16)
    const cell4 = (line: string) => line.replace(/[[\]]/g, '').trim().split(/\s+/)[s4]
    const band4 = (
      await runCli(
        'cgf',
        'decode',
        join(out, 'genomes/A.cgf3'),
        '--path',
        id4!.split('.')[0]!,
        '--hiq',
      )
    ).stdout.split('\n')
    expect([cell4(band4[0]!), cell4(band4[1]!)]).toEqual(['-2', '-2'])
    // the runs themselves: one base at the tile offset of 3500 on allele B
    const cgf = new CgfReader(named(join(out, 'genomes/A.cgf3')))
    const decoded = await cgf.decodePath(parseInt(path!, 16))
    const k = Array.from(decoded.loqSteps).indexOf(parseInt(step!, 16))
    expect(k).toBeGreaterThanOrEqual(0)
    expect(decoded.nocIndexA[k + 1]! - decoded.nocIndexA[k]!).toBe(0)
    expect(
      Array.from(decoded.nocRunsB.subarray(decoded.nocIndexB[k]!, decoded.nocIndexB[k + 1]!))[1],
    ).toBe(1)
  })

  it('concordance: genotypes agree over the steps both have called, by class', async () => {
    // every tile as the assembly places it (BED from `tiles`), and the no-call bases of A and B
    const tiles = (await runCli('tiles', out, '1:1-6000')).stdout
      .trim()
      .split('\n')
      .concat((await runCli('tiles', out, '2:1-3000')).stdout.trim().split('\n'))
      .map((l) => l.split('\t'))
    const nocall = (chrom: string, p: number) =>
      chrom === '2' || (p >= 1001 && p <= 1200) || [3000, 3500, 4000].includes(p) || p >= 4000
    const called = tiles.filter(([chrom, s, e]) => {
      for (let p = Number(s) + 1; p <= Number(e); p++) if (nocall(chrom!, p)) return false
      return true
    })
    // A and B differ at 1500 (B 1/1), 2000 (A 0|1) and 2500 (A's deletion): their steps
    const differ = new Set(
      called
        .filter(
          ([chrom, s, e]) =>
            chrom === '1' && [1500, 2000, 2500].some((p) => p > Number(s) && p <= Number(e)),
        )
        .map((t) => t[3]),
    )
    const r = await runCli('concordance', out, 'A', 'B', '--json')
    expect(r.code).toBe(0)
    const c = JSON.parse(r.stdout) as StoreConcordance
    expect(c.steps).toBe(tiles.length)
    expect(c.compared).toBe(called.length)
    expect(c.agree).toBe(called.length - differ.size)
    // A's deletion at 2501-2505 lies on a tag: its tile spans two steps, the anchor 'het' (as the
    // SNP at 2000), the other 'spanning'; B's 1/1 at 1500 is in a step where A is 'ref'
    expect(differ.size).toBe(4)
    expect(c.byClass.het).toEqual({ compared: 2, agree: 0 })
    expect(c.byClass.spanning).toEqual({ compared: 1, agree: 0 })
    expect(c.byClass.ref).toEqual({ compared: called.length - 3, agree: called.length - 4 })
    // cgft's concordance counts the same steps (alleles in order: the same here)
    expect(c.cgf).toEqual({ hiq: c.compared, match: c.agree })
    expect((await runCli('concordance', out, 'A', 'Z')).err).toBe(
      `lightning-tiles: ${out}: no sample 'Z'\n`,
    )
  })

  it('--min-gq 5 calls the GQ 10 block of B; --min-dp 31 makes its MIN_DP 30 blocks no-calls', async () => {
    const out5 = join(dir, 'store-ab5')
    await buildStore({ reference: REF, gvcf: [B], out: out5, pathLength: 3000, minGq: 5 })
    const g = await openTileResolver(out5).genome('B')
    expect(await g.sequence(0, { chrom: '2', start: 0, end: 3000 })).toBe(chr2.toLowerCase())
    const out31 = join(dir, 'store-ab31')
    await buildStore({ reference: REF, gvcf: [B], out: out31, pathLength: 3000, minDp: 31 })
    const g31 = await openTileResolver(out31).genome('B')
    // blocks fail, the variant records (DP 30 too) fail: chr1 is all no-call
    expect(await g31.sequence(0, { chrom: '1', start: 0, end: 6000 })).toBe('n'.repeat(6000))
  })
})

// ---------------------------------------------------------------------------------------------
// single rules

describe('gVCF records', () => {
  const t = { minGq: 20, minDp: 0 }
  const place = { file: 'x.g.vcf', line: 9 }
  const parse = (line: string) => parseGvcfLine(line.replace(/ +/g, '\t'), t, place)
  it('classifies blocks, calls, filters and symbolic alleles', () => {
    expect(parse('20 100 . A <NON_REF> . . END=150 GT:GQ:MIN_DP 0/0:30:10')).toMatchObject({
      pos: 99,
      end: 150,
      block: true,
      alleles: [0, 0],
    })
    // DeepVariant: a real ALT next to <*>, phased with a phase set
    expect(parse('chr20 9000442 . A G,<*> 38.5 PASS . GT:GQ:PS 1|0:38:9000442')).toMatchObject({
      alts: ['g', ''],
      block: false,
      alleles: [1, 0],
      het: 'phased',
      ps: '9000442',
    })
    // RefCall, low GQ, ./., an allele at <*>, a haploid call, `*`
    expect(parse('20 5 . A C,<*> 0 RefCall . GT:GQ 0/1:50').alleles).toEqual([-1, -1])
    expect(parse('20 5 . A C,<*> 0 PASS . GT:GQ 0/1:19').alleles).toEqual([-1, -1])
    expect(parse('20 5 . A C,<*> 0 PASS . GT:GQ ./.:50').alleles).toEqual([-1, -1])
    expect(parse('20 5 . A C,<*> 0 PASS . GT:GQ 0/2:50').alleles).toEqual([0, -1])
    expect(parse('20 5 . A C,<*> 0 PASS . GT:GQ 1:50').alleles).toEqual([1, 1])
    expect(parse('20 5 . A C,* 0 PASS . GT:GQ 1/2:50').alleles).toEqual([1, 0])
    // a threshold that is set fails on a missing value
    expect(parse('20 5 . A <NON_REF> . . END=9 GT 0/0').alleles).toEqual([-1, -1])
    expect(
      parseGvcfLine('20\t5\t.\tA\t<NON_REF>\t.\t.\tEND=9\tGT\t0/0', { minGq: 0, minDp: 0 }, place)
        .alleles,
    ).toEqual([0, 0])
  })

  it('rejects what it cannot read, naming file and line', () => {
    expect(() => parse('20 100 . A <NON_REF> . . END=99 GT:GQ 0/0:30')).toThrow(
      'x.g.vcf, line 9: END=99 is before POS 100',
    )
    expect(() => parse('20 100 . A <DEL> . . . GT 0/1')).toThrow(/symbolic ALT allele <DEL>/)
    expect(() => parse('20 100 . A C,<*> . . . GT 0/3')).toThrow(/allele 3 but only 2 ALT/)
    expect(() => parse('20 100 . A C . . . GT 0/1/1')).toThrow(/3 alleles/)
  })
})

describe('tile alignment next to no-calls', () => {
  it('puts an indel in a repeat at its leftmost place, the no-call after it', () => {
    // reference ...A ACAC ACAC..., haplotype: ACAC deleted, then a no-call base
    const ref = 'GGTTAACACACACACGG'
    const alt = 'GGTTAANACACGG' // ACAC deleted at 5..8 (leftmost), the n on reference base 10
    const al = alignTile(ref, alt)
    expect(al.edits).toEqual([{ pos: 5, ref: 'ACAC', alt: '' }])
    expect(al.nocalls).toEqual([10, 11])
    // an insertion: ins TT after the G, then a no-call T
    expect(alignTile('AAGTTTCC', 'AAGTTnTTCC')).toEqual({
      edits: [{ pos: 3, ref: '', alt: 'TT' }],
      nocalls: [3, 4],
    })
  })
})

// ---------------------------------------------------------------------------------------------
// bad input: one line naming file and line, no store left

describe('gVCF build: bad input', () => {
  const attempt = async (opts: Partial<BuildOptions>) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`)
    try {
      await buildStore({ reference: REF, out, pathLength: 3000, ...opts })
    } catch (err) {
      expect(existsSync(out)).toBe(false)
      return err as Error
    }
    throw new Error('the build succeeded')
  }
  const good = (chrom = '1') => block(chrom, 1, 100)

  it('a gVCF of another reference (REF differs)', async () => {
    const wrong = gvcf('S', [good(), variant('1', 200, other(at('1', 200)), 'G', '0/1')])
    const err = await attempt({ gvcf: [wrong] })
    expect(err).toBeInstanceOf(FormatError)
    expect(err.message).toMatch(
      new RegExp(
        `^${wrong}, line 11: REF . at 1:200 does not match the reference \\(.\\): a gVCF of another reference\\?$`,
      ),
    )
  })

  it('a record past the contig end', async () => {
    const f = gvcf('S', [block('1', 5990, 6010)])
    expect((await attempt({ gvcf: [f] })).message).toMatch(
      /line 10: record at 1:5990 ends at 6010, past the end of 1 \(6000\)/,
    )
  })

  it('END before POS, overlapping blocks, unsorted records, two samples, an unknown contig', async () => {
    const cases: [string[], RegExp][] = [
      [[good(), block('1', 150, 120)], /line 11: END=120 is before POS 150/],
      [
        [good(), block('1', 90, 120)],
        /line 11: record at 1:90 starts inside the reference block of line 10 \(which ends at 100\): overlapping blocks/,
      ],
      [
        [good(), variant('1', 50, at('1', 50), other(at('1', 50)), '0/1')],
        /line 11: record at 1:50 starts inside the reference block/,
      ],
      [
        [good(), block('1', 101, 200), block('1', 150, 300)],
        /line 12: record at 1:150 starts inside/,
      ],
      [
        [block('1', 500, 600), block('1', 101, 200)],
        /line 11: position 101 comes after 500 on 1 \(unsorted gVCF\)/,
      ],
      [
        [block('2', 1, 10), block('1', 1, 10)],
        /line 11: contig 1 comes after 2, a later contig of the reference \(unsorted gVCF\)/,
      ],
      [[block('chrUn', 1, 10)], /line 10: contig chrUn is not in the reference/],
    ]
    for (const [lines, re] of cases)
      expect((await attempt({ gvcf: [gvcf('S', lines)] })).message).toMatch(re)
    const two = gvcf('S', [good()]).replace(/$/, '')
    writeFileSync(two, readFileSync(two, 'utf8').replace('\tS\n', '\tS\tT\n'))
    expect((await attempt({ gvcf: [two] })).message).toMatch(
      /line 9: expected a single-sample gVCF, found 2 sample columns \(bcftools view -s NAME takes one out\)/,
    )
    const f = gvcf('S', [good()])
    expect((await attempt({ gvcf: [f, gvcf('S', [good()])] })).message).toMatch(
      /sample S is in both/,
    )
  })

  it('the CLI prints one line and exits 1', async () => {
    const f = gvcf('S', [good(), block('1', 90, 120)])
    const r = await runCli('build', '--reference', REF, '--gvcf', f, '--out', join(dir, 'cli-bad'))
    expect(r.code).toBe(1)
    // progress lines, then the error on one line
    expect(r.err.split('\n').slice(-2).join('\n')).toBe(
      `lightning-tiles: ${f}, line 11: record at 1:90 starts inside the reference block of line 10 (which ends at 100): overlapping blocks\n`,
    )
    const q = await runCli(
      'build',
      '--reference',
      REF,
      '--gvcf',
      f,
      '--min-gq',
      'x',
      '--out',
      join(dir, 'cli-bad'),
    )
    expect([q.code, q.err]).toEqual([
      1,
      "lightning-tiles: --min-gq must be a whole number, got 'x'\n",
    ])
  })

  it('callable BEDs: no callable state, unsorted, a sample without one', async () => {
    const f = gvcf('S', [good()])
    const bed = (name: string, text: string) => {
      const file = join(dir, name)
      writeFileSync(file, text)
      return file
    }
    const mosdepth = bed('S.quantized.bed', '1\t0\t100\tMOSDEPTH_Q0\n1\t100\t6000\tMOSDEPTH_Q2\n')
    expect((await attempt({ gvcf: [f], callable: mosdepth })).message).toMatch(
      /no interval is in a callable state \(CALLABLE\); column 4 holds MOSDEPTH_Q0, MOSDEPTH_Q2: name the callable ones with --callable-states/,
    )
    const unsorted = bed('u.bed', '1\t100\t200\n1\t50\t60\n')
    expect((await attempt({ gvcf: [f], callable: unsorted })).message).toMatch(
      /u\.bed, line 2: START 50 comes after 100 on 1 \(unsorted BED\)/,
    )
    expect((await attempt({ gvcf: [f], callableBySample: { T: mosdepth } })).message).toMatch(
      /--callable T=…: no sample T/,
    )
    const empty = join(dir, 'beds-empty')
    mkdirSync(empty)
    expect((await attempt({ gvcf: [f], callableDir: empty })).message).toMatch(
      /no callable regions for sample S \(looked for S\.callable\.bed, /,
    )
  })
})

// ---------------------------------------------------------------------------------------------
// contig names and callable regions as a user gives them

describe('gVCF build: contig names and callable regions', () => {
  it('--rename-chrs maps names; mosdepth bins named by --callable-states, found in --callable-dir', async () => {
    const f = gvcf('S', [block('seq1', 1, 6000)], 'S.g.vcf')
    const map = join(dir, 'rename.txt')
    writeFileSync(map, 'seq1 1\nseq2\t2\n')
    const beds = join(dir, 'beds')
    mkdirSync(beds)
    // mosdepth --quantize 0:1:10: with MOSDEPTH_Q2=CALLABLE unset, the bins keep their names
    writeFileSync(
      join(beds, 'S.quantized.bed'),
      'seq1\t0\t100\tMOSDEPTH_Q0\nseq1\t100\t5000\tMOSDEPTH_Q2\nseq1\t5000\t6000\tMOSDEPTH_Q1\n',
    )
    const out = join(dir, 'store-renamed')
    const r = await buildStore({
      reference: REF,
      gvcf: [f],
      out,
      pathLength: 3000,
      renameChrs: map,
      callableDir: beds,
      callableStates: ['MOSDEPTH_Q2'],
    })
    expect(r.contigRenames.map((x) => [x.from, x.to, x.how])).toEqual([
      ['seq1', '1', 'rename-chrs'],
      ['seq1', '1', 'rename-chrs'],
    ])
    const g = await openTileResolver(out).genome('S')
    const seq = await g.sequence(0, { chrom: '1', start: 0, end: 6000 })
    expect(seq).toBe('n'.repeat(100) + chr1.slice(100, 5000).toLowerCase() + 'n'.repeat(1000))
  })

  it('a cohort VCF with one callable BED per sample (CallableLoci states)', async () => {
    const vcf = join(dir, 'cohort.vcf')
    writeFileSync(
      vcf,
      [
        '##fileformat=VCFv4.2',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', 'P', 'Q'].join(
          '\t',
        ),
        [
          'chr1',
          300,
          '.',
          at('1', 300),
          other(at('1', 300)),
          '.',
          'PASS',
          '.',
          'GT',
          '0|1',
          '1|1',
        ].join('\t'),
        [
          'chr1',
          2000,
          '.',
          at('1', 2000),
          other(at('1', 2000)),
          '.',
          'PASS',
          '.',
          'GT',
          '1|1',
          '0|1',
        ].join('\t'),
      ].join('\n') + '\n',
    )
    const bedP = join(dir, 'P.callable.bed')
    writeFileSync(bedP, '1\t0\t1000\tCALLABLE\n1\t1000\t6000\tLOW_COVERAGE\n2\t0\t3000\tCALLABLE\n')
    const bedQ = join(dir, 'Q.callable.bed')
    writeFileSync(bedQ, '1\t0\t6000\tCALLABLE\n2\t0\t3000\tREF_N\n')
    const out = join(dir, 'store-vcf-bed')
    await buildStore({
      reference: REF,
      vcf,
      out,
      pathLength: 3000,
      callableBySample: { P: bedP, Q: bedQ },
    })
    const lines: string[] = []
    for await (const l of storeToVcf(openStore(out)))
      if (!l.startsWith('#'))
        lines.push(l.split('\t').slice(1, 2).concat(l.split('\t').slice(9)).join(' '))
    // P is callable on 1:1-1000 only: its 1|1 at 2000 is a no-call (never 0|0 or 1|1)
    expect(lines).toEqual(['300 0|1 1|1', '2000 .|. 0|1'])
    const q = await openTileResolver(out).genome('Q')
    expect(await q.sequence(0, { chrom: '2', start: 0, end: 3000 })).toBe('n'.repeat(3000))
  })
})
