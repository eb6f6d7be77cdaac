// Where an allele falls on a transcript, and the consequence types that follow from that alone
// (UTR, splice site and region, intron, non_coding), with the rules of bcftools csq:
// - a splice donor/acceptor is one of the 2 intronic bases at an exon end; a splice region is the
//   3 exonic and the intronic bases 3-8 from the exon end; only exon ends inside the transcript
//   count, and only coding transcripts have splice consequences; donor/acceptor hides region;
// - intron is reported for a coding transcript only when nothing else is; any change inside a
//   non-coding transcript is non_coding.
// Substitutions and deletions touch the bases they replace. An insertion sits between two bases
// (its flanks) and is inside a feature when both flanks are, with two junction rules: at an
// exon-intron junction it joins the exon (the splice signals lie in the intron, so they still
// mark the exon's end), at a UTR-CDS junction it leaves the protein alone (UTR). Near an exon
// end, the inserted bases take the place of the flank farther from the end, so they alter the
// splice site or region holding that flank; at the junction itself they alter the exonic region.
// Browser-safe.
import type { Interval, Transcript } from '../genes/model.js'
import type { Change } from './allele.js'
import { codingParts, partAt } from './coding.js'
import type { ConsequenceType } from './types.js'

export interface Location {
  /** types from position alone */
  types: Set<ConsequenceType>
  /** the change alters the translatable CDS: its protein effect needs the haplotype */
  cds: boolean
}

/** Bases on both sides of an exon end that splice consequences look at. */
export const SPLICE_REACH = 8

type Kind = 'out' | 'cds' | 'trimmed' | 'utr5' | 'utr3' | 'exon' | 'intron'

const within = (ivs: readonly Interval[], pos: number) =>
  ivs.some((iv) => iv.start <= pos && pos < iv.end)
const overlaps = (ivs: readonly Interval[], start: number, end: number) =>
  ivs.some((iv) => iv.start < end && start < iv.end)

function kindAt(t: Transcript, pos: number): Kind {
  if (pos < t.start || pos >= t.end) return 'out'
  if (partAt(codingParts(t), pos) >= 0) return 'cds'
  if (within(t.cds, pos)) return 'trimmed'
  if (within(t.utr5, pos)) return 'utr5'
  if (within(t.utr3, pos)) return 'utr3'
  return within(t.exons, pos) ? 'exon' : 'intron'
}

/** Where an insertion between `pos - 1` and `pos` belongs (see the rules above). */
function insertionKind(t: Transcript, pos: number): Kind {
  const a = kindAt(t, pos - 1)
  const b = kindAt(t, pos)
  if (a === 'out' || b === 'out') return 'out'
  if (a === b) return a
  if (a === 'intron') return b
  if (b === 'intron') return a
  if (a === 'trimmed' || b === 'trimmed') return 'trimmed'
  if (a === 'cds') return b
  if (b === 'cds') return a
  return 'exon'
}

/** Does the change touch [start, end)? An insertion must have both flanks inside. */
function touches(c: Change, start: number, end: number): boolean {
  if (c.end > c.start) return c.start < end && start < c.end
  return start < c.start && c.start < end
}

/**
 * Does the change alter splice bases [start, end), which lie on one side of the exon-intron
 * junction between `junction - 1` and `junction`? (An insertion at the junction alters neither
 * side's bases here: it lands in the exon, see spliceTypes.)
 */
function alters(c: Change, start: number, end: number, junction: number): boolean {
  if (c.end > c.start) return c.start < end && start < c.end
  if (c.start === junction) return false
  const farther = c.start < junction ? c.start - 1 : c.start
  return start <= farther && farther < end
}

function spliceTypes(t: Transcript, c: Change, types: Set<ConsequenceType>): void {
  const fwd = t.strand === '+'
  const atJunction = (j: number) => c.start === c.end && c.start === j
  for (const ex of t.exons) {
    if (ex.start > t.start) {
      // intron, then the exon starting at j
      const j = ex.start
      if (alters(c, j - 2, j, j)) types.add(fwd ? 'splice_acceptor' : 'splice_donor')
      if (alters(c, j - SPLICE_REACH, j - 2, j) || alters(c, j, j + 3, j) || atJunction(j))
        types.add('splice_region')
    }
    if (ex.end < t.end) {
      // the exon ending at j, then intron
      const j = ex.end
      if (alters(c, j, j + 2, j)) types.add(fwd ? 'splice_donor' : 'splice_acceptor')
      if (alters(c, j + 2, j + SPLICE_REACH, j) || alters(c, j - 3, j, j) || atJunction(j))
        types.add('splice_region')
    }
  }
  if (types.has('splice_donor') || types.has('splice_acceptor')) types.delete('splice_region')
}

/** Where `c` falls on `t`; undefined when it does not touch the transcript. */
export function locate(t: Transcript, c: Change): Location | undefined {
  if (!touches(c, t.start, t.end)) return undefined
  const types = new Set<ConsequenceType>()
  if (!t.coding) {
    types.add('non_coding')
    return { types, cds: false }
  }
  const parts = codingParts(t)
  let cds = false
  if (c.end === c.start) {
    const kind = insertionKind(t, c.start)
    if (kind === 'cds') cds = true
    else if (kind === 'trimmed') types.add('coding_sequence')
    else if (kind === 'utr5') types.add('5_prime_utr')
    else if (kind === 'utr3') types.add('3_prime_utr')
  } else {
    if (overlaps(parts.parts, c.start, c.end)) cds = true
    else if (overlaps(t.cds, c.start, c.end)) types.add('coding_sequence')
    if (overlaps(t.utr5, c.start, c.end)) types.add('5_prime_utr')
    if (overlaps(t.utr3, c.start, c.end)) types.add('3_prime_utr')
  }
  spliceTypes(t, c, types)
  if (!cds && types.size === 0) types.add('intron')
  return { types, cds }
}
