// One CGF v3 PathStruct (spec §10.3): parsed from its bytes with every size checked, decoded to
// typed arrays in one pass over the cache words, or read one step at a time through the
// 128-element samples of the no-call vectors.
import { ArgumentError, FormatError } from '../../core/errors.js'
import { formatPath } from '../../core/tileId.js'
import type { Band } from '../band/band.js'
import type { Origin } from './sdsl/bits.js'
import { readU64 } from './sdsl/intVector.js'
import { parseEncVector, parseVlcVector } from './sdsl/vectors.js'
import type { EncVector, VlcVector } from './sdsl/vectors.js'
import type { TileMapEntry } from './tileMap.js'

const LOQ_NONANCHOR = 2 ** 30

/** A whole path decoded to arrays. Bit words: bit i of word k is step 32k + i. */
export interface DecodedPath {
  path: number
  /** NTileStep */
  n: number
  /** variant per step, -1 for a non-anchor step of a spanning tile */
  variantsA: Int32Array
  variantsB: Int32Array
  /** Loq bits: the step is in a low-quality knot */
  loq: Uint32Array
  /** Span bits: the step is in a multi-step knot */
  span: Uint32Array
  /** high-quality steps with both alleles variant 0, span 1 */
  canonical: Uint32Array
  /** the low-quality steps, ascending */
  loqSteps: Uint32Array
  /** no-call runs of loqSteps[k] on allele A: nocRunsA[nocIndexA[k] .. nocIndexA[k+1]) as (start, length) pairs */
  nocIndexA: Uint32Array
  nocRunsA: Uint32Array
  nocIndexB: Uint32Array
  nocRunsB: Uint32Array
}

/** One step of one path. */
export interface StepAlleles {
  step: number
  /** variants of allele A and B (-1 = non-anchor step of a spanning tile) */
  variants: [number, number]
  /** no-call runs per allele, flat (start, length) pairs */
  nocalls: [number[], number[]]
  /** the step is in a low-quality knot */
  loq: boolean
}

interface LoqVectors {
  step: EncVector
  variant: VlcVector
  sum: EncVector
  start: VlcVector
  len: VlcVector
}

const VECTOR_NAMES = [
  'LoqTileStepHom',
  'LoqTileVariantHom',
  'LoqTileNocSumHom',
  'LoqTileNocStartHom',
  'LoqTileNocLenHom',
  'LoqTileStepHet',
  'LoqTileVariantHet',
  'LoqTileNocSumHet',
  'LoqTileNocStartHet',
  'LoqTileNocLenHet',
]

/** Byte layout of a PathStruct's fixed part, computed from its first fields. */
export interface PathStructLayout {
  path: number
  n: number
  nOverflow: number
  nOverflow64: number
  /** offsets relative to the PathStruct start */
  loqAt: number
  spanAt: number
  cacheAt: number
  overflowAt: number
  overflow64At: number
  sizesAt: number
}

/**
 * The layout from the bytes of the fixed fields (TilePath .. ExtraDataSize), or the number of
 * bytes needed when `bytes` is too short. `available` bounds every size against the file.
 */
export function pathStructLayout(
  bytes: Uint8Array,
  origin: Origin,
  available: number,
): PathStructLayout | number {
  if (bytes.length < 12) return 12
  const path = readU64(bytes, 0, origin, 'TilePath')
  const nameLen = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true)
  if (nameLen > available)
    throw new FormatError(`Name length ${nameLen} runs past the end of the file`, {
      file: origin.file,
      offset: origin.base + 8,
    })
  const fixed = 12 + nameLen
  if (bytes.length < fixed + 32) return fixed + 32
  const n = readU64(bytes, fixed, origin, 'NTileStep')
  const nOverflow = readU64(bytes, fixed + 8, origin, 'NOverflow')
  const nOverflow64 = readU64(bytes, fixed + 16, origin, 'NOverflow64')
  const extra = readU64(bytes, fixed + 24, origin, 'ExtraDataSize')
  const bad = (reason: string, at: number) =>
    new FormatError(reason, { file: origin.file, offset: origin.base + at })
  if (nOverflow % 3 !== 0) throw bad(`NOverflow ${nOverflow} is not a multiple of 3`, fixed + 8)
  if (nOverflow64 % 3 !== 0)
    throw bad(`NOverflow64 ${nOverflow64} is not a multiple of 3`, fixed + 16)
  const bv = Math.ceil(n / 8)
  const loqAt = fixed + 32
  const spanAt = loqAt + bv
  const cacheAt = spanAt + bv
  const overflowAt = cacheAt + Math.ceil(n / 32) * 8
  const overflow64At = overflowAt + 2 * nOverflow
  const sizesAt = overflow64At + 8 * nOverflow64 + extra
  if (sizesAt + 80 > available)
    throw bad(
      `NTileStep ${n}, NOverflow ${nOverflow}, NOverflow64 ${nOverflow64} and ExtraDataSize ${extra} ` +
        `need ${sizesAt + 80} bytes, the file has ${available} left`,
      fixed,
    )
  return {
    path,
    n,
    nOverflow,
    nOverflow64,
    loqAt,
    spanAt,
    cacheAt,
    overflowAt,
    overflow64At,
    sizesAt,
  }
}

