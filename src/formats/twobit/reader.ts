// UCSC 2bit reader (spec §3), browser-safe: versions 0 and 1, either byte order, sub-range reads
// that fetch only the packed bytes of the range plus the record header.
import type { NamedFile } from '../../core/filehandle.js'
import { concatBytes } from '../../core/bytes.js'
import { partitionPoint } from '../../core/search.js'
import { Lazy, memo } from '../../core/shared.js'
import {
  ArgumentError,
  FormatError,
  NotFoundError,
  checkAbort,
  type AbortOptions,
} from '../../core/errors.js'

export const TWOBIT_SIGNATURE = 0x1a412743

/** A named sequence of a 2bit file. */
export interface TwoBitRecord {
  name: string
  sequence: string
}

/** How bases are given back. */
export interface TwoBitDecodeOptions {
  /** Return every base in lower case (Lightning's convention) instead of UCSC's N/mask casing. */
  lowercase?: boolean | undefined
}

/** Options of `TwoBitReader.sequence`. */
export interface TwoBitSequenceOptions extends AbortOptions, TwoBitDecodeOptions {}

/** The 16-byte file header. */
export interface TwoBitHeader {
  littleEndian: boolean
  version: 0 | 1
  sequenceCount: number
}

/** A record's header: its length, N blocks and mask blocks (sorted, non-overlapping). */
export interface TwoBitRecordHeader {
  dnaSize: number
  nStarts: Uint32Array
  nSizes: Uint32Array
  maskStarts: Uint32Array
  maskSizes: Uint32Array
  /** Absolute file offset of the packed bases. */
  dnaOffset: number
}

interface TwoBitIndex {
  names: string[]
  offsets: Float64Array
  byName: Map<string, number>
}

const HEADER_SIZE = 16
// Reads larger than this are split so a corrupt length field fails at the first short chunk
// instead of allocating the length it claims.
const READ_CHUNK = 8 << 20
const INDEX_FIRST_READ = 64 << 10

// Packed base code → ASCII, 4 entries per byte value (first base in the high bits).
const UPPER = new Uint8Array(1024)
const LOWER = new Uint8Array(1024)
{
  const bases = 'TCAG'
  for (let b = 0; b < 256; b++)
    for (let k = 0; k < 4; k++) {
      const code = bases.charCodeAt((b >> (6 - 2 * k)) & 3)
      UPPER[b * 4 + k] = code
      LOWER[b * 4 + k] = code | 0x20
    }
}
const N_UPPER = 0x4e
const N_LOWER = 0x6e
const ascii = new TextDecoder()

