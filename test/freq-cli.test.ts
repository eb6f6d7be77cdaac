// `lightning-tiles freq --by pop` on the testdata cohort with the 1000 Genomes panel: per
// population AC, AN, AF, genotype counts and the exact HWE p equal `bcftools +fill-tags -S`'s
// (AC_Het is the heterozygote count, AC_Hom the ALT homozygotes' alleles). `freq --svg` draws them
// per population along the region: opened in headless Chromium, each dot sits at bcftools' AF
// and its site's position; the SVG and a screenshot go to .tmp/test-output/ (git-ignored).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, withChromiumPage } from './chromium.js'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const REGION = '20:1500000-1600000'
const OUTPUT = '.tmp/test-output'
const sh = (script: string) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 })
const VCF_SAMPLES = sh(`bcftools query -l ${TESTDATA_VCF}`).trim().split('\n')

describe('freq --by pop', () => {
  const built = testdataStore('freq-', VCF_SAMPLES, 1_500_000)
  beforeAll(async () => {
    expect((await runCli('samples', built.dir, '--import', PANEL)).code).toBe(0)
  })

  it('equals bcftools +fill-tags -S per population, site by site', async () => {
    const r = await runCli('freq', built.dir, '-r', REGION, '--by', 'pop')
    expect(r.err).toBe('')
    const [header, ...lines] = r.stdout.trim().split('\n')
    expect(header).toBe(
      'CHROM\tPOS\tID\tREF\tALT\tGROUP\tAN\tAC\tAF\tHOM_REF\tHET\tHOM_ALT\tMISSING\tHWE_P',
    )
    const ours = new Map(
      lines.map((l) => {
        const f = l.split('\t')
        return [`${f[1]} ${f[3]} ${f[4]} ${f[5]}`, f.slice(6).map(Number)]
      }),
    )
    // groups as the panel gives them, for the store's samples
    const groups = sh(
      `awk -F'\\t' 'NR>1{print $1"\\t"$2}' ${PANEL} | grep -wFf <(bcftools query -l ${TESTDATA_VCF})`,
    )
    const pops = [
      ...new Set(
        groups
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[1]!),
      ),
    ].sort()
    expect(pops).toEqual(['CEU', 'FIN', 'GBR', 'IBS'])
    const fmt = pops.map((p) => `%AN_${p} %AC_${p} %AF_${p} %AC_Het_${p} %AC_Hom_${p} %HWE_${p}`)
    const groupsFile = join(built.tmp, 'groups.txt')
    writeFileSync(groupsFile, groups)
    const fill = sh(
      `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} | ` +
        `bcftools +fill-tags -- -S ${groupsFile} -t AC,AN,AF,HWE,AC_Het,AC_Hom | ` +
        `bcftools query -f '%POS %REF %ALT ${fmt.join(' ')}\\n'`,
    )
      .trim()
      .split('\n')
    expect(fill.length).toBeGreaterThan(300)
    expect(lines.length).toBe(fill.length * pops.length)
    let informative = 0
    for (const line of fill) {
      const f = line.split(' ')
      pops.forEach((pop, k) => {
        const [an, ac, af, het, hom, hwe] = f.slice(3 + 6 * k, 9 + 6 * k).map(Number) as number[]
        const o = ours.get(`${f[0]} ${f[1]} ${f[2]} ${pop}`)
        expect(o, `${line} ${pop}`).toBeDefined()
        const [oAn, oAc, oAf, homRef, oHet, homAlt, missing, oHwe] = o!
        expect([oAn, oAc, oHet, 2 * homAlt!, missing], `${f[0]} ${pop}`).toEqual([
          an,
          ac,
          het,
          hom,
          0,
        ])
        expect(homRef! + oHet! + homAlt!).toBe(an! / 2)
        expect(oAf).toBeCloseTo(af!, 5)
        // bcftools prints 6 significant digits
        expect(Math.abs(oHwe! - hwe!)).toBeLessThanOrEqual(Math.max(1e-6, 1e-5 * hwe!))
        if (hwe! < 1) informative++
      })
    }
    expect(informative).toBeGreaterThan(50)
  })

  it.skipIf(!hasChromium)(
    '--svg: one track per population, each site a dot at its AF (bcftools +fill-tags) and position',
    async () => {
      mkdirSync(OUTPUT, { recursive: true })
      const file = join(OUTPUT, 'freq-by-pop.svg')
      const r = await runCli('freq', built.dir, '-r', REGION, '--by', 'pop', '--svg', file)
      expect(r.err).toBe('')
      expect(r.stdout).toBe('')
      const svg = readFileSync(file, 'utf8')
      // the expected dots: the store's groups and bcftools' AF per site, in the store's sample order
      const groups = sh(
        `awk -F'\\t' 'NR>1{print $1"\\t"$2}' ${PANEL} | grep -wFf <(bcftools query -l ${TESTDATA_VCF})`,
      )
      const groupsFile = join(built.tmp, 'groups-svg.txt')
      writeFileSync(groupsFile, groups)
      const pops = ['GBR', 'FIN', 'IBS', 'CEU'].filter((p) => groups.includes(`\t${p}`))
      const fill = sh(
        `bcftools view -c1 -r ${REGION} ${TESTDATA_VCF} | ` +
          `bcftools +fill-tags -- -S ${groupsFile} -t AF | ` +
          `bcftools query -f '%POS ${pops.map((p) => `%AF_${p}`).join(' ')}\\n'`,
      )
        .trim()
        .split('\n')
        .map((l) => l.split(' ').map(Number))
      expect(fill.length).toBeGreaterThan(300)

      await withChromiumPage(async (page) => {
        await page.setViewportSize({ width: 820, height: 600 })
        await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`)
        const drawn = await page.evaluate(() =>
          [...document.querySelectorAll('svg g.track')].map((g) => {
            const box = g.querySelector('rect')!.getBoundingClientRect()
            return {
              group: g.getAttribute('data-group'),
              box: { left: box.left, top: box.top, width: box.width, height: box.height },
              dots: [...g.querySelectorAll('circle.af')].map((c) => {
                const b = c.getBoundingClientRect()
                return [b.left + b.width / 2, b.top + b.height / 2] as [number, number]
              }),
            }
          }),
        )
        const texts = await page.evaluate(() =>
          [...document.querySelectorAll('svg text')].map((t) => {
            const b = t.getBoundingClientRect()
            return { text: t.textContent, x: b.left + b.width / 2 }
          }),
        )
        const labels = texts.map((t) => t.text)
        expect(labels).toContain('ALT allele frequency')
        expect(labels).toContain('chr20 position (bp)')
        // position ticks under the tracks, each centred on its position
        const ticks = texts.filter((t) => /^\d{1,3}(,\d{3})+$/.test(t.text!))
        expect(ticks.length).toBeGreaterThanOrEqual(4)
        const box = drawn[0]!.box
        for (const t of ticks) {
          const at = Number(t.text!.replaceAll(',', ''))
          expect(
            Math.abs(t.x - (box.left + ((at - 1_500_000) / 100_000) * box.width)),
          ).toBeLessThan(1)
        }
        // tracks in the store's order of first appearance, each named
        expect(drawn.map((d) => d.group).sort()).toEqual([...pops].sort())
        for (const d of drawn) {
          expect(labels).toContain(d.group)
          const members = groups.split('\n').filter((l) => l.endsWith(`\t${d.group}`)).length
          expect(labels).toContain(`n = ${members}`)
          const k = pops.indexOf(d.group!)
          expect(d.dots).toHaveLength(fill.length)
          d.dots.forEach(([cx, cy], i) => {
            const [pos, ...afs] = fill[i]!
            const af = afs[k]!
            // AF 0 at the track's bottom, 1 at its top; the x axis spans the region
            expect(Math.abs((d.box.top + d.box.height - cy) / d.box.height - af)).toBeLessThan(0.01)
            const at = d.box.left + ((pos! - 1_500_000) / (1_600_000 - 1_500_000)) * d.box.width
            expect(Math.abs(cx - at)).toBeLessThan(1)
          })
        }
        const png = await page.locator('svg').screenshot()
        writeFileSync(join(OUTPUT, 'freq-by-pop.png'), png)
        // the screenshot shows each population's dots in its own colour
        const fills = await page.evaluate(() =>
          [...document.querySelectorAll('svg g.track circle.af')].map((c) =>
            c.getAttribute('fill'),
          ),
        )
        const colours = [...new Set(fills)] as string[]
        expect(colours).toHaveLength(pops.length)
        const pixels = await page.evaluate(
          async ([data, colours]: [string, string[]]) => {
            const img = new Image()
            img.src = `data:image/png;base64,${data}`
            await img.decode()
            const canvas = document.createElement('canvas')
            canvas.width = img.width
            canvas.height = img.height
            const ctx = canvas.getContext('2d')!
            ctx.drawImage(img, 0, 0)
            const d = ctx.getImageData(0, 0, img.width, img.height).data
            const rgb = colours.map((c) => [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)))
            const near = rgb.map(() => 0)
            for (let i = 0; i < d.length; i += 4)
              rgb.forEach(([r, g, b], k) => {
                if (Math.hypot(d[i]! - r!, d[i + 1]! - g!, d[i + 2]! - b!) < 30) near[k]!++
              })
            return near
          },
          [png.toString('base64'), colours] as [string, string[]],
        )
        for (const n of pixels) expect(n).toBeGreaterThan(200)
      })
    },
  )

  it('--svg takes one region', async () => {
    const r = await runCli(
      'freq',
      built.dir,
      '-r',
      `${REGION},20:2000000-2100000`,
      '--svg',
      join(built.tmp, 'two.svg'),
    )
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/--svg plots one region: give one with -r \(2 given\)/)
  })

  it('an unknown key is a one-line error naming the keys there are', async () => {
    const r = await runCli('freq', built.dir, '-r', REGION, '--by', 'population')
    expect(r.code).not.toBe(0)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/--by population: unknown key \(the samples have: .*pop/)
  })
})
