// Gene models from GFF3 and GTF: the Ensembl 75 GTF and the GFF3 made from it give the same
// transcripts (GTF stop codons folded into the CDS); the counts equal what bcftools csq indexes
// from the same GFF3; region queries equal a scan of every transcript; bad lines are one-line
// FormatErrors naming the file and line.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobFile } from 'generic-filehandle2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import type { GeneModel, Transcript } from '../src/genes/model.js'
import { readGeneModel } from '../src/genes/read.js'
import { runCli } from './cli.js'
import { DATA, describeShared, named } from './shared.js'

const SLICE = 'testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000'
const GFF3 = `${SLICE}.gff3.gz`
const GTF = `${SLICE}.gtf.gz`
const REF = 'testdata/chr20/20.1-4000000.fa.gz'

/** A transcript as plain data, without where its file declared it. */
const plain = (t: Transcript) => ({ ...t, line: 0 })

function expectSameModels(a: GeneModel, b: GeneModel) {
  expect(b.transcripts.length).toBe(a.transcripts.length)
  for (const t of a.transcripts) expect(plain(b.transcript(t.id)!)).toEqual(plain(t))
}

/** What bcftools csq indexes from a GFF3: "Indexed N transcripts, N exons, N CDSs, N UTRs". */
function csqIndexed(gff: string, dir: string) {
  const vcf = join(dir, 'empty.vcf')
  writeFileSync(vcf, '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n')
  const r = spawnSync('bcftools', ['csq', '-f', REF, '-g', gff, vcf], { encoding: 'utf8' })
  const m = /Indexed (\d+) transcripts, (\d+) exons, (\d+) CDSs, (\d+) UTRs/.exec(r.stderr)
  if (!m) throw new Error(`bcftools csq said: ${r.stderr}`)
  return { transcripts: +m[1]!, exons: +m[2]!, cds: +m[3]!, utrs: +m[4]! }
}

function ourCounts(m: GeneModel) {
  const utrs = m.transcripts.reduce((n, t) => n + t.utr5.length + t.utr3.length, 0)
  return {
    transcripts: m.stats.transcripts,
    exons: m.stats.exons,
    cds: m.stats.cdsParts,
    utrs,
  }
}

describe('gene models from GFF3 and GTF', () => {
  let dir: string
  let gff3: GeneModel
  let gtf: GeneModel
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-genes-'))
    gff3 = await readGeneModel(named(GFF3))
    gtf = await readGeneModel(named(GTF))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the same transcripts from the GTF (gzip) as from the GFF3 made of it (BGZF)', () => {
    expect(gff3.stats.orphanFeatures).toBe(0)
    expectSameModels(gff3, gtf)
  })

  it('indexes as many transcripts, exons, CDS and UTR parts as bcftools csq', () => {
    expect(ourCounts(gff3)).toEqual(csqIndexed(GFF3, dir))
  })

  it('knows the genes of the testdata region with their names, biotypes and strands', () => {
    // from ../shared/data/MANIFEST.md: 127 genes (79 protein-coding); ADAM33 3,648,612-3,662,893 (-)
    const genes = new Map(gff3.transcripts.map((t) => [t.gene.id, t.gene]))
    expect(genes.size).toBe(127)
    expect([...genes.values()].filter((g) => g.biotype === 'protein_coding')).toHaveLength(79)
    const adam33 = gff3.transcripts.filter((t) => t.gene.name === 'ADAM33')
    expect(Math.min(...adam33.map((t) => t.start)) + 1).toBe(3_648_612)
    expect(Math.max(...adam33.map((t) => t.end))).toBe(3_662_893)
    expect(new Set(adam33.map((t) => t.strand))).toEqual(new Set(['-']))
  })

  it('finds the transcripts of a region as a scan of all of them does', () => {
    const rnd = seededRandom(11)
    for (let q = 0; q < 2000; q++) {
      const start = Math.floor(rnd() * 4_100_000)
      const end = start + 1 + Math.floor(rnd() * (q % 10 === 0 ? 500_000 : 2000))
      const scan = gff3.transcripts.filter((t) => t.start < end && start < t.end)
      expect(gff3.overlapping('20', start, end).map((t) => t.id)).toEqual(scan.map((t) => t.id))
    }
    // chr-prefixed names resolve to the model's chromosome, unknown ones to nothing
    expect(gff3.overlapping('chr20', 3_650_000, 3_650_001).length).toBeGreaterThan(0)
    expect(gff3.overlapping('21', 0, 1e9)).toEqual([])
  })

  it('reads through any filehandle (a Blob, as in a browser)', async () => {
    const blob = new BlobFile(new Blob([readFileSync(GFF3)]))
    const model = await readGeneModel({ name: 'genes.gff3.gz', handle: blob })
    expectSameModels(gff3, model)
  })

  describe('bad input: one-line FormatError naming the file and line', () => {
    const gene = '20\tx\tgene\t100\t900\t.\t+\t.\tID=gene:G1;Name=GENE1;biotype=protein_coding'
    const mrna =
      '20\tx\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T1;Parent=gene:G1;biotype=protein_coding'
    const exon = (s: number, e: number) => `20\tx\texon\t${s}\t${e}\t.\t+\t.\tParent=transcript:T1`
    const cds = (s: number, e: number, phase: string, strand = '+') =>
      `20\tx\tCDS\t${s}\t${e}\t.\t${strand}\t${phase}\tID=CDS:P1;Parent=transcript:T1`
    const cases: [string, string[], RegExp][] = [
      [
        'too few columns',
        [gene, '20\tx\texon\t1\t2'],
        /line 2: expected 9 tab-separated columns, found 5/,
      ],
      [
        'a bad position',
        [gene, '20\tx\tgene\t5\tx\t.\t+\t.\tID=G2'],
        /line 2: columns 4-5 must be/,
      ],
      ['end before start', [gene, '20\tx\tgene\t50\t40\t.\t+\t.\tID=G2'], /line 2: columns 4-5/],
      [
        'a CDS without phase',
        [gene, mrna, exon(100, 900), cds(200, 400, '.')],
        /line 4: a CDS needs phase/,
      ],
      [
        'a part without parent',
        [gene, '20\tx\texon\t1\t2\t.\t+\t.\tName=E'],
        /line 2: exon without Parent/,
      ],
      [
        'a duplicate transcript',
        [gene, mrna, mrna],
        /line 3: transcript T1 is declared twice \(first at line 2\)/,
      ],
      [
        'a part on the other strand',
        [gene, mrna, exon(100, 900), cds(200, 400, '0', '-')],
        /line 4: CDS of T1 has strand '-'/,
      ],
      [
        'a wrong CDS phase',
        [gene, mrna, exon(100, 300), exon(500, 900), cds(200, 300, '0'), cds(500, 700, '0')],
        /line 6: CDS phase 0 of T1 disagrees with the 101 coding bases before it, which give phase 1/,
      ],
      [
        'bad attributes',
        [gene, '20\tx\tmRNA\t1\t9\t.\t+\t.\tID=T2;Parent'],
        /line 2: column 9: expected key=value/,
      ],
      ['no transcripts', [gene], /no transcripts: expected GFF3 or GTF/],
    ]
    for (const [what, lines, message] of cases)
      it(what, async () => {
        const file = join(dir, 'bad.gff3')
        writeFileSync(file, `${lines.join('\n')}\n`)
        const err = await readGeneModel(named(file)).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(FormatError)
        expect((err as Error).message).toMatch(message)
        expect((err as Error).message).toContain(file)
        expect((err as Error).message).not.toContain('\n')
      })

    it('a GTF line without gene_id', async () => {
      const file = join(dir, 'bad.gtf')
      writeFileSync(file, '20\tprotein_coding\texon\t1\t9\t.\t+\t.\ttranscript_id "T1";\n')
      await expect(readGeneModel(named(file))).rejects.toThrow(`${file}, line 1: no gene_id`)
    })

    it('the CLI prints the same one line and exits 1', async () => {
      const file = join(dir, 'bad-cli.gff3')
      writeFileSync(file, `${gene}\n20\tx\texon\t1\t2\n`)
      const r = await runCli(
        'csq',
        '--gff',
        file,
        '--reference',
        REF,
        'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz',
      )
      expect(r.code).toBe(1)
      expect(r.err).toBe(
        `lightning-tiles: ${file}, line 2: expected 9 tab-separated columns, found 5\n`,
      )
    })
  })
})

