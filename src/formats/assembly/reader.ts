// Browser-safe reader of the fixed-width assembly `assembly.VV.REF.fw.gz` and its `.fwi` index
// (spec §6): tile ↔ reference coordinates, reading only the bytes of the paths asked for.
import { BgzfReader } from '../../container/bgzf/reader.js'
import { readLines } from '../../container/stream.js'
import { ArgumentError, FormatError, NotFoundError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { readText } from '../../core/filehandle.js'
import type { NamedFile } from '../../core/filehandle.js'
import { formatPath } from '../../core/tileId.js'
import { partitionPoint } from '../../core/search.js'
import { Lazy, memo } from '../../core/shared.js'

/** A data line: `%04x\t%10d\n`. */
export const ASSEMBLY_LINE_BYTES = 15
export const ASSEMBLY_LINE_WIDTH = 16

/** One path block of an assembly, as the `.fwi` describes it. */
export interface AssemblyPathInfo {
  /** `build:chrom:PPPP`, the header without `>`. */
  name: string
  build: string
  chrom: string
  path: number
  /** Bytes of the block's data lines (16 × lines). */
  size: number
  /** Uncompressed offset of the first data line. */
  offset: number
}

/** The reported steps of one path and the 0-based exclusive reference end of each. */
export interface AssemblySteps {
  steps: Uint32Array
  ends: Float64Array
}

/** A reference interval, 0-based half-open. */
export interface ReferenceInterval {
  chrom: string
  start: number
  end: number
}

/** A tile of the reference tiling (skipped steps make spans) and its reference interval. */
export interface AssemblyTile {
  path: number
  step: number
  span: number
  start: number
  end: number
}

/** Split a block name `build:chrom:PPPP` (the chromosome may itself contain ':'). */
export function parseAssemblyName(
  name: string,
  place: { file?: string | undefined; line?: number | undefined } = {},
): { build: string; chrom: string; path: number } {
  const first = name.indexOf(':')
  const last = name.lastIndexOf(':')
  const pathText = name.slice(last + 1)
  if (first < 1 || last <= first + 1 || !/^[0-9a-f]{4}$/.test(pathText))
    throw new FormatError(`expected a path name 'build:chrom:PPPP', got '${name}'`, place)
  return {
    build: name.slice(0, first),
    chrom: name.slice(first + 1, last),
    path: parseInt(pathText, 16),
  }
}

/** §6.3: a block's data starts after the previous block's data and its own header line. */
export function fwiNextOffset(prevOffset: number, prevSize: number, name: string): number {
  return prevOffset + prevSize + new TextEncoder().encode(`>${name}\n`).length
}

/**
 * Parse a `.fwi` (`NAME SIZE OFFSET 15 16` per line, tab-separated) and check the §6.3 arithmetic:
 * each offset is the previous block's end plus this block's header line.
 */
export function parseFwi(text: string, file?: string): AssemblyPathInfo[] {
  const out: AssemblyPathInfo[] = []
  const lines = text.split('\n')
  let prevOffset = 0
  let prevSize = 0
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const place = { file, line: i + 1 }
    const cols = line.split('\t')
    if (cols.length !== 5)
      throw new FormatError(`expected 5 tab-separated columns, found ${cols.length}`, place)
    const [name, sizeText, offsetText, lineBytes, lineWidth] = cols as [
      string,
      string,
      string,
      string,
      string,
    ]
    if (lineBytes !== String(ASSEMBLY_LINE_BYTES) || lineWidth !== String(ASSEMBLY_LINE_WIDTH))
      throw new FormatError(
        `expected line bytes 15 and width 16, got ${lineBytes} ${lineWidth}`,
        place,
      )
    if (!/^\d+$/.test(sizeText) || !/^\d+$/.test(offsetText))
      throw new FormatError('expected decimal SIZE and OFFSET', place)
    const size = Number(sizeText)
    const offset = Number(offsetText)
    if (size % ASSEMBLY_LINE_WIDTH !== 0)
      throw new FormatError(`SIZE ${size} is not a multiple of the 16-byte line`, place)
    const want = fwiNextOffset(prevOffset, prevSize, name)
    if (offset !== want)
      throw new FormatError(
        `OFFSET ${offset} should be ${want} (previous block end + header)`,
        place,
      )
    prevOffset = offset
    prevSize = size
    out.push({ name, ...parseAssemblyName(name, place), size, offset })
  })
  return out
}

