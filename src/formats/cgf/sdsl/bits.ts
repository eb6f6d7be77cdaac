// Bit streams as sdsl-lite lays them out: stream bit j is bit j % 8 of byte j / 8 (the same as
// bit j % 64 of little-endian u64 word j / 64), multi-bit fields LSB first.
import { FormatError } from '../../../core/errors.js'

/** Where a byte array sits in its file, for error messages. */
export interface Origin {
  file?: string | undefined
  /** file offset of byte 0 of the array */
  base: number
}

export function formatError(reason: string, origin: Origin, byte: number): FormatError {
  return new FormatError(reason, { file: origin.file, offset: origin.base + byte })
}

/** Number of bits needed for x (0 for 0). Exact for every safe integer. */
export function bitLength(x: number): number {
  if (x < 0x100000000) return 32 - Math.clz32(x)
  return 32 + bitLength(Math.floor(x / 0x100000000))
}

/** Bits of the sdsl Elias-δ code of x (x = 0 is coded as 2^64: 77 bits). */
export function deltaLength(x: number): number {
  if (x === 0) return 77
  const l = bitLength(x)
  return 2 * (bitLength(l) - 1) + l
}

/** A growable, zero-filled bit stream. */
export class BitWriter {
  bytes = new Uint8Array(64)
  bits = 0

  private reserve(n: number): void {
    const need = (this.bits + n + 7) >> 3
    if (need <= this.bytes.length) return
    let size = this.bytes.length * 2
    while (size < need) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.bytes)
    this.bytes = grown
  }

  /** Write the low `n` bits of a non-negative safe integer (n ≤ 64; bits above 2^53 are 0). */
  write(value: number, n: number): void {
    this.reserve(n)
    let v = value
    let left = n
    while (left > 0) {
      const p = this.bits
      const take = Math.min(8 - (p & 7), left)
      const chunk = v % (1 << take)
      this.bytes[p >> 3]! |= chunk << (p & 7)
      v = (v - chunk) / (1 << take)
      this.bits += take
      left -= take
    }
  }

  zeros(n: number): void {
    this.reserve(n)
    this.bits += n
  }

  /** sdsl `coder::elias_delta::encode`. */
  delta(x: number): void {
    if (x === 0) {
      this.zeros(6)
      this.write(1, 1)
      this.write(1, 6)
      this.zeros(64)
      return
    }
    const l = bitLength(x)
    const m = bitLength(l) - 1
    this.zeros(m)
    this.write(1, 1)
    if (m > 0) {
      this.write(l - 2 ** m, m)
      this.write(x - 2 ** (l - 1), l - 1)
    }
  }

  /** The stream padded with zeros to whole u64 words. */
  words(): Uint8Array {
    const len = Math.ceil(this.bits / 64) * 8
    const out = new Uint8Array(len)
    out.set(this.bytes.subarray(0, Math.min(len, this.bytes.length)))
    return out
  }
}

/** Reads a bit stream of `bits` bits from `bytes`; every read is checked against that end. */
export class BitReader {
  pos = 0
  constructor(
    readonly bytes: Uint8Array,
    readonly bits: number,
    private readonly origin: Origin,
    private readonly what: string,
  ) {}

  private fail(reason: string): FormatError {
    return formatError(`${this.what}: ${reason}`, this.origin, this.pos >> 3)
  }

  /** Read n ≤ 32 bits. */
  read(n: number): number {
    if (this.pos + n > this.bits)
      throw this.fail(`code runs past the end of the ${this.bits}-bit stream`)
    let v = 0
    let got = 0
    let p = this.pos
    while (got < n) {
      const take = Math.min(8 - (p & 7), n - got)
      v += ((this.bytes[p >> 3]! >> (p & 7)) & ((1 << take) - 1)) * 2 ** got
      got += take
      p += take
    }
    this.pos = p
    return v
  }

  /** sdsl `coder::elias_delta::decode` of one value. */
  delta(): number {
    let m = 0
    while (this.read(1) === 0) {
      if (++m > 6) throw this.fail('Elias-delta code with more than 6 leading zeros')
    }
    if (m === 0) return 1
    const l = this.read(m) + 2 ** m
    if (l === 65) {
      // the zero code: 64 zero bits follow
      if (this.read(32) !== 0 || this.read(32) !== 0) throw this.fail('value above 2^64')
      return 0
    }
    if (l > 54) throw this.fail(`value of ${l} bits is too large`)
    const low = l - 1 > 32 ? this.read(32) + this.read(l - 33) * 2 ** 32 : this.read(l - 1)
    return low + 2 ** (l - 1)
  }
}
