// Browser-safe: read members of a BGZF-compressed tar by name through its tarindexer `.tai`
// (spec §4.3) and the `.gzi`, with one ranged read per member. Only the `.tai` is trusted for
// where a member lies: upstream tars may carry GNU or pax headers. The ustar header parser is
// written here (as the writer is) for `verify`, which checks each header against the `.tai`.
import type { GenericFilehandle } from 'generic-filehandle2'
import { concatBytes } from '../../core/bytes.js'
import { ArgumentError, FormatError, NotFoundError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { readText } from '../../core/filehandle.js'
import type { NamedFile } from '../../core/filehandle.js'
import { Lazy } from '../../core/shared.js'
import { BgzfReader } from '../bgzf/reader.js'
import { decompressedChunks } from '../stream.js'
import type { StreamOptions } from '../stream.js'

/** A member as the `.tai` lists it. */
export interface TarEntry {
  name: string
  /** Offset of the member's data in the uncompressed tar. */
  offset: number
  size: number
}

/** The members of a `.tai`, in file order. */
export class TarIndex {
  /** The `.tai`, for messages. */
  readonly file: string
  /** Member names, and their data offsets and sizes in the uncompressed tar, in `.tai` order. */
  readonly names: readonly string[]
  readonly offsets: Float64Array
  readonly sizes: Float64Array
  private readonly byName: Map<string, number>

  private constructor(file: string, names: string[], offsets: Float64Array, sizes: Float64Array) {
    this.file = file
    this.names = names
    this.offsets = offsets
    this.sizes = sizes
    this.byName = new Map(names.map((n, i) => [n, i]))
  }

  /** Parse `.tai` text: `NAME OFFSET SIZE` per line, split on the last two spaces. */
  static parse(text: string, file: string): TarIndex {
    const lines = text.split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    const names: string[] = []
    const offsets = new Float64Array(lines.length)
    const sizes = new Float64Array(lines.length)
    const seen = new Set<string>()
    lines.forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      const place = { file, line: i + 1 }
      const b = line.lastIndexOf(' ')
      const a = b > 0 ? line.lastIndexOf(' ', b - 1) : -1
      const name = line.slice(0, Math.max(a, 0))
      const offset = line.slice(a + 1, b)
      const size = line.slice(b + 1)
      if (a <= 0 || !/^\d+$/.test(offset) || !/^\d+$/.test(size)) {
        throw new FormatError(
          `expected "NAME OFFSET SIZE" with decimal OFFSET and SIZE, got ${JSON.stringify(line)}`,
          place,
        )
      }
      if (seen.has(name)) throw new FormatError(`member ${name} is listed twice`, place)
      seen.add(name)
      names.push(name)
      offsets[i] = Number(offset)
      sizes[i] = Number(size)
      if (!Number.isSafeInteger(offsets[i]! + sizes[i]!))
        throw new FormatError(`offset ${offset} + size ${size} is too large`, place)
    })
    return new TarIndex(file, names, offsets, sizes)
  }

  /** Number of members. */
  get length(): number {
    return this.names.length
  }

  /** The member called `name`, or undefined. */
  get(name: string): TarEntry | undefined {
    const i = this.byName.get(name)
    return i === undefined ? undefined : { name, offset: this.offsets[i]!, size: this.sizes[i]! }
  }
}

/** What a ustar member header says: the member's name (prefix/name joined) and size. */
export interface UstarHeader {
  name: string
  size: number
}

/**
 * Parse the 512-byte ustar header `block`. Undefined when it is not one: no `ustar` magic, a
 * size that is not octal, or a checksum that does not add up.
 */
export function parseUstarHeader(block: Uint8Array): UstarHeader | undefined {
  if (block.length !== 512) return undefined
  const text = (a: number, b: number) => {
    let s = ''
    for (let i = a; i < b && block[i] !== 0; i++) s += String.fromCharCode(block[i]!)
    return s
  }
  if (text(257, 262) !== 'ustar') return undefined
  // the checksum: every byte summed with its own eight-byte field read as spaces
  let sum = 8 * 0x20
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += block[i]!
  const stored = text(148, 156).trim()
  const size = text(124, 136).trim()
  if (!/^[0-7]+$/.test(stored) || parseInt(stored, 8) !== sum || !/^[0-7]+$/.test(size))
    return undefined
  const prefix = text(345, 500)
  const name = text(0, 100)
  return { name: prefix ? `${prefix}/${name}` : name, size: parseInt(size, 8) }
}

/** The three files of a 2bit-tar library. */
export interface TarFiles {
  /** The BGZF-compressed tar, `X.tar.gz`. */
  tar: NamedFile
  /** Its `.gzi`, `X.tar.gz.gzi`. */
  gzi: NamedFile
  /** Its tarindexer index, `X.tar.tai`. */
  tai: NamedFile
}

