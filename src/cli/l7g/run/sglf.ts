// lightning-tiles sglf build|validate|version|merge: fjcsv2sglf, sglf-check, glft -P/-H and
// merge-sglf (spec §5.5, §7).
import { csvChunks } from '../../../formats/text-writer.js'
import { ArgumentError, FormatError } from '../../../core/errors.js'
import { formatPath } from '../../../core/tileId.js'
import { SglfBuilder } from '../../../formats/sglf/build.js'
import { mergeSglf } from '../../../formats/sglf/merge.js'
import { libraryVersion, readSglfTiles, sglfPathVersions } from '../../../formats/sglf/reader.js'
import type { SglfTile } from '../../../formats/sglf/reader.js'
import { sglfTextChunks } from '../../../formats/sglf/writer.js'
import { TagsetReader } from '../../../formats/tagset/reader.js'
import { emitText, inputFile } from '../io.js'

/** fjcsv2sglf TAGSET [CSV]: the path's library from FastJ-CSV rows of any number of samples. */
export async function build(
  tagset: string,
  input: string | undefined,
  output: string | undefined,
): Promise<void> {
  const builder = new SglfBuilder()
  const file = inputFile(input)
  for await (const t of readSglfTiles(file)) builder.add(t, file.name)
  const path = builder.tilePath
  if (path === undefined) throw new FormatError('no FastJ-CSV rows', { file: file.name })
  const tags = await new TagsetReader(inputFile(tagset), { path }).tags(path)
  await emitText(sglfTextChunks(builder.tiles(tags)), output)
}

/** sglf-check: every rule of spec §7.2; prints `ok` or throws the first broken rule. */
export async function validate(input: string | undefined): Promise<string> {
  const file = inputFile(input)
  let n = 0
  const tiles = readSglfTiles(file, { validate: true })
  for (let t = await tiles.next(); !t.done; t = await tiles.next()) n++
  if (n === 0) throw new FormatError('no SGLF lines', { file: file.name })
  return 'ok\n'
}

/** glft -P (-H with useMd5Column): each path's version, then the library version. */
export async function version(input: string | undefined, useMd5Column: boolean): Promise<string> {
  const file = inputFile(input)
  const versions = await sglfPathVersions(file, { useMd5Column })
  if (versions.size === 0) throw new FormatError('no SGLF lines', { file: file.name })
  const lines = [...versions].map(([p, v]) => `${formatPath(p)}\t${v}`)
  return `${lines.join('\n')}\nlibrary\t${libraryVersion(versions)}\n`
}

async function allTiles(name: string): Promise<SglfTile[]> {
  const out: SglfTile[] = []
  for await (const t of readSglfTiles(inputFile(name))) out.push(t)
  return out
}

/** merge-sglf A B: the merged library, and the mapping of B's tiles to it. */
export async function merge(
  first: string,
  second: string,
  output: string | undefined,
  mappingFile: string | undefined,
): Promise<void> {
  if (first === '-' && second === '-')
    throw new ArgumentError('only one of the two libraries can be standard input')
  const m = mergeSglf(await allTiles(first), await allTiles(second), [first, second])
  // the first library's lines are kept as they are, variant gaps included: no §7.2 order check
  await emitText(sglfTextChunks(m.tiles, { validate: false }), output)
  if (mappingFile !== undefined) {
    const rows = m.mapping.map((x) => [x.from, x.to])
    await emitText(csvChunks(rows), mappingFile)
  }
  process.stderr.write(
    `merged ${second} into ${first}: ${m.added} new tile variant${m.added === 1 ? '' : 's'}, ${m.mapping.filter((x) => x.from !== x.to).length} renumbered\n`,
  )
}
