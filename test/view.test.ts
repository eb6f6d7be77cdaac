// `lightning-tiles view` against BGT (built from ../shared/peers) and `bcftools +fill-tags -S`
// on the testdata cohort with the real 1000 Genomes panel: the queries of BGT's README (a region;
// two population groups with AC1/AN1>=0.1&&AC2==0; the samples carrying an allele set; haplotype
// counts over an allele set per group) give the same records and counts, site by site.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseAlleleName, query } from '../src/query/view.js'
import { openStore } from '../src/store/node.js'
import { storeFiles } from '../src/store/layout.js'
import { bgtBinary } from './bgt.js'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF, testdataStore } from './testdataStore.js'

const REGION = '20:1000000-1100000'
const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 })
const VCF_SAMPLES = sh(`bcftools query -l ${TESTDATA_VCF}`).trim().split('\n')

/** Data lines of VCF text (normalised by bcftools: split, left-aligned) as chosen columns. */
function normalised(tmp: string, vcf: string, format: string): string[] {
  const file = join(tmp, 'q.vcf')
  writeFileSync(file, vcf)
  return sh(
    `bcftools norm -m -both -f ${TESTDATA_REF} ${file} 2>/dev/null | bcftools query -f '${format}'`,
  )
    .split('\n')
    .filter(Boolean)
}

describe('parseAlleleName', () => {
  it("reads BGT's and VCF's spellings to the same allele", () => {
    expect(parseAlleleName('20:100:1:G')).toEqual({ chrom: '20', pos: 100, refLength: 1, seq: 'G' })
    // a deletion: the shared first base is dropped, as BGT does
    expect(parseAlleleName('20:100:ACT:A')).toEqual(parseAlleleName('20:101:2:'))
    expect(parseAlleleName('20:100:AC:TC')).toEqual(parseAlleleName('20:100:1:T'))
    expect(() => parseAlleleName('20:100')).toThrow(/expected CHR:POS:REFLEN:ALT/)
  })
})

