// The overlap rule of `bcftools consensus` (1.16, consensus.c), shared by the store build
// (src/tiling/haplotypes.ts) and the comparison (compare.ts), and the skip list of a store
// (`STORE/skipped.tsv.gz`) applied to the records of a VCF. Browser-safe (no I/O).
//
// The rule: after applying a variant with REF span [pos, pos+rlen) the "frozen" position is
// pos+rlen-1. A later variant on the same haplotype with pos <= frozen is skipped, except an
// indel whose first base equals REF's first base (the VCF anchor) at exactly pos = frozen when the
// previous applied variant was not an insertion: it is applied without its anchor base. A missing
// allele takes part like a substitution (and is never applied without its anchor).
import { checkAbort, FormatError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'

/**
 * Is ALT an indel against REF in the sense of htslib's bcf_set_variant_type? (common prefix
 * removed, then common suffix; an indel when one side is used up, or both reduce to one base).
 */
export function isIndel(ref: string, alt: string): boolean {
  const r = ref.toLowerCase()
  const a = alt.toLowerCase()
  let i = 0
  while (i < r.length && i < a.length && r[i] === a[i]) i++
  if (i === r.length || i === a.length) return r.length !== a.length
  let re = r.length - 1
  let ae = a.length - 1
  while (re > i && ae > i && r[re] === a[ae]) {
    re--
    ae--
  }
  if (ae === i) return re !== i && r[re] === a[ae]
  if (re === i) return r[re] === a[ae]
  return false
}

/** What bcftools consensus does with the next variant of a haplotype. */
export const APPLY = 0
/** Applied without its first (anchor) base: REF[1..] → ALT[1..] at pos + 1. */
export const APPLY_WITHOUT_ANCHOR = 1
export const SKIP = 2
export type ConsensusDecision = typeof APPLY | typeof APPLY_WITHOUT_ANCHOR | typeof SKIP

/**
 * The decision for a variant at 0-based `pos` (REF `ref`, ALT `alt`, undefined for a missing
 * allele) on a haplotype whose last applied variant froze the reference up to `frozen` (-1 before
 * any) and was an insertion when `prevInsert`. After APPLY or APPLY_WITHOUT_ANCHOR the caller sets
 * frozen = pos + ref.length - 1 and prevInsert = (alt longer than ref).
 */
export function consensusDecision(
  frozen: number,
  prevInsert: boolean,
  pos: number,
  ref: string,
  alt: string | undefined,
): ConsensusDecision {
  if (pos > frozen) return APPLY
  if (pos < frozen || prevInsert || alt === undefined || !isIndel(ref, alt)) return SKIP
  return ref[0]!.toLowerCase() === alt[0]?.toLowerCase() ? APPLY_WITHOUT_ANCHOR : SKIP
}

/**
 * The haplotype sequence of `window` (the reference from `start`) with `variants` applied in the
 * order given, by the rule of bcftools consensus (an overlapping variant is skipped, see above).
 * Every variant must lie inside the window.
 */
export function consensusSpell(
  window: string,
  start: number,
  variants: readonly { pos: number; ref: string; alt: string }[],
): string {
  let out = ''
  let at = start
  let frozen = -1
  let prevInsert = false
  for (const v of variants) {
    const d = consensusDecision(frozen, prevInsert, v.pos, v.ref, v.alt)
    if (d === SKIP) continue
    if (d === APPLY) out += window.slice(at - start, v.pos - start) + v.alt
    else out += v.alt.slice(1) // at = v.pos + 1: the previous variant ended on the anchor base
    at = v.pos + v.ref.length
    frozen = at - 1
    prevInsert = v.alt.length > v.ref.length
  }
  return out + window.slice(at - start)
}

// ---------------------------------------------------------------------------------------------
// the skip list of a store

/** `STORE/skipped.tsv.gz`: per contig and 1-based POS, the haplotypes a variant there was skipped
 * on (`SAMPLE\t1|2`), or `.\t.` for a record left out on every haplotype (a REF mismatch). */
export type SkipList = Map<string, Map<number, string[]>>

/** Parse `#CHROM POS SAMPLE HAPLOTYPE REASON` lines (tab-separated, `#` lines ignored). */
export function parseSkipList(text: string, file?: string): SkipList {
  const out: SkipList = new Map()
  text.split('\n').forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return
    const [chrom, pos, sample, hap] = line.split('\t')
    const p = Number(pos)
    if (
      !chrom ||
      !Number.isInteger(p) ||
      p < 1 ||
      !sample ||
      !(hap === '1' || hap === '2' || (hap === '.' && sample === '.'))
    )
      throw new FormatError(
        'expected CHROM, a 1-based POS, SAMPLE and HAPLOTYPE 1|2 (or . . for all)',
        { file, line: i + 1 },
      )
    let byPos = out.get(chrom)
    if (!byPos) out.set(chrom, (byPos = new Map()))
    byPos.set(p, [...(byPos.get(p) ?? []), `${sample}\t${hap}`])
  })
  return out
}

