// skipped.tsv.gz: what a build read but left out of the store, one line per skipped variant, and the
// check that it agrees with the counts in the manifest (so a store never claims records it does not
// account for). Browser-safe: verify reads it through the store's opener.
import { unzipMembers as unzip } from '../container/bgzf/inflate.js'
import type { GenericFilehandle } from 'generic-filehandle2'
import type { AbortOptions } from '../core/errors.js'
import type { StoreManifest } from './manifest.js'

/** Why a variant was skipped: the REASON column. */
export const SKIP_REASON = {
  overlap: 'overlaps an applied variant',
  refMismatch: 'REF mismatch',
  unplaced: 'contig has no path',
} as const

type SkipKind = keyof typeof SKIP_REASON

/** What the build skipped: positions are 1-based; an overlap is per haplotype (1 or 2). */
export interface Skipped {
  overlaps: readonly { chrom: string; pos: number; sample: string; haplotype: number }[]
  refMismatches: readonly { chrom: string; pos: number }[]
  unplaced: readonly { chrom: string; pos: number }[]
}

const HEADER = '#CHROM\tPOS\tSAMPLE\tHAPLOTYPE\tREASON'

/** skipped.tsv.gz: overlaps, then REF mismatches, then unplaced records ('.' for all samples). */
export function formatSkipped(s: Skipped): string {
  const lines = [HEADER]
  for (const o of s.overlaps)
    lines.push(`${o.chrom}\t${o.pos}\t${o.sample}\t${o.haplotype}\t${SKIP_REASON.overlap}`)
  for (const r of s.refMismatches)
    lines.push(`${r.chrom}\t${r.pos}\t.\t.\t${SKIP_REASON.refMismatch}`)
  for (const r of s.unplaced) lines.push(`${r.chrom}\t${r.pos}\t.\t.\t${SKIP_REASON.unplaced}`)
  return lines.join('\n') + '\n'
}

/** What formatSkipped wrote (lines it does not know are left out: checkSkipped reports them). */
export function parseSkipped(text: string): Skipped {
  const out = {
    overlaps: [] as Skipped['overlaps'][number][],
    refMismatches: [] as { chrom: string; pos: number }[],
    unplaced: [] as { chrom: string; pos: number }[],
  }
  for (const line of text.split('\n')) {
    const [chrom, pos, sample, haplotype, reason] = line.split('\t')
    if (chrom === undefined || line.startsWith('#') || reason === undefined) continue
    if (reason === SKIP_REASON.overlap)
      out.overlaps.push({ chrom, pos: Number(pos), sample: sample!, haplotype: Number(haplotype) })
    else if (reason === SKIP_REASON.refMismatch) out.refMismatches.push({ chrom, pos: Number(pos) })
    else if (reason === SKIP_REASON.unplaced) out.unplaced.push({ chrom, pos: Number(pos) })
  }
  return out
}

/** The text of a store's skipped.tsv.gz (bgzipped). */
export async function readSkippedText(
  fh: GenericFilehandle,
  opts: AbortOptions = {},
): Promise<string> {
  const bytes = await fh.readFile(opts.signal ? { signal: opts.signal } : {})
  return new TextDecoder().decode(await unzip(bytes))
}

/** The manifest's count of each kind (absent: 0). */
function manifestCounts(m: StoreManifest): Record<SkipKind, number> {
  return {
    overlap: m.source.skippedOverlaps ?? 0,
    refMismatch: m.source.skippedRefMismatches ?? 0,
    unplaced: m.source.skippedUnplaced ?? 0,
  }
}

/**
 * Compare skipped.tsv.gz with the manifest's counts; returns what disagrees (line numbers 1-based).
 * A store whose manifest counts skips it does not list, or lists skips it does not count, is
 * damaged.
 */
export function checkSkipped(m: StoreManifest, text: string): { message: string; line?: number }[] {
  const problems: { message: string; line?: number }[] = []
  const listed: Record<SkipKind, number> = { overlap: 0, refMismatch: 0, unplaced: 0 }
  const kinds = new Map<string, SkipKind>(
    Object.entries(SKIP_REASON).map(([k, r]) => [r, k as SkipKind]),
  )
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((line, i) => {
    if (i === 0 && line === HEADER) return
    const f = line.split('\t')
    const kind = f.length === 5 ? kinds.get(f[4]!) : undefined
    if (kind === undefined || !(Number(f[1]) >= 1)) {
      problems.push({ message: `expected CHROM, POS, SAMPLE, HAPLOTYPE and a REASON`, line: i + 1 })
      return
    }
    listed[kind]++
  })
  const counted = manifestCounts(m)
  for (const kind of Object.keys(SKIP_REASON) as SkipKind[])
    if (listed[kind] !== counted[kind])
      problems.push({
        message: `lists ${listed[kind]} variant(s) skipped as '${SKIP_REASON[kind]}', manifest.json counts ${counted[kind]}`,
      })
  const records = m.source.records
  if (records !== undefined && counted.refMismatch + counted.unplaced > records)
    problems.push({
      message: `manifest.json counts ${counted.refMismatch + counted.unplaced} skipped records of ${records} read`,
    })
  return problems
}
