// Node-only FastJ writer (spec §8) and the FastJ-CSV of `fjt -C` (through @fast-csv/format).
import type { AbortOptions } from '../../core/errors.js'
import { formatTileId } from '../../core/tileId.js'
import { compressionFor, csvChunks, writeTextFile } from '../text-writer.js'
import type { Compression } from '../text-writer.js'
import { fastjCsvRows } from './reader.js'
import type { FastjHeader, FastjRecord } from './reader.js'

/** Sequence line width of upstream FastJ. */
export const FASTJ_WIDTH = 50

/**
 * The header JSON in pasta's field order and spacing (`"key":value`, no spaces). Empty notes are
 * written `[]`; upstream files also hold `[ ]` and `[  ]`, which a reader cannot tell apart.
 */
export function formatFastjHeader(h: FastjHeader): string {
  const s = JSON.stringify
  const fields = [
    `"tileID":${s(formatTileId(h.tileID))}`,
    `"md5sum":${s(h.md5sum)}`,
    ...(h.tagmask_md5sum === undefined ? [] : [`"tagmask_md5sum":${s(h.tagmask_md5sum)}`]),
    `"locus":[${h.locus.map((l) => `{"build":${s(`${l.build} ${l.chrom} ${l.start} ${l.end}`)}}`).join(',')}]`,
    `"n":${h.n}`,
    `"seedTileLength":${h.seedTileLength}`,
    `"startTile":${h.startTile}`,
    `"endTile":${h.endTile}`,
    `"startSeq":${s(h.startSeq)}`,
    `"endSeq":${s(h.endSeq)}`,
    `"startTag":${s(h.startTag)}`,
    `"endTag":${s(h.endTag)}`,
    `"nocallCount":${h.nocallCount}`,
    `"notes":[${h.notes.map((x) => s(x)).join(',')}]`,
  ]
  return `{${fields.join(',')}}`
}

/** One record: header line, the sequence in lines of 50, one blank line. */
export function formatFastjRecord(rec: Pick<FastjRecord, 'header' | 'seq'>): string {
  const lines = [`>${formatFastjHeader(rec.header)}`]
  for (let i = 0; i < rec.seq.length; i += FASTJ_WIDTH)
    lines.push(rec.seq.slice(i, i + FASTJ_WIDTH))
  return `${lines.join('\n')}\n\n`
}

/** Write records as FastJ: BGZF (+ .gzi) for a `.gz` name, plain otherwise. */
export async function writeFastj(
  path: string,
  records:
    | Iterable<Pick<FastjRecord, 'header' | 'seq'>>
    | AsyncIterable<Pick<FastjRecord, 'header' | 'seq'>>,
  opts: AbortOptions & { compression?: Compression } = {},
): Promise<void> {
  async function* text() {
    for await (const r of records) yield formatFastjRecord(r)
  }
  await writeTextFile(path, text(), opts.compression ?? compressionFor(path))
}

/** The FastJ-CSV of `fjt -C` (`tileID+span,md5,sequence`, sorted by tile ID). */
export async function fastjToCsv(
  records: Iterable<FastjRecord>,
  opts: AbortOptions = {},
): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const c of csvChunks(fastjCsvRows(records), opts)) parts.push(c)
  return Buffer.concat(parts).toString('latin1')
}
