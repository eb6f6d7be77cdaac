// Consequences against bcftools csq, record by record, on the testdata VCF (300 phased genomes,
// 24,990 records of 20:1-4 Mb) and on synthetic VCFs: csq's INFO/BCSQ entries and ours in
// csq's format. Every csq entry must be ours; every entry of ours that csq lacks must fall in
// one of three cases, each shown from csq's own output:
// - AC0: csq -p a computes protein effects from haplotypes only, so an allele no haplotype
//   carries gets none (csq counts the CDS hit, so it gets no intron either); we annotate it
//   alone, and the entry must be what `csq --local-csq` gives that record;
// - SUPPRESSED: csq reports intron/non_coding only when no transcript has a CDS, UTR or splice
//   hit on the record (its test_tscript runs only then); we report every transcript: the
//   record must have such a hit in csq's output (with or without --local-csq);
// - MERGED: csq merges the intron/non_coding entries of all transcripts of one biotype into one
//   entry naming the first gene; we name each gene: csq's record has the entry of another gene.
// Then cases where csq contradicts itself (one haplotype spelled two ways), and the CLI.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bcsqEntries } from '../src/consequence/bcsq.js'
import { ConsequencePredictor } from '../src/consequence/predict.js'
import type { Allele } from '../src/consequence/types.js'
import { annotateVcf } from '../src/consequence/vcf.js'
import type { GeneModel } from '../src/genes/model.js'
import { readGeneModel } from '../src/genes/read.js'
import { openReference } from '../src/tiling/reference.js'
import { runCli } from './cli.js'
import { named } from './shared.js'

const GFF = 'testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000.gff3.gz'
const REF = 'testdata/chr20/20.1-4000000.fa.gz'
const VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'

/** Entries per record, keyed `POS REF ALT`. */
type Bcsq = Map<string, Set<string>>

const sh = (cmd: string) =>
  execFileSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 })

function parseQuery(text: string): Bcsq {
  const out: Bcsq = new Map()
  for (const line of text.trim().split('\n')) {
    const [pos, ref, alt, bcsq] = line.split('\t')
    out.set(`${pos} ${ref} ${alt}`, new Set(bcsq === '.' ? [] : bcsq!.split(',')))
  }
  return out
}

/** bcftools csq's INFO/BCSQ of every record (`-p a` or `-l`). */
function csq(vcf: string, mode: '-p a' | '-l'): Bcsq {
  return parseQuery(
    sh(
      `bcftools csq ${mode} -f ${REF} -g ${GFF} ${vcf} 2>/dev/null | bcftools query -f '%POS\\t%REF\\t%ALT\\t%BCSQ\\n'`,
    ),
  )
}

async function ours(predictor: ConsequencePredictor, vcf: string, local = false): Promise<Bcsq> {
  const out: Bcsq = new Map()
  for await (const r of annotateVcf(named(vcf), predictor, { local })) {
    r.alts.forEach((alt, i) => {
      const allele = { chrom: r.chrom, pos: r.pos, ref: r.ref, alt }
      out.set(`${r.pos + 1} ${r.ref} ${alt}`, new Set(bcsqEntries(allele, r.consequences[i]!)))
    })
  }
  return out
}

const kind = (entry: string) => entry.split('|')[0]!
const bare = (entry: string) => kind(entry) === 'intron' || kind(entry) === 'non_coding'

interface Comparison {
  records: number
  /** csq entries we lack */
  missing: string[]
  /** our extra entries by the case that explains them */
  explained: Record<'AC0' | 'SUPPRESSED' | 'MERGED', number>
  unexplained: string[]
}

/**
 * Compare record by record. `local` is csq --local-csq's output for the same records (the
 * witness of AC0 and of hits), `ac` the allele counts (for AC0).
 */