function u32(view: DataView, pos: number, le: boolean): number {
  return view.getUint32(pos, le)
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Parse the 16-byte header. `bytes` starts at file offset 0. */
export function parseTwoBitHeader(bytes: Uint8Array, file: string): TwoBitHeader {
  if (bytes.length < HEADER_SIZE)
    throw new FormatError(
      `2bit file ends inside the ${HEADER_SIZE}-byte header (${bytes.length} bytes)`,
      { file, offset: bytes.length },
    )
  const view = dataView(bytes)
  let littleEndian: boolean
  if (view.getUint32(0, true) === TWOBIT_SIGNATURE) littleEndian = true
  else if (view.getUint32(0, false) === TWOBIT_SIGNATURE) littleEndian = false
  else
    throw new FormatError(
      `not a 2bit file: signature 0x${view.getUint32(0, true).toString(16).padStart(8, '0')}, expected 0x1a412743 in either byte order`,
      { file, offset: 0 },
    )
  const version = u32(view, 4, littleEndian)
  if (version !== 0 && version !== 1)
    throw new FormatError(`2bit version ${version}, expected 0 or 1`, { file, offset: 4 })
  return { littleEndian, version, sequenceCount: u32(view, 8, littleEndian) }
}

/**
 * Parse the index that follows the header. `bytes` starts at file offset 16. Returns undefined
 * when `bytes` ends before the last entry (the caller may read more and retry).
 */
function parseIndex(
  bytes: Uint8Array,
  header: TwoBitHeader,
  file: string,
): { index: TwoBitIndex; end: number } | { truncatedAt: number; entry: number } {
  const view = dataView(bytes)
  const { sequenceCount: count, littleEndian: le, version } = header
  const names: string[] = []
  const offsets: number[] = []
  const byName = new Map<string, number>()
  const offSize = version === 1 ? 8 : 4
  // Records follow the index, so an index that reaches the first record has a wrong count.
  let firstRecord = Infinity
  let pos = 0
  for (let i = 0; i < count; i++) {
    const entryStart = pos
    if (HEADER_SIZE + pos >= firstRecord)
      throw new FormatError(
        `2bit index entry ${i} of ${count} would overlap the first record at offset ${firstRecord}`,
        { file, offset: 8 },
      )
    if (pos + 1 > bytes.length) return { truncatedAt: HEADER_SIZE + entryStart, entry: i }
    const nameSize = bytes[pos]!
    pos += 1
    if (pos + nameSize + offSize > bytes.length)
      return { truncatedAt: HEADER_SIZE + entryStart, entry: i }
    let name = ''
    for (let j = 0; j < nameSize; j++) name += String.fromCharCode(bytes[pos + j]!)
    pos += nameSize
    let offset: number
    if (version === 1) {
      const big = view.getBigUint64(pos, le)
      if (big > BigInt(Number.MAX_SAFE_INTEGER))
        throw new FormatError(`sequence '${name}' has offset ${big}, beyond any real file`, {
          file,
          offset: HEADER_SIZE + pos,
        })
      offset = Number(big)
    } else offset = u32(view, pos, le)
    if (offset < HEADER_SIZE)
      throw new FormatError(`sequence '${name}' has offset ${offset}, inside the file header`, {
        file,
        offset: HEADER_SIZE + pos,
      })
    pos += offSize
    if (byName.has(name))
      throw new FormatError(`duplicate sequence name '${name}'`, {
        file,
        offset: HEADER_SIZE + entryStart,
      })
    byName.set(name, i)
    firstRecord = Math.min(firstRecord, offset)
    names.push(name)
    offsets.push(offset)
  }
  return { index: { names, offsets: Float64Array.from(offsets), byName }, end: HEADER_SIZE + pos }
}

function truncatedIndexError(
  file: string,
  header: TwoBitHeader,
  at: { truncatedAt: number; entry: number },
): FormatError {
  return new FormatError(
    `2bit index entry ${at.entry} of ${header.sequenceCount} runs past the end of the file`,
    { file, offset: at.truncatedAt },
  )
}

/** Fixed part of a record before the blocks: dnaSize and nBlockCount. */
const RECORD_FIXED = 8

/**
 * Parse one record header from `bytes` (which start at file offset `base`). Returns the number of
 * bytes it needs when `bytes` is too short.
 */
function parseRecordHeader(
  bytes: Uint8Array,
  base: number,
  recordOffset: number,
  le: boolean,
  file: string,
  name: string,
): TwoBitRecordHeader | { need: number } {
  const view = dataView(bytes)
  let pos = recordOffset - base
  if (pos + RECORD_FIXED > bytes.length) return { need: RECORD_FIXED }
  const dnaSize = u32(view, pos, le)
  const nCount = u32(view, pos + 4, le)
  checkBlockCount(nCount, dnaSize, 'N', file, recordOffset + 4, name)
  const afterN = RECORD_FIXED + nCount * 8
  if (pos + afterN + 4 > bytes.length) return { need: afterN + 4 }
  const maskCount = u32(view, pos + afterN, le)
  checkBlockCount(maskCount, dnaSize, 'mask', file, recordOffset + afterN, name)
  const total = afterN + 4 + maskCount * 8 + 4
  if (pos + total > bytes.length) return { need: total }
  pos += RECORD_FIXED
  const nStarts = readU32s(view, pos, nCount, le)
  const nSizes = readU32s(view, pos + nCount * 4, nCount, le)
  pos += nCount * 8 + 4
  const maskStarts = readU32s(view, pos, maskCount, le)
  const maskSizes = readU32s(view, pos + maskCount * 4, maskCount, le)
  checkBlocks(nStarts, nSizes, dnaSize, 'N', file, recordOffset + RECORD_FIXED, name)
  checkBlocks(maskStarts, maskSizes, dnaSize, 'mask', file, recordOffset + afterN + 4, name)
  return { dnaSize, nStarts, nSizes, maskStarts, maskSizes, dnaOffset: recordOffset + total }
}

function checkBlockCount(
  count: number,
  dnaSize: number,
  kind: string,
  file: string,
  offset: number,
  name: string,
): void {
  // Blocks are non-empty and disjoint, so there cannot be more of them than bases.
  if (count > dnaSize)
    throw new FormatError(
      `sequence '${name}': ${kind} block count ${count} exceeds its length ${dnaSize}`,
      { file, offset },
    )
}

function readU32s(view: DataView, pos: number, count: number, le: boolean): Uint32Array {
  const out = new Uint32Array(count)
  for (let i = 0; i < count; i++) out[i] = view.getUint32(pos + 4 * i, le)
  return out
}

function checkBlocks(
  starts: Uint32Array,
  sizes: Uint32Array,
  dnaSize: number,
  kind: string,
  file: string,
  offset: number,
  name: string,
): void {
  let prevEnd = 0
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!
    const end = start + sizes[i]!
    if (start < prevEnd || end > dnaSize)
      throw new FormatError(
        `sequence '${name}': ${kind} block ${i} [${start}, ${end}) is out of order or outside [0, ${dnaSize})`,
        { file, offset: offset + 4 * i },
      )
    prevEnd = end
  }
}

