// The exported matrix as Parquet (hyparquet-writer), one row group per block: a row per matrix
// column (allele or tile step), its labels and then one column per matrix row (sample or
// haplotype) named by the row's ROW label — the matrix transposed, as a columnar file streams it.
// Each row group is written to the file before the next block is read. Node-only.
import { open } from 'node:fs/promises'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { SchemaElement } from 'hyparquet'
import type { MatrixExport, MatrixSink } from './matrix.js'
import { blockByRow, fieldNames } from './matrix.js'

const CONVERTED = { int8: 'INT_8', int16: 'INT_16', int32: 'INT_32' } as const

export async function parquetSink(exp: MatrixExport, path: string): Promise<MatrixSink> {
  const names = fieldNames(exp)
  const labels = exp.columnFields.length
  const schema: SchemaElement[] = [
    { name: 'root', num_children: names.length },
    ...exp.columnFields.map((f): SchemaElement =>
      f.numeric
        ? { name: f.name, type: 'INT32', repetition_type: 'REQUIRED' }
        : { name: f.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    ),
    ...names.slice(labels).map((name): SchemaElement => ({
      name,
      type: 'INT32',
      converted_type: CONVERTED[exp.dtype],
      repetition_type: 'REQUIRED',
    })),
  ]
  const file = await open(path, 'w')
  // the writer's buffer goes to the file after every row group (hyparquet-writer awaits flush)
  const bytes = new ByteWriter()
  const flush = async () => {
    await file.write(new Uint8Array(bytes.buffer, 0, bytes.index))
    bytes.index = 0
  }
  const writer = new ParquetWriter({
    writer: Object.assign(bytes, { flush, finish: flush }),
    schema,
    statistics: false,
  })
  return {
    async write(block) {
      const byRow = blockByRow(block, exp.rows.rows.length, Int32Array)
      await writer.write({
        columnData: [
          ...exp.columnFields.map((_, j) => ({
            name: names[j]!,
            data: block.columns.map((c) => c[j]!),
          })),
          ...byRow.map((data, r) => ({ name: names[labels + r]!, data })),
        ],
        rowGroupSize: Math.max(1, block.columns.length),
      })
    },
    async close() {
      try {
        await writer.finish()
      } finally {
        await file.close()
      }
    },
    async abort() {
      await file.close()
    },
  }
}
