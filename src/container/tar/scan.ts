// Browser-safe: rebuild the indexes of a BGZF-compressed tar from its bytes alone, the `.gzi` from
// the BGZF block headers (as `bgzip -r`) and the tarindexer `.tai` from the tar headers (as
// `tarindexer -i`), both streamed.
import { ArgumentError, FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { concatBytes } from '../../core/bytes.js'
import { bgzfBlockAt } from '../bgzf/reader.js'
import { decompressedChunks } from '../stream.js'

const BLOCK = 512
const CHUNK = 1 << 20

/** The `.gzi` of a BGZF file: u64 count, then a (compressed, uncompressed) offset pair per block after the first. */
export async function scanGzi(file: NamedFile, opts: AbortOptions = {}): Promise<Uint8Array> {
  const pairs: number[] = []
  let pending = new Uint8Array(0)
  let base = 0 // file offset of pending[0]
  let uncompressed = 0
  for (let pos = 0; ;) {
    checkAbort(opts.signal)
    const chunk = await file.handle.read(CHUNK, pos, opts.signal ? { signal: opts.signal } : {})
    pos += chunk.length
    const buf = pending.length ? concatBytes([pending, chunk]) : chunk
    let at = 0
    for (
      let b = bgzfBlockAt(buf, 0, file.name, base);
      b;
      b = bgzfBlockAt(buf, at, file.name, base)
    ) {
      const offset = base + at
      if (offset > 0 && b.dataSize > 0) pairs.push(offset, uncompressed)
      uncompressed += b.dataSize
      at += b.size
      if (at === buf.length) break
    }
    pending = buf.slice(at)
    base += at
    if (chunk.length < CHUNK) break
  }
  if (pending.length)
    throw new FormatError(`truncated BGZF: the file ends ${pending.length} bytes into a block`, {
      file: file.name,
      offset: base,
    })
  const out = new Uint8Array(8 + 8 * pairs.length)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(pairs.length / 2), true)
  pairs.forEach((v, i) => view.setBigUint64(8 + 8 * i, BigInt(v), true))
  return out
}

function field(h: Uint8Array, from: number, len: number): string {
  let end = from
  while (end < from + len && h[end] !== 0) end++
  return new TextDecoder('latin1').decode(h.subarray(from, end))
}

/**
 * The `.tai` text of a tar (plain, gzip or BGZF): `NAME DATA_OFFSET SIZE` per regular file, in
 * tar order. ustar names with a prefix are joined; GNU long names and pax headers are refused.
 */
export async function scanTai(file: NamedFile, opts: AbortOptions = {}): Promise<string> {
  const lines: string[] = []
  let buf: Uint8Array = new Uint8Array(0)
  let base = 0 // tar offset of buf[0]
  let next = 0 // tar offset of the next header
  let ended = false
  for await (const chunk of decompressedChunks(file, opts)) {
    buf = buf.length ? concatBytes([buf, chunk]) : chunk
    while (!ended && next + BLOCK <= base + buf.length) {
      const h = buf.subarray(next - base, next - base + BLOCK)
      if (h.every((x) => x === 0)) {
        ended = true
        break
      }
      const place = { file: file.name, offset: next }
      const sizeText = field(h, 124, 12).trim()
      if (!/^[0-7]+$/.test(sizeText))
        throw new FormatError(`tar header size '${sizeText}' is not octal`, place)
      const size = parseInt(sizeText, 8)
      const type = String.fromCharCode(h[156]!)
      const magic = field(h, 257, 6)
      const prefix = magic.startsWith('ustar') ? field(h, 345, 155) : ''
      const name = prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100)
      if (type === 'L' || type === 'K' || type === 'x' || type === 'g')
        throw new ArgumentError(
          `${file.name}: tar member at ${next} has a GNU long-name or pax header (type ${type}), which a .tai cannot describe`,
        )
      if (type === '0' || type === '\0') lines.push(`${name} ${next + BLOCK} ${size}\n`)
      next += BLOCK + Math.ceil(size / BLOCK) * BLOCK
    }
    // keep only bytes from the next header on
    const keep = Math.max(0, Math.min(buf.length, next - base))
    buf = buf.slice(keep)
    base += keep
  }
  if (!ended && next > base + buf.length)
    throw new FormatError('the tar ends inside a member', {
      file: file.name,
      offset: base + buf.length,
    })
  return lines.join('')
}