function compare(ours: Bcsq, theirs: Bcsq, local: Bcsq, ac?: Map<string, number>): Comparison {
  const c: Comparison = {
    records: 0,
    missing: [],
    explained: { AC0: 0, SUPPRESSED: 0, MERGED: 0 },
    unexplained: [],
  }
  for (const [key, mine] of ours) {
    c.records++
    const csqSet = theirs.get(key) ?? new Set()
    const witness = new Set([...csqSet, ...(local.get(key) ?? [])])
    for (const e of csqSet) if (!mine.has(e)) c.missing.push(`${key}: ${e}`)
    for (const e of mine) {
      if (csqSet.has(e)) continue
      const [type, gene, , biotype] = e.split('|')
      if (ac?.get(key) === 0 && !bare(e) && local.get(key)?.has(e)) c.explained.AC0++
      else if (
        bare(e) &&
        [...csqSet].some((x) => {
          const f = x.split('|')
          return f[0] === type && f[3] === biotype && f[1] !== gene
        })
      )
        c.explained.MERGED++
      else if (bare(e) && [...witness].some((x) => !bare(x) && !x.startsWith('@')))
        c.explained.SUPPRESSED++
      else c.unexplained.push(`${key}: ${e}`)
    }
  }
  return c
}

/** Records with at least one entry of each type, counted as ../shared/data/MANIFEST.md does. */
function typeCounts(records: Bcsq): Record<string, number> {
  const out: Record<string, number> = {}
  for (const entries of records.values()) {
    const labels = new Set<string>()
    for (const e of entries) {
      if (e.startsWith('@')) {
        labels.add('@')
        continue
      }
      const star = kind(e).startsWith('*') ? '*' : ''
      for (const t of kind(e).replace('*', '').split('&')) labels.add(star + t)
    }
    for (const l of labels) out[l] = (out[l] ?? 0) + 1
  }
  return out
}

/** Our entries without the explained extras: what csq would have written. */
function withoutExtras(ours: Bcsq, theirs: Bcsq): Bcsq {
  return new Map(
    [...ours].map(([k, v]) => [k, new Set([...v].filter((e) => theirs.get(k)?.has(e)))]),
  )
}

let dir: string
let model: GeneModel
let predictor: ConsequencePredictor
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lt-csq-'))
  model = await readGeneModel(named(GFF))
  predictor = new ConsequencePredictor(model, await openReference(REF))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the testdata VCF against bcftools csq', () => {
  let mine: Bcsq
  let theirs: Bcsq
  let local: Bcsq
  beforeAll(async () => {
    mine = await ours(predictor, VCF)
    theirs = csq(VCF, '-p a')
    local = csq(VCF, '-l')
  })

  it('haplotype-aware (csq -p a): every csq entry is ours, every extra one explained', () => {
    const ac = new Map(
      sh(`bcftools +fill-tags ${VCF} -- -t AC | bcftools query -f '%POS %REF %ALT\\t%AC\\n'`)
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([k, n]) => [k!, Number(n)]),
    )
    const c = compare(mine, theirs, local, ac)
    expect(c.records).toBe(24_990)
    expect(c.missing).toEqual([])
    expect(c.unexplained).toEqual([])
    // each case happens on this data (so the rules above are exercised, not vacuous)
    expect(c.explained.AC0).toBeGreaterThan(0)
    expect(c.explained.SUPPRESSED).toBeGreaterThan(0)
    expect(c.explained.MERGED).toBeGreaterThan(0)
  })

  it("csq's counts are the MANIFEST's, and ours without the explained extras equal them", () => {
    const manifest = {
      intron: 12926,
      non_coding: 4903,
      '3_prime_utr': 675,
      missense: 261,
      synonymous: 217,
      '5_prime_utr': 216,
      splice_region: 53,
      stop_gained: 9,
      '*synonymous': 7,
      '*missense': 6,
      splice_acceptor: 5,
      frameshift: 3,
      splice_donor: 1,
      inframe_deletion: 1,
      stop_lost: 1,
      start_lost: 1,
      '@': 1,
    }
    expect([...theirs.values()].filter((e) => e.size).length).toBe(15_860)
    expect(typeCounts(theirs)).toEqual(manifest)
    expect(typeCounts(withoutExtras(mine, theirs))).toEqual(manifest)
  })

  it('two SNPs in one codon on a haplotype: one missense, and @POS at the second', () => {
    expect(mine.get('3838399 T A')).toEqual(
      new Set([
        'missense|MAVS|ENST00000358134|protein_coding|+|79C>79I|3838399T>A+3838400G>T',
        'missense|MAVS|ENST00000428216|protein_coding|+|79C>79I|3838399T>A+3838400G>T',
        'intron|MAVS||protein_coding', // ENST00000416600 (SUPPRESSED by csq)
      ]),
    )
    expect(mine.get('3838400 G T')).toEqual(new Set(['@3838399', 'intron|MAVS||protein_coding']))
  })

  it('each record alone (csq --local-csq): every csq entry is ours, extras explained', async () => {
    const c = compare(await ours(predictor, VCF, true), local, local)
    expect(c.missing).toEqual([])
    expect(c.unexplained).toEqual([])
    expect(c.explained.AC0).toBe(0)
  })
})

