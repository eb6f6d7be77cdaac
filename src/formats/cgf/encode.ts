// Band → CGF v3 bytes (spec §10), byte-compatible with cgft for every file it can write.
// Browser-safe: no I/O here; writeCgfFile (writer.ts) puts the bytes on disk.
import { concatBytes } from '../../core/bytes.js'
import { ArgumentError } from '../../core/errors.js'
import { checkPath, formatPath } from '../../core/tileId.js'
import type { Band } from '../band/band.js'
import { writeU64 } from './sdsl/intVector.js'
import { encodeEncVector, encodeVlcVector } from './sdsl/vectors.js'
import { DEFAULT_TILE_MAP } from './defaultTileMap.js'
import { HEXIT_ENTRIES, knotKey, tileMapKeys } from './tileMap.js'

export const CGF_MAGIC = Uint8Array.from([0x7b, 0x22, 0x63, 0x67, 0x66, 0x2e, 0x62, 0x22])
export const CGF_VERSION = '0.3.1'
export const DEFAULT_LIBRARY_VERSION = '0.1.0'
/** A variant of -1 (non-anchor step) in the Loq variant vectors, which cannot hold negatives. */
export const LOQ_NONANCHOR = 2 ** 30
/** Overflow holds u16 values; 0xFFFF is -1, so variants must stay below it. */
export const MAX_VARIANT = 0xfffe

/**
 * What encodePathStruct reads of a band: a Band, or the same with typed arrays (the store build
 * reuses two Int32Arrays for every sample).
 */
export interface PathStructBand {
  variants: readonly [ArrayLike<number>, ArrayLike<number>]
  nocalls: readonly [readonly (readonly number[])[], readonly (readonly number[])[]]
}

/** One path of the genome: its number and its band. */
export interface CgfPathInput {
  path: number
  band: Band
}

/** Options of the CGF encoder. */
export interface CgfEncodeOptions {
  /** LibraryVersion string (the store build writes the §5.5 library version hash); default "0.1.0" */
  libraryVersion?: string
  /** TileMap text, newline-separated, no final newline; default the 1024-entry default map */
  tileMap?: string
}

/** Growable little-endian byte output. */
class Bytes {
  private buf = new Uint8Array(1024)
  length = 0

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + n) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length)
    this.buf.set(b, this.length)
    this.length += b.length
  }

  u64(v: number): void {
    this.reserve(8)
    writeU64(this.buf, this.length, v)
    this.length += 8
  }

  u32(v: number): void {
    this.reserve(4)
    new DataView(this.buf.buffer).setUint32(this.length, v, true)
    this.length += 4
  }

  str(s: string): void {
    const b = new TextEncoder().encode(s)
    this.u32(b.length)
    this.bytes(b)
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}

function checkBand(path: number, band: PathStructBand): number {
  const where = `path ${formatPath(path)}`
  const [a, b] = band.variants
  const n = a.length
  if (b.length !== n)
    throw new ArgumentError(`${where}: allele B has ${b.length} steps, allele A ${n}`)
  for (const k of [0, 1] as const) {
    const v = band.variants[k]
    const runs = band.nocalls[k]
    if (runs.length !== n)
      throw new ArgumentError(
        `${where}: allele ${'AB'[k]} has ${runs.length} no-call lists for ${n} steps`,
      )
    for (let t = 0; t < n; t++) {
      const x = v[t]!
      if (!Number.isInteger(x) || x < -1)
        throw new ArgumentError(`${where}, step ${t}: variant ${x} is not an integer ≥ -1`)
      if (x > MAX_VARIANT)
        throw new ArgumentError(
          `${where}, step ${t}: variant ${x} is ≥ 0xffff; CGF v3 Overflow holds u16 values and ` +
            'Overflow64 is not supported (DESIGN decision 13)',
        )
      const r = runs[t]!
      if (r.length % 2 !== 0)
        throw new ArgumentError(`${where}, step ${t}: no-call list needs (start, length) pairs`)
      for (const y of r)
        if (!Number.isInteger(y) || y < 0 || y >= LOQ_NONANCHOR)
          throw new ArgumentError(`${where}, step ${t}: no-call value ${y} is out of range`)
    }
  }
  if (n > 0 && (a[0] === -1 || b[0] === -1))
    throw new ArgumentError(`${where}: step 0 cannot be a non-anchor (-1) step`)
  return n
}

