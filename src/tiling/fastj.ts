// Per-sample FastJ (spec §8) from a built path library: one record per tile per allele, alleles
// interleaved per step as pasta writes them. `locus` holds the tile's true reference interval
// (DESIGN decision 4), and the sequence carries the sample's no-calls as `n`.
import { createHash } from 'node:crypto'
import { tagmaskMd5 } from '../formats/fastj/reader.js'
import type { FastjHeader } from '../formats/fastj/reader.js'
import { TAG_LENGTH, stepEnd, stepStart } from './tags.js'
import type { PathLibrary } from './tiles.js'

const md5 = (s: string) => createHash('md5').update(s, 'latin1').digest('hex')

/** The bases of a tile with the no-call runs (flat [start, length, ...]) written as `n`. */
export function withNocalls(seq: string, runs: readonly number[]): string {
  if (runs.length === 0) return seq
  const b = seq.split('')
  for (let i = 0; i < runs.length; i += 2)
    for (let j = runs[i]!; j < runs[i]! + runs[i + 1]!; j++) b[j] = 'n'
  return b.join('')
}

export function* fastjRecordsOf(
  lib: PathLibrary,
  sample: number,
  build: string,
): Generator<{ header: FastjHeader; seq: string }> {
  const p = lib.path
  const nTags = p.tags.length
  const haps = [lib.haplotype(2 * sample), lib.haplotype(2 * sample + 1)]
  for (let s = 0; s < lib.nSteps; s++)
    for (const allele of [0, 1]) {
      const h = 2 * sample + allele
      const v = haps[allele]![s]!
      if (v < 0) continue
      const variant = lib.variants[s]![v]!
      const seq = withNocalls(variant.sequence, lib.nocalls(h, s))
      const last = s + variant.span - 1
      const startTag = s > 0 ? p.tags[s - 1]! : ''
      const endTag = last < nTags ? p.tags[last]! : ''
      yield {
        seq,
        header: {
          tileID: { path: p.path, version: 0, step: s, variant: allele },
          md5sum: md5(seq),
          tagmask_md5sum: tagmaskMd5(seq, startTag, endTag),
          locus: [{ build, chrom: p.chrom, start: stepStart(p, s), end: stepEnd(p, last) }],
          n: seq.length,
          seedTileLength: variant.span,
          startTile: s === 0,
          endTile: last === lib.nSteps - 1,
          startSeq: seq.slice(0, TAG_LENGTH),
          endSeq: seq.slice(-TAG_LENGTH),
          startTag,
          endTag,
          nocallCount: (seq.match(/n/g) ?? []).length,
          notes: [],
        },
      }
    }
}
