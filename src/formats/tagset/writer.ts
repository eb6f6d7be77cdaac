// Tagset writer (spec §2.1 form 1), Node-only: `tagset.2bit` with one sequence per path named
// PPPP.VV holding the path's tags joined, lower case.
import { ArgumentError } from '../../core/errors.js'
import { hex } from '../../core/hex.js'
import { checkPath } from '../../core/tileId.js'
import { encodeTwoBit, writeTwoBitFile } from '../twobit/writer.js'
import type { TwoBitRecord } from '../twobit/reader.js'

/** Options of the tagset writer. */
export interface TagsetWriteOptions {
  /** Library version in the sequence names (`PPPP.VV`), default 0. */
  version?: number | undefined
}

const TAG_RE = /^[acgt]+$/

function tagsetRecords(paths: Map<number, string[]>, opts: TagsetWriteOptions): TwoBitRecord[] {
  const version = opts.version ?? 0
  if (!Number.isInteger(version) || version < 0 || version > 0xff)
    throw new ArgumentError(`library version ${version} is outside 0..ff`)
  let tagLength: number | undefined
  return [...paths.keys()]
    .sort((a, b) => a - b)
    .map((path) => {
      checkPath(path)
      const tags = paths.get(path)!.map((t) => t.toLowerCase())
      for (const [i, tag] of tags.entries()) {
        tagLength ??= tag.length
        if (tag.length !== tagLength || !TAG_RE.test(tag))
          throw new ArgumentError(
            `path ${hex(path, 4)} tag ${i} '${tag}': expected ${tagLength} bases of acgt like the first tag`,
          )
      }
      return { name: `${hex(path, 4)}.${hex(version, 2)}`, sequence: tags.join('') }
    })
}

/** The bytes of a `tagset.2bit` (paths in ascending order; an empty path gets an empty sequence). */
export function encodeTagset2bit(
  paths: Map<number, string[]>,
  opts: TagsetWriteOptions = {},
): Uint8Array {
  return encodeTwoBit(tagsetRecords(paths, opts))
}

/** Write a `tagset.2bit` atomically. */
export async function writeTagset2bit(
  file: string,
  paths: Map<number, string[]>,
  opts: TagsetWriteOptions = {},
): Promise<void> {
  await writeTwoBitFile(file, tagsetRecords(paths, opts))
}
