import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { BlobFile, LocalFile } from 'generic-filehandle2'
import { afterAll, describe, expect, it } from 'vitest'
import { ArgumentError, FormatError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import type { Band } from '../src/formats/band/band.js'
import { formatBand, parseBand, parseBands } from '../src/formats/band/band.js'
import { DEFAULT_TILE_MAP } from '../src/formats/cgf/defaultTileMap.js'
import { encodeCgf } from '../src/formats/cgf/encode.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { writeCgfFile } from '../src/formats/cgf/writer.js'
import { runCli } from './cli.js'
import { FIXTURES } from './shared.js'

const CGF = `${FIXTURES}generated/cgf3/`
const SYNTH = `${CGF}synthetic-40.band`
const B035E = `${FIXTURES}l7g/fjt/035e.band`
/** Each generated file and the bands (path, file) it was made from (fixtures MANIFEST). */
const CASES: [string, [number, string][]][] = [
  ['empty', []],
  ['synthetic-40', [[5, SYNTH]]],
  ['035e', [[862, B035E]]],
  ['hu826751-035e', [[862, `${FIXTURES}l7g/fjt/hu826751-035e.band`]]],
  ['hu34D5B9-035e', [[862, `${FIXTURES}l7g/fjt/hu34D5B9-035e.band`]]],
  [
    'two-path',
    [
      [5, SYNTH],
      [862, B035E],
    ],
  ],
]

const memReader = (bytes: Uint8Array, name = 'mem.cgf3') =>
  new CgfReader({ name, handle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])) })
const inputs = (paths: [number, string][]) =>
  paths.map(([path, f]) => ({ path, band: parseBand(readFileSync(f, 'utf8'), f) }))

describe('CGF v3: the cgft-generated files', () => {
  it.each(CASES)('%s.cgf3 decodes to the band it was made from', async (name, paths) => {
    const reader = new CgfReader({ name, handle: new LocalFile(`${CGF}${name}.cgf3`) })
    const entries = await reader.getPaths()
    expect(entries.map((e) => e.path)).toEqual(paths.map(([p]) => p))
    for (const [path, file] of paths) {
      const band = await reader.band(path)
      expect(formatBand(band)).toBe(readFileSync(file, 'utf8'))
      // random access: every step on its own equals the band
      for (let t = 0; t < band.variants[0].length; t++) {
        const s = await reader.alleles(path, t)
        expect(s.variants).toEqual([band.variants[0][t], band.variants[1][t]])
        expect(s.nocalls).toEqual([band.nocalls[0][t], band.nocalls[1][t]])
      }
    }
    const header = await reader.getHeader()
    expect(header).toMatchObject({ version: '0.3.1', libraryVersion: '0.1.0' })
    expect(header.tileMap).toBe(DEFAULT_TILE_MAP)
  })

  it.each(CASES.filter(([n]) => n !== 'two-path'))(
    'encoding the bands of %s gives the same bytes',
    (name, paths) => {
      const ours = encodeCgf(inputs(paths))
      expect(Buffer.from(ours).equals(readFileSync(`${CGF}${name}.cgf3`))).toBe(true)
    },
  )

  it('two-path: identical except the PathStructOffset table, where our offsets are right', async () => {
    const ref = new Uint8Array(readFileSync(`${CGF}two-path.cgf3`))
    const ours = encodeCgf(inputs(CASES[5]![1]))
    expect(ours.length).toBe(ref.length)
    const table = [6775, 6775 + 16] // PathCount 2 → two u64 after the header (spec §10.9)
    const differ: number[] = []
    ours.forEach((b, i) => {
      if (b !== ref[i]) differ.push(i)
    })
    expect(differ.length).toBeGreaterThan(0)
    for (const i of differ) expect(i >= table[0]! && i < table[1]!).toBe(true)
    // cgft records 7563 for path 862 (spec §10.10); the PathStructs really start at 6791 and 7477
    const real = (await memReader(ref).getPaths()).map((e) => e.offset)
    expect(real).toEqual([6791, 7477])
    expect((await memReader(ref).getHeader()).pathStructOffsets).toEqual([6791, 7563])
    expect((await memReader(ours).getHeader()).pathStructOffsets).toEqual(real)
  })

  it('--hiq gives the vectors of spec §10.8', async () => {
    const { code, out } = await runCli('cgf', 'decode', `${CGF}synthetic-40.cgf3`, '--hiq')
    expect(code).toBe(0)
    expect(out.toString()).toBe(
      '[ 0 1 0 0 5 0 3 1 2 0 4 2 0 0 1 -1 0 -1 -1 0 -2 0 -2 0 -2 0 0 0 0 0 0 2 -1 0 -2 -1 0 0 7 0]\n' +
        '[ 0 0 1 2 5 3 0 2 1 4 0 2 1 0 0 0 0 -1 -1 0 -2 0 0 0 -2 0 0 0 0 0 0 0 -1 0 0 -1 0 0 7 0]\n',
    )
  })

  it('cgf decode prints every path, or the one asked for', async () => {
    const all = await runCli('cgf', 'decode', `${CGF}two-path.cgf3`)
    expect(all.out.toString()).toBe(readFileSync(SYNTH, 'utf8') + readFileSync(B035E, 'utf8'))
    const one = await runCli('cgf', 'decode', `${CGF}two-path.cgf3`, '--path', '035e')
    expect(one.out.toString()).toBe(readFileSync(B035E, 'utf8'))
  })

  describe('cgf encode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgf-test-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    it('writes the cgft bytes (--input/--output and to stdout)', async () => {
      const out = join(dir, 'x.cgf3')
      const r = await runCli('cgf', 'encode', '--path', '035e', '--input', B035E, '--output', out)
      expect(r.code).toBe(0)
      expect(readFileSync(out).equals(readFileSync(`${CGF}035e.cgf3`))).toBe(true)
      const s = await runCli('cgf', 'encode', '--path', '5', '--input', SYNTH)
      expect(s.out.equals(readFileSync(`${CGF}synthetic-40.cgf3`))).toBe(true)
    })
    it('reads bands from standard input (several paths)', () => {
      const stdin = readFileSync(SYNTH, 'utf8') + readFileSync(B035E, 'utf8')
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(['node', 'lt', ...process.argv.slice(1)])",
          'cgf',
          'encode',
          '--path',
          '0005',
          '--path',
          '035e',
          '--library-version',
          'abc123',
        ],
        { input: stdin, maxBuffer: 1 << 24 },
      )
      expect(r.status).toBe(0)
      const ours = new Uint8Array(r.stdout)
      const expected = encodeCgf(inputs(CASES[5]![1]), { libraryVersion: 'abc123' })
      expect(Buffer.from(ours).equals(Buffer.from(expected))).toBe(true)
    })
    it('refuses a band count that disagrees with --path', async () => {
      const r = await runCli('cgf', 'encode', '--path', '5', '--path', '6', '--input', SYNTH)
      expect(r.code).toBe(1)
    })
  })
})

