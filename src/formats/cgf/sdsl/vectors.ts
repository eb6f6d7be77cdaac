// sdsl-lite enc_vector<coder::elias_delta, 128> and vlc_vector<coder::elias_delta, 128>
// (spec §10.7): serialise, parse (checking every size against the data), and read single
// elements through the 128-element samples without decoding the whole vector.
import { concatBytes } from '../../../core/bytes.js'
import { BitReader, BitWriter, bitLength, formatError } from './bits.js'
import type { Origin } from './bits.js'
import {
  decodeBitVector,
  decodeIntVector,
  encodeBitVector,
  encodeBitsAsIntVector,
  encodeIntVector,
  readU64,
  writeU64,
} from './intVector.js'

/** Sample density of both vectors in CGF v3. */
export const DENSITY = 128

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8)
  writeU64(out, 0, value)
  return out
}

/** Serialise a non-decreasing vector of non-negative integers as enc_vector<elias_delta,128>. */
export function encodeEncVector(values: ArrayLike<number>): Uint8Array {
  const n = values.length
  if (n === 0) return concatBytes([u64(0), encodeIntVector([]), encodeIntVector([])])
  const z = new BitWriter()
  const samples: number[] = []
  let maxSample = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (i % DENSITY === 0) {
      samples.push(v, z.bits)
      maxSample = Math.max(maxSample, v)
    } else {
      const d = v - values[i - 1]!
      if (d < 0) throw new RangeError(`enc_vector values must not decrease (index ${i})`)
      z.delta(d)
    }
  }
  samples.push(0, z.bits + 1)
  const width = bitLength(Math.max(maxSample, z.bits + 1))
  return concatBytes([u64(n), encodeBitsAsIntVector(z), encodeIntVector(samples, width)])
}

/** Serialise a vector of non-negative integers as vlc_vector<elias_delta,128> (codes of v + 1). */
export function encodeVlcVector(values: ArrayLike<number>): Uint8Array {
  const n = values.length
  if (n === 0) return concatBytes([u64(0), u64(0), encodeIntVector([])])
  const z = new BitWriter()
  const ptr = new Array<number>(Math.ceil(n / DENSITY) + 1).fill(0)
  for (let i = 0; i < n; i++) {
    if (i % DENSITY === 0) ptr[i / DENSITY] = z.bits
    z.delta(values[i]! + 1)
  }
  return concatBytes([u64(n), encodeBitVector(z), encodeIntVector(ptr, bitLength(z.bits + 1))])
}

/** A parsed enc_vector: element access through the samples. */
export class EncVector {
  constructor(
    readonly length: number,
    private readonly z: Uint8Array,
    private readonly zBits: number,
    private readonly samples: Float64Array,
    private readonly origin: Origin,
    private readonly what: string,
  ) {}

  private reader(pos: number): BitReader {
    const r = new BitReader(this.z, this.zBits, this.origin, this.what)
    r.pos = pos
    return r
  }

  get(i: number): number {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`${this.what}: index ${i} out of range`)
    const j = Math.floor(i / DENSITY)
    let v = this.samples[2 * j]!
    const r = this.reader(this.samples[2 * j + 1]!)
    for (let k = i % DENSITY; k > 0; k--) v += r.delta()
    return v
  }

  /** Index of `value` in a strictly increasing vector, or -1: one sample block is decoded. */
  indexOf(value: number): number {
    let lo = 0
    let hi = Math.ceil(this.length / DENSITY) - 1
    let j = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.samples[2 * mid]! <= value) {
        j = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (j < 0) return -1
    const r = this.reader(this.samples[2 * j + 1]!)
    let v = this.samples[2 * j]!
    const end = Math.min(this.length, (j + 1) * DENSITY)
    for (let i = j * DENSITY; i < end; i++) {
      if (i > j * DENSITY) v += r.delta()
      if (v >= value) return v === value ? i : -1
    }
    return -1
  }

  /** Every element, decoded in one pass. */
  toArray(): Float64Array {
    const out = new Float64Array(this.length)
    const r = this.reader(0)
    for (let j = 0; j * DENSITY < this.length; j++) {
      if (r.pos !== this.samples[2 * j + 1])
        throw formatError(
          `${this.what}: sample ${j} points at bit ${this.samples[2 * j + 1]}, its codes start at bit ${r.pos}`,
          this.origin,
          0,
        )
      let v = this.samples[2 * j]!
      out[j * DENSITY] = v
      const end = Math.min(this.length, (j + 1) * DENSITY)
      for (let i = j * DENSITY + 1; i < end; i++) {
        v += r.delta()
        out[i] = v
      }
    }
    return out
  }
}

