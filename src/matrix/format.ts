// The cohort matrix file (docs/cohort-matrix.md): constants, LEB128 varints and the index.
// Browser-safe; shared by the writer and the reader.
import { FormatError } from '../core/errors.js'

/** "LTCM" and the format version, at the start of the file and again in its trailer. */
export const MATRIX_MAGIC = Uint8Array.from([0x4c, 0x54, 0x43, 0x4d])
export const MATRIX_VERSION = 1
/** Magic (4), version (1), three zero bytes. */
export const MATRIX_HEADER_LENGTH = 8
/** Index length (u32), CRC-32 of the index (u32), magic (4), version (1), three zero bytes. */
export const MATRIX_TRAILER_LENGTH = 16

/** A run's head varint is `length << RUN_SYMBOL_BITS | min(symbol, RUN_SYMBOL_INLINE)`. */
export const RUN_SYMBOL_BITS = 3
/** Symbols 0–6 sit in the head; 7 means `symbol − 7` follows as a varint. */
export const RUN_SYMBOL_INLINE = 7

/** One chunk of the file: consecutive rows, compressed as whole BGZF blocks. */
export interface MatrixChunk {
  /** first row (tile step) of the chunk */
  firstRow: number
  rows: number
  /** true when the payload starts with the PBWT order of its first row */
  checkpoint: boolean
  /** file offset of its first BGZF block */
  offset: number
  /** bytes of BGZF blocks */
  compressedLength: number
  /** bytes of the inflated payload */
  payloadLength: number
}

export interface MatrixIndex {
  /** tile path the rows are steps of */
  path: number
  /** rows: tile steps of the path */
  rows: number
  /** columns: haplotypes of this segment */
  haplotypes: number
  chunks: MatrixChunk[]
}

/** Append the unsigned LEB128 varint of `x` (a safe non-negative integer). */
export function pushVarint(out: ByteSink, x: number): void {
  while (x >= 0x80) {
    out.byte((x % 0x80) | 0x80)
    x = Math.floor(x / 0x80)
  }
  out.byte(x)
}

/** A growable byte buffer. */
export class ByteSink {
  bytes: Uint8Array
  length = 0

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity)
  }

  byte(b: number): void {
    if (this.length === this.bytes.length) this.grow(1)
    this.bytes[this.length++] = b
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) this.grow(data.length)
    this.bytes.set(data, this.length)
    this.length += data.length
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }

  clear(): void {
    this.length = 0
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra))
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }
}

/**
 * Sequential reads of varints from a byte range. Errors name the file and the byte's place: the
 * file offset where the bytes are the file's own (the index), or the chunk's offset and the byte's
 * position in its inflated payload.
 */
export class ByteCursor {
  at: number

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    /** file offset of the chunk (or of `bytes[0]` when `inFile`) */
    readonly base: number,
    start = 0,
    readonly end = bytes.length,
    /** true when `bytes` are the file's own bytes rather than an inflated payload */
    readonly inFile = false,
  ) {
    this.at = start
  }

  fail(reason: string, at = this.at): FormatError {
    return this.inFile
      ? new FormatError(reason, { file: this.file, offset: this.base + at })
      : new FormatError(`${reason} (payload byte ${at} of the chunk)`, {
          file: this.file,
          offset: this.base,
        })
  }

  varint(what: string): number {
    const { bytes, end } = this
    let at = this.at
    let b = at < end ? bytes[at++]! : -1
    if (b < 0x80 && b >= 0) {
      this.at = at
      return b
    }
    let x = 0
    let scale = 1
    for (;;) {
      if (b < 0) throw this.fail(`${what}: the varint runs past the end`, this.at)
      x += (b & 0x7f) * scale
      if (b < 0x80) break
      scale *= 0x80
      if (scale > 2 ** 49) throw this.fail(`${what}: the varint is longer than 8 bytes`, this.at)
      b = at < end ? bytes[at++]! : -1
    }
    if (x > Number.MAX_SAFE_INTEGER) throw this.fail(`${what}: ${x} is not a safe integer`, this.at)
    this.at = at
    return x
  }

  /** A varint that must be at most `max`. */
  bounded(what: string, max: number): number {
    const start = this.at
    const x = this.varint(what)
    if (x > max) throw this.fail(`${what} ${x} is above ${max}`, start)
    return x
  }
}

/** The index bytes (varints, see the spec): path, rows, haplotypes, then each chunk. */
export function encodeIndex(index: MatrixIndex): Uint8Array {
  const out = new ByteSink(64 + 8 * index.chunks.length)
  pushVarint(out, index.path)
  pushVarint(out, index.rows)
  pushVarint(out, index.haplotypes)
  pushVarint(out, index.chunks.length)
  for (const c of index.chunks) {
    pushVarint(out, c.rows * 2 + (c.checkpoint ? 1 : 0))
    pushVarint(out, c.compressedLength)
    pushVarint(out, c.payloadLength)
  }
  return out.view()
}

/** Largest number of rows or haplotypes a file may declare (fits the decoders' Int32Arrays). */
export const MATRIX_MAX_DIMENSION = 2 ** 31 - 1

/**
 * Parse the index found at file offset `indexOffset`; the chunks must tile the bytes from the
 * header to the index and the rows from 0 to `rows`, the first chunk being a checkpoint.
 */
export function parseIndex(bytes: Uint8Array, file: string, indexOffset: number): MatrixIndex {
  const c = new ByteCursor(bytes, file, indexOffset, 0, bytes.length, true)
  const path = c.bounded('path', 0xffff)
  const rows = c.bounded('row count', MATRIX_MAX_DIMENSION)
  const haplotypes = c.bounded('haplotype count', MATRIX_MAX_DIMENSION)
  const count = c.bounded('chunk count', Math.max(rows, 0))
  const chunks: MatrixChunk[] = []
  let firstRow = 0
  let offset = MATRIX_HEADER_LENGTH
  for (let i = 0; i < count; i++) {
    const at = c.at
    const head = c.varint('chunk rows')
    const n = Math.floor(head / 2)
    const checkpoint = head % 2 === 1
    const compressedLength = c.varint('chunk compressed length')
    const payloadLength = c.varint('chunk payload length')
    if (n === 0) throw c.fail(`chunk ${i} holds no rows`, at)
    if (i === 0 && !checkpoint) throw c.fail('the first chunk is not a checkpoint', at)
    if (firstRow + n > rows) throw c.fail(`chunk ${i} runs past row ${rows}`, at)
    if (offset + compressedLength > indexOffset)
      throw c.fail(`chunk ${i} (${compressedLength} bytes at ${offset}) runs into the index`, at)
    chunks.push({ firstRow, rows: n, checkpoint, offset, compressedLength, payloadLength })
    firstRow += n
    offset += compressedLength
  }
  if (c.at !== bytes.length) throw c.fail(`${bytes.length - c.at} bytes follow the last chunk`)
  if (firstRow !== rows) throw c.fail(`the chunks hold ${firstRow} rows, the header says ${rows}`)
  if (offset !== indexOffset)
    throw c.fail(`the chunks end at ${offset}, the index starts at ${indexOffset}`)
  return { path, rows, haplotypes, chunks }
}
