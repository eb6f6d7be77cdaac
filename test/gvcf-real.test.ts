// gVCF and callable-region input on the real files of ../shared/data/gvcf (MANIFEST.md): GATK 3.5
// and 4 HaplotypeCaller gVCFs of GRCh37 chr20 (three GTEx donors and NA12878, four samples over
// 20:10.10-10.15 Mb), a DeepVariant gVCF of GRCh38 chr20, and NA12878's VCF with GATK
// CallableLoci's BED. What the store holds is compared with what bcftools reads in the same files:
// - no-call intervals: from `bcftools query` of the records and interval arithmetic written here
//   (the rule of the README), base for base, against the store's runs placed on the reference;
// - fasta: against `bcftools consensus` of the applied variants on the reference masked there;
// - vcf: against the gVCF's PASS calls that meet the thresholds, after `bcftools norm`;
// - the cohort: against `bcftools merge --gvcf` of the four gVCFs and the same GQ threshold.
// The references are prefixes of the real ones (coordinates unchanged) so that tag picking is short.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openTileResolver } from '../src/resolver/node.js'
import { storeToVcf } from '../src/export/vcf.js'
import { openStore } from '../src/store/node.js'
import { buildStore } from '../src/tiling/build.js'
import {
  MIN_GQ,
  canonical,
  derive,
  firstDifferences,
  compareWithMask,
  merged,
  storeVcfRecords,
  query,
  sh,
  size,
  storeNocalls,
} from './gvcfTruth.js'
import type { Derived, Rec } from './gvcfTruth.js'
import { DATA, describeShared } from './shared.js'