describe('view on the testdata cohort with the 1000 Genomes panel', () => {
  const built = testdataStore('view-', VCF_SAMPLES, 1_500_000)
  const store = () => built.dir
  const tmp = built.tmp
  const bgt = bgtBinary()
  const prefix = join(tmp, 'cohort.bgt')

  beforeAll(async () => {
    expect((await runCli('samples', store(), '--import', PANEL)).code).toBe(0)
    if (!('path' in bgt)) return
    // BGT needs the contig length in the header, which the testdata VCF lacks. A store holds the
    // haplotypes of its samples: a site none of them carries (AC=0 over the 300) is not there, so
    // BGT imports the sites with an ALT (-c1); no variant of this region was skipped at build.
    expect(sh(`zcat ${join(store(), 'skipped.tsv.gz')} | awk '$2>=1000000 && $2<=1100000'`)).toBe(
      '',
    )
    const raw = join(tmp, 'raw.bcf')
    const bcf = join(tmp, 'region.bcf')
    sh(
      `bcftools view -c1 -r ${REGION} -Ob -o ${raw} ${TESTDATA_VCF} && ` +
        `bcftools reheader --fai ${TESTDATA_REF}.fai -o ${bcf} ${raw} && bcftools index ${bcf}`,
    )
    execFileSync(bgt.path, ['import', prefix, bcf])
    copyFileSync(join(store(), storeFiles.samples), `${prefix}.spl`)
  }, 120_000)

  const ours = async (...args: string[]) => {
    const r = await runCli('view', store(), '-r', REGION, ...args)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    return r.stdout
  }
  const theirs = (...args: string[]) => {
    if (!('path' in bgt)) throw new Error(bgt.skip)
    const r = spawnSync(bgt.path, ['view', '-r', REGION, ...args, prefix], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    })
    expect(r.status, r.stderr).toBe(0)
    return r.stdout
  }

  it('errors are one line: unknown key with the column, empty group, -S without -a', async () => {
    const bad = await runCli('view', store(), '-r', REGION, '-s', 'pop=="FIN"', '-f', 'AC2>0')
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(/unknown key 'AC2' at column 1: AC2>0/)
    const empty = await runCli('view', store(), '-s', 'pop=="XXX"')
    expect(empty.err).toMatch(/group 1 \(pop=="XXX"\): the group has no samples/)
    expect(empty.err.trim().split('\n').length).toBeLessThanOrEqual(2) // message and caret at most
    const unknown = await runCli('view', store(), '-s', 'popu=="FIN"')
    expect(unknown.err).toMatch(/unknown key 'popu' at column 1/)
    expect((await runCli('view', store(), '-S')).err).toMatch(/-S needs the alleles: -a/)
  })

  describe.skipIf(!('path' in bgt))('equals BGT', () => {
    it('a region: every record with its genotypes', async () => {
      const f = '%CHROM %POS %REF %ALT [%GT ]\\n'
      const us = normalised(tmp, await ours(), f)
      // the input's records with an ALT, phase and all
      const input = sh(
        `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} | bcftools norm -m -both -f ${TESTDATA_REF} 2>/dev/null | bcftools query -f '${f}'`,
      )
      expect(us).toEqual(input.split('\n').filter(Boolean))
      expect(us.length).toBeGreaterThan(600)
      // BGT writes every genotype unphased (0/1)
      const unphased = (lines: string[]) => lines.map((l) => l.replaceAll('|', '/'))
      expect(unphased(us)).toEqual(normalised(tmp, theirs(), f))
    })

    // BGT's README asks AC1/AN1>=0.1&&AC2==0 (CEU vs YRI); between these three European
    // populations no site of the 3 Mb passes 0.1 (bcftools +fill-tags agrees), so 0.05 is asked too
    it.each(['AC1/AN1>=0.1&&AC2==0', 'AC1/AN1>=0.05&&AC2==0', 'AC1>10&&AC2<3'])(
      'two population groups (FIN, IBS) with -f %s, and bcftools +fill-tags -S',
      async (filter) => {
        const args = ['-G', '-s', 'pop=="FIN"', '-s', 'pop=="IBS"', '-f', filter]
        const f = '%CHROM %POS %REF %ALT %AN %AC %AN1 %AC1 %AN2 %AC2\\n'
        const us = normalised(tmp, await ours(...args), f)
        expect(us).toEqual(normalised(tmp, theirs(...args), f))
        if (filter.includes('0.05')) expect(us.length).toBeGreaterThan(1)
        if (filter.includes('>10')) expect(us.length).toBeGreaterThan(1)
        // bcftools: the groups' AC/AN by +fill-tags -S, the filter by bcftools view -i
        const groups = join(tmp, 'groups.txt')
        writeFileSync(
          groups,
          readFileSync(PANEL, 'utf8')
            .split('\n')
            .map((l) => l.split('\t'))
            .filter((c) => (c[1] === 'FIN' || c[1] === 'IBS') && VCF_SAMPLES.includes(c[0]!))
            .map((c) => `${c[0]}\t${c[1]}`)
            .join('\n') + '\n',
        )
        const bcfFilter = filter
          .replaceAll('AC1', 'INFO/AC_FIN')
          .replaceAll('AN1', 'INFO/AN_FIN')
          .replaceAll('AC2', 'INFO/AC_IBS')
          .replaceAll('&&', ' && ')
        const fill = sh(
          `bcftools view -r ${REGION} -c1 ${TESTDATA_VCF} | bcftools view -S <(cut -f1 ${groups}) | ` +
            `bcftools +fill-tags -- -S ${groups} -t AC,AN | ` +
            `bcftools view -i '${bcfFilter}' | ` +
            `bcftools norm -m -both -f ${TESTDATA_REF} 2>/dev/null | ` +
            `bcftools query -f '%CHROM %POS %REF %ALT %AN %AC %AN_FIN %AC_FIN %AN_IBS %AC_IBS\\n'`,
        )
        expect(us).toEqual(fill.split('\n').filter(Boolean))
      },
    )

    /** Common FIN alleles of the region, as BGT names them (CHR:POS:REFLEN:ALT). */
    const alleleSet = async () => {
      const table = await ours(
        '-s',
        'pop=="FIN"',
        '-f',
        'AF>=0.3&&AF<=0.7',
        '-t',
        'CHROM,POS,REF,ALT',
      )
      return table
        .split('\n')
        .filter(Boolean)
        .slice(0, 3)
        .map((l) => {
          const [c, p, r, a] = l.split('\t')
          return `${c}:${p}:${r}:${a}`
        })
    }

    it('the samples carrying every allele of a set (-S)', async () => {
      const set = await alleleSet()
      expect(set.length).toBe(3)
      const args = ['-S', '-a', `,${set.join(',')}`, '-s', 'pop=="FIN"']
      const us = (await ours(...args)).split('\n').filter(Boolean)
      expect(us.length).toBeGreaterThan(0)
      expect(us).toEqual(
        theirs(...args)
          .split('\n')
          .filter(Boolean),
      )
    })

    it('haplotype counts over an allele set per group (-H)', async () => {
      const set = await alleleSet()
      const args = ['-H', '-a', `,${set.join(',')}`, '-s', 'pop=="FIN"', '-s', 'pop=="GBR"']
      const lines = (text: string) => {
        const l = text.split('\n').filter(Boolean)
        // BGT sorts the HC lines by count with an unstable sort: compare them as a set
        return [
          ...l.filter((x) => !x.startsWith('HC')),
          ...l.filter((x) => x.startsWith('HC')).sort(),
        ]
      }
      const us = lines(await ours(...args))
      expect(us.filter((l) => l.startsWith('HC')).length).toBeGreaterThan(1)
      expect(us).toEqual(lines(theirs(...args)))
    })

    it('-t columns and -n as BGT', async () => {
      const args = [
        '-s',
        'pop=="GBR"',
        '-s',
        'pop=="IBS"',
        '-t',
        'CHROM,POS,REF,ALT,AC1,AN2,AC/AN',
        '-n',
        '50',
      ]
      const us = await ours(...args)
      expect(us.split('\n').filter(Boolean).length).toBe(50)
      expect(us).toBe(theirs(...args))
    })
  })

  it('query() from code gives the records and group counts the CLI prints', async () => {
    const records = []
    for await (const r of query(openStore(store()), {
      regions: [{ chrom: '20', start: 999_999, end: 1_100_000 }],
      groups: ['pop=="FIN"', 'pop=="GBR"'],
      filter: 'AF#1 > 0.2 && AC#2 < AC#1',
    }))
      records.push(`${r.pos}\t${r.counts[1]!.ac}\t${r.counts[2]!.an}`)
    const cli = await ours(
      '-s',
      'pop=="FIN"',
      '-s',
      'pop=="GBR"',
      '-f',
      'AF1 > 0.2 && AC2 < AC1',
      '-t',
      'POS,AC#1,AN2',
    )
    expect(records.length).toBeGreaterThan(5)
    expect(records).toEqual(cli.trim().split('\n'))
  })

  it('-o x.vcf.gz writes BGZF that bcftools reads, equal to stdout', async () => {
    const out = join(tmp, 'view.vcf.gz')
    const args = ['-s', 'pop=="FIN"', '-C', '-n', '20']
    const r = await runCli('view', store(), '-r', REGION, ...args, '-o', out)
    expect(r.code).toBe(0)
    expect(existsSync(out)).toBe(true)
    expect(gunzipSync(readFileSync(out)).toString()).toBe(await ours(...args))
    expect(sh(`bcftools view -H ${out} | wc -l`).trim()).toBe('20')
  })
})
