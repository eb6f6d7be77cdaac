// Node-only: write the site table (site.ts) of a VCF, with its CSI index, as the build reads the
// VCF: one more pass over it, which keeps the build's tiling untouched (the build checks order
// and contigs; a record out of order here is an error all the same, as the index needs order).
import { LocalFile } from 'generic-filehandle2'
import { BgzfEncoder, writeBgzfFile } from '../container/bgzf/writer.js'
import { CsiBuilder } from '../container/csi/writer.js'
import { readLines } from '../container/stream.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatSite, parseSite, siteTableHeader } from './site.js'

export interface SiteTableOptions extends AbortOptions {
  onProgress?: ProgressCallback | undefined
}

/**
 * Write the records of `vcf` on `contigs` (in that order) to the BGZF site table `out` and its
 * index `out.csi`. Records on other contigs and records without an ALT allele are left out.
 * Returns the number of sites written.
 */
export async function writeSiteTable(
  out: string,
  vcf: string,
  contigs: readonly { name: string; length: number }[],
  opts: SiteTableOptions = {},
): Promise<number> {
  const names = new Set(contigs.map((c) => c.name))
  const csi = new CsiBuilder(Math.max(0, ...contigs.map((c) => c.length)))
  const enc = new BgzfEncoder()
  let n = 0
  async function* lines(): AsyncGenerator<string> {
    yield siteTableHeader(contigs).join('\n') + '\n'
    for await (const { text, line } of readLines({ name: vcf, handle: new LocalFile(vcf) }, opts)) {
      if (text === '' || text.startsWith('#')) continue
      const place = { file: vcf, line }
      const site = parseSite(text, place)
      if (!names.has(site.chrom) || site.alts.length === 0) continue
      try {
        csi.add(site.chrom, site.pos, site.pos + site.ref.length, enc.virtualOffset)
      } catch (err) {
        if (err instanceof ArgumentError)
          throw new FormatError(`${err.message} (unsorted VCF)`, place)
        throw err
      }
      yield formatSite(site) + '\n'
      if (++n % 65536 === 0) {
        checkAbort(opts.signal)
        opts.onProgress?.({ phase: 'writing the site table', done: n, total: 0 })
      }
    }
  }
  await writeBgzfFile(out, lines(), { encoder: enc, gzi: false })
  // after the encoder's finish: where the EOF block starts, the end of the last record
  await writeBgzfFile(`${out}.csi`, [csi.finish(enc.virtualOffset)], { gzi: false })
  opts.onProgress?.({ phase: 'writing the site table', done: n, total: n })
  return n
}
