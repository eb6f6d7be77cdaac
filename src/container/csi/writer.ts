// A CSI index (htslib's CSIv1 with a tabix header, as `tabix -C` and `bcftools index` write it) of a
// position-sorted BGZF text file, so that tabix and bcftools view -r can seek in a VCF.gz we write.
// Hand-written: no npm package writes CSI or TBI (the GMOD packages read them only). The bytes are
// the uncompressed index; the caller BGZF-compresses them. Browser-safe (no I/O).
import { concatBytes } from '../../core/bytes.js'
import { ArgumentError } from '../../core/errors.js'

/** Bits of the smallest bin (16 kb), as htslib. */
const MIN_SHIFT = 14

/** The tabix header of the index: which columns hold the contig and the positions. */
export interface TabixConfig {
  /** 0 generic, 1 SAM, 2 VCF (htslib's TBX_* presets) */
  preset: number
  seqColumn: number
  beginColumn: number
  endColumn: number
  /** lines starting with this character are header lines */
  metaChar: string
  skipLines: number
}

export const VCF_TABIX: TabixConfig = {
  preset: 2,
  seqColumn: 1,
  beginColumn: 2,
  endColumn: 0,
  metaChar: '#',
  skipLines: 0,
}

interface Chunk {
  beg: bigint
  end: bigint
}

interface RefIndex {
  name: string
  bins: Map<number, Chunk[]>
  /** per 16 kb window: the virtual offset of the first record that overlaps it */
  linear: (bigint | undefined)[]
  first: bigint
  last: bigint
  records: number
  lastBin: number
  lastBeg: number
}

/**
 * Levels of bins: 6 (the top bin holds 4 Gb) as `tabix -C` and `bcftools index` on VCF.gz, more
 * when `maxLength` needs them.
 */
function levelsFor(maxLength: number): number {
  let levels = 6
  while (2 ** (MIN_SHIFT + 3 * levels) < maxLength) levels++
  return levels
}

/** The first bin number of level `l` (0 = the top bin). */
const firstBin = (l: number) => (8 ** l - 1) / 7

/** htslib's hts_reg2bin: the smallest bin holding [beg, end). */
function regionBin(beg: number, end: number, levels: number): number {
  const last = end - 1
  for (let l = levels, s = MIN_SHIFT; l > 0; l--, s += 3) {
    const b = Math.floor(beg / 2 ** s)
    if (b === Math.floor(last / 2 ** s)) return firstBin(l) + b
  }
  return 0
}

/** htslib's hts_bin_bot: the first 16 kb window a bin covers. */
function binFirstWindow(bin: number, levels: number): number {
  let l = 0
  for (let b = bin; b > 0; b = (b - 1) >> 3) l++
  return (bin - firstBin(l)) * 8 ** (levels - l)
}

/**
 * Collects the records of a sorted BGZF file (contig, 0-based half-open interval, and the virtual
 * offsets where the record's line starts and ends) and returns the CSI bytes.
 */
export class CsiBuilder {
  private readonly levels: number
  /** the end of the top bin: no record may reach past it */
  private readonly maxEnd: number
  private readonly refs: RefIndex[] = []
  private readonly seen = new Set<string>()

  /** `maxLength`: the longest contig a record may lie on (it sets the number of bin levels). */
  constructor(
    maxLength: number,
    private readonly config: TabixConfig = VCF_TABIX,
  ) {
    this.levels = levelsFor(maxLength)
    this.maxEnd = 2 ** (MIN_SHIFT + 3 * this.levels)
  }

  add(chrom: string, beg: number, end: number, vStart: bigint, vEnd: bigint): void {
    let ref = this.refs[this.refs.length - 1]
    if (ref?.name !== chrom) {
      if (this.seen.has(chrom))
        throw new ArgumentError(`records of ${chrom} are not together: the file is not sorted`)
      this.seen.add(chrom)
      ref = {
        name: chrom,
        bins: new Map(),
        linear: [],
        first: vStart,
        last: vEnd,
        records: 0,
        lastBin: -1,
        lastBeg: 0,
      }
      this.refs.push(ref)
    }
    if (beg < ref.lastBeg)
      throw new ArgumentError(
        `${chrom}:${beg + 1} follows ${ref.lastBeg + 1}: the file is not sorted`,
      )
    end = Math.max(end, beg + 1)
    if (end > this.maxEnd)
      throw new ArgumentError(`${chrom}:${end} lies past the ${this.maxEnd} bases the index covers`)
    const bin = regionBin(beg, end, this.levels)
    const chunks = ref.bins.get(bin) ?? []
    if (!ref.bins.has(bin)) ref.bins.set(bin, chunks)
    const lastChunk = chunks[chunks.length - 1]
    if (bin === ref.lastBin && lastChunk && lastChunk.end === vStart) lastChunk.end = vEnd
    else chunks.push({ beg: vStart, end: vEnd })
    const window = (pos: number) => Math.floor(pos / 2 ** MIN_SHIFT)
    for (let w = window(beg); w <= window(end - 1); w++) ref.linear[w] ??= vStart
    ref.lastBin = bin
    ref.lastBeg = beg
    ref.last = vEnd
    ref.records++
  }

  /** The index, uncompressed (CSI files are BGZF-compressed). */
  finish(): Uint8Array {
    const enc = new TextEncoder()
    const names = enc.encode(this.refs.map((r) => `${r.name}\0`).join(''))
    const parts: number[] = []
    const bytes: Uint8Array[] = []
    const flush = () => {
      if (parts.length) bytes.push(new Uint8Array(parts.splice(0)))
    }
    const i32 = (v: number) => parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24)
    const u64 = (v: bigint) => {
      for (let i = 0n; i < 64n; i += 8n) parts.push(Number((v >> i) & 0xffn))
    }
    parts.push(0x43, 0x53, 0x49, 0x01) // CSI\1
    i32(MIN_SHIFT)
    i32(this.levels)
    i32(7 * 4 + names.length)
    const c = this.config
    for (const v of [c.preset, c.seqColumn, c.beginColumn, c.endColumn, c.metaChar.charCodeAt(0)])
      i32(v)
    i32(c.skipLines)
    i32(names.length)
    flush()
    bytes.push(names)
    i32(this.refs.length)
    const pseudoBin = firstBin(this.levels + 1) + 1
    for (const ref of this.refs) {
      // windows before a ref's first record point at that record; gaps take the window before
      let prev = ref.first
      const linear = Array.from(ref.linear, (v) => (prev = v ?? prev))
      const bins = [...ref.bins.keys()].sort((a, b) => a - b)
      i32(bins.length + 1)
      for (const bin of bins) {
        const chunks = ref.bins.get(bin)!
        const w = binFirstWindow(bin, this.levels)
        i32(bin)
        u64(w < linear.length ? linear[w]! : 0n)
        i32(chunks.length)
        for (const ch of chunks) {
          u64(ch.beg)
          u64(ch.end)
        }
      }
      // htslib's pseudo-bin: the ref's first and last offsets, then mapped/unmapped counts
      i32(pseudoBin)
      u64(0n)
      i32(2)
      u64(ref.first)
      u64(ref.last)
      u64(BigInt(ref.records))
      u64(0n)
      flush()
    }
    u64(0n) // records without coordinates
    flush()
    return concatBytes(bytes)
  }
}
