// lightning-tiles twobit to-fasta|from-fasta|info: UCSC 2bit (spec §3) as twoBitToFa, faToTwoBit
// and twoBitInfo do.
import { ArgumentError, FormatError } from '../../../core/errors.js'
import { readLines } from '../../../container/stream.js'
import { TwoBitReader } from '../../../formats/twobit/reader.js'
import type { TwoBitRecord } from '../../../formats/twobit/reader.js'
import { encodeTwoBit } from '../../../formats/twobit/writer.js'
import { emitBytes, emitText, inputFile, seekableFile } from '../io.js'

/** Bases read per ranged read: whole lines, so a long chromosome is never in memory at once. */
const STRETCH = 1 << 20

/** twoBitToFa: every sequence (or the named ones), case kept (soft mask lower case), N blocks as N. */
export async function toFasta(
  file: string,
  names: string[],
  width: number,
  output: string | undefined,
): Promise<void> {
  if (!Number.isInteger(width) || width < 1)
    throw new ArgumentError(`--width must be a positive integer, got ${width}`)
  const reader = new TwoBitReader(seekableFile(file, 'the 2bit file'))
  const all = await reader.sequenceNames()
  for (const n of names)
    if (!all.includes(n)) throw new ArgumentError(`${file} holds no sequence '${n}'`)
  async function* text() {
    for (const name of names.length ? names : all) {
      yield `>${name}\n`
      const length = await reader.sequenceLength(name)
      const step = Math.max(width, Math.floor(STRETCH / width) * width)
      for (let at = 0; at < length; at += step) {
        const seq = await reader.sequence(name, at, Math.min(length, at + step))
        const lines: string[] = []
        for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width))
        yield `${lines.join('\n')}\n`
      }
    }
  }
  await emitText(text(), output)
}

/** faToTwoBit: FASTA (plain, gzip or BGZF) → 2bit; lower case becomes mask blocks, non-ACGT N blocks. */
export async function fromFasta(
  input: string | undefined,
  output: string | undefined,
  noMask: boolean,
): Promise<void> {
  const file = inputFile(input)
  const records: TwoBitRecord[] = []
  let current: { name: string; parts: string[] } | undefined
  const flush = () => {
    if (current) records.push({ name: current.name, sequence: current.parts.join('') })
  }
  for await (const { text, line } of readLines(file)) {
    if (text.startsWith('>')) {
      flush()
      const name = text.slice(1).trim().split(/\s/)[0] ?? ''
      if (!name) throw new FormatError('a FASTA header with no name', { file: file.name, line })
      current = { name, parts: [] }
    } else if (text.trim() !== '') {
      if (!current)
        throw new FormatError("expected a '>' header before sequence lines", {
          file: file.name,
          line,
        })
      current.parts.push(text.trim())
    }
  }
  flush()
  if (records.length === 0) throw new FormatError('no FASTA records', { file: file.name })
  await emitBytes(encodeTwoBit(records, { maskBlocks: !noMask }), output)
}

/** twoBitInfo: `name<TAB>length` per sequence. */
export async function info(file: string): Promise<string> {
  const reader = new TwoBitReader(seekableFile(file, 'the 2bit file'))
  const lines: string[] = []
  for (const name of await reader.sequenceNames())
    lines.push(`${name}\t${await reader.sequenceLength(name)}\n`)
  return lines.join('')
}
