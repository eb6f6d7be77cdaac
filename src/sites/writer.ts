// Node-only: write the site table (site.ts) of a VCF, with its CSI index, as the build reads the
// VCF: one more pass over it, which keeps the build's tiling untouched (the build checks order
// and contigs; a record out of order here is an error all the same, as the index needs order).
import { LocalFile } from 'generic-filehandle2'
import { BgzfEncoder, writeBgzfFile } from '../container/bgzf/writer.js'
import { CsiBuilder } from '../container/csi/writer.js'
import { readLines } from '../container/stream.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions, Place } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatSite, parseSite, siteTableHeader } from './site.js'
import type { Site } from './site.js'

export interface SiteTableOptions extends AbortOptions {
  onProgress?: ProgressCallback | undefined
}

/** A site and where it was read (for messages). */
interface PlacedSite {
  site: Site
  place: Place
}

/** The sites of a VCF's (or a site table's) data lines on `names` with an ALT allele, in order. */
async function* sitesOf(
  vcf: string,
  names: ReadonlySet<string>,
  opts: AbortOptions,
): AsyncGenerator<PlacedSite, undefined> {
  for await (const { text, line } of readLines({ name: vcf, handle: new LocalFile(vcf) }, opts)) {
    if (text === '' || text.startsWith('#')) continue
    const place = { file: vcf, line }
    const site = parseSite(text, place)
    if (names.has(site.chrom) && site.alts.length > 0) yield { site, place }
  }
}

/**
 * Write the records of `vcf` on `contigs` (in that order) to the BGZF site table `out` and its
 * index `out.csi`. Records on other contigs and records without an ALT allele are left out.
 * Returns the number of sites written.
 */
export function writeSiteTable(
  out: string,
  vcf: string,
  contigs: readonly { name: string; length: number }[],
  opts: SiteTableOptions = {},
): Promise<number> {
  return writeSites(out, sitesOf(vcf, new Set(contigs.map((c) => c.name)), opts), contigs, opts)
}

/**
 * The site table of a store's table `table` and the records of `vcf` together (`add`): both in
 * reference order, merged; a record of `vcf` whose site (CHROM, POS, REF, ALT) the table already
 * holds is left out, so the table's ID stays. Returns the number of sites written.
 */
export function mergeSiteTable(
  out: string,
  table: string,
  vcf: string,
  contigs: readonly { name: string; length: number }[],
  opts: SiteTableOptions = {},
): Promise<number> {
  const names = new Set(contigs.map((c) => c.name))
  const rank = new Map(contigs.map((c, i) => [c.name, i]))
  const before = (a: Site, b: Site) => rank.get(a.chrom)! - rank.get(b.chrom)! || a.pos - b.pos
  const same = (a: Site, b: Site) =>
    a.chrom === b.chrom && a.pos === b.pos && a.ref === b.ref && a.alts.join() === b.alts.join()
  async function* merged(): AsyncGenerator<PlacedSite> {
    const olds = sitesOf(table, names, opts)
    const news = sitesOf(vcf, names, opts)
    let a = await olds.next()
    let b = await news.next()
    // the table's sites at the position last written, to drop the VCF's copies of them
    let here: Site[] = []
    while (!a.done || !b.done) {
      const takeOld = !a.done && (b.done || before(a.value.site, b.value.site) <= 0)
      const next = (takeOld ? a.value : b.value) as PlacedSite
      if (here.length > 0 && before(here[0]!, next.site) !== 0) here = []
      if (takeOld) {
        here.push(next.site)
        yield next
        a = await olds.next()
      } else {
        if (!here.some((s) => same(s, next.site))) yield next
        b = await news.next()
      }
    }
  }
  return writeSites(out, merged(), contigs, opts)
}

/** The site table of `sites` (in reference order) at `out`, with its CSI index. */
async function writeSites(
  out: string,
  sites: AsyncIterable<PlacedSite>,
  contigs: readonly { name: string; length: number }[],
  opts: SiteTableOptions,
): Promise<number> {
  const csi = new CsiBuilder(Math.max(0, ...contigs.map((c) => c.length)))
  const enc = new BgzfEncoder()
  let n = 0
  async function* lines(): AsyncGenerator<string> {
    yield siteTableHeader(contigs).join('\n') + '\n'
    for await (const { site, place } of sites) {
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
