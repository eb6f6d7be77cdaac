// Browser-safe random access to a BGZF file through its `.gzi` index (spec §4.1, §4.2).
// Blocks are inflated by inflate.ts (zlib in Node, else @gmod/bgzf-filehandle); the block framing, the
// `.gzi` and the CRC are checked here, because `unzip` silently returns a short result for a
// truncated block and does not verify CRCs.
import { unzipMembers as unzip } from './inflate.js'
import { ArgumentError, FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { readAt } from '../../core/filehandle.js'
import type { NamedFile } from '../../core/filehandle.js'
import { Lru } from '../../core/lru.js'
import { Lazy, memo } from '../../core/shared.js'
import { partitionPoint } from '../../core/search.js'

/** Largest possible BGZF block (BSIZE is a u16 holding size − 1). */
export const BGZF_MAX_BLOCK = 0x10000

/**
 * The block table of a `.gzi`, with the implied first block (0, 0) at index 0: block `i` starts at
 * compressed offset `compressed[i]` and holds uncompressed bytes from `uncompressed[i]`.
 */
export interface GziTable {
  compressed: Float64Array
  uncompressed: Float64Array
}

/** Parse a `.gzi` (u64 count, then count pairs of u64 compressed, uncompressed offsets). */
export function parseGzi(bytes: Uint8Array, file: string): GziTable {
  if (bytes.length < 8) {
    throw new FormatError(`expected an 8-byte entry count, the .gzi has ${bytes.length} bytes`, {
      file,
      offset: 0,
    })
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getBigUint64(0, true)
  const expected = 8n + 16n * count
  if (expected !== BigInt(bytes.length)) {
    throw new FormatError(
      `entry count ${count} needs ${expected} bytes, the .gzi has ${bytes.length}`,
      { file, offset: 0 },
    )
  }
  const n = Number(count) + 1
  const compressed = new Float64Array(n)
  const uncompressed = new Float64Array(n)
  for (let i = 1; i < n; i++) {
    const at = 8 + 16 * (i - 1)
    const c = Number(view.getBigUint64(at, true))
    const u = Number(view.getBigUint64(at + 8, true))
    const pc = compressed[i - 1]!
    const pu = uncompressed[i - 1]!
    if (!(c > pc && c - pc <= BGZF_MAX_BLOCK && u >= pu && u - pu <= BGZF_MAX_BLOCK)) {
      throw new FormatError(
        `entry ${i - 1} (${c}, ${u}) does not follow (${pc}, ${pu}) by one BGZF block`,
        { file, offset: at },
      )
    }
    compressed[i] = c
    uncompressed[i] = u
  }
  return { compressed, uncompressed }
}

// Slicing-by-8 tables: CRC_TABLE[t * 256 + b] advances byte b through t further zero bytes. About
// 4x the speed of the one-table loop, which matters because every block read is checked. Signed
// entries: V8 compiles the loop for 32-bit integers, and an unsigned entry above 2^31 made it
// throw the compiled code away ("lost precision") on every call.
const CRC_TABLE = (() => {
  const t = new Int32Array(8 * 256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  for (let n = 0; n < 256; n++)
    for (let k = 256; k < 8 * 256; k += 256)
      t[k + n] = (t[k - 256 + n]! >>> 8) ^ t[t[k - 256 + n]! & 0xff]!
  return t
})()

/** CRC-32 (gzip polynomial) of `data`. */
export function crc32(data: Uint8Array): number {
  const t = CRC_TABLE
  const d = data
  const n = d.length
  let c = ~0
  let i = 0
  // the odd bytes first, so the 8-byte loop ends the function: V8 compiles that loop on the
  // stack (on-stack replacement) when a long block is checked, and a byte loop after it, never
  // reached while it was compiled, threw the compiled code away on every later call
  for (const odd = n & 7; i < odd; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8)
  for (; i < n; i += 8) {
    const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24))
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + d[i + 4]!]! ^
      t[512 + d[i + 5]!]! ^
      t[256 + d[i + 6]!]! ^
      t[d[i + 7]!]!
  }
  return ~c >>> 0
}

/** One BGZF block found in a buffer: where it starts, its total size, CRC and inflated size. */
export interface BgzfBlockInfo {
  /** Offset of the block in the buffer. */
  start: number
  /** Total size of the block in bytes (BSIZE + 1). */
  size: number
  crc: number
  /** ISIZE: uncompressed bytes in the block. */
  dataSize: number
}

