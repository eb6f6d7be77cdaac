// Site annotations (`lightning-tiles annotate`) and selection by them (`view -d`), on the testdata
// cohort with the real 1000 Genomes panel:
// - a BGT site FMF made from `bcftools csq` output: our `view -d EXPR` gives the records and
//   counts of BGT's `view -d FMF -a EXPR`, site by site (with -r, -s, -f, -S, -H);
// - `annotate --gff`: each allele's most severe consequence equals the one of `bcftools csq -p a`;
// - ClinVar-derived chr20 (../shared, not shipped): `annotate --vcf` equals `bcftools annotate`;
// - a region query reads a small part of the annotation file (bytes counted);
// - errors are one line with the column; the genotypes are never rewritten;
// and `view --tiles` (rows are tile variants) against the store's counts file and `carriers`.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GenericFilehandle } from 'generic-filehandle2'
import { beforeAll, describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { query } from '../src/query/view.js'
import { storeFiles } from '../src/store/layout.js'
import { Store } from '../src/store/Store.js'
import { bgtBinary } from './bgt.js'
import { runCli } from './cli.js'
import { DATA, PANEL, describeShared, md5 } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF, testdataStore } from './testdataStore.js'

const GFF = 'testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000.gff3.gz'
const CLINVAR = `${DATA}clinvar/macarthur-clinvar_20160910.GRCh37.chr20.vcf.gz`
const REGION = '20:1500000-2500000'
const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 })
const lines = (text: string) => text.split('\n').filter(Boolean)
const VCF_SAMPLES = lines(sh(`bcftools query -l ${TESTDATA_VCF}`))

// bcftools csq's types, most severe first: Ensembl VEP's order of the SO terms
// (ensembl.org/info/genome/variation/prediction/predicted_data.html), with VEP's impact
const SEVERITY: [string, string, string][] = [
  ['splice_acceptor', 'splice_acceptor_variant', 'HIGH'],
  ['splice_donor', 'splice_donor_variant', 'HIGH'],
  ['stop_gained', 'stop_gained', 'HIGH'],
  ['frameshift', 'frameshift_variant', 'HIGH'],
  ['stop_lost', 'stop_lost', 'HIGH'],
  ['start_lost', 'start_lost', 'HIGH'],
  ['inframe_insertion', 'inframe_insertion', 'MODERATE'],
  ['inframe_deletion', 'inframe_deletion', 'MODERATE'],
  ['missense', 'missense_variant', 'MODERATE'],
  ['inframe_altering', 'protein_altering_variant', 'MODERATE'],
  ['splice_region', 'splice_region_variant', 'LOW'],
  ['stop_retained', 'stop_retained_variant', 'LOW'],
  ['synonymous', 'synonymous_variant', 'LOW'],
  ['coding_sequence', 'coding_sequence_variant', 'MODIFIER'],
  ['5_prime_utr', '5_prime_UTR_variant', 'MODIFIER'],
  ['3_prime_utr', '3_prime_UTR_variant', 'MODIFIER'],
  ['non_coding', 'non_coding_transcript_variant', 'MODIFIER'],
  ['intron', 'intron_variant', 'MODIFIER'],
]

interface Csq {
  chrom: string
  pos: number
  ref: string
  alt: string
  /** bcftools' name of the most severe type, its SO term and impact */
  type: string
  so: string
  impact: string
  /** the genes whose entries have that type */
  genes: Set<string>
}

/**
 * The most severe consequence of every record `bcftools csq -p a` annotates (AC > 0 records), and
 * the records whose only entry is a joint effect told at another record (`@POS`).
 */
function bcftoolsCsq(): { list: Csq[]; joint: Set<string> } {
  const out: Csq[] = []
  const joint = new Set<string>()
  const text = sh(
    `bcftools view -c1 ${TESTDATA_VCF} -Ou | bcftools csq -p a -f ${TESTDATA_REF} -g ${GFF} 2>/dev/null | ` +
      `bcftools query -i 'INFO/BCSQ!="."' -f '%CHROM\\t%POS\\t%REF\\t%ALT\\t%BCSQ\\n'`,
  )
  for (const line of lines(text)) {
    const [chrom, pos, ref, alt, bcsq] = line.split('\t') as [
      string,
      string,
      string,
      string,
      string,
    ]
    let best: { rank: number; genes: Set<string> } | undefined
    for (const entry of bcsq.split(',')) {
      if (entry.startsWith('@')) continue // a joint effect told at another record
      const [types, gene] = entry.split('|') as [string, string]
      for (const t of types.replace(/^\*/, '').split('&')) {
        const rank = SEVERITY.findIndex(([name]) => name === t)
        expect(rank, t).toBeGreaterThanOrEqual(0)
        if (!best || rank < best.rank) best = { rank, genes: new Set([gene]) }
        else if (rank === best.rank) best.genes.add(gene)
      }
    }
    if (!best) {
      joint.add(`${pos} ${ref} ${alt}`)
      continue
    }
    const [type, so, impact] = SEVERITY[best.rank]!
    out.push({ chrom, pos: Number(pos), ref, alt, type, so, impact, genes: best.genes })
  }
  return { list: out, joint }
}

