// `lightning-tiles ld` on the testdata cohort: every pair of a 50 kb window in FIN equals a direct
// count of two-site haplotypes over `bcftools query` output (written here) to 1e-9; --with gives
// the pairs of one site; --svg draws the heatmap with the genes of the GFF3 under it. --tiles: every
// pair of tile variants equals a direct count over the samples' CGFs (`cgf decode`, not the matrix).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const GFF = 'testdata/genes/Homo_sapiens.GRCh37.75.chr20.1-4000000.gff3.gz'
const REGION = '20:1000000-1050000'
const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 })
const VCF_SAMPLES = sh(`bcftools query -l ${TESTDATA_VCF}`).trim().split('\n')

interface Expected {
  n: number
  r2: number
  dPrime: number
}

/** LD of every pair of the sites, counted haplotype by haplotype (phased genotypes). */
function directLd(lines: string[]): Map<string, Expected> {
  const sites = lines.map((l) => {
    const [pos, ref, alt, ...gts] = l.trim().split(' ')
    const haps = gts.flatMap((g) => g.split('|').map(Number))
    return { key: `${pos} ${ref}>${alt}`, haps }
  })
  const out = new Map<string, Expected>()
  for (let i = 0; i < sites.length; i++)
    for (let j = i + 1; j < sites.length; j++) {
      const a = sites[i]!.haps
      const b = sites[j]!.haps
      const n = a.length
      let nA = 0
      let nB = 0
      let n11 = 0
      for (let h = 0; h < n; h++) {
        nA += a[h]!
        nB += b[h]!
        n11 += a[h]! & b[h]!
      }
      const pA = nA / n
      const pB = nB / n
      const d = n11 / n - pA * pB
      const v = pA * (1 - pA) * pB * (1 - pB)
      const dMax =
        d < 0 ? Math.min(pA * pB, (1 - pA) * (1 - pB)) : Math.min(pA * (1 - pB), (1 - pA) * pB)
      // a monomorphic site has no LD: r² and D′ are reported as 0
      out.set(`${sites[i]!.key} ${sites[j]!.key}`, {
        n,
        r2: v === 0 ? 0 : (d * d) / v,
        dPrime: d === 0 || dMax === 0 ? 0 : d / dMax,
      })
    }
  return out
}

