// A path's allele index (site.ts) by region, through its CSI index. Browser-safe.
import { readCsi, regionLines } from '../container/csi/reader.js'
import type { CsiIndex } from '../container/csi/reader.js'
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { parseAlleleSite } from './site.js'
import type { AlleleSite } from './site.js'

export class AlleleIndex {
  private index: Promise<CsiIndex> | undefined

  constructor(readonly files: { table: NamedFile; csi: NamedFile }) {}

  private loadIndex(): Promise<CsiIndex> {
    if (!this.index) {
      this.index = readCsi(this.files.csi)
      this.index.catch(() => (this.index = undefined))
    }
    return this.index
  }

  /** The sites of `chrom` whose REF overlaps [start, end) (0-based), in file order. */
  async sites(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<AlleleSite[]> {
    const index = await this.loadIndex()
    checkAbort(opts.signal)
    const { table } = this.files
    const out: AlleleSite[] = []
    for (const line of await regionLines({ table, index }, chrom, start, end, opts)) {
      const s = parseAlleleSite(line, { file: table.name })
      if (s.chrom === chrom && s.pos < end && s.pos + s.ref.length > start) out.push(s)
    }
    return out
  }
}
