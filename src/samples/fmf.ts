// BGT's Flat Metadata Format (lh3/bgt fmf.c): one line per sample, `name<TAB>key:type:value...`,
// type Z (string), i (integer) or f (real). BGT keeps a sample's name alone on its line when it
// has no metadata (the `.spl` file `bgt import` writes), skips empty lines, and reads `i` as a
// C int and `f` as a C float, so integers here stay within 32 bits.
import { FormatError } from '../core/errors.js'
import { SampleTableBuilder } from './table.js'
import type { FieldType, FieldValue, SampleTable } from './table.js'

/** An input line and its 1-based number. */
export interface TextLine {
  text: string
  line: number
}

const TYPE_OF: Record<string, FieldType> = { Z: 'string', i: 'int', f: 'float' }
const LETTER: Record<FieldType, string> = { string: 'Z', int: 'i', float: 'f' }

export const INT_RE = /^[+-]?\d+$/
export const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

export function isInt32Text(s: string): boolean {
  if (!INT_RE.test(s)) return false
  const v = Number(s)
  return v >= INT32_MIN && v <= INT32_MAX
}

/** A typed value from its text, or a reason why it is not one. */
export function typedValue(type: FieldType, text: string): FieldValue | string {
  switch (type) {
    case 'string':
      return text
    case 'int':
      return isInt32Text(text) ? Number(text) : `expected a 32-bit integer, found '${text}'`
    case 'float':
      return FLOAT_RE.test(text) ? Number(text) : `expected a number, found '${text}'`
  }
}

/** Parse FMF lines into a table; `file` names the input in errors. */
export function parseFmf(lines: Iterable<TextLine>, file: string): SampleTable {
  const b = new SampleTableBuilder(file)
  for (const { text, line } of lines) {
    if (text === '') continue
    const cells = text.split('\t')
    const values = cells.slice(1).map((cell, i) => {
      const m = /^([^:]*):(.):(.*)$/s.exec(cell)
      const where = `field ${i + 2}`
      if (!m)
        throw new FormatError(`${where}: expected key:type:value, found '${cell}'`, { file, line })
      const [, key, letter, raw] = m as unknown as [string, string, string, string]
      const type = TYPE_OF[letter]
      if (!type)
        throw new FormatError(
          `${where}: type '${letter}' of '${cell}' is not Z (string), i (integer) or f (real)`,
          { file, line },
        )
      const value = typedValue(type, raw)
      if (typeof value === 'string' && type !== 'string')
        throw new FormatError(`${where}: ${key}: ${value}`, { file, line })
      return { key, type, value }
    })
    b.add(cells[0]!, line, values)
  }
  return b.build()
}

/**
 * The table as FMF text, one line per sample, fields in table order. Reals are written in
 * JavaScript's shortest round-trip form, which C's strtod reads back.
 */
export function formatFmf(table: SampleTable): string {
  let out = ''
  for (let r = 0; r < table.size; r++) {
    out += table.names[r]
    for (const { field, value } of table.row(r))
      out += `\t${field.key}:${LETTER[field.type]}:${value}`
    out += '\n'
  }
  return out
}
