// One line of a path's allele index (`alleles/PPPP.vcf.gz`, docs/allele-index.md): an allele the
// cohort's tile variants carry, in the normalised biallelic form of the store's VCF export, with
// the tile variants that carry it (INFO `TV`) and those that are no-call over its REF (INFO
// `NC`). A sites-only VCF, so htslib tools read it as it is. Browser-safe.
import { FormatError } from '../core/errors.js'
import type { Place } from '../core/errors.js'

/** Tile variants of one step (path-local step number, variant numbers ascending). */
export interface StepClaim {
  step: number
  variants: number[]
}

export interface AlleleSite {
  chrom: string
  /** 0-based position of REF's first base */
  pos: number
  /** the input records' IDs (`.` when none; several joined by `;`) */
  id: string
  ref: string
  alt: string
  /**
   * the tile variants whose haplotypes carry the ALT (unless no-call there); empty when every
   * haplotype carrying it is no-call there through another tile (the site is still the cohort's)
   */
  carriers: StepClaim[]
  /** the tile variants whose haplotypes are no-call over the REF span (wins over `carriers`) */
  nocalls: StepClaim[]
  /**
   * no haplotype of the cohort is claimed by tile variants of two steps, so counts per tile
   * variant add up (INFO flag `OR` when not: the reader takes each haplotype's tiles together)
   */
  additive: boolean
}

/** The index's header lines (no newlines). */
export function alleleIndexHeader(contigs: readonly { name: string; length: number }[]): string[] {
  return [
    '##fileformat=VCFv4.2',
    '##source=lightning-tiles allele index: the alleles of the cohort tile variants',
    '##INFO=<ID=TV,Number=.,Type=String,Description="Tile variants carrying the ALT: STEP:V,V|STEP:V (hex, path-local steps)">',
    '##INFO=<ID=NC,Number=.,Type=String,Description="Tile variants no-call over the REF span, as TV">',
    '##INFO=<ID=OR,Number=0,Type=Flag,Description="Some haplotype has tile variants of two steps in TV or NC: take its tiles together">',
    ...contigs.map((c) => `##contig=<ID=${c.name},length=${c.length}>`),
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
  ]
}

const formatClaims = (claims: readonly StepClaim[]) =>
  claims
    .map((c) => `${c.step.toString(16)}:${c.variants.map((v) => v.toString(16)).join(',')}`)
    .join('|')

/** The index line of a site. */
export function formatAlleleSite(s: AlleleSite): string {
  const info = [`TV=${formatClaims(s.carriers)}`]
  if (s.nocalls.length) info.push(`NC=${formatClaims(s.nocalls)}`)
  if (!s.additive) info.push('OR')
  return [s.chrom, s.pos + 1, s.id, s.ref, s.alt, '.', '.', info.join(';')].join('\t')
}

function parseClaims(text: string, place: Place): StepClaim[] {
  if (text === '') return []
  return text.split('|').map((part) => {
    const colon = part.indexOf(':')
    const step = parseInt(part.slice(0, colon), 16)
    const variants = part
      .slice(colon + 1)
      .split(',')
      .map((v) => parseInt(v, 16))
    if (colon < 1 || !(step >= 0) || variants.some((v) => !(v >= 0)))
      throw new FormatError(`expected STEP:V,V… (hex) in the allele index, got '${part}'`, place)
    return { step, variants }
  })
}

/** The site of an index line. */
export function parseAlleleSite(line: string, place: Place): AlleleSite {
  const cols = line.split('\t')
  if (cols.length < 8) throw new FormatError('expected the 8 columns of a sites-only VCF', place)
  const pos = Number(cols[1])
  if (!Number.isInteger(pos) || pos < 1)
    throw new FormatError(`expected a positive integer POS, got '${cols[1]}'`, place)
  let carriers: StepClaim[] | undefined
  let nocalls: StepClaim[] = []
  let additive = true
  for (const field of cols[7]!.split(';')) {
    if (field.startsWith('TV=')) carriers = parseClaims(field.slice(3), place)
    else if (field.startsWith('NC=')) nocalls = parseClaims(field.slice(3), place)
    else if (field === 'OR') additive = false
  }
  if (!carriers) throw new FormatError('expected INFO TV= (the carrying tile variants)', place)
  return {
    chrom: cols[0]!,
    pos: pos - 1,
    id: cols[2]!,
    ref: cols[3]!,
    alt: cols[4]!,
    carriers,
    nocalls,
    additive,
  }
}