/** Parse one 16-byte data line at `text[at]`. Returns the step, writes nothing on failure. */
function parseDataLine(
  text: string,
  place: { file?: string | undefined; line?: number; offset?: number },
): { step: number; end: number } {
  const m = /^([0-9a-f]{4})\t( *\d+)$/.exec(text)
  if (!m || m[2]!.length !== 10)
    throw new FormatError(`expected a data line 'SSSS<TAB>%10d', got '${text}'`, place)
  return { step: parseInt(m[1]!, 16), end: Number(m[2]!.trim()) }
}

/** Steps strictly ascending and ends non-decreasing within a block. */
function outOfOrder(
  prevStep: number,
  prevEnd: number,
  step: number,
  end: number,
): string | undefined {
  if (step <= prevStep)
    return `step ${formatPath(step)} does not follow step ${formatPath(prevStep)}`
  if (end < prevEnd) return `end ${end} is before the previous end ${prevEnd}`
  return undefined
}

/** Parse the data lines of one block (its `size` bytes from the `.fwi`). */
export function parseAssemblyBlock(
  bytes: Uint8Array,
  file: string | undefined,
  offset: number,
): AssemblySteps {
  if (bytes.length % ASSEMBLY_LINE_WIDTH !== 0)
    throw new FormatError(`a block of ${bytes.length} bytes is not whole 16-byte lines`, {
      file,
      offset,
    })
  const n = bytes.length / ASSEMBLY_LINE_WIDTH
  const steps = new Uint32Array(n)
  const ends = new Float64Array(n)
  const text = new TextDecoder().decode(bytes)
  for (let i = 0; i < n; i++) {
    const at = i * ASSEMBLY_LINE_WIDTH
    const place = { file, offset: offset + at }
    if (text.charCodeAt(at + ASSEMBLY_LINE_BYTES) !== 10)
      throw new FormatError('expected a newline at the end of the 16-byte data line', place)
    const { step, end } = parseDataLine(text.slice(at, at + ASSEMBLY_LINE_BYTES), place)
    const bad = i > 0 ? outOfOrder(steps[i - 1]!, ends[i - 1]!, step, end) : undefined
    if (bad) throw new FormatError(bad, place)
    steps[i] = step
    ends[i] = end
  }
  return { steps, ends }
}

/** Options of AssemblyReader. */
export interface AssemblyReaderOptions {
  /** The BGZF (or gzip, or plain) assembly text. */
  gz: NamedFile
  /** Its `.gzi`; with `fwi`, paths are read by ranged reads. */
  gzi?: NamedFile | undefined
  /** The `.fwi` (`assembly.00.REF.fw.fwi`, or `<gz>.fwi`). Without it the file is scanned once. */
  fwi?: NamedFile | undefined
  /** Names the data lines before the first `>` header (an upstream header-less body). */
  bodyOf?: { build: string; chrom: string; path: number } | undefined
  /** Tag length (24 in l7g): neighbouring tiles overlap by it. */
  tagLength?: number | undefined
}

interface Loaded {
  paths: AssemblyPathInfo[]
  /** Blocks parsed by a full scan (no .fwi/.gzi); undefined when read by range. */
  blocks: Map<number, AssemblySteps> | undefined
}

/**
 * Tile ↔ reference coordinates from an assembly (spec §6). Coordinates are 0-based half-open. A
 * path starts at the previous path's end on the same chromosome (DESIGN decision 7). One build per
 * file is assumed (as upstream ships them): paths are looked up by number. The index and each
 * path's block are loaded once and shared; a caller's signal aborts that caller only.
 */
export class AssemblyReader {
  readonly gz: NamedFile
  readonly tagLength: number
  private readonly gzi: NamedFile | undefined
  private readonly fwi: NamedFile | undefined
  private readonly bodyOf: AssemblyReaderOptions['bodyOf']
  private readonly loaded: Lazy<Loaded>
  private bgzf: BgzfReader | undefined
  private readonly stepCache = new Map<number, Promise<AssemblySteps>>()

  constructor(opts: AssemblyReaderOptions) {
    this.gz = opts.gz
    this.gzi = opts.gzi
    this.fwi = opts.fwi
    this.bodyOf = opts.bodyOf
    this.tagLength = opts.tagLength ?? 24
    const fwi = this.fwi
    this.loaded = new Lazy(() => (fwi && this.gzi ? this.loadIndex(fwi) : this.scan()))
  }

