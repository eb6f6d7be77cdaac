// The store's site table, `sites.vcf.gz`: every record of the input VCF as a sites-only VCF line
// (CHROM POS ID REF ALT, then `.` for QUAL, FILTER and INFO), BGZF-compressed with a CSI index,
// so the export can give each record back its ID, and htslib tools (tabix, bcftools annotate -a)
// read it as it is. A sites-only VCF rather than a table of our own: INFO is where site
// annotations go when the table grows into them, with their ##INFO definitions. Browser-safe.
import { FormatError } from '../core/errors.js'
import type { Place } from '../core/errors.js'

/** One input record's site, as written (POS made 0-based). */
export interface Site {
  chrom: string
  /** 0-based position of REF's first base */
  pos: number
  /** the ID column as written (`.` when none; several IDs joined by `;`) */
  id: string
  ref: string
  /** ALT alleles as written (bases, `*` or symbolic) */
  alts: string[]
}

/** The table's header lines (no newlines). */
export function siteTableHeader(contigs: readonly { name: string; length: number }[]): string[] {
  return [
    '##fileformat=VCFv4.2',
    '##source=lightning-tiles site table: the input VCF records, positions and IDs',
    ...contigs.map((c) => `##contig=<ID=${c.name},length=${c.length}>`),
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
  ]
}

/** The site of a VCF data line (only its first five columns are read). */
export function parseSite(line: string, place: Place): Site {
  const cols: string[] = []
  let from = 0
  for (let k = 0; k < 5; k++) {
    const tab = line.indexOf('\t', from)
    if (tab < 0 && k < 4)
      throw new FormatError('expected CHROM, POS, ID, REF and ALT separated by tabs', place)
    cols.push(line.slice(from, tab < 0 ? undefined : tab))
    from = tab + 1
  }
  const [chrom, posText, id, ref, alt] = cols as [string, string, string, string, string]
  const pos = Number(posText)
  if (!Number.isInteger(pos) || pos < 1)
    throw new FormatError(`expected a positive integer POS, got '${posText}'`, place)
  return { chrom, pos: pos - 1, id, ref, alts: alt === '.' ? [] : alt.split(',') }
}

/** The table's line for a site. */
export function formatSite(s: Site): string {
  return [s.chrom, s.pos + 1, s.id, s.ref, s.alts.join(','), '.', '.', '.'].join('\t')
}