describe('synthetic VCFs against bcftools csq', () => {
  it('every SNV within 12 bp of each exon and CDS end of four transcripts (both strands)', async () => {
    // MAVS (+), SIGLEC1 (-), TMC2 (+), CPXM1 (-): starts, stops, UTRs, splice sites
    const ids = ['ENST00000358134', 'ENST00000202578', 'ENST00000358864', 'ENST00000380605']
    const ends = new Set<number>()
    for (const id of ids) {
      const t = model.transcript(id)!
      for (const iv of [...t.exons, ...t.cds]) ends.add(iv.start).add(iv.end)
    }
    const positions = [
      ...new Set([...ends].flatMap((j) => [...Array(24)].map((_, k) => j - 12 + k))),
    ].sort((a, b) => a - b)
    const bases = sh(
      `samtools faidx ${REF} ${positions.map((p) => `20:${p + 1}-${p + 1}`).join(' ')} | grep -v '>'`,
    )
      .trim()
      .split('\n')
    const lines = positions.flatMap((p, i) => {
      const b = bases[i]!.toUpperCase()
      return [...'ACGT'].filter((x) => x !== b).map((x) => `20\t${p + 1}\t.\t${b}\t${x}\t.\t.\t.`)
    })
    const vcf = join(dir, 'snvs.vcf')
    writeFileSync(
      vcf,
      `##fileformat=VCFv4.2\n##contig=<ID=20>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n${lines.join('\n')}\n`,
    )
    const local = csq(vcf, '-l')
    const mine = await ours(predictor, vcf, true)
    const c = compare(mine, local, local)
    expect(c.records).toBe(lines.length)
    // without samples every allele stands alone anyway
    expect(await ours(predictor, vcf)).toEqual(mine)
    expect(c.missing).toEqual([])
    expect(c.unexplained).toEqual([])
  })

  it('haplotypes combining changes: codons, both strands, frameshifts, a stop before', async () => {
    // S1: two SNPs in MAVS codon 79 on haplotype 1, the second alone on haplotype 2
    // S2: stop_gained in MAVS codon 41, then a missense in codon 80 (csq's `*`)
    // S3: +1 insertion and a -1 deletion 8 bp apart (frame restored), the insertion alone
    // S4: -1 deletion with a SNP 16 bp downstream (inside the frameshift), the SNP alone
    // S5: two SNPs in one SIGLEC1 codon (minus strand: reported at the right one), one alone
    const records = [
      ['3679907', 'C', 'A', '0|0', '0|0', '0|0', '0|0', '1|1'],
      ['3679908', 'C', 'T', '0|0', '0|0', '0|0', '0|0', '1|0'],
      ['3838285', 'C', 'T', '0|0', '1|0', '0|0', '0|0', '0|0'],
      ['3838399', 'T', 'A', '1|0', '0|0', '0|0', '0|0', '0|0'],
      ['3838400', 'G', 'T', '1|1', '0|0', '0|0', '0|0', '0|0'],
      ['3838402', 'G', 'A', '0|0', '1|0', '0|0', '0|0', '0|0'],
      ['3838403', 'A', 'AT', '0|0', '0|0', '1|1', '0|0', '0|0'],
      ['3838404', 'GC', 'G', '0|0', '0|0', '0|0', '1|0', '0|0'],
      ['3838411', 'GA', 'G', '0|0', '0|0', '1|0', '0|0', '0|0'],
      ['3838420', 'G', 'A', '0|0', '0|0', '0|0', '1|1', '0|0'],
    ]
    const vcf = join(dir, 'haplotypes.vcf')
    writeFileSync(
      vcf,
      [
        '##fileformat=VCFv4.2',
        '##contig=<ID=20>',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4\tS5',
        ...records.map(
          ([p, r, a, ...gt]) => `20\t${p}\t.\t${r}\t${a}\t.\t.\t.\tGT\t${gt.join('\t')}`,
        ),
        '',
      ].join('\n'),
    )
    const theirs = csq(vcf, '-p a')
    const mine = await ours(predictor, vcf)
    const c = compare(mine, theirs, csq(vcf, '-l'))
    expect(c.missing).toEqual([])
    expect(c.unexplained).toEqual([])
    // the cases csq shows here: a combined missense, @POS, `*`, inframe_altering
    const all = [...theirs.values()].flatMap((s) => [...s])
    for (const part of [
      '|576R>576H|3679907C>A+3679908C>T',
      '@3679908',
      '*missense|',
      'missense&inframe_altering|',
      '@3838404',
    ])
      expect(
        all.some((e) => e.includes(part)),
        part,
      ).toBe(true)
  })

  it('the API gives one haplotype the same combined effect as csq', async () => {
    const allele = (pos: number, ref: string, alt: string): Allele => ({
      chrom: '20',
      pos: pos - 1,
      ref,
      alt,
    })
    const hap = [allele(3679907, 'C', 'A'), allele(3679908, 'C', 'T')]
    const r = await predictor.haplotype(hap)
    expect(r.overlapping).toEqual([])
    // csq -p a on S5's first haplotype above
    expect(new Set(bcsqEntries(hap[0]!, r.alleles[0]!))).toEqual(new Set(['@3679908']))
    expect(new Set(bcsqEntries(hap[1]!, r.alleles[1]!))).toEqual(
      new Set([
        'missense|SIGLEC1|ENST00000344754|protein_coding|-|576R>576H|3679907C>A+3679908C>T',
        'missense|SIGLEC1|ENST00000202578|protein_coding|-|576R>576H|3679907C>A+3679908C>T',
      ]),
    )
    const lead = r.alleles[1]!.find((c) => c.transcript.id === 'ENST00000202578')!
    expect(lead.combined).toEqual(hap)
    expect(r.alleles[0]!.find((c) => c.transcript.id === 'ENST00000202578')!.reportedAt).toBe(
      hap[1],
    )
    // a tile variant's unanchored edit: ADAM33's 7-bp deletion as csq reports it on the testdata
    const del = await predictor.haplotype([allele(3649633, 'TCTGGACT', '')])
    const anchored = { chrom: '20', pos: 3649631, ref: 'ATCTGGACT', alt: 'A' }
    expect(bcsqEntries(anchored, del.alleles[0]!)).toContain(
      'frameshift|ADAM33|ENST00000356518|protein_coding|-|804QVQMPRSCLW*>804HAKILPLV|3649632ATCTGGACT>A',
    )
    await expect(predictor.haplotype([allele(3679907, 'G', 'A')])).rejects.toThrow(
      '20:3679907: REF G does not match the reference C',
    )
  })
})

