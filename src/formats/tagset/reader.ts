// Tagset reader (spec §2), browser-safe. Reads the three forms: `tagset.2bit` (one sequence per
// path named PPPP.VV, tags concatenated), a FASTA tag library (`>PPPP.VV`, plain/gzip/BGZF) and a
// per-path text list with one tag per line. Answers the tags of a path and of a tile.
import { ArgumentError, FormatError, NotFoundError } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { hex } from '../../core/hex.js'
import { readLines } from '../../container/stream.js'
import { TWOBIT_SIGNATURE, TwoBitReader } from '../twobit/reader.js'
import { Lazy } from '../../core/shared.js'

/** Tag length of every upstream Lightning tagset (spec §1.1). */
export const DEFAULT_TAG_LENGTH = 24

/** Options of TagsetReader. */
export interface TagsetOptions {
  /** The path a one-tag-per-line text file belongs to; default taken from a name like `035e.tagset` or `tagset-0000.gz`. */
  path?: number | undefined
  /** Tag length of the 2bit and FASTA forms (default 24); text files take it from their lines. */
  tagLength?: number | undefined
}

/** The form a tagset file is in: `tagset.2bit`, a FASTA tag library, or one tag per line. */
export type TagsetForm = '2bit' | 'fasta' | 'text'

/** The tags around a tile: '' where the tile has none (step 0 has no start tag, the last step no end tag). */
export interface TileTags {
  startTag: string
  endTag: string
}

type Loaded =
  | { form: '2bit'; tagLength: number; twoBit: TwoBitReader; names: Map<number, string> }
  | { form: 'fasta' | 'text'; tagLength: number; tags: Map<number, string[]> }

const SEQ_NAME = /^([0-9a-f]{4})\.([0-9a-f]{2})$/i
const TEXT_FILE_PATH = /^(?:tagset-)?([0-9a-f]{4})(?:\.|$)/i
const TAG_RE = /^[acgt]+$/

