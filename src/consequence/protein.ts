// The protein effect of one haplotype's changes inside a transcript's CDS, haplotype-aware as
// bcftools csq: changes that share a codon, or that follow a frameshift until the frame is
// restored, are one combined change, reported at the first of them in the transcript's direction
// (the others point to it, csq's `@POS`). Each combined change is translated on its own, from
// its first codon to its last (to the end of the CDS while the frame is shifted), and classed:
// - start_lost: a change in the start codon (ATG, complete 5' end), reported alone and without a
//   protein change, as csq does;
// - frameshift / inframe_insertion / inframe_deletion by the length change, inframe_altering when
//   indels cancel out; stop_gained when a stop appears; else per amino acid missense, stop_gained,
//   stop_lost, or synonymous when none changes;
// - a change in the stop codon (complete 3' end) is stop_lost unless a stop remains
//   (stop_retained);
// - after a change whose translation stops, later ones are marked (csq's `*`).
// Indels carry the base before them (the VCF anchor) so that positions match csq's.
// Browser-safe.
import type { Transcript } from '../genes/model.js'
import type { Change } from './allele.js'
import { reverseComplement, translate } from './codon.js'
import type { CodingParts } from './coding.js'
import { partAt } from './coding.js'
import { sortTypes } from './types.js'
import type { ConsequenceType, ProteinChange } from './types.js'

/** A change of one haplotype inside the CDS, with its allele's index on the haplotype. */
export interface CdsChange {
  allele: number
  change: Change
}

export interface ProteinEffect {
  types: ConsequenceType[]
  protein?: ProteinChange
  /** allele indices combined into this effect, in genomic order (only when more than one) */
  combined?: number[]
  /** the allele at which a combined effect is reported, when it is not this one */
  reportedAt?: number
  afterStop?: boolean
}

export interface ProteinResult {
  /** effect per allele index */
  effects: Map<number, ProteinEffect>
  /** alleles left out because they overlap an earlier allele of the haplotype in the CDS */
  overlapping: number[]
}

interface Node {
  allele: number
  /** reference span in coding orientation (spliced-CDS offsets from the start codon side) */
  cs: number
  ce: number
  /** replacement bases, coding orientation */
  alt: string
  /** length change */
  dl: number
  /** the bases changed, without the anchor ([xs, xs) for an insertion before xs) */
  xs: number
  xe: number
}

/** Coding orientation of the spliced CDS (reverse-complemented on the minus strand). */
export function codingSequence(t: Transcript, cds: string): string {
  return t.strand === '+' ? cds : reverseComplement(cds)
}

/** Does the change [xs, xe) (an insertion when empty) alter coding bases [from, to)? */
function alters(n: { xs: number; xe: number }, from: number, to: number): boolean {
  return n.xs < n.xe ? n.xs < to && from < n.xe : from < n.xs && n.xs < to
}

/**
 * The node of a change inside one translatable CDS part, in genomic spliced-CDS offsets; or, for
 * a change reaching out of the part (into an intron or UTR), the coding bases it changes.
 */
function genomicNode(parts: CodingParts, cds: string, change: Change) {
  const { start, end, alt } = change
  const insertion = start === end
  const substitution = !insertion && end - start === alt.length
  const over = parts.parts.flatMap((p, k) => (p.start < end && start < p.end ? [k] : []))
  const i =
    substitution && over.length === 1
      ? over[0]!
      : insertion && partAt(parts, start - 1) >= 0
        ? partAt(parts, start - 1)
        : partAt(parts, start)
  const part = parts.parts[i]
  const off = (pos: number) => parts.offsets[i]! + pos - part!.start
  if (substitution && part) {
    // the bases that lie in the part (an MNP may reach into the intron)
    const from = Math.max(start, part.start)
    const gs = off(from)
    const sub = alt.slice(from - start, Math.min(end, part.end) - start)
    return { gs, ge: gs + sub.length, alt: sub, xs: gs, xe: gs + sub.length }
  }
  if (!part || (!insertion && end > part.end)) {
    // the CDS bases it covers, from the first part it overlaps to the last
    const first = over[0]!
    const last = over[over.length - 1]!
    const at = (k: number, pos: number) => parts.offsets[k]! + pos - parts.parts[k]!.start
    const xs = at(first, Math.max(start, parts.parts[first]!.start))
    const xe = at(last, Math.min(end, parts.parts[last]!.end))
    return { crossing: { xs, xe } }
  }
  const xs = off(start)
  const xe = xs + end - start
  if (start - 1 >= part.start) return { gs: xs - 1, ge: xe, alt: cds[xs - 1]! + alt, xs, xe }
  return { gs: xs, ge: xe, alt, xs, xe }
}

/**
 * Effects of a haplotype's changes inside the CDS of `t`. `coding` is the spliced CDS in coding
 * orientation (codingSequence), `cds` the same in genomic orientation; `changes` are in genomic
 * order.
 */
