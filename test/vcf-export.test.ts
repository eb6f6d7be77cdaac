// `lightning-tiles vcf` against bcftools norm: a store built from a VCF gives the same records back,
// checked on random cohorts whose indels sit in tandem repeats across path boundaries and path
// ends, on several paths and contigs, where left-alignment moves a variant out of the path whose
// tiles hold it. Both sides go through `bcftools norm -m -both -f REF`, then are compared as
// CHROM POS REF ALT ID GT... lines: the records, their genotypes and the input's IDs.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/random.js'
import { storeToVcf } from '../src/export/vcf.js'
import { openStore } from '../src/store/node.js'
import { buildStore } from '../src/tiling/build.js'
import { hasTool } from './shared.js'

const tmp = mkdtempSync(join(tmpdir(), 'lt-vcf-export-'))
afterAll(() =>
  process.env.KEEP_TMP ? console.log(tmp) : rmSync(tmp, { recursive: true, force: true }),
)

const BASES = 'ACGT'

/** One input record: 0-based position of REF's first base. */
interface Rec {
  chrom: string
  pos: number
  ref: string
  alts: string[]
}

interface Cohort {
  contigs: { name: string; seq: string }[]
  records: Rec[]
  samples: number
  /** allele of haplotype h (2 per sample) in record r: gt[r][h] */
  gt: number[][]
}

/** Write REF.fa (+ .fai) and the cohort VCF; returns their paths. */
function writeInputs(dir: string, c: Cohort): { fa: string; vcf: string } {
  const fa = join(dir, 'ref.fa')
  writeFileSync(
    fa,
    c.contigs.map((k) => `>${k.name}\n${k.seq.replace(/(.{60})/g, '$1\n')}\n`).join(''),
  )
  execFileSync('samtools', ['faidx', fa])
  const samples = Array.from({ length: c.samples }, (_, i) => `S${i}`)
  const lines = [
    '##fileformat=VCFv4.2',
    ...c.contigs.map((k) => `##contig=<ID=${k.name},length=${k.seq.length}>`),
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join(
      '\t',
    ),
  ]
  c.records.forEach((r, i) => {
    const gts = samples.map((_, s) => `${c.gt[i]![2 * s]}|${c.gt[i]![2 * s + 1]}`)
    lines.push(
      [r.chrom, r.pos + 1, `rs${i + 1}`, r.ref, r.alts.join(','), '.', '.', '.', 'GT', ...gts].join(
        '\t',
      ),
    )
  })
  const vcf = join(dir, 'in.vcf')
  writeFileSync(vcf, lines.join('\n') + '\n')
  return { fa, vcf }
}

/** `bcftools norm -m -both -f REF` of a VCF as sorted `CHROM POS REF ALT ID GT...` lines, only the
 * records some haplotype carries. */
function normalised(fa: string, vcf: string): string[] {
  const text = execFileSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `bcftools norm -m -both -f ${fa} ${vcf} 2>/dev/null | bcftools query -f '%CHROM\\t%POS\\t%REF\\t%ALT\\t%ID[\\t%GT]\\n'`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  )
  return text
    .split('\n')
    .filter((l) => l && /[1-9]/.test(l.split('\t').slice(5).join('\t')))
    .sort()
}

/** The 1-based POS of each record (by ID) after `bcftools norm -f REF` (left-alignment). */
function normalisedPos(fa: string, vcf: string): Map<string, number> {
  const text = execFileSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `bcftools norm -f ${fa} ${vcf} 2>/dev/null | bcftools query -f '%ID\\t%POS\\n'`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  )
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('\t') as [string, string])
      .map(([id, pos]) => [id, Number(pos)]),
  )
}

async function exportStore(store: string, file: string): Promise<string[]> {
  const lines: string[] = []
  for await (const l of storeToVcf(openStore(store))) lines.push(l)
  writeFileSync(file, lines.join('\n') + '\n')
  return lines
}

/** Records of each contig in non-decreasing POS, as a VCF must be. */
function unsorted(lines: string[]): string[] {
  const bad: string[] = []
  let prev: string[] = []
  for (const l of lines) {
    if (l.startsWith('#')) continue
    const f = l.split('\t')
    if (f[0] === prev[0] && Number(f[1]) < Number(prev[1])) bad.push(`${prev[1]} then ${f[1]}`)
    prev = f
  }
  return bad
}

