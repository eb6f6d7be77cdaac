// Browser-safe FastJ reader (spec §8): `>` + JSON header, the sequence wrapped at 50 columns, a
// blank line. Validation follows upstream `fjt -T` (per record) and `fjt -t` (across records).
import { readLines } from '../../container/stream.js'
import type { LineOptions } from '../../container/stream.js'
import { FormatError, RuleError } from '../../core/errors.js'
import type { Place } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { formatTileId, parseTileId } from '../../core/tileId.js'
import type { TileId } from '../../core/tileId.js'
import { md5Hex } from '../../core/md5.js'

/** `locus` entry `{"build":"<build> <chrom> <begin0> <end0>"}` (unreliable for spans, §8.4). */
export interface FastjLocus {
  build: string
  chrom: string
  start: number
  end: number
}

/** Every header field, in the order upstream `pasta` writes them. */
export interface FastjHeader {
  /** `PPPP.VV.SSSS.AAA`: in a per-sample FastJ the last field is the allele (DESIGN decision 3). */
  tileID: TileId
  md5sum: string
  /** Absent in older FastJ. */
  tagmask_md5sum?: string
  locus: FastjLocus[]
  n: number
  seedTileLength: number
  startTile: boolean
  endTile: boolean
  startSeq: string
  endSeq: string
  startTag: string
  endTag: string
  nocallCount: number
  notes: string[]
}

/** One FastJ record: its JSON header and its bases. */
export interface FastjRecord {
  header: FastjHeader
  seq: string
  /** 1-based line of the header. */
  line: number
}

/** The checks of `fjt -T`/`-t` (spec §8.5), plus 'header' for a header that is not valid JSON. */
export type FastjRule =
  | 'header'
  | 'n'
  | 'nocallCount'
  | 'startTag'
  | 'endTag'
  | 'md5sum'
  | 'tagmask_md5sum'
  | 'seedTileLength'
  | 'allele'
  | 'step'
  | 'startTile'
  | 'endTile'

/** A FastJ record that breaks a rule; names the file, the header line and the rule. */
export class FastjValidationError extends RuleError<FastjRule> {
  override name = 'FastjValidationError'
  constructor(rule: FastjRule, reason: string, place: Place) {
    super('FastJ', rule, reason, place)
  }
}

function parseLocus(value: unknown, place: Place): FastjLocus[] {
  if (!Array.isArray(value))
    throw new FastjValidationError('header', "'locus' is not an array", place)
  return value.map((entry) => {
    const build = (entry as { build?: unknown } | null)?.build
    const m = typeof build === 'string' ? /^(\S+) (\S+) (\d+) (\d+)$/.exec(build) : null
    if (!m)
      throw new FastjValidationError(
        'header',
        `expected locus {"build":"<build> <chrom> <begin> <end>"}, got ${JSON.stringify(entry)}`,
        place,
      )
    return { build: m[1]!, chrom: m[2]!, start: Number(m[3]), end: Number(m[4]) }
  })
}

/**
 * Parse a header line (without `>`) with a real JSON parser and check the field types. A header
 * that is not JSON names the field whose value is missing when it can (`"startTile":,`).
 */
export function parseFastjHeader(json: string, place: Place = {}): FastjHeader {
  let obj: Record<string, unknown>
  try {
    obj = JSON.parse(json) as Record<string, unknown>
  } catch (err) {
    const empty = /"(\w+)"\s*:\s*[,}]/.exec(json)
    const what = empty ? `field '${empty[1]}' has no value` : (err as Error).message
    throw new FastjValidationError('header', `header is not valid JSON: ${what}`, place)
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new FastjValidationError('header', 'header is not a JSON object', place)
  const field = <T>(key: string, type: 'string' | 'number' | 'boolean'): T => {
    const v = obj[key]
    if (typeof v !== type || (type === 'number' && !Number.isInteger(v)))
      throw new FastjValidationError(
        'header',
        `field '${key}' must be ${type === 'number' ? 'an integer' : `a JSON ${type}`}, got ${JSON.stringify(v)}`,
        place,
      )
    return v as T
  }
  let tileID: TileId
  try {
    tileID = parseTileId(field<string>('tileID', 'string'))
  } catch (err) {
    throw new FastjValidationError('header', (err as Error).message, place)
  }
  const notes = obj.notes ?? []
  if (!Array.isArray(notes) || !notes.every((x) => typeof x === 'string'))
    throw new FastjValidationError('header', "'notes' must be an array of strings", place)
  const header: FastjHeader = {
    tileID,
    md5sum: field<string>('md5sum', 'string'),
    locus: parseLocus(obj.locus ?? [], place),
    n: field<number>('n', 'number'),
    seedTileLength: field<number>('seedTileLength', 'number'),
    startTile: field<boolean>('startTile', 'boolean'),
    endTile: field<boolean>('endTile', 'boolean'),
    startSeq: field<string>('startSeq', 'string'),
    endSeq: field<string>('endSeq', 'string'),
    startTag: field<string>('startTag', 'string'),
    endTag: field<string>('endTag', 'string'),
    nocallCount: field<number>('nocallCount', 'number'),
    notes: notes as string[],
  }
  if (obj.tagmask_md5sum !== undefined)
    header.tagmask_md5sum = field<string>('tagmask_md5sum', 'string')
  return header
}