export function proteinEffects(
  t: Transcript,
  parts: CodingParts,
  cds: string,
  coding: string,
  changes: readonly CdsChange[],
): ProteinResult {
  const L = parts.length
  const fwd = t.strand === '+'
  const effects = new Map<number, ProteinEffect>()
  const overlapping: number[] = []
  const startCodon = !parts.incomplete5 && translate(coding.slice(0, 3)) === 'M'
  const toCoding = (xs: number, xe: number) => (fwd ? { xs, xe } : { xs: L - xe, xe: L - xs })
  const startLost = (x: { xs: number; xe: number }) => startCodon && alters(x, 0, 3)
  const nodes: Node[] = []
  let lastEnd = -1
  for (const c of changes) {
    const g = genomicNode(parts, cds, c.change)
    if (g.crossing) {
      // into an intron or UTR: only a lost start or stop codon can be told
      const x = toCoding(g.crossing.xs, g.crossing.xe)
      const type = startLost(x)
        ? 'start_lost'
        : !parts.incomplete3 && alters(x, L - 3, L)
          ? 'stop_lost'
          : 'coding_sequence'
      effects.set(c.allele, { types: [type] })
      continue
    }
    if (g.gs < lastEnd) {
      overlapping.push(c.allele)
      continue
    }
    lastEnd = Math.max(g.ge, g.gs + 1)
    const x = toCoding(g.xs, g.xe)
    const node: Node = fwd
      ? { allele: c.allele, cs: g.gs, ce: g.ge, alt: g.alt, dl: 0, ...x }
      : { allele: c.allele, cs: L - g.ge, ce: L - g.gs, alt: reverseComplement(g.alt), dl: 0, ...x }
    node.dl = node.alt.length - (node.ce - node.cs)
    if (startLost(node)) effects.set(c.allele, { types: ['start_lost'] })
    else nodes.push(node)
  }
  nodes.sort((a, b) => a.cs - b.cs)

  let upstreamDl = 0
  let afterStop = false
  for (let from = 0; from < nodes.length;) {
    // extend the group while the frame is shifted or the next change shares the last codon
    let to = from
    let dl = nodes[from]!.dl
    let shifted = dl % 3 !== 0
    for (; to + 1 < nodes.length; to++) {
      const cur = nodes[to]!
      const next = nodes[to + 1]!
      const lastCodon = Math.floor(Math.max(cur.ce - 1, cur.cs) / 3)
      if (dl % 3 === 0 && Math.floor(next.cs / 3) > lastCodon) break
      dl += next.dl
      if (dl % 3 !== 0) shifted = true
    }
    const group = nodes.slice(from, to + 1)
    const effect = classify(group, coding, L, parts.incomplete3, dl, shifted)
    const first = group[0]!
    const codonStart = first.cs - (first.cs % 3)
    const combined = group.map((n) => n.allele).sort((a, b) => a - b)
    const shared: ProteinEffect = {
      types: effect.types,
      protein: {
        refStart: codonStart / 3 + 1,
        ref: effect.ref,
        altStart: Math.floor((codonStart + upstreamDl) / 3) + 1,
        alt: effect.alt,
      },
      ...(combined.length > 1 ? { combined } : {}),
      ...(afterStop ? { afterStop } : {}),
    }
    for (const n of group)
      effects.set(n.allele, n === first ? shared : { ...shared, reportedAt: first.allele })
    if (effect.alt.includes('*')) afterStop = true
    upstreamDl += dl
    from = to + 1
  }
  return { effects, overlapping }
}

/** Translate one combined change and class it. */
function classify(
  group: readonly Node[],
  coding: string,
  L: number,
  incomplete3: boolean,
  dl: number,
  shifted: boolean,
): { types: ConsequenceType[]; ref: string; alt: string } {
  const first = group[0]!
  const last = group[group.length - 1]!
  const codonStart = first.cs - (first.cs % 3)
  const fill = dl % 3 !== 0
  const codonEnd = fill ? L : Math.ceil(Math.max(last.ce, last.cs + 1) / 3) * 3
  let altSeq = coding.slice(codonStart, first.cs)
  group.forEach((n, k) => {
    altSeq += n.alt + coding.slice(n.ce, k + 1 < group.length ? group[k + 1]!.cs : n.ce)
  })
  altSeq += coding.slice(last.ce, fill ? L : codonEnd)
  const upToStop = (aa: string) => {
    const s = aa.indexOf('*')
    return s < 0 ? aa : aa.slice(0, s + 1)
  }
  const ref = upToStop(translate(coding.slice(codonStart, codonEnd)))
  const alt = upToStop(translate(altSeq))
  const types = new Set<ConsequenceType>()
  const refStops = ref.endsWith('*')
  const altStops = alt.endsWith('*')
  const inStop = !incomplete3 && group.some((n) => alters(n, L - 3, L))
  let incomplete = false
  const removed = new Set<ConsequenceType>()
  if (inStop) {
    if (refStops && altStops) {
      types.add('stop_retained')
      removed.add('stop_lost')
    } else if (!refStops) {
      // a "complete" CDS without a stop codon at its end
      if (altStops) {
        types.add('stop_retained')
        removed.add('stop_gained')
      } else incomplete = true
    } else types.add('stop_lost')
  }
  const indel = group.some((n) => n.dl !== 0)
  if (dl !== 0) {
    types.add(dl % 3 ? 'frameshift' : dl < 0 ? 'inframe_deletion' : 'inframe_insertion')
    if (!refStops && altStops) types.add('stop_gained')
  } else {
    if (indel) types.add('inframe_altering')
    let changed = false
    for (let i = 0; i < ref.length; i++) {
      if (ref[i] === alt[i]) continue
      changed = true
      if (ref[i] === '*') types.add('stop_lost')
      else if (alt[i] === '*') types.add('stop_gained')
      else types.add('missense')
    }
    if (!changed) types.add('synonymous')
  }
  if (group.length > 1 && shifted && !fill && altStops) {
    // the stop comes before the frame is restored: not an in-frame change
    for (const t of ['inframe_deletion', 'inframe_insertion', 'inframe_altering'] as const)
      removed.add(t)
    types.add('frameshift')
    types.add('stop_gained')
  }
  for (const t of removed) types.delete(t)
  // a stop codon changed into another stop is not also synonymous
  if (types.has('stop_retained')) types.delete('synonymous')
  const startStop = ['stop_lost', 'stop_gained', 'stop_retained'] as const
  if (incomplete) for (const s of startStop) types.delete(s)
  if (startStop.some((s) => types.has(s))) types.delete('missense')
  return { types: sortTypes(types), ref, alt }
}