/** Index of the first block ending after `pos` (blocks sorted and disjoint). */
function firstBlockEndingAfter(starts: Uint32Array, sizes: Uint32Array, pos: number): number {
  return partitionPoint(starts.length, (i) => starts[i]! + sizes[i]! <= pos)
}

/**
 * Decode bases [start, end) of a record. `packed` holds the packed bytes from byte
 * floor(start / 4) of the record's DNA on.
 */
function decodeRange(
  packed: Uint8Array,
  packedFrom: number,
  h: TwoBitRecordHeader,
  start: number,
  end: number,
  lowercase: boolean,
): string {
  const length = end - start
  const out = new Uint8Array(length)
  const table = lowercase ? LOWER : UPPER
  for (let pos = start, o = 0; pos < end; pos++, o++)
    out[o] = table[(packed[(pos >>> 2) - packedFrom]! << 2) | (pos & 3)]!
  const nCode = lowercase ? N_LOWER : N_UPPER
  for (let i = firstBlockEndingAfter(h.nStarts, h.nSizes, start); i < h.nStarts.length; i++) {
    const b = h.nStarts[i]!
    if (b >= end) break
    out.fill(nCode, Math.max(b, start) - start, Math.min(b + h.nSizes[i]!, end) - start)
  }
  if (!lowercase)
    for (
      let i = firstBlockEndingAfter(h.maskStarts, h.maskSizes, start);
      i < h.maskStarts.length;
      i++
    ) {
      const b = h.maskStarts[i]!
      if (b >= end) break
      const e = Math.min(b + h.maskSizes[i]!, end) - start
      for (let o = Math.max(b, start) - start; o < e; o++) out[o]! |= 0x20
    }
  return ascii.decode(out)
}

/**
 * Decode every sequence of a 2bit file held in memory (e.g. a tile-library tar member, spec §5.3),
 * in file order. `name` is used in error messages.
 */
export function parseTwoBit(
  bytes: Uint8Array,
  name: string,
  opts: TwoBitDecodeOptions = {},
): TwoBitRecord[] {
  const header = parseTwoBitHeader(bytes, name)
  const parsed = parseIndex(bytes.subarray(HEADER_SIZE), header, name)
  if (!('index' in parsed)) throw truncatedIndexError(name, header, parsed)
  const { names, offsets } = parsed.index
  const out: TwoBitRecord[] = []
  for (let i = 0; i < names.length; i++) {
    const seqName = names[i]!
    const offset = offsets[i]!
    const h = parseRecordHeader(bytes, 0, offset, header.littleEndian, name, seqName)
    if ('need' in h)
      throw new FormatError(
        `record of '${seqName}' (${h.need} header bytes) runs past the end of the file`,
        { file: name, offset },
      )
    const packedEnd = h.dnaOffset + Math.ceil(h.dnaSize / 4)
    if (packedEnd > bytes.length)
      throw new FormatError(
        `the ${h.dnaSize} bases of '${seqName}' run past the end of the file (${bytes.length} bytes)`,
        { file: name, offset: h.dnaOffset },
      )
    const sequence = decodeRange(
      bytes.subarray(h.dnaOffset, packedEnd),
      0,
      h,
      0,
      h.dnaSize,
      opts.lowercase ?? false,
    )
    out.push({ name: seqName, sequence })
  }
  return out
}

/** A 2bit file read through a GenericFilehandle (local file, URL or Blob). */
export class TwoBitReader {
  readonly file: NamedFile
  private readonly index: Lazy<{ header: TwoBitHeader; index: TwoBitIndex }>
  private records = new Map<string, Promise<TwoBitRecordHeader>>()

  constructor(file: NamedFile) {
    this.file = file
    this.index = new Lazy(() => this.readIndex())
  }

