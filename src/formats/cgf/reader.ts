// CGF v3 reader over any GenericFilehandle (browser-safe). Paths are found by one sequential scan
// (PathStructOffset is wrong after the first path in cgft files, spec §10.10); each PathStruct is
// then read with one range request and parsed on demand. The scan and each PathStruct are loaded
// once and shared; a caller's signal aborts that caller only.
import { ArgumentError, FormatError, NotFoundError } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { formatPath } from '../../core/tileId.js'
import { Lazy, memo } from '../../core/shared.js'
import type { Band } from '../band/band.js'
import { CGF_MAGIC, CGF_VERSION } from './encode.js'
import { CgfPath, decodedToBand, pathStructLayout, pathStructLength } from './pathStruct.js'
import type { DecodedPath, StepAlleles } from './pathStruct.js'
import { readU64 } from './sdsl/intVector.js'
import { parseHexitEntries } from './tileMap.js'
import type { TileMapEntry } from './tileMap.js'

/** The header fields of a CGF v3 file (spec §10). */
export interface CgfHeader {
  /** CGFVersion, "0.3.1" */
  version: string
  libraryVersion: string
  pathCount: number
  tileMap: string
  /** PathStructOffset as stored (only entry 0 is right in cgft files with several paths) */
  pathStructOffsets: number[]
}

/** Where a path lives in the file, found by the sequential scan. */
export interface CgfPathEntry {
  path: number
  offset: number
  length: number
  /** NTileStep */
  steps: number
}

interface CgfIndex {
  header: CgfHeader
  entries: CgfPathEntry[]
  byPath: Map<number, CgfPathEntry>
  hexitEntries: TileMapEntry[]
}

const WINDOW = 1 << 16

/** Sequential reads through a window, every read checked against the file size. */
class Window {
  private buf = new Uint8Array(0)
  private start = 0
  constructor(
    private readonly file: NamedFile,
    readonly size: number,
  ) {}

  /** `len` bytes at `at`, from the window or a new window read there. */
  async get(len: number, at: number, what: string): Promise<Uint8Array> {
    if (at + len > this.size)
      throw new FormatError(`${what}: needs ${len} bytes, the file ends after ${this.size - at}`, {
        file: this.file.name,
        offset: at,
      })
    if (at < this.start || at + len > this.start + this.buf.length) {
      const want = Math.min(Math.max(len, WINDOW), this.size - at)
      this.buf = await this.file.handle.read(want, at)
      this.start = at
      if (this.buf.length < len)
        throw new FormatError(`${what}: short read`, { file: this.file.name, offset: at })
    }
    return this.buf.subarray(at - this.start, at - this.start + len)
  }
}

/** A CGF v3 genome file: its header, its paths, and each path's variants and no-calls. */
export class CgfReader {
  private readonly index: Lazy<CgfIndex>
  private readonly paths = new Map<number, Promise<CgfPath>>()

  constructor(private readonly file: NamedFile) {
    this.index = new Lazy(() => this.scan())
  }

  private fail(reason: string, offset: number): FormatError {
    return new FormatError(reason, { file: this.file.name, offset })
  }

