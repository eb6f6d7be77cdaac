// sdsl-lite int_vector<0> and bit_vector (int_vector<1>) serialisations (spec §10.7):
// u64 bitSize, [u8 width,] then ceil(bitSize / 64) little-endian u64 words.
import { BitWriter, bitLength, formatError } from './bits.js'
import type { Origin } from './bits.js'

/** Read a little-endian u64 that must be a safe integer. */
export function readU64(bytes: Uint8Array, at: number, origin: Origin, what: string): number {
  if (at + 8 > bytes.length)
    throw formatError(
      `${what}: expected 8 bytes, the data ends after ${bytes.length - at}`,
      origin,
      at,
    )
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, 8)
  const lo = dv.getUint32(0, true)
  const hi = dv.getUint32(4, true)
  if (hi >= 0x200000) throw formatError(`${what}: value above 2^53`, origin, at)
  return hi * 0x100000000 + lo
}

export function writeU64(out: Uint8Array, at: number, value: number): void {
  const dv = new DataView(out.buffer, out.byteOffset + at, 8)
  dv.setUint32(0, value % 0x100000000, true)
  dv.setUint32(4, Math.floor(value / 0x100000000), true)
}

/** A decoded int_vector: its values and where the serialisation ended. */
export interface IntVectorData {
  values: Float64Array
  width: number
  end: number
}

/** A decoded bit_vector: a view of its bytes (bitSize bits, zero-padded to whole words). */
export interface BitVectorData {
  bits: Uint8Array
  bitSize: number
  end: number
}

function readWords(
  bytes: Uint8Array,
  at: number,
  bitSize: number,
  origin: Origin,
  what: string,
): Uint8Array {
  const len = Math.ceil(bitSize / 64) * 8
  if (at + len > bytes.length)
    throw formatError(
      `${what}: ${bitSize} bits need ${len} bytes, only ${bytes.length - at} remain`,
      origin,
      at,
    )
  return bytes.subarray(at, at + len)
}

export function decodeBitVector(
  bytes: Uint8Array,
  at: number,
  origin: Origin,
  what = 'bit_vector',
): BitVectorData {
  const bitSize = readU64(bytes, at, origin, what)
  const bits = readWords(bytes, at + 8, bitSize, origin, what)
  return { bits, bitSize, end: at + 8 + bits.length }
}

export function decodeIntVector(
  bytes: Uint8Array,
  at: number,
  origin: Origin,
  what = 'int_vector',
): IntVectorData {
  const bitSize = readU64(bytes, at, origin, what)
  if (at + 8 >= bytes.length) throw formatError(`${what}: missing the width byte`, origin, at + 8)
  const width = bytes[at + 8]!
  if (width < 1 || width > 64)
    throw formatError(`${what}: width ${width} is outside 1..64`, origin, at + 8)
  if (bitSize % width !== 0)
    throw formatError(`${what}: ${bitSize} bits is not a multiple of width ${width}`, origin, at)
  const words = readWords(bytes, at + 9, bitSize, origin, what)
  const n = bitSize / width
  const values = new Float64Array(n)
  const dv = new DataView(words.buffer, words.byteOffset, words.length)
  for (let i = 0; i < n; i++) {
    let v = 0
    let got = 0
    let p = i * width
    while (got < width) {
      const take = Math.min(32 - (p & 31), width - got)
      const word = dv.getUint32((p >>> 5) * 4, true)
      const part = take === 32 ? word : (word >>> (p & 31)) & ((1 << take) - 1)
      v += (part >>> 0) * 2 ** got
      got += take
      p += take
    }
    if (v > Number.MAX_SAFE_INTEGER)
      throw formatError(`${what}: element ${i} is above 2^53`, origin, at + 9 + ((i * width) >> 3))
    values[i] = v
  }
  return { values, width, end: at + 9 + words.length }
}

function header(bitSize: number, width: number | undefined, body: Uint8Array): Uint8Array {
  const head = width === undefined ? 8 : 9
  const out = new Uint8Array(head + body.length)
  writeU64(out, 0, bitSize)
  if (width !== undefined) out[8] = width
  out.set(body, head)
  return out
}

/**
 * Serialise an int_vector<0>. The width defaults to the bit length of the largest value (at least
 * 1); an empty vector gets width 64, as a default-constructed sdsl vector does.
 */
export function encodeIntVector(values: ArrayLike<number>, width?: number): Uint8Array {
  let w = width
  if (w === undefined) {
    if (values.length === 0) w = 64
    else {
      let max = 0
      for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!)
      w = Math.max(1, bitLength(max))
    }
  }
  const bw = new BitWriter()
  for (let i = 0; i < values.length; i++) bw.write(values[i]!, w)
  return header(values.length * w, w, bw.words())
}

/** Serialise a bit stream (already in stream order) as a bit_vector. */
export function encodeBitVector(stream: BitWriter): Uint8Array {
  return header(stream.bits, undefined, stream.words())
}

/** Serialise a bit stream as an int_vector<0> of width 1 (the `z` of an enc_vector). */
export function encodeBitsAsIntVector(stream: BitWriter): Uint8Array {
  return header(stream.bits, 1, stream.words())
}