/**
 * Members of a `X.tar.gz` + `.gzi` + `X.tar.tai` by name. The `.tai` and inflated blocks are
 * shared by every caller; a caller's signal aborts that caller only.
 */
export class TarReader {
  /** The `.tar.gz`, `.gzi` and `.tai` read. */
  readonly files: TarFiles
  /** The uncompressed tar, for reads by offset (`read(length, position)`). */
  readonly bgzf: BgzfReader
  private readonly tai: Lazy<TarIndex>

  constructor(files: TarFiles) {
    this.files = files
    this.bgzf = new BgzfReader(files.tar, files.gzi)
    const { name, handle } = files.tai
    this.tai = new Lazy(async () => TarIndex.parse(await readText(handle), name))
  }

  /** Open `location` (`X.tar.gz`, a path or URL) and its `.gzi` and `.tai` with `open`. */
  static open(location: string, open: (location: string) => GenericFilehandle): TarReader {
    if (!location.endsWith('.tar.gz'))
      throw new ArgumentError(`expected a name ending in .tar.gz, got ${location}`)
    const named = (name: string) => ({ name, handle: open(name) })
    return new TarReader({
      tar: named(location),
      gzi: named(`${location}.gzi`),
      tai: named(`${location.slice(0, -3)}.tai`),
    })
  }

  /** The `.tai` (loaded once; a failed load is retried on the next call). */
  index(opts: AbortOptions = {}): Promise<TarIndex> {
    return this.tai.get(opts)
  }

  /** The bytes of member `name`. */
  async read(name: string, opts: AbortOptions = {}): Promise<Uint8Array> {
    checkAbort(opts.signal)
    const entry = (await this.index(opts)).get(name)
    if (!entry) throw new NotFoundError(`tar member ${name} is not in ${this.files.tai.name}`)
    return this.bgzf.read(entry.size, entry.offset, opts)
  }

  /**
   * The members whose names `pick` keeps, in tar order, read with one ranged read over the span
   * they cover: a run of neighbouring members of a large tar (`members` streams all of it).
   */
  async membersIn(
    pick: (name: string) => boolean,
    opts: AbortOptions = {},
  ): Promise<{ name: string; data: Uint8Array }[]> {
    const tai = await this.index(opts)
    const chosen = Array.from(tai.names.keys())
      .filter((i) => pick(tai.names[i]!))
      .sort((a, b) => tai.offsets[a]! - tai.offsets[b]!)
    if (!chosen.length) return []
    const lo = tai.offsets[chosen[0]!]!
    let hi = lo
    for (const i of chosen) hi = Math.max(hi, tai.offsets[i]! + tai.sizes[i]!)
    checkAbort(opts.signal)
    const buf = await this.bgzf.read(hi - lo, lo, opts)
    if (buf.length !== hi - lo)
      throw new FormatError(
        `members end past the end of the tar (${buf.length} of ${hi - lo} bytes)`,
        {
          file: this.files.tar.name,
        },
      )
    return chosen.map((i) => {
      const at = tai.offsets[i]! - lo
      return { name: tai.names[i]!, data: buf.subarray(at, at + tai.sizes[i]!) }
    })
  }

  /**
   * Every member in tar order, read in one pass over the decompressed tar (cheaper than a ranged
   * read per member when most members are wanted). Members are cut by the `.tai` offsets.
   */
  async *members(opts: StreamOptions = {}): AsyncGenerator<{ name: string; data: Uint8Array }> {
    const tai = await this.index(opts)
    const order = Array.from(tai.names.keys()).sort((a, b) => tai.offsets[a]! - tai.offsets[b]!)
    let k = 0
    let base = 0 // uncompressed offset of buf[0]
    let buf: Uint8Array = new Uint8Array(0)
    for await (const chunk of decompressedChunks(this.files.tar, opts)) {
      buf = buf.length ? concatBytes([buf, chunk]) : chunk
      for (; k < order.length; k++) {
        const i = order[k]!
        const end = tai.offsets[i]! + tai.sizes[i]! - base
        if (end > buf.length) break
        yield { name: tai.names[i]!, data: buf.slice(tai.offsets[i]! - base, end) }
      }
      // drop what lies before the next member, but never bytes that have not arrived yet
      const next = k < order.length ? tai.offsets[order[k]!]! - base : buf.length
      const keep = Math.min(buf.length, Math.max(0, next))
      buf = buf.slice(keep) // a copy: the stream may reuse its chunk buffers
      base += keep
    }
    if (k < order.length)
      throw new FormatError(`member ${tai.names[order[k]!]} lies past the end of the tar`, {
        file: this.files.tar.name,
      })
  }
}
