// One haplotype's edits, built event by event in reference order and handed out path by path:
// the rule every input with no-calls follows (gVCF records, callable regions, gaps).
//
// The overlap rule (README "No-calls"): events of a haplotype are taken in order of their first
// base, a no-call region before a record starting at the same base.
// - An ALT allele is applied as bcftools consensus applies it (src/variants/consensus.ts): skipped
//   when it starts on a base an earlier event decided (reported, listed in skipped.tsv.gz), except an
//   indel anchored on the last such base, applied without its anchor.
// - A no-call covers those of its bases that no earlier event decided: it is clipped, never
//   skipped, so that a no-call region reaching past a deletion still masks what follows it.
// - A reference call decides nothing: a later no-call over the same bases wins.
// Adjacent no-calls are merged into one run.
import type { Edit } from './haplotypes.js'
import { APPLY_WITHOUT_ANCHOR, SKIP, consensusDecision } from '../variants/consensus.js'

/** The minimal edit: common prefix, then common suffix removed; undefined when nothing changes. */
export function minimalEdit(start: number, ref: string, alt: string): Edit | undefined {
  let i = 0
  while (i < ref.length && i < alt.length && ref[i] === alt[i]) i++
  let j = 0
  while (
    j < ref.length - i &&
    j < alt.length - i &&
    ref[ref.length - 1 - j] === alt[alt.length - 1 - j]
  )
    j++
  if (i + j === ref.length && i + j === alt.length) return undefined
  return { start: start + i, end: start + ref.length - j, alt: alt.slice(i, alt.length - j) }
}

/** Is `e` a no-call run (its REF span replaced by as many `n`)? */
export function isNocallEdit(e: Edit): boolean {
  return e.end > e.start && e.alt.length === e.end - e.start && /^n+$/.test(e.alt)
}

/**
 * Put `e` into `out` (the path ending at `pathEnd`) or `carried` (the paths after it). An edit
 * across the path end is split there: a no-call run in two, an ALT stays in this path and the rest
 * of its REF span is deleted at the start of the next.
 */
export function splitAtPathEnd(e: Edit, pathEnd: number, out: Edit[], carried: Edit[]): void {
  if (e.end <= pathEnd) out.push(e)
  else if (e.start >= pathEnd) carried.push(e)
  else {
    const nocall = isNocallEdit(e)
    const head = pathEnd - e.start
    out.push({ start: e.start, end: pathEnd, alt: nocall ? e.alt.slice(0, head) : e.alt })
    carried.push({ start: pathEnd, end: e.end, alt: nocall ? e.alt.slice(head) : '' })
  }
}

/** `n` × length, sliced from one shared run (V8 slices share the parent string). */
let N_RUN = 'n'.repeat(1 << 16)
export function nocallBases(length: number): string {
  while (N_RUN.length < length) N_RUN += N_RUN
  return N_RUN.slice(0, length)
}

export class HaplotypeEditor {
  /** last reference base decided by an applied event (-1 before any) */
  private frozen = -1
  private prevInsert = false
  private edits: Edit[] = []
  /** the last edit, when it is a no-call run that a no-call right after it extends */
  private openNocall: Edit | undefined

  /** Start a new contig. */
  reset(): void {
    this.frozen = -1
    this.prevInsert = false
    this.edits = []
    this.openNocall = undefined
  }

  /** No-call over [start, end), clipped to the bases no earlier event decided. */
  nocall(start: number, end: number): void {
    const s = Math.max(start, this.frozen + 1)
    if (s >= end) return
    const last = this.openNocall
    if (last && last.end === s) {
      this.openNocall = { start: last.start, end, alt: nocallBases(end - last.start) }
      this.edits[this.edits.length - 1] = this.openNocall
    } else this.edits.push((this.openNocall = { start: s, end, alt: nocallBases(end - s) }))
    this.frozen = end - 1
    this.prevInsert = false
  }

  /** ALT `alt` of REF `ref` (lower case) at `pos`; false when skipped for an overlap. */
  alt(pos: number, ref: string, alt: string): boolean {
    const d = consensusDecision(this.frozen, this.prevInsert, pos, ref, alt)
    if (d === SKIP) return false
    const e =
      d === APPLY_WITHOUT_ANCHOR
        ? minimalEdit(pos + 1, ref.slice(1), alt.slice(1))
        : minimalEdit(pos, ref, alt)
    if (e) {
      this.edits.push(e)
      this.openNocall = undefined
    }
    this.frozen = pos + ref.length - 1
    this.prevInsert = alt.length > ref.length
    return true
  }

  /** The edits inside the path ending at `pathEnd`; those past it are kept for the next path. */
  take(pathEnd: number): Edit[] {
    const out: Edit[] = []
    const carried: Edit[] = []
    for (const e of this.edits) splitAtPathEnd(e, pathEnd, out, carried)
    this.edits = carried
    const last = carried[carried.length - 1]
    this.openNocall = last && isNocallEdit(last) ? last : undefined
    return out
  }
}
