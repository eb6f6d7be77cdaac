// `lightning-tiles export`: a matrix of a store written to a folder a notebook loads — the matrix
// (`matrix.npy`, `matrix.parquet` or `matrix.arrow`) with its labels beside it (`rows.csv`,
// `columns.csv`). The folder is built under a temporary name and renamed into place, so a failed
// or interrupted export leaves what was there. Node-only.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { format } from '@fast-csv/format'
import { buildDirectoryAtomic } from '../core/atomicWrite.js'
import { ArgumentError } from '../core/errors.js'
import type { Store } from '../store/Store.js'
import type { MatrixExport, MatrixExportOptions, MatrixKind, MatrixSink } from './matrix.js'
import { openMatrixExport } from './matrix.js'

type Field = string | number

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

/** A CSV file written row by row (@fast-csv/format: a field with a comma, quote or newline is quoted). */
function csvFile(path: string) {
  const csv = format<Field[], Field[]>({ includeEndRowDelimiter: true })
  const done = pipeline(csv, createWriteStream(path))
  done.catch(() => undefined) // reported by end()
  return {
    async write(row: Field[]): Promise<void> {
      if (!csv.write(row)) await Promise.race([once(csv, 'drain'), done])
    },
    end(): Promise<void> {
      csv.end()
      return done
    },
    destroy(): void {
      csv.destroy()
    },
  }
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
    const rowsCsv = csvFile(join(tmp, 'rows.csv'))
    await rowsCsv.write(exp.rows.fields.map((f) => f.name))
    for (const row of exp.rows.rows) await rowsCsv.write(row)
    await rowsCsv.end()

    const columnsCsv = csvFile(join(tmp, 'columns.csv'))
    await columnsCsv.write(exp.columnFields.map((f) => f.name))
    const matrix = `matrix.${opts.format}`
    const sink = await openSink(exp, opts.format, join(tmp, matrix))
    let columns = 0
    try {
      for await (const block of exp.blocks) {
        await sink.write(block)
        columns += block.columns.length
        for (const c of block.columns) await columnsCsv.write(c)
      }
      await sink.close()
    } catch (err) {
      await sink.abort()
      columnsCsv.destroy()
      throw err
    }
    await columnsCsv.end()
    return {
      kind: exp.kind,
      dtype: exp.dtype,
      rows: exp.rows.rows.length,
      columns,
      files: [matrix, 'rows.csv', 'columns.csv'],
    }
  })
}
