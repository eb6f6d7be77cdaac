// The cohort matrix codec: random matrices round-trip exactly (full, every step range, haplotype
// subsets, slices, segments), over a Blob and over HTTP; the worked example of
// docs/cohort-matrix.md byte for byte; damaged files fail with a FormatError naming file and offset.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { BlobFile, LocalFile, RemoteFile } from 'generic-filehandle2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArgumentError, FormatError } from '../src/core/errors.js'
import { Lru } from '../src/core/lru.js'
import { seededRandom } from '../src/core/random.js'
import { MatrixReader } from '../src/matrix/reader.js'
import type { MatrixNocall, MatrixSlice, OrderCache, RunCache } from '../src/matrix/reader.js'
import { SegmentedMatrix } from '../src/matrix/segments.js'
import { MatrixWriter, encodeMatrix } from '../src/matrix/writer.js'
import type { MatrixRow } from '../src/matrix/writer.js'
import { serveDirectory } from './httpServer.js'
import type { StaticServer } from './httpServer.js'

/** A matrix as plain arrays: values[row][haplotype], nocalls[row] as haplotype → runs. */
interface Plain {
  haplotypes: number
  values: number[][]
  nocalls: Map<number, number[]>[]
}

interface Shape {
  haplotypes: number
  rows: number
  seed: number
  /** how many distinct values a row may take (≥ 7 needs the symbol escape, ≥ 65,535 the Map) */
  alleles: number
  nocallRate: number
}

/**
 * Haplotypes copy a few founders with switches, so PBWT runs form as in real cohorts; on top,
 * random values (spans −1 included) and random no-call runs, some with large offsets.
 */
function makeMatrix(s: Shape): Plain {
  const random = seededRandom(s.seed)
  const pick = (n: number) => Math.floor(random() * n)
  const value = () => (random() < 0.15 ? -1 : random() < 0.5 ? 0 : pick(s.alleles))
  const founders = 1 + pick(4)
  const copying = Array.from({ length: s.haplotypes }, () => pick(founders))
  const values: number[][] = []
  const nocalls: Map<number, number[]>[] = []
  for (let r = 0; r < s.rows; r++) {
    const founderValue = Array.from({ length: founders }, value)
    const row = copying.map((f, h) => {
      if (random() < 0.05) copying[h] = pick(founders)
      return random() < 0.05 ? value() : founderValue[f]!
    })
    values.push(row)
    const nc = new Map<number, number[]>()
    for (let h = 0; h < s.haplotypes; h++)
      if (random() < s.nocallRate) {
        const runs: number[] = []
        for (let k = 1 + pick(3); k > 0; k--)
          runs.push(random() < 0.1 ? 2 ** 40 + pick(1000) : pick(300), 1 + pick(50))
        nc.set(h, runs)
      }
    nocalls.push(nc)
  }
  return { haplotypes: s.haplotypes, values, nocalls }
}

/**
 * Rows as in a large cohort at a rare site: most rows hold one value but for 0–3 haplotypes, some
 * split the haplotypes between two common values (so the PBWT order keeps changing), and a few
 * are as makeMatrix's.
 */
function rareMatrix(s: Shape): Plain {
  const m = makeMatrix(s)
  const random = seededRandom(s.seed ^ 0x5eed)
  const pick = (n: number) => Math.floor(random() * n)
  m.values = m.values.map((row) => {
    const kind = random()
    if (kind < 0.1) return row
    if (kind < 0.4) {
      const cut = pick(s.haplotypes)
      return row.map((_, h) => ((h * 7919) % s.haplotypes < cut ? 1 : 0))
    }
    const out = new Array<number>(s.haplotypes).fill(0)
    for (let k = pick(4); k > 0; k--) out[pick(s.haplotypes)] = pick(3) === 0 ? -1 : pick(s.alleles)
    return out
  })
  return m
}

const rowsOf = (m: Plain): MatrixRow[] =>
  m.values.map((values, r) => ({ values, nocalls: m.nocalls[r]!.entries() }))

/** What a decode of rows [start, end) and `haplotypes` must return. */
function expected(m: Plain, start: number, end: number, haplotypes: number[]) {
  const values: number[] = []
  const nocalls: MatrixNocall[] = []
  for (let r = start; r < end; r++)
    haplotypes.forEach((h, column) => {
      values.push(m.values[r]![h]!)
      const runs = m.nocalls[r]!.get(h)
      if (runs) nocalls.push({ row: r, column, runs })
    })
  return { start, rows: end - start, haplotypes, values, nocalls }
}

const plainSlice = (s: MatrixSlice) => ({
  start: s.start,
  rows: s.rows,
  haplotypes: [...s.haplotypes],
  values: [...s.values],
  nocalls: s.nocalls,
})