/** Build a store from the cohort (paths of `pathLength`), export it, and compare both sides. */
async function roundTrip(c: Cohort, pathLength: number, name: string) {
  const dir = join(tmp, name)
  mkdirSync(dir, { recursive: true })
  const { fa, vcf } = writeInputs(dir, c)
  const store = join(dir, 'store')
  await buildStore({ reference: fa, vcf, out: store, pathLength })
  const skipped = gunzipSync(readFileSync(join(store, 'skipped.tsv.gz')))
    .toString()
    .trim()
    .split('\n')
    .slice(1)
  const out = join(dir, 'out.vcf')
  const lines = await exportStore(store, out)
  const moved = normalisedPos(fa, vcf)
  // records that left-alignment moves out of the path they were written (and tiled) in
  const leaving = c.records.filter((r, i) => {
    const to = moved.get(`rs${i + 1}`)! - 1
    return Math.floor(to / pathLength) < Math.floor(r.pos / pathLength)
  }).length
  // records cut in two by the build: REF runs over a path end
  const cut = c.records.filter(
    (r) => Math.floor(r.pos / pathLength) < Math.floor((r.pos + r.ref.length - 1) / pathLength),
  ).length
  // contigs the allele index covers (the export reads those by lookup, the others through tiles)
  const files = Object.keys(
    (JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')) as { files: object }).files,
  )
  return {
    skipped,
    leaving,
    cut,
    indexed: files.some((f) => f.startsWith('alleles/')),
    unsorted: unsorted(lines),
    input: normalised(fa, vcf),
    output: normalised(fa, out),
  }
}

// ---------------------------------------------------------------------------------------------
// random cohorts with indels in repeats at path boundaries

interface RepeatSpec {
  unit: string
  copies: number
  /** where the boundary falls in the repeat, as a fraction of its length */
  offset: number
  kind: 'del' | 'dup' | 'ins' | 'del+dup'
  /** repeat units deleted or duplicated */
  k: number
  /** where in the repeat (from the path end on) the record is written, as a fraction */
  at: number
}

interface ContigSpec {
  paths: number
  /** the repeat at the end of each path (the last is the contig's end), if any */
  repeats: (RepeatSpec | null)[]
  /** SNP positions as fractions of the contig */
  snps: number[]
}

interface Scenario {
  seed: number
  pathLength: number
  samples: number
  contigs: ContigSpec[]
}

/** Uniform in [0, 1] (fc.double is uniform over the float encodings: near 0 almost always). */
const fraction = fc.integer({ min: 0, max: 1 << 20 }).map((x) => x / (1 << 20))

/** A repeat and its record, unbiased: fast-check's bias towards small values would make short
 * repeats with the record at their start, where left-alignment has nothing to do. */
const repeatSpec = fc.noBias(
  fc.record({
    unit: fc.string({ unit: fc.constantFrom(...BASES), minLength: 1, maxLength: 5 }),
    copies: fc.integer({ min: 3, max: 30 }),
    offset: fraction,
    kind: fc.constantFrom('del', 'dup', 'ins', 'del+dup'),
    k: fc.integer({ min: 1, max: 3 }),
    at: fraction,
  }),
) as fc.Arbitrary<RepeatSpec>

/** 1–4 paths, each end (the last is the contig's) in a repeat, or not. */
const contigSpec: fc.Arbitrary<ContigSpec> = fc
  .noBias(fc.integer({ min: 1, max: 4 }))
  .chain((paths) =>
    fc.record({
      paths: fc.constant(paths),
      repeats: fc.array(fc.option(repeatSpec, { freq: 4 }), {
        minLength: paths,
        maxLength: paths,
      }),
      snps: fc.array(fraction, { maxLength: 8 }),
    }),
  )

const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer(),
  pathLength: fc.integer({ min: 700, max: 1400 }),
  samples: fc.integer({ min: 1, max: 4 }),
  contigs: fc.array(contigSpec, { minLength: 1, maxLength: 3 }),
})

/** The reference and records a scenario describes: variants far enough apart that no haplotype
 * carries two that overlap (each repeat holds one record). */
