// Imputation in chunks: the target's span cut into cores of about `chunk` bases, each imputed in
// a window reaching `overlap` bases into its neighbours (Beagle sees the haplotypes on both sides
// of every site it keeps); the chunks' outputs are joined back so each site comes from one chunk.
import type { AbortOptions } from '../core/errors.js'
import { FormatError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { vcfFileLines } from './vcfText.js'

export interface Chunk {
  /** the sites this chunk gives (0-based half-open) */
  core: Region
  /** what Beagle is given: the core and the overlaps (clipped to the span) */
  window: Region
}

/** Cut `span` into equal cores of at most `chunk` bases, with windows `overlap` wider each side. */
export function planChunks(span: Region, chunk: number, overlap: number): Chunk[] {
  const length = span.end - span.start
  const n = Math.max(1, Math.ceil(length / chunk))
  const step = Math.ceil(length / n)
  const out: Chunk[] = []
  for (let i = 0; i < n; i++) {
    const start = span.start + i * step
    const end = Math.min(span.end, start + step)
    out.push({
      core: { chrom: span.chrom, start, end },
      window: {
        chrom: span.chrom,
        start: Math.max(span.start, start - overlap),
        end: Math.min(span.end, end + overlap),
      },
    })
  }
  return out
}

/**
 * Join the VCFs of consecutive chunks (sorted along one contig, windows overlapping): the sites in
 * the overlap of chunks i and i+1 come from i below the overlap's midpoint and from i+1 from it
 * on (the midpoint of the last site of i and the first of i+1, both read from the files, so the
 * join needs nothing but the files). The header is the first chunk's.
 */
export async function* joinChunks(
  files: string[],
  opts: AbortOptions = {},
): AsyncGenerator<string> {
  // first and last positions of each file: one pass each
  const spans: { chrom: string; first: number; last: number }[] = []
  for (const file of files) {
    let span: { chrom: string; first: number; last: number } | undefined
    for await (const l of vcfFileLines(file, opts)) {
      if (l.text.startsWith('#') || !l.text) continue
      const [chrom, p] = l.text.split('\t', 2)
      const pos = Number(p)
      if (!span) span = { chrom: chrom!, first: pos, last: pos }
      else if (chrom !== span.chrom)
        throw new FormatError(`chunk on two contigs (${span.chrom}, ${chrom})`, {
          file,
          line: l.line,
        })
      else span.last = pos
    }
    spans.push(span ?? { chrom: '', first: Infinity, last: -Infinity })
  }
  const bounds = spans.map((s, i) => {
    const prev = spans[i - 1]
    const next = spans[i + 1]
    const lo =
      prev && prev.chrom === s.chrom ? Math.floor((prev.last + s.first) / 2) + 1 : -Infinity
    const hi = next && next.chrom === s.chrom ? Math.floor((s.last + next.first) / 2) + 1 : Infinity
    return { lo, hi }
  })
  for (let i = 0; i < files.length; i++) {
    const { lo, hi } = bounds[i]!
    for await (const l of vcfFileLines(files[i]!, opts)) {
      if (l.text.startsWith('#')) {
        if (i === 0) yield l.text
        continue
      }
      if (!l.text) continue
      const t1 = l.text.indexOf('\t')
      const pos = Number(l.text.slice(t1 + 1, l.text.indexOf('\t', t1 + 1)))
      if (pos >= lo && pos < hi) yield l.text
    }
  }
}