/** Row r of a slice rebuilt from its off-common lists (`sparse`); each column listed once. */
function rebuildRow(sp: NonNullable<MatrixSlice['sparse']>, r: number, width: number): number[] {
  const rebuilt = new Array<number>(width).fill(sp.common[r]!)
  const listed = new Set<number>()
  for (let q = sp.runs[r]!; q < sp.runs[r + 1]!; q++)
    for (let i = q > 0 ? sp.end[q - 1]! : 0; i < sp.end[q]!; i++) {
      expect(listed.has(sp.columns[i]!)).toBe(false)
      listed.add(sp.columns[i]!)
      rebuilt[sp.columns[i]!] = sp.value[q]!
    }
  return rebuilt
}

/** Shapes of a large cohort's rare sites for the trace: wide enough rows, long enough walks. */
const traceShapeArb = fc.record({
  haplotypes: fc.integer({ min: 40, max: 260 }),
  rows: fc.integer({ min: 40, max: 160 }),
  seed: fc.integer(),
  alleles: fc.constantFrom(2, 40, 70_000),
  nocallRate: fc.constantFrom(0, 0.02),
})

/** Matrix `m` encoded with one checkpoint every `checkpointRows` rows in chunks of `chunkBytes`. */
const encode = (m: Plain, checkpointRows: number, chunkBytes: number) =>
  encodeMatrix(rowsOf(m), { path: 0, haplotypes: m.haplotypes, checkpointRows, chunkBytes })

/** A file of `bytes` whose reads are logged as [position, length]. */
function loggedFile(bytes: Uint8Array) {
  const blob = new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))
  const reads: [number, number][] = []
  const file = {
    name: 'm.ltcm',
    handle: {
      read: (length: number, position: number) => {
        reads.push([position, length])
        return blob.read(length, position)
      },
      stat: () => blob.stat(),
    } as unknown as typeof blob,
  }
  return { file, reads }
}

const blobReader = (bytes: Uint8Array, name = 'matrix.ltcm') =>
  new MatrixReader({ name, handle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])) })

const shapeArb = fc.record({
  haplotypes: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 70 })),
  rows: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
  seed: fc.integer(),
  alleles: fc.constantFrom(2, 6, 40, 70_000),
  nocallRate: fc.constantFrom(0, 0.02, 0.3),
})
const layoutArb = fc.record({
  checkpointRows: fc.integer({ min: 1, max: 12 }),
  chunkBytes: fc.constantFrom(1, 16, 200, 0xff00),
})

