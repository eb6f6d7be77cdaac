import { FormatError } from '../../core/errors.js'

/**
 * One path of one genome in band form (spec §9): per allele, the variant index of every step
 * (-1 = non-anchor step of a spanning tile), and per allele and step the no-call runs as a flat
 * list `[start, length, start, length, ...]` (offsets inside the tile, tags included).
 */
export interface Band {
  variants: [number[], number[]]
  nocalls: [number[][], number[][]]
}

/**
 * Canonical text (what fjt -B and cgft -b write): four lines, each ending in a newline. An empty
 * path is written `[ ]`, `[ ]`, `[[ ]]`, `[[ ]]`.
 */
export function formatBand(band: Band): string {
  const variantLine = (v: number[]) =>
    v.length === 0 ? '[ ]\n' : `[${v.map((x) => ` ${x}`).join('')}]\n`
  const nocallLine = (n: number[][]) =>
    n.length === 0
      ? '[[ ]]\n'
      : `[${n.map((runs) => `[${runs.map((x) => ` ${x}`).join('')} ]`).join('')}]\n`
  return (
    variantLine(band.variants[0]) +
    variantLine(band.variants[1]) +
    nocallLine(band.nocalls[0]) +
    nocallLine(band.nocalls[1])
  )
}

function parseInts(body: string, file: string | undefined, line: number): number[] {
  const words = body.trim() === '' ? [] : body.trim().split(/\s+/)
  return words.map((w) => {
    if (!/^-?\d+$/.test(w)) throw new FormatError(`expected an integer, got '${w}'`, { file, line })
    return Number(w)
  })
}

function parseVariantLine(text: string, file: string | undefined, line: number): number[] {
  const t = text.trim()
  if (!t.startsWith('[') || !t.endsWith(']') || t.slice(1, -1).includes('['))
    throw new FormatError("expected a variant list '[ v v ... ]'", { file, line })
  const values = parseInts(t.slice(1, -1), file, line)
  for (const v of values)
    if (v < -1) throw new FormatError(`variant ${v} is below -1`, { file, line })
  return values
}

function parseNocallLine(text: string, file: string | undefined, line: number): number[][] {
  const t = text.trim()
  if (!t.startsWith('[') || !t.endsWith(']'))
    throw new FormatError("expected a no-call list '[[ s l ... ] ...]'", { file, line })
  const inner = t.slice(1, -1).trim()
  const steps: number[][] = []
  const re = /\[([^[\]]*)\]|(\S)/g
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    if (m[2] !== undefined)
      throw new FormatError(`unexpected '${m[2]}' in a no-call list`, { file, line })
    const runs = parseInts(m[1]!, file, line)
    if (runs.length % 2 !== 0)
      throw new FormatError('a no-call list needs (start, length) pairs', { file, line })
    steps.push(runs)
  }
  return steps
}

/**
 * Parse one or more bands (groups of four non-blank lines). An empty path's `[[ ]]` no-call line
 * is read as zero steps, to match its `[ ]` variant lines.
 */
export function parseBands(text: string, file?: string): Band[] {
  const lines: { text: string; line: number }[] = []
  text.split('\n').forEach((t, i) => {
    if (t.trim() !== '') lines.push({ text: t, line: i + 1 })
  })
  if (lines.length % 4 !== 0)
    throw new FormatError(`a band has 4 lines; found ${lines.length} non-blank lines`, { file })
  const bands: Band[] = []
  for (let i = 0; i < lines.length; i += 4) {
    const [a, b, na, nb] = lines.slice(i, i + 4) as [
      (typeof lines)[0],
      (typeof lines)[0],
      (typeof lines)[0],
      (typeof lines)[0],
    ]
    const variants: [number[], number[]] = [
      parseVariantLine(a.text, file, a.line),
      parseVariantLine(b.text, file, b.line),
    ]
    const n = variants[0].length
    if (variants[1].length !== n)
      throw new FormatError(`allele B has ${variants[1].length} steps, allele A ${n}`, {
        file,
        line: b.line,
      })
    const nocalls: [number[][], number[][]] = [
      parseNocallLine(na.text, file, na.line),
      parseNocallLine(nb.text, file, nb.line),
    ]
    nocalls.forEach((list, k) => {
      if (n === 0 && list.length === 1 && list[0]!.length === 0) list.pop()
      if (list.length !== n)
        throw new FormatError(`no-call line has ${list.length} steps, expected ${n}`, {
          file,
          line: (k === 0 ? na : nb).line,
        })
    })
    bands.push({ variants, nocalls })
  }
  return bands
}

/** Parse exactly one band. */
export function parseBand(text: string, file?: string): Band {
  const bands = parseBands(text, file)
  if (bands.length !== 1)
    throw new FormatError(`expected one band, found ${bands.length}`, file ? { file } : {})
  return bands[0]!
}
