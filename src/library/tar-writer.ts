// Node-only: write the 2bit-tar tile library (spec §5.3, §5.4) of an SGLF stream (§7), one step in
// memory at a time; the spans (≠ 1) of the whole library are collected for the span file.
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { writeTarBgzf } from '../container/tar/writer.js'
import { FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { formatPath, formatStepId, formatTileId } from '../core/tileId.js'
import { sglfSteps } from '../formats/sglf/reader.js'
import type { SglfStep, SglfTile } from '../formats/sglf/reader.js'
import { writeSpanFile } from '../formats/span/writer.js'
import { encodeTwoBit } from '../formats/twobit/writer.js'

/** The file names of one path of a 2bit-tar library in its folder. */
export const libraryFiles = {
  tar: (path: number) => `${formatPath(path)}.tar.gz`,
  gzi: (path: number) => `${formatPath(path)}.tar.gz.gzi`,
  tai: (path: number) => `${formatPath(path)}.tar.tai`,
  span: 'span.csv.gz',
}

/** The 2bit member of one step: its variants in order, named PPPP.VV.SSSS.VVV (no span). */
export function stepMember(step: SglfStep): { name: string; data: Uint8Array } {
  step.tiles.forEach((t, i) => {
    if (t.variant !== i)
      throw new FormatError(
        `${formatTileId(t)}: a 2bit-tar library numbers a step's variants 0, 1, 2, …; this is variant ${i} of its step`,
        { line: t.line },
      )
  })
  const records = step.tiles.map((t) => ({
    name: formatTileId({ path: t.path, version: t.version, step: t.step, variant: t.variant }),
    sequence: t.seq,
  }))
  // one full-length soft-mask block per tile (faToTwoBit of lower-case input), as the derived fixture
  return {
    name: `${formatStepId(step.path, step.step, step.version)}.2bit`,
    data: encodeTwoBit(records),
  }
}

export interface LibraryWriteResult {
  paths: number[]
  steps: number
  variants: number
}

/** Peekable async iterator: the library's paths are cut from one stream of steps. */
class Steps {
  private head: IteratorResult<SglfStep> | undefined
  constructor(private readonly it: AsyncIterator<SglfStep>) {}
  async peek(): Promise<SglfStep | undefined> {
    this.head ??= await this.it.next()
    return this.head.done ? undefined : this.head.value
  }
  take(): void {
    this.head = undefined
  }
}

/**
 * Write the 2bit-tar library of an SGLF stream into `dir`: per path `PPPP.tar.gz` (+ `.gzi`,
 * `PPPP.tar.tai`), and one `span.csv.gz` for every path. Steps must ascend within a path.
 */
export async function writeLibraryFromSglf(
  tiles: AsyncIterable<SglfTile>,
  dir: string,
  opts: AbortOptions & { file?: string } = {},
): Promise<LibraryWriteResult> {
  await mkdir(dir, { recursive: true })
  const steps = new Steps(sglfSteps(tiles)[Symbol.asyncIterator]())
  const spans: { path: number; version: number; step: number; variant: number; span: number }[] = []
  const result: LibraryWriteResult = { paths: [], steps: 0, variants: 0 }
  for (let first = await steps.peek(); first; first = await steps.peek()) {
    const path = first.path
    if (result.paths.includes(path))
      throw new FormatError(`path ${formatPath(path)} appears twice`, {
        file: opts.file,
        line: first.tiles[0]!.line,
      })
    result.paths.push(path)
    let last = -1
    async function* members() {
      for (let s = await steps.peek(); s && s.path === path; s = await steps.peek()) {
        checkAbort(opts.signal)
        steps.take()
        if (s.step <= last)
          throw new FormatError(
            `step ${formatStepId(path, s.step)} comes after step ${formatStepId(path, last)}`,
            { file: opts.file, line: s.tiles[0]!.line },
          )
        last = s.step
        result.steps++
        result.variants += s.tiles.length
        // the numbers only: a tile's sequence is a slice of the text it was read from, which it
        // would keep alive
        for (const t of s.tiles)
          if (t.span !== 1)
            spans.push({ path, version: t.version, step: t.step, variant: t.variant, span: t.span })
        yield stepMember(s)
      }
    }
    await writeTarBgzf(join(dir, libraryFiles.tar(path)), members(), opts)
  }
  await writeSpanFile(join(dir, libraryFiles.span), spans, opts)
  return result
}
