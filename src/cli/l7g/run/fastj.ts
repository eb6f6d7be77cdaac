// lightning-tiles fastj validate|csv|band|cat|from-band: the jobs of upstream `fjt` (spec §8, §9).
import { csvChunks } from '../../../formats/text-writer.js'
import { formatBand, parseBands } from '../../../formats/band/band.js'
import { bandFromFastj } from '../../../formats/band/fromFastj.js'
import { maskNocalls, reconstructAlleles } from '../../../formats/band/reconstruct.js'
import { ArgumentError, FormatError } from '../../../core/errors.js'
import { md5Hex } from '../../../core/md5.js'
import { formatPath, formatTileId } from '../../../core/tileId.js'
import {
  fastjCsvRows,
  joinAllele,
  readFastj,
  tagmaskMd5,
  validateFastjRecord,
  validateFastjTiling,
} from '../../../formats/fastj/reader.js'
import type { FastjRecord } from '../../../formats/fastj/reader.js'
import { FASTJ_WIDTH, formatFastjRecord } from '../../../formats/fastj/writer.js'
import { readSglfPath } from '../../../formats/sglf/reader.js'
import type { SglfPath } from '../../../formats/sglf/reader.js'
import { emitText, inputFile, readInputText } from '../io.js'

async function allRecords(input: string | undefined, path?: number): Promise<FastjRecord[]> {
  const out: FastjRecord[] = []
  for await (const r of readFastj(inputFile(input)))
    if (path === undefined || r.header.tileID.path === path) out.push(r)
  return out
}

/**
 * fjt -T (every record) and -t (the tiling of each path): prints `ok` or throws the first broken
 * rule with its file and line. Holds the headers only, never the sequences.
 */
export async function validate(input: string | undefined, tiling: boolean): Promise<string> {
  const file = inputFile(input)
  const byPath = new Map<number, FastjRecord[]>()
  let n = 0
  for await (const rec of readFastj(file)) {
    validateFastjRecord(rec, file.name)
    n++
    if (!tiling) continue
    const list = byPath.get(rec.header.tileID.path) ?? []
    list.push({ header: rec.header, seq: '', line: rec.line })
    byPath.set(rec.header.tileID.path, list)
  }
  for (const recs of byPath.values()) validateFastjTiling(recs, file.name)
  if (n === 0) throw new FormatError('no FastJ records', { file: file.name })
  return 'ok\n'
}

/** fjt -C (sorted by tile ID, records held) or fjt -C -U (input order, streamed). */
export async function csv(
  input: string | undefined,
  output: string | undefined,
  unsorted: boolean,
): Promise<void> {
  async function* rows(): AsyncGenerator<string[]> {
    if (!unsorted) {
      yield* fastjCsvRows(await allRecords(input))
      return
    }
    for await (const r of readFastj(inputFile(input))) {
      const { path, version, step, variant } = r.header.tileID
      const span = r.header.seedTileLength
      yield [formatTileId({ path, version, step, variant, span }), md5Hex(r.seq), r.seq]
    }
  }
  await emitText(csvChunks(rows()), output)
}

/** A one-path SGLF library (`-` for standard input). */
function libraryOf(sglf: string): Promise<SglfPath> {
  return readSglfPath(inputFile(sglf))
}

/** fjt -B -L: the band of a FastJ path from its SGLF library. */
export async function band(
  input: string | undefined,
  sglf: string,
  output: string | undefined,
): Promise<void> {
  if ((input === undefined || input === '-') && sglf === '-')
    throw new ArgumentError('the FastJ and the --library cannot both be standard input')
  const lib = await libraryOf(sglf)
  const records = await allRecords(input)
  const file = inputFile(input).name
  for (const r of records)
    if (r.header.tileID.path !== lib.path)
      throw new FormatError(
        `${formatTileId(r.header.tileID)} is on path ${formatPath(r.header.tileID.path)}, the library ${sglf} holds path ${formatPath(lib.path)}`,
        { file, line: r.line },
      )
  await emitText([formatBand(bandFromFastj(records, lib, file))], output)
}

