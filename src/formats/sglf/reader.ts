// Browser-safe SGLF reader (spec §7): streamed record by record, step by step or path by path,
// the §7.2 checks of upstream `sglf-check`, and the path/library version hashes of §5.5.
//
// Lines are split by hand rather than with @fast-csv/parse: its entry point pulls in Node streams
// (readers must run in browsers), and SGLF is not quoted CSV: upstream splits on ',', so a quote
// character is part of a (then invalid) field, which fast-csv would silently unquote. The writer
// does go through @fast-csv/format.
import SparkMD5 from 'spark-md5'
import { readLines } from '../../container/stream.js'
import type { LineOptions } from '../../container/stream.js'
import { FormatError, RuleError } from '../../core/errors.js'
import type { Place } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { formatPath, formatTileId } from '../../core/tileId.js'
import type { TileId } from '../../core/tileId.js'
import { md5Hex } from '../../core/md5.js'

/** One SGLF line: a library tile variant. */
export interface SglfTile {
  path: number
  version: number
  step: number
  variant: number
  span: number
  /** The md5 column as written. */
  md5: string
  seq: string
  /** 1-based line number in its file. */
  line: number
}

/** The rules of spec §7.2 (upstream `sglf-check`), plus 'format' for a line that is not 3 columns. */
export type SglfRule = 'format' | 'tile-id' | 'md5' | 'sequence' | 'order'

/** A line that breaks an SGLF rule; names the file, the line and the rule. */
export class SglfValidationError extends RuleError<SglfRule> {
  override name = 'SglfValidationError'
  constructor(rule: SglfRule, reason: string, place: Place) {
    super('SGLF', rule, reason, place)
  }
}

// sglf-check's tile ID: hex fields split on '.', then exactly one '+' and a hex span.
const SGLF_ID_RE =
  /^([0-9a-fA-F]+)\.([0-9a-fA-F]+)\.([0-9a-fA-F]+)\.([0-9a-fA-F]+)\+([0-9a-fA-F]+)$/

/**
 * Parse one line (rule 1: the extended tile ID parses and its span is ≥ 1). Undefined for a blank
 * line. Does not check md5, sequence or order: see SglfValidator.
 */
export function parseSglfLine(text: string, place: Place = {}): SglfTile | undefined {
  if (text.trim() === '') return undefined
  const a = text.indexOf(',')
  const b = a < 0 ? -1 : text.indexOf(',', a + 1)
  if (b < 0 || text.indexOf(',', b + 1) >= 0)
    throw new SglfValidationError('format', "expected 'tileID+span,md5,sequence'", place)
  const idText = text.slice(0, a)
  const m = SGLF_ID_RE.exec(idText)
  if (!m)
    throw new SglfValidationError(
      'tile-id',
      `expected an extended tile ID PPPP.VV.SSSS.VVV+SPAN, got '${idText}'`,
      place,
    )
  const span = parseInt(m[5]!, 16)
  if (span < 1) throw new SglfValidationError('tile-id', `span of '${idText}' is not ≥ 1`, place)
  return {
    path: parseInt(m[1]!, 16),
    version: parseInt(m[2]!, 16),
    step: parseInt(m[3]!, 16),
    variant: parseInt(m[4]!, 16),
    span,
    md5: text.slice(a + 1, b),
    seq: text.slice(b + 1),
    line: place.line ?? 0,
  }
}

/** `PPPP.VV.SSSS.VVV+S` of a tile. */
export function sglfTileId(t: Omit<SglfTile, 'md5' | 'seq' | 'line'>): string {
  const id: TileId = {
    path: t.path,
    version: t.version,
    step: t.step,
    variant: t.variant,
    span: t.span,
  }
  return formatTileId(id)
}

/**
 * Rules 2–4 of spec §7.2, in sglf-check's order, one tile at a time. Rule 3 accepts the empty
 * sequence (the empty-path tile, `035e-empty-seq.sglf`).
 */
export class SglfValidator {
  private prev: SglfTile | undefined
  constructor(private readonly file?: string) {}

  check(t: SglfTile): void {
    const place = { file: this.file, line: t.line }
    const id = sglfTileId(t)
    const md5 = md5Hex(t.seq)
    if (md5 !== t.md5)
      throw new SglfValidationError(
        'md5',
        `${id}: md5 of the sequence is ${md5}, the line says ${t.md5}`,
        place,
      )
    const bad = /[^acgt]/.exec(t.seq)
    if (bad)
      throw new SglfValidationError(
        'sequence',
        `${id}: sequence holds '${bad[0]}' at position ${bad.index} (only a, c, g, t)`,
        place,
      )
    const p = this.prev
    // The first line of a path/version is exempt, as in sglf-check.
    if (p && p.path === t.path && p.version === t.version) {
      if (t.step < p.step)
        throw new SglfValidationError(
          'order',
          `${id}: step goes back from ${formatPath(p.step)}`,
          place,
        )
      if (t.step !== p.step && t.variant !== 0)
        throw new SglfValidationError(
          'order',
          `${id}: the first variant of a step must be 000`,
          place,
        )
      if (t.step === p.step && t.variant !== p.variant + 1)
        throw new SglfValidationError(
          'order',
          `${id}: variant must follow ${p.variant.toString(16).padStart(3, '0')} by one`,
          place,
        )
    }
    this.prev = t
  }
}

/** Options of the SGLF readers. */
export interface SglfReadOptions extends LineOptions {
  /** Check every tile with SglfValidator (md5, acgt, order). Off by default. */
  validate?: boolean
}