describe('ld', () => {
  // with CGFs: the tile-level test counts from them, apart from the cohort matrix ld --tiles reads
  const built = testdataStore('ld-', VCF_SAMPLES, 1_500_000, { cgf: true })
  let fin: string[]
  beforeAll(async () => {
    expect((await runCli('samples', built.dir, '--import', PANEL)).code).toBe(0)
    fin = sh(`awk -F'\\t' '$2=="FIN"{print $1}' ${PANEL}`)
      .trim()
      .split('\n')
      .filter((s) => VCF_SAMPLES.includes(s))
  })

  const parse = (stdout: string) => {
    const [header, ...lines] = stdout.trim().split('\n')
    expect(header).toBe('CHROM\tPOS_A\tALLELE_A\tPOS_B\tALLELE_B\tN\tR2\tDPRIME')
    return new Map(
      lines.map((l) => {
        const f = l.split('\t')
        return [`${f[1]} ${f[2]} ${f[3]} ${f[4]}`, { n: +f[5]!, r2: +f[6]!, dPrime: +f[7]! }]
      }),
    )
  }

  it('every pair of a window in FIN equals a direct count over bcftools query', async () => {
    const samples = join(built.tmp, 'fin.txt')
    writeFileSync(samples, fin.join('\n') + '\n')
    // the sites the store holds: those with an ALT in the cohort (none skipped at build here)
    const query = sh(
      `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} | bcftools query -S ${samples} -f '%POS %REF %ALT [%GT ]\\n'`,
    )
    const expected = directLd(query.trim().split('\n'))
    const r = await runCli(
      'ld',
      built.dir,
      '-r',
      REGION,
      '-s',
      'pop=="FIN"',
      '--min-r2',
      '0',
      '--min-n',
      '0',
    )
    expect(r.err).toBe('')
    const ours = parse(r.stdout)
    expect(ours.size).toBe(expected.size)
    expect(ours.size).toBeGreaterThan(10_000)
    let linked = 0
    for (const [key, e] of expected) {
      const o = ours.get(key)
      expect(o, key).toBeDefined()
      expect(o!.n).toBe(2 * fin.length)
      expect(Math.abs(o!.r2 - e.r2), key).toBeLessThan(1e-9)
      expect(Math.abs(o!.dPrime - e.dPrime), key).toBeLessThan(1e-9)
      if (e.r2 > 0.5) linked++
    }
    expect(linked).toBeGreaterThan(100)
    // the default min r² 0.05 keeps exactly the pairs at or above it
    const kept = parse((await runCli('ld', built.dir, '-r', REGION, '-s', 'pop=="FIN"')).stdout)
    expect([...kept.keys()].sort()).toEqual(
      [...expected]
        .filter(([, e]) => e.r2 >= 0.05)
        .map(([k]) => k)
        .sort(),
    )
    // --with: one site against its window, the same numbers
    const [pos, allele] = [...kept.keys()][0]!.split(' ')
    const one = parse(
      (await runCli('ld', built.dir, '--with', `20:${pos}`, '--window', '20kb', '-s', 'pop=="FIN"'))
        .stdout,
    )
    expect(one.size).toBeGreaterThan(0)
    for (const [key, o] of one) {
      const f = key.split(' ')
      expect(f[0] === pos && f[1] === allele ? true : f[2] === pos).toBe(true)
      expect(Math.abs(+f[2]! - +f[0]!)).toBeLessThanOrEqual(20_000)
      const e = expected.get(key)
      if (e) expect(Math.abs(o.r2 - e.r2)).toBeLessThan(1e-9)
    }
  })

  it('--unphased (EM over genotypes) keeps the pairs plink 1.9 --r2 dprime keeps, with its values', async () => {
    const vcf = join(built.tmp, 'window.vcf.gz')
    const out = join(built.tmp, 'plink')
    sh(
      `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} -Oz -o ${vcf} && ` +
        `plink1.9 --vcf ${vcf} --r2 dprime --ld-window-kb 500 --ld-window 99999 --ld-window-r2 0.05 --out ${out} >/dev/null`,
    )
    const plink = new Map(
      readFileSync(`${out}.ld`, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const f = l.trim().split(/\s+/)
          return [`${f[1]} ${f[4]}`, { r2: +f[6]!, dPrime: +f[7]! }]
        }),
    )
    const r = await runCli('ld', built.dir, '-r', REGION, '--unphased')
    const ours = new Map(
      [...parse(r.stdout)].map(([k, v]) => {
        const f = k.split(' ')
        return [`${f[0]} ${f[2]}`, v]
      }),
    )
    expect(plink.size).toBeGreaterThan(1000)
    expect([...ours.keys()].sort()).toEqual([...plink.keys()].sort())
    // both stop their EM at a tolerance (Ensembl's 1e-4 on θ here) and plink prints 6 digits
    for (const [k, p] of plink) {
      expect(Math.abs(ours.get(k)!.r2 - p.r2), k).toBeLessThan(1e-4)
      expect(Math.abs(Math.abs(ours.get(k)!.dPrime) - p.dPrime), k).toBeLessThan(1e-3)
    }
  })

  it('--svg draws the heatmap with the genes under it', async () => {
    const svg = join(built.tmp, 'ld.svg')
    const r = await runCli(
      'ld',
      built.dir,
      '-r',
      '20:1090000-1170000',
      '-s',
      'pop=="GBR"',
      '--svg',
      svg,
      '--gff',
      GFF,
    )
    expect(r.err).toBe('')
    const text = readFileSync(svg, 'utf8')
    expect(text.startsWith('<svg')).toBe(true)
    // the genes of the GFF3 in the region, by name
    expect(text).toContain('PSMF1')
    expect(text).toContain('TMEM74B')
    expect(text.match(/<polygon/g)?.length).toBeGreaterThan(100)
  })

  it('--tiles: every pair of tile variants in FIN equals a direct count over the CGFs', async () => {
    const r = await runCli(
      'ld',
      built.dir,
      '--tiles',
      '-r',
      REGION,
      '-s',
      'pop=="FIN"',
      '--min-r2',
      '0',
      '--min-n',
      '0',
    )
    expect(r.err).toBe('')
    const [header, ...lines] = r.stdout.trim().split('\n')
    expect(header).toBe('CHROM\tPOS_A\tTILE_A\tPOS_B\tTILE_B\tN\tR2\tDPRIME')
    const ours = new Map(
      lines.map((l) => {
        const f = l.split('\t')
        expect(+f[1]!).toBeLessThanOrEqual(+f[3]!)
        // two variants of one step are complements: r² 1, D′ −1, never a rounding past them
        expect(+f[6]! <= 1 && Math.abs(+f[7]!) <= 1).toBe(true)
        return [`${f[2]} ${f[4]}`, { n: +f[5]!, r2: +f[6]!, dPrime: +f[7]! }]
      }),
    )
    const idRe = /^([0-9a-f]{4})\.00\.([0-9a-f]{4})\.([0-9a-f]{3})$/
    const ids = new Set([...ours.keys()].flatMap((k) => k.split(' ')))
    const parsed = [...ids].map((id) =>
      idRe
        .exec(id)!
        .slice(1)
        .map((x) => parseInt(x, 16)),
    )
    const path = parsed[0]![0]!
    expect(parsed.every((p) => p[0] === path)).toBe(true)
    const steps = parsed.map((p) => p[1]!)
    const [first, last] = [Math.min(...steps), Math.max(...steps)]
    // 50 kb of tiles of about 250 bases
    expect(last - first).toBeGreaterThan(150)

    // each FIN haplotype's tile variant per step, from its CGF; −1 inside a spanning tile, which
    // carries none of the step's variants
    const haplotypes: number[][] = []
    for (const name of fin) {
      const cgf = join(built.dir, built.manifest.samples.find((s) => s.name === name)!.cgf!)
      const band = await runCli('cgf', 'decode', cgf, '--path', path.toString(16).padStart(4, '0'))
      expect(band.err).toBe('')
      const [h1, h2] = band.stdout.split('\n')
      for (const line of [h1!, h2!])
        haplotypes.push(line.slice(1, -1).trim().split(/\s+/).map(Number))
    }
    // the tile variants of the steps: those FIN carries, unless every FIN haplotype does
    const variants: { id: string; carries: Uint8Array }[] = []
    for (let step = first; step <= last; step++) {
      const numbers = new Set(haplotypes.map((h) => h[step]!).filter((v) => v >= 0))
      for (const v of [...numbers].sort((x, y) => x - y)) {
        const carries = Uint8Array.from(haplotypes, (h) => (h[step] === v ? 1 : 0))
        if (carries.every((c) => c === 1)) continue
        const id = `${path.toString(16).padStart(4, '0')}.00.${step.toString(16).padStart(4, '0')}.${v.toString(16).padStart(3, '0')}`
        variants.push({ id, carries })
      }
    }
    expect(variants.map((v) => v.id).sort()).toEqual([...ids].sort())
    expect(ours.size).toBe((variants.length * (variants.length - 1)) / 2)
    let linked = 0
    for (let i = 0; i < variants.length; i++)
      for (let j = i + 1; j < variants.length; j++) {
        const a = variants[i]!.carries
        const b = variants[j]!.carries
        const n = a.length
        let nA = 0
        let nB = 0
        let n11 = 0
        for (let h = 0; h < n; h++) {
          nA += a[h]!
          nB += b[h]!
          n11 += a[h]! & b[h]!
        }
        const pA = nA / n
        const pB = nB / n
        const d = n11 / n - pA * pB
        const v = pA * (1 - pA) * pB * (1 - pB)
        const dMax =
          d < 0 ? Math.min(pA * pB, (1 - pA) * (1 - pB)) : Math.min(pA * (1 - pB), (1 - pA) * pB)
        const key = `${variants[i]!.id} ${variants[j]!.id}`
        const o = ours.get(key)
        expect(o, key).toBeDefined()
        expect(o!.n).toBe(2 * fin.length)
        expect(Math.abs(o!.r2 - (v === 0 ? 0 : (d * d) / v)), key).toBeLessThan(1e-9)
        expect(Math.abs(o!.dPrime - (d === 0 || dMax === 0 ? 0 : d / dMax)), key).toBeLessThan(1e-9)
        if (v > 0 && (d * d) / v > 0.5) linked++
      }
    expect(linked).toBeGreaterThan(100)

    // --with one tile variant: its pairs of the triangle; --svg: the heatmap of the tile variants
    const anchorId = variants[Math.floor(variants.length / 2)]!.id
    const one = await runCli(
      'ld',
      built.dir,
      '--tiles',
      '-r',
      REGION,
      '-s',
      'pop=="FIN"',
      '--with',
      anchorId,
    )
    const oneLines = one.stdout.trim().split('\n').slice(1)
    expect(oneLines.length).toBe(
      [...ours].filter(([k, o]) => k.split(' ').includes(anchorId) && o.r2 >= 0.05).length,
    )
    for (const l of oneLines) expect([l.split('\t')[2], l.split('\t')[4]]).toContain(anchorId)
    const svg = join(built.tmp, 'tiles.svg')
    expect((await runCli('ld', built.dir, '--tiles', '-r', REGION, '--svg', svg)).err).toBe('')
    expect(readFileSync(svg, 'utf8')).toContain('Tile-level LD (r²) 20:1000000-1050000')
  })

  it('bad input: one-line errors', async () => {
    const r = await runCli('ld', built.dir, '-r', REGION, '--window', 'far')
    expect(r.err).toMatch(/--window far: expected a distance/)
    const two = await runCli('ld', built.dir, '-r', `${REGION},20:2000000-2001000`)
    expect(two.err).toMatch(/ld takes one region, not 2/)
    const none = await runCli('ld', built.dir, '--with', '20:1000001')
    expect(none.err).toMatch(/no site at 20:1000001/)
    const empty = await runCli('ld', built.dir, '-r', REGION, '-s', 'pop=="YRI"')
    expect(empty.err).toMatch(/the group has no samples/)
  })
})
