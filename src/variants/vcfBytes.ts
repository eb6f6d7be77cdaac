// VCF records as bytes. Each sample's column (`\t0|0`) is one 32-bit word: the sample's two
// haplotype codes, read as one 16-bit number, index a table of the four bytes of its column, and
// the word is stored as it is. Strings would cost a conversion and a copy per line on the way to
// stdout. Browser-safe.
import type { VcfRecord } from './vcf.js'

/**
 * The codes of a haplotype: 0 REF, 1 ALT, 2 no-call (GT_NOCALL), and 0xff, a no-call as the query
 * engine's alleles (-1, an Int8Array over the same bytes) write it: either reads as `.`.
 */
const CODES = [0, 1, 2, 0xff]
const ALLELE = [0x30, 0x31, 0x2e, 0x2e] // '0' '1' '.' '.'
/** Codes of a sample read as one 16-bit number (either byte order): below PAIRS. */
const PAIRS = 0x10000
/** A sample's column `\t0|1` as one 32-bit word by its pair (+ PAIRS: unphased, `/`). */
const COLUMN = new Uint32Array(2 * PAIRS)
{
  // through views of the same bytes, so the tables hold in the machine's byte order
  const pair = new Uint16Array(1)
  const word = new Uint32Array(1)
  for (const unphased of [0, 1])
    for (let a = 0; a < CODES.length; a++)
      for (let b = 0; b < CODES.length; b++) {
        new Uint8Array(pair.buffer).set([CODES[a]!, CODES[b]!])
        new Uint8Array(word.buffer).set([0x09, ALLELE[a]!, unphased ? 0x2f : 0x7c, ALLELE[b]!])
        COLUMN[unphased * PAIRS + pair[0]!] = word[0]!
      }
}

/** Per sample, PAIRS when unphased (kept for the last `phased` asked). */
let offsets: { phased: Uint8Array; offset: Uint32Array } | undefined
function offsetsOf(phased: Uint8Array): Uint32Array {
  if (offsets?.phased !== phased)
    offsets = { phased, offset: Uint32Array.from(phased, (p) => (p ? 0 : PAIRS)) }
  return offsets.offset
}

/** Is this machine little-endian (the order the table's words are written in)? */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** A view of the last output buffer written to, for its words (an unaligned 32-bit store each). */
let outView: { out: Uint8Array; view: DataView } | undefined
function viewOf(out: Uint8Array): DataView {
  if (outView?.out !== out)
    outView = { out, view: new DataView(out.buffer, out.byteOffset, out.byteLength) }
  return outView.view
}

/**
 * The codes of the last buffer read, as pairs from its first byte: records of one batch, or views
 * of one batch, share it, so a view is made per batch, not per record.
 */
let pairsView: { buffer: ArrayBufferLike; pairs: Uint16Array } | undefined
function pairsOf(gt: Uint8Array | Int8Array): Uint16Array {
  const buffer = gt.buffer
  if (pairsView?.buffer !== buffer)
    pairsView = { buffer, pairs: new Uint16Array(buffer, 0, buffer.byteLength >> 1) }
  return pairsView.pairs
}

/**
 * What the writer reads of a record: a VcfRecord, or the query engine's records, whose alleles
 * (an Int8Array, -1 for missing) are written as they are, without a view of them as codes.
 */
export type RecordToWrite = Omit<VcfRecord, 'gt'> & { gt: Uint8Array | Int8Array }

/** A record's columns before FORMAT: `pos` 0-based, as VcfRecord's; `id` `.` or undefined: none. */
export type VcfSite = Pick<VcfRecord, 'chrom' | 'pos' | 'id' | 'ref' | 'alt'>

/**
 * Records as columns, a batch at a time: site i's genotype codes (as RecordToWrite's) are
 * `gt[i × width, (i + 1) × width)`, with `width` = 2 × `phased.length`. Tens of thousands of
 * records of a few samples cost no object and no view each.
 */
export interface RecordBatch {
  sites: readonly VcfSite[]
  /** per site: the INFO column (undefined: `.`) */
  info?: readonly (string | undefined)[] | undefined
  gt: Uint8Array | Int8Array
  width: number
  phased: Uint8Array
}

