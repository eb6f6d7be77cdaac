// Browser-safe: read members of a BGZF-compressed tar by name through its tarindexer `.tai`
// (spec §4.3) and the `.gzi`, with one ranged read per member. Only the `.tai` is trusted for
// where a member lies: upstream tars may carry GNU or pax headers.
import type { GenericFilehandle } from 'generic-filehandle2'
import { concatBytes } from '../../core/bytes.js'
import { ArgumentError, FormatError, NotFoundError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { readText } from '../../core/filehandle.js'
import type { NamedFile } from '../../core/filehandle.js'
import { BgzfReader } from '../bgzf/reader.js'
import { decompressedChunks } from '../stream.js'
import type { StreamOptions } from '../stream.js'

export interface TarEntry {
  name: string
  /** Offset of the member's data in the uncompressed tar. */
  offset: number
  size: number
}

/** The members of a `.tai`, in file order. */
export class TarIndex {
  readonly file: string
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

  get length(): number {
    return this.names.length
  }

  get(name: string): TarEntry | undefined {
    const i = this.byName.get(name)
    return i === undefined ? undefined : { name, offset: this.offsets[i]!, size: this.sizes[i]! }
  }
}

export interface TarFiles {
  /** The BGZF-compressed tar, `X.tar.gz`. */
  tar: NamedFile
  /** Its `.gzi`, `X.tar.gz.gzi`. */
  gzi: NamedFile
  /** Its tarindexer index, `X.tar.tai`. */
  tai: NamedFile
}

/** Members of a `X.tar.gz` + `.gzi` + `X.tar.tai` by name. */
export class TarReader {
  readonly files: TarFiles
  readonly bgzf: BgzfReader
  private tai: Promise<TarIndex> | undefined

  constructor(files: TarFiles) {
    this.files = files
    this.bgzf = new BgzfReader(files.tar, files.gzi)
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
    if (!this.tai) {
      const { name, handle } = this.files.tai
      this.tai = readText(handle, opts.signal ? { signal: opts.signal } : {}).then((text) =>
        TarIndex.parse(text, name),
      )
      this.tai.catch(() => {
        this.tai = undefined
      })
    }
    return this.tai
  }

  /** The bytes of member `name`. */
  async read(name: string, opts: AbortOptions = {}): Promise<Uint8Array> {
    checkAbort(opts.signal)
    const entry = (await this.index(opts)).get(name)
    if (!entry) throw new NotFoundError(`tar member ${name} is not in ${this.files.tai.name}`)
    return this.bgzf.read(entry.offset, entry.size, opts)
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
