// Node-only: write the site table (site.ts) of a VCF, with its CSI index, as the build reads the
// VCF: one more pass over it, which keeps the build's tiling untouched (the build checks order
// and contigs; a record out of order here is an error all the same, as the index needs order).
import { LocalFile } from 'generic-filehandle2'
import { CsiBuilder, TABIX_VCF } from '../container/bgzf/csi.js'
import { BgzfEncoder, writeBgzfFile } from '../container/bgzf/writer.js'
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
  const ids = new Map(contigs.map((c, i) => [c.name, i]))
  const csi = new CsiBuilder(
    contigs.map((c) => c.name),
    Math.max(0, ...contigs.map((c) => c.length)),
    TABIX_VCF,
  )
  const enc = new BgzfEncoder()
  let n = 0
  async function* lines(): AsyncGenerator<string> {
    yield siteTableHeader(contigs).join('\n') + '\n'
    for await (const { text, line } of readLines({ name: vcf, handle: new LocalFile(vcf) }, opts)) {
      if (text === '' || text.startsWith('#')) continue
      const place = { file: vcf, line }
      const site = parseSite(text, place)
      const ref = ids.get(site.chrom)
      if (ref === undefined || site.alts.length === 0) continue
      const from = enc.virtualOffset
      yield formatSite(site) + '\n'
      // resumed once the writer has pushed the line: the encoder is past it
      try {
        csi.add(ref, site.pos, site.pos + site.ref.length, from, enc.virtualOffset)
      } catch (err) {
        if (err instanceof ArgumentError)
          throw new FormatError(`${err.message} (unsorted VCF)`, place)
        throw err
      }
      if (++n % 65536 === 0) {
        checkAbort(opts.signal)
        opts.onProgress?.({ phase: 'writing the site table', done: n, total: 0 })
      }
    }
  }
  await writeBgzfFile(out, lines(), { encoder: enc, gzi: false })
  await writeBgzfFile(`${out}.csi`, [csi.encode()], { gzi: false })
  opts.onProgress?.({ phase: 'writing the site table', done: n, total: n })
  return n
}