/** The records of FastJ text lines, streamed (memory: one record). */
export async function* fastjRecords(
  lines: AsyncIterable<{ text: string; line: number }> | Iterable<{ text: string; line: number }>,
  file?: string,
): AsyncGenerator<FastjRecord> {
  let header: FastjHeader | undefined
  let headerLine = 0
  let parts: string[] = []
  const flush = (): FastjRecord | undefined => {
    if (!header) return undefined
    const rec = { header, seq: parts.join(''), line: headerLine }
    header = undefined
    parts = []
    return rec
  }
  for await (const { text, line } of lines) {
    if (text.startsWith('>')) {
      const rec = flush()
      if (rec) yield rec
      header = parseFastjHeader(text.slice(1), { file, line })
      headerLine = line
    } else if (text.trim() !== '') {
      if (!header)
        throw new FormatError("expected a '>' header line before sequence lines", { file, line })
      parts.push(text.trim())
    }
  }
  const rec = flush()
  if (rec) yield rec
}

/** The records of a FastJ file (plain, gzip or BGZF). */
export async function* readFastj(
  file: NamedFile,
  opts: LineOptions = {},
): AsyncGenerator<FastjRecord> {
  yield* fastjRecords(readLines(file, opts), file.name)
}

/**
 * tagmask_md5sum (spec §8.3): md5 of the sequence with each `n` inside the start tag region and
 * the end tag region replaced by the upper-case tag base.
 */
export function tagmaskMd5(seq: string, startTag: string, endTag: string): string {
  const t = seq.split('')
  for (let i = 0; i < startTag.length && i < t.length; i++)
    if (t[i] === 'n' || t[i] === 'N') t[i] = startTag[i]!.toUpperCase()
  const from = t.length - endTag.length
  for (let j = Math.max(0, from); j < t.length; j++)
    if (t[j] === 'n' || t[j] === 'N') t[j] = endTag[j - from]!.toUpperCase()
  return md5Hex(t.join(''))
}

/** Is `tag` at `seq[at]`, an `n` in the sequence matching anything? */
function tagMatches(seq: string, tag: string, at: number): boolean {
  if (at < 0 || at + tag.length > seq.length) return false
  for (let i = 0; i < tag.length; i++) {
    const c = seq[at + i]!
    if (c !== 'n' && c !== 'N' && c !== tag[i]) return false
  }
  return true
}

/** Per-record checks of `fjt -T` (spec §8.5), with tagmask_md5sum when the header has it. */
export function validateFastjRecord(rec: FastjRecord, file?: string): void {
  const { header: h, seq } = rec
  const place = { file, line: rec.line }
  const id = formatTileId(h.tileID)
  const fail = (rule: FastjRule, reason: string) => {
    throw new FastjValidationError(rule, `${id}: ${reason}`, place)
  }
  if (seq.length !== h.n) fail('n', `sequence has ${seq.length} bases, n says ${h.n}`)
  const nocalls = seq.length - seq.replace(/[nN]/g, '').length
  if (nocalls !== h.nocallCount)
    fail('nocallCount', `sequence has ${nocalls} no-calls, nocallCount says ${h.nocallCount}`)
  if (!tagMatches(seq, h.startTag, 0)) fail('startTag', 'startTag is not a prefix of the sequence')
  if (!tagMatches(seq, h.endTag, seq.length - h.endTag.length))
    fail('endTag', 'endTag is not a suffix of the sequence')
  const md5 = md5Hex(seq)
  if (md5 !== h.md5sum) fail('md5sum', `md5 of the sequence is ${md5}, md5sum says ${h.md5sum}`)
  if (h.tagmask_md5sum !== undefined) {
    const mask = tagmaskMd5(seq, h.startTag, h.endTag)
    if (mask !== h.tagmask_md5sum)
      fail('tagmask_md5sum', `tag-masked md5 is ${mask}, tagmask_md5sum says ${h.tagmask_md5sum}`)
  }
  if (h.seedTileLength < 1) fail('seedTileLength', `seedTileLength ${h.seedTileLength} is below 1`)
}

