// A path's allele index (site.ts) by region, through its CSI index. Browser-safe.
import { CsiIndexedLines } from '../container/csi/reader.js'
import type { AbortOptions } from '../core/errors.js'
import { parseAlleleSite } from './site.js'
import type { AlleleSite } from './site.js'

export class AlleleIndex extends CsiIndexedLines {
  /** The sites of `chrom` whose REF overlaps [start, end) (0-based), in file order. */
  async sites(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<AlleleSite[]> {
    const { table } = this.files
    const out: AlleleSite[] = []
    for (const line of await this.lines(chrom, start, end, opts)) {
      const s = parseAlleleSite(line, { file: table.name })
      if (s.chrom === chrom && s.pos < end && s.pos + s.ref.length > start) out.push(s)
    }
    return out
  }
}