describeShared('gVCF build on the real gVCFs', () => {
  const G = `${DATA}gvcf/`
  const GTEX = ['RVPV-0003', 'QXCU-0004', 'OXRP-0003'].map(
    (n) => `${G}gatk3.5-hc.GTEX-${n}.20_10000000-11000000.g.vcf.gz`,
  )
  const NA12878 = `${G}gatk4-hc.NA12878.20_10100000-10150000.g.vcf.gz`
  const DV = `${G}deepvariant1.9-pacbio.HG003.chr20_9000000-9100000.grch38.g.vcf.gz`
  const dir = mkdtempSync(join(tmpdir(), 'gvcf-real-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const REF37 = join(dir, 'grch37-20.fa')
  const REF38 = join(dir, 'grch38-chr20.fa')
  const S37 = join(dir, 'cohort37')
  const S38 = join(dir, 'dv38')
  const refSeq = new Map<string, string>()
  const samples: { name: string; file: string; store: string; ref: string; chrom: string }[] = [
    ...GTEX.map((file) => ({
      name: `GTEX-${/GTEX-(\w+-\d+)/.exec(file)![1]}`,
      file,
      store: S37,
      ref: REF37,
      chrom: '20',
    })),
    { name: 'NA12878', file: NA12878, store: S37, ref: REF37, chrom: '20' },
    { name: 'HG003', file: DV, store: S38, ref: REF38, chrom: 'chr20' },
  ]
  const derived = new Map<string, Derived>()
  const records = new Map<string, Rec[]>()

  beforeAll(async () => {
    sh(
      `samtools faidx ${DATA}grch37-chr20/20.fa.gz 20:1-11100000 | sed '1s/.*/>20/' > ${REF37} && samtools faidx ${REF37}`,
    )
    sh(
      `samtools faidx ${G}grch38.chr20_and_21_10M.fa.gz chr20:1-9200000 | sed '1s/.*/>chr20/' > ${REF38} && samtools faidx ${REF38}`,
    )
    for (const f of [REF37, REF38])
      refSeq.set(
        f,
        readFileSync(f, 'utf8')
          .replace(/^>.*\n/, '')
          .replace(/\n/g, '')
          .toUpperCase(),
      )
    await buildStore({ reference: REF37, gvcf: [...GTEX, NA12878], out: S37 })
    await buildStore({ reference: REF38, gvcf: [DV], out: S38 })
    for (const s of samples) {
      records.set(s.name, query(s.file))
      derived.set(s.name, derive(records.get(s.name)!, refSeq.get(s.ref)!.length))
    }
  }, 600_000)

  it('no-call intervals: the store equals the records with interval arithmetic, base for base', async () => {
    for (const s of samples) {
      const ref = refSeq.get(s.ref)!
      const want = derived.get(s.name)!.mask
      const got = await storeNocalls(s.store, s.name, s.chrom, ref)
      for (const h of [0, 1] as const) {
        expect(firstDifferences(got[h], want[h]), `${s.name} haplotype ${h + 1}`).toEqual([])
        expect(got[h]).toEqual(want[h])
      }
      const recs = records.get(s.name)!
      const span = [recs[0]!.pos, recs[recs.length - 1]!.end] as const
      const inside = (flat: number[]) =>
        size(flat.map((x) => Math.min(Math.max(x, span[0]), span[1])))
      console.log(
        `${s.name}: no-call ${inside(want[0])} + ${inside(want[1])} of the ${span[1] - span[0]} bases ` +
          `the gVCF spans on haplotypes 1 + 2, ${size(want[0])} + ${size(want[1])} of the ${ref.length} of the contig ` +
          `(${want[0].length / 2} + ${want[1].length / 2} intervals), identical in the store`,
      )
    }
  }, 600_000)

  it('fasta: the reference masked there with bcftools consensus of the applied variants', async () => {
    for (const s of samples) {
      const d = derived.get(s.name)!
      const genome = await openTileResolver(s.store).genome(s.name)
      const skippedTsv = gunzipSync(readFileSync(join(s.store, 'skipped.tsv.gz')))
        .toString()
        .split('\n')
        .slice(1)
        .filter(Boolean)
      for (const h of [0, 1] as const) {
        // every called ALT of the haplotype except those on bases an earlier no-call masked:
        // bcftools decides the overlaps between ALTs itself
        const masked = (r: Rec) => {
          const m = d.mask[h]
          for (let k = 0; k < m.length; k += 2)
            if (m[k]! < r.pos + r.ref.length && m[k + 1]! > r.pos) return true
          return false
        }
        const recs = records.get(s.name)!.filter((r) => {
          const good = (r.filter === 'PASS' || r.filter === '.') && r.gq >= MIN_GQ
          const alleles = r.gt.split(/[|/]/)
          const a = alleles[Math.min(h, alleles.length - 1)]!
          return (
            good &&
            /^\d+$/.test(a) &&
            a !== '0' &&
            /^[ACGTN]+$/.test(r.alts[Number(a) - 1]!) &&
            !masked(r)
          )
        })
        const vcf = join(dir, `${s.name}.${h}.vcf`)
        writeFileSync(
          vcf,
          [
            '##fileformat=VCFv4.2',
            `##contig=<ID=${s.chrom}>`,
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
            '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS',
            ...recs.map((r) => {
              const alleles = r.gt.split(/[|/]/)
              const alt = r.alts[Number(alleles[Math.min(h, alleles.length - 1)]) - 1]
              return [s.chrom, r.pos + 1, '.', r.ref, alt, '.', 'PASS', '.', 'GT', '1'].join('\t')
            }),
          ].join('\n') + '\n',
        )
        const bed = join(dir, `${s.name}.${h}.bed`)
        const m = d.mask[h]
        writeFileSync(
          bed,
          Array.from(
            { length: m.length / 2 },
            (_, k) => `${s.chrom}\t${m[2 * k]}\t${m[2 * k + 1]}\n`,
          ).join(''),
        )
        sh(`bgzip -f ${vcf} && tabix -f ${vcf}.gz`)
        const r = spawnSync(
          'bcftools',
          ['consensus', '-f', s.ref, '-m', bed, '-H', '1', `${vcf}.gz`],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 28,
          },
        )
        expect(r.status, r.stderr).toBe(0)
        const truth = r.stdout
          .replace(/^>.*\n/gm, '')
          .replace(/\n/g, '')
          .toUpperCase()
        const ours = (
          await genome.sequence(h, { chrom: s.chrom, start: 0, end: refSeq.get(s.ref)!.length })
        ).toUpperCase()
        expect(ours.length, `${s.name} ${h + 1}`).toBe(truth.length)
        expect(ours === truth, `${s.name} haplotype ${h + 1} equals bcftools consensus`).toBe(true)
        // the ALT-on-ALT overlaps bcftools skipped are those skipped.tsv.gz lists
        const bcfSkips = [...r.stderr.matchAll(/The site \S+:(\d+) overlaps/g)].map((x) =>
          Number(x[1]),
        )
        const listed = skippedTsv
          .map((l) => l.split('\t'))
          .filter(([, , sm, hp]) => sm === s.name && hp === String(h + 1))
        expect(listed.map(([, pos]) => Number(pos))).toEqual(d.skipped[h])
        expect(bcfSkips.filter((p) => !d.skipped[h].includes(p))).toEqual([])
      }
    }
  }, 600_000)

  /** The store's genotypes of `names` (its VCF is canonical already). */
  const storeCanonical = async (store: string, names: string[]) => {
    const lines: string[] = []
    for await (const l of storeToVcf(openStore(store), { samples: names })) lines.push(l)
    const c = storeVcfRecords(lines)
    expect(c.samples).toEqual(names)
    return c
  }

  it('vcf: every PASS call that meets the threshold comes back (both sides through bcftools norm)', async () => {
    for (const s of samples) {
      const d = derived.get(s.name)!
      // the calls as applied: per haplotype the ALT, 0 for REF and for an ALT skipped as an
      // overlap (skipped.tsv.gz), . for a no-call; then bcftools norm, and the no-call mask on top
      const calls = records.get(s.name)!.filter((r) => r.alts.some((a) => /^[ACGTN]+$/.test(a)))
      const text = [
        '##fileformat=VCFv4.2',
        `##contig=<ID=${s.chrom}>`,
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${s.name}`,
        ...calls.flatMap((r) => {
          const gt = ([0, 1] as const).map((h) => {
            const alt = d.altOf[h].get(r)
            return alt === undefined ? '0' : String(r.alts.indexOf(alt) + 1)
          })
          if (gt.every((g) => g === '0')) return []
          return [
            [
              s.chrom,
              r.pos + 1,
              '.',
              r.ref,
              r.alts.join(','),
              '.',
              'PASS',
              '.',
              'GT',
              gt.join('/'),
            ].join('\t'),
          ]
        }),
      ].join('\n')
      const vcf = join(dir, `${s.name}.calls.vcf`)
      writeFileSync(vcf, text + '\n')
      const normed = sh(
        `bcftools norm -m -both -f ${s.ref} ${vcf} 2>/dev/null | bcftools view -e 'ALT~"^<"' 2>/dev/null`,
      )
      const expected = await canonical(normed.split('\n'), s.ref)
      const ours = await storeCanonical(s.store, [s.name])
      const cmp = await compareWithMask(expected, ours, [d.mask], s.ref)
      expect(cmp.disagreements, s.name).toEqual([])
      expect(cmp.agree + cmp.equivalent).toBe(cmp.genotypes)
      console.log(
        `${s.name}: ${cmp.sites} sites, ${cmp.agree} genotypes identical after bcftools norm, ` +
          `${cmp.equivalent} the same haplotype written as other atoms`,
      )
    }
  }, 600_000)

  it('a cohort of four gVCFs: the genotypes of bcftools merge --gvcf with GQ < 20 set missing', async () => {
    const files = [...GTEX, NA12878]
    const names = samples.filter((s) => s.store === S37).map((s) => s.name)
    // bcftools merge --gvcf gives each sample's genotype at every variant site: its call, or 0/0
    // with the GQ of the block that covers the site's POS; +setGT makes GQ < 20 missing. The
    // store's missing genotypes are compared per base: a haplotype is . at a site when any base of
    // the site's REF is a no-call for it (the mask derived from the records above). Every GQ < 20
    // genotype of bcftools must be one of those (checked); bcftools's other ./. (no record of the
    // sample starts at POS: the site lies inside the sample's own deletion, or in a gap) is read
    // as 0/0, and the mask makes it . where the sample really has no call. The variants skipped
    // as overlaps (skipped.tsv.gz) are set to the reference allele, as in the store.
    const skips = gunzipSync(readFileSync(join(S37, 'skipped.tsv.gz')))
      .toString()
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t'))
    const masks = names.map((n) => derived.get(n)!.mask)
    const maskedAt = (i: number, pos: number) =>
      masks[i]!.every((m) => {
        for (let k = 0; k < m.length; k += 2) if (m[k]! <= pos && m[k + 1]! > pos) return true
        return false
      })
    let lowGq = 0
    const merged = sh(
      `bcftools merge -g ${REF37} ${files.join(' ')} 2>/dev/null | ` +
        `bcftools +setGT -- -t q -n . -i 'FMT/GQ<${MIN_GQ}' 2>/dev/null`,
    )
      .split('\n')
      .flatMap((line) => {
        const cols = line.split('\t')
        if (line.startsWith('#') || cols.length < 10) return [line]
        // reference blocks hold no variant site
        if (!cols[4]!.split(',').some((a) => /^[ACGTN]+$/.test(a))) return []
        const keys = cols[8]!.split(':')
        names.forEach((_, i) => {
          const f = cols[9 + i]!.split(':')
          if (!/^\.([/|]\.)?$/.test(f[0]!)) return
          const gq = Number(f[keys.indexOf('GQ')])
          if (gq < MIN_GQ) {
            lowGq++
            expect(maskedAt(i, Number(cols[1]) - 1), `${names[i]} at ${cols[1]}`).toBe(true)
          }
          f[0] = '0/0'
          cols[9 + i] = f.join(':')
        })
        for (const [, pos, sample, hap] of skips)
          if (cols[1] === pos) {
            const col = 9 + names.indexOf(sample!)
            const gt = cols[col]!.split(':')
            const alleles = gt[0]!.split(/[|/]/)
            alleles[Number(hap) - 1] = '0'
            gt[0] = alleles.join('/')
            cols[col] = gt.join(':')
          }
        return [cols.join('\t')]
      })
    const mergedVcf = join(dir, 'merged.vcf')
    writeFileSync(mergedVcf, merged.join('\n'))
    const normed = sh(
      `bcftools norm -m -both -f ${REF37} ${mergedVcf} 2>/dev/null | bcftools view -e 'ALT~"^<"'`,
    )
    const bcf = await canonical(normed.split('\n'), REF37)
    expect(bcf.samples).toEqual(names)
    const ours = await storeCanonical(S37, names)
    const cmp = await compareWithMask(bcf, ours, masks, REF37)
    expect(cmp.disagreements).toEqual([])
    expect(cmp.agree + cmp.equivalent).toBe(cmp.genotypes)
    console.log(
      `cohort of ${names.length}: ${cmp.sites} sites, ${cmp.genotypes} genotypes: ${cmp.agree} identical, ` +
        `${cmp.equivalent} the same haplotype as other atoms; the ${lowGq} genotypes of bcftools ` +
        `merge's variant records with GQ < ${MIN_GQ} are all no-calls in the store`,
    )
  }, 600_000)

  it('a VCF with CallableLoci regions: no-calls exactly outside CALLABLE, every call back', async () => {
    const vcf = `${G}gatk4-hc.NA12878.20_10100000-10150000.vcf.gz`
    const bed = `${G}callableloci.NA12878.b37_20_21.bed`
    const out = join(dir, 'na12878-callable')
    await buildStore({ reference: REF37, vcf, callable: bed, out })
    // the complement of the CALLABLE intervals of contig 20 (the BED holds every CallableLoci
    // state; the VCF has no record outside CALLABLE, see MANIFEST.md)
    const length = refSeq.get(REF37)!.length
    const callable = readFileSync(bed, 'utf8')
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((c) => c[0] === '20' && c[3] === 'CALLABLE' && Number(c[1]) < length)
      .flatMap((c) => [Number(c[1]), Math.min(Number(c[2]), length)])
    const mask: number[] = []
    let at = 0
    const joined = merged(callable)
    for (let k = 0; k < joined.length; k += 2) {
      if (joined[k]! > at) mask.push(at, joined[k]!)
      at = joined[k + 1]!
    }
    if (at < length) mask.push(at, length)
    const got = await storeNocalls(out, 'NA12878', '20', refSeq.get(REF37)!)
    expect(got).toEqual([mask, mask])
    const normed = sh(`bcftools norm -m -both -f ${REF37} ${vcf} 2>/dev/null`)
    const expected = await canonical(normed.split('\n'), REF37)
    const cmp = await compareWithMask(
      expected,
      await storeCanonical(out, ['NA12878']),
      [[mask, mask]],
      REF37,
    )
    expect(cmp.disagreements).toEqual([])
    expect(cmp.agree).toBe(cmp.genotypes)
    console.log(
      `NA12878 VCF + CallableLoci: ${size(mask)} no-call bases (${mask.length / 2} intervals) on both ` +
        `haplotypes, as the BED says; ${cmp.sites} sites, ${cmp.agree} genotypes identical after bcftools norm`,
    )
  }, 600_000)

  it('a gVCF of another reference fails on its first REF that differs, naming file and line', async () => {
    // the GRCh38 DeepVariant gVCF against GRCh37 (chr20 read as 20): MANIFEST counts 1,066 REF
    // mismatches; the first one stops the build
    const ref37 = refSeq.get(REF37)!
    const block = (r: Rec) => !r.alts.some((a) => /^[ACGTN]+$/.test(a))
    const first = records
      .get('HG003')!
      .find((r) =>
        [...(block(r) ? r.ref[0]! : r.ref)].some((c, i) => c !== 'N' && c !== ref37[r.pos + i]),
      )!
    const line = sh(
      `bgzip -dc ${DV} | awk -F'\\t' '!f && $1 == "chr20" && $2 == ${first.pos + 1} { print NR; f = 1 }'`,
    ).trim()
    await expect(
      buildStore({ reference: REF37, gvcf: [DV], out: join(dir, 'wrong') }),
    ).rejects.toThrow(
      new RegExp(
        `^${DV}, line ${line}: REF ${first.ref[0]}\\S* at chr20:${first.pos + 1} does not match the reference .*: a gVCF of another reference\\?$`,
      ),
    )
  }, 600_000)
})
