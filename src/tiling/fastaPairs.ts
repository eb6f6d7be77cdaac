// Lightning-style FASTA haplotype pairs: NAME.1.fa[.gz] and NAME.2.fa[.gz] (also .fasta), one
// file per haplotype, each holding the contigs of the reference under the same names. A file is
// read whole (one haplotype at a time) and cut into tiles by finding each path's tags in order
// (tiles.ts tilesFromSequence).
import { basename } from 'node:path'
import { ArgumentError, FormatError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { readFastaFile } from './reference.js'
import type { PathTags } from './tags.js'
import type { Tile } from './tiles.js'
import { tilesFromSequence } from './tiles.js'

export interface FastaPair {
  sample: string
  /** haplotype 1 and haplotype 2 */
  files: [string, string]
}

const PAIR_NAME = /^(.+)\.([12])\.(fa|fasta)(\.gz)?$/

/** Group files named NAME.1.fa[.gz] / NAME.2.fa[.gz] into samples, sorted by name. */
export function findFastaPairs(files: readonly string[]): FastaPair[] {
  const bySample = new Map<string, [string | undefined, string | undefined]>()
  for (const f of files) {
    const m = PAIR_NAME.exec(basename(f))
    if (!m) throw new ArgumentError(`${f}: expected a name NAME.1.fa[.gz] or NAME.2.fa[.gz]`)
    const pair = bySample.get(m[1] as string) ?? [undefined, undefined]
    const i = m[2] === '1' ? 0 : 1
    if (pair[i])
      throw new ArgumentError(`two files for haplotype ${i + 1} of ${m[1]}: ${pair[i]}, ${f}`)
    pair[i] = f
    bySample.set(m[1] as string, pair)
  }
  return [...bySample.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sample, [a, b]]) => {
      if (!a || !b) throw new ArgumentError(`sample ${sample} lacks haplotype ${a ? 2 : 1}`)
      return { sample, files: [a, b] }
    })
}

/** The tiles of every path (by path number) of one haplotype FASTA file. */
export async function tileFastaHaplotype(
  file: string,
  paths: readonly PathTags[],
  opts: AbortOptions = {},
): Promise<Map<number, Tile[]>> {
  const seqs = new Map((await readFastaFile(file, opts)).map((r) => [r.name, r.seq]))
  const byChrom = new Map<string, PathTags[]>()
  for (const p of paths) {
    const list = byChrom.get(p.chrom) ?? []
    list.push(p)
    byChrom.set(p.chrom, list)
  }
  const out = new Map<number, Tile[]>()
  for (const [chrom, list] of byChrom) {
    const seq = seqs.get(chrom)
    if (seq === undefined) throw new FormatError(`no sequence ${chrom} in this haplotype`, { file })
    list.sort((a, b) => a.start - b.start)
    tilesFromSequence(list, seq).forEach((tiles, i) => out.set((list[i] as PathTags).path, tiles))
  }
  return out
}