  private load(opts: AbortOptions): Promise<Loaded> {
    return this.loaded.get(opts)
  }

  private async loadIndex(fwi: NamedFile): Promise<Loaded> {
    const text = await readText(fwi.handle)
    return { paths: parseFwi(text, fwi.name), blocks: undefined }
  }

  /** No index: read the whole file once, keeping every block as typed arrays. */
  private async scan(): Promise<Loaded> {
    const file = this.gz.name
    const paths: AssemblyPathInfo[] = []
    const blocks = new Map<number, AssemblySteps>()
    let steps: number[] = []
    let ends: number[] = []
    let offset = 0
    let current: AssemblyPathInfo | undefined
    const close = () => {
      if (!current) return
      current.size = steps.length * ASSEMBLY_LINE_WIDTH
      if (blocks.has(current.path))
        throw new FormatError(`path ${formatPath(current.path)} appears twice`, { file })
      blocks.set(current.path, { steps: Uint32Array.from(steps), ends: Float64Array.from(ends) })
      steps = []
      ends = []
    }
    for await (const { text, line } of readLines(this.gz)) {
      const lineBytes = text.length + 1
      if (text.startsWith('>')) {
        close()
        const name = text.slice(1)
        current = {
          name,
          ...parseAssemblyName(name, { file, line }),
          size: 0,
          offset: offset + lineBytes,
        }
        paths.push(current)
      } else if (text !== '') {
        if (!current) {
          if (!this.bodyOf)
            throw new FormatError(
              "expected a '>build:chrom:PPPP' header before the first data line (or pass bodyOf)",
              { file, line },
            )
          const { build, chrom, path } = this.bodyOf
          current = {
            name: `${build}:${chrom}:${formatPath(path)}`,
            build,
            chrom,
            path,
            size: 0,
            offset,
          }
          paths.push(current)
        }
        const d = parseDataLine(text, { file, line })
        const n = steps.length
        const bad = n > 0 ? outOfOrder(steps[n - 1]!, ends[n - 1]!, d.step, d.end) : undefined
        if (bad) throw new FormatError(bad, { file, line })
        steps.push(d.step)
        ends.push(d.end)
      }
      offset += lineBytes
    }
    close()
    return { paths, blocks }
  }

  /** The path blocks in file order. */
  async paths(opts: AbortOptions = {}): Promise<AssemblyPathInfo[]> {
    return (await this.load(opts)).paths
  }

  private async info(path: number, opts: AbortOptions): Promise<[AssemblyPathInfo, number]> {
    const { paths } = await this.load(opts)
    const i = paths.findIndex((p) => p.path === path)
    if (i < 0) throw new NotFoundError(`${this.gz.name}: no path ${formatPath(path)}`)
    return [paths[i]!, i]
  }

  /** The reported steps and ends of one path (reads only that block's bytes when indexed). */
  pathSteps(path: number, opts: AbortOptions = {}): Promise<AssemblySteps> {
    return memo(this.stepCache, path, () => this.readSteps(path), opts)
  }

  private async readSteps(path: number): Promise<AssemblySteps> {
    const loaded = await this.load({})
    const [info] = await this.info(path, {})
    if (loaded.blocks) return loaded.blocks.get(path)!
    this.bgzf ??= new BgzfReader(this.gz, this.gzi!)
    const bytes = await this.bgzf.read(info.size, info.offset)
    return parseAssemblyBlock(bytes, this.gz.name, info.offset)
  }

  /** The last end of a path (one 16-byte read when indexed). */
  private async pathEnd(index: number, opts: AbortOptions): Promise<number> {
    const { paths, blocks } = await this.load(opts)
    const info = paths[index]!
    if (info.size === 0) return this.pathStart(index, opts)
    if (blocks || this.stepCache.has(info.path)) {
      const { ends } = await this.pathSteps(info.path, opts)
      return ends[ends.length - 1]!
    }
    this.bgzf ??= new BgzfReader(this.gz, this.gzi!)
    const at = info.offset + info.size - ASSEMBLY_LINE_WIDTH
    const bytes = await this.bgzf.read(ASSEMBLY_LINE_WIDTH, at, opts)
    return parseAssemblyBlock(bytes, this.gz.name, at).ends[0]!
  }

