// The README's examples work as written: the Node example is examples/query.mjs verbatim, run
// here against a store built from testdata (through the built package, as a user imports it).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openTileResolver } from '../src/resolver/node.js'
import { buildStore } from '../src/tiling/build.js'

const built = existsSync('dist/esm/index.js')
if (!built) console.warn('dist/ is absent (run npm run build): the README example test is skipped')
const dir = mkdtempSync(join(tmpdir(), 'examples-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README examples', () => {
  it('quotes examples/query.mjs verbatim', () => {
    const readme = readFileSync('README.md', 'utf8')
    expect(readme.includes(readFileSync('examples/query.mjs', 'utf8'))).toBe(true)
  })

  it.skipIf(!built)('examples/query.mjs answers from a built store', async () => {
    const store = join(dir, 'store')
    await buildStore({
      reference: 'testdata/chr20/20.1-4000000.fa.gz',
      vcf: 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz',
      out: store,
      samples: ['HG00096', 'HG00097'],
    })
    const out = execFileSync(process.execPath, ['examples/query.mjs', store], { encoding: 'utf8' })
    const lines = out.trim().split('\n')
    const r = openTileResolver(store)
    const where = await r.locate('0000.00.0100.000')
    expect(lines[0]).toBe(`0000.00.0100.000+1 248 bases at 20:${where.start}-${where.end}`)
    const g = await r.genome('HG00096')
    const region = { chrom: '20', start: 2_000_000, end: 2_000_060 }
    expect(lines.slice(-2)).toEqual([await g.sequence(0, region), await g.sequence(1, region)])
    expect(lines.at(-1)).toHaveLength(60)
  })
})
