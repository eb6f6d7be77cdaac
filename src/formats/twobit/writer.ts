// UCSC 2bit writer (spec §3), Node-only for the file variant. Encodes like faToTwoBit: runs of
// non-ACGT bases become N blocks (packed as T), runs of lower-case letters become mask blocks.
import { writeFileAtomic } from '../../core/atomicWrite.js'
import { ArgumentError } from '../../core/errors.js'
import { TWOBIT_SIGNATURE, type TwoBitRecord } from './reader.js'

/** Options of the 2bit writer. */
export interface TwoBitWriteOptions {
  /** 0 (32-bit offsets, the default and what Lightning uses) or 1 (64-bit offsets). */
  version?: 0 | 1 | undefined
  /**
   * Write mask blocks for lower-case runs (default true, as faToTwoBit). With false the file has
   * no mask blocks and every base reads back upper case from UCSC tools (DESIGN decision 10).
   */
  maskBlocks?: boolean | undefined
}

// Base → 2-bit code (T=0 C=1 A=2 G=3); anything else packs as T under an N block.
const CODE = new Uint8Array(256)
const IS_ACGT = new Uint8Array(256)
for (const [i, c] of ['T', 'C', 'A', 'G'].entries()) {
  for (const ch of [c, c.toLowerCase()]) {
    CODE[ch.charCodeAt(0)] = i
    IS_ACGT[ch.charCodeAt(0)] = 1
  }
}

function isLower(code: number): boolean {
  return code >= 0x61 && code <= 0x7a
}

/** Runs [start, size, start, size, ...] of positions where `test` holds. */
function runs(seq: string, test: (code: number) => boolean): number[] {
  const out: number[] = []
  let start = -1
  for (let i = 0; i < seq.length; i++) {
    const on = test(seq.charCodeAt(i))
    if (on && start < 0) start = i
    else if (!on && start >= 0) {
      out.push(start, i - start)
      start = -1
    }
  }
  if (start >= 0) out.push(start, seq.length - start)
  return out
}

const notAcgt = (code: number): boolean => code > 255 || IS_ACGT[code] === 0

/** Encode sequences as a 2bit file, in the order given. */
export function encodeTwoBit(
  records: readonly TwoBitRecord[],
  opts: TwoBitWriteOptions = {},
): Uint8Array {
  const version = opts.version ?? 0
  const maskBlocks = opts.maskBlocks ?? true
  const offSize = version === 1 ? 8 : 4
  const seen = new Set<string>()
  let indexSize = 0
  for (const { name, sequence } of records) {
    if (name.length < 1 || name.length > 255 || !/^[\x21-\x7e]+$/.test(name))
      throw new ArgumentError(`2bit sequence name '${name}' must be 1..255 printable ASCII bytes`)
    if (seen.has(name)) throw new ArgumentError(`duplicate 2bit sequence name '${name}'`)
    seen.add(name)
    if (sequence.length > 0xffffffff)
      throw new ArgumentError(`sequence '${name}' is longer than 2bit allows (2^32 - 1 bases)`)
    indexSize += 1 + name.length + offSize
  }
  const blocks = records.map(({ sequence }) => ({
    n: runs(sequence, notAcgt),
    mask: maskBlocks ? runs(sequence, isLower) : [],
  }))
  const recordOffsets: number[] = []
  let size = 16 + indexSize
  for (const [i, { sequence }] of records.entries()) {
    const b = blocks[i]!
    recordOffsets.push(size)
    size += 4 + 4 + b.n.length * 4 + 4 + b.mask.length * 4 + 4 + Math.ceil(sequence.length / 4)
  }
  if (version === 0 && recordOffsets.some((o) => o > 0xffffffff))
    throw new ArgumentError('2bit version 0 cannot address more than 4 GiB: use version 1')

  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, TWOBIT_SIGNATURE, true)
  view.setUint32(4, version, true)
  view.setUint32(8, records.length, true)
  let pos = 16
  for (const [i, { name }] of records.entries()) {
    out[pos++] = name.length
    for (let j = 0; j < name.length; j++) out[pos++] = name.charCodeAt(j)
    if (version === 1) view.setBigUint64(pos, BigInt(recordOffsets[i]!), true)
    else view.setUint32(pos, recordOffsets[i]!, true)
    pos += offSize
  }
  for (const [i, { sequence }] of records.entries()) {
    const b = blocks[i]!
    view.setUint32(pos, sequence.length, true)
    pos = writeBlocks(view, pos + 4, b.n)
    pos = writeBlocks(view, pos, b.mask)
    pos += 4 // reserved
    const len = sequence.length
    for (let j = 0; j < len; j += 4) {
      let byte = 0
      for (let k = 0; k < 4; k++) {
        const c = j + k < len ? sequence.charCodeAt(j + k) : 0
        byte = (byte << 2) | (c < 256 ? CODE[c]! : 0)
      }
      out[pos++] = byte
    }
  }
  return out
}

/** Write count, starts, sizes of flat [start, size, ...] runs; returns the next position. */
function writeBlocks(view: DataView, pos: number, flat: number[]): number {
  const count = flat.length / 2
  view.setUint32(pos, count, true)
  pos += 4
  for (let i = 0; i < count; i++) {
    view.setUint32(pos + 4 * i, flat[2 * i]!, true)
    view.setUint32(pos + 4 * (count + i), flat[2 * i + 1]!, true)
  }
  return pos + 8 * count
}

/** Encode and write a 2bit file atomically (temporary file renamed into place). */
export async function writeTwoBitFile(
  path: string,
  records: readonly TwoBitRecord[],
  opts: TwoBitWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeTwoBit(records, opts))
}
