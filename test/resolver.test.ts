import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BGZF_MAX_BLOCK } from '../src/container/bgzf/reader.js'
import { seededRandom } from '../src/core/random.js'
import { formatTileId } from '../src/core/tileId.js'
import { AssemblyReader } from '../src/formats/assembly/reader.js'
import { reconstructAllele } from '../src/formats/band/reconstruct.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { readSglfPath } from '../src/formats/sglf/reader.js'
import type { SglfPath } from '../src/formats/sglf/reader.js'
import { TileResolver } from '../src/resolver/TileResolver.js'
import { alignedCuts, cutEnd, cutStart } from '../src/resolver/cut.js'
import { openTileResolver } from '../src/resolver/node.js'
import { PATH, SAMPLES, SGLF, makeFixtureStore } from './fixtureStore.js'
import type { FixtureStore } from './fixtureStore.js'
import { serveDirectory } from './httpServer.js'
import type { StaticServer } from './httpServer.js'
import { runCli } from './cli.js'
import { FIXTURES, md5, named } from './shared.js'

// Spec §1.4: ends of steps 00..09 of 035e on hg19 chrM.
const HG19_ENDS = [244, 469, 961, 1396, 1769, 2227, 2722, 3114, 3339, 3564]

describe('cut', () => {
  const anchors = [
    { ref: 0, hap: 0 },
    { ref: 10, hap: 10 },
    { ref: 20, hap: 25 }, // a 5-base insertion between ref 10 and 20
    { ref: 30, hap: 35 },
  ]
  it('maps offsets one to one between anchors of equal length', () => {
    expect(cutStart(anchors, 3)).toBe(3)
    expect(cutEnd(anchors, 27)).toBe(32)
    expect(cutStart(anchors, 20)).toBe(25)
    expect(cutEnd(anchors, 20)).toBe(25)
  })
  it('aligns a changed stretch with indels left-aligned', () => {
    expect([...alignedCuts('aaccgg', 'aacgg')!]).toEqual([0, 1, 2, 2, 3, 4, 5])
    expect([...alignedCuts('acgt', 'accgt')!]).toEqual([0, 2, 3, 4, 5])
    expect([...alignedCuts('acgt', 'aggt')!]).toEqual([0, 1, 2, 3, 4])
  })
  it('keeps a length-changing stretch inside the region', () => {
    expect(cutStart(anchors, 12)).toBe(12)
    expect(cutEnd(anchors, 12)).toBe(17)
    expect(cutStart(anchors, 99)).toBe(35)
    expect(cutEnd(anchors, -1)).toBe(0)
  })
})

