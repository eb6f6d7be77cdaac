// Our consequences (src/consequence) as site annotations, one value per key as BGT's FMF keeps
// them (and as VEP --pick chooses): per allele its most severe consequence over the transcripts
// it touches (`csq`, the Sequence Ontology term), that transcript's gene (`gene`) and VEP's impact
// class of the term (`impact`). Browser-safe.
import type { ConsequenceType, TranscriptConsequence } from '../consequence/types.js'
import { PROTEIN_TYPES, soTerm } from '../consequence/types.js'
import type { AnnotationField, AnnotationValue } from './table.js'

/** Our types from most to least severe, in Ensembl VEP's order of SO terms, with VEP's impact. */
const SEVERITY: readonly [ConsequenceType, 'HIGH' | 'MODERATE' | 'LOW' | 'MODIFIER'][] = [
  ['splice_acceptor', 'HIGH'],
  ['splice_donor', 'HIGH'],
  ['stop_gained', 'HIGH'],
  ['frameshift', 'HIGH'],
  ['stop_lost', 'HIGH'],
  ['start_lost', 'HIGH'],
  ['inframe_insertion', 'MODERATE'],
  ['inframe_deletion', 'MODERATE'],
  ['missense', 'MODERATE'],
  ['inframe_altering', 'MODERATE'],
  ['splice_region', 'LOW'],
  ['stop_retained', 'LOW'],
  ['synonymous', 'LOW'],
  ['coding_sequence', 'MODIFIER'],
  ['5_prime_utr', 'MODIFIER'],
  ['3_prime_utr', 'MODIFIER'],
  ['non_coding', 'MODIFIER'],
  ['intron', 'MODIFIER'],
]
const RANK = new Map(SEVERITY.map(([t], i) => [t, i]))

export const CONSEQUENCE_FIELDS: readonly AnnotationField[] = [
  {
    key: 'csq',
    type: 'string',
    description: 'most severe consequence (SO term) over the transcripts',
  },
  {
    key: 'gene',
    type: 'string',
    description: 'gene of the transcript with the most severe consequence',
  },
  {
    key: 'impact',
    type: 'string',
    description: "VEP's impact class of csq: HIGH, MODERATE, LOW, MODIFIER",
  },
]

/**
 * The annotation of an allele with these consequences (one per transcript and haplotype), or
 * undefined when it has none (intergenic, as `bcftools csq` leaves it). A protein change told at
 * another allele (csq's `@POS`: two alleles in one codon) counts there, not here.
 */
export function consequenceValues(
  list: readonly TranscriptConsequence[],
): Map<string, AnnotationValue> | undefined {
  let best: { rank: number; type: ConsequenceType; gene: string } | undefined
  for (const c of list)
    for (const t of c.types) {
      if (c.reportedAt && PROTEIN_TYPES.has(t)) continue
      const rank = RANK.get(t)!
      if (!best || rank < best.rank) best = { rank, type: t, gene: c.transcript.gene.name }
    }
  if (!best) return undefined
  return new Map<string, AnnotationValue>([
    ['csq', soTerm(best.type)],
    ['gene', best.gene],
    ['impact', SEVERITY[best.rank]![1]],
  ])
}
