// Node-only writer of `assembly.VV.REF.fw.gz` (BGZF, + .gzi) and its `.fwi` (spec §6.1, §6.3).
import { writeBgzfFile } from '../../container/bgzf/writer.js'
import { writeFileAtomic } from '../../core/atomicWrite.js'
import { ArgumentError, checkAbort } from '../../core/errors.js'
import type { AbortOptions } from '../../core/errors.js'
import { checkPath, formatPath } from '../../core/tileId.js'
import { ASSEMBLY_LINE_BYTES, ASSEMBLY_LINE_WIDTH } from './reader.js'

/** One path block to write: its reported steps (skipped steps left out) and their ends. */
export interface AssemblyPathInput {
  build: string
  chrom: string
  path: number
  steps: Iterable<{ step: number; end: number }>
}

/** The `.fwi` that goes with `X.fw.gz`: `X.fw.fwi` (DESIGN decision 7). */
export function fwiPathFor(gzPath: string): string {
  return `${gzPath.replace(/\.gz$/, '')}.fwi`
}

/**
 * The text of each block (header + data lines) and, as a side result, the `.fwi` lines. Checks
 * what the reader relies on: names without tabs/newlines, a build without ':', steps ascending
 * within 0..ffff, ends non-decreasing and at most 10 digits.
 */
export class AssemblyFormatter {
  private offset = 0
  private readonly fwiLines: string[] = []

  block(input: AssemblyPathInput): string {
    const { build, chrom, path } = input
    checkPath(path)
    if (build === '' || /[:\s]/.test(build)) throw new ArgumentError(`bad build name '${build}'`)
    if (chrom === '' || /\s/.test(chrom)) throw new ArgumentError(`bad chromosome name '${chrom}'`)
    const name = `${build}:${chrom}:${formatPath(path)}`
    const header = `>${name}\n`
    const lines: string[] = [header]
    let prevStep = -1
    let prevEnd = 0
    for (const { step, end } of input.steps) {
      if (!Number.isInteger(step) || step <= prevStep || step > 0xffff)
        throw new ArgumentError(`${name}: step ${step} must be above ${prevStep} and at most ffff`)
      if (!Number.isSafeInteger(end) || end < prevEnd || end > 9_999_999_999)
        throw new ArgumentError(`${name}: end ${end} must be ≥ ${prevEnd} and fit 10 digits`)
      lines.push(`${formatPath(step)}\t${String(end).padStart(10, ' ')}\n`)
      prevStep = step
      prevEnd = end
    }
    const size = (lines.length - 1) * ASSEMBLY_LINE_WIDTH
    this.offset += Buffer.byteLength(header)
    this.fwiLines.push(
      `${name}\t${size}\t${this.offset}\t${ASSEMBLY_LINE_BYTES}\t${ASSEMBLY_LINE_WIDTH}\n`,
    )
    this.offset += size
    return lines.join('')
  }

  /** The `.fwi` of the blocks formatted so far. */
  fwi(): string {
    return this.fwiLines.join('')
  }
}

/** The uncompressed `.fw` text and the `.fwi` of `paths`. */
export function formatAssembly(paths: Iterable<AssemblyPathInput>): { fw: string; fwi: string } {
  const f = new AssemblyFormatter()
  let fw = ''
  for (const p of paths) fw += f.block(p)
  return { fw, fwi: f.fwi() }
}

/**
 * Write `gzPath` (BGZF), `gzPath.gzi` and the `.fwi` (at `fwiPathFor(gzPath)` unless `fwi` names
 * another place), each through a temporary file renamed into place. Paths are streamed one at a
 * time; give them in ascending order.
 */
export async function writeAssembly(
  gzPath: string,
  paths: Iterable<AssemblyPathInput> | AsyncIterable<AssemblyPathInput>,
  opts: AbortOptions & { fwi?: string } = {},
): Promise<{ fwi: string; size: number }> {
  const f = new AssemblyFormatter()
  let prevPath = -1
  async function* blocks() {
    for await (const p of paths) {
      checkAbort(opts.signal)
      if (p.path <= prevPath)
        throw new ArgumentError(
          `paths must ascend: ${formatPath(p.path)} after ${formatPath(prevPath)}`,
        )
      prevPath = p.path
      yield f.block(p)
    }
  }
  const size = await writeBgzfFile(gzPath, blocks())
  const fwi = opts.fwi ?? fwiPathFor(gzPath)
  await writeFileAtomic(fwi, f.fwi())
  return { fwi, size }
}
