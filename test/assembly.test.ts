import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { openFile } from '../src/core/nodeFile.js'
import {
  AssemblyReader,
  fwiNextOffset,
  parseAssemblyBlock,
  parseFwi,
} from '../src/formats/assembly/reader.js'
import { formatAssembly, writeAssembly } from '../src/formats/assembly/writer.js'
import { FIXTURES, hasTool, named } from './shared.js'

const D = `${FIXTURES}derived/`
const reader = (base: string) =>
  new AssemblyReader({
    gz: named(`${base}.gz`),
    gzi: named(`${base}.gz.gzi`),
    fwi: named(`${base}.fwi`),
  })
const P = 0x35e

describe('.fwi arithmetic (spec §6.3)', () => {
  it('reproduces the doc vectors', () => {
    // hg19:chr1:0001 at 16 + 86928 + 16; hg19:chr22:031c at 159428694 + 16 + 17.
    expect(fwiNextOffset(16, 86928, 'hg19:chr1:0001')).toBe(86960)
    expect(fwiNextOffset(159428694, 16, 'hg19:chr22:031c')).toBe(159428727)
    const fwi = parseFwi(
      'hg19:chr1:0000\t86928\t16\t15\t16\nhg19:chr1:0001\t185360\t86960\t15\t16\n',
    )
    expect(fwi.map((p) => [p.build, p.chrom, p.path, p.size, p.offset])).toEqual([
      ['hg19', 'chr1', 0, 86928, 16],
      ['hg19', 'chr1', 1, 185360, 86960],
    ])
  })

  it('rejects an offset that breaks the arithmetic, naming the line', () => {
    const bad = 'hg19:chr1:0000\t86928\t16\t15\t16\nhg19:chr1:0001\t185360\t86959\t15\t16\n'
    expect(() => parseFwi(bad, 'x.fwi')).toThrow(/x\.fwi, line 2: OFFSET 86959 should be 86960/)
  })

  it('rejects a malformed data line', () => {
    const bytes = new TextEncoder().encode('0000\t       244\n0001\t       2x9\n')
    expect(() => parseAssemblyBlock(bytes, 'a.fw', 0)).toThrow(FormatError)
    const order = new TextEncoder().encode('0001\t       244\n0001\t       469\n')
    expect(() => parseAssemblyBlock(order, 'a.fw', 0)).toThrow(/offset 16: step 0001/)
  })
})