/**
 * Parse the header of the BGZF block at `buf[at]` (at `fileOffset + at` in `file`). Returns
 * undefined when the buffer ends before the whole block, so a caller can read more.
 */
export function bgzfBlockAt(
  buf: Uint8Array,
  at: number,
  file: string,
  fileOffset: number,
): BgzfBlockInfo | undefined {
  const place = { file, offset: fileOffset + at }
  if (buf.length - at < 18) {
    if (buf.length - at >= 4 && !isBgzfStart(buf, at)) throw notBgzf(place)
    return undefined
  }
  if (!isBgzfStart(buf, at)) throw notBgzf(place)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const xlen = view.getUint16(at + 10, true)
  let size = -1
  for (let p = at + 12; p + 4 <= at + 12 + xlen;) {
    if (p + 4 > buf.length) return undefined
    const slen = view.getUint16(p + 2, true)
    if (buf[p] === 66 && buf[p + 1] === 67 && slen === 2) {
      if (p + 6 > buf.length) return undefined
      size = view.getUint16(p + 4, true) + 1
    }
    p += 4 + slen
  }
  if (size < 0) throw new FormatError('expected a BGZF block with a BC extra subfield', place)
  if (size < 12 + xlen + 8 + 2) {
    throw new FormatError(`BGZF block size ${size} is too small for its header and trailer`, place)
  }
  if (at + size > buf.length) return undefined
  const crc = view.getUint32(at + size - 8, true)
  const dataSize = view.getUint32(at + size - 4, true)
  if (dataSize > BGZF_MAX_BLOCK) {
    throw new FormatError(`BGZF block claims ${dataSize} uncompressed bytes (at most 65536)`, place)
  }
  return { start: at, size, crc, dataSize }
}

function isBgzfStart(buf: Uint8Array, at: number): boolean {
  return buf[at] === 0x1f && buf[at + 1] === 0x8b && buf[at + 2] === 8 && (buf[at + 3]! & 4) !== 0
}

function notBgzf(place: { file: string; offset: number }): FormatError {
  return new FormatError('expected a BGZF block (gzip magic 1f 8b 08 with FEXTRA)', place)
}

/**
 * Inflate the consecutive whole blocks `blocks` of `buf` (which starts at `fileOffset` in `file`),
 * checking each block's ISIZE and CRC. Returns their concatenated uncompressed bytes.
 */
export async function inflateBgzfBlocks(
  buf: Uint8Array,
  blocks: BgzfBlockInfo[],
  file: string,
  fileOffset: number,
): Promise<Uint8Array> {
  const first = blocks[0]
  const last = blocks[blocks.length - 1]
  if (!first || !last) return new Uint8Array(0)
  const span = buf.subarray(first.start, last.start + last.size)
  let out: Uint8Array
  try {
    out = await unzip(span)
  } catch (err) {
    // the blocks are inflated together for speed; to name the bad one, inflate them one by one
    for (const b of blocks.length > 1 ? blocks : [])
      await unzip(buf.subarray(b.start, b.start + b.size)).catch((one: unknown) => {
        throw new FormatError(`cannot inflate the BGZF block: ${(one as Error).message}`, {
          file,
          offset: fileOffset + b.start,
        })
      })
    throw new FormatError(
      `cannot inflate the BGZF blocks in bytes ${fileOffset + first.start}-${fileOffset + last.start + last.size}: ${(err as Error).message}`,
      { file, offset: fileOffset + first.start },
    )
  }
  let u = 0
  for (const b of blocks) {
    const data = out.subarray(u, u + b.dataSize)
    if (data.length !== b.dataSize || crc32(data) !== b.crc) {
      throw new FormatError(
        data.length !== b.dataSize
          ? `BGZF block inflates to fewer bytes than its ISIZE ${b.dataSize}`
          : 'BGZF block data does not match its CRC-32',
        { file, offset: fileOffset + b.start },
      )
    }
    u += b.dataSize
  }
  if (u !== out.length) {
    throw new FormatError(`BGZF blocks inflate to ${out.length} bytes, their ISIZEs sum to ${u}`, {
      file,
      offset: fileOffset + first.start,
    })
  }
  return out
}

/** Inflated blocks a BgzfReader keeps (64 KiB each). */
const BLOCK_CACHE = 32

/**
 * Random access to the uncompressed bytes of a BGZF file through its `.gzi`: `read(length,
 * position)` as a GenericFilehandle reads. The `.gzi` and inflated blocks are shared by every
 * caller; a caller's signal aborts that caller only.
 */
