import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import {
  BitReader,
  BitWriter,
  decodeIntVector,
  encodeEncVector,
  encodeIntVector,
  encodeVlcVector,
  parseEncVector,
  parseVlcVector,
} from '../src/formats/cgf/sdsl/index.js'
import { FIXTURES } from './shared.js'

const origin = { file: 'test', base: 0 }
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'))
/** The written stream as a string of bits in write order. */
function stream(x: number): string {
  const w = new BitWriter()
  w.delta(x)
  let s = ''
  for (let j = 0; j < w.bits; j++) s += (w.bytes[j >> 3]! >> (j & 7)) & 1
  return s
}

describe('Elias-delta as sdsl writes it (spec §10.7)', () => {
  it('gives the bit streams of the spec', () => {
    expect(stream(1)).toBe('1')
    expect(stream(2)).toBe('0100')
    expect(stream(3)).toBe('0101')
    expect(stream(4)).toBe('01100')
    expect(stream(11)).toBe('00100110')
    expect(stream(15)).toBe('00100111')
    const w = new BitWriter()
    w.delta(11)
    expect(w.bytes[0]).toBe(0x64)
    const f = new BitWriter()
    f.delta(15)
    expect(f.bytes[0]).toBe(0xe4)
  })
  it('codes zero in 77 bits starting 0xC0', () => {
    const w = new BitWriter()
    w.delta(0)
    expect(w.bits).toBe(77)
    expect(w.bytes[0]).toBe(0xc0)
    expect(new BitReader(w.words(), w.bits, origin, 'z').delta()).toBe(0)
  })
  it('round-trips any value up to 2^53', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(300), fc.maxSafeNat())), (xs) => {
        const w = new BitWriter()
        for (const x of xs) w.delta(x)
        const r = new BitReader(w.words(), w.bits, origin, 'z')
        for (const x of xs) expect(r.delta()).toBe(x)
        expect(r.pos).toBe(w.bits)
      }),
    )
  })
})

describe('sdsl vectors: the byte vectors of spec §10.7', () => {
  it('LoqTileNocStartHom = [10] (vlc_vector, 41 bytes)', () => {
    const b = bytes(
      '0100000000000000 0800000000000000 6400000000000000 0800000000000000 04 0000000000000000',
    )
    expect(hex(encodeVlcVector([10]))).toBe(hex(b))
    const { vector, end } = parseVlcVector(b, 0, origin)
    expect(end).toBe(41)
    expect([...vector.toArray()]).toEqual([10])
  })
  it('LoqTileNocSumHom = [1,1] (enc_vector with the zero code, 50 bytes)', () => {
    const b = bytes(
      '0200000000000000 4d00000000000000 01 c000000000000000 0000000000000000 1c00000000000000 07 0100c00900000000',
    )
    expect(hex(encodeEncVector([1, 1]))).toBe(hex(b))
    const { vector, end } = parseEncVector(b, 0, origin)
    expect(end).toBe(50)
    expect([...vector.toArray()]).toEqual([1, 1])
    expect(vector.get(1)).toBe(1)
  })
  it('LoqTileStepHom = [20,35] (42 bytes, samples width 5 = [20,0,0,9])', () => {
    const b = encodeEncVector([20, 35])
    expect(b.length).toBe(42)
    expect(hex(b.subarray(17, 25))).toBe('e400000000000000')
    expect(b[33]).toBe(5)
    expect(hex(b.subarray(34, 42))).toBe('1480040000000000')
    expect([...decodeIntVector(b, 25, origin).values]).toEqual([20, 0, 0, 9])
    expect([...parseEncVector(b, 0, origin).vector.toArray()]).toEqual([20, 35])
  })
  it('empty vectors: enc 26 bytes, vlc 25 bytes', () => {
    expect(hex(encodeEncVector([]))).toBe(
      hex(bytes('00'.repeat(8) + '00'.repeat(8) + '40' + '00'.repeat(8) + '40')),
    )
    expect(hex(encodeVlcVector([]))).toBe(hex(bytes('00'.repeat(16) + '00'.repeat(8) + '40')))
    expect(parseEncVector(encodeEncVector([]), 0, origin).vector.length).toBe(0)
    expect(parseVlcVector(encodeVlcVector([]), 0, origin).vector.length).toBe(0)
  })
  it('an empty int_vector has width 64', () => {
    expect(hex(encodeIntVector([]))).toBe('000000000000000040')
  })
})

