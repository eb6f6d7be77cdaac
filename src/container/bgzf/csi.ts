// CSI: htslib's coordinate-sorted index of a BGZF file of sorted records (CSIv1, hts-specs
// CSIv1.tex), with the tabix header of a text file in its auxiliary data, as `tabix --csi` and
// `bcftools index` write it; so htslib tools query our files and we query theirs. Browser-safe.
//
// Hand-written: @gmod/tabix reads CSI, but its current release cannot be installed (it needs an
// @gmod/bgzf-filehandle release the registry lacks, see README "Dependencies"), and the writer
// side has no library. Block framing and CRCs go through bgzf/reader.ts.
import { ArgumentError, FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { BGZF_MAX_BLOCK, bgzfBlockAt, inflateBgzfBlocks } from './reader.js'
import type { BgzfBlockInfo } from './reader.js'

/** A BGZF virtual offset: compressed offset of a block × 2^16 + offset inside its data. */
export type VirtualOffset = number

/** The tabix header fields (TBI's, kept in CSI's auxiliary data). */
export interface TabixConf {
  /** 0 generic, 1 SAM, 2 VCF */
  format: number
  /** 1-based columns of the sequence name, start and end (0: none; VCF: from REF's length) */
  colSeq: number
  colBeg: number
  colEnd: number
  /** lines starting with this are headers */
  meta: string
  skip: number
}

/** VCF text, as `tabix -p vcf`. */
export const TABIX_VCF: TabixConf = {
  format: 2,
  colSeq: 1,
  colBeg: 2,
  colEnd: 0,
  meta: '#',
  skip: 0,
}

const MAGIC = [0x43, 0x53, 0x49, 0x01] // CSI\1
/** htslib's default: the finest bins cover 16 kb. */
export const CSI_MIN_SHIFT = 14

/** Levels of bins above the finest for contigs up to `maxLength`, as htslib's bcf_index. */
export function csiDepth(maxLength: number, minShift = CSI_MIN_SHIFT): number {
  let depth = 0
  for (let s = 2 ** minShift; maxLength + 256 > s; s *= 8) depth++
  return depth
}

/** First bin number of level `l` (0 = the whole contig). */
function levelStart(l: number): number {
  return ((1 << (3 * l)) - 1) / 7
}

/** The smallest bin holding [beg, end) (htslib hts_reg2bin). */
function reg2bin(beg: number, end: number, minShift: number, depth: number): number {
  const last = end - 1
  for (let l = depth, s = minShift; l > 0; l--, s += 3) {
    const b = Math.floor(beg / 2 ** s)
    if (b === Math.floor(last / 2 ** s)) return levelStart(l) + b
  }
  return 0
}

/** The bins of every level that may hold records overlapping [beg, end) (htslib reg2bins). */
function reg2bins(beg: number, end: number, minShift: number, depth: number): [number, number][] {
  const out: [number, number][] = []
  const last = Math.min(end, 2 ** (minShift + 3 * depth)) - 1
  for (let l = 0, s = minShift + 3 * depth; l <= depth; l++, s -= 3) {
    const t = levelStart(l)
    out.push([t + Math.floor(beg / 2 ** s), t + Math.floor(last / 2 ** s)])
  }
  return out
}

interface Bin {
  /** flat [begin, end) virtual offsets */
  chunks: number[]
}

interface RefBins {
  bins: Map<number, Bin>
  /** per window of 2^minShift bases: the smallest start of a record overlapping it */
  linear: number[]
}

/**
 * Collects the records of a BGZF file as they are written (sorted by contig, then start) and
 * encodes their CSI (uncompressed: `bgzf` it, as htslib reads a .csi as BGZF).
 */
export class CsiBuilder {
  private readonly refs: RefBins[]
  private readonly depth: number
  private last = { ref: 0, beg: -1 }

  /** `names`: the contigs, in the order records come; `maxLength`: the longest. */
  constructor(
    private readonly names: readonly string[],
    maxLength: number,
    private readonly conf: TabixConf,
    private readonly minShift = CSI_MIN_SHIFT,
  ) {
    this.depth = csiDepth(maxLength, minShift)
    this.refs = names.map(() => ({ bins: new Map(), linear: [] }))
  }

  /** A record of contig `ref` over [beg, end) (0-based), stored at virtual offsets [from, to). */
  add(ref: number, beg: number, end: number, from: VirtualOffset, to: VirtualOffset): void {
    const r = this.refs[ref]
    if (!r || ref < this.last.ref || (ref === this.last.ref && beg < this.last.beg))
      throw new ArgumentError(
        `CSI: record ${this.names[ref] ?? ref}:${beg + 1} is out of order (after ${this.names[this.last.ref]}:${this.last.beg + 1})`,
      )
    this.last = { ref, beg }
    if (end <= beg) end = beg + 1
    const bin = reg2bin(beg, end, this.minShift, this.depth)
    let b = r.bins.get(bin)
    if (!b) r.bins.set(bin, (b = { chunks: [] }))
    const n = b.chunks.length
    if (n && b.chunks[n - 1] === from) b.chunks[n - 1] = to
    else b.chunks.push(from, to)
    const w0 = Math.floor(beg / 2 ** this.minShift)
    const w1 = Math.floor((end - 1) / 2 ** this.minShift)
    for (let w = w0; w <= w1; w++) r.linear[w] ??= from
  }

  /** The index file's bytes (before BGZF compression). */
  encode(): Uint8Array {
    const names = new TextEncoder().encode(this.names.map((n) => `${n}\0`).join(''))
    const c = this.conf
    const aux = new Uint8Array(28 + names.length)
    const av = new DataView(aux.buffer)
    const fields = [c.format, c.colSeq, c.colBeg, c.colEnd, c.meta.charCodeAt(0), c.skip]
    fields.forEach((v, i) => av.setInt32(4 * i, v, true))
    av.setInt32(24, names.length, true)
    aux.set(names, 28)

    let size = 16 + aux.length + 4 + 8
    for (const r of this.refs) {
      size += 4
      for (const b of r.bins.values()) size += 16 + 8 * b.chunks.length
    }
    const out = new Uint8Array(size)
    const v = new DataView(out.buffer)
    out.set(MAGIC, 0)
    v.setInt32(4, this.minShift, true)
    v.setInt32(8, this.depth, true)
    v.setInt32(12, aux.length, true)
    out.set(aux, 16)
    let at = 16 + aux.length
    v.setInt32(at, this.refs.length, true)
    at += 4
    const u64 = (x: number) => {
      v.setBigUint64(at, BigInt(x), true)
      at += 8
    }
    for (const r of this.refs) {
      v.setInt32(at, r.bins.size, true)
      at += 4
      // a window no record overlaps takes the offset of the one before (htslib does the same), so
      // a bin's offset never passes a record a query at its start must read
      let fill = r.linear.find((x) => x !== undefined) ?? 0
      const linear = Array.from(r.linear, (x) => (fill = x ?? fill))
      for (const [bin, b] of [...r.bins].sort((x, y) => x[0] - y[0])) {
        v.setUint32(at, bin, true)
        at += 4
        let l = 0
        while (bin >= levelStart(l + 1)) l++
        const firstWindow = (bin - levelStart(l)) * 8 ** (this.depth - l)
        u64(linear[Math.min(firstWindow, linear.length - 1)]!)
        v.setInt32(at, b.chunks.length / 2, true)
        at += 4
        for (const x of b.chunks) u64(x)
      }
    }
    u64(0) // records without a position
    return out
  }
}

/** A parsed CSI: its tabix header and each contig's bins. */
export class CsiIndex {
  private constructor(
    readonly conf: TabixConf,
    readonly names: readonly string[],
    private readonly minShift: number,
    private readonly depth: number,
    private readonly refs: Map<number, { chunks: number[]; loffset: number }>[],
  ) {}

  /** Parse an index (its bytes already inflated); `file` names it in errors. */
  static parse(bytes: Uint8Array, file: string): CsiIndex {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const need = (at: number, n: number) => {
      if (at + n > bytes.length)
        throw new FormatError(`CSI index ends at ${bytes.length}, inside its tables`, {
          file,
          offset: at,
        })
    }
    need(0, 16)
    if (MAGIC.some((m, i) => bytes[i] !== m))
      throw new FormatError('expected a CSI index (magic CSI\\1)', { file, offset: 0 })
    const minShift = v.getInt32(4, true)
    const depth = v.getInt32(8, true)
    const lAux = v.getInt32(12, true)
    need(16, lAux)
    if (lAux < 28)
      throw new FormatError('CSI index without a tabix header (not for a text file)', { file })
    const conf: TabixConf = {
      format: v.getInt32(16, true),
      colSeq: v.getInt32(20, true),
      colBeg: v.getInt32(24, true),
      colEnd: v.getInt32(28, true),
      meta: String.fromCharCode(v.getInt32(32, true)),
      skip: v.getInt32(36, true),
    }
    const lNames = v.getInt32(40, true)
    const names = new TextDecoder()
      .decode(bytes.subarray(44, 44 + lNames))
      .split('\0')
      .slice(0, -1)
    let at = 16 + lAux
    need(at, 4)
    const nRef = v.getInt32(at, true)
    at += 4
    const u64 = () => {
      const x = Number(v.getBigUint64(at, true))
      at += 8
      return x
    }
    const pseudo = levelStart(depth + 1)
    const refs: CsiIndex['refs'] = []
    for (let r = 0; r < nRef; r++) {
      need(at, 4)
      const nBin = v.getInt32(at, true)
      at += 4
      const bins = new Map<number, { chunks: number[]; loffset: number }>()
      for (let k = 0; k < nBin; k++) {
        need(at, 16)
        const bin = v.getUint32(at, true)
        at += 4
        const loffset = u64()
        const nChunk = v.getInt32(at, true)
        at += 4
        need(at, 16 * nChunk)
        const chunks: number[] = []
        for (let c = 0; c < 2 * nChunk; c++) chunks.push(u64())
        if (bin !== pseudo) bins.set(bin, { chunks, loffset })
      }
      refs.push(bins)
    }
    if (names.length !== nRef)
      throw new FormatError(`CSI index names ${names.length} contigs and indexes ${nRef}`, { file })
    return new CsiIndex(conf, names, minShift, depth, refs)
  }

  /**
   * The virtual-offset ranges (flat [from, to), sorted and merged) that hold every record of
   * `name` overlapping [beg, end) — and possibly others, which the caller filters out.
   */
  chunks(name: string, beg: number, end: number): number[] {
    const bins = this.refs[this.names.indexOf(name)]
    if (!bins || end <= beg) return []
    // as htslib: chunks ending before the offset of the finest bin holding `beg` hold nothing here
    let minOffset = 0
    for (let l = this.depth; l >= 0; l--) {
      const s = this.minShift + 3 * (this.depth - l)
      const b = bins.get(levelStart(l) + Math.floor(beg / 2 ** s))
      if (b) {
        minOffset = b.loffset
        break
      }
    }
    const found: [number, number][] = []
    for (const [lo, hi] of reg2bins(beg, end, this.minShift, this.depth))
      for (let bin = lo; bin <= hi; bin++) {
        const c = bins.get(bin)?.chunks ?? []
        for (let k = 0; k < c.length; k += 2)
          if (c[k + 1]! > minOffset) found.push([c[k]!, c[k + 1]!])
      }
    found.sort((a, b) => a[0] - b[0])
    const out: number[] = []
    for (const [from, to] of found) {
      const n = out.length
      if (n && from <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, to)
      else out.push(from, to)
    }
    return out
  }
}

/** Read and parse a CSI file (BGZF-compressed, as htslib writes it). */
export async function readCsi(file: NamedFile, opts: AbortOptions = {}): Promise<CsiIndex> {
  const bytes = await file.handle.readFile(opts.signal ? { signal: opts.signal } : {})
  const blocks = blocksBefore(bytes, file.name, 0, bytes.length)
  return CsiIndex.parse(await inflateBgzfBlocks(bytes, blocks, file.name, 0), file.name)
}

/** The uncompressed bytes of a BGZF file between two virtual offsets, with one ranged read. */
export async function readVirtualRange(
  file: NamedFile,
  from: VirtualOffset,
  to: VirtualOffset,
  opts: AbortOptions = {},
): Promise<Uint8Array> {
  checkAbort(opts.signal)
  if (to <= from) return new Uint8Array(0)
  const c0 = Math.floor(from / 0x10000)
  const c1 = Math.floor(to / 0x10000)
  const u1 = to % 0x10000
  // the blocks from c0 to c1, and c1's too when `to` is inside it (a block is at most 64 KiB)
  const end = u1 > 0 ? c1 + 1 : c1
  const buf = await file.handle.read(
    end - c0 + (u1 > 0 ? BGZF_MAX_BLOCK : 0),
    c0,
    opts.signal ? { signal: opts.signal } : {},
  )
  const blocks = blocksBefore(buf, file.name, c0, end)
  const last = blocks[blocks.length - 1]
  if (u1 > 0 && last && c0 + last.start !== c1)
    throw new FormatError(`no BGZF block starts at ${c1}, where the index points`, {
      file: file.name,
      offset: c0 + last.start,
    })
  const data = await inflateBgzfBlocks(buf, blocks, file.name, c0)
  return data.subarray(from % 0x10000, u1 > 0 ? data.length - last!.dataSize + u1 : data.length)
}

/** The whole BGZF blocks of `buf` (read at `offset`) that start before file offset `end`. */
function blocksBefore(buf: Uint8Array, name: string, offset: number, end: number): BgzfBlockInfo[] {
  const blocks: BgzfBlockInfo[] = []
  for (let at = 0; offset + at < end;) {
    const block = bgzfBlockAt(buf, at, name, offset)
    if (!block)
      throw new FormatError('BGZF data ends inside a block its index points to (truncated?)', {
        file: name,
        offset: offset + at,
      })
    blocks.push(block)
    at += block.size
  }
  return blocks
}