/**
 * Checks across the records of one path of one sample (`fjt -t`, spec §8.5): alleles 0/1, each
 * allele's steps start at 0 and advance by the previous span, startTile exactly on step 0, endTile
 * exactly on each allele's last tile (so two in all). Records may come in any order.
 */
export function validateFastjTiling(records: Iterable<FastjRecord>, file?: string): void {
  const byAllele: [FastjRecord[], FastjRecord[]] = [[], []]
  for (const rec of records) {
    const a = rec.header.tileID.variant
    if (a !== 0 && a !== 1)
      throw new FastjValidationError(
        'allele',
        `${formatTileId(rec.header.tileID)}: allele field must be 000 or 001`,
        { file, line: rec.line },
      )
    byAllele[a].push(rec)
  }
  byAllele.forEach((recs, allele) => {
    recs.sort((x, y) => x.header.tileID.step - y.header.tileID.step || x.line - y.line)
    let expected = 0
    recs.forEach((rec, i) => {
      const h = rec.header
      const id = formatTileId(h.tileID)
      const place = { file, line: rec.line }
      if (h.tileID.step !== expected)
        throw new FastjValidationError(
          'step',
          `${id}: allele ${allele} expects step ${expected.toString(16).padStart(4, '0')} here (previous tile's step + seedTileLength)`,
          place,
        )
      expected += h.seedTileLength
      if (h.startTile !== (h.tileID.step === 0))
        throw new FastjValidationError(
          'startTile',
          `${id}: startTile must be ${h.tileID.step === 0}`,
          place,
        )
      const last = i === recs.length - 1
      if (h.endTile !== last)
        throw new FastjValidationError(
          'endTile',
          `${id}: endTile must be ${last} (${last ? 'last' : 'not the last'} tile of allele ${allele})`,
          place,
        )
    })
  })
  for (const allele of [0, 1] as const)
    if (byAllele[allele].length === 0)
      throw new FastjValidationError('endTile', `allele ${allele} has no tiles, so no end tile`, {
        file,
      })
}

/** Validate a whole FastJ (one path of one sample): every record, then the tiling. */
export async function validateFastj(
  records: AsyncIterable<FastjRecord> | Iterable<FastjRecord>,
  file?: string,
): Promise<FastjRecord[]> {
  const all: FastjRecord[] = []
  for await (const rec of records) {
    validateFastjRecord(rec, file)
    all.push(rec)
  }
  validateFastjTiling(all, file)
  return all
}

/** One allele joined (`fjt -c`): the first tile, then each later tile without its start tag. */
export function joinAllele(records: Iterable<FastjRecord>, allele: number, tagLength = 24): string {
  const tiles = [...records]
    .filter((r) => r.header.tileID.variant === allele)
    .sort((x, y) => x.header.tileID.step - y.header.tileID.step)
  return tiles.map((r, i) => (i === 0 ? r.seq : r.seq.slice(tagLength))).join('')
}

/**
 * The rows of `fjt -C`: `PPPP.VV.SSSS.AAA+span`, md5 of the sequence, the sequence (which may
 * hold `n`), sorted by tile ID as fjt does.
 */
export function fastjCsvRows(records: Iterable<FastjRecord>): string[][] {
  return [...records]
    .sort((x, y) => {
      const a = x.header.tileID
      const b = y.header.tileID
      return a.path - b.path || a.version - b.version || a.step - b.step || a.variant - b.variant
    })
    .map((r) => {
      const { path, version, step, variant } = r.header.tileID
      const id = formatTileId({ path, version, step, variant, span: r.header.seedTileLength })
      return [id, md5Hex(r.seq), r.seq]
    })
}
