// Consequences of alleles on the transcripts of a gene model: `locate` gives what position alone
// decides, `haplotype` adds the protein effect of a haplotype's alleles taken together (the
// edits of a tile variant, or the alleles one haplotype of a cohort carries). Browser-safe.
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { GeneModel, Transcript } from '../genes/model.js'
import { alleleChange } from './allele.js'
import type { Change } from './allele.js'
import { codingParts } from './coding.js'
import { SPLICE_REACH, locate } from './location.js'
import { codingSequence, proteinEffects } from './protein.js'
import type { CdsChange, ProteinEffect } from './protein.js'
import { ChunkedReference } from './reference.js'
import type { SequenceSource } from './reference.js'
import { PROTEIN_TYPES, sortTypes } from './types.js'
import type { Allele, ConsequenceType, TranscriptConsequence } from './types.js'

/** An allele's place on one transcript. */
export interface AlleleLocation {
  transcript: Transcript
  /** types from position alone (UTR, splice, intron, non_coding, coding_sequence) */
  types: Set<ConsequenceType>
  /** inside the translatable CDS: the protein effect depends on the haplotype */
  cds: boolean
}

export interface LocatedAllele {
  allele: Allele
  change: Change
  locations: AlleleLocation[]
}

export interface HaplotypeConsequences {
  /** per allele (in the order given), its consequence on each transcript it touches */
  alleles: TranscriptConsequence[][]
  /** alleles left out of a transcript's protein because they overlap an earlier one there */
  overlapping: { allele: Allele; transcript: Transcript }[]
}

interface CdsSequence {
  cds: string
  coding: string
}

export class ConsequencePredictor {
  readonly reference: ChunkedReference
  private readonly cdsCache = new WeakMap<Transcript, Promise<CdsSequence>>()

  constructor(
    readonly model: GeneModel,
    reference: SequenceSource,
  ) {
    this.reference = new ChunkedReference(reference)
  }

  /** Where `allele` falls on each transcript it touches; undefined if it changes nothing. */
  locate(allele: Allele): LocatedAllele | undefined {
    const change = alleleChange(allele)
    if (!change) return undefined
    const near = this.model.overlapping(
      allele.chrom,
      change.start - SPLICE_REACH - 1,
      change.end + SPLICE_REACH + 1,
    )
    const locations: AlleleLocation[] = []
    for (const transcript of near) {
      const loc = locate(transcript, change)
      if (loc) locations.push({ transcript, ...loc })
    }
    return { allele, change, locations }
  }

  /** REF of `allele` as the reference has it (upper case), to check a VCF against. */
  referenceBases(allele: Allele, opts: AbortOptions = {}): Promise<string> {
    return this.reference.bases(allele.chrom, allele.pos, allele.pos + allele.ref.length, opts)
  }

  /** The spliced, trimmed CDS of a coding transcript, genomic and coding orientation. */
  cdsSequence(t: Transcript, opts: AbortOptions = {}): Promise<CdsSequence> {
    let p = this.cdsCache.get(t)
    if (!p) {
      p = (async () => {
        const pieces = await Promise.all(
          codingParts(t).parts.map((iv) => this.reference.bases(t.chrom, iv.start, iv.end, opts)),
        )
        const cds = pieces.join('')
        return { cds, coding: codingSequence(t, cds) }
      })()
      this.cdsCache.set(t, p)
      p.catch(() => this.cdsCache.delete(t))
    }
    return p
  }

  /**
   * The protein effects on `t` of one haplotype's alleles that lie in its CDS (`located` in
   * genomic order, each with its index on the haplotype).
   */
  async proteinEffects(
    t: Transcript,
    located: readonly { index: number; change: Change }[],
    opts: AbortOptions = {},
  ) {
    const { cds, coding } = await this.cdsSequence(t, opts)
    const changes: CdsChange[] = located.map((l) => ({ allele: l.index, change: l.change }))
    return proteinEffects(t, codingParts(t), cds, coding, changes)
  }