describe('TileResolver on the 035e fixture store', () => {
  let store: FixtureStore
  let server: StaticServer
  let sglf: SglfPath
  const expected = readFileSync(`${FIXTURES}l7g/tileband-hash/expect-test0.txt`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
  const resolvers: Record<string, () => TileResolver> = {
    local: () => openTileResolver(store.dir),
    http: () => TileResolver.open(`${server.url}/`),
  }

  beforeAll(async () => {
    store = await makeFixtureStore()
    server = await serveDirectory(store.dir)
    sglf = await readSglfPath(named(SGLF))
  })
  afterAll(async () => {
    await server?.close()
    store?.remove()
  })

  describe.each(['local', 'http'])('%s', (kind) => {
    let r: TileResolver
    beforeAll(() => {
      r = resolvers[kind]!()
    })

    it('has the manifest and samples', async () => {
      expect((await r.manifest()).build).toBe('hg19')
      expect((await r.samples()).map((s) => s.name)).toEqual(SAMPLES)
    })

    it('locates tiles on hg19 as in spec §1.4', async () => {
      for (const [step, end] of HG19_ENDS.entries()) {
        const loc = await r.locate(
          formatTileId({ path: PATH, version: 0, step, variant: 0, span: 1 }),
        )
        expect(loc).toEqual({
          chrom: 'chrM',
          start: step === 0 ? 0 : HG19_ENDS[step - 1]! - 24,
          end,
          span: 1,
          assembly: 'hg19',
        })
      }
      // hu826751's step-6 tile has span 2 (its tag 6 carries a variant): [2203, 3114)
      const g = await r.genome('hu826751')
      const [step6] = (await g.alleles({ chrom: 'chrM', start: 2300, end: 2301 })).filter(
        (s) => s.step === 6,
      )
      const v = step6!.variants[0]
      const loc = await r.locate(`035e.00.0006.${v.toString(16).padStart(3, '0')}`)
      expect(loc).toMatchObject({ chrom: 'chrM', start: 2203, end: 3114, span: 2 })
      expect((await r.locate('035e.00.0022.000+1')).end).toBe(16571)
    })

    it('locates tiles on GRCh37 MT, where skipped steps make spans (spec §6)', async () => {
      const g1k = 'human_g1k_v37'
      expect(await r.locate('035e.00.0005.000+1', g1k)).toMatchObject({ chrom: 'MT', end: 2225 })
      for (const step of [6, 7, 8])
        expect(
          await r.locate(formatTileId({ path: PATH, version: 0, step, variant: 0, span: 1 }), g1k),
        ).toMatchObject({ chrom: 'MT', start: 2201, end: 3338 })
      expect(await r.locate('035e.00.0009.000+1', g1k)).toMatchObject({ start: 3314, end: 3563 })
      expect((await r.locate('035e.00.0022.000+1', g1k)).end).toBe(16569)
      const tiles = await r.tilesAt('MT', 2300, 2400, { assembly: g1k })
      expect(tiles).toEqual([{ path: PATH, step: 6, span: 3, start: 2201, end: 3338 }])
    })

    it('lists the tiles at a reference interval', async () => {
      const tiles = await r.tilesAt('chrM', 230, 470)
      expect(tiles.map((t) => [t.step, t.start, t.end])).toEqual([
        [0, 0, 244],
        [1, 220, 469],
        [2, 445, 961],
      ])
    })

    it('returns the bases and spans of the SGLF for every tile', async () => {
      let n = 0
      for (const [step, tiles] of sglf.steps)
        for (const [variant, t] of tiles.entries()) {
          const got = await r.sequence(formatTileId({ path: PATH, version: 0, step, variant }))
          expect(got.sequence).toBe(t.seq)
          expect(got.span).toBe(t.span)
          expect(got.id).toBe(formatTileId({ path: PATH, version: 0, step, variant, span: t.span }))
          expect(got.startTag).toBe(step === 0 ? '' : t.seq.slice(0, 24))
          n++
        }
      expect(n).toBeGreaterThan(1000)
      const first = await r.sequence('035e.00.0000.000')
      expect(first.endTag).toBe('gcttgtaggacataataataacaa') // spec §2.3 tag[0]
    })

    it('lists the variants at a position with their cohort counts', async () => {
      const vs = await r.variants(PATH, 6)
      expect(vs.map((v) => v.sequence)).toEqual(sglf.steps.get(6)!.map((t) => t.seq))
      const bands = await Promise.all(
        SAMPLES.map((s) =>
          new CgfReader(named(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`)).band(PATH),
        ),
      )
      const want = vs.map(() => 0)
      for (const b of bands) for (const a of b.variants) if (a[6]! >= 0) want[a[6]!]!++
      expect(vs.map((v) => v.count)).toEqual(want)
      expect(want.reduce((a, b) => a + b)).toBeGreaterThan(0)
    })

    it('reconstructs whole genomes as spec §12 (tileband-hash md5s)', async () => {
      for (const [i, s] of SAMPLES.entries()) {
        const g = await r.genome(s)
        for (const h of [0, 1] as const) {
          const seq = await g.sequence(h, { chrom: 'chrM', start: 0, end: 16571 })
          expect(md5(seq)).toBe(expected[i]![h])
        }
      }
    })

    it('cuts sub-regions exactly at reference coordinates', async () => {
      const asm = new AssemblyReader({
        gz: named(`${FIXTURES}derived/assembly.00.hg19.035e.fw.gz`),
      })
      const refTiles = await asm.pathTiles(PATH)
      const random = seededRandom(7)
      const rand = (n: number) => Math.floor(random() * n)
      for (const s of SAMPLES) {
        const g = await r.genome(s)
        const band = await new CgfReader(named(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`)).band(
          PATH,
        )
        for (const h of [0, 1] as const) {
          const full = reconstructAllele(band, h, sglf)
          // Haplotype start of each step tile where the haplotype has a span-1 tile of the
          // reference tile's length: there reference offsets map one to one.
          const exact = new Map<number, number>()
          let at = 0
          band.variants[h].forEach((v, step) => {
            if (v < 0) return
            const tile = sglf.steps.get(step)![v]!
            const ref = refTiles[step]!
            if (tile.span === 1 && ref.end - ref.start === tile.seq.length) exact.set(step, at)
            at += tile.seq.length - 24
          })
          const steps = [...exact.keys()]
          expect(steps.length).toBeGreaterThan(10)
          let compared = 0
          for (let k = 0; k < 20; k++) {
            let a = steps[rand(steps.length)]!
            let b = steps[rand(steps.length)]!
            if (a > b) [a, b] = [b, a]
            const x = refTiles[a]!.start + rand(refTiles[a]!.end - refTiles[a]!.start - 24)
            const y = refTiles[b]!.start + 24 + rand(refTiles[b]!.end - refTiles[b]!.start - 24)
            if (y <= x) continue
            const want = full.slice(
              exact.get(a)! + (x - refTiles[a]!.start),
              exact.get(b)! + (y - refTiles[b]!.start),
            )
            expect(await g.sequence(h, { chrom: 'chrM', start: x, end: y })).toBe(want)
            compared++
          }
          expect(compared).toBeGreaterThan(10)
          // Any cut point splits the sequence in two that join back.
          for (let k = 0; k < 10; k++) {
            const x = rand(8000)
            const y = x + 1 + rand(8000)
            const z = x + rand(y - x + 1)
            const whole = await g.sequence(h, { chrom: 'chrM', start: x, end: y })
            const left = await g.sequence(h, { chrom: 'chrM', start: x, end: z })
            const right = await g.sequence(h, { chrom: 'chrM', start: z, end: y })
            expect(left + right).toBe(whole)
          }
        }
      }
    })

    it('rejects an aborted call with AbortError and keeps working', async () => {
      const fresh = resolvers[kind]!()
      const ac = new AbortController()
      const p = fresh.sequence('035e.00.0010.000', { signal: ac.signal })
      await Promise.resolve()
      ac.abort()
      await expect(p).rejects.toMatchObject({ name: 'AbortError' })
      const again = await fresh.sequence('035e.00.0010.000')
      expect(again.sequence).toBe(sglf.steps.get(0x10)![0]!.seq)
      const pre = new AbortController()
      pre.abort()
      await expect(
        fresh.locate('035e.00.0001.000', undefined, { signal: pre.signal }),
      ).rejects.toMatchObject({
        name: 'AbortError',
      })
    })

    it('reports missing tiles, samples and paths as NotFoundError', async () => {
      await expect(r.sequence('035e.00.0001.fff')).rejects.toMatchObject({ name: 'NotFoundError' })
      await expect(r.genome('nobody')).rejects.toMatchObject({ name: 'NotFoundError' })
      await expect(r.sequence('0001.00.0001.000')).rejects.toMatchObject({ name: 'NotFoundError' })
    })
  })

  it('answers tile, locate and tiles on the command line, from a path or a URL', async () => {
    const run = async (...args: string[]) => {
      const { code, stdout } = await runCli(...args)
      expect(code).toBe(0)
      return stdout
    }
    for (const loc of [store.dir, server.url]) {
      const t = sglf.steps.get(0x1f)![2]!
      expect(await run('tile', loc, '035e.00.001f.002')).toBe(
        `>035e.00.001f.002+${t.span.toString(16)}\n${t.seq}\n`,
      )
      expect(await run('locate', loc, '035e.00.0001.000+1')).toBe(
        'chrM\t220\t469\t035e.00.0001.000+1\n',
      )
      expect(await run('locate', loc, '035e.00.0006.000+1', '--assembly', 'human_g1k_v37')).toBe(
        'MT\t2201\t3338\t035e.00.0006.000+1\n',
      )
      expect(await run('tiles', loc, 'chrM:245-469')).toBe(
        'chrM\t220\t469\t035e.00.0001.02e+1\nchrM\t445\t961\t035e.00.0002.000+1\n',
      )
    }
  })

  it('fetches one BGZF range plus one counts slice for a tile once indexes are cached', async () => {
    const r = TileResolver.open(server.url)
    await r.sequence('035e.00.0002.000')
    server.reset()
    const t = await r.sequence('035e.00.0001.003')
    expect(t.sequence).toBe(sglf.steps.get(1)![3]!.seq)
    expect(server.requests).toBe(2)
    expect(server.bytesSent).toBeGreaterThan(0)
    expect(server.bytesSent).toBeLessThan(BGZF_MAX_BLOCK + 26)
  })
})
