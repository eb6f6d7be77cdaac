// A CSI index (htslib's CSIv1 with a tabix header, as `tabix -C` and `bcftools index` write it) of a
// position-sorted BGZF text file, so that tabix and bcftools view -r can seek in a VCF.gz we write.
// Byte for byte what `tabix -C` writes for the same file (test/cli-output.test.ts compares them).
// Hand-written: no npm package writes CSI or TBI (the GMOD packages read them only). The bytes are
// the uncompressed index; the caller BGZF-compresses them. Browser-safe (no I/O).
import type { VirtualOffset } from '../bgzf/virtualOffset.js'
import { concatBytes } from '../../core/bytes.js'
import { ArgumentError } from '../../core/errors.js'
import { CSI_MIN_SHIFT, binFirstWindow, metaBin, regionBin } from './bins.js'

/** The tabix header of the index: which columns hold the contig and the positions. */
export interface TabixConfig {
  /** 0 generic, 1 SAM, 2 VCF (htslib's TBX_* presets) */
  preset: number
  /** 1-based columns of the contig, start and end (0: none; VCF's end comes from REF or END) */
  seqColumn: number
  beginColumn: number
  endColumn: number
  /** lines starting with this character are header lines */
  metaChar: string
  skipLines: number
}

/** VCF text, as `tabix -p vcf`. */
export const VCF_TABIX: TabixConfig = {
  preset: 2,
  seqColumn: 1,
  beginColumn: 2,
  endColumn: 0,
  metaChar: '#',
  skipLines: 0,
}

interface Chunk {
  beg: VirtualOffset
  end: VirtualOffset
}

interface RefIndex {
  name: string
  bins: Map<number, Chunk[]>
  /** per 16 kb window: the virtual offset of the first record that overlaps it */
  linear: (VirtualOffset | undefined)[]
  first: VirtualOffset
  last: VirtualOffset
  records: number
  lastBin: number
  lastBeg: number
}

/**
 * Levels of bins below the top: 6 (the top bin holds 4 Gb) as `tabix -C` and `bcftools index` on
 * VCF.gz, more when `maxLength` needs them.
 */
function depthFor(maxLength: number): number {
  let depth = 6
  while (2 ** (CSI_MIN_SHIFT + 3 * depth) < maxLength) depth++
  return depth
}

/**
 * Collects the records of a sorted BGZF file (contig, 0-based half-open interval, and the virtual
 * offset where the record's line starts) and returns the CSI bytes. As tabix reads them, a record
 * ends where the next one starts, and the last one where the EOF block starts (`finish`).
 */
export class CsiBuilder {
  private readonly depth: number
  /** the end of the top bin: no record may reach past it */
  private readonly maxEnd: number
  private readonly refs: RefIndex[] = []
  private readonly seen = new Set<string>()
  /** the record whose end is the next one's start */
  private open: { ref: RefIndex; bin: number; start: VirtualOffset } | undefined

  /** `maxLength`: the longest contig a record may lie on (it sets the number of bin levels). */
  constructor(
    maxLength: number,
    private readonly config: TabixConfig = VCF_TABIX,
  ) {
    this.depth = depthFor(maxLength)
    this.maxEnd = 2 ** (CSI_MIN_SHIFT + 3 * this.depth)
  }

  /** A record of `chrom` over [beg, end) whose line starts at virtual offset `start`. */
  add(chrom: string, beg: number, end: number, start: VirtualOffset): void {
    if (!Number.isSafeInteger(start) || start < 0)
      throw new ArgumentError(`CSI: virtual offset ${start} is not a safe integer`)
    let ref = this.refs[this.refs.length - 1]
    if (ref?.name !== chrom) {
      if (this.seen.has(chrom))
        throw new ArgumentError(`records of ${chrom} are not together: the file is not sorted`)
      ref = {
        name: chrom,
        bins: new Map(),
        linear: [],
        first: start,
        last: start,
        records: 0,
        lastBin: -1,
        lastBeg: 0,
      }
    }
    if (beg < ref.lastBeg)
      throw new ArgumentError(
        `${chrom}:${beg + 1} follows ${ref.lastBeg + 1}: the file is not sorted`,
      )
    end = Math.max(end, beg + 1)
    if (end > this.maxEnd)
      throw new ArgumentError(`${chrom}:${end} lies past the ${this.maxEnd} bases the index covers`)
    this.close(start)
    if (ref !== this.refs[this.refs.length - 1]) {
      this.seen.add(chrom)
      this.refs.push(ref)
    }
    const bin = regionBin(beg, end, CSI_MIN_SHIFT, this.depth)
    const window = (pos: number) => Math.floor(pos / 2 ** CSI_MIN_SHIFT)
    for (let w = window(beg); w <= window(end - 1); w++) ref.linear[w] ??= start
    ref.lastBeg = beg
    ref.records++
    this.open = { ref, bin, start }
  }

  /** The index, uncompressed (CSI files are BGZF-compressed); `end`: where the last record ends. */
  finish(end: VirtualOffset): Uint8Array {
    this.close(end)
    const enc = new TextEncoder()
    const names = enc.encode(this.refs.map((r) => `${r.name}\0`).join(''))
    const parts: number[] = []
    const bytes: Uint8Array[] = []
    const flush = () => {
      if (parts.length) bytes.push(new Uint8Array(parts.splice(0)))
    }
    const i32 = (v: number) => parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24)
    const u64 = (v: number) => {
      const b = BigInt(v)
      for (let i = 0n; i < 64n; i += 8n) parts.push(Number((b >> i) & 0xffn))
    }
    parts.push(0x43, 0x53, 0x49, 0x01) // CSI\1
    i32(CSI_MIN_SHIFT)
    i32(this.depth)
    i32(7 * 4 + names.length)
    const c = this.config
    for (const v of [c.preset, c.seqColumn, c.beginColumn, c.endColumn, c.metaChar.charCodeAt(0)])
      i32(v)
    i32(c.skipLines)
    i32(names.length)
    flush()
    bytes.push(names)
    i32(this.refs.length)
    for (const ref of this.refs) {
      // windows before a ref's first record point at that record; gaps take the window before
      let prev = ref.first
      const linear = Array.from(ref.linear, (v) => (prev = v ?? prev))
      const bins = [...ref.bins.keys()].sort((a, b) => a - b)
      i32(bins.length + 1)
      for (const bin of bins) {
        const chunks = ref.bins.get(bin)!
        const w = binFirstWindow(bin, this.depth)
        i32(bin)
        u64(w < linear.length ? linear[w]! : 0)
        i32(chunks.length)
        for (const ch of chunks) {
          u64(ch.beg)
          u64(ch.end)
        }
      }
      // htslib's pseudo-bin: the ref's first and last offsets, then mapped/unmapped counts
      i32(metaBin(this.depth))
      u64(0)
      i32(2)
      u64(ref.first)
      u64(ref.last)
      u64(ref.records)
      u64(0)
      flush()
    }
    u64(0) // records without coordinates
    flush()
    return concatBytes(bytes)
  }

  /** End the open record at `end`: its chunk joins the bin's last one when they touch. */
  private close(end: VirtualOffset): void {
    const open = this.open
    if (!open) return
    this.open = undefined
    const { ref, bin, start } = open
    const chunks = ref.bins.get(bin) ?? []
    if (!ref.bins.has(bin)) ref.bins.set(bin, chunks)
    const lastChunk = chunks[chunks.length - 1]
    if (bin === ref.lastBin && lastChunk && lastChunk.end === start) lastChunk.end = end
    else chunks.push({ beg: start, end })
    ref.lastBin = bin
    ref.last = end
  }
}