describe('where bcftools csq contradicts itself (one haplotype, two spellings)', () => {
  // TMC2 (+) starts ATG AGC CAC: deleting one C of CC at 20:2517273-2517274 gives ATG AGC ACC
  // (M S T R *) whichever C goes. csq's anchored spelling GC>G gets 2SHQ..>2STR*; for CC>C it
  // removes the shared suffix first, loses the anchor and deletes the G at 2517272 (2TTR*).
  // TMC2 codon 835 is G|AG across an intron: GA>AG at 2621779-80 changes the intron's G and
  // the exon's A; csq calls the MNV synonymous but the same two changes as SNPs on one
  // haplotype missense 835E>835G (the exonic A>G makes GGG).
  const lines = [
    ['2517272', 'GC', 'G', '1|0', '0|0', '0|0'],
    ['2517273', 'CC', 'C', '0|0', '1|0', '0|0'],
    ['2621779', 'G', 'A', '0|0', '0|0', '1|0'],
    ['2621779', 'GA', 'AG', '0|0', '0|0', '0|1'],
    ['2621780', 'A', 'G', '0|0', '0|0', '1|0'],
  ]
  let theirs: Bcsq
  let mine: Bcsq
  beforeAll(async () => {
    const vcf = join(dir, 'spellings.vcf')
    writeFileSync(
      vcf,
      [
        '##fileformat=VCFv4.2',
        '##contig=<ID=20>',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tB\tC',
        ...lines.map(
          ([p, r, a, ...gt]) => `20\t${p}\t.\t${r}\t${a}\t.\t.\t.\tGT\t${gt.join('\t')}`,
        ),
        '',
      ].join('\n'),
    )
    theirs = csq(vcf, '-p a')
    mine = await ours(predictor, vcf)
  })
  /** the haplotype's amino acids of each protein entry (after `>`) */
  const altProtein = (entries: Set<string> | undefined) =>
    [...(entries ?? [])]
      .filter((e) => e.split('|').length > 5)
      .map((e) => e.split('|')[5]!.split('>')[1])

  it('a deletion in a repeat: csq differs by spelling, we do not', () => {
    expect(altProtein(theirs.get('2517272 GC G'))).toEqual(['2STR*'])
    expect(altProtein(theirs.get('2517273 CC C'))).toEqual(['2TTR*'])
    expect(altProtein(mine.get('2517272 GC G'))).toEqual(['2STR*'])
    expect(altProtein(mine.get('2517273 CC C'))).toEqual(['2STR*'])
  })

  it('an MNV across an exon start: csq calls it synonymous, its own SNPs missense', () => {
    const tmc2 = 'TMC2|ENST00000358864|protein_coding|+'
    expect(theirs.get('2621779 GA AG')).toContain(`synonymous|${tmc2}|835E|2621779GA>AG`)
    expect(theirs.get('2621780 A G')).toContain(`missense|${tmc2}|835E>835G|2621780A>G`)
    expect(mine.get('2621779 GA AG')).toContain(`missense|${tmc2}|835E>835G|2621779GA>AG`)
    expect(mine.get('2621780 A G')).toContain(`missense|${tmc2}|835E>835G|2621780A>G`)
  })
})

