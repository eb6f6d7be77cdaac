// Population queries: carriers of a tile variant over all samples or a group, against the counts
// the build wrote and against each genome's band.
import { describe, expect, it } from 'vitest'
import { openTileResolver } from '../src/resolver/node.js'
import { seededRandom } from '../src/core/random.js'
import { runCli } from './cli.js'
import { testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101', 'HG00102']
const store = testdataStore('carriers-', SAMPLES, 1_000_000)

describe('carriers of a tile variant', () => {
  it('add up to the cohort counts and agree with every band', async () => {
    const r = openTileResolver(store.dir)
    const bands = await Promise.all(
      SAMPLES.map(async (s) =>
        (await r.genome(s)).alleles({ chrom: '20', start: 0, end: 4_000_000 }),
      ),
    )
    const random = seededRandom(7)
    const paths = store.manifest.paths
    for (let k = 0; k < 40; k++) {
      const p = paths[Math.floor(random() * paths.length)]!
      const step = Math.floor(random() * p.steps)
      for (const v of await r.variants(p.path, step)) {
        const carriers = await r.carriers(v.id)
        const haplotypes = carriers.reduce((a, c) => a + c.alleles[0] + c.alleles[1], 0)
        expect(haplotypes).toBe(v.count)
        SAMPLES.forEach((sample, i) => {
          const at = bands[i]!.find((g) => g.path === p.path && g.step === step)!
          const c = carriers.find((x) => x.sample === sample)
          expect(c?.alleles ?? [0, 0]).toEqual(at.variants.map((x) => (x === v.variant ? 1 : 0)))
        })
      }
    }
  })

  it('within a group of samples, and from the CLI', async () => {
    const r = openTileResolver(store.dir)
    const p = store.manifest.paths[1]!
    let id = ''
    for (let step = 0; !id; step++) {
      const v = (await r.variants(p.path, step)).find((x) => x.variant > 0 && x.count > 1)
      if (v) id = v.id
    }
    const all = await r.carriers(id)
    const group = SAMPLES.slice(0, 3)
    const some = await r.carriers(id, { samples: group })
    expect(some).toEqual(all.filter((c) => group.includes(c.sample)))
    await expect(r.carriers(id, { samples: ['NA99999'] })).rejects.toThrow(/no sample 'NA99999'/)
    const cli = await runCli('carriers', store.dir, id, '--samples', group.join(','))
    expect(cli.code).toBe(0)
    expect(cli.stdout.trim().split('\n').filter(Boolean)).toEqual(
      some.map((c) => `${c.sample}\t${c.alleles[0]}|${c.alleles[1]}`),
    )
  })
})