  /**
   * Consequences of one haplotype: `alleles` on one chromosome, VCF-style (REF must match the
   * reference). Alleles in the same codon, or inside one frameshift, combine. An allele with an
   * empty REF or ALT (an unanchored edit, as a tile variant's alignment gives them) gets the
   * reference base before it, as a VCF writes it; the result refers to that anchored allele.
   */
  async haplotype(
    input: readonly Allele[],
    opts: AbortOptions = {},
  ): Promise<HaplotypeConsequences> {
    const alleles: Allele[] = []
    for (const a of input) {
      if (a.ref !== '' && a.alt !== '') {
        alleles.push(a)
        continue
      }
      const b = a.pos > 0 ? await this.reference.bases(a.chrom, a.pos - 1, a.pos, opts) : ''
      if (b.length !== 1)
        throw new ArgumentError(`${a.chrom}:${a.pos + 1}: no reference base before the edit`)
      alleles.push({ chrom: a.chrom, pos: a.pos - 1, ref: b + a.ref, alt: b + a.alt })
    }
    const located = alleles.map((a) => this.locate(a))
    for (const [i, a] of alleles.entries()) {
      if (!located[i]) continue
      const ref = await this.referenceBases(a, opts)
      if (ref !== a.ref.toUpperCase())
        throw new ArgumentError(
          `${a.chrom}:${a.pos + 1}: REF ${a.ref} does not match the reference ${ref}`,
        )
    }
    // alleles inside each transcript's CDS, in genomic order
    const inCds = new Map<Transcript, { index: number; change: Change }[]>()
    located.forEach((l, index) => {
      for (const loc of l?.locations ?? []) {
        if (!loc.cds) continue
        let list = inCds.get(loc.transcript)
        if (!list) inCds.set(loc.transcript, (list = []))
        list.push({ index, change: l!.change })
      }
    })
    const effects = new Map<Transcript, Map<number, ProteinEffect>>()
    const overlapping: HaplotypeConsequences['overlapping'] = []
    for (const [t, list] of inCds) {
      list.sort((a, b) => a.change.start - b.change.start || a.index - b.index)
      const r = await this.proteinEffects(t, list, opts)
      effects.set(t, r.effects)
      for (const i of r.overlapping) overlapping.push({ allele: alleles[i]!, transcript: t })
    }
    const out = located.map((l, i) =>
      (l?.locations ?? []).map((loc) =>
        consequence(loc, effects.get(loc.transcript)?.get(i), alleles),
      ),
    )
    return { alleles: out, overlapping }
  }
}

/** An allele's consequence on a transcript: its location's types with its protein effect. */
export function consequence(
  loc: AlleleLocation,
  effect: ProteinEffect | undefined,
  alleles: readonly Allele[],
): TranscriptConsequence {
  const types = new Set(loc.types)
  if (effect) {
    types.delete('intron')
    for (const t of effect.types) types.add(t)
  }
  // a CDS allele left out of its haplotype's protein (it overlaps an earlier allele there)
  if (types.size === 0) types.add('coding_sequence')
  const out: TranscriptConsequence = { transcript: loc.transcript, types: sortTypes(types) }
  if (!effect) return out
  if (effect.protein) out.protein = effect.protein
  if (effect.combined) out.combined = effect.combined.map((i) => alleles[i]!)
  if (effect.reportedAt !== undefined) out.reportedAt = alleles[effect.reportedAt]!
  if (effect.afterStop) out.afterStop = true
  return out
}

/** Does the consequence include a protein effect (csq's "compound" part)? */
export function hasProteinEffect(c: TranscriptConsequence): boolean {
  return c.types.some((t) => PROTEIN_TYPES.has(t))
}

/** Consequences of one haplotype's alleles (see ConsequencePredictor.haplotype). */
export function consequences(
  model: GeneModel,
  reference: SequenceSource,
  alleles: readonly Allele[],
  opts: AbortOptions = {},
): Promise<HaplotypeConsequences> {
  return new ConsequencePredictor(model, reference).haplotype(alleles, opts)
}