/**
 * A random band: knots of 1 step, 2–6 steps and 30–75 steps (crossing 32-step block edges),
 * spans on one or both alleles, dense stretches of non-canonical steps (> 8 per block),
 * variants up to 0xfffe, hom and het no-call runs on some knots.
 */
function randomBand(rand: () => number): Band {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
  const n = rand() < 0.05 ? 0 : int(1, 260)
  const dense = [0.02, 0.3, 0.95][int(0, 2)]!
  const variant = () =>
    rand() >= dense
      ? 0
      : rand() < 0.8
        ? int(0, 14)
        : rand() < 0.9
          ? int(15, 300)
          : int(0xff00, 0xfffe)
  const runs = () => {
    const r: number[] = []
    for (let k = int(1, 3); k > 0; k--) r.push(int(0, 500), int(1, 90))
    return r
  }
  const A: number[] = []
  const B: number[] = []
  const NA: number[][] = []
  const NB: number[][] = []
  while (A.length < n) {
    const r = rand()
    const len = Math.min(n - A.length, r < 0.8 ? 1 : r < 0.95 ? int(2, 6) : int(30, 75))
    const long = [variant(), ...Array<number>(len - 1).fill(-1)]
    const other = rand() < 0.3 ? [variant(), ...Array<number>(len - 1).fill(-1)] : [variant()]
    while (other.length < len) other.push(rand() < 0.5 ? variant() : -1)
    const [a, b] = rand() < 0.5 ? [long, other] : [other, long]
    const loq = rand() < 0.15
    const kind = rand()
    const na: number[][] = []
    const nb: number[][] = []
    for (let k = 0; k < len; k++) {
      const x = loq && rand() < 0.5 ? runs() : []
      na.push(x)
      nb.push(kind < 0.5 ? x.slice() : kind < 0.75 ? [] : loq && rand() < 0.5 ? runs() : [])
    }
    if (loq && na.every((x) => x.length === 0)) na[0] = runs()
    A.push(...a)
    B.push(...b)
    NA.push(...na)
    NB.push(...nb)
  }
  return { variants: [A, B], nocalls: [NA, NB] }
}

describe('CGF v3: round trips', () => {
  it('thousands of random bands: band → CGF → band, and every step by random access', async () => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const rand = seededRandom(seed)
        const bands = [randomBand(rand), randomBand(rand)]
        const bytes = encodeCgf(bands.map((band, i) => ({ path: 17 * i + 3, band })))
        const reader = memReader(bytes)
        for (const [i, band] of bands.entries()) {
          const path = 17 * i + 3
          expect(formatBand(await reader.band(path))).toBe(formatBand(band))
          const parsed = await reader.getPath(path)
          const steps = band.variants[0].map((_, t) => parsed.alleles(t))
          expect(steps.map((x) => x.variants[0])).toEqual(band.variants[0])
          expect(steps.map((x) => x.variants[1])).toEqual(band.variants[1])
          expect(steps.map((x) => x.nocalls[0])).toEqual(band.nocalls[0])
          expect(steps.map((x) => x.nocalls[1])).toEqual(band.nocalls[1])
        }
        checked += bands.length
      }),
      { seed: 20240607, numRuns: 1000 },
    )
    expect(checked).toBe(2000)
  })

  it('writeCgfFile writes what encodeCgf returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgf-write-'))
    try {
      const band = randomBand(seededRandom(7))
      const file = join(dir, 'g.cgf3')
      await writeCgfFile(file, [{ path: 1, band }], { libraryVersion: 'v' })
      expect(
        readFileSync(file).equals(
          Buffer.from(encodeCgf([{ path: 1, band }], { libraryVersion: 'v' })),
        ),
      ).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a variant ≥ 0xffff with a clear error', () => {
    const band = parseBand('[ 0 65535]\n[ 0 0]\n[[ ][ ]]\n[[ ][ ]]\n')
    expect(() => encodeCgf([{ path: 1, band }])).toThrow(ArgumentError)
    expect(() => encodeCgf([{ path: 1, band }])).toThrow(/step 1: variant 65535 is ≥ 0xffff/)
    const ok = parseBand('[ 0 65534]\n[ 0 0]\n[[ ][ ]]\n[[ ][ ]]\n')
    expect(() => encodeCgf([{ path: 1, band: ok }])).not.toThrow()
  })
})

