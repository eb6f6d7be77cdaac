// BGZF data addressed by virtual offsets (compressed offset of a block × 2^16 + offset inside its
// data), as indexes such as CSI give them. Browser-safe.
import { FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { BGZF_MAX_BLOCK, bgzfBlockAt, inflateBgzfBlocks } from './reader.js'
import type { BgzfBlockInfo } from './reader.js'

/** A BGZF virtual offset: compressed offset of a block × 2^16 + offset inside its data. */
export type VirtualOffset = number

/** The uncompressed bytes of a whole BGZF file (such as an index) that is already in memory. */
export function inflateBgzf(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  return inflateBgzfBlocks(bytes, blocksBefore(bytes, name, 0, bytes.length), name, 0)
}

/** The uncompressed bytes of a BGZF file between two virtual offsets, with one ranged read. */
export async function readVirtualRange(
  file: NamedFile,
  from: VirtualOffset,
  to: VirtualOffset,
  opts: AbortOptions = {},
): Promise<Uint8Array> {
  checkAbort(opts.signal)
  if (to <= from) return new Uint8Array(0)
  const c0 = Math.floor(from / 0x10000)
  const c1 = Math.floor(to / 0x10000)
  const u1 = to % 0x10000
  // the blocks from c0 to c1, and c1's too when `to` is inside it (a block is at most 64 KiB)
  const end = u1 > 0 ? c1 + 1 : c1
  const buf = await file.handle.read(
    end - c0 + (u1 > 0 ? BGZF_MAX_BLOCK : 0),
    c0,
    opts.signal ? { signal: opts.signal } : {},
  )
  const blocks = blocksBefore(buf, file.name, c0, end)
  const last = blocks[blocks.length - 1]
  if (u1 > 0 && last && c0 + last.start !== c1)
    throw new FormatError(`no BGZF block starts at ${c1}, where the index points`, {
      file: file.name,
      offset: c0 + last.start,
    })
  const data = await inflateBgzfBlocks(buf, blocks, file.name, c0)
  return data.subarray(from % 0x10000, u1 > 0 ? data.length - last!.dataSize + u1 : data.length)
}

/** The whole BGZF blocks of `buf` (read at `offset`) that start before file offset `end`. */
function blocksBefore(buf: Uint8Array, name: string, offset: number, end: number): BgzfBlockInfo[] {
  const blocks: BgzfBlockInfo[] = []
  for (let at = 0; offset + at < end;) {
    const block = bgzfBlockAt(buf, at, name, offset)
    if (!block)
      throw new FormatError('BGZF data ends inside a block its index points to (truncated?)', {
        file: name,
        offset: offset + at,
      })
    blocks.push(block)
    at += block.size
  }
  return blocks
}
