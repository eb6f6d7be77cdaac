// Node-only: write a tar of named members, BGZF-compressed with its `.gzi`, and the tarindexer
// `.tai` (spec §4.3). The 512-byte ustar header is built here rather than with tar-stream: the
// members go straight into the synchronous BGZF encoder with no stream plumbing, the `.tai` data
// offset is simply the running byte count + 512, and tar-stream would silently switch to pax
// headers for long names, which would move the data offsets and break ustar-only readers.
import { once } from 'node:events'
import { ArgumentError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { createAtomicWriteStream } from '../../core/atomicWrite.js'
import { writeBgzfFile } from '../bgzf/writer.js'
import type { BgzfWriterOptions } from '../bgzf/writer.js'

/** A member to write: its name and bytes. */
export interface TarMember {
  name: string
  data: Uint8Array
}

/** Options of writeTarBgzf. */
export interface TarWriterOptions extends BgzfWriterOptions, AbortOptions {
  /** Modification time of every member, seconds since 1970 (default 0, for reproducible files). */
  mtime?: number
}

const BLOCK = 512
/** Tar's default record: 20 blocks. */
const RECORD = 20 * BLOCK
/** Largest size an 11-digit octal field holds. */
const MAX_SIZE = 8 ** 11 - 1

/** The `.tai` location for a `X.tar.gz`: `X.tar.tai`. */
export function tarIndexPath(tarGz: string): string {
  if (!tarGz.endsWith('.tar.gz')) throw new ArgumentError(`expected a .tar.gz name, got ${tarGz}`)
  return `${tarGz.slice(0, -3)}.tai`
}

function octal(header: Uint8Array, at: number, width: number, value: number): void {
  const s = value.toString(8).padStart(width - 1, '0')
  for (let i = 0; i < s.length; i++) header[at + i] = s.charCodeAt(i)
}

function ascii(header: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) header[at + i] = s.charCodeAt(i)
}

/** Split a name into ustar `prefix` (≤ 155 bytes) and `name` (≤ 100 bytes) at a `/`. */
function splitName(name: string): [string, string] {
  if (!/^[\x20-\x7e]+$/.test(name))
    throw new ArgumentError(`tar member name ${JSON.stringify(name)} is not printable ASCII`)
  if (name.length <= 100) return ['', name]
  for (let cut = name.indexOf('/'); cut >= 0; cut = name.indexOf('/', cut + 1)) {
    const rest = name.length - cut - 1
    if (cut <= 155 && rest >= 1 && rest <= 100) return [name.slice(0, cut), name.slice(cut + 1)]
  }
  throw new ArgumentError(`tar member name is too long for ustar (${name.length} bytes): ${name}`)
}

/** The ustar header of a regular file member. */
export function ustarHeader(name: string, size: number, mtime = 0): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_SIZE)
    throw new ArgumentError(`tar member ${name}: size ${size} does not fit ustar`)
  const [prefix, base] = splitName(name)
  const h = new Uint8Array(BLOCK)
  ascii(h, 0, base)
  octal(h, 100, 8, 0o644)
  octal(h, 108, 8, 0)
  octal(h, 116, 8, 0)
  octal(h, 124, 12, size)
  octal(h, 136, 12, mtime)
  h[156] = 0x30 // '0': regular file
  ascii(h, 257, 'ustar\x0000')
  ascii(h, 345, prefix)
  // The checksum is summed with its own field as eight spaces.
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  // six digits, NUL, space: as GNU tar and Python's tarfile write it
  octal(h, 148, 7, sum)
  h[154] = 0
  h[155] = 0x20
  return h
}

/**
 * Write the members, one at a time, as a ustar archive compressed to BGZF at `tarGz` (a name
 * ending in `.tar.gz`), with `tarGz.gzi` and the `.tai` index (`NAME OFFSET SIZE` per member,
 * OFFSET being the data offset in the uncompressed tar). Each file goes through a temporary name.
 * Names must be printable ASCII, unique and fit ustar's prefix/name fields.
 */
export async function writeTarBgzf(
  tarGz: string,
  members: AsyncIterable<TarMember> | Iterable<TarMember>,
  opts: TarWriterOptions = {},
): Promise<{ members: number; tarSize: number }> {
  const tai = createAtomicWriteStream(tarIndexPath(tarGz))
  const mtime = opts.mtime ?? 0
  const seen = new Set<string>()
  let position = 0
  async function* tarBytes(): AsyncGenerator<Uint8Array> {
    for await (const { name, data } of members) {
      checkAbort(opts.signal)
      if (seen.has(name)) throw new ArgumentError(`tar member ${name} appears twice`)
      seen.add(name)
      const header = ustarHeader(name, data.length, mtime)
      if (!tai.stream.write(`${name} ${position + BLOCK} ${data.length}\n`))
        await once(tai.stream, 'drain')
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK
      yield header
      yield data
      if (pad) yield new Uint8Array(pad)
      position += BLOCK + data.length + pad
    }
    // two zero blocks end the archive; GNU tar and Python's tarfile then pad it to whole records
    const end = Math.ceil((position + 2 * BLOCK) / RECORD) * RECORD
    yield new Uint8Array(end - position)
    position = end
  }
  try {
    await writeBgzfFile(tarGz, tarBytes(), opts)
    await tai.commit()
  } catch (err) {
    await tai.abort()
    throw err
  }
  return { members: seen.size, tarSize: position }
}