export class BgzfReader {
  /** The BGZF file and its `.gzi`. */
  readonly file: NamedFile
  readonly gziFile: NamedFile
  private readonly table: Lazy<GziTable>
  /** Inflated blocks by block index: reads of neighbouring members (a whole path, a region) then
   * inflate and CRC-check each block once instead of once per member. */
  private readonly blocks = new Lru<number, Promise<Uint8Array>>(BLOCK_CACHE)

  constructor(file: NamedFile, gzi: NamedFile) {
    this.file = file
    this.gziFile = gzi
    this.table = new Lazy(async () => parseGzi(await gzi.handle.readFile(), gzi.name))
  }

  /** The `.gzi` block table (loaded once; a failed load is retried on the next call). */
  index(opts: AbortOptions = {}): Promise<GziTable> {
    return this.table.get(opts)
  }

  /**
   * `length` uncompressed bytes from uncompressed offset `position`, with one ranged read of the
   * file. Reading past the end of the data is a FormatError (positions come from an index).
   */
  async read(length: number, position: number, opts: AbortOptions = {}): Promise<Uint8Array> {
    if (
      !Number.isSafeInteger(position) ||
      position < 0 ||
      !Number.isSafeInteger(length) ||
      length < 0
    )
      throw new ArgumentError(`bad BGZF read of ${length} bytes at ${position}`)
    if (length === 0) return new Uint8Array(0)
    checkAbort(opts.signal)
    const table = await this.index(opts)
    const us = table.uncompressed
    const i = lastAtOrBelow(us, position)
    const blockEnd = i + 1 < us.length ? us[i + 1]! : Infinity
    const from = position - us[i]!
    if (position + length <= blockEnd && blockEnd < Infinity) {
      // within one whole block: inflate it once for every reader of its neighbours
      const block = await memo(this.blocks, i, () => this.readRange(table, us[i]!, blockEnd), opts)
      return block.slice(from, from + length)
    }
    // this caller's own read: its signal cancels the request itself
    const data = await this.readRange(table, position, position + length, opts.signal)
    return data.subarray(from, from + length)
  }

  /** Inflate the blocks covering [offset, end): the data from the start of the first block. */
  private async readRange(
    table: GziTable,
    offset: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const length = end - offset
    const { compressed: cs, uncompressed: us } = table
    const n = cs.length
    const i = lastAtOrBelow(us, offset)
    const j = lastAtOrBelow(us, end - 1) + 1
    const start = cs[i]!
    const want = (j < n ? cs[j]! : cs[n - 1]! + BGZF_MAX_BLOCK) - start
    const name = this.file.name
    const buf = await readAt(this.file.handle, want, start, { signal })

    const blocks: BgzfBlockInfo[] = []
    let at = 0
    let u = us[i]!
    let k = i
    while (u < end) {
      if (k + 1 < n && start + at >= cs[k + 1]!) {
        if (start + at !== cs[k + 1]! || u !== us[k + 1]!) {
          throw new FormatError(
            `the .gzi ${this.gziFile.name} puts a block at (${cs[k + 1]}, ${us[k + 1]}), the file has one at (${start + at}, ${u})`,
            { file: name, offset: start + at },
          )
        }
        k++
      }
      const block = at < buf.length ? bgzfBlockAt(buf, at, name, start) : undefined
      if (!block) {
        if (buf.length < want) {
          throw new FormatError(
            `truncated BGZF: the file ends at ${start + buf.length}, inside or before the block needed for uncompressed offset ${u}`,
            { file: name, offset: start + at },
          )
        }
        throw new FormatError(
          `the .gzi ${this.gziFile.name} does not cover this block (it is stale or wrong)`,
          { file: name, offset: start + at },
        )
      }
      // An empty block past the last indexed one is the EOF marker.
      if (block.dataSize === 0 && k + 1 >= n) {
        throw new FormatError(
          `read of ${length} bytes at uncompressed offset ${offset} goes past the end of the data at ${u}`,
          { file: name, offset: start + at },
        )
      }
      blocks.push(block)
      u += block.dataSize
      at += block.size
    }
    return inflateBgzfBlocks(buf, blocks, name, start)
  }
}

/** Index of the last element of the ascending `values` that is ≤ x (values[0] is 0 ≤ x). */
function lastAtOrBelow(values: Float64Array, x: number): number {
  return partitionPoint(values.length, (i) => values[i]! <= x) - 1
}