/** Total byte length of the PathStruct, from its layout and the 80 bytes of its 10 sizes. */
export function pathStructLength(
  layout: PathStructLayout,
  sizes: Uint8Array,
  origin: Origin,
  available: number,
): number {
  const at = { file: origin.file, base: origin.base + layout.sizesAt }
  let end = layout.sizesAt + 80
  for (let k = 0; k < 10; k++) end += readU64(sizes, 8 * k, at, `${VECTOR_NAMES[k]}Size`)
  if (end > available)
    throw new FormatError(`the no-call vectors need ${end} bytes, the file has ${available} left`, {
      file: origin.file,
      offset: origin.base + layout.sizesAt,
    })
  return end
}

function bitWords(bytes: Uint8Array, n: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(n / 32))
  for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << (8 * (i & 3))
  const r = n & 31
  if (r) words[words.length - 1]! &= (1 << r) - 1
  return words
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** A parsed PathStruct. Construction checks the layout; decoding checks the contents. */
export class CgfPath {
  readonly path: number
  readonly n: number
  private readonly layout: PathStructLayout
  private readonly loqWords: Uint32Array
  private readonly spanWords: Uint32Array
  private readonly cache: DataView
  /** Overflow and Overflow64 triples merged: step, variant A, variant B (-1 kept) */
  private readonly overflow: Float64Array
  private readonly hom: LoqVectors
  private readonly het: LoqVectors

  constructor(
    private readonly bytes: Uint8Array,
    private readonly origin: Origin,
    private readonly entries: TileMapEntry[],
  ) {
    const layout = pathStructLayout(bytes, origin, bytes.length)
    if (typeof layout === 'number') throw this.fail('PathStruct is truncated', bytes.length)
    this.layout = layout
    this.path = layout.path
    this.n = layout.n
    this.loqWords = bitWords(bytes.subarray(layout.loqAt, layout.spanAt), this.n)
    this.spanWords = bitWords(bytes.subarray(layout.spanAt, layout.cacheAt), this.n)
    this.cache = new DataView(
      bytes.buffer,
      bytes.byteOffset + layout.cacheAt,
      layout.overflowAt - layout.cacheAt,
    )
    this.overflow = this.readOverflow()
    let at = layout.sizesAt + 80
    const vectors: (EncVector | VlcVector)[] = []
    for (let k = 0; k < 10; k++) {
      const size = readU64(bytes, layout.sizesAt + 8 * k, origin, 'size')
      const what = `${VECTOR_NAMES[k]} of path ${formatPath(this.path)}`
      const enc = k % 5 === 0 || k % 5 === 2
      const parsed = enc
        ? parseEncVector(bytes.subarray(0, at + size), at, origin, what)
        : parseVlcVector(bytes.subarray(0, at + size), at, origin, what)
      if (parsed.end !== at + size)
        throw this.fail(`${what}: declared ${size} bytes, the vector has ${parsed.end - at}`, at)
      vectors.push(parsed.vector)
      at += size
    }
    if (at !== bytes.length) throw this.fail('PathStruct length disagrees with its sizes', at)
    const group = (o: number): LoqVectors => ({
      step: vectors[o] as EncVector,
      variant: vectors[o + 1] as VlcVector,
      sum: vectors[o + 2] as EncVector,
      start: vectors[o + 3] as VlcVector,
      len: vectors[o + 4] as VlcVector,
    })
    this.hom = group(0)
    this.het = group(5)
    this.checkCounts(this.hom, 1, 'Hom')
    this.checkCounts(this.het, 2, 'Het')
  }