describeShared('gene models of the whole of chromosome 20 (../shared)', () => {
  const gff = `${DATA}genes/Homo_sapiens.GRCh37.75.chr20.gff3.gz`
  const gtf = `${DATA}genes/Homo_sapiens.GRCh37.75.chr20.gtf.gz`

  it('GTF and GFF3 give the same 4,040 transcripts; counts equal bcftools csq', async () => {
    const a = await readGeneModel(named(gff))
    const b = await readGeneModel(named(gtf))
    expectSameModels(a, b)
    const dir = mkdtempSync(join(tmpdir(), 'lt-genes-'))
    try {
      const csq = csqIndexed(gff, dir)
      expect(ourCounts(a)).toEqual(csq)
      // the MANIFEST's counts of the GTF: 1,317 genes, 4,040 transcripts, 25,376 exons
      expect([a.stats.genes, csq.transcripts, csq.exons]).toEqual([1317, 4040, 25376])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('no CDS has a stop before its end, and every GTF stop_codon ends its CDS', async () => {
    // the CDS read with samtools and translated here, as the MANIFEST checked it
    const model = await readGeneModel(named(gff))
    const coding = model.transcripts.filter((t) => t.coding && t.cdsPhase === 0)
    const regions = coding.flatMap((t) => t.cds.map((c) => `20:${c.start + 1}-${c.end}`))
    const fasta = execFileSync('samtools', ['faidx', `${DATA}grch37-chr20/20.fa.gz`, '-r', '-'], {
      input: regions.join('\n'),
      maxBuffer: 1 << 28,
      encoding: 'utf8',
    })
    const seqs = fasta
      .split('>')
      .slice(1)
      .map((r) => r.split('\n').slice(1).join('').toUpperCase())
    const withStopLine = new Set(
      execFileSync(
        'bash',
        ['-c', `zcat ${gtf} | awk -F'\\t' '$3=="stop_codon"' | grep -o 'transcript_id "[^"]*"'`],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        },
      )
        .trim()
        .split('\n')
        .map((l) => l.slice(15, -1)),
    )
    const comp: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' }
    const stops = ['TAA', 'TAG', 'TGA']
    let k = 0
    let checked = 0
    for (const t of coding) {
      let s = t.cds.map(() => seqs[k++]!).join('')
      if (t.strand === '-')
        s = [...s]
          .reverse()
          .map((b) => comp[b] ?? 'N')
          .join('')
      const codons = s.match(/.{3}/g) ?? []
      expect(
        codons.slice(0, -1).filter((c) => stops.includes(c)),
        t.id,
      ).toEqual([])
      if (withStopLine.has(t.id)) {
        expect(stops, t.id).toContain(s.slice(-3))
        checked++
      }
    }
    // 1,576 stop_codon lines, 5 of them second halves of split stops (MANIFEST)
    expect(checked).toBe(1571)
  })
})