function sameRuns(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

/** The PathStruct of one band (spec §10.3), cgft's writer rules (§10.5, §10.6). */
export function encodePathStruct(
  path: number,
  band: PathStructBand,
  keys: Map<string, number>,
): Uint8Array {
  checkPath(path)
  const n = checkBand(path, band)
  const [a, b] = band.variants
  const [na, nb] = band.nocalls
  const blocks = Math.ceil(n / 32)
  const loq = new Uint8Array(Math.ceil(n / 8))
  const span = new Uint8Array(Math.ceil(n / 8))
  const canon = new Uint32Array(blocks)
  const hexits = new Uint32Array(blocks)
  const slots = new Uint8Array(blocks)
  const overflow: number[] = []
  const loqRecords = () => ({
    step: [] as number[],
    variant: [] as number[],
    sum: [] as number[],
    start: [] as number[],
    len: [] as number[],
  })
  const hom = loqRecords()
  const het = loqRecords()
  const loqVariant = (x: number) => (x === -1 ? LOQ_NONANCHOR : x)
  const pushRuns = (rec: typeof hom, runs: readonly number[]) => {
    for (let i = 0; i < runs.length; i += 2) {
      rec.start.push(runs[i]!)
      rec.len.push(runs[i + 1]!)
    }
  }

  for (let s = 0; s < n;) {
    // a knot ends where both alleles start a new tile
    let e = s + 1
    while (e < n && (a[e] === -1 || b[e] === -1)) e++
    let isLoq = false
    for (let t = s; t < e && !isLoq; t++) isLoq = na[t]!.length > 0 || nb[t]!.length > 0
    for (let t = s; t < e; t++) {
      if (e - s > 1) span[t >> 3]! |= 1 << (t & 7)
      if (isLoq) loq[t >> 3]! |= 1 << (t & 7)
    }
    if (isLoq) {
      for (let t = s; t < e; t++) {
        const ra = na[t]!
        const rb = nb[t]!
        if (sameRuns(ra, rb)) {
          hom.step.push(t)
          hom.variant.push(loqVariant(a[t]!), loqVariant(b[t]!))
          pushRuns(hom, ra)
          hom.sum.push(hom.start.length)
        } else {
          het.step.push(t)
          het.variant.push(loqVariant(a[t]!), loqVariant(b[t]!))
          pushRuns(het, ra)
          het.sum.push(het.start.length)
          pushRuns(het, rb)
          het.sum.push(het.start.length)
        }
      }
    } else if (e - s === 1 && a[s] === 0 && b[s] === 0) {
      canon[s >> 5]! |= 1 << (s & 31)
    } else {
      const blk = s >> 5
      const slot = slots[blk]!
      slots[blk] = Math.min(slot + 1, 255)
      const index = keys.get(knotKey(a, b, s, e)) ?? -1
      const cached = index >= 0 && index < HEXIT_ENTRIES
      if (slot < 8) hexits[blk]! |= (cached ? index : 0xf) << (4 * slot)
      // the 8th slot is both cached and listed in Overflow, as cgft does (DESIGN decision 14)
      if (slot >= 7 || !cached)
        for (let t = s; t < e; t++) overflow.push(t, a[t]! & 0xffff, b[t]! & 0xffff)
      // non-anchor steps are canonical in every block the knot touches (DESIGN decision 15)
      for (let t = s + 1; t < e; t++) canon[t >> 5]! |= 1 << (t & 31)
    }
    s = e
  }

  const vectors = [
    encodeEncVector(hom.step),
    encodeVlcVector(hom.variant),
    encodeEncVector(hom.sum),
    encodeVlcVector(hom.start),
    encodeVlcVector(hom.len),
    encodeEncVector(het.step),
    encodeVlcVector(het.variant),
    encodeEncVector(het.sum),
    encodeVlcVector(het.start),
    encodeVlcVector(het.len),
  ]
  const out = new Bytes()
  out.u64(path)
  out.str('') // Name: written empty, as cgft (DESIGN decision 17)
  out.u64(n)
  out.u64(overflow.length)
  out.u64(0) // NOverflow64
  out.u64(0) // ExtraDataSize
  out.bytes(loq)
  out.bytes(span)
  const cache = new Uint8Array(blocks * 8)
  const dv = new DataView(cache.buffer)
  for (let k = 0; k < blocks; k++) {
    dv.setUint32(8 * k, hexits[k]!, true)
    dv.setUint32(8 * k + 4, canon[k]!, true)
  }
  out.bytes(cache)
  const ov = new Uint8Array(overflow.length * 2)
  const ovd = new DataView(ov.buffer)
  overflow.forEach((x, i) => ovd.setUint16(2 * i, x, true))
  out.bytes(ov)
  for (const v of vectors) out.u64(v.length)
  for (const v of vectors) out.bytes(v)
  return out.done()
}

/**
 * A whole CGF v3 file: one genome over the given paths, in the given order. PathStructOffset
 * holds the true offsets (DESIGN decision 12), so files with more than one path differ from
 * cgft's only in that table.
 */
export function encodeCgf(paths: Iterable<CgfPathInput>, opts: CgfEncodeOptions = {}): Uint8Array {
  const keys = tileMapKeys(opts.tileMap ?? DEFAULT_TILE_MAP)
  const structs: { path: number; bytes: Uint8Array }[] = []
  for (const { path, band } of paths)
    structs.push({ path, bytes: encodePathStruct(path, band, keys) })
  return encodeCgfFromStructs(structs, opts)
}

/**
 * A CGF file from PathStructs already encoded with encodePathStruct (the store build encodes one
 * path of every sample at a time, then writes each sample's file at the end).
 */
export function encodeCgfFromStructs(
  paths: Iterable<{ path: number; bytes: Uint8Array }>,
  opts: CgfEncodeOptions = {},
): Uint8Array {
  const tileMap = opts.tileMap ?? DEFAULT_TILE_MAP
  const seen = new Set<number>()
  const structs: Uint8Array[] = []
  for (const { path, bytes } of paths) {
    if (seen.has(path)) throw new ArgumentError(`path ${formatPath(path)} is given twice`)
    seen.add(path)
    structs.push(bytes)
  }
  const head = new Bytes()
  head.bytes(CGF_MAGIC)
  head.str(CGF_VERSION)
  head.str(opts.libraryVersion ?? DEFAULT_LIBRARY_VERSION)
  head.u64(structs.length)
  head.str(tileMap)
  let at = head.length + 8 * structs.length
  for (const s of structs) {
    head.u64(at)
    at += s.length
  }
  return concatBytes([head.done(), ...structs])
}
