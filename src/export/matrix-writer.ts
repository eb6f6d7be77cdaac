// `lightning-tiles export`: a matrix of a store written to a folder a notebook loads — the matrix
// (`matrix.npy`, `matrix.parquet` or `matrix.arrow`) with its labels beside it (`rows.csv`,
// `columns.csv`). The folder is built under a temporary name and renamed into place, so a failed
// or interrupted export leaves what was there. Node-only.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { buildDirectoryAtomic } from '../core/atomicWrite.js'
import { ArgumentError } from '../core/errors.js'
import type { Store } from '../store/Store.js'
import type { MatrixExport, MatrixExportOptions, MatrixKind, MatrixSink } from './matrix.js'
import { openMatrixExport } from './matrix.js'

export const EXPORT_FORMATS = ['npy', 'parquet', 'arrow'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportMatrixOptions extends MatrixExportOptions {
  format: ExportFormat
  /** the folder to write (replaced when it holds an earlier export) */
  dir: string
}

export interface ExportResult {
  kind: MatrixKind
  dtype: MatrixExport['dtype']
  rows: number
  columns: number
  /** the files written, relative to the folder */
  files: string[]
}

/** The files an export writes: a folder holding only these may be replaced. */
const EXPORT_FILES = new Set([
  'rows.csv',
  'columns.csv',
  ...EXPORT_FORMATS.map((f) => `matrix.${f}`),
])

/** One CSV record (RFC 4180: a field with a comma, quote or line break is quoted). */
export function csvRecord(fields: readonly (string | number)[]): string {
  return (
    fields
      .map((f) => {
        const s = String(f)
        return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
      })
      .join(',') + '\n'
  )
}

async function checkTarget(dir: string): Promise<void> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    if (err.code === 'ENOTDIR') throw new ArgumentError(`-o ${dir} is a file, not a folder`)
    throw err
  })
  const other = names.filter((n) => !EXPORT_FILES.has(n))
  if (other.length > 0)
    throw new ArgumentError(
      `-o ${dir} holds other files than an export's (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}): give a new or an export's folder`,
    )
}

async function openSink(
  exp: MatrixExport,
  format: ExportFormat,
  path: string,
): Promise<MatrixSink> {
  if (format === 'npy') return (await import('./npy-writer.js')).npySink(exp, path)
  if (format === 'parquet') return (await import('./parquet-writer.js')).parquetSink(exp, path)
  return (await import('./arrow-writer.js')).arrowSink(exp, path)
}

/** Write the matrix `opts.kind` of `store` over `opts.regions` to the folder `opts.dir`. */
export async function exportMatrix(store: Store, opts: ExportMatrixOptions): Promise<ExportResult> {
  await checkTarget(opts.dir)
  const exp = await openMatrixExport(store, opts)
  return buildDirectoryAtomic(opts.dir, async (tmp) => {
    const rowsCsv = createWriteStream(join(tmp, 'rows.csv'))
    rowsCsv.write(csvRecord(exp.rows.fields.map((f) => f.name)))
    for (const row of exp.rows.rows)
      if (!rowsCsv.write(csvRecord(row))) await once(rowsCsv, 'drain')
    rowsCsv.end()
    await finished(rowsCsv)

    const columnsCsv = createWriteStream(join(tmp, 'columns.csv'))
    columnsCsv.write(csvRecord(exp.columnFields.map((f) => f.name)))
    const matrix = `matrix.${opts.format}`
    const sink = await openSink(exp, opts.format, join(tmp, matrix))
    let columns = 0
    try {
      for await (const block of exp.blocks) {
        await sink.write(block)
        columns += block.columns.length
        if (!columnsCsv.write(block.columns.map(csvRecord).join('')))
          await once(columnsCsv, 'drain')
      }
      await sink.close()
    } catch (err) {
      await sink.abort()
      columnsCsv.destroy()
      throw err
    }
    columnsCsv.end()
    await finished(columnsCsv)
    return {
      kind: exp.kind,
      dtype: exp.dtype,
      rows: exp.rows.rows.length,
      columns,
      files: [matrix, 'rows.csv', 'columns.csv'],
    }
  })
}