/** The tiles of an SGLF file (plain, gzip or BGZF), streamed in file order. */
export async function* readSglfTiles(
  file: NamedFile,
  opts: SglfReadOptions = {},
): AsyncGenerator<SglfTile> {
  yield* sglfTiles(readLines(file, opts), file.name, opts)
}

/** The tiles of SGLF text lines (for callers that already have lines). */
export async function* sglfTiles(
  lines: AsyncIterable<{ text: string; line: number }> | Iterable<{ text: string; line: number }>,
  file?: string,
  opts: { validate?: boolean } = {},
): AsyncGenerator<SglfTile> {
  const validator = opts.validate ? new SglfValidator(file) : undefined
  for await (const { text, line } of lines) {
    const t = parseSglfLine(text, { file, line })
    if (!t) continue
    validator?.check(t)
    yield t
  }
}

/** The variants of one step, in file order (the band variant index is the position here). */
export interface SglfStep {
  path: number
  version: number
  step: number
  tiles: SglfTile[]
}

/** Group consecutive tiles by (path, version, step); holds one step at a time. */
export async function* sglfSteps(tiles: AsyncIterable<SglfTile>): AsyncGenerator<SglfStep> {
  let cur: SglfStep | undefined
  for await (const t of tiles) {
    if (cur && cur.path === t.path && cur.version === t.version && cur.step === t.step) {
      cur.tiles.push(t)
      continue
    }
    if (cur) yield cur
    cur = { path: t.path, version: t.version, step: t.step, tiles: [t] }
  }
  if (cur) yield cur
}

/** One path of a library: its steps in file order, by step number. */
export interface SglfPath {
  path: number
  version: number
  steps: Map<number, SglfTile[]>
}

/**
 * Group consecutive tiles by (path, version); holds one path at a time. A step that reappears
 * later in the same path is a FormatError (a library is ordered by step).
 */
export async function* sglfPaths(
  tiles: AsyncIterable<SglfTile>,
  file?: string,
): AsyncGenerator<SglfPath> {
  let cur: SglfPath | undefined
  let step: SglfTile[] = []
  let lastStep = -1
  for await (const t of tiles) {
    if (!cur || cur.path !== t.path || cur.version !== t.version) {
      if (cur) yield cur
      cur = { path: t.path, version: t.version, steps: new Map() }
    } else if (t.step !== lastStep && (cur.steps.has(t.step) || t.step < lastStep)) {
      throw new FormatError(
        `step ${formatPath(t.step)} of path ${formatPath(t.path)} is out of order`,
        { file, line: t.line },
      )
    }
    if (t.step !== lastStep || cur.steps.size === 0) {
      step = []
      cur.steps.set(t.step, step)
      lastStep = t.step
    }
    step.push(t)
  }
  if (cur) yield cur
}

/** The paths of an SGLF file, one at a time. */
export function readSglfPaths(
  file: NamedFile,
  opts: SglfReadOptions = {},
): AsyncGenerator<SglfPath> {
  return sglfPaths(readSglfTiles(file, opts), file.name)
}

/** Read a one-path SGLF file (a `PPPP.sglf.gz`) whole. */
export async function readSglfPath(file: NamedFile, opts: SglfReadOptions = {}): Promise<SglfPath> {
  let only: SglfPath | undefined
  for await (const p of readSglfPaths(file, opts)) {
    if (only)
      throw new FormatError(
        `expected one path, found ${formatPath(only.path)} and ${formatPath(p.path)}`,
        {
          file: file.name,
        },
      )
    only = p
  }
  if (!only) throw new FormatError('the SGLF file holds no tiles', { file: file.name })
  return only
}

/**
 * Path version of spec §5.5, fed one tile at a time in file order: md5 of the manifest
 * `extendedTileID:md5(sequence)` joined by single spaces. `useMd5Column` takes the md5 column
 * instead of hashing the sequence (glft -H). No validation: 035e.sglf (PASTA symbols) has a version.
 */
export class PathVersionHasher {
  private readonly md5 = new SparkMD5()
  private first = true
  constructor(private readonly useMd5Column = false) {}

  add(t: Omit<SglfTile, 'line'>): void {
    const entry = `${sglfTileId(t)}:${this.useMd5Column ? t.md5 : md5Hex(t.seq)}`
    this.md5.append(this.first ? entry : ` ${entry}`)
    this.first = false
  }

  digest(): string {
    return this.md5.end()
  }
}

/** The version of each path of an SGLF file, streamed (memory: one tile). */
export async function sglfPathVersions(
  file: NamedFile,
  opts: LineOptions & { useMd5Column?: boolean } = {},
): Promise<Map<number, string>> {
  const out = new Map<number, string>()
  let path = -1
  let hasher: PathVersionHasher | undefined
  for await (const t of readSglfTiles(file, opts)) {
    if (t.path !== path) {
      if (hasher) out.set(path, hasher.digest())
      if (out.has(t.path))
        throw new FormatError(`path ${formatPath(t.path)} appears twice`, {
          file: file.name,
          line: t.line,
        })
      path = t.path
      hasher = new PathVersionHasher(opts.useMd5Column)
    }
    hasher!.add(t)
  }
  if (hasher) out.set(path, hasher.digest())
  return out
}

/** Library version of spec §5.5: md5 of `PPPP:pathVersion` joined by spaces, paths ascending. */
export function libraryVersion(
  pathVersions: Map<number, string> | Iterable<[number, string]>,
): string {
  const entries = [...pathVersions].sort((x, y) => x[0] - y[0])
  return md5Hex(entries.map(([p, v]) => `${formatPath(p)}:${v}`).join(' '))
}
