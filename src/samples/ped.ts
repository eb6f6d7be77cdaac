// PLINK's PED/FAM pedigree columns, whitespace-separated, no header: family, sample, father,
// mother, sex, phenotype (a .ped's genotype columns after them are ignored). As PLINK reads them:
// parent 0 is unknown, sex 1 is male and 2 female (anything else unknown), phenotype -9 is
// missing, and when every phenotype is 0, 1, 2 or -9 it is case/control with 0 missing too.
import { FormatError } from '../core/errors.js'
import { FLOAT_RE } from './fmf.js'
import type { TextLine } from './fmf.js'
import { SampleTableBuilder } from './table.js'
import type { FieldType, FieldValue, SampleTable } from './table.js'

export const PED_KEYS = ['family', 'father', 'mother', 'sex', 'phenotype'] as const

/** Split a PED line on runs of spaces or tabs. */
export function pedCells(text: string): string[] {
  return text.trim().split(/[ \t]+/)
}

/** Does a line look like a PED line (sex 0/1/2 and a numeric phenotype)? */
export function isPedLine(text: string): boolean {
  const c = pedCells(text)
  return c.length >= 6 && /^[012]$/.test(c[4]!) && (FLOAT_RE.test(c[5]!) || c[5] === 'NA')
}

export function parsePed(lines: Iterable<TextLine>, file: string): SampleTable {
  const rows: { line: number; cells: string[] }[] = []
  for (const { text, line } of lines) {
    if (text.trim() === '') continue
    const cells = pedCells(text)
    if (cells.length < 6)
      throw new FormatError(
        `expected 6 columns (family, sample, father, mother, sex, phenotype), found ${cells.length}`,
        { file, line },
      )
    const pheno = cells[5]!
    if (!FLOAT_RE.test(pheno) && pheno !== 'NA')
      throw new FormatError(`phenotype: expected a number, -9 or NA, found '${pheno}'`, {
        file,
        line,
      })
    rows.push({ line, cells })
  }
  const caseControl = rows.every((r) => ['0', '1', '2', '-9', 'NA'].includes(r.cells[5]!))
  const b = new SampleTableBuilder(file)
  const types: FieldType[] = ['string', 'string', 'string', 'int', caseControl ? 'int' : 'float']
  PED_KEYS.forEach((k, i) => b.declare(k, types[i]!, rows[0]?.line ?? 1))
  for (const { line, cells } of rows) {
    const [family, sample, father, mother, sex, pheno] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
    ]
    const values: { key: string; type: FieldType; value: FieldValue }[] = [
      { key: 'family', type: 'string', value: family },
    ]
    if (father !== '0') values.push({ key: 'father', type: 'string', value: father })
    if (mother !== '0') values.push({ key: 'mother', type: 'string', value: mother })
    if (sex === '1' || sex === '2') values.push({ key: 'sex', type: 'int', value: Number(sex) })
    const missing = pheno === '-9' || pheno === 'NA' || (caseControl && pheno === '0')
    if (!missing) values.push({ key: 'phenotype', type: types[4]!, value: Number(pheno) })
    b.add(sample, line, values)
  }
  return b.build()
}
