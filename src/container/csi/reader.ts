// Reading a CSI index (CSIv1 with the tabix header, as csi/writer.ts, `tabix -C` and
// `bcftools index` write it): which BGZF chunks hold the records of a region. Browser-safe.
//
// Hand-written: @gmod/tabix reads CSI, but its current release cannot be installed (it needs an
// @gmod/bgzf-filehandle release the registry lacks, see README "Dependencies").
import { FormatError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { inflateBgzf, readVirtualRange } from '../bgzf/virtualOffset.js'
import type { VirtualOffset } from '../bgzf/virtualOffset.js'
import { firstBin, metaBin, regionBins } from './bins.js'
import type { TabixConfig } from './writer.js'

const MAGIC = [0x43, 0x53, 0x49, 0x01] // CSI\1

interface Bin {
  /** flat [begin, end) virtual offsets */
  chunks: VirtualOffset[]
  /** the linear index: no record overlapping the bin's first window starts before this */
  loffset: VirtualOffset
}

/** A parsed CSI: its tabix header and each contig's bins. */
export class CsiIndex {
  private constructor(
    readonly config: TabixConfig,
    readonly names: readonly string[],
    private readonly minShift: number,
    private readonly depth: number,
    private readonly refs: Map<number, Bin>[],
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
    const config: TabixConfig = {
      preset: v.getInt32(16, true),
      seqColumn: v.getInt32(20, true),
      beginColumn: v.getInt32(24, true),
      endColumn: v.getInt32(28, true),
      metaChar: String.fromCharCode(v.getInt32(32, true)),
      skipLines: v.getInt32(36, true),
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
    const pseudo = metaBin(depth)
    const refs: Map<number, Bin>[] = []
    for (let r = 0; r < nRef; r++) {
      need(at, 4)
      const nBin = v.getInt32(at, true)
      at += 4
      const bins = new Map<number, Bin>()
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
    return new CsiIndex(config, names, minShift, depth, refs)
  }

  /**
   * The virtual-offset ranges (flat [from, to), sorted and merged) that hold every record of
   * `name` overlapping [beg, end) — and possibly others, which the caller filters out.
   */
  chunks(name: string, beg: number, end: number): VirtualOffset[] {
    const bins = this.refs[this.names.indexOf(name)]
    if (!bins || end <= beg) return []
    // as htslib: chunks ending before the offset of the finest bin holding `beg` hold nothing here
    let minOffset = 0
    for (let l = this.depth; l >= 0; l--) {
      const s = this.minShift + 3 * (this.depth - l)
      const b = bins.get(firstBin(l) + Math.floor(beg / 2 ** s))
      if (b) {
        minOffset = b.loffset
        break
      }
    }
    const found: [number, number][] = []
    for (const [lo, hi] of regionBins(beg, end, this.minShift, this.depth))
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
  return CsiIndex.parse(await inflateBgzf(bytes, file.name), file.name)
}

/**
 * The data lines of a BGZF file whose records may overlap [start, end) of `chrom` (0-based), as
 * its CSI index finds them: the caller filters by position.
 */
export async function regionLines(
  files: { table: NamedFile; index: CsiIndex },
  chrom: string,
  start: number,
  end: number,
  opts: AbortOptions = {},
): Promise<string[]> {
  const chunks = files.index.chunks(chrom, start, end)
  const decoder = new TextDecoder()
  const out: string[] = []
  for (let k = 0; k + 1 < chunks.length; k += 2) {
    checkAbort(opts.signal)
    const bytes = await readVirtualRange(files.table, chunks[k]!, chunks[k + 1]!, opts)
    for (const line of decoder.decode(bytes).split('\n'))
      if (line !== '' && !line.startsWith('#')) out.push(line)
  }
  return out
}

/**
 * A BGZF text file (a sites-only VCF: site table, annotations, allele index) read by region
 * through its CSI index, which is loaded once without any caller's signal (a failed load is
 * retried next time).
 */
export class CsiIndexedLines {
  private index: Promise<CsiIndex> | undefined

  constructor(readonly files: { table: NamedFile; csi: NamedFile }) {}

  /** The data lines whose records may overlap [start, end) of `chrom`: the caller filters. */
  async lines(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<string[]> {
    if (!this.index) {
      this.index = readCsi(this.files.csi)
      this.index.catch(() => (this.index = undefined))
    }
    const index = await this.index
    checkAbort(opts.signal)
    return regionLines({ table: this.files.table, index }, chrom, start, end, opts)
  }
}