/** A parsed vlc_vector: element access through the sample pointers. */
export class VlcVector {
  constructor(
    readonly length: number,
    private readonly z: Uint8Array,
    private readonly zBits: number,
    private readonly ptr: Float64Array,
    private readonly origin: Origin,
    private readonly what: string,
  ) {}

  private value(r: BitReader): number {
    const v = r.delta()
    if (v === 0) throw formatError(`${this.what}: a zero code (value -1)`, this.origin, r.pos >> 3)
    return v - 1
  }

  /** Elements [from, to). */
  range(from: number, to: number): number[] {
    if (!(from >= 0 && from <= to && to <= this.length))
      throw new RangeError(`${this.what}: range ${from}..${to} out of 0..${this.length}`)
    const out: number[] = []
    if (from === to) return out
    const r = new BitReader(this.z, this.zBits, this.origin, this.what)
    r.pos = this.ptr[Math.floor(from / DENSITY)]!
    for (let k = from % DENSITY; k > 0; k--) r.delta()
    for (let i = from; i < to; i++) {
      if (i % DENSITY === 0 && r.pos !== this.ptr[i / DENSITY])
        throw formatError(
          `${this.what}: pointer ${i / DENSITY} disagrees with the codes`,
          this.origin,
          0,
        )
      out.push(this.value(r))
    }
    return out
  }

  get(i: number): number {
    return this.range(i, i + 1)[0]!
  }

  toArray(): Float64Array {
    const out = new Float64Array(this.length)
    const r = new BitReader(this.z, this.zBits, this.origin, this.what)
    for (let i = 0; i < this.length; i++) {
      if (i % DENSITY === 0 && r.pos !== this.ptr[i / DENSITY])
        throw formatError(
          `${this.what}: pointer ${i / DENSITY} disagrees with the codes`,
          this.origin,
          0,
        )
      out[i] = this.value(r)
    }
    return out
  }
}

export interface Parsed<T> {
  vector: T
  end: number
}

/** Parse an enc_vector at `at`; sizes are checked against the data so nothing unbounded is built. */
export function parseEncVector(
  bytes: Uint8Array,
  at: number,
  origin: Origin,
  what = 'enc_vector',
): Parsed<EncVector> {
  const n = readU64(bytes, at, origin, what)
  const z = decodeIntVector(bytes, at + 8, origin, `${what} z`)
  const zBits = z.values.length * z.width
  const samples = decodeIntVector(bytes, z.end, origin, `${what} samples`)
  if (n > 0) {
    const blocks = Math.ceil(n / DENSITY)
    // every element but a block's first has a code of at least one bit
    if (n - blocks > zBits)
      throw formatError(`${what}: ${n} elements cannot fit in ${zBits} code bits`, origin, at)
    if (z.width !== 1)
      throw formatError(`${what}: z has width ${z.width}, expected 1`, origin, at + 16)
    if (samples.values.length !== 2 * blocks + 2)
      throw formatError(
        `${what}: ${samples.values.length} sample entries, expected ${2 * blocks + 2} for ${n} elements`,
        origin,
        z.end,
      )
    for (let j = 0; j < blocks; j++)
      if (samples.values[2 * j + 1]! > zBits)
        throw formatError(`${what}: sample pointer ${j} is past the codes`, origin, z.end)
  }
  // z's words are a view of `bytes`: the 9-byte header precedes them
  const zBytes = bytes.subarray(at + 17, z.end)
  return { vector: new EncVector(n, zBytes, zBits, samples.values, origin, what), end: samples.end }
}

export function parseVlcVector(
  bytes: Uint8Array,
  at: number,
  origin: Origin,
  what = 'vlc_vector',
): Parsed<VlcVector> {
  const n = readU64(bytes, at, origin, what)
  const z = decodeBitVector(bytes, at + 8, origin, `${what} z`)
  const ptr = decodeIntVector(bytes, z.end, origin, `${what} pointers`)
  if (n > 0) {
    if (n > z.bitSize)
      throw formatError(`${what}: ${n} elements cannot fit in ${z.bitSize} code bits`, origin, at)
    const blocks = Math.ceil(n / DENSITY)
    if (ptr.values.length !== blocks + 1)
      throw formatError(
        `${what}: ${ptr.values.length} pointers, expected ${blocks + 1} for ${n} elements`,
        origin,
        z.end,
      )
    for (let j = 0; j < blocks; j++)
      if (ptr.values[j]! > z.bitSize)
        throw formatError(`${what}: pointer ${j} is past the codes`, origin, z.end)
  }
  return {
    vector: new VlcVector(n, z.bits, z.bitSize, ptr.values, origin, what),
    end: ptr.end,
  }
}
