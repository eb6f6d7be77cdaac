// The canonical form of a variant, shared by the tile → VCF engine and the comparison:
// SNPs one by one (an MNP or a complex allele is split into SNPs and indels), indels parsimonious
// (no shared bases but the anchor) and left-aligned against the reference with one VCF anchor
// base — what `bcftools norm -m -both -f REF` gives for SNPs and indels, which it does not
// decompose. Browser-safe (no I/O).
import { alignTile } from './align.js'
import type { Edit } from './align.js'

/** A VCF-style allele: `ref` starts at the 0-based position `pos`, upper case. */
export interface Variant {
  pos: number
  ref: string
  alt: string
}

/** Reference bases of one contig, `[start, end)` 0-based, clamped to the contig. */
export type RefAccessor = (start: number, end: number) => string

const CHUNK = 64

/**
 * Normalise one unanchored edit at a 0-based contig position: a SNP is kept; a pure insertion
 * (`ref === ''`, before base `pos`) or deletion (`alt === ''`) is left-aligned and given its
 * anchor base; anything else (an MNP or a complex edit) is split by `canonicalVariants`.
 */
export function normalizeEdit(edit: Edit, ref: RefAccessor): Variant[] {
  const r = edit.ref.toUpperCase()
  const a = edit.alt.toUpperCase()
  if (r.length === 1 && a.length === 1) return r === a ? [] : [{ pos: edit.pos, ref: r, alt: a }]
  if (r.length === 0 || a.length === 0) {
    if (r.length === 0 && a.length === 0) return []
    return [leftAlign(edit.pos, r.length ? r : a, r.length > 0, ref)]
  }
  return canonicalVariants({ pos: edit.pos, ref: r, alt: a }, ref)
}

/**
 * The canonical atoms of one VCF allele (REF/ALT as written, 0-based `pos`): trimmed of shared
 * bases, SNPs split out, indels left-aligned with one anchor base. Symbolic alleles are the
 * caller's business.
 */
export function canonicalVariants(v: Variant, ref: RefAccessor): Variant[] {
  let r = v.ref.toUpperCase()
  let a = v.alt.toUpperCase()
  let pos = v.pos
  let s = 0
  while (s < r.length && s < a.length && r[r.length - 1 - s] === a[a.length - 1 - s]) s++
  r = r.slice(0, r.length - s)
  a = a.slice(0, a.length - s)
  let p = 0
  while (p < r.length && p < a.length && r[p] === a[p]) p++
  r = r.slice(p)
  a = a.slice(p)
  pos += p
  if (r.length === a.length) {
    const out: Variant[] = []
    for (let k = 0; k < r.length; k++)
      if (r[k] !== a[k]) out.push({ pos: pos + k, ref: r[k]!, alt: a[k]! })
    return out
  }
  if (r.length === 0 || a.length === 0) return [leftAlign(pos, r.length ? r : a, r.length > 0, ref)]
  const out: Variant[] = []
  for (const e of alignTile(r, a).edits)
    out.push(...normalizeEdit({ pos: pos + e.pos, ref: e.ref, alt: e.alt }, ref))
  return out
}

/**
 * Left-align a pure indel — `seq` deleted at `pos`, or inserted before base `pos` — as far as
 * the reference allows (the rotation bcftools norm does), and anchor it on the base before it
 * (after it, at the very start of the contig, as VCF requires).
 */
export function leftAlign(
  pos: number,
  seq: string,
  isDeletion: boolean,
  ref: RefAccessor,
): Variant {
  let s = seq.toUpperCase()
  let p = pos
  let chunk = ''
  let chunkStart = p
  while (p > 0) {
    if (p - 1 < chunkStart) {
      chunkStart = Math.max(0, p - CHUNK)
      chunk = ref(chunkStart, p).toUpperCase()
      if (chunk.length !== p - chunkStart) break // the accessor ran out of reference
    }
    const b = chunk[p - 1 - chunkStart]!
    if (b !== s[s.length - 1]) break
    s = b + s.slice(0, -1)
    p--
  }
  if (p > 0) {
    const A = ref(p - 1, p).toUpperCase()
    return isDeletion ? { pos: p - 1, ref: A + s, alt: A } : { pos: p - 1, ref: A, alt: A + s }
  }
  const after = ref(isDeletion ? s.length : 0, (isDeletion ? s.length : 0) + 1).toUpperCase()
  return isDeletion
    ? { pos: 0, ref: s + after, alt: after }
    : { pos: 0, ref: after, alt: s + after }
}

/**
 * The smallest period of `seq` (case-insensitive): the least p with seq[i] = seq[i + p] for all i,
 * `seq.length` when there is none shorter. Left-aligning an indel across a whole stretch of
 * reference needs the stretch to repeat with the indel's length (a deletion of L bases moves left
 * while the base before equals the last deleted one; across the stretch, every base equals the one
 * L further on), so only an indel at least this long can cross it. Knuth–Morris–Pratt's failure
 * function gives it in linear time (period = length − longest proper border); a few lines, so
 * written here rather than taken from a string library.
 */
export function smallestPeriod(seq: string): number {
  const s = seq.toUpperCase()
  const n = s.length
  if (n === 0) return 0
  const border = new Int32Array(n)
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && s.charCodeAt(i) !== s.charCodeAt(k)) k = border[k - 1]!
    if (s.charCodeAt(i) === s.charCodeAt(k)) k++
    border[i] = k
  }
  return n - border[n - 1]!
}

/** `pos:ref:alt` — the identity of a canonical variant. */
export function variantKey(v: Variant): string {
  return `${v.pos}:${v.ref}:${v.alt}`
}
