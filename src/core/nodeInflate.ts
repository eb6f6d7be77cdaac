// Node-only: BGZF reads inflate with zlib (see src/container/bgzf/inflate.ts). Importing this
// module installs it; the Node entry points (openStore, the CLI) import it.
import { gunzipSync, inflateRawSync } from 'node:zlib'
import { installInflate } from '../container/bgzf/inflate.js'

/**
 * Each BGZF block's deflate data inflated raw, so that a bad CRC or ISIZE is left to the reader,
 * which names the block (gunzip would stop at the first with its own message); anything not
 * framed as BGZF goes through gunzip whole.
 */
function inflateMembers(bytes: Uint8Array): Uint8Array {
  const parts: Buffer[] = []
  let total = 0
  for (let at = 0; at < bytes.length;) {
    // gzip magic, deflate, FEXTRA, XLEN 6, subfield BC of length 2 holding BSIZE − 1
    const bgzf =
      at + 18 <= bytes.length &&
      bytes[at] === 0x1f &&
      bytes[at + 1] === 0x8b &&
      bytes[at + 3]! & 4 &&
      bytes[at + 10] === 6 &&
      bytes[at + 12] === 0x42 &&
      bytes[at + 13] === 0x43
    if (!bgzf) {
      const rest = gunzipSync(bytes.subarray(at))
      parts.push(rest)
      total += rest.length
      break
    }
    const size = (bytes[at + 16]! | (bytes[at + 17]! << 8)) + 1
    if (at + size > bytes.length) throw new Error('a BGZF block runs past the data')
    const data = inflateRawSync(bytes.subarray(at + 18, at + size - 8))
    parts.push(data)
    total += data.length
    at += size
  }
  const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
  return new Uint8Array(out.buffer, out.byteOffset, out.length)
}

installInflate(async (bytes) => inflateMembers(bytes))
