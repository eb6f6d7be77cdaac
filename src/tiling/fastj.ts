// Per-sample FastJ (spec §8) from a built path library: one record per tile per allele, alleles
// interleaved per step as pasta writes them. `locus` holds the tile's true reference interval
// (DESIGN decision 4), and the sequence carries the sample's no-calls as `n`.
import { formatStepId } from '../core/tileId.js'
import { maskNocalls } from '../formats/band/reconstruct.js'
import { tagmaskMd5 } from '../formats/fastj/reader.js'
import type { FastjHeader } from '../formats/fastj/reader.js'
import { TAG_LENGTH, stepEnd, stepStart } from './tags.js'
import type { PathLibrary } from './tiles.js'
import { md5Hex } from '../core/md5.js'

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
      const seq = maskNocalls(variant.sequence, lib.nocalls(h, s), formatStepId(p.path, s))
      const last = s + variant.span - 1
      const startTag = s > 0 ? p.tags[s - 1]! : ''
      const endTag = last < nTags ? p.tags[last]! : ''
      yield {
        seq,
        header: {
          tileID: { path: p.path, version: 0, step: s, variant: allele },
          md5sum: md5Hex(seq),
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
