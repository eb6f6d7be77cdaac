// stats on a store built from testdata/: every number against an independent count of the files
// themselves (SGLF lines, .tai members, CGF files and their decoded alleles, assembly lines, file
// sizes on disk), and the CLI's text and JSON output.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { storeStats } from '../src/inspect/stats.js'
import type { StoreStats } from '../src/inspect/stats.js'
import { Store } from '../src/store/Store.js'
import { runCli } from './cli.js'
import { named } from './shared.js'
import { TESTDATA_VCF as VCF, testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099', 'HG00100']

const built = testdataStore('stats-', SAMPLES, 1_500_000, { cgf: true, sglf: true })
const { tmp, dir: store } = built
let stats: StoreStats

beforeAll(async () => {
  stats = await storeStats(
    Store.open((rel) => openFile(join(store, rel))),
    {
      vcf: named(VCF),
      top: 3,
    },
  )
}, 60_000)

const hexPath = (p: number) => p.toString(16).padStart(4, '0')
const gz = (rel: string) => gunzipSync(readFileSync(join(store, rel))).toString()
const nonEmpty = (text: string) => text.split('\n').filter((l) => l !== '')

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  )
}

describe('stats', () => {
  it('counts paths, steps, variants and samples as the files hold them', () => {
    const paths = built.manifest.paths.map((p) => hexPath(p.path))
    expect(stats.paths.map((p) => hexPath(p.path))).toEqual(paths)
    expect(paths.length).toBe(3)
    const sglf = paths.map((p) => nonEmpty(gz(`sglf/${p}.sglf.gz`)).length)
    const members = paths.map(
      (p) => nonEmpty(readFileSync(join(store, `library/${p}.tar.tai`), 'utf8')).length,
    )
    expect(stats.paths.map((p) => p.variants)).toEqual(sglf)
    expect(stats.paths.map((p) => p.steps)).toEqual(members)
    expect(stats.variants).toBe(sglf.reduce((a, b) => a + b))
    expect(stats.steps).toBe(members.reduce((a, b) => a + b))
    expect(stats.samples).toBe(readdirSync(join(store, 'genomes')).length)
    expect(stats.haplotypes).toBe(2 * SAMPLES.length)
  })

  it('variants per tile: mean, median, max and the most variable tiles with coordinates', () => {
    // variants per step from the SGLF lines; a step with none has no line
    const perStep: number[] = []
    const byId = new Map<string, number>()
    for (const p of built.manifest.paths) {
      const counts = new Array<number>(p.steps).fill(0)
      for (const l of nonEmpty(gz(`sglf/${hexPath(p.path)}.sglf.gz`)))
        counts[parseInt(l.slice(8, 12), 16)]!++
      counts.forEach((n, s) => byId.set(`${hexPath(p.path)}.00.${hexPath(s)}`, n))
      perStep.push(...counts)
    }
    const sorted = [...perStep].sort((a, b) => a - b)
    const mid = sorted.length / 2
    const median =
      sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
    expect(stats.variantsPerStep).toEqual({
      mean: stats.variants / stats.steps,
      median,
      max: sorted[sorted.length - 1],
    })
    expect(stats.mostVariable.length).toBe(3)
    expect(stats.mostVariable[0]!.variants).toBe(sorted[sorted.length - 1])
    // reference intervals from the assembly text: a step ends at its line, starts a tag before
    // the previous step's end
    const ends = new Map<string, number>()
    let path = ''
    for (const l of nonEmpty(gz(`assembly.00.${built.manifest.build}.fw.gz`))) {
      if (l.startsWith('>')) path = l.slice(l.lastIndexOf(':') + 1)
      else ends.set(`${path}.00.${l.slice(0, 4)}`, Number(l.slice(5)))
    }
    let last = Infinity
    for (const t of stats.mostVariable) {
      expect(t.variants).toBe(byId.get(t.id))
      expect(t.variants).toBeLessThanOrEqual(last)
      last = t.variants
      expect(t.end).toBe(ends.get(t.id))
      const prev = `${t.id.slice(0, 8)}${hexPath(t.step - 1)}`
      expect(t.start).toBe(ends.get(prev)! - built.manifest.tagLength)
      expect(t.chrom).toBe('20')
    }
  })

  it('counts the tiles every haplotype carries as variant 0, from the decoded CGFs', async () => {
    let invariant = 0
    for (const p of built.manifest.paths) {
      const all = new Uint8Array(p.steps).fill(1)
      for (const s of built.manifest.samples) {
        const reader = new CgfReader({ name: s.cgf!, handle: openFile(join(store, s.cgf!)) })
        const d = await reader.decodePath(p.path)
        for (let i = 0; i < p.steps; i++)
          if (d.variantsA[i] !== 0 || d.variantsB[i] !== 0) all[i] = 0
      }
      const n = all.reduce((a, b) => a + b, 0)
      expect(stats.paths.find((x) => x.path === p.path)!.invariantSteps).toBe(n)
      invariant += n
    }
    expect(stats.invariantSteps).toBe(invariant)
    expect(stats.invariantFraction).toBe(invariant / stats.steps)
  })

  it('adds up the bytes of every file in the store by part, next to the VCF.gz', () => {
    const files = filesUnder(store)
    const total = files.reduce((a, f) => a + statSync(f).size, 0)
    expect(stats.totalBytes).toBe(total)
    expect(stats.sizes.reduce((a, s) => a + s.files, 0)).toBe(files.length)
    expect(stats.missing).toEqual([])
    const genomes = stats.sizes.find((s) => s.part === 'genomes')!
    expect(genomes.files).toBe(SAMPLES.length)
    expect(genomes.bytes).toBe(
      readdirSync(join(store, 'genomes')).reduce(
        (a, f) => a + statSync(join(store, 'genomes', f)).size,
        0,
      ),
    )
    expect(stats.vcf).toEqual({
      name: VCF,
      bytes: statSync(VCF).size,
      ratio: total / statSync(VCF).size,
    })
  })

  it('prints an aligned table, or the same numbers as JSON', async () => {
    const json = await runCli('stats', store, '--vcf', VCF, '--json', '--top', '3')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(stats)))
    const text = await runCli('stats', store, '--vcf', VCF)
    expect(text.code).toBe(0)
    const n = (x: number) => x.toLocaleString('en-US')
    expect(text.stdout).toMatch(new RegExp(`^tiles \\(steps\\) +${n(stats.steps)}$`, 'm'))
    expect(text.stdout).toMatch(new RegExp(`^tile variants +${n(stats.variants)}$`, 'm'))
    expect(text.stdout).toMatch(
      new RegExp(
        `^total +${stats.sizes.reduce((a, s) => a + s.files, 0)} +${n(stats.totalBytes)} `,
        'm',
      ),
    )
    expect(text.stdout).toContain(`input VCF.gz (store = ${stats.vcf!.ratio.toFixed(2)}× it)`)
    // five most variable tiles by default, each on its own line
    const lines = text.stdout.split('\n')
    const at = lines.indexOf('most variable tiles')
    expect(
      lines.slice(at + 2, at + 7).every((l) => /^\w{4}\.00\.\w{4} +\d+ +20:[\d,]+-[\d,]+$/.test(l)),
    ).toBe(true)
  })

  it('names a store that is not there', async () => {
    const nothing = join(tmp, 'nothing')
    await expect(storeStats(Store.open((rel) => openFile(join(nothing, rel))))).rejects.toThrow(
      /^manifest\.json: cannot be read \(.*ENOENT/,
    )
  })
})
