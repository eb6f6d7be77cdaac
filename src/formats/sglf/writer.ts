// Node-only SGLF writer (spec §7.1): `tileID+span,md5,sequence` lines through @fast-csv/format,
// BGZF (+ .gzi) for a `.gz` name, plain otherwise.
import type { AbortOptions } from '../../core/errors.js'
import { csvChunks, compressionFor, writeTextFile } from '../text-writer.js'
import type { Compression } from '../text-writer.js'
import { SglfValidator, sglfTileId } from './reader.js'
import type { SglfTile } from './reader.js'
import { md5Hex } from '../../core/md5.js'

/** A tile to write; its md5 is computed here. */
export interface SglfTileInput {
  path: number
  version?: number
  step: number
  variant: number
  span: number
  seq: string
}

/** The single empty tile that stands for a path with no data (spec §7.1, DESIGN decision 9). */
export function emptySglfTile(path: number): SglfTileInput {
  return { path, step: 0, variant: 0, span: 1, seq: '' }
}

/**
 * The rows of `tiles`, each checked against the §7.2 rules (acgt only, steps ascending, variants
 * 0,1,2,… within a step) unless `validate` is false.
 */
async function* sglfRows(
  tiles: Iterable<SglfTileInput> | AsyncIterable<SglfTileInput>,
  validate: boolean,
  name: string,
): AsyncGenerator<string[]> {
  const validator = new SglfValidator(name)
  let line = 0
  for await (const t of tiles) {
    const tile: SglfTile = { ...t, version: t.version ?? 0, md5: md5Hex(t.seq), line: ++line }
    if (validate) validator.check(tile)
    yield [sglfTileId(tile), tile.md5, tile.seq]
  }
}

/** SGLF text of `tiles` as it is made, one tile in memory at a time. */
export function sglfTextChunks(
  tiles: Iterable<SglfTileInput> | AsyncIterable<SglfTileInput>,
  opts: AbortOptions & { validate?: boolean; name?: string } = {},
): AsyncGenerator<Uint8Array> {
  return csvChunks(sglfRows(tiles, opts.validate ?? true, opts.name ?? '(SGLF text)'), opts)
}

/** SGLF text of `tiles` (for small libraries and tests). */
export async function formatSglf(
  tiles: Iterable<SglfTileInput> | AsyncIterable<SglfTileInput>,
  opts: AbortOptions & { validate?: boolean } = {},
): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const c of csvChunks(sglfRows(tiles, opts.validate ?? true, '(SGLF text)'), opts))
    parts.push(c)
  return Buffer.concat(parts).toString('latin1')
}

/**
 * Write `tiles` (one or more paths, in library order) as SGLF at `path`: BGZF with a `.gzi` for a
 * `.gz` name unless `compression` says otherwise. Streams: memory holds one tile.
 */
export async function writeSglf(
  path: string,
  tiles: Iterable<SglfTileInput> | AsyncIterable<SglfTileInput>,
  opts: AbortOptions & { validate?: boolean; compression?: Compression } = {},
): Promise<void> {
  const rows = sglfRows(tiles, opts.validate ?? true, path)
  await writeTextFile(path, csvChunks(rows, opts), opts.compression ?? compressionFor(path))
}