  /** Start of the path at `index`: the previous block's end when on the same chromosome, else 0. */
  private async pathStart(index: number, opts: AbortOptions): Promise<number> {
    const { paths } = await this.load(opts)
    const info = paths[index]!
    const prev = paths[index - 1]
    if (!prev || prev.build !== info.build || prev.chrom !== info.chrom) return 0
    return this.pathEnd(index - 1, opts)
  }

  /**
   * The reference interval of tile (path, step, span). A step the reference lacks a tag for lies
   * inside a reference spanning tile (spec §6.1); the interval then widens to that tile.
   */
  async tileInterval(
    path: number,
    step: number,
    span = 1,
    opts: AbortOptions = {},
  ): Promise<ReferenceInterval> {
    if (!Number.isInteger(step) || step < 0 || !Number.isInteger(span) || span < 1)
      throw new ArgumentError(`bad tile step ${step} / span ${span}`)
    const [info, index] = await this.info(path, opts)
    const { steps, ends } = await this.pathSteps(path, opts)
    const last = step + span - 1
    const j = firstAtOrAbove(steps, last)
    if (j === steps.length)
      throw new ArgumentError(
        `tile ${formatPath(path)}.${formatPath(step)}+${span.toString(16)} ends past the path's last step ${formatPath(steps[steps.length - 1] ?? 0)}`,
      )
    const i = firstAtOrAbove(steps, step)
    const start = i === 0 ? await this.pathStart(index, opts) : ends[i - 1]! - this.tagLength
    return { chrom: info.chrom, start, end: ends[j]! }
  }

  /** The reference tiles (skipped steps as spans) of one path, with their intervals. */
  async pathTiles(path: number, opts: AbortOptions = {}): Promise<AssemblyTile[]> {
    const [, index] = await this.info(path, opts)
    const { steps, ends } = await this.pathSteps(path, opts)
    const start = await this.pathStart(index, opts)
    const out: AssemblyTile[] = []
    for (let i = 0; i < steps.length; i++) out.push(this.tileAt(path, steps, ends, i, start))
    return out
  }

  private tileAt(
    path: number,
    steps: Uint32Array,
    ends: Float64Array,
    i: number,
    pathStart: number,
  ): AssemblyTile {
    const anchor = i === 0 ? 0 : steps[i - 1]! + 1
    return {
      path,
      step: anchor,
      span: steps[i]! - anchor + 1,
      start: i === 0 ? pathStart : ends[i - 1]! - this.tagLength,
      end: ends[i]!,
    }
  }

  /** The reference tiles overlapping `[start, end)` on `chrom`, in reference order. */
  async tilesOverlapping(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<AssemblyTile[]> {
    if (!(start >= 0 && end >= start))
      throw new ArgumentError(`bad reference interval [${start}, ${end})`)
    if (end === start) return []
    const { paths } = await this.load(opts)
    const on: number[] = []
    paths.forEach((p, i) => {
      if (p.chrom === chrom) on.push(i)
    })
    if (on.length === 0) throw new NotFoundError(`${this.gz.name}: no path on chromosome ${chrom}`)
    // Paths of a chromosome are consecutive and ascending: find the first ending after `start`.
    let lo = 0
    let hi = on.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((await this.pathEnd(on[mid]!, opts)) <= start) lo = mid + 1
      else hi = mid
    }
    const out: AssemblyTile[] = []
    for (let k = lo; k < on.length; k++) {
      checkAbort(opts.signal)
      const index = on[k]!
      const pathStart = await this.pathStart(index, opts)
      if (pathStart >= end) break
      const path = paths[index]!.path
      const { steps, ends } = await this.pathSteps(path, opts)
      // First tile whose end is past `start`; tiles then run while they begin before `end`.
      for (let i = firstAbove(ends, start); i < steps.length; i++) {
        const tile = this.tileAt(path, steps, ends, i, pathStart)
        if (tile.start >= end) break
        out.push(tile)
      }
    }
    return out
  }
}

/** First index with values[i] ≥ x (values ascending). */
const firstAtOrAbove = (values: Uint32Array, x: number): number =>
  partitionPoint(values.length, (i) => values[i]! < x)

/** First index with values[i] > x (values non-decreasing). */
const firstAbove = (values: Float64Array, x: number): number =>
  partitionPoint(values.length, (i) => values[i]! <= x)