describe('sdsl vectors of synthetic-40.cgf3 (spec §10.9 byte map)', () => {
  const file = new Uint8Array(readFileSync(`${FIXTURES}generated/cgf3/synthetic-40.cgf3`))
  const table: [number, number, 'enc' | 'vlc', number[]][] = [
    [7023, 42, 'enc', [20, 35]],
    [7065, 49, 'vlc', [0, 0, 2 ** 30, 2 ** 30]],
    [7114, 50, 'enc', [1, 1]],
    [7164, 41, 'vlc', [10]],
    [7205, 41, 'vlc', [2]],
    [7246, 42, 'enc', [22, 24, 34]],
    [7288, 41, 'vlc', [1, 0, 0, 0, 0, 0]],
    [7329, 58, 'enc', [1, 1, 3, 4, 5, 5]],
    [7387, 41, 'vlc', [5, 3, 7, 3, 300]],
    [7428, 41, 'vlc', [1, 1, 2, 1, 1]],
  ]
  it.each(table)('offset %i, %i bytes: decodes and re-encodes exactly', (at, len, kind, values) => {
    const slice = file.subarray(at, at + len)
    const parsed =
      kind === 'enc' ? parseEncVector(file, at, origin) : parseVlcVector(file, at, origin)
    expect(parsed.end).toBe(at + len)
    expect([...parsed.vector.toArray()]).toEqual(values)
    const again = kind === 'enc' ? encodeEncVector(values) : encodeVlcVector(values)
    expect(hex(again)).toBe(hex(slice))
  })
})

describe('sdsl vectors: round trips and random access', () => {
  const sorted = fc
    .array(fc.oneof(fc.constant(0), fc.nat(5), fc.nat(2 ** 40)), { maxLength: 700 })
    .map((ds) => {
      let v = 0
      return ds.map((d) => (v += d))
    })
  it('enc_vector: encode → parse → every element and indexOf', () => {
    fc.assert(
      fc.property(sorted, fc.nat(), (values, probe) => {
        const b = encodeEncVector(values)
        const { vector, end } = parseEncVector(b, 0, origin)
        expect(end).toBe(b.length)
        expect([...vector.toArray()]).toEqual(values)
        if (values.length) {
          const i = probe % values.length
          expect(vector.get(i)).toBe(values[i])
          expect(vector.indexOf(values[i]!)).toBe(values.indexOf(values[i]!))
          expect(vector.indexOf(values[values.length - 1]! + 1)).toBe(-1)
        }
      }),
      { numRuns: 300 },
    )
  })
  it('vlc_vector: encode → parse → every element and ranges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(3), fc.nat(2 ** 45)), { maxLength: 700 }),
        fc.nat(),
        fc.nat(),
        (values, p, q) => {
          const b = encodeVlcVector(values)
          const { vector, end } = parseVlcVector(b, 0, origin)
          expect(end).toBe(b.length)
          expect([...vector.toArray()]).toEqual(values)
          const from = values.length ? p % values.length : 0
          const to = from + (values.length ? q % (values.length - from + 1) : 0)
          expect(vector.range(from, to)).toEqual(values.slice(from, to))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('sdsl vectors: corrupt input', () => {
  const ev = encodeEncVector([3, 9, 9, 40])
  const vv = encodeVlcVector([3, 9, 9, 40])
  const fails = (f: () => unknown) => expect(f).toThrow(FormatError)
  it('truncated data', () => {
    for (let cut = 0; cut < ev.length; cut++)
      fails(() => parseEncVector(ev.subarray(0, cut), 0, origin))
    for (let cut = 0; cut < vv.length; cut++)
      fails(() => parseVlcVector(vv.subarray(0, cut), 0, origin))
  })
  it('a count that would allocate gigabytes', () => {
    const big = ev.slice()
    big.set([0, 0, 0, 0, 0, 1, 0, 0], 0) // n = 2^40
    fails(() => parseEncVector(big, 0, origin))
    const bigv = vv.slice()
    bigv.set([0, 0, 0, 0, 0, 1, 0, 0], 0)
    fails(() => parseVlcVector(bigv, 0, origin))
    const bits = ev.slice()
    bits.set([0, 0, 0, 0, 0, 0, 0, 4], 8) // z bit size 2^58
    fails(() => parseEncVector(bits, 0, origin))
  })
  it('size fields that disagree with the data', () => {
    const n = ev.slice()
    n[0] = 9 // more elements than codes
    fails(() => parseEncVector(n, 0, origin).vector.toArray())
    n[0] = 200 // more elements than samples
    fails(() => parseEncVector(n, 0, origin))
    const v = vv.slice()
    v[0] = 200 // needs 3 pointers, has 2
    fails(() => parseVlcVector(v, 0, origin))
    const w = ev.slice()
    w[16] = 0 // width 0
    fails(() => parseEncVector(w, 0, origin))
  })
  it('codes that run past the end of the stream', () => {
    const v = vv.slice()
    v[0] = 7 // 7 elements, the stream holds 4 codes
    const { vector } = parseVlcVector(v, 0, origin)
    fails(() => vector.toArray())
  })
})