describe('cohort matrix round trip', () => {
  it('decodes every row, every step range and random haplotype subsets exactly', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, layoutArb, fc.integer(), async (shape, layout, seed) => {
        const m = makeMatrix(shape)
        const bytes = await encodeMatrix(rowsOf(m), {
          path: 7,
          haplotypes: shape.haplotypes,
          ...layout,
        })
        const reader = blobReader(bytes)
        expect(await reader.info()).toEqual({
          path: 7,
          rows: shape.rows,
          haplotypes: shape.haplotypes,
        })
        const all = Array.from({ length: shape.haplotypes }, (_, h) => h)
        expect(plainSlice(await reader.decode())).toEqual(expected(m, 0, shape.rows, all))
        // every step range of the matrix, against a fresh reader (no chunk cache) for some
        for (let a = 0; a <= shape.rows; a++)
          for (let b = a; b <= shape.rows; b++) {
            const r = (a + b) % 5 === 0 ? blobReader(bytes) : reader
            expect(plainSlice(await r.decode({ start: a, end: b }))).toEqual(expected(m, a, b, all))
          }
        // random subsets in random order: few haplotypes follow the runs, many decode all
        const random = seededRandom(seed)
        for (let k = 0; k < 6; k++) {
          const subset = all.filter(() => random() < [0.05, 0.3, 0.9][k % 3]!)
          subset.sort(() => random() - 0.5)
          const a = Math.floor(random() * (shape.rows + 1))
          const b = a + Math.floor(random() * (shape.rows - a + 1))
          const got = await reader.decode({ start: a, end: b, haplotypes: subset })
          expect(plainSlice(got)).toEqual(expected(m, a, b, subset))
        }
      }),
      { numRuns: 100 },
    )
  })

  it('yields the same rows in slices of any size, in fresh or reused buffers', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        layoutArb,
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (shape, layout, n, reuse) => {
          const m = makeMatrix(shape)
          const bytes = await encodeMatrix(rowsOf(m), {
            path: 0,
            haplotypes: shape.haplotypes,
            ...layout,
          })
          const subset = Array.from({ length: shape.haplotypes }, (_, h) => h).filter(
            (h) => h % 3 !== 1,
          )
          const start = Math.min(2, shape.rows)
          const parts: MatrixSlice[] = []
          const slices = blobReader(bytes).slices({
            start,
            sliceRows: n,
            haplotypes: subset,
            reuse,
          })
          for await (const s of slices) parts.push({ ...s, values: s.values.slice() })
          expect(parts.every((p, i) => p.rows === Math.min(n, shape.rows - start - i * n))).toBe(
            true,
          )
          expect(parts.flatMap((p) => [...p.values])).toEqual(
            expected(m, start, shape.rows, subset).values,
          )
          expect(parts.flatMap((p) => p.nocalls)).toEqual(
            expected(m, start, shape.rows, subset).nocalls,
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  it("lists, for a full decode, each row's common value and the columns off it as runs of one value", async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        layoutArb,
        fc.integer({ min: 1, max: 9 }),
        async (shape, layout, n) => {
          const m = makeMatrix(shape)
          const bytes = await encodeMatrix(rowsOf(m), {
            path: 0,
            haplotypes: shape.haplotypes,
            ...layout,
          })
          const start = Math.min(3, shape.rows)
          for await (const s of blobReader(bytes).slices({ start, sliceRows: n })) {
            const sp = s.sparse!
            for (let r = 0; r < s.rows; r++) {
              const row = m.values[s.start + r]!
              // the row rebuilt from the common value and the runs equals the input row
              const rebuilt = new Array<number>(shape.haplotypes).fill(sp.common[r]!)
              const listed = new Set<number>()
              for (let k = sp.runs[r]!; k < sp.runs[r + 1]!; k++)
                for (let i = k > 0 ? sp.end[k - 1]! : 0; i < sp.end[k]!; i++) {
                  rebuilt[sp.columns[i]!] = sp.value[k]!
                  listed.add(sp.columns[i]!)
                }
              expect(rebuilt).toEqual(row)
              // each column at most once, none with the common value, and that value the most held
              const first = sp.runs[r]!
              const last = sp.runs[r + 1]!
              const from = first > 0 ? sp.end[first - 1]! : 0
              expect(listed.size).toBe(last > first ? sp.end[last - 1]! - from : 0)
              const count = (v: number) => row.filter((x) => x === v).length
              expect(row.every((x) => count(x) <= count(sp.common[r]!))).toBe(true)
              for (const x of listed) expect(row[x]).not.toBe(sp.common[r])
            }
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('starts a decode at an order an earlier walk kept, and decodes the same rows from it', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        // checkpoints sparser than the kept orders, mostly
        fc.record({
          checkpointRows: fc.integer({ min: 1, max: 16 }),
          chunkBytes: fc.constantFrom(1, 16, 200, 0xff00),
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(1, 3, 1 << 20),
        fc.integer(),
        async (shape, layout, stride, capacity, seed) => {
          const m = makeMatrix(shape)
          const bytes = await encode(m, layout.checkpointRows, layout.chunkBytes)
          // readers of one file share the cache, as a store's do; reads are logged
          const orders: OrderCache = new Lru(capacity)
          const { file, reads } = loggedFile(bytes)
          const reader = () => new MatrixReader(file, { orders, orderStride: stride })
          const all = Array.from({ length: shape.haplotypes }, (_, h) => h)
          const random = seededRandom(seed)
          for (let k = 0; k < 8; k++) {
            const a = Math.floor(random() * (shape.rows + 1))
            const b = a + Math.floor(random() * (shape.rows - a + 1))
            const subset = k % 3 === 2 ? all.filter(() => random() < 0.2) : all
            const got = await reader().decode({ start: a, end: b, haplotypes: subset })
            expect(plainSlice(got)).toEqual(expected(m, a, b, subset))
          }
          // after a full walk, a fresh reader starts a step at the kept order before it: its first
          // read of chunks is of the chunk holding that row, past the checkpoint's
          await reader().decode()
          const index = await reader().index()
          const row = shape.rows - 1
          const checkpointRow = Math.max(
            0,
            ...index.chunks.filter((c) => c.checkpoint && c.firstRow <= row).map((c) => c.firstRow),
          )
          const kept = row - (row % stride)
          if (row >= 0 && capacity > 1 && kept > checkpointRow) {
            const fresh = reader()
            await fresh.index()
            reads.length = 0
            expect(plainSlice(await fresh.decode({ start: row, end: row + 1 }))).toEqual(
              expected(m, row, row + 1, all),
            )
            const holding = index.chunks.findLast((c) => c.firstRow <= kept)!
            expect(reads[0]![0]).toBe(holding.offset)
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  it("walks a few haplotypes through the second visit's decoded runs the same as through the bytes", async () => {
    let kept = 0
    await fc.assert(
      fc.asyncProperty(
        traceShapeArb,
        layoutArb,
        fc.constantFrom(1, 1 << 20),
        fc.boolean(),
        fc.integer(),
        async (shape, layout, capacity, withOrders, seed) => {
          const m = makeMatrix(shape)
          const bytes = await encode(m, layout.checkpointRows, layout.chunkBytes)
          // readers of one file share the caches, as a store's do
          const runs: RunCache = new Lru(capacity)
          const orders: OrderCache | undefined = withOrders ? new Lru(1 << 20) : undefined
          const { file } = loggedFile(bytes)
          const reader = new MatrixReader(file, { runs, orders, orderStride: 4 })
          const random = seededRandom(seed)
          // few enough haplotypes that they are followed through the runs, not gathered
          const few = () =>
            Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
              Math.floor(random() * shape.haplotypes),
            ).filter((h, i, a) => a.indexOf(h) === i)
          for (let k = 0; k < 10; k++) {
            const a = Math.floor(random() * shape.rows)
            const b = k % 2 ? shape.rows : a + Math.floor(random() * (shape.rows - a + 1))
            const subset = few()
            const got = await reader.decode({ start: a, end: b, haplotypes: subset })
            expect(plainSlice(got)).toEqual(expected(m, a, b, subset))
          }
          kept += runs.size
        },
      ),
      { numRuns: 60 },
    )
    // the decoded runs were read, not only made (alleles past 65,535 are walked from the bytes)
    expect(kept).toBeGreaterThan(0)
  })

  it('decodes a few rows after a long walk the same, traced back or walked, with their rare values listed', async () => {
    await fc.assert(
      fc.asyncProperty(
        traceShapeArb,
        fc.integer({ min: 33, max: 200 }),
        fc.boolean(),
        fc.integer(),
        async (shape, checkpointRows, cached, seed) => {
          const m = rareMatrix(shape)
          const bytes = await encodeMatrix(rowsOf(m), {
            path: 0,
            haplotypes: shape.haplotypes,
            checkpointRows,
            chunkBytes: 300,
          })
          const orders: OrderCache = new Lru(1 << 20)
          const reader = new MatrixReader(
            { name: 'm.ltcm', handle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])) },
            cached ? { orders, orderStride: 16 } : {},
          )
          if (cached) await reader.decode({ start: 0, end: shape.rows })
          const all = Array.from({ length: shape.haplotypes }, (_, h) => h)
          const random = seededRandom(seed)
          for (let k = 0; k < 6; k++) {
            const a = Math.floor(random() * shape.rows)
            // mostly one row (a site), sometimes up to 8
            const b = Math.min(shape.rows, a + 1 + Math.floor(random() ** 3 * 8))
            const got = await reader.decode({ start: a, end: b })
            expect(plainSlice(got)).toEqual(expected(m, a, b, all))
            // the rare values: the common value plus the listed runs rebuild each row
            const sp = got.sparse!
            for (let r = 0; r < b - a; r++) {
              expect(rebuildRow(sp, r, shape.haplotypes)).toEqual(m.values[a + r])
            }
          }
        },
      ),
      { numRuns: 120 },
    )
  })

  it('with value classes, traces only the haplotypes off the largest class and keeps every class right', async () => {
    // a site's lookup needs only each tile variant's mark: the rows' common splits (0 and 1 in
    // rareMatrix) share a class, so the trace follows just the rare values
    let substituted = 0
    let exactForNocalls = 0
    await fc.assert(
      fc.asyncProperty(
        traceShapeArb,
        fc.integer({ min: 33, max: 200 }),
        fc.integer(),
        async (shape, checkpointRows, seed) => {
          const m = rareMatrix(shape)
          const reader = blobReader(await encode(m, checkpointRows, 300))
          const random = seededRandom(seed)
          for (let k = 0; k < 6; k++) {
            const a = Math.floor(random() * shape.rows)
            const b = Math.min(shape.rows, a + 1 + Math.floor(random() ** 3 * 8))
            // classes of values 0 … 49 (others and −1: class 0), some rows left without
            const classes = new Map<number, Int32Array>()
            for (let r = a; r < b; r++)
              if (random() < 0.8)
                classes.set(
                  r,
                  Int32Array.from({ length: 1 + Math.floor(random() * 50) }, (_, v) =>
                    v < 2 ? 0 : random() < 0.6 ? 0 : 1 + Math.floor(random() * 2),
                  ),
                )
            const classOf = (r: number, v: number) => {
              const c = classes.get(r)
              return c && v >= 0 && v < c.length ? c[v]! : 0
            }
            const got = await reader.decode({ start: a, end: b, classes })
            const want = expected(m, a, b, got.haplotypes.length ? [...got.haplotypes] : [])
            const sp = got.sparse!
            for (let r = 0; r < b - a; r++) {
              const row = [...got.values.subarray(r * shape.haplotypes, (r + 1) * shape.haplotypes)]
              expect(rebuildRow(sp, r, shape.haplotypes)).toEqual(row)
              for (let x = 0; x < shape.haplotypes; x++) {
                const truth = m.values[a + r]![x]!
                const value = row[x]!
                expect(classOf(a + r, value)).toBe(classOf(a + r, truth))
                // a value given for another is its row's common one
                if (value !== truth) {
                  expect(value).toBe(sp.common[r])
                  substituted++
                }
              }
            }
            // no-call entries in the rows: every value is the haplotype's own
            expect(got.nocalls).toEqual(want.nocalls)
            if (got.nocalls.length) {
              expect([...got.values]).toEqual(want.values)
              exactForNocalls++
            }
          }
        },
      ),
      { numRuns: 80 },
    )
    expect(substituted).toBeGreaterThan(0)
    expect(exactForNocalls).toBeGreaterThan(0)
  })

  it('walks back from the next checkpoint when it is nearer, for any range and subset, keeping orders on the way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          haplotypes: fc.integer({ min: 2, max: 90 }),
          rows: fc.integer({ min: 60, max: 200 }),
          seed: fc.integer(),
          alleles: fc.constantFrom(2, 6, 40, 70_000),
          nocallRate: fc.constantFrom(0, 0.02),
        }),
        fc.integer({ min: 40, max: 120 }),
        fc.constantFrom(1, 300, 0xff00),
        fc.boolean(),
        fc.integer(),
        async (shape, checkpointRows, chunkBytes, cached, seed) => {
          const m = makeMatrix(shape)
          const orders: OrderCache = new Lru(1 << 20)
          const reader = new MatrixReader(
            loggedFile(await encode(m, checkpointRows, chunkBytes)).file,
            cached ? { orders, orderStride: 8 } : {},
          )
          const all = Array.from({ length: shape.haplotypes }, (_, h) => h)
          const random = seededRandom(seed)
          for (let k = 0; k < 6; k++) {
            // rows just before a checkpoint: the walk back is the shorter
            const c = checkpointRows * (1 + Math.floor(random() * (shape.rows / checkpointRows)))
            const a = Math.max(0, Math.min(shape.rows - 1, c - 1 - Math.floor(random() * 12)))
            const b = Math.min(shape.rows, a + 1 + Math.floor(random() * 30))
            const subset = k % 2 ? all.filter(() => random() < 0.3) : all
            const got = await reader.decode({ start: a, end: b, haplotypes: subset })
            expect(plainSlice(got)).toEqual(expected(m, a, b, subset))
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  it('walks back from an order a walk back kept, rather than from the checkpoint after it', async () => {
    const m = makeMatrix({ haplotypes: 60, rows: 150, seed: 3, alleles: 6, nocallRate: 0 })
    const orders: OrderCache = new Lru(1 << 20)
    const { file, reads } = loggedFile(await encode(m, 100, 200))
    const reader = () => new MatrixReader(file, { orders, orderStride: 16 })
    const all = Array.from({ length: 60 }, (_, h) => h)
    const subset = [5, 17, 40]
    // rows 90 … 99 walked back from the checkpoint at 100, keeping the order before row 96
    expect(plainSlice(await reader().decode({ start: 90, end: 92, haplotypes: subset }))).toEqual(
      expected(m, 90, 92, subset),
    )
    expect(orders.size).toBe(1)
    const index = await reader().index()
    const checkpoint = index.chunks.find((c) => c.checkpoint && c.firstRow === 100)!
    const fresh = reader()
    await fresh.index()
    reads.length = 0
    expect(plainSlice(await fresh.decode({ start: 85, end: 86 }))).toEqual(expected(m, 85, 86, all))
    // from the kept order: the checkpoint's chunk is not read
    expect(reads.length).toBeGreaterThan(0)
    for (const [at, length] of reads) expect(at + length).toBeLessThanOrEqual(checkpoint.offset)
  })

  it('traces a first visit from a checkpoint, and walks (keeping orders) on the second', async () => {
    const m = rareMatrix({ haplotypes: 120, rows: 150, seed: 7, alleles: 40, nocallRate: 0 })
    const orders: OrderCache = new Lru(1 << 20)
    const reader = new MatrixReader(loggedFile(await encode(m, 200, 300)).file, {
      orders,
      orderStride: 16,
    })
    const all = Array.from({ length: 120 }, (_, h) => h)
    expect(plainSlice(await reader.decode({ start: 140, end: 141 }))).toEqual(
      expected(m, 140, 141, all),
    )
    expect(orders.size).toBe(0)
    expect(plainSlice(await reader.decode({ start: 141, end: 142 }))).toEqual(
      expected(m, 141, 142, all),
    )
    // the walk kept the orders before rows 16, 32, …, 128 (row 0's is the file's)
    expect(orders.size).toBe(8)
  })

  it('reads segments side by side as one matrix (columns concatenated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb.filter((s) => s.haplotypes >= 2),
        fc.integer(),
        async (shape, seed) => {
          const m = makeMatrix(shape)
          const random = seededRandom(seed)
          // cut the columns into 1–4 segments, each written on its own with its own layout
          const cuts = [0, shape.haplotypes]
          for (let k = Math.floor(random() * 4); k > 0; k--)
            cuts.push(1 + Math.floor(random() * (shape.haplotypes - 1)))
          const bounds = [...new Set(cuts)].sort((a, b) => a - b)
          const segments: MatrixReader[] = []
          for (let s = 0; s + 1 < bounds.length; s++) {
            const [lo, hi] = [bounds[s]!, bounds[s + 1]!]
            const rows = m.values.map((v, r) => ({
              values: v.slice(lo, hi),
              nocalls: [...m.nocalls[r]!]
                .filter(([h]) => h >= lo && h < hi)
                .map(([h, runs]) => [h - lo, runs] as const),
            }))
            const checkpointRows = 1 + Math.floor(random() * 6)
            const bytes = await encodeMatrix(rows, { path: 3, haplotypes: hi - lo, checkpointRows })
            segments.push(blobReader(bytes, `segment${s}.ltcm`))
          }
          const matrix = new SegmentedMatrix(segments)
          expect(await matrix.info()).toEqual({
            path: 3,
            rows: shape.rows,
            haplotypes: shape.haplotypes,
          })
          const all = Array.from({ length: shape.haplotypes }, (_, h) => h)
          expect(plainSlice(await matrix.decode())).toEqual(expected(m, 0, shape.rows, all))
          const subset = all.filter(() => random() < 0.4).sort(() => random() - 0.5)
          const a = Math.floor(random() * (shape.rows + 1))
          expect(plainSlice(await matrix.decode({ start: a, haplotypes: subset }))).toEqual(
            expected(m, a, shape.rows, subset),
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  it('tallies each row by class and value as counting the decoded rows does, one file or segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb.filter((s) => s.haplotypes >= 2 && s.alleles <= 40),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        async (shape, classes, seed) => {
          const m = makeMatrix(shape)
          const random = seededRandom(seed)
          const classOf = Int32Array.from(
            { length: shape.haplotypes },
            () => Math.floor(random() * (classes + 1)) - 1,
          )
          const symbols = shape.alleles + 1
          // what a user would count: for each row, each class, how many haplotypes hold each value
          const want: number[] = []
          for (const row of m.values) {
            const counts = new Array<number>(classes * symbols).fill(0)
            row.forEach((v, h) => {
              if (classOf[h]! >= 0) counts[classOf[h]! * symbols + v + 1]!++
            })
            want.push(...counts)
          }
          const cut = 1 + Math.floor(random() * (shape.haplotypes - 1))
          const part = async (lo: number, hi: number, name: string) =>
            blobReader(
              await encodeMatrix(
                m.values.map((v, r) => ({
                  values: v.slice(lo, hi),
                  nocalls: [...m.nocalls[r]!]
                    .filter(([h]) => h >= lo && h < hi)
                    .map(([h, runs]) => [h - lo, runs] as const),
                })),
                { path: 3, haplotypes: hi - lo, checkpointRows: 1 + Math.floor(random() * 6) },
              ),
              name,
            )
          const one = await part(0, shape.haplotypes, 'one.ltcm')
          const two = new SegmentedMatrix([
            await part(0, cut, 'a.ltcm'),
            await part(cut, shape.haplotypes, 'b.ltcm'),
          ])
          const tally = { classOf, count: classes, symbols }
          for (const matrix of [one, two]) {
            const got: number[] = []
            let nocalls = 0
            for await (const slice of matrix.slices({
              tally,
              sliceRows: 1 + Math.floor(random() * 5),
            })) {
              got.push(...slice.values)
              nocalls += slice.nocalls.length
            }
            expect(got).toEqual(want)
            expect(nocalls).toBe(m.nocalls.reduce((a, n) => a + n.size, 0))
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  it('orders of more than 65,536 haplotypes (held in 32 bits): walks, kept orders, traces', async () => {
    const h = 70_001
    const m = rareMatrix({ haplotypes: h, rows: 90, seed: 11, alleles: 5, nocallRate: 0 })
    const bytes = await encode(m, 40, 0xff00)
    const orders: OrderCache = new Lru(1 << 26)
    const reader = new MatrixReader(loggedFile(bytes).file, { orders, orderStride: 8 })
    const check = async (start: number, end: number, haplotypes?: number[]) => {
      const got = await reader.decode({ start, end, ...(haplotypes ? { haplotypes } : {}) })
      const cols = haplotypes ?? Array.from({ length: h }, (_, x) => x)
      for (let r = start; r < end; r++)
        cols.forEach((x, i) => {
          if (got.values[(r - start) * cols.length + i] !== m.values[r]![x])
            expect.fail(`row ${r}, haplotype ${x}`)
        })
    }
    // first visits: traces (ahead and back), walks back and forward; a long walk keeps orders,
    // which later decodes start from
    await check(75, 76)
    await check(45, 46)
    await check(75, 76)
    await check(70, 72, [0, 65_536, 70_000, 12])
    await check(0, 90, [65_537, 3])
    await check(10, 60)
    expect(orders.size).toBeGreaterThan(0)
    await check(33, 34)
    await check(57, 58)
  })

  it('rows where every haplotype has its own variant, up to 2^31 - 2', async () => {
    const random = seededRandom(4)
    const m = makeMatrix({ haplotypes: 300, rows: 6, seed: 4, alleles: 2, nocallRate: 0 })
    m.values[2] = m.values[2]!.map((_, h) => h * 7_000_000)
    m.values[3] = m.values[3]!.map(() => Math.floor(random() * 2 ** 31) - 1)
    m.values[4] = m.values[4]!.map((_, h) => 299 - h)
    const bytes = await encodeMatrix(rowsOf(m), { path: 0, haplotypes: 300, checkpointRows: 4 })
    const all = Array.from({ length: 300 }, (_, h) => h)
    const reader = blobReader(bytes)
    expect(plainSlice(await reader.decode())).toEqual(expected(m, 0, 6, all))
    expect(plainSlice(await reader.decode({ start: 3, haplotypes: [7, 250] }))).toEqual(
      expected(m, 3, 6, [7, 250]),
    )
  })

  it('runs longer than 2,047 haplotypes (heads of three bytes)', async () => {
    const m = makeMatrix({ haplotypes: 5000, rows: 5, seed: 8, alleles: 3, nocallRate: 0.001 })
    m.values[0] = m.values[0]!.map((_, h) => (h < 3000 ? 0 : 1))
    m.values[1] = m.values[1]!.map((_, h) => (h < 2500 ? 9 : -1))
    const bytes = await encodeMatrix(rowsOf(m), { path: 0, haplotypes: 5000, checkpointRows: 2 })
    const all = Array.from({ length: 5000 }, (_, h) => h)
    const reader = blobReader(bytes)
    expect(plainSlice(await reader.decode())).toEqual(expected(m, 0, 5, all))
    expect(plainSlice(await reader.decode({ start: 1, haplotypes: [4999, 0, 2500] }))).toEqual(
      expected(m, 1, 5, [4999, 0, 2500]),
    )
  })

  it('refuses segments of different paths or row counts, naming the file', async () => {
    const one = await encodeMatrix([{ values: [0, 1] }], { path: 1, haplotypes: 2 })
    const two = await encodeMatrix([{ values: [0] }, { values: [1] }], { path: 1, haplotypes: 1 })
    const matrix = new SegmentedMatrix([blobReader(one, 'a.ltcm'), blobReader(two, 'b.ltcm')])
    await expect(matrix.decode()).rejects.toThrow(/^b\.ltcm: segment 1 is path 1 with 2 rows/)
  })

  it('rejects bad requests and bad rows with an ArgumentError', async () => {
    const bytes = await encodeMatrix([{ values: [0, 1, 2] }], { path: 0, haplotypes: 3 })
    const reader = blobReader(bytes)
    await expect(reader.decode({ haplotypes: [3] })).rejects.toThrow(ArgumentError)
    await expect(reader.decode({ haplotypes: [1, 1] })).rejects.toThrow(ArgumentError)
    await expect(reader.decode({ start: 0, end: 2 })).rejects.toThrow(ArgumentError)
    const write = (values: number[], nocalls?: [number, number[]][]) =>
      encodeMatrix([{ values, ...(nocalls ? { nocalls } : {}) }], { path: 0, haplotypes: 3 })
    await expect(write([0, 1])).rejects.toThrow(/has 2 values, the matrix has 3 haplotypes/)
    await expect(write([0, -2, 0])).rejects.toThrow(/haplotype 1: value -2 is not an integer/)
    await expect(write([0, 0, 0], [[3, [1, 2]]])).rejects.toThrow(ArgumentError)
    await expect(write([0, 0, 0], [[0, [1]]])).rejects.toThrow(/pairs/)
  })
})

// --- the worked example of docs/cohort-matrix.md -------------------------------------------

const EXAMPLE: MatrixRow[] = [
  { values: [0, 0, 1, 0, 1, 0] },
  { values: [0, 0, 0, 0, 0, 0] },
  { values: [0, 2, 1, 0, 1, 9], nocalls: [[1, [10, 5]]] },
  { values: [0, 0, 0, 0, 0, -1] },
]

/** The BGZF blocks of one chunk, inflated (each block's payload starts after its 18-byte header). */
function inflateChunk(bytes: Uint8Array, offset: number, length: number): number[] {
  const out: number[] = []
  for (let at = offset; at < offset + length;) {
    const size = bytes[at + 16]! + 256 * bytes[at + 17]! + 1
    out.push(...inflateRawSync(bytes.subarray(at + 18, at + size - 8)))
    at += size
  }
  return out
}

describe('the worked example of the spec', () => {
  it('has the payload, index and trailer bytes the spec derives by hand', async () => {
    const bytes = await encodeMatrix(EXAMPLE, { path: 3, haplotypes: 6, checkpointRows: 2 })
    expect([...bytes.subarray(0, 8)]).toEqual([0x4c, 0x54, 0x43, 0x4d, 1, 0, 0, 0])
    const trailer = bytes.subarray(bytes.length - 16)
    const view = new DataView(trailer.buffer, trailer.byteOffset)
    const indexLength = view.getUint32(0, true)
    expect([...trailer.subarray(8)]).toEqual([0x4c, 0x54, 0x43, 0x4d, 1, 0, 0, 0])
    const index = [...bytes.subarray(bytes.length - 16 - indexLength, bytes.length - 16)]
    // path 3, 4 rows, 6 haplotypes, 2 chunks; each chunk: rows·2 + checkpoint, BGZF bytes, payload
    const [c0, c1] = [index[5]!, index[8]!]
    expect(index).toEqual([0x03, 0x04, 0x06, 0x02, 0x05, c0, 13, 0x05, c1, 20])
    expect(8 + c0 + c1 + indexLength + 16).toBe(bytes.length)
    expect(inflateChunk(bytes, 8, c0)).toEqual(
      // order a0 | no-call section length | row 0 runs | row 1 runs
      [0, 1, 2, 3, 4, 5, 0, 0x11, 0x0a, 0x09, 0x0a, 0x01, 0x01],
    )
    expect(inflateChunk(bytes, 8 + c0, c1)).toEqual([
      ...[0, 1, 3, 5, 2, 4], // order a2
      ...[0x05, 0x00, 0x01, 0x01, 0x0a, 0x05], // no-calls: row +0, haplotype 1, one pair (10, 5)
      ...[0x09, 0x0b, 0x09, 0x0f, 0x03, 0x02], // row 2
      ...[0x29, 0x00], // row 3
    ])
    const decoded = await blobReader(bytes).decode()
    expect([...decoded.values]).toEqual(EXAMPLE.flatMap((r) => [...(r.values as number[])]))
    expect(decoded.nocalls).toEqual([{ row: 2, column: 1, runs: [10, 5] }])
  })
})

// --- files: writer, HTTP, damage -----------------------------------------------------------

describe('cohort matrix files', () => {
  let dir: string
  let server: StaticServer
  const m = makeMatrix({ haplotypes: 37, rows: 300, seed: 5, alleles: 40, nocallRate: 0.01 })
  const layout = { path: 0x2a, haplotypes: 37, checkpointRows: 64, chunkBytes: 500 }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'matrix-'))
    server = await serveDirectory(dir)
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the streaming writer writes the bytes encodeMatrix makes, through a temporary file', async () => {
    const target = join(dir, 'm.ltcm')
    const w = await MatrixWriter.create(target, layout)
    for (const row of rowsOf(m)) await w.addRow(row.values, row.nocalls)
    expect(w.rows).toBe(300)
    expect(existsSync(target)).toBe(false)
    await w.close()
    expect(new Uint8Array(readFileSync(target))).toEqual(await encodeMatrix(rowsOf(m), layout))
    expect(readdirSync(dir)).toEqual(['m.ltcm'])
  })

  it('a failed or aborted write leaves the file that was there', async () => {
    const target = join(dir, 'keep.ltcm')
    writeFileSync(target, 'old')
    const w = await MatrixWriter.create(target, layout)
    await w.addRow(m.values[0]!)
    await expect(w.addRow([1, 2, 3])).rejects.toThrow(ArgumentError)
    await w.abort()
    expect(readFileSync(target, 'utf8')).toBe('old')
    expect(readdirSync(dir).sort()).toEqual(['keep.ltcm', 'm.ltcm'])
    rmSync(target)
  })

  it('over HTTP answers as from a Blob, each step range in one ranged read', async () => {
    const bytes = readFileSync(join(dir, 'm.ltcm'))
    const ranges = [
      [0, 300],
      [0, 1],
      [299, 300],
      [100, 180],
      [64, 65],
    ] as const
    for (const [start, end] of ranges)
      for (const haplotypes of [undefined, [3, 30, 1], [36]]) {
        const remote = new MatrixReader({
          name: `${server.url}/m.ltcm`,
          handle: new RemoteFile(`${server.url}/m.ltcm`),
        })
        await remote.info()
        server.reset()
        const opts = { start, end, ...(haplotypes ? { haplotypes } : {}) }
        const got = await remote.decode(opts)
        expect(server.requests).toBe(1)
        expect(got).toEqual(await blobReader(bytes).decode(opts))
        expect(plainSlice(got)).toEqual(
          expected(m, start, end, haplotypes ?? Array.from({ length: 37 }, (_, h) => h)),
        )
      }
  })

  it('damage: every truncation and every flipped bit gives a FormatError or the right answer', async () => {
    const small = makeMatrix({ haplotypes: 5, rows: 12, seed: 9, alleles: 9, nocallRate: 0.1 })
    const bytes = await encodeMatrix(rowsOf(small), {
      path: 1,
      haplotypes: 5,
      checkpointRows: 4,
      chunkBytes: 8,
    })
    const want = plainSlice(await blobReader(bytes).decode())
    const outcome = async (damaged: Uint8Array) => {
      try {
        return plainSlice(await blobReader(damaged, 'bad.ltcm').decode())
      } catch (err) {
        expect(err).toBeInstanceOf(FormatError)
        const e = err as FormatError
        expect(e.file).toBe('bad.ltcm')
        expect(e.offset).toBeGreaterThanOrEqual(0)
        expect(e.offset).toBeLessThanOrEqual(damaged.length)
        expect(e.message).toMatch(/^bad\.ltcm, offset \d+: /)
        return 'error'
      }
    }
    for (let n = 0; n < bytes.length; n++) expect(await outcome(bytes.slice(0, n))).toBe('error')
    let errors = 0
    for (let at = 0; at < bytes.length; at++)
      for (const bit of [0, 3, 7]) {
        const damaged = bytes.slice()
        damaged[at]! ^= 1 << bit
        const got = await outcome(damaged)
        if (got === 'error') errors++
        else expect(got).toEqual(want)
      }
    // only bytes no reader looks at (BGZF MTIME, XFL, OS) may change without an error
    expect(errors).toBeGreaterThan(3 * bytes.length * 0.8)
  })

  it('names the file and offset for a file that is not a matrix', async () => {
    writeFileSync(join(dir, 'not.ltcm'), 'hello, this is not a cohort matrix at all')
    const reader = new MatrixReader({
      name: 'not.ltcm',
      handle: new LocalFile(join(dir, 'not.ltcm')),
    })
    await expect(reader.decode()).rejects.toThrow(
      'not.ltcm, offset 0: not a cohort matrix: the file does not start with "LTCM"',
    )
  })
})