  private fail(reason: string, at: number): FormatError {
    return new FormatError(`path ${formatPath(this.path ?? 0)}: ${reason}`, {
      file: this.origin.file,
      offset: this.origin.base + at,
    })
  }

  private checkCounts(g: LoqVectors, sumsPerRecord: number, kind: string): void {
    const records = g.step.length
    const runs = g.sum.length ? g.sum.get(g.sum.length - 1) : 0
    if (
      g.variant.length !== 2 * records ||
      g.sum.length !== sumsPerRecord * records ||
      g.start.length !== runs ||
      g.len.length !== runs
    )
      throw this.fail(
        `Loq ${kind} vectors disagree: ${records} steps, ${g.variant.length} variants, ` +
          `${g.sum.length} sums ending at ${runs}, ${g.start.length} starts, ${g.len.length} lengths`,
        this.layout.sizesAt,
      )
  }

  private readOverflow(): Float64Array {
    const { overflowAt, overflow64At, nOverflow, nOverflow64, sizesAt } = this.layout
    const out = new Float64Array(nOverflow + nOverflow64)
    const dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length)
    for (let i = 0; i < nOverflow; i++) {
      const v = dv.getUint16(overflowAt + 2 * i, true)
      out[i] = v === 0xffff ? -1 : v
    }
    for (let i = 0; i < nOverflow64; i++) {
      const at = overflow64At + 8 * i
      const lo = dv.getUint32(at, true)
      const hi = dv.getUint32(at + 4, true)
      if (lo === 0xffffffff && hi === 0xffffffff) out[nOverflow + i] = -1
      else
        out[nOverflow + i] = readU64(this.bytes.subarray(0, sizesAt), at, this.origin, 'Overflow64')
    }
    // each table lists steps in increasing order (binary search relies on it)
    for (let i = 0; i < out.length; i += 3) {
      const t = out[i]!
      const first = i === 0 || i === nOverflow
      if (!(t >= 0 && t < this.n) || (!first && t <= out[i - 3]!))
        throw this.fail(
          `Overflow entry ${i / 3} names step ${t}: out of order or past step ${this.n - 1}`,
          i < nOverflow ? overflowAt + 2 * i : overflow64At + 8 * (i - nOverflow),
        )
    }
    return out
  }

  private isBit(words: Uint32Array, t: number): boolean {
    return ((words[t >> 5]! >>> (t & 31)) & 1) === 1
  }

  /** Overflow triple index for step t, or -1 (binary search in each sorted table). */
  private findOverflow(t: number): number {
    const tables: [number, number][] = [
      [0, this.layout.nOverflow / 3],
      [this.layout.nOverflow / 3, (this.layout.nOverflow + this.layout.nOverflow64) / 3],
    ]
    for (const [from, to] of tables) {
      let lo = from
      let hi = to - 1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        const s = this.overflow[3 * mid]!
        if (s === t) return mid
        if (s < t) lo = mid + 1
        else hi = mid - 1
      }
    }
    return -1
  }

  /** Decode the whole path to arrays (spec §10.8). */
  decode(): DecodedPath {
    const n = this.n
    const blocks = Math.ceil(n / 32)
    const A = new Int32Array(n)
    const B = new Int32Array(n)
    const canonical = new Uint32Array(blocks)
    const needs: number[] = []
    const entries = this.entries
    for (let k = 0; k < blocks; k++) {
      const hexits = this.cache.getUint32(8 * k, true)
      const c = this.cache.getUint32(8 * k + 4, true)
      const valid = k === blocks - 1 && n & 31 ? (1 << (n & 31)) - 1 : -1
      const L = this.loqWords[k]!
      canonical[k] = c & ~this.spanWords[k]! & ~L & valid
      let cand = ~c & ~L & valid
      for (let h = 0; cand !== 0; h++) {
        const low = cand & -cand
        cand ^= low
        const t = 32 * k + 31 - Math.clz32(low)
        const v = h < 8 ? (hexits >>> (4 * h)) & 15 : 15
        if (v === 15) {
          needs.push(t)
          continue
        }
        const e = entries[v]
        if (!e)
          throw this.fail(
            `hexit ${v} at step ${t} names a missing tile-map entry`,
            this.layout.cacheAt + 8 * k,
          )
        if (t + e.a.length > n)
          throw this.fail(
            `tile-map entry ${v} at step ${t} runs past step ${n}`,
            this.layout.cacheAt + 8 * k,
          )
        A.set(e.a, t)
        B.set(e.b, t)
      }
    }
    const ov = this.overflow
    for (let i = 0; i < ov.length; i += 3) {
      A[ov[i]!] = ov[i + 1]!
      B[ov[i]!] = ov[i + 2]!
    }
    for (const t of needs)
      if (this.findOverflow(t) < 0)
        throw this.fail(
          `step ${t} is marked for Overflow but has no Overflow entry`,
          this.layout.overflowAt,
        )
    return {
      path: this.path,
      n,
      variantsA: A,
      variantsB: B,
      loq: this.loqWords.slice(),
      span: this.spanWords.slice(),
      canonical,
      ...this.decodeLoq(A, B),
    }
  }

  private decodeLoq(A: Int32Array, B: Int32Array) {
    const load = (g: LoqVectors) => ({
      step: g.step.toArray(),
      variant: g.variant.toArray(),
      sum: g.sum.toArray(),
      start: g.start.toArray(),
      len: g.len.toArray(),
    })
    const hom = load(this.hom)
    const het = load(this.het)
    const total = hom.step.length + het.step.length
    let bits = 0
    for (const w of this.loqWords) bits += popcount(w)
    if (bits !== total)
      throw this.fail(`${bits} Loq bits but ${total} Loq records`, this.layout.loqAt)
    const loqSteps = new Uint32Array(total)
    const nocIndexA = new Uint32Array(total + 1)
    const nocIndexB = new Uint32Array(total + 1)
    const nocRunsA = new Uint32Array(2 * (hom.start.length + het.start.length))
    const nocRunsB = new Uint32Array(2 * (hom.start.length + het.start.length))
    let ra = 0
    let rb = 0
    let i = 0
    let j = 0
    let prev = -1
    const copy = (g: typeof hom, from: number, to: number, runs: Uint32Array, at: number) => {
      for (let p = from; p < to; p++) {
        runs[at++] = g.start[p]!
        runs[at++] = g.len[p]!
      }
      return at
    }
    for (let k = 0; k < total; k++) {
      const useHom = j >= het.step.length || (i < hom.step.length && hom.step[i]! < het.step[j]!)
      const g = useHom ? hom : het
      const r = useHom ? i++ : j++
      const t = g.step[r]!
      if (t <= prev || t >= this.n || !this.isBit(this.loqWords, t))
        throw this.fail(
          `Loq record at step ${t} is out of order, repeated or not a Loq step`,
          this.layout.sizesAt,
        )
      prev = t
      loqSteps[k] = t
      const va = g.variant[2 * r]!
      const vb = g.variant[2 * r + 1]!
      A[t] = va === LOQ_NONANCHOR ? -1 : va
      B[t] = vb === LOQ_NONANCHOR ? -1 : vb
      if (useHom) {
        const from = r > 0 ? g.sum[r - 1]! : 0
        ra = copy(g, from, g.sum[r]!, nocRunsA, ra)
        rb = copy(g, from, g.sum[r]!, nocRunsB, rb)
      } else {
        const from = r > 0 ? g.sum[2 * r - 1]! : 0
        ra = copy(g, from, g.sum[2 * r]!, nocRunsA, ra)
        rb = copy(g, g.sum[2 * r]!, g.sum[2 * r + 1]!, nocRunsB, rb)
      }
      nocIndexA[k + 1] = ra
      nocIndexB[k + 1] = rb
    }
    return {
      loqSteps,
      nocIndexA,
      nocRunsA: nocRunsA.slice(0, ra),
      nocIndexB,
      nocRunsB: nocRunsB.slice(0, rb),
    }
  }

  /** One step, decoding only what it needs (one sample block of each no-call vector). */
  alleles(step: number): StepAlleles {
    if (!Number.isInteger(step) || step < 0 || step >= this.n)
      throw new ArgumentError(
        `step ${step} is outside path ${formatPath(this.path)} (0..${this.n - 1})`,
      )
    if (this.isBit(this.loqWords, step)) return this.loqAlleles(step)
    const canon = (t: number) =>
      ((this.cache.getUint32(8 * (t >> 5) + 4, true) >>> (t & 31)) & 1) === 1
    if (canon(step) && !this.isBit(this.spanWords, step))
      return { step, variants: [0, 0], nocalls: [[], []], loq: false }
    // the anchor of the knot: the nearest high-quality step at or before that is not canonical
    let anchor = step
    while (anchor >= 0 && (canon(anchor) || this.isBit(this.loqWords, anchor))) anchor--
    if (anchor < 0) throw this.fail(`step ${step} belongs to no knot`, this.layout.cacheAt)
    const k = anchor >> 5
    const i = anchor & 31
    const c = this.cache.getUint32(8 * k + 4, true)
    const cand = ~c & ~this.loqWords[k]! & ((2 ** i - 1) | 0)
    const slot = popcount(cand)
    let a: number | undefined
    let b: number | undefined
    const v = slot < 8 ? (this.cache.getUint32(8 * k, true) >>> (4 * slot)) & 15 : 15
    const e = v === 15 ? undefined : this.entries[v]
    if (e && step - anchor < e.a.length) {
      a = e.a[step - anchor]
      b = e.b[step - anchor]
    }
    const o = this.findOverflow(step)
    if (o >= 0) {
      a = this.overflow[3 * o + 1]
      b = this.overflow[3 * o + 2]
    }
    if (a === undefined || b === undefined)
      throw this.fail(
        `step ${step} has neither a tile-map entry nor an Overflow entry`,
        this.layout.overflowAt,
      )
    return { step, variants: [a, b], nocalls: [[], []], loq: false }
  }

  private loqAlleles(step: number): StepAlleles {
    const runs = (g: LoqVectors, from: number, to: number) => {
      if (!(from <= to))
        throw this.fail(`Loq run sums decrease at step ${step}`, this.layout.sizesAt)
      const s = g.start.range(from, to)
      const l = g.len.range(from, to)
      return s.flatMap((x, p) => [x, l[p]!])
    }
    const variant = (x: number) => (x === LOQ_NONANCHOR ? -1 : x)
    let r = this.hom.step.indexOf(step)
    if (r >= 0) {
      const g = this.hom
      const list = runs(g, r > 0 ? g.sum.get(r - 1) : 0, g.sum.get(r))
      return {
        step,
        variants: [variant(g.variant.get(2 * r)), variant(g.variant.get(2 * r + 1))],
        nocalls: [list, list.slice()],
        loq: true,
      }
    }
    r = this.het.step.indexOf(step)
    if (r < 0) throw this.fail(`Loq step ${step} has no Loq record`, this.layout.sizesAt)
    const g = this.het
    const mid = g.sum.get(2 * r)
    return {
      step,
      variants: [variant(g.variant.get(2 * r)), variant(g.variant.get(2 * r + 1))],
      nocalls: [runs(g, r > 0 ? g.sum.get(2 * r - 1) : 0, mid), runs(g, mid, g.sum.get(2 * r + 1))],
      loq: true,
    }
  }
}

