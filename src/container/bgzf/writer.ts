// Node-only BGZF writer (htslib-compatible blocks) that also produces the `.gzi` index.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { constants, crc32, deflateRawSync } from 'node:zlib'
import { createAtomicWriteStream, writeFileAtomic } from '../../core/atomicWrite.js'

/** Uncompressed bytes per block, as htslib's BGZF_BLOCK_SIZE: the deflated block always fits 64 KiB. */
export const BGZF_BLOCK_INPUT = 0xff00

/** The 28-byte empty block that ends every BGZF file. */
export const BGZF_EOF = Uint8Array.from([
  0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0,
  0, 0, 0, 0, 0, 0,
])

/** Options of the BGZF writers. */
export interface BgzfWriterOptions {
  /** zlib level 0–9; htslib's bgzip default is the zlib default (6). */
  level?: number
}

/** Compress one block of at most BGZF_BLOCK_INPUT bytes into a complete BGZF member. */
export function bgzfBlock(data: Uint8Array, level = constants.Z_DEFAULT_COMPRESSION): Uint8Array {
  const deflated = deflateRawSync(data, { level })
  const total = 18 + deflated.length + 8
  const block = new Uint8Array(total)
  const view = new DataView(block.buffer)
  block.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0])
  view.setUint16(16, total - 1, true)
  block.set(deflated, 18)
  view.setUint32(total - 8, crc32(data), true)
  view.setUint32(total - 4, data.length, true)
  return block
}

/**
 * Streaming BGZF compressor. Feed it bytes with `push`; it returns the finished members, holding at
 * most one block of input. The `.gzi` entries (one per block boundary after the first) cost 16
 * bytes per 64 KiB of input.
 */
export class BgzfEncoder {
  private readonly level: number
  private pending = new Uint8Array(BGZF_BLOCK_INPUT)
  private pendingLength = 0
  private compressedOffset = 0
  private uncompressedOffset = 0
  private readonly index: number[] = []

  constructor(opts: BgzfWriterOptions = {}) {
    this.level = opts.level ?? constants.Z_DEFAULT_COMPRESSION
  }

  /** Bytes of input seen so far (the uncompressed offset of the next byte). */
  get position(): number {
    return this.uncompressedOffset + this.pendingLength
  }

  /** The BGZF virtual offset the next byte gets (for indexes such as CSI): its block's compressed
   * offset × 2^16 + its offset in the block's data. */
  get virtualOffset(): number {
    return this.compressedOffset * 0x10000 + this.pendingLength
  }

  push(data: Uint8Array | string): Uint8Array[] {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
    const out: Uint8Array[] = []
    let at = 0
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, BGZF_BLOCK_INPUT - this.pendingLength)
      this.pending.set(bytes.subarray(at, at + n), this.pendingLength)
      this.pendingLength += n
      at += n
      if (this.pendingLength === BGZF_BLOCK_INPUT) out.push(this.flushBlock())
    }
    return out
  }

  /** Close the current block early (so the next byte starts a new block). */
  flush(): Uint8Array[] {
    return this.pendingLength > 0 ? [this.flushBlock()] : []
  }

  /** The last block and the EOF marker. */
  finish(): Uint8Array[] {
    return [...this.flush(), BGZF_EOF]
  }

  /** The `.gzi` index: u64 count, then (compressed, uncompressed) offset pairs. */
  gzi(): Uint8Array {
    const pairs = this.index.length / 2
    const buf = new Uint8Array(8 + 16 * pairs)
    const view = new DataView(buf.buffer)
    view.setBigUint64(0, BigInt(pairs), true)
    this.index.forEach((v, i) => view.setBigUint64(8 + 8 * i, BigInt(v), true))
    return buf
  }

  private flushBlock(): Uint8Array {
    if (this.compressedOffset > 0) this.index.push(this.compressedOffset, this.uncompressedOffset)
    const block = bgzfBlock(this.pending.subarray(0, this.pendingLength), this.level)
    this.compressedOffset += block.length
    this.uncompressedOffset += this.pendingLength
    this.pendingLength = 0
    return block
  }
}

async function writeAll(stream: Writable, blocks: Uint8Array[]): Promise<void> {
  for (const b of blocks) {
    // a stream that failed already (its file could not be opened) never drains
    if (stream.errored) throw stream.errored
    if (!stream.write(b)) await once(stream, 'drain')
  }
}

/** A chunk for writeBgzfFile that closes the current block (the next byte starts a new one). */
export const BGZF_FLUSH: unique symbol = Symbol('BGZF flush')

/**
 * Write `chunks` as a BGZF file at `path` (and `path.gzi` unless `gzi: false`), through temporary
 * files renamed into place. Returns the uncompressed size.
 */
export async function writeBgzfFile(
  path: string,
  chunks:
    | AsyncIterable<Uint8Array | string | typeof BGZF_FLUSH>
    | Iterable<Uint8Array | string | typeof BGZF_FLUSH>,
  opts: BgzfWriterOptions & { gzi?: boolean; encoder?: BgzfEncoder } = {},
): Promise<number> {
  // a caller's own encoder tells it each chunk's virtual offsets as `chunks` is consumed
  const enc = opts.encoder ?? new BgzfEncoder(opts)
  const out = createAtomicWriteStream(path)
  try {
    for await (const chunk of chunks)
      await writeAll(out.stream, chunk === BGZF_FLUSH ? enc.flush() : enc.push(chunk))
    await writeAll(out.stream, enc.finish())
    await out.commit()
  } catch (err) {
    await out.abort()
    throw err
  }
  if (opts.gzi !== false) await writeFileAtomic(`${path}.gzi`, enc.gzi())
  return enc.position
}
