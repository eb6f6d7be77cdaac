// lightning-tiles library from-sglf|to-sglf|index: the 2bit-tar tile library (spec §5.3, §5.4)
// and SGLF, and the indexes of a BGZF tar.
import { readdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { writeFileAtomic } from '../../../core/atomicWrite.js'
import { ArgumentError } from '../../../core/errors.js'
import { scanGzi, scanTai } from '../../../container/tar/scan.js'
import { tarIndexPath } from '../../../container/tar/writer.js'
import { readSglfTiles } from '../../../formats/sglf/reader.js'
import { sglfTextChunks } from '../../../formats/sglf/writer.js'
import { SpanTable } from '../../../formats/span/reader.js'
import { TarReader } from '../../../container/tar/reader.js'
import { openFile } from '../../../core/nodeFile.js'
import { sglfTilesOfTar } from '../../../library/tar.js'
import { libraryFiles, writeLibraryFromSglf } from '../../../library/tar-writer.js'
import { emitText, inputFile, seekableFile } from '../io.js'

/** SGLF (any number of paths, streamed) → one tar per path and span.csv.gz in `dir`. */
export async function fromSglf(input: string | undefined, dir: string): Promise<string> {
  const file = inputFile(input)
  const r = await writeLibraryFromSglf(readSglfTiles(file), dir, { file: file.name })
  return `wrote ${r.paths.length} path${r.paths.length === 1 ? '' : 's'}, ${r.steps} steps, ${r.variants} tile variants to ${dir}\n`
}

/** The tars to read: `PPPP.tar.gz` files given, or every one in a library folder. */
async function tarsOf(source: string): Promise<{ tars: string[]; dir: string }> {
  if (source.endsWith('.tar.gz')) return { tars: [source], dir: dirname(source) }
  const names = (await readdir(source)).filter((n) => /^[0-9a-f]{4}\.tar\.gz$/.test(n)).sort()
  if (names.length === 0) throw new ArgumentError(`${source} holds no PPPP.tar.gz library file`)
  return { tars: names.map((n) => join(source, n)), dir: source }
}

/** A 2bit-tar library (a folder or one PPPP.tar.gz) → SGLF, paths ascending. */
export async function toSglf(
  source: string,
  spanFile: string | undefined,
  output: string | undefined,
): Promise<void> {
  const { tars, dir } = await tarsOf(source)
  const span = spanFile ?? join(dir, libraryFiles.span)
  const spans = await SpanTable.load(seekableFile(span, 'the span file'))
  async function* tiles() {
    for (const tar of tars) yield* sglfTilesOfTar(TarReader.open(tar, openFile), spans)
  }
  await emitText(sglfTextChunks(tiles(), { name: source }), output)
}

/** Rebuild `X.tar.gz.gzi` and `X.tar.tai` of a BGZF tar from its bytes. */
export async function index(tarGz: string): Promise<string> {
  if (!tarGz.endsWith('.tar.gz'))
    throw new ArgumentError(`${tarGz}: expected a BGZF tar named X.tar.gz`)
  const file = seekableFile(tarGz, 'the tar')
  const gzi = await scanGzi(file)
  const tai = await scanTai(file)
  await writeFileAtomic(`${tarGz}.gzi`, gzi)
  await writeFileAtomic(tarIndexPath(tarGz), tai)
  const members = tai.split('\n').length - 1
  return `${basename(tarGz)}: ${members} members; wrote ${basename(tarIndexPath(tarGz))} and ${basename(tarGz)}.gzi\n`
}