/** Fold `seq` in lines of `width` (fjt prints an empty line for an empty sequence). */
function fold(seq: string, width = FASTJ_WIDTH): string {
  const lines: string[] = []
  for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width))
  return `${lines.join('\n')}\n`
}

/** fjt -c ALLELE [-p PATH]: one allele's tiles joined (tile order), folded at 50. */
export async function cat(
  input: string | undefined,
  allele: number,
  path: number | undefined,
  output: string | undefined,
): Promise<void> {
  const records = await allRecords(input, path)
  const paths = new Set(records.map((r) => r.header.tileID.path))
  if (paths.size > 1)
    throw new ArgumentError(
      `the input holds paths ${[...paths].map(formatPath).join(', ')}: choose one with --path`,
    )
  await emitText([fold(joinAllele(records, allele))], output)
}

/**
 * fjt -b -L: FastJ records of a band (one path) from its library, allele A's tiles then allele
 * B's as fjt writes them. Start and end tags follow spec §8.1 (none at step 0 or on the end tile).
 */
export async function fromBand(
  input: string | undefined,
  sglf: string,
  output: string | undefined,
): Promise<void> {
  if ((input === undefined || input === '-') && sglf === '-')
    throw new ArgumentError('the band and the --library cannot both be standard input')
  const lib = await libraryOf(sglf)
  const name = inputFile(input).name
  const bands = parseBands(await readInputText(input), name)
  if (bands.length !== 1)
    throw new FormatError(`expected the band of one path, found ${bands.length}`, { file: name })
  const b = bands[0]!
  const n = b.variants[0].length
  const tagLength = 24
  function* records(): Generator<string> {
    for (const allele of [0, 1] as const) {
      const variants = b.variants[allele]
      for (let step = 0; step < n;) {
        let span = 1
        while (step + span < n && variants[step + span] === -1) span++
        const v = variants[step]!
        const tile = lib.steps.get(step)?.[v]
        if (!tile)
          throw new FormatError(
            `allele ${allele}, step ${step}: the library ${sglf} has no variant ${v} there`,
            { file: name },
          )
        const where = `${formatPath(lib.path)}.${step.toString(16)}`
        const seq = maskNocalls(tile.seq, b.nocalls[allele][step] ?? [], where, name)
        const startTag = step === 0 ? '' : tile.seq.slice(0, tagLength)
        const endTag = step + span === n ? '' : tile.seq.slice(-tagLength)
        const id = { path: lib.path, version: tile.version, step, variant: allele }
        yield formatFastjRecord({
          header: {
            tileID: id,
            md5sum: md5Hex(seq),
            tagmask_md5sum: tagmaskMd5(seq, startTag, endTag),
            locus: [],
            n: seq.length,
            seedTileLength: span,
            startTile: step === 0,
            endTile: step + span === n,
            startSeq: seq.slice(0, tagLength),
            endSeq: seq.slice(-tagLength),
            startTag,
            endTag,
            nocallCount: seq.length - seq.replace(/[nN]/g, '').length,
            notes: [],
          },
          seq,
        })
        step += span
      }
    }
  }
  await emitText(records(), output)
}

/**
 * tileband-hash (fjt -H): the md5 of each allele's sequence (spec §12) for every band of the
 * input, `md5A md5B` per band.
 */
export async function bandHash(input: string | undefined, sglf: string): Promise<string> {
  if ((input === undefined || input === '-') && sglf === '-')
    throw new ArgumentError('the bands and the --library cannot both be standard input')
  const lib = await libraryOf(sglf)
  const name = inputFile(input).name
  return parseBands(await readInputText(input), name)
    .map((b) => `${reconstructAlleles(b, lib).map(md5Hex).join(' ')}\n`)
    .join('')
}