describe('assembly fixtures', () => {
  const hg19 = reader(`${D}assembly.00.hg19.035e.fw`)
  const g1k = reader(`${D}assembly.00.human_g1k_v37.035e.fw`)

  it('lists the path blocks of the .fwi', async () => {
    expect(await hg19.paths()).toEqual([
      { name: 'hg19:chrM:035e', build: 'hg19', chrom: 'chrM', path: P, size: 560, offset: 16 },
    ])
    expect(await g1k.paths()).toEqual([
      {
        name: 'human_g1k_v37:MT:035e',
        build: 'human_g1k_v37',
        chrom: 'MT',
        path: P,
        size: 496,
        offset: 23,
      },
    ])
  })

  it('hg19 chrM: the tag ends of spec §1.4', async () => {
    const { steps, ends } = await hg19.pathSteps(P)
    expect(Array.from(steps)).toEqual(Array.from({ length: 35 }, (_, i) => i))
    expect(Array.from(ends.subarray(0, 10))).toEqual([
      244, 469, 961, 1396, 1769, 2227, 2722, 3114, 3339, 3564,
    ])
    expect(ends[0x21]).toBe(16302)
    expect(ends[0x22]).toBe(16571)
    expect(await hg19.tileInterval(P, 0)).toEqual({ chrom: 'chrM', start: 0, end: 244 })
    expect(await hg19.tileInterval(P, 1)).toEqual({ chrom: 'chrM', start: 220, end: 469 })
    // hu826751's spanning tile 035e.00.0006+2 (§1.4) and the real extent of the end tile (§8.4).
    expect(await hg19.tileInterval(P, 6, 2)).toEqual({ chrom: 'chrM', start: 2203, end: 3114 })
    expect(await hg19.tileInterval(P, 8)).toEqual({ chrom: 'chrM', start: 3090, end: 3339 })
    expect(await hg19.tileInterval(P, 0x22)).toEqual({ chrom: 'chrM', start: 16278, end: 16571 })
    await expect(hg19.tileInterval(P, 0x22, 2)).rejects.toThrow(/past the path's last step/)
  })

  it('GRCh37 MT: skipped steps 6, 7, 1a, 1d become spans (spec §6.1–§6.2)', async () => {
    const { steps, ends } = await g1k.pathSteps(P)
    const skipped = [6, 7, 0x1a, 0x1d]
    expect(Array.from(steps)).toEqual(
      Array.from({ length: 35 }, (_, i) => i).filter((s) => !skipped.includes(s)),
    )
    expect(Array.from(ends.subarray(5, 10))).toEqual([2225, 3338, 3563, 3788, 9760])
    expect(ends[ends.length - 1]).toBe(16569)
    expect(await g1k.tileInterval(P, 6, 3)).toEqual({ chrom: 'MT', start: 2201, end: 3338 })
    // A step inside a reference span widens to the reference tile that holds it.
    expect(await g1k.tileInterval(P, 7)).toEqual({ chrom: 'MT', start: 2201, end: 3338 })
    const spans = (await g1k.pathTiles(P)).filter((t) => t.span > 1)
    expect(spans.map((t) => [t.step, t.span])).toEqual([
      [6, 3],
      [0x1a, 2],
      [0x1d, 2],
    ])
    expect(spans[0]).toEqual({ path: P, step: 6, span: 3, start: 2201, end: 3338 })
  })

  it('tilesOverlapping agrees with a scan of every tile', async () => {
    for (const r of [hg19, g1k]) {
      const tiles = await r.pathTiles(P)
      const chrom = (await r.paths())[0]!.chrom
      for (const [s, e] of [
        [0, 1],
        [2210, 2215],
        [2230, 3000],
        [3330, 3340],
        [16500, 20000],
        [0, 16571],
      ] as const) {
        const want = tiles.filter((t) => t.start < e && t.end > s)
        expect(await r.tilesOverlapping(chrom, s, e)).toEqual(want)
        expect(want.length).toBeGreaterThan(0)
      }
      expect(await r.tilesOverlapping(chrom, 20000, 20010)).toEqual([])
    }
    // A base on a tag lies in the two tiles that share it.
    const two = await hg19.tilesOverlapping('chrM', 230, 231)
    expect(two.map((t) => t.step)).toEqual([0, 1])
    await expect(hg19.tilesOverlapping('chr1', 0, 10)).rejects.toThrow(/no path on chromosome/)
  })

  it('reads without the .fwi by scanning the file', async () => {
    const scan = new AssemblyReader({ gz: named(`${D}assembly.00.human_g1k_v37.035e.fw.gz`) })
    expect(await scan.paths()).toEqual(await g1k.paths())
    expect(await scan.pathSteps(P)).toEqual(await g1k.pathSteps(P))
  })

  it('reads the header-less hg19 body of path 0000 (pasta-assay)', async () => {
    const body = new AssemblyReader({
      gz: named(`${FIXTURES}l7g/pasta-assay/assembly-hg19-0000.gz`),
      bodyOf: { build: 'hg19', chrom: 'chr1', path: 0 },
    })
    const { steps, ends } = await body.pathSteps(0)
    expect(steps.length).toBe(5433)
    expect([steps[0], ends[0]]).toEqual([0, 10534])
    expect([steps[5432], ends[5432]]).toEqual([0x1538, 2300000])
    expect((await body.paths())[0]!.size).toBe(86928)
    const noName = new AssemblyReader({
      gz: named(`${FIXTURES}l7g/pasta-assay/assembly-hg19-0000.gz`),
    })
    await expect(noName.paths()).rejects.toThrow(/line 1: expected a '>build:chrom:PPPP' header/)
  })

  describe('writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assembly-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    // Input: the data lines of the derived .fw text, parsed here without the reader.
    const input = (fw: string) => {
      const [header, ...lines] = fw.trimEnd().split('\n')
      const [build, chrom, path] = header!.slice(1).split(':') as [string, string, string]
      const steps = lines.map((l) => {
        const [s, e] = l.split('\t') as [string, string]
        return { step: parseInt(s, 16), end: Number(e) }
      })
      return { build, chrom, path: parseInt(path, 16), steps }
    }

    for (const name of ['assembly.00.hg19.035e.fw', 'assembly.00.human_g1k_v37.035e.fw']) {
      it(`reproduces ${name}, .fwi and .gzi byte for byte`, async () => {
        const fw = readFileSync(`${D}${name}`, 'latin1')
        const out = join(dir, `${name}.gz`)
        const { fwi } = await writeAssembly(out, [input(fw)])
        expect(fwi).toBe(join(dir, `${name}.fwi`))
        expect(readFileSync(fwi)).toEqual(readFileSync(`${D}${name}.fwi`))
        expect(gunzipSync(readFileSync(out))).toEqual(readFileSync(`${D}${name}`))
        expect(readFileSync(`${out}.gzi`)).toEqual(readFileSync(`${D}${name}.gz.gzi`))
        expect(formatAssembly([input(fw)]).fw).toBe(fw)
        if (hasTool('bgzip')) expect(spawnSync('bgzip', ['-t', out]).status).toBe(0)
        // And it reads back.
        const back = new AssemblyReader({
          gz: named(out),
          gzi: named(`${out}.gzi`),
          fwi: named(fwi),
        })
        expect(await back.pathSteps(P)).toEqual(await reader(`${D}${name}`).pathSteps(P))
      })
    }

    // The pasta-assay body of path 0000 (no header line), its steps parsed here without the reader.
    const pastaBody = () => {
      const body = gunzipSync(readFileSync(`${FIXTURES}l7g/pasta-assay/assembly-hg19-0000.gz`))
      const text = body.toString('latin1')
      const steps = text
        .trimEnd()
        .split('\n')
        .map((l) => ({ step: parseInt(l.slice(0, 4), 16), end: Number(l.slice(5)) }))
      return { text, steps }
    }

    it('writes the §6.3 doc line for the pasta-assay body of path 0000', async () => {
      const { text, steps } = pastaBody()
      const { fw, fwi } = formatAssembly([{ build: 'hg19', chrom: 'chr1', path: 0, steps }])
      expect(fwi).toBe('hg19:chr1:0000\t86928\t16\t15\t16\n')
      expect(fw).toBe(`>hg19:chr1:0000\n${text}`)
    })

    it('multi-path file: reads only the asked path, path start = previous end on the chromosome', async () => {
      const steps0 = pastaBody().steps
      const out = join(dir, 'assembly.00.hg19.fw.gz')
      const { fwi } = await writeAssembly(out, [
        { build: 'hg19', chrom: 'chr1', path: 0, steps: steps0 },
        {
          build: 'hg19',
          chrom: 'chr1',
          path: 1,
          steps: [
            { step: 0, end: 2300500 },
            { step: 2, end: 2301000 },
          ],
        },
        { build: 'hg19', chrom: 'chrM', path: P, steps: [{ step: 0, end: 244 }] },
      ])
      const positions: number[] = []
      const counted = openFile(out)
      const read = counted.read.bind(counted)
      counted.read = (length, position, o) => {
        positions.push(position)
        return read(length, position, o)
      }
      const r = new AssemblyReader({
        gz: { name: out, handle: counted },
        gzi: named(`${out}.gzi`),
        fwi: named(fwi),
      })
      expect((await r.pathSteps(P)).steps.length).toBe(1)
      // Path 035e's line lies in the second BGZF block: the first (path 0000) is never read.
      const secondBlock = Number(readFileSync(`${out}.gzi`).readBigUInt64LE(8))
      expect(positions).toEqual([secondBlock])
      expect(await r.tileInterval(1, 0)).toEqual({ chrom: 'chr1', start: 2300000, end: 2300500 })
      expect(await r.tileInterval(1, 1)).toEqual({ chrom: 'chr1', start: 2300476, end: 2301000 })
      expect(await r.tileInterval(P, 0)).toEqual({ chrom: 'chrM', start: 0, end: 244 })
      const across = await r.tilesOverlapping('chr1', 2299990, 2300010)
      expect(across.map((t) => [t.path, t.step, t.span])).toEqual([
        [0, 0x1538, 1],
        [1, 0, 1],
      ])
    })

    it('refuses steps out of order', () => {
      const steps = [
        { step: 1, end: 10 },
        { step: 1, end: 20 },
      ]
      expect(() => formatAssembly([{ build: 'b', chrom: 'c', path: 1, steps }])).toThrow(
        /step 1 must be above 1/,
      )
    })
  })
})