/**
 * The records of `batch` whose site passes `keep`, in order: the batch itself when all do, else
 * one whose codes are those of `batch` moved down in place (the batch is not read again).
 */
export function filterBatch<B extends RecordBatch>(
  batch: B,
  keep: (site: B['sites'][number], i: number) => boolean,
): B {
  const { sites, info, gt, width } = batch
  const kept: B['sites'][number][] = []
  const keptInfo: (string | undefined)[] = []
  for (let i = 0; i < sites.length; i++) {
    if (!keep(sites[i]!, i)) continue
    if (kept.length < i) gt.copyWithin(kept.length * width, i * width, (i + 1) * width)
    kept.push(sites[i]!)
    keptInfo.push(info?.[i])
  }
  if (kept.length === sites.length) return batch
  return {
    ...batch,
    sites: kept,
    gt: gt.subarray(0, kept.length * width),
    ...(info ? { info: keptInfo } : {}),
  }
}

/** Bytes a record's line needs at most (its newline included). */
export function recordBytes(site: VcfSite, info: string | undefined, samples: number): number {
  // the text columns in UTF-16 units: at most 3 bytes each in UTF-8
  const text =
    site.chrom.length +
    (site.id?.length ?? 1) +
    site.ref.length +
    site.alt.length +
    (info?.length ?? 1)
  return 3 * text + 32 + 4 * samples + 1
}

const encoder = new TextEncoder()

/** The character of a haplotype's code by its byte (0 '0', 1 '1', anything else '.'). */
const ALLELE_BYTE = new Uint8Array(256).fill(0x2e)
ALLELE_BYTE[0] = 0x30
ALLELE_BYTE[1] = 0x31

/**
 * `s` at `at`, returning where it ends. Columns are ASCII but for the odd ID or INFO: those go
 * through the encoder (a call and a view per string cost more than the loop for a short one).
 */
function writeText(s: string, out: Uint8Array, at: number): number {
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) return at + encoder.encodeInto(s, out.subarray(at)).written
    out[at + i] = c
  }
  return at + n
}

/** A non-negative integer's decimal digits at `at`, returning where they end. */
function writeInteger(v: number, out: Uint8Array, at: number): number {
  let end = at + 1
  for (let p = 10; p <= v; p *= 10) end++
  // 32-bit integer division (a multiplication once compiled) where a position fits: a floating
  // division per digit was a third of writing a record of ten samples
  if (v < 0x80000000)
    for (let i = end - 1, x = v | 0; i >= at; i--) {
      const q = (x / 10) | 0
      out[i] = 0x30 + x - 10 * q
      x = q
    }
  else for (let i = end - 1, x = v; i >= at; i--, x = Math.floor(x / 10)) out[i] = 0x30 + (x % 10)
  return end
}

/**
 * Write one record's line (with its newline) into `out` at `at`, which has room for
 * `recordBytes`: its columns before FORMAT from `site` and `info`, its genotype codes
 * `gt[from, from + 2 × phased.length)`. Returns where the line ends.
 */
function writeLine(
  site: VcfSite,
  info: string | undefined,
  gt: Uint8Array | Int8Array,
  from: number,
  phased: Uint8Array,
  out: Uint8Array,
  at: number,
): number {
  at = writeText(site.chrom, out, at)
  out[at++] = 0x09
  at = writeInteger(site.pos + 1, out, at)
  out[at++] = 0x09
  at = writeText(site.id ?? '.', out, at)
  out[at++] = 0x09
  at = writeText(site.ref, out, at)
  out[at++] = 0x09
  at = writeText(site.alt, out, at)
  // \t.\t.\t: no QUAL, no FILTER
  out[at] = 0x09
  out[at + 1] = 0x2e
  out[at + 2] = 0x09
  out[at + 3] = 0x2e
  out[at + 4] = 0x09
  at = writeText(info ?? '.', out, at + 5)
  out[at] = 0x09
  out[at + 1] = 0x47 // G
  out[at + 2] = 0x54 // T
  at += 3
  const n = phased.length
  const byte = gt.byteOffset + from
  if (byte % 2 === 0) {
    // each sample's column as one word, by its two codes read as one 16-bit number
    const view = viewOf(out)
    const pairs = pairsOf(gt)
    const offset = offsetsOf(phased)
    const first = byte >> 1
    for (let i = 0; i < n; i++, at += 4)
      view.setUint32(at, COLUMN[pairs[first + i]! + offset[i]!]!, LITTLE_ENDIAN)
  } else
    for (let i = 0; i < n; i++, at += 4) {
      out[at] = 0x09
      out[at + 1] = ALLELE_BYTE[gt[from + 2 * i]! & 0xff]!
      out[at + 2] = phased[i] ? 0x7c : 0x2f
      out[at + 3] = ALLELE_BYTE[gt[from + 2 * i + 1]! & 0xff]!
    }
  out[at] = 0x0a
  return at + 1
}