function basename(name: string): string {
  return name.slice(name.replace(/[?#].*$/, '').lastIndexOf('/') + 1)
}

/** The tags of every path of a tagset, in any of its three forms (spec §2). */
export class TagsetReader {
  readonly file: NamedFile
  private readonly opts: TagsetOptions
  private readonly loaded: Lazy<Loaded>

  constructor(file: NamedFile, opts: TagsetOptions = {}) {
    this.file = file
    this.opts = opts
    if (opts.tagLength !== undefined && !(Number.isInteger(opts.tagLength) && opts.tagLength > 0))
      throw new ArgumentError(`tag length must be a positive integer, got ${opts.tagLength}`)
    this.loaded = new Lazy(() => this.read())
  }

  /** The tags, loaded once and shared (`opts.signal` aborts this caller only). */
  private load(opts: AbortOptions): Promise<Loaded> {
    return this.loaded.get(opts)
  }

  private async read(): Promise<Loaded> {
    const head = await this.file.handle.read(4, 0)
    const sig = head.length === 4 ? new DataView(head.buffer, head.byteOffset, 4) : undefined
    if (
      sig &&
      (sig.getUint32(0, true) === TWOBIT_SIGNATURE || sig.getUint32(0, false) === TWOBIT_SIGNATURE)
    )
      return this.read2bit()
    return this.readText()
  }

  private async read2bit(): Promise<Loaded> {
    const twoBit = new TwoBitReader(this.file)
    const names = new Map<number, string>()
    for (const name of await twoBit.sequenceNames()) {
      const m = SEQ_NAME.exec(name)
      if (!m)
        throw new FormatError(`tagset sequence name '${name}', expected PPPP.VV`, {
          file: this.file.name,
        })
      const path = parseInt(m[1]!, 16)
      if (names.has(path))
        throw new FormatError(`tagset has path ${m[1]} twice`, { file: this.file.name })
      names.set(path, name)
    }
    return { form: '2bit', tagLength: this.opts.tagLength ?? DEFAULT_TAG_LENGTH, twoBit, names }
  }

  private async readText(): Promise<Loaded> {
    const file = this.file.name
    const tags = new Map<number, string[]>()
    let form: 'fasta' | 'text' | undefined
    let tagLength = this.opts.tagLength
    // FASTA: the record being read, its sequence so far and the line it started on.
    let current: { path: number; chunks: string[]; line: number } | undefined
    const finishRecord = () => {
      if (!current) return
      const seq = current.chunks.join('').toLowerCase()
      const len = tagLength ?? DEFAULT_TAG_LENGTH
      if (seq.length % len !== 0 || (seq.length > 0 && !TAG_RE.test(seq)))
        throw new FormatError(
          `record ${hex(current.path, 4)}: ${seq.length} bases of acgt expected, a multiple of the tag length ${len}`,
          { file, line: current.line },
        )
      const list: string[] = []
      for (let i = 0; i < seq.length; i += len) list.push(seq.slice(i, i + len))
      tags.set(current.path, list)
    }
    const textTags: string[] = []
    for await (const { text, line } of readLines(this.file)) {
      const t = text.trim()
      if (!t) continue
      if (form === undefined) form = t.startsWith('>') ? 'fasta' : 'text'
      if (form === 'fasta') {
        if (t.startsWith('>')) {
          finishRecord()
          const name = t.slice(1).split(/\s/)[0]!
          const m = SEQ_NAME.exec(name)
          if (!m)
            throw new FormatError(`FASTA tag library header '${t}', expected >PPPP.VV`, {
              file,
              line,
            })
          const path = parseInt(m[1]!, 16)
          if (tags.has(path) || current?.path === path)
            throw new FormatError(`path ${m[1]} appears twice`, { file, line })
          current = { path, chunks: [], line }
        } else if (!current) {
          throw new FormatError('FASTA sequence before the first header', { file, line })
        } else current.chunks.push(t)
      } else {
        const tag = t.toLowerCase()
        tagLength ??= tag.length
        if (tag.length !== tagLength || !TAG_RE.test(tag))
          throw new FormatError(`expected a tag of ${tagLength} bases of acgt, got '${t}'`, {
            file,
            line,
          })
        textTags.push(tag)
      }
    }
    if (form === 'fasta') {
      finishRecord()
      return { form, tagLength: tagLength ?? DEFAULT_TAG_LENGTH, tags }
    }
    const path = this.opts.path ?? this.pathFromName()
    if (textTags.length) tags.set(path, textTags)
    return { form: 'text', tagLength: tagLength ?? DEFAULT_TAG_LENGTH, tags }
  }

  private pathFromName(): number {
    const m = TEXT_FILE_PATH.exec(basename(this.file.name))
    if (!m)
      throw new ArgumentError(
        `${this.file.name}: a one-tag-per-line tagset needs its path (option 'path'); the file name does not give it`,
      )
    return parseInt(m[1]!, 16)
  }

  /** Which of the three forms the file is in. */
  async form(opts: AbortOptions = {}): Promise<TagsetForm> {
    return (await this.load(opts)).form
  }

  async tagLength(opts: AbortOptions = {}): Promise<number> {
    return (await this.load(opts)).tagLength
  }

  /** Paths the tagset holds, ascending. */
  async paths(opts: AbortOptions = {}): Promise<number[]> {
    const l = await this.load(opts)
    return [...(l.form === '2bit' ? l.names : l.tags).keys()].sort((a, b) => a - b)
  }

  /** Number of tags of a path (it has one more step than tags). */
  async tagCount(path: number, opts: AbortOptions = {}): Promise<number> {
    const l = await this.load(opts)
    if (l.form !== '2bit') return this.textTags(l.tags, path).length
    const h = await l.twoBit.recordHeader(this.seqName(l.names, path), opts)
    if (h.dnaSize % l.tagLength !== 0)
      throw new FormatError(
        `path ${hex(path, 4)} has ${h.dnaSize} bases (starting at this offset), not a multiple of the tag length ${l.tagLength}`,
        { file: this.file.name, offset: h.dnaOffset },
      )
    return h.dnaSize / l.tagLength
  }

  /** All tags of a path in order, lower case. */
  async tags(path: number, opts: AbortOptions = {}): Promise<string[]> {
    const l = await this.load(opts)
    if (l.form !== '2bit') return [...this.textTags(l.tags, path)]
    const count = await this.tagCount(path, opts)
    const seq = await l.twoBit.sequence(this.seqName(l.names, path), 0, undefined, {
      ...opts,
      lowercase: true,
    })
    const out: string[] = []
    for (let i = 0; i < count; i++) out.push(seq.slice(i * l.tagLength, (i + 1) * l.tagLength))
    return out
  }

  /**
   * Start and end tag of the tile at `step` with `span` in `path` (spec §2.2): start tag
   * tag[step-1] (none at step 0), end tag tag[step+span-1] (none for a tile reaching the last step).
   */
  async tileTags(path: number, step: number, span = 1, opts: AbortOptions = {}): Promise<TileTags> {
    const l = await this.load(opts)
    const count = await this.tagCount(path, opts)
    if (!Number.isInteger(step) || !Number.isInteger(span) || step < 0 || span < 1)
      throw new ArgumentError(`step ${step} and span ${span} must be integers, step ≥ 0, span ≥ 1`)
    if (step + span - 1 > count)
      throw new ArgumentError(
        `tile ${hex(path, 4)}.${hex(step, 4)}+${span.toString(16)} runs past the last step ${hex(count, 4)}`,
      )
    const startIndex = step - 1
    const endIndex = step + span - 1
    if (l.form !== '2bit') {
      const tags = this.textTags(l.tags, path)
      return { startTag: tags[startIndex] ?? '', endTag: tags[endIndex] ?? '' }
    }
    const name = this.seqName(l.names, path)
    const len = l.tagLength
    const tagAt = (i: number) =>
      i < 0 || i >= count
        ? Promise.resolve('')
        : l.twoBit.sequence(name, i * len, (i + 1) * len, { ...opts, lowercase: true })
    const [startTag, endTag] = await Promise.all([tagAt(startIndex), tagAt(endIndex)])
    return { startTag, endTag }
  }

  private textTags(tags: Map<number, string[]>, path: number): string[] {
    const list = tags.get(path)
    if (!list) throw new NotFoundError(`${this.file.name}: no tags for path ${hex(path, 4)}`)
    return list
  }

  private seqName(names: Map<number, string>, path: number): string {
    const name = names.get(path)
    if (name === undefined)
      throw new NotFoundError(`${this.file.name}: no tags for path ${hex(path, 4)}`)
    return name
  }
}