describe('CGF v3: corrupt input gives a FormatError naming file and offset', () => {
  const good = new Uint8Array(readFileSync(`${CGF}two-path.cgf3`))
  const decodeAll = async (bytes: Uint8Array) => {
    const reader = memReader(bytes, 'bad.cgf3')
    for (const e of await reader.getPaths()) {
      await reader.band(e.path)
      for (let t = 0; t < e.steps; t++) await reader.alleles(e.path, t)
    }
  }
  const rejects = async (bytes: Uint8Array, message?: RegExp) => {
    const err = await decodeAll(bytes).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(FormatError)
    expect((err as FormatError).file).toBe('bad.cgf3')
    expect((err as FormatError).offset).toBeTypeOf('number')
    if (message) expect((err as FormatError).message).toMatch(message)
  }
  const u64 = (bytes: Uint8Array, at: number, value: number) => {
    const out = bytes.slice()
    const dv = new DataView(out.buffer)
    dv.setUint32(at, value % 2 ** 32, true)
    dv.setUint32(at + 4, Math.floor(value / 2 ** 32), true)
    return out
  }

  it('bad magic', async () => {
    const bad = good.slice()
    bad[1] = 0x21
    await rejects(bad, /magic/)
  })
  it('a noc-inv CGF is refused (DESIGN decision 18)', async () => {
    const v = new TextEncoder().encode('0.3.1,noc-inv')
    const bad = new Uint8Array(good.length + v.length - 5)
    bad.set(good.subarray(0, 8))
    new DataView(bad.buffer).setUint32(8, v.length, true)
    bad.set(v, 12)
    bad.set(good.subarray(17), 12 + v.length)
    await rejects(bad, /noc-inv/)
  })
  it('every truncation of the file', async () => {
    for (let cut = 0; cut < good.length; cut += cut < 6700 ? 97 : 1)
      await rejects(good.subarray(0, cut))
  })
  it('counts that would allocate gigabytes', async () => {
    await rejects(u64(good, 26, 2 ** 40), /PathCount/) // PathCount
    const tm = good.slice()
    new DataView(tm.buffer).setUint32(34, 0xfffffff0, true) // TileMap length
    await rejects(tm)
    await rejects(u64(good, 6791 + 12, 2 ** 40)) // NTileStep of path 5
    await rejects(u64(good, 6791 + 20, 3 * 2 ** 38)) // NOverflow
    await rejects(u64(good, 7031, 2 ** 40)) // LoqTileStepHom size
    await rejects(u64(good, 7031 + 80, 2 ** 40)) // LoqTileStepHom element count
  })
  it('size fields that disagree with the data', async () => {
    // LoqTileStepHom declared 1 byte longer, LoqTileVariantHom 1 byte shorter (same total)
    await rejects(u64(u64(good, 6951, 43), 6959, 48), /declared 43 bytes/)
    await rejects(u64(good, 6791 + 12, 41)) // NTileStep
    await rejects(u64(good, 6791 + 20, 42)) // NOverflow
    await rejects(u64(good, 7031, 3), /disagree/) // LoqTileStepHom n = 3, VariantHom has 4
  })
  it('random byte corruption: a FormatError or a clean decode, never anything else', async () => {
    const rand = seededRandom(99)
    for (let k = 0; k < 1500; k++) {
      const bad = good.slice()
      for (let j = 1 + Math.floor(rand() * 3); j > 0; j--)
        bad[Math.floor(rand() * (good.length - 6775)) + 6775] = Math.floor(rand() * 256)
      await decodeAll(bad).catch((e: unknown) => {
        if (!(e instanceof FormatError)) throw e
      })
    }
  })
})

it('parseBands and encodeCgf agree on an empty band', () => {
  const [band] = parseBands('[ ]\n[ ]\n[[ ]]\n[[ ]]\n')
  expect(band!.variants[0]).toEqual([])
  const reader = memReader(encodeCgf([{ path: 9, band: band! }]))
  return expect(reader.band(9).then(formatBand)).resolves.toBe('[ ]\n[ ]\n[[ ]]\n[[ ]]\n')
})
