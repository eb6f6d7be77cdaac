// The site table (site.ts) by region, through its CSI index. Browser-safe.
import { CsiIndexedLines } from '../container/csi/reader.js'
import type { AbortOptions } from '../core/errors.js'
import { parseSite } from './site.js'
import type { Site } from './site.js'

export class SiteTable extends CsiIndexedLines {
  /** The sites of `chrom` whose POS lies in [start, end) (0-based), in file order. */
  async sites(chrom: string, start: number, end: number, opts: AbortOptions = {}): Promise<Site[]> {
    const out: Site[] = []
    const { table } = this.files
    for (const line of await this.lines(chrom, start, end, opts)) {
      const s = parseSite(line, { file: table.name })
      if (s.chrom === chrom && s.pos >= start && s.pos < end) out.push(s)
    }
    return out
  }
}
