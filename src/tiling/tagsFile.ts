// Node-only: the paths and tags a build picked, saved (`build --tags-only`) so that partial builds
// of one store (`build --tags FILE --paths A-B`, threads, the CWL workflow) pick them once. JSON:
// the reference's contigs (checked when the file is used) and every path's tags and their starts.
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError, FormatError } from '../core/errors.js'
import type { ReferenceFasta } from './reference.js'
import type { PathTags } from './tags.js'

const TAGS_FORMAT = 'lightning-tiles-tags'

interface TagsJson {
  format: typeof TAGS_FORMAT
  contigs: { name: string; length: number }[]
  paths: {
    path: number
    chrom: string
    start: number
    end: number
    tags: string[]
    tagStarts: number[]
  }[]
}

export async function writeTagsFile(
  file: string,
  ref: ReferenceFasta,
  paths: PathTags[],
): Promise<void> {
  const json: TagsJson = {
    format: TAGS_FORMAT,
    contigs: ref.contigs.map((c) => ({ name: c.name, length: c.length })),
    paths: paths.map((p) => ({ ...p, tagStarts: Array.from(p.tagStarts) })),
  }
  await writeFileAtomic(file, JSON.stringify(json) + '\n')
}

/** The paths of a tags file, which must have been picked on a reference with `ref`'s contigs. */
export async function readTagsFile(file: string, ref: ReferenceFasta): Promise<PathTags[]> {
  let json: Partial<TagsJson>
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Partial<TagsJson>
  } catch (err) {
    throw new FormatError(`not a tags file (${(err as Error).message})`, { file })
  }
  if (json.format !== TAGS_FORMAT || !Array.isArray(json.paths) || !Array.isArray(json.contigs))
    throw new FormatError(
      `not a tags file (expected format ${TAGS_FORMAT}, from build --tags-only)`,
      { file },
    )
  const ours = JSON.stringify(ref.contigs.map((c) => ({ name: c.name, length: c.length })))
  if (JSON.stringify(json.contigs) !== ours)
    throw new ArgumentError(`--tags ${file} was picked on another reference (its contigs differ)`)
  return json.paths.map((p, i) => {
    const ok =
      p.path === i &&
      Array.isArray(p.tags) &&
      Array.isArray(p.tagStarts) &&
      p.tags.length === p.tagStarts.length
    if (!ok)
      throw new FormatError(`path ${i}: expected path ${i} with as many tags as starts`, { file })
    return { ...p, tagStarts: Float64Array.from(p.tagStarts) }
  })
}
