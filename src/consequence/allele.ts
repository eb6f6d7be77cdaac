// What an allele changes on the reference. Browser-safe.
import type { Allele } from './types.js'

/** Reference bases [start, end) (0-based) replaced by `alt`; start == end is an insertion. */
export interface Change {
  start: number
  end: number
  alt: string
}

/** A symbolic (`<DEL>`), breakend, spanning-deletion (`*`) or missing ALT: no sequence change. */
export function isSymbolic(alt: string): boolean {
  return alt === '*' || alt === '.' || alt === '' || /[<>[\]]/.test(alt)
}

/**
 * The bases an allele changes: REF and ALT lose their common suffix, then their common prefix,
 * so the change sits leftmost within the record, as bcftools csq places it (REF=AGG ALT=AG
 * deletes the first G). Undefined when ALT is REF or not a sequence.
 */
export function alleleChange(a: Allele): Change | undefined {
  const { ref, alt } = a
  if (isSymbolic(alt)) return undefined
  const r = ref.toUpperCase()
  const x = alt.toUpperCase()
  let tail = 0
  while (tail < r.length && tail < x.length && r[r.length - 1 - tail] === x[x.length - 1 - tail])
    tail++
  let head = 0
  while (head < r.length - tail && head < x.length - tail && r[head] === x[head]) head++
  if (head + tail === r.length && head + tail === x.length) return undefined
  return { start: a.pos + head, end: a.pos + r.length - tail, alt: x.slice(head, x.length - tail) }
}
