// The site table (sites.vcf.gz + CSI) and the IDs it gives the VCF export, against htslib:
// bcftools and tabix read the table and its index, our reader reads htslib's own index, and the
// export's IDs are those `bcftools query` lists for the input after `bcftools norm -m -both`.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/random.js'
import { SiteTable } from '../src/sites/reader.js'
import { writeSiteTable } from '../src/sites/writer.js'
import { parseManifest } from '../src/store/manifest.js'
import { storeFiles } from '../src/store/layout.js'
import { storeToVcf } from '../src/export/vcf.js'
import { openStore } from '../src/store/node.js'
import { buildStore } from '../src/tiling/build.js'
import { hasTool, named } from './shared.js'

const REF = 'testdata/chr20/20.1-4000000.fa.gz'
const VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'
const tmp = mkdtempSync(join(tmpdir(), 'lt-vcf-sites-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const sh = (cmd: string) =>
  execFileSync('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28 })

/** Lines of a table overlapping [a, b] (1-based, inclusive), as tabix selects them for VCF. */
const overlapping = (lines: string[], chrom: string, a: number, b: number) =>
  lines.filter((l) => {
    const [c, pos, , ref] = l.split('\t')
    return c === chrom && Number(pos) <= b && Number(pos) + ref!.length - 1 >= a
  })

/** Our reader's sites of [a, b] (1-based POS), as table lines. */
async function ours(table: SiteTable, chrom: string, a: number, b: number): Promise<string[]> {
  return (await table.sites(chrom, a - 1, b)).map((s) =>
    [s.chrom, s.pos + 1, s.id, s.ref, s.alts.join(','), '.', '.', '.'].join('\t'),
  )
}

/** Uniform in [0, 1] (fc.double is uniform over the float encodings: near 0 almost always). */
const fraction = fc.noBias(fc.integer({ min: 0, max: 1 << 20 })).map((x) => x / (1 << 20))

const tableOf = (file: string, csi = `${file}.csi`) =>
  new SiteTable({ table: named(file), csi: named(csi) })

describe.skipIf(!hasTool('bcftools') || !hasTool('tabix'))('site table', () => {
  const sites = join(tmp, 'sites.vcf.gz')
  let lines: string[] = []
  beforeAll(async () => {
    await writeSiteTable(sites, VCF, [{ name: '20', length: 4_000_000 }])
    lines = sh(`zcat ${sites} | grep -v '^#'`).trim().split('\n')
  })

  it('holds every input record as bcftools lists it', () => {
    const q = `bcftools query -f '%CHROM\\t%POS\\t%ID\\t%REF\\t%ALT\\n'`
    const input = sh(`${q} ${VCF}`)
    expect(input.split('\n').length).toBeGreaterThan(20_000)
    expect(sh(`${q} ${sites}`) === input).toBe(true)
  })

  it('is queried alike by tabix through our CSI, and by our reader through htslib’s', async () => {
    const theirs = join(tmp, 'theirs.vcf.gz')
    copyFileSync(sites, theirs)
    sh(`tabix --csi -p vcf ${theirs}`)
    const mine = tableOf(sites)
    const htslib = tableOf(theirs)
    const rnd = seededRandom(5)
    let hits = 0
    for (let k = 0; k < 40; k++) {
      const a = 990_000 + Math.floor(rnd() * 3_020_000)
      const b = a + Math.floor(rnd() * (k % 4 === 0 ? 300_000 : 3_000))
      const want = overlapping(lines, '20', a, b)
      const viaTabix = sh(`tabix ${sites} 20:${a}-${b}`).split('\n').filter(Boolean)
      expect(viaTabix).toEqual(want)
      const byPos = lines.filter(
        (l) => Number(l.split('\t')[1]) >= a && Number(l.split('\t')[1]) <= b,
      )
      expect(await ours(mine, '20', a, b)).toEqual(byPos)
      expect(await ours(htslib, '20', a, b)).toEqual(byPos)
      hits += byPos.length
    }
    expect(hits).toBeGreaterThan(1000)
    expect(await ours(mine, '21', 1, 4_000_000)).toEqual([])
  })

  it('indexes several contigs, long ones and long records as htslib does (property)', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            length: fc.oneof(
              fc.integer({ min: 1_000, max: 1e6 }),
              fc.integer({ min: 1e6, max: 3e9 }),
            ),
            records: fc.array(
              fc.record({ at: fraction, len: fc.integer({ min: 1, max: 3_000 }) }),
              { maxLength: 60 },
            ),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(fc.tuple(fc.nat(2), fraction, fc.nat(1_000_000)), {
          minLength: 1,
          maxLength: 4,
        }),
        async (contigs, queries) => {
          const dir = join(tmp, `p${run++}`)
          sh(`mkdir -p ${dir}`)
          const names = contigs.map((_, i) => `chr${i + 1}`)
          const body: string[] = []
          contigs.forEach((c, i) => {
            const recs = c.records
              .map((r) => ({ len: Math.min(r.len, c.length), at: r.at }))
              .map((r) => ({ pos: 1 + Math.floor(r.at * (c.length - r.len)), len: r.len }))
              .sort((x, y) => x.pos - y.pos)
            for (const [k, r] of recs.entries())
              body.push(`${names[i]}\t${r.pos}\tid${i}.${k}\t${'A'.repeat(r.len)}\tC\t.\t.\t.`)
          })
          const vcf = join(dir, 'in.vcf')
          const header = [
            '##fileformat=VCFv4.2',
            ...contigs.map((c, i) => `##contig=<ID=${names[i]},length=${c.length}>`),
            '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
          ]
          writeFileSync(vcf, [...header, ...body, ''].join('\n'))
          const file = join(dir, 'sites.vcf.gz')
          await writeSiteTable(
            file,
            vcf,
            contigs.map((c, i) => ({ name: names[i]!, length: c.length })),
          )
          const table = tableOf(file)
          for (const [ci, f, width] of queries) {
            const i = ci % contigs.length
            const a = 1 + Math.floor(f * contigs[i]!.length)
            const b = a + width
            const name = names[i]!
            expect(sh(`tabix ${file} ${name}:${a}-${b}`).split('\n').filter(Boolean)).toEqual(
              overlapping(body, name, a, b),
            )
            expect(await ours(table, name, a, b)).toEqual(
              body.filter((l) => {
                const [c, pos] = l.split('\t')
                return c === name && Number(pos) >= a && Number(pos) <= b
              }),
            )
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe.skipIf(!hasTool('bcftools'))('vcf export IDs', () => {
  const store = join(tmp, 'store')
  const out = join(tmp, 'out.vcf')
  const samples = ['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101', 'HG00102']
  const key = (l: string) => l.split(' ').slice(0, 4).join(' ')
  /** `CHROM POS REF ALT` → IDs, after `bcftools norm -m -both -f REF` (a key may come twice). */
  const idsOf = (file: string) => {
    const m = new Map<string, Set<string>>()
    const text = sh(
      `bcftools view -s ${samples.join(',')} ${file} | bcftools norm -m -both -f ${REF} - 2>/dev/null | ` +
        `bcftools view -i 'GT="alt"' | bcftools query -f '%CHROM %POS %REF %ALT %ID\\n'`,
    )
    for (const l of text.trim().split('\n')) {
      const ids = m.get(key(l)) ?? new Set<string>()
      for (const id of l.split(' ')[4]!.split(';')) if (id !== '.') ids.add(id)
      m.set(key(l), ids)
    }
    return m
  }
  beforeAll(async () => {
    await buildStore({ reference: REF, vcf: VCF, out: store, samples })
    const lines: string[] = []
    for await (const l of storeToVcf(openStore(store))) lines.push(l)
    writeFileSync(out, lines.join('\n') + '\n')
  })

  it('gives every record that round-trips the IDs of its input records', () => {
    const input = idsOf(VCF)
    const output = idsOf(out)
    let roundTrip = 0
    let other = 0
    for (const [k, ids] of output) {
      const want = input.get(k)
      if (want) {
        expect([...ids].sort(), k).toEqual([...want].sort())
        roundTrip++
      } else {
        expect([...ids], k).toEqual([])
        other++
      }
    }
    console.log(
      `vcf IDs: ${roundTrip} exported records are input records (after bcftools norm) and carry ` +
        `their IDs; ${other} are other atoms of the same haplotypes and carry none`,
    )
    expect(roundTrip).toBeGreaterThan(0.99 * output.size)
  })

  it('writes . for ID from a store without a site table', async () => {
    const old = join(tmp, 'old')
    cpSync(store, old, { recursive: true })
    const mf = join(old, storeFiles.manifest)
    const m = parseManifest(readFileSync(mf, 'utf8'))
    delete m.files![storeFiles.sites]
    delete m.files![storeFiles.sitesIndex]
    // stores made before the site table had no allele index either (it copies the table's IDs)
    for (const p of m.paths) {
      delete m.files![storeFiles.alleles(p.path)]
      delete m.files![storeFiles.allelesIndex(p.path)]
    }
    writeFileSync(mf, JSON.stringify(m))
    rmSync(join(old, storeFiles.sites))
    rmSync(join(old, storeFiles.sitesIndex))
    rmSync(join(old, 'alleles'), { recursive: true })
    const ids = new Set<string>()
    for await (const l of storeToVcf(openStore(old)))
      if (!l.startsWith('#')) ids.add(l.split('\t')[2]!)
    expect([...ids]).toEqual(['.'])
  })
})