/** The band (spec §9) of a decoded path. */
export function decodedToBand(d: DecodedPath): Band {
  const nocalls: [number[][], number[][]] = [
    Array.from({ length: d.n }, () => []),
    Array.from({ length: d.n }, () => []),
  ]
  for (let k = 0; k < d.loqSteps.length; k++) {
    const t = d.loqSteps[k]!
    nocalls[0][t] = Array.from(d.nocRunsA.subarray(d.nocIndexA[k], d.nocIndexA[k + 1]))
    nocalls[1][t] = Array.from(d.nocRunsB.subarray(d.nocIndexB[k], d.nocIndexB[k + 1]))
  }
  return { variants: [Array.from(d.variantsA), Array.from(d.variantsB)], nocalls }
}

/**
 * cgft's "hiq-only" view (`cgft -q -b`, spec §10.8): the two variant lines, with -2 for a step
 * whose no-call list for that allele is non-empty.
 */
export function formatHiqBand(band: Band): string {
  const line = (k: 0 | 1) => {
    const v = band.variants[k].map((x, t) => (band.nocalls[k][t]!.length ? -2 : x))
    return v.length === 0 ? '[ ]\n' : `[${v.map((x) => ` ${x}`).join('')}]\n`
  }
  return line(0) + line(1)
}
