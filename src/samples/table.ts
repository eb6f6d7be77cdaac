// Sample metadata: one row per sample, typed fields (BGT's FMF types: Z string, i integer,
// f float), and sample expressions over them. Browser-safe.
import { FormatError } from '../core/errors.js'
import { compileCondition } from '../query/expr/compile.js'
import type { CompiledCondition, Scope, Variable } from '../query/expr/compile.js'

export type FieldType = 'string' | 'int' | 'float'
export type FieldValue = string | number

export interface SampleField {
  key: string
  type: FieldType
}

/** The name BGT gives the sample's own name in sample expressions (`_ROW_=="HG00096"`). */
export const SAMPLE_NAME_KEY = '_ROW_'

/** Keys must be names an expression can use. */
export const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Samples in a fixed order with typed fields; a sample may lack some fields. */
export class SampleTable {
  /** made on the first lookup by name (a query of every sample never asks) */
  private rowOf: Map<string, number> | undefined
  private readonly columnOf = new Map<string, number>()

  constructor(
    readonly names: readonly string[],
    readonly fields: readonly SampleField[],
    /** one array per field, one value (or undefined) per sample */
    private readonly columns: readonly (readonly (FieldValue | undefined)[])[],
  ) {
    fields.forEach((f, i) => this.columnOf.set(f.key, i))
  }

  /** A table of names without fields. */
  static ofNames(names: readonly string[]): SampleTable {
    return new SampleTable(names, [], [])
  }

  get size(): number {
    return this.names.length
  }

  /** Row of a sample, or -1. */
  indexOf(name: string): number {
    this.rowOf ??= new Map(this.names.map((n, i) => [n, i]))
    return this.rowOf.get(name) ?? -1
  }

  field(key: string): SampleField | undefined {
    const c = this.columnOf.get(key)
    return c === undefined ? undefined : this.fields[c]
  }

  value(row: number, key: string): FieldValue | undefined {
    const c = this.columnOf.get(key)
    return c === undefined ? undefined : this.columns[c]![row]
  }

  /** The fields a sample has, in field order. */
  row(row: number): { field: SampleField; value: FieldValue }[] {
    const out: { field: SampleField; value: FieldValue }[] = []
    this.fields.forEach((field, c) => {
      const value = this.columns[c]![row]
      if (value !== undefined) out.push({ field, value })
    })
    return out
  }

  /** The keys of sample expressions: every field, and `_ROW_` for the sample name. */
  scope(): Scope<number> {
    return {
      variable: (name): Variable<number> | undefined => {
        if (name === SAMPLE_NAME_KEY) return { type: 'string', get: (r) => this.names[r] }
        const c = this.columnOf.get(name)
        if (c === undefined) return undefined
        const column = this.columns[c]!
        return {
          type: this.fields[c]!.type === 'string' ? 'string' : 'number',
          get: (r) => column[r],
          optional: column.includes(undefined),
        }
      },
      describeKeys: () =>
        this.fields.length === 0
          ? 'there is no sample metadata: only _ROW_, the sample name'
          : `known keys: ${this.fields.map((f) => f.key).join(', ')}, ${SAMPLE_NAME_KEY}`,
    }
  }

  /** Compile a sample expression over this table's rows. */
  condition(expr: string): CompiledCondition<number> {
    return compileCondition(expr, this.scope())
  }

  /** The rows matching a sample expression, in table order. */
  select(expr: string): number[] {
    const c = this.condition(expr)
    const rows: number[] = []
    for (let r = 0; r < this.names.length; r++) if (c.test(r)) rows.push(r)
    return rows
  }

  /**
   * The table re-ordered to `samples` (a store's samples): every one of them gets a row (without
   * fields when the table lacks it); rows of samples not listed are left out and reported.
   */
  alignTo(samples: readonly string[]): Alignment {
    const listed = new Set(samples)
    const rows = samples.map((s) => this.indexOf(s))
    const table = new SampleTable(
      samples,
      this.fields,
      this.columns.map((col) => rows.map((r) => (r < 0 ? undefined : col[r]))),
    )
    return {
      table,
      notInStore: this.names.filter((n) => !listed.has(n)),
      withoutMetadata: samples.filter((_, i) => rows[i]! < 0),
    }
  }
}

export interface Alignment {
  table: SampleTable
  /** samples of the metadata that the store does not hold (left out) */
  notInStore: string[]
  /** samples of the store that the metadata does not list (kept, without fields) */
  withoutMetadata: string[]
}

/** A key must be a name expressions can use, and not the sample name's. */
export function checkKey(key: string, place: { file: string; line: number }, where = ''): void {
  if (!KEY_RE.test(key))
    throw new FormatError(
      `${where}key '${key}' is not a name expressions can use (letters, digits and _, not starting with a digit)`,
      place,
    )
  if (key === SAMPLE_NAME_KEY)
    throw new FormatError(`${where}key '${key}' is reserved for the sample name`, place)
}

/**
 * Collects rows while a file is parsed: one type per key (integers widen to floats; strings never
 * mix with numbers), no sample twice, no key twice in a row.
 */
export class SampleTableBuilder {
  private readonly names: string[] = []
  private readonly lineOf = new Map<string, number>()
  private readonly fields: (SampleField & { line: number })[] = []
  private readonly columnOf = new Map<string, number>()
  private readonly columns: (FieldValue | undefined)[][] = []

  constructor(private readonly file: string) {}

  /** Declare a field (fields keep the order of declaration); `line` names it in errors. */
  declare(key: string, type: FieldType, line: number): number {
    checkKey(key, { file: this.file, line })
    const c = this.fields.length
    this.columnOf.set(key, c)
    this.fields.push({ key, type, line })
    this.columns.push([])
    return c
  }

  /** Add a sample with its values (keys in the order given). */
  add(
    name: string,
    line: number,
    values: readonly { key: string; type: FieldType; value: FieldValue }[],
  ): void {
    const place = { file: this.file, line }
    if (name === '') throw new FormatError('expected a sample name, found an empty field', place)
    const before = this.lineOf.get(name)
    if (before !== undefined)
      throw new FormatError(`sample '${name}' is listed twice (also on line ${before})`, place)
    const row = this.names.length
    this.names.push(name)
    this.lineOf.set(name, line)
    const seen = new Set<string>()
    for (const v of values) {
      if (seen.has(v.key)) throw new FormatError(`key '${v.key}' twice for '${name}'`, place)
      seen.add(v.key)
      const c = this.columnOf.get(v.key) ?? this.declare(v.key, v.type, line)
      const f = this.fields[c]!
      if ((f.type === 'string') !== (v.type === 'string'))
        throw new FormatError(
          `key '${v.key}' is ${v.type === 'string' ? 'a string' : 'a number'} here but ${
            f.type === 'string' ? 'a string' : 'a number'
          } on line ${f.line}`,
          place,
        )
      if (v.type === 'float') f.type = 'float'
      this.columns[c]![row] = v.value
    }
  }

  build(): SampleTable {
    const n = this.names.length
    // rows that lack a key hold undefined there; make every column dense
    const columns = this.columns.map((col) => Array.from({ length: n }, (_, i) => col[i]))
    return new SampleTable(
      this.names,
      this.fields.map(({ key, type }) => ({ key, type })),
      columns,
    )
  }
}
