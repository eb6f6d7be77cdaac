// VCF records as bytes. A wide record (20,000 samples: 80 kB of `\t0|0`) is written as 32-bit
// words, one per sample: the sample's two haplotype codes, read as one 16-bit number, index a
// table of the four bytes of its column. Strings would cost a conversion and a copy per line on
// the way to stdout. Browser-safe.
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

/** The sample columns, written as words here and copied out (grown as needed). */
let columns = new Uint32Array(0)

/** Bytes a record's line needs at most (its newline included). */
export function recordBytes(r: VcfRecord): number {
  // the text columns in UTF-16 units: at most 3 bytes each in UTF-8
  const text =
    r.chrom.length + (r.id?.length ?? 1) + r.ref.length + r.alt.length + (r.info?.length ?? 1)
  return 3 * text + 32 + 4 * r.phased.length + 1
}

const encoder = new TextEncoder()

/** Each sample's column word from its pair of codes (a plain loop over locals the JIT keeps). */
function fillColumns(pairs: Uint16Array, offset: Uint32Array, out: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = COLUMN[pairs[i]! + offset[i]!]!
}

/**
 * Write one record's line (with its newline) into `out` at `at`, which has room for
 * `recordBytes(r)`; returns where the line ends.
 */
export function writeRecord(r: VcfRecord, out: Uint8Array, at: number): number {
  const head = `${r.chrom}\t${r.pos + 1}\t${r.id ?? '.'}\t${r.ref}\t${r.alt}\t.\t.\t${r.info ?? '.'}\tGT`
  at += encoder.encodeInto(head, out.subarray(at)).written
  const { gt, phased } = r
  const n = phased.length
  if (n > 0) {
    if (columns.length < n) columns = new Uint32Array(n)
    const offset = offsetsOf(phased)
    if (gt.byteOffset % 2 === 0)
      fillColumns(new Uint16Array(gt.buffer, gt.byteOffset, n), offset, columns, n)
    else {
      const pair = new Uint16Array(1)
      const bytes = new Uint8Array(pair.buffer)
      for (let i = 0; i < n; i++) {
        bytes[0] = gt[2 * i]!
        bytes[1] = gt[2 * i + 1]!
        columns[i] = COLUMN[pair[0]! + offset[i]!]!
      }
    }
    out.set(new Uint8Array(columns.buffer, 0, 4 * n), at)
    at += 4 * n
  }
  out[at] = 0x0a
  return at + 1
}

const ascii = new TextDecoder()
let lineBytes = new Uint8Array(0)

/** One record as a VCF line (no trailing newline). */
export function formatVcfRecord(r: VcfRecord): string {
  const need = recordBytes(r)
  if (lineBytes.length < need) lineBytes = new Uint8Array(need)
  return ascii.decode(lineBytes.subarray(0, writeRecord(r, lineBytes, 0) - 1))
}

/** Chunk size of `vcfBytes`: big enough that a write per chunk costs nothing. */
const CHUNK = 1 << 20

/**
 * VCF lines (header strings without newlines, then batches of records) as chunks of whole lines,
 * about a megabyte each: each a new array, or with `reuse` the same buffer again once the next
 * chunk is asked for (for a consumer that has written a chunk by then: no megabyte allocated per
 * chunk).
 */
export async function* vcfBytes(
  lines: AsyncIterable<string | readonly VcfRecord[]> | Iterable<string | readonly VcfRecord[]>,
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
    } else
      for (const r of item) {
        const full = room(recordBytes(r))
        if (full) yield full
        at = writeRecord(r, buf, at)
      }
  }
  if (at > 0) yield buf.subarray(0, at)
}