  /** Read exactly `length` bytes at `position`, in bounded chunks; a short read is an error. */
  private async readExact(
    length: number,
    position: number,
    what: string,
    opts: AbortOptions,
  ): Promise<Uint8Array> {
    const readOpts = opts.signal ? { signal: opts.signal } : {}
    const parts: Uint8Array[] = []
    let got = 0
    while (got < length) {
      checkAbort(opts.signal)
      const want = Math.min(READ_CHUNK, length - got)
      const chunk = await this.file.handle.read(want, position + got, readOpts)
      parts.push(chunk)
      got += chunk.length
      if (chunk.length < want)
        throw new FormatError(
          `${what} (${length} bytes at offset ${position}) runs past the end of the file`,
          { file: this.file.name, offset: position },
        )
    }
    return parts.length === 1 ? parts[0]! : concatBytes(parts)
  }

  /** The header and index, loaded once and shared (`opts.signal` aborts this caller only). */
  private loadIndex(opts: AbortOptions): Promise<{ header: TwoBitHeader; index: TwoBitIndex }> {
    return this.index.get(opts)
  }

  private async readIndex(): Promise<{ header: TwoBitHeader; index: TwoBitIndex }> {
    const name = this.file.name
    const head = await this.file.handle.read(HEADER_SIZE, 0)
    const header = parseTwoBitHeader(head, name)
    const entryGuess = 1 + 16 + (header.version === 1 ? 8 : 4)
    let want = Math.min(header.sequenceCount * entryGuess, INDEX_FIRST_READ)
    for (;;) {
      const bytes = await this.file.handle.read(want, HEADER_SIZE)
      const parsed = parseIndex(bytes, header, name)
      if ('index' in parsed) return { header, index: parsed.index }
      // The end of the file was reached: the count or a name size is wrong.
      if (bytes.length < want) throw truncatedIndexError(name, header, parsed)
      want *= 2
    }
  }

  /** The file header (signature, version, byte order, count). */
  async header(opts: AbortOptions = {}): Promise<TwoBitHeader> {
    return (await this.loadIndex(opts)).header
  }

  /** Sequence names in file order. */
  async sequenceNames(opts: AbortOptions = {}): Promise<string[]> {
    return [...(await this.loadIndex(opts)).index.names]
  }

  /** The record header of a sequence (memoised); NotFoundError if the file does not hold it. */
  async recordHeader(seqName: string, opts: AbortOptions = {}): Promise<TwoBitRecordHeader> {
    const { header, index } = await this.loadIndex(opts)
    const i = index.byName.get(seqName)
    if (i === undefined)
      throw new NotFoundError(`${this.file.name}: no sequence named '${seqName}'`)
    return memo(
      this.records,
      seqName,
      () => this.readRecordHeader(seqName, index.offsets[i]!, header.littleEndian),
      opts,
    )
  }

  private async readRecordHeader(
    seqName: string,
    offset: number,
    le: boolean,
  ): Promise<TwoBitRecordHeader> {
    let bytes = await this.readExact(RECORD_FIXED, offset, `record of '${seqName}'`, {})
    for (;;) {
      const h = parseRecordHeader(bytes, offset, offset, le, this.file.name, seqName)
      if (!('need' in h)) return h
      bytes = await this.readExact(h.need, offset, `record header of '${seqName}'`, {})
    }
  }

  /** Bases in a sequence. */
  async sequenceLength(seqName: string, opts: AbortOptions = {}): Promise<number> {
    return (await this.recordHeader(seqName, opts)).dnaSize
  }

  /**
   * Bases [start, end) of a sequence (0-based, half-open; default the whole sequence). N blocks
   * read as `N` and mask blocks as lower case, like UCSC twoBitToFa, unless `lowercase` is set.
   */
  async sequence(
    seqName: string,
    start = 0,
    end?: number,
    opts: TwoBitSequenceOptions = {},
  ): Promise<string> {
    const h = await this.recordHeader(seqName, opts)
    const stop = end ?? h.dnaSize
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > h.dnaSize)
      throw new ArgumentError(
        `${this.file.name}: range [${start}, ${stop}) is outside '${seqName}' [0, ${h.dnaSize})`,
      )
    if (stop <= start) return ''
    checkAbort(opts.signal)
    const firstByte = start >>> 2
    const packed = await this.readExact(
      Math.ceil(stop / 4) - firstByte,
      h.dnaOffset + firstByte,
      `bases of '${seqName}'`,
      opts,
    )
    return decodeRange(packed, firstByte, h, start, stop, opts.lowercase ?? false)
  }
}