export interface SkipListStats {
  /** Haplotype alleles set to 0 because the list skips them (`.` lines: every carrier). */
  applied: number
  /** Listed `SAMPLE\tHAP` at a POS where the rule skips nothing on that haplotype (or no record
   * or sample is there), as `CHROM\tPOS\tSAMPLE\tHAP`. */
  unmatched: string[]
  /** Alleles the rule would skip but the list does not (kept, as the list says), same form. */
  unlisted: string[]
}

/**
 * Set to 0 the alleles a store did not apply: walks the records of a VCF (lines, header first,
 * sorted) haplotype by haplotype with the overlap rule, and where the rule skips an allele that
 * the list names for that haplotype at that POS, writes `0` in its place (so at a POS with
 * several records on one haplotype, the ones the rule skips). `.\t.` entries zero every allele of
 * the records at their POS, which then take no part in the rule (the build dropped them). Lines
 * come out otherwise unchanged; `stats` is complete when the generator is done.
 */
export async function* applySkipList(
  lines: AsyncIterable<string> | Iterable<string>,
  skips: SkipList,
  stats: SkipListStats,
  opts: AbortOptions = {},
): AsyncGenerator<string> {
  let samples: string[] = []
  let frozen = new Float64Array(0)
  let prevInsert = new Uint8Array(0)
  let chrom: string | undefined
  const seen = new Set<string>()
  // listed entries not consumed yet, per POS of the current contig
  let pending = new Map<number, Map<string, number>>()
  // `.\t.` entries stay in `pending` (count 0 once used) so every record at their POS is dropped
  const leftOver = (c: string) => {
    for (const [pos, m] of pending)
      for (const [k, n] of m) for (let i = 0; i < n; i++) stats.unmatched.push(`${c}\t${pos}\t${k}`)
  }
  for await (const line of lines) {
    if (line.startsWith('#') || line === '') {
      if (line.startsWith('#CHROM')) {
        samples = line.split('\t').slice(9)
        frozen = new Float64Array(samples.length * 2)
        prevInsert = new Uint8Array(samples.length * 2)
      }
      yield line
      continue
    }
    checkAbort(opts.signal)
    const cols = line.split('\t')
    if (cols.length < 10) {
      yield line
      continue
    }
    const c = cols[0]!
    if (c !== chrom) {
      if (chrom !== undefined) leftOver(chrom)
      chrom = c
      seen.add(c)
      frozen.fill(-1)
      prevInsert.fill(0)
      pending = new Map()
      for (const [pos, list] of skips.get(c) ?? []) {
        const m = new Map<string, number>()
        for (const k of list) m.set(k, (m.get(k) ?? 0) + 1)
        pending.set(pos, m)
      }
    }
    const pos1 = Number(cols[1])
    const ref = cols[3]!
    const alts = cols[4]!.split(',')
    const listed = pending.get(pos1)
    const dropAll = listed?.has('.\t.') === true
    const gtAt = cols[8]!.split(':').indexOf('GT')
    if (gtAt < 0) {
      yield line
      continue
    }
    let changed = false
    for (let i = 0; i < samples.length && i + 9 < cols.length; i++) {
      const field = cols[i + 9]!
      const sub = gtAt === 0 && !field.includes(':') ? [field] : field.split(':')
      const gt = sub[gtAt]
      if (gt === undefined || gt === '0|0' || gt === '0/0') continue
      const parts = gt.split(/([|/])/)
      let gtChanged = false
      for (let k = 0; k < parts.length && k < 4; k += 2) {
        const al = parts[k]!
        if (al === '0') continue
        if (dropAll) {
          parts[k] = '0'
          gtChanged = true
          stats.applied++
          continue
        }
        const alt = al === '.' ? undefined : alts[Number(al) - 1]
        // `*` and symbolic alleles change nothing and take no part in the rule
        if (alt !== undefined && !/^[ACGTN]+$/i.test(alt)) continue
        const h = 2 * i + (k >> 1)
        const key = `${samples[i]!}\t${(k >> 1) + 1}`
        const d = consensusDecision(frozen[h]!, prevInsert[h] === 1, pos1 - 1, ref, alt)
        const n = listed?.get(key) ?? 0
        if (d === SKIP && n > 0) {
          listed!.set(key, n - 1)
          parts[k] = '0'
          gtChanged = true
          stats.applied++
          continue
        }
        if (d === SKIP) stats.unlisted.push(`${c}\t${pos1}\t${key}`)
        frozen[h] = pos1 - 1 + ref.length - 1
        prevInsert[h] = alt !== undefined && alt.length > ref.length ? 1 : 0
      }
      if (gtChanged) {
        sub[gtAt] = parts.join('')
        cols[i + 9] = sub.join(':')
        changed = true
      }
    }
    if (dropAll) listed!.set('.\t.', 0) // used: every record at this POS
    yield changed ? cols.join('\t') : line
  }
  if (chrom !== undefined) leftOver(chrom)
  // lists of contigs the VCF does not have
  for (const [c, byPos] of skips)
    if (!seen.has(c))
      for (const [pos, list] of byPos)
        for (const k of list) stats.unmatched.push(`${c}\t${pos}\t${k}`)
}