describe('lightning-tiles csq', () => {
  const args = ['csq', '--gff', GFF, '--reference', REF]

  it('--summary --local counts records per type as csq --local-csq does', async () => {
    const r = await runCli(...args, '--local', '--summary', VCF)
    expect(r.code).toBe(0)
    const counts = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
        .map(([label, n]) => [label!, Number(n)]),
    )
    const local = csq(VCF, '-l')
    const theirs = typeCounts(local)
    expect(counts.total).toBe(24_990)
    expect(counts.intergenic).toBe([...local.values()].filter((e) => !e.size).length)
    // intron and non_coding: we count the records csq suppresses as well (see above)
    for (const [label, n] of Object.entries(theirs))
      if (label === 'intron' || label === 'non_coding') expect(counts[label]).toBeGreaterThan(n)
      else expect(counts[label], label).toBe(n)
  })

  it('prints one TSV row per allele and transcript, joint effects and @POS', async () => {
    const vcf = join(dir, 'two.vcf')
    writeFileSync(
      vcf,
      sh(`bcftools view -r 20:3838399-3838400 ${VCF}`).replace(
        /^##contig=.*\n/m,
        '##contig=<ID=20>\n',
      ),
    )
    const r = await runCli(...args, vcf)
    expect(r.code).toBe(0)
    const rows = r.stdout.trim().split('\n')
    expect(rows[0]).toBe('CHROM\tPOS\tREF\tALT\tGENE\tTRANSCRIPT\tBIOTYPE\tCONSEQUENCE\tAA_CHANGE')
    expect(rows).toContain(
      '20\t3838399\tT\tA\tMAVS\tENST00000358134\tprotein_coding\tmissense\t79C>79I',
    )
    expect(rows).toContain(
      '20\t3838400\tG\tT\tMAVS\tENST00000358134\tprotein_coding\tmissense\t@3838399',
    )
    expect(rows).toContain('20\t3838400\tG\tT\tMAVS\tENST00000416600\tprotein_coding\tintron\t.')
  })

  it('records out of order: one line naming the file and line', async () => {
    const vcf = join(dir, 'unsorted.vcf')
    const header = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
    writeFileSync(vcf, `${header}20\t3838400\t.\tG\tT\t.\t.\t.\n20\t3838399\t.\tT\tA\t.\t.\t.\n`)
    const r = await runCli(...args, vcf)
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      `lightning-tiles: ${vcf}, line 4: records out of order: 20:3838399 after 3838400\n`,
    )
  })

  it('a REF that is not the reference: one line naming the file, line and position', async () => {
    const vcf = join(dir, 'badref.vcf')
    writeFileSync(
      vcf,
      '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n20\t3838399\t.\tG\tA\t.\t.\t.\n',
    )
    const r = await runCli(...args, vcf)
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      `lightning-tiles: ${vcf}, line 3: REF G at 20:3838399 does not match the reference (T)\n`,
    )
  })
})