function cohortOf(s: Scenario): Cohort {
  const rnd = seededRandom(s.seed)
  const base = () => BASES[Math.floor(rnd() * 4)]!
  const contigs: Cohort['contigs'] = []
  const records: Rec[] = []
  s.contigs.forEach((cs, ci) => {
    const name = `c${ci + 1}`
    const length = cs.paths * s.pathLength
    const seq = Array.from({ length }, base)
    const recs: Rec[] = []
    const taken: [number, number][] = []
    for (const [i, r] of cs.repeats.entries()) {
      if (!r) continue
      const len = r.unit.length * r.copies
      const b = (i + 1) * s.pathLength
      const rs = Math.min(Math.max(1, b - Math.round(r.offset * len)), length - len)
      for (let i = 0; i < len; i++) seq[rs + i] = r.unit[i % r.unit.length]!
      taken.push([rs - 1, rs + len])
      const ku = Math.min(r.k, r.copies - 1) * r.unit.length
      // written where it reaches or follows the path end, if the repeat holds one: the build
      // then cuts it in two, or left-alignment moves it into the path before
      const lo = Math.max(rs, Math.min(b - ku, rs + len - ku))
      const q = lo + Math.round(r.at * (rs + len - ku - lo))
      const at = (a: number, e: number) => seq.slice(a, e).join('')
      const anchor = seq[q - 1]!
      const X = at(q, q + ku)
      if (r.kind === 'del') recs.push({ chrom: name, pos: q - 1, ref: anchor + X, alts: [anchor] })
      else if (r.kind === 'dup')
        recs.push({ chrom: name, pos: q - 1, ref: anchor, alts: [anchor + X] })
      else if (r.kind === 'ins') {
        const extra = Array.from({ length: 1 + Math.floor(rnd() * 6) }, base).join('')
        recs.push({ chrom: name, pos: q - 1, ref: anchor, alts: [anchor + extra] })
      } else recs.push({ chrom: name, pos: q - 1, ref: anchor + X, alts: [anchor, anchor + X + X] })
    }
    for (const f of cs.snps) {
      const pos = Math.min(length - 1, Math.floor(f * length))
      if (taken.some(([a, e]) => pos > a - 12 && pos < e + 12)) continue
      taken.push([pos, pos + 1])
      const ref = seq[pos]!
      recs.push({ chrom: name, pos, ref, alts: [BASES[(BASES.indexOf(ref) + 1) % 4]!] })
    }
    recs.sort((a, b) => a.pos - b.pos)
    records.push(...recs)
    contigs.push({ name, seq: seq.join('') })
  })
  const gt = records.map((r) =>
    Array.from({ length: 2 * s.samples }, () =>
      rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * r.alts.length),
    ),
  )
  return { contigs, records, samples: s.samples, gt }
}

describe.skipIf(!hasTool('bcftools') || !hasTool('samtools'))('vcf export', () => {
  let run = 0
  it('equals the input after bcftools norm, with indels in repeats at path ends (property)', async () => {
    const runs = 40
    let records = 0
    let leaving = 0
    let cut = 0
    const indexed = [0, 0]
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const c = cohortOf(s)
        const r = await roundTrip(c, s.pathLength, `p${run++}`)
        expect(r.skipped).toEqual([])
        expect(r.unsorted).toEqual([])
        expect(r.output).toEqual(r.input)
        records += c.records.length
        leaving += r.leaving
        cut += r.cut
        indexed[r.indexed ? 0 : 1]!++
      }),
      { numRuns: runs },
    )
    console.log(
      `vcf export property: ${runs} cohorts, ${records} records; ${leaving} left-aligned into ` +
        `an earlier path, ${cut} cut at a path end; ${indexed[0]} read through the allele ` +
        `index, ${indexed[1]} through the tiles`,
    )
    // both ways of reading give the input back
    expect(indexed[0]).toBeGreaterThan(0)
    expect(indexed[1]).toBeGreaterThan(0)
    expect(leaving).toBeGreaterThan(0)
    expect(cut).toBeGreaterThan(0)
  })

  it('equals it with indels that left-align 22 kb, through paths made of one tandem repeat', async () => {
    // 3 kb random, (AC) × 11,000, 3 kb random; paths of 2,800: seven of them are all repeat
    const rnd = seededRandom(11)
    const random = (n: number) => Array.from({ length: n }, () => BASES[Math.floor(rnd() * 4)]!)
    const seq = [...random(3000), ...'AC'.repeat(11_000), ...random(3000)].join('')
    const end = 3000 + 22_000
    const c: Cohort = {
      contigs: [{ name: 'c1', seq }],
      records: [
        { chrom: 'c1', pos: 500, ref: seq[500]!, alts: [seq[500] === 'A' ? 'C' : 'A'] },
        // deletions and insertions written at the repeat's right end, 22 kb from where they land
        { chrom: 'c1', pos: end - 3, ref: 'CAC', alts: ['C'] },
        { chrom: 'c1', pos: end - 1, ref: 'C', alts: ['CACAC'] },
        { chrom: 'c1', pos: 27_000, ref: seq[27_000]!, alts: [seq[27_000] === 'G' ? 'T' : 'G'] },
      ],
      samples: 2,
      gt: [
        [1, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [0, 1, 1, 0],
      ],
    }
    const r = await roundTrip(c, 2800, 'long-repeat')
    expect(r.skipped).toEqual([])
    expect(r.unsorted).toEqual([])
    expect(r.leaving).toBe(2)
    expect(r.output).toEqual(r.input)
    expect(r.input.length).toBe(4)
  })
})