/** `writeLine` of a record (VcfRecord or the query engine's). */
export function writeRecord(r: RecordToWrite, out: Uint8Array, at: number): number {
  return writeLine(r, r.info, r.gt, 0, r.phased, out, at)
}

const ascii = new TextDecoder()
let lineBytes = new Uint8Array(0)

/** `writeLine` as a string (no trailing newline). */
function lineOf(
  site: VcfSite,
  info: string | undefined,
  gt: Uint8Array | Int8Array,
  from: number,
  phased: Uint8Array,
): string {
  const need = recordBytes(site, info, phased.length)
  if (lineBytes.length < need) lineBytes = new Uint8Array(need)
  return ascii.decode(
    lineBytes.subarray(0, writeLine(site, info, gt, from, phased, lineBytes, 0) - 1),
  )
}

/** One record as a VCF line (no trailing newline). */
export function formatVcfRecord(r: RecordToWrite): string {
  return lineOf(r, r.info, r.gt, 0, r.phased)
}

/**
 * Each record of `item` as a VCF line (no trailing newline): for writers of strings (a bgzipped
 * file), where `vcfBytes` writes bytes.
 */
export function* recordLines(item: readonly RecordToWrite[] | RecordBatch): Generator<string> {
  if (isBatch(item)) {
    const { sites, info, gt, width, phased } = item
    for (let i = 0; i < sites.length; i++) yield lineOf(sites[i]!, info?.[i], gt, i * width, phased)
  } else for (const r of item) yield formatVcfRecord(r)
}

const isBatch = (item: readonly RecordToWrite[] | RecordBatch): item is RecordBatch =>
  !Array.isArray(item)

/** Chunk size of `vcfBytes`: big enough that a write per chunk costs nothing. */
const CHUNK = 1 << 20

/**
 * VCF lines (header strings without newlines, then records, in arrays or as batches of columns)
 * as chunks of whole lines, about a megabyte each: each a new array, or with `reuse` the same
 * buffer again once the next chunk is asked for (for a consumer that has written a chunk by then:
 * no megabyte allocated per chunk).
 */
export async function* vcfBytes(
  lines:
    | AsyncIterable<string | readonly RecordToWrite[] | RecordBatch>
    | Iterable<string | readonly RecordToWrite[] | RecordBatch>,
  opts: { reuse?: boolean | undefined } = {},
): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(CHUNK)
  let at = 0
  // make room for `need` more bytes: the chunk so far, when it must go out first
  const room = (need: number): Uint8Array | undefined => {
    if (at + need <= buf.length) return undefined
    const full = at > 0 ? buf.subarray(0, at) : undefined
    if (!opts.reuse || need > buf.length) buf = new Uint8Array(Math.max(CHUNK, need))
    at = 0
    return full
  }
  for await (const item of lines) {
    if (typeof item === 'string') {
      const full = room(3 * item.length + 1)
      if (full) yield full
      at += encoder.encodeInto(item, buf.subarray(at)).written
      buf[at++] = 0x0a
    } else if (isBatch(item)) {
      const { sites, info, gt, width, phased } = item
      const n = phased.length
      for (let i = 0; i < sites.length; i++) {
        const site = sites[i]!
        const text = info?.[i]
        const full = room(recordBytes(site, text, n))
        if (full) yield full
        at = writeLine(site, text, gt, i * width, phased, buf, at)
      }
    } else
      for (const r of item) {
        const full = room(recordBytes(r, r.info, r.phased.length))
        if (full) yield full
        at = writeRecord(r, buf, at)
      }
  }
  if (at > 0) yield buf.subarray(0, at)
}