  private async scan(): Promise<CgfIndex> {
    const { size } = await this.file.handle.stat()
    const w = new Window(this.file, size)
    const origin = (base: number) => ({ file: this.file.name, base })
    const magic = await w.get(8, 0, 'Magic')
    if (!magic.every((b, i) => b === CGF_MAGIC[i]))
      throw this.fail('not a CGF v3 file: the magic is not {"cgf.b"', 0)
    let at = 8
    const str = async (what: string) => {
      const len = new DataView((await w.get(4, at, what)).slice().buffer).getUint32(0, true)
      const text = new TextDecoder().decode(await w.get(len, at + 4, what))
      at += 4 + len
      return text
    }
    const version = await str('CGFVersion')
    if (version.includes('noc-inv'))
      throw this.fail(
        `CGF version '${version}' (cgft -T noc-inv) has undocumented semantics and is not supported`,
        8,
      )
    if (version !== CGF_VERSION)
      throw this.fail(`unsupported CGF version '${version}', expected '${CGF_VERSION}'`, 8)
    const libraryVersion = await str('LibraryVersion')
    const pathCount = readU64(await w.get(8, at, 'PathCount'), 0, origin(at), 'PathCount')
    const countAt = at
    at += 8
    const tileMapAt = at
    const tileMap = await str('TileMap')
    if (pathCount * 8 > size - at)
      throw this.fail(`PathCount ${pathCount} does not fit in the file`, countAt)
    const offsets = await w.get(8 * pathCount, at, 'PathStructOffset')
    const pathStructOffsets: number[] = []
    for (let i = 0; i < pathCount; i++)
      pathStructOffsets.push(readU64(offsets, 8 * i, origin(at), 'PathStructOffset'))
    at += 8 * pathCount
    const hexitEntries = parseHexitEntries(tileMap, { file: this.file.name, offset: tileMapAt })
    const entries: CgfPathEntry[] = []
    const byPath = new Map<number, CgfPathEntry>()
    for (let i = 0; i < pathCount; i++) {
      const avail = size - at
      let need = 12
      let layout = pathStructLayout(
        await w.get(Math.min(avail, 64), at, 'PathStruct'),
        origin(at),
        avail,
      )
      while (typeof layout === 'number' && layout > need) {
        need = layout
        layout = pathStructLayout(await w.get(need, at, 'PathStruct'), origin(at), avail)
      }
      if (typeof layout === 'number') throw this.fail('PathStruct is truncated', at)
      const sizes = await w.get(80, at + layout.sizesAt, 'vector sizes')
      const length = pathStructLength(layout, sizes, origin(at), avail)
      if (byPath.has(layout.path))
        throw this.fail(`path ${formatPath(layout.path)} appears twice`, at)
      const entry = { path: layout.path, offset: at, length, steps: layout.n }
      entries.push(entry)
      byPath.set(layout.path, entry)
      at += length
    }
    if (at !== size)
      throw this.fail(`${size - at} bytes follow the last of ${pathCount} PathStructs`, at)
    const header = { version, libraryVersion, pathCount, tileMap, pathStructOffsets }
    return { header, entries, byPath, hexitEntries }
  }

  private getIndex(opts: AbortOptions = {}): Promise<CgfIndex> {
    return this.index.get(opts)
  }

  /** The header (read once with the path index). */
  async getHeader(opts: AbortOptions = {}): Promise<CgfHeader> {
    return (await this.getIndex(opts)).header
  }

  /** Every path in file order with its byte offset, length and step count. */
  async getPaths(opts: AbortOptions = {}): Promise<CgfPathEntry[]> {
    return (await this.getIndex(opts)).entries
  }

  /** Parsed PathStruct of `path` (memoised). */
  async getPath(path: number, opts: AbortOptions = {}): Promise<CgfPath> {
    return memo(this.paths, path, () => this.loadPath(path), opts)
  }

  private async loadPath(path: number): Promise<CgfPath> {
    const index = await this.getIndex()
    const entry = index.byPath.get(path)
    if (!entry)
      throw new NotFoundError(`${this.file.name}: path ${formatPath(path)} is not in this CGF`)
    const bytes = await this.file.handle.read(entry.length, entry.offset)
    if (bytes.length !== entry.length) throw this.fail('PathStruct: short read', entry.offset)
    return new CgfPath(bytes, { file: this.file.name, base: entry.offset }, index.hexitEntries)
  }

  /** Variants and no-call runs of one step, without decoding the whole path. */
  async alleles(path: number, step: number, opts: AbortOptions = {}): Promise<StepAlleles> {
    return (await this.getPath(path, opts)).alleles(step)
  }

  /** The whole path as typed arrays. */
  async decodePath(path: number, opts: AbortOptions = {}): Promise<DecodedPath> {
    return (await this.getPath(path, opts)).decode()
  }

  /** The whole path as a band (spec §9). */
  async band(path: number, opts: AbortOptions = {}): Promise<Band> {
    return decodedToBand(await this.decodePath(path, opts))
  }
}

/** Parse a tile path given as hex (`035e`), as on the command line. */
export function parseCgfPath(text: string): number {
  if (!/^[0-9a-f]{1,4}$/i.test(text))
    throw new ArgumentError(`'${text}' is not a tile path (hex, e.g. 035e)`)
  return parseInt(text, 16)
}
