// The site table (site.ts) by region, through its CSI index. Browser-safe.
import { readCsi, regionLines } from '../container/csi/reader.js'
import type { CsiIndex } from '../container/csi/reader.js'
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { parseSite } from './site.js'
import type { Site } from './site.js'

export class SiteTable {
  private index: Promise<CsiIndex> | undefined

  constructor(readonly files: { table: NamedFile; csi: NamedFile }) {}

  /** The index, loaded once without any caller's signal (a failed load is retried next time). */
  private loadIndex(): Promise<CsiIndex> {
    if (!this.index) {
      this.index = readCsi(this.files.csi)
      this.index.catch(() => (this.index = undefined))
    }
    return this.index
  }

  /** The sites of `chrom` whose POS lies in [start, end) (0-based), in file order. */
  async sites(chrom: string, start: number, end: number, opts: AbortOptions = {}): Promise<Site[]> {
    const index = await this.loadIndex()
    checkAbort(opts.signal)
    const out: Site[] = []
    const { table } = this.files
    for (const line of await regionLines({ table, index }, chrom, start, end, opts)) {
      const s = parseSite(line, { file: table.name })
      if (s.chrom === chrom && s.pos >= start && s.pos < end) out.push(s)
    }
    return out
  }
}