/** BGT's name of a (trimmed, biallelic) VCF allele: CHR:POS:REFLEN:ALT from the first new base. */
function bgtName(c: Csq): string {
  const lead = c.ref.length > 1 || c.alt.length > 1 ? (c.ref[0] === c.alt[0] ? 1 : 0) : 0
  return `${c.chrom}:${c.pos + lead}:${c.ref.length - lead}:${c.alt.slice(lead)}`
}

/** A handle that counts the bytes read through it. */
class CountingHandle implements GenericFilehandle {
  bytes = 0
  constructor(private inner: GenericFilehandle) {}
  async read(length: number, position: number, opts?: { signal?: AbortSignal }) {
    const b = await this.inner.read(length, position, opts)
    this.bytes += b.length
    return b
  }
  readFile = (async (opts?: { signal?: AbortSignal }) => {
    const b = await this.inner.readFile(opts)
    this.bytes += b.length
    return b
  }) as GenericFilehandle['readFile']
  stat() {
    return this.inner.stat()
  }
  close() {
    return this.inner.close()
  }
}

describe('site annotations on the testdata cohort', () => {
  const built = testdataStore('annotate-', VCF_SAMPLES, 1_500_000)
  const store = () => built.dir
  const tmp = built.tmp
  const bgt = bgtBinary()
  const prefix = join(tmp, 'cohort.bgt')
  const fmf = join(tmp, 'bcsq.fmf')
  let csq: Csq[] = []
  let joint = new Set<string>()
  let genotypesBefore: string[] = []
  let noAnnotations = ''
  let fmfReport = ''
  let gffReport = ''

  const genotypeHashes = () =>
    readdirSync(join(store(), 'genotypes'))
      .sort()
      .map((f) => `${f} ${md5(readFileSync(join(store(), 'genotypes', f)))}`)

  beforeAll(async () => {
    expect((await runCli('samples', store(), '--import', PANEL)).code).toBe(0)
    genotypesBefore = genotypeHashes()
    noAnnotations = (await runCli('view', store(), '-d', 'csq=="x"')).err
    // BGT's site FMF from bcftools csq: most severe type, its gene, and the position
    ;({ list: csq, joint } = bcftoolsCsq())
    writeFileSync(
      fmf,
      csq
        .map((c) => `${bgtName(c)}\tbcsq:Z:${c.type}\tbgene:Z:${[...c.genes][0]}\tbpos:i:${c.pos}`)
        .join('\n') + '\n',
    )
    const a = await runCli('annotate', store(), '--fmf', fmf)
    expect(a.err).not.toMatch(/lightning-tiles:/)
    expect(a.code).toBe(0)
    fmfReport = a.stdout
    const g = await runCli('annotate', store(), '--gff', GFF, '--reference', TESTDATA_REF)
    expect(g.err).not.toMatch(/lightning-tiles:/) // progress lines only
    expect(g.code).toBe(0)
    gffReport = g.stdout
    if (!('path' in bgt)) return
    // as in view.test.ts: BGT needs contig lengths, and a store holds only sites some sample carries
    const raw = join(tmp, 'raw.bcf')
    const bcf = join(tmp, 'all.bcf')
    sh(
      `bcftools view -c1 -Ob -o ${raw} ${TESTDATA_VCF} && ` +
        `bcftools reheader --fai ${TESTDATA_REF}.fai -o ${bcf} ${raw} && bcftools index ${bcf}`,
    )
    execFileSync(bgt.path, ['import', prefix, bcf])
    sh(`cp ${join(store(), storeFiles.samples)} ${prefix}.spl`)
  }, 240_000)

  const ours = async (...args: string[]) => {
    const r = await runCli('view', store(), ...args)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    return r.stdout
  }
  /** BGT selects alleles by an annotation expression with -d FILE -a EXPR. */
  const theirs = (...args: string[]) => {
    if (!('path' in bgt)) throw new Error(bgt.skip)
    const r = spawnSync(bgt.path, ['view', '-d', fmf, ...args, prefix], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout
  }
  const records = (vcf: string, format = '%CHROM %POS %REF %ALT %INFO/AN %INFO/AC\\n') => {
    const file = join(tmp, 'q.vcf')
    writeFileSync(file, vcf)
    return lines(sh(`bcftools query -f '${format}' ${file}`))
  }

  it('annotate reports what it matched; the manifest lists the sets and verify checks them', async () => {
    // every allele of the FMF is one of the store's (the store holds every record with AC > 0)
    expect(fmfReport).toMatch(
      new RegExp(
        `annotation set bcsq: ${csq.length} of the store's alleles annotated \\(${csq.length} source`,
      ),
    )
    expect(gffReport).toMatch(/annotation set csq: \d+ of the store's alleles annotated/)
    const listed = lines((await runCli('annotate', store())).stdout)
    expect(listed[0]).toBe('NAME\tRECORDS\tFIELDS\tSOURCE')
    expect(listed.slice(1).map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual([
      `bcsq ${csq.length} bcsq:string,bgene:string,bpos:int`,
      expect.stringMatching(/^csq \d+ csq:string,gene:string,impact:string$/),
    ])
    const v = await runCli('verify', store())
    expect(v.err).not.toMatch(/lightning-tiles:/) // progress lines only
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/^OK .* file hashes/)
    // the annotation file is a VCF htslib reads; its index is one tabix uses
    expect(
      sh(`tabix -p vcf -l ${join(store(), storeFiles.annotations('bcsq'))} 2>&1 || true`),
    ).toBe('20\n')
    expect(genotypeHashes()).toEqual(genotypesBefore)
  })

  describe.skipIf(!('path' in bgt))('view -d equals BGT view -d FMF -a', () => {
    it.each(
      [
        ['-r', REGION, '-G', '-C', '-d', 'bcsq=="missense"'],
        ['-G', '-C', '-d', 'bcsq=="missense" || bcsq=="stop_gained" || bcsq=="frameshift"'],
        ['-r', REGION, '-G', '-C', '-d', 'bpos>=2000000 && bcsq=="3_prime_utr"'],
        [
          '-r',
          REGION,
          '-G',
          '-s',
          'pop=="FIN"',
          '-s',
          'pop=="IBS"',
          '-f',
          'AC1>0&&AC2==0',
          '-d',
          'bcsq!="intron"',
        ],
      ].map((args) => [args.join(' '), args] as const),
    )('%s', async (_, args) => {
      const ourArgs = args
      const d = args.indexOf('-d')
      const theirArgs = [...args.slice(0, d), '-a', args[d + 1]!, ...args.slice(d + 2)]
      const f = args.includes('-s')
        ? '%CHROM %POS %REF %ALT %AN %AC %AN1 %AC1 %AN2 %AC2\\n'
        : undefined
      const us = records(await ours(...ourArgs), f)
      expect(us.length).toBeGreaterThan(2)
      expect(us).toEqual(records(theirs(...theirArgs), f))
    })

    it('-S and -H over the alleles an annotation chooses', async () => {
      // two common missense alleles (AC 508 and 468 of 600)
      const expr = 'bcsq=="missense" && (bpos==1532595 || bpos==1552430)'
      const forS = ['-r', REGION, '-s', 'pop=="FIN"', '-S']
      const us = lines(await ours(...forS, '-d', expr))
      expect(us.length).toBeGreaterThan(0)
      expect(us).toEqual(lines(theirs(...forS, '-a', expr)))
      const forH = ['-r', REGION, '-s', 'pop=="FIN"', '-s', 'pop=="GBR"', '-H']
      // BGT sorts the HC lines by count with an unstable sort: compare them as a set
      const sorted = (text: string) => {
        const l = lines(text)
        return [
          ...l.filter((x) => !x.startsWith('HC')),
          ...l.filter((x) => x.startsWith('HC')).sort(),
        ]
      }
      const h = sorted(await ours(...forH, '-d', expr))
      expect(h.filter((l) => l.startsWith('AA')).length).toBe(2)
      expect(h).toEqual(sorted(theirs(...forH, '-a', expr)))
    })
  })

  it("annotate --gff: each allele's most severe consequence and impact are bcftools csq's", () => {
    const file = join(store(), storeFiles.annotations('csq'))
    const all = lines(sh(`bcftools query -f '%CHROM %POS %REF %ALT %csq %impact\\n' ${file}`))
    // csq reports intron/non_coding only where no transcript has a coding hit (test/consequence,
    // SUPPRESSED): a record whose coding effect is told at another (@POS) then has nothing
    const told = all.filter((l) => joint.has(l.split(' ').slice(1, 4).join(' ')))
    expect(told).toEqual(['20 3838400 G T intron_variant MODIFIER'])
    // the site table also holds the input's AC=0 records (annotated alone); csq ran on AC > 0
    const carried = new Set(
      lines(sh(`bcftools view -c1 -H ${TESTDATA_VCF} | cut -f1,2,4,5`)).map((l) =>
        l.replaceAll('\t', ' '),
      ),
    )
    const mine = all.filter(
      (l) => !told.includes(l) && carried.has(l.split(' ').slice(0, 4).join(' ')),
    )
    expect(all.length - mine.length - told.length).toBeGreaterThan(1000)
    expect(mine).toEqual(
      csq.map((c) => `${c.chrom} ${c.pos} ${c.ref} ${c.alt} ${c.so} ${c.impact}`),
    )
    // the gene: csq names one gene for the intron/non_coding entries of several (test/consequence)
    const genes = new Map(
      lines(sh(`bcftools query -f '%POS %REF %ALT\\t%gene\\n' ${file}`)).map(
        (l) => l.split('\t') as [string, string],
      ),
    )
    const coding = csq.filter((c) => c.type !== 'intron' && c.type !== 'non_coding')
    expect(coding.length).toBeGreaterThan(700)
    for (const c of coding) expect(c.genes).toContain(genes.get(`${c.pos} ${c.ref} ${c.alt}`))
  })

  it('view -d on consequences equals filtering bcftools csq output; -t names annotation keys', async () => {
    const expr = 'impact=="HIGH" || csq=="missense_variant" && gene=="SIRPA"'
    const us = lines(await ours('-G', '-d', expr, '-t', 'POS,REF,ALT,csq,gene,AC'))
    const want = csq.filter(
      (c) => c.impact === 'HIGH' || (c.so === 'missense_variant' && c.genes.has('SIRPA')),
    )
    expect(want.length).toBeGreaterThan(20)
    expect(us.map((l) => l.split('\t').slice(0, 4).join(' '))).toEqual(
      want.map((c) => `${c.pos} ${c.ref} ${c.alt} ${c.so}`),
    )
    // AC as bcftools counts it over the 300 samples
    const ac = new Map(
      lines(sh(`bcftools query -f '%POS %REF %ALT\\t%AC\\n' ${TESTDATA_VCF}`)).map(
        (l) => l.split('\t') as [string, string],
      ),
    )
    for (const l of us) {
      const [pos, ref, alt, , , n] = l.split('\t')
      expect(n).toBe(ac.get(`${pos} ${ref} ${alt}`))
    }
  })

  it('a region query reads a small part of the annotation file (bytes counted)', async () => {
    const counted = new Map<string, CountingHandle>()
    const open = (rel: string) => {
      const h = new CountingHandle(openFile(join(store(), rel)))
      if (rel.startsWith('annotations/')) counted.set(rel, h)
      return h
    }
    const select = async (regions?: { chrom: string; start: number; end: number }[]) => {
      counted.clear()
      const found: number[] = []
      for await (const r of query(Store.open(open), {
        regions,
        annotations: 'csq=="missense_variant"',
      }))
        found.push(r.pos)
      const bytes = [...counted.values()].reduce((n, h) => n + h.bytes, 0)
      return { found, bytes }
    }
    const rel = storeFiles.annotations('csq')
    const size =
      readFileSync(join(store(), rel)).length +
      readFileSync(join(store(), storeFiles.annotationsIndex('csq'))).length
    const small = await select([{ chrom: '20', start: 1_540_000, end: 1_560_000 }])
    const missense = csq.filter((c) => c.so === 'missense_variant')
    expect(small.found).toEqual(
      missense.filter((c) => c.pos > 1_540_000 && c.pos <= 1_560_000).map((c) => c.pos),
    )
    expect(small.found.length).toBeGreaterThan(0)
    // both sets are opened by the query, only csq's values are read; the whole file is ~25 blocks
    expect(small.bytes).toBeLessThan(size / 5)
    const whole = await select()
    expect(whole.found).toEqual(missense.map((c) => c.pos))
    expect(whole.bytes).toBeGreaterThan(0.9 * size)
  }, 120_000)

  it('errors: one line with the column; unknown keys list the known ones; no annotations', async () => {
    expect(noAnnotations).toMatch(
      /unknown key 'csq' at column 1: csq=="x" \(the store has no annotations/,
    )
    const bad = await runCli('view', store(), '-d', 'csq=="missense_variant" &&')
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(
      /^lightning-tiles: expected a value at column 27: csq=="missense_variant" &&\n/,
    )
    const unknown = await runCli('view', store(), '-d', 'gene=="SIRPA" && CLNSIG=="x"')
    expect(unknown.err).toMatch(
      /unknown key 'CLNSIG' at column 18: .*\(keys: CHROM, POS, END, REF, ALT, ID, bcsq, bgene, bpos, csq, gene, impact\)/,
    )
    const type = await runCli('view', store(), '-d', 'bpos=="x"')
    expect(type.err).toMatch(/'==' compares a number with a string at column 5/)
    const fields = await runCli('annotate', store(), '--fmf', fmf, '--fields', 'x')
    expect(fields.err).toMatch(/--fields goes with --vcf/)
    const broken = join(tmp, 'broken.fmf')
    writeFileSync(broken, '20:1000226:1:T\tx:i:1\n20:1000341:1:A\tx:i:one\n')
    const b = await runCli('annotate', store(), '--fmf', broken)
    expect(b.err).toMatch(/broken\.fmf.*line 2.*x: expected a 32-bit integer, found 'one'/)
    expect(b.err.trim().split('\n').length).toBe(1)
    const clash = await runCli('annotate', store(), '--fmf', fmf, '--name', 'other')
    expect(clash.err).toMatch(/field bcsq is already in the store's annotation set bcsq/)
  })

  describeShared('ClinVar-derived chr20 (../shared/data/clinvar, reference only)', () => {
    const fields = 'CLINICAL_SIGNIFICANCE,SYMBOL,PATHOGENIC,MEASURESET_ID'
    let report = ''
    beforeAll(async () => {
      const r = await runCli('annotate', store(), '--vcf', CLINVAR, '--fields', fields)
      expect(r.err).not.toMatch(/lightning-tiles:/)
      expect(r.code).toBe(0)
      report = r.stdout
    }, 60_000)

    it('annotate --vcf equals bcftools annotate on the cohort, allele by allele', () => {
      const theirs = lines(
        sh(
          `bcftools annotate -a ${CLINVAR} -c ${fields
            .split(',')
            .map((f) => `INFO/${f}`)
            .join(
              ',',
            )} ${TESTDATA_VCF} | bcftools view -c1 | bcftools query -i 'INFO/MEASURESET_ID!="."' ` +
            `-f '%POS %REF %ALT %CLINICAL_SIGNIFICANCE %SYMBOL %PATHOGENIC %MEASURESET_ID\\n'`,
        ),
      )
      // the MANIFEST's count: 11 of the 90 records of 20:1-4 Mb match a site
      expect(theirs.length).toBe(11)
      expect(report).toMatch(/annotation set macarthur-clinvar_20160910\.GRCh37\.chr20: 11 of/)
      const file = join(store(), storeFiles.annotations('macarthur-clinvar_20160910.GRCh37.chr20'))
      expect(
        lines(
          sh(
            `bcftools query -f '%POS %REF %ALT %CLINICAL_SIGNIFICANCE %SYMBOL %PATHOGENIC %MEASURESET_ID\\n' ${file}`,
          ),
        ),
      ).toEqual(theirs)
    })

    it('view -d selects what bcftools view -i selects after bcftools annotate', async () => {
      const format = '%POS %REF %ALT %AC\\n'
      const bcf = (i: string) =>
        lines(
          sh(
            `bcftools annotate -a ${CLINVAR} -c INFO/CLINICAL_SIGNIFICANCE,INFO/SYMBOL,INFO/PATHOGENIC ${TESTDATA_VCF} | ` +
              `bcftools view -c1 | bcftools view -i '${i}' | bcftools query -f '${format}'`,
          ),
        )
      const cases: [string, string][] = [
        ['SYMBOL=="ITPA"', 'INFO/SYMBOL="ITPA"'],
        [
          'PATHOGENIC=="1" || CLINICAL_SIGNIFICANCE=="drug_response"',
          'INFO/PATHOGENIC="1" || INFO/CLINICAL_SIGNIFICANCE="drug_response"',
        ],
      ]
      for (const [ours_, theirs_] of cases) {
        const want = bcf(theirs_)
        expect(want.length).toBeGreaterThan(0)
        expect(records(await ours('-G', '-C', '-d', ours_), format)).toEqual(want)
      }
    })
  })

  describe('view --tiles', () => {
    const tileRows = async (...args: string[]) =>
      lines(await ours('--tiles', ...args)).map((l) => l.split('\t'))

    it("every tile variant carried, with the cohort count of the store's counts file", async () => {
      const rows = await tileRows('-G')
      expect(rows[0]).toEqual(['#TILE', 'CHROM', 'START', 'END', 'REF_TILE', 'AN', 'AC'])
      const s = Store.open((rel) => openFile(join(store(), rel)))
      const want: string[] = []
      const hex = (n: number, w: number) => n.toString(16).padStart(w, '0')
      for (const { path } of built.manifest.paths) {
        const counts = await s.counts(path)
        for (let step = 0; step + 1 < counts.stepStart.length; step++)
          for (let v = 0; v < counts.stepStart[step + 1]! - counts.stepStart[step]!; v++) {
            const i = counts.stepStart[step]! + v
            if (counts.count[i]! > 0)
              want.push(
                `${hex(path, 4)}.00.${hex(step, 4)}.${hex(v, 3)}+${counts.span[i]!.toString(16)} ${counts.count[i]}`,
              )
          }
      }
      expect(want.length).toBeGreaterThan(30_000)
      expect(rows.slice(1).map((r) => `${r[0]} ${r[6]}`)).toEqual(want)
    }, 300_000)

    it("per-group counts add up; each sample's variants are the carriers command's", async () => {
      const region = ['-r', '20:2000000-2010000']
      const pops = ['FIN', 'GBR', 'IBS', 'CEU']
      const rows = await tileRows(...region, ...pops.flatMap((p) => ['-s', `pop=="${p}"`]))
      const header = rows[0]!
      expect(header.slice(7, 15)).toEqual(['AN1', 'AC1', 'AN2', 'AC2', 'AN3', 'AC3', 'AN4', 'AC4'])
      const samples = header.slice(15)
      expect(samples.length).toBe(300)
      expect(rows.length).toBeGreaterThan(50)
      for (const r of rows.slice(1)) {
        const n = r.slice(5, 15).map(Number)
        expect(n[0]).toBe(n[2]! + n[4]! + n[6]! + n[8]!)
        expect(n[1]).toBe(n[3]! + n[5]! + n[7]! + n[9]!)
      }
      // three tile variants that are not the reference's, against `carriers`
      const alt = rows
        .slice(1)
        .filter((r) => r[4] === '0' && Number(r[6]) > 3)
        .slice(0, 3)
      expect(alt.length).toBe(3)
      for (const r of alt) {
        const v = parseInt(r[0]!.split('.')[3]!.split('+')[0]!, 16).toString(16)
        const mine = samples
          .map((name, i) => {
            const [a, b] = r[15 + i]!.split('|')
            return `${name}\t${a === v ? 1 : 0}|${b === v ? 1 : 0}`
          })
          .filter((l) => !l.endsWith('0|0'))
        const c = await runCli('carriers', store(), r[0]!)
        expect(c.code).toBe(0)
        expect(mine).toEqual(lines(c.stdout))
        expect(mine.length).toBeGreaterThan(0)
      }
    }, 120_000)

    it('-f over tile counts; options that name VCF alleles are refused in one line', async () => {
      const rows = await tileRows(
        '-G',
        '-r',
        '20:2000000-2100000',
        '-s',
        'pop=="FIN"',
        '-s',
        'pop=="IBS"',
        '-f',
        'REF_TILE==0 && AC1>=5 && AC2<=1',
      )
      expect(rows.length).toBeGreaterThan(1)
      for (const r of rows.slice(1)) {
        expect(r[4]).toBe('0')
        expect(Number(r[8])).toBeGreaterThanOrEqual(5)
        expect(Number(r[10])).toBeLessThanOrEqual(1)
      }
      const bad = await runCli('view', store(), '--tiles', '-d', 'csq=="x"')
      expect(bad.err).toBe('lightning-tiles: --tiles writes tile variants: -d name VCF alleles\n')
      const key = await runCli('view', store(), '--tiles', '-f', 'POS>1')
      expect(key.err).toMatch(
        /unknown key 'POS' at column 1: POS>1 \(keys with --tiles: CHROM, START/,
      )
    }, 120_000)
  })
})
