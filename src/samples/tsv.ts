// Sample metadata as a table with a header: the first column names the sample, the others are
// keys. The 1000 Genomes panel (`sample pop super_pop gender`) is such a table whose header ends
// in empty columns that its rows do not have. Column types are inferred: all 32-bit integers →
// int, all numbers → float, else string; an empty cell or NA is a missing value.
import { FormatError } from '../core/errors.js'
import { FLOAT_RE, isInt32Text } from './fmf.js'
import type { TextLine } from './fmf.js'
import { SampleTableBuilder, checkKey } from './table.js'
import type { FieldType, SampleTable } from './table.js'

const MISSING = new Set(['', 'NA'])

/** The header cells, without the empty ones at the end (the panel's header has two). */
export function headerCells(text: string): string[] {
  const cells = text.split('\t')
  while (cells.length > 1 && cells[cells.length - 1] === '') cells.pop()
  return cells
}

/** Does a header look like the 1000 Genomes panel's? */
export function isPanelHeader(cells: readonly string[]): boolean {
  return cells[0] === 'sample' && cells.includes('pop') && cells.includes('super_pop')
}

function inferType(values: readonly string[]): FieldType {
  const present = values.filter((v) => !MISSING.has(v))
  if (present.length > 0 && present.every(isInt32Text)) return 'int'
  if (present.length > 0 && present.every((v) => FLOAT_RE.test(v))) return 'float'
  return 'string'
}

/** Parse a TAB-separated table with a header; `panel` also requires the panel's header. */
export function parseTsv(lines: Iterable<TextLine>, file: string, panel = false): SampleTable {
  const it = lines[Symbol.iterator]()
  let head = it.next()
  while (!head.done && head.value.text === '') head = it.next()
  if (head.done) throw new FormatError('expected a header line, found an empty file', { file })
  const header = headerCells(head.value.text)
  const headerLine = head.value.line
  if (panel && !isPanelHeader(header))
    throw new FormatError(
      `expected the 1000 Genomes panel header 'sample pop super_pop gender', found '${header.join(' ')}'`,
      { file, line: headerLine },
    )
  if (header.length < 2)
    throw new FormatError('expected a header with a sample column and at least one key', {
      file,
      line: headerLine,
    })
  const b = new SampleTableBuilder(file)
  const keys = header.slice(1)
  keys.forEach((k, i) => {
    checkKey(k, { file, line: headerLine }, `column ${i + 2}: `)
    if (keys.indexOf(k) !== i)
      throw new FormatError(`column ${i + 2}: key '${k}' is in the header twice`, {
        file,
        line: headerLine,
      })
  })
  const rows: { name: string; line: number; cells: string[] }[] = []
  for (let r = it.next(); !r.done; r = it.next()) {
    const { text, line } = r.value
    if (text === '') continue
    const cells = text.split('\t')
    // cells past the header's are allowed only when empty
    while (cells.length > header.length && cells[cells.length - 1] === '') cells.pop()
    if (cells.length !== header.length)
      throw new FormatError(
        `expected ${header.length} TAB-separated columns as in the header, found ${cells.length}`,
        { file, line },
      )
    rows.push({ name: cells[0]!, line, cells: cells.slice(1) })
  }
  const types = keys.map((k, c) => {
    const type = inferType(rows.map((row) => row.cells[c]!))
    b.declare(k, type, headerLine)
    return type
  })
  for (const row of rows) {
    const values = []
    for (let c = 0; c < keys.length; c++) {
      const text = row.cells[c]!
      if (MISSING.has(text)) continue
      const type = types[c]!
      values.push({ key: keys[c]!, type, value: type === 'string' ? text : Number(text) })
    }
    b.add(row.name, row.line, values)
  }
  return b.build()
}
