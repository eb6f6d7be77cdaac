// Consequence types, named as bcftools csq prints them (Sequence Ontology terms without the
// `_variant` suffix), in csq's printing order, and what the engine reports per allele.
import type { Transcript } from '../genes/model.js'

export const CONSEQUENCE_TYPES = [
  'synonymous',
  'missense',
  'stop_lost',
  'stop_gained',
  'inframe_deletion',
  'inframe_insertion',
  'frameshift',
  'splice_acceptor',
  'splice_donor',
  'start_lost',
  'splice_region',
  'stop_retained',
  '5_prime_utr',
  '3_prime_utr',
  'non_coding',
  'intron',
  'inframe_altering',
  'coding_sequence',
] as const

export type ConsequenceType = (typeof CONSEQUENCE_TYPES)[number]

const ORDER = new Map<ConsequenceType, number>(CONSEQUENCE_TYPES.map((t, i) => [t, i]))

/** Types in csq's printing order, without repeats. */
export function sortTypes(types: Iterable<ConsequenceType>): ConsequenceType[] {
  return [...new Set(types)].sort((a, b) => ORDER.get(a)! - ORDER.get(b)!)
}

/** The Sequence Ontology term of a type (`missense` → `missense_variant`). */
export function soTerm(type: ConsequenceType): string {
  switch (type) {
    case '5_prime_utr':
      return '5_prime_UTR_variant'
    case '3_prime_utr':
      return '3_prime_UTR_variant'
    case 'non_coding':
      return 'non_coding_transcript_variant'
    case 'inframe_altering':
      return 'protein_altering_variant'
    // SO terms without the suffix
    case 'stop_gained':
    case 'stop_lost':
    case 'start_lost':
    case 'inframe_deletion':
    case 'inframe_insertion':
      return type
    default:
      return `${type}_variant`
  }
}

/**
 * Types that depend on the rest of the haplotype (csq's "compound" types): the protein changes.
 * The others (UTR, splice, intron, non_coding) follow from the allele's position alone.
 */
export const PROTEIN_TYPES: ReadonlySet<ConsequenceType> = new Set<ConsequenceType>([
  'synonymous',
  'missense',
  'stop_lost',
  'stop_gained',
  'inframe_deletion',
  'inframe_insertion',
  'frameshift',
  'start_lost',
  'stop_retained',
  'inframe_altering',
])

/** One allele as a VCF writes it: 0-based position of REF's first base, REF and ALT bases. */
export interface Allele {
  chrom: string
  pos: number
  ref: string
  alt: string
}

/** A change of the protein: `${refStart}${ref}>${altStart}${alt}` (csq's amino-acid field). */
export interface ProteinChange {
  /** 1-based codon of the first changed reference amino acid */
  refStart: number
  /** reference amino acids from refStart, up to the first stop ('*') */
  ref: string
  /** 1-based position of the first changed amino acid on the haplotype's protein */
  altStart: number
  /** the haplotype's amino acids from altStart, up to the first stop */
  alt: string
}

/** What one allele of a haplotype does to one transcript. */
export interface TranscriptConsequence {
  transcript: Transcript
  /** in csq's order; never empty */
  types: ConsequenceType[]
  /** the protein change, for protein types (not for start_lost, which csq reports without it) */
  protein?: ProteinChange
  /**
   * The haplotype's alleles (genomic order) whose combined effect `types` and `protein` describe,
   * when there are several: they share a codon, or lie inside one frameshift.
   */
  combined?: Allele[]
  /**
   * For a combined effect: the allele that reports it (the first in the transcript's direction,
   * csq's `@POS`); absent when it is this allele.
   */
  reportedAt?: Allele
  /** csq's `*` prefix: an earlier change of this haplotype already stops translation */
  afterStop?: boolean
}
