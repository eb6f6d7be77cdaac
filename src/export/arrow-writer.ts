// The exported matrix as an Arrow IPC file (apache-arrow's RecordBatchFileWriter), one record
// batch per block: a record per matrix column (allele or tile step), its labels and then one field
// per matrix row (sample or haplotype) named by the row's ROW label. A columnar file holds the
// matrix transposed: that is how it streams, and how VCF-like tables lay genotypes out. Node-only.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import {
  Field,
  Int8,
  Int16,
  Int32,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow'
import type { DataType } from 'apache-arrow'
import type { MatrixBlock, MatrixExport, MatrixSink } from './matrix.js'
import { blockByRow, fieldNames } from './matrix.js'

const VALUE_TYPE = { int8: () => new Int8(), int16: () => new Int16(), int32: () => new Int32() }

export async function arrowSink(exp: MatrixExport, path: string): Promise<MatrixSink> {
  const names = fieldNames(exp)
  const types: DataType[] = [
    ...exp.columnFields.map((f) => (f.numeric ? new Int32() : new Utf8())),
    ...exp.rows.rows.map(() => VALUE_TYPE[exp.dtype]()),
  ]
  const schema = new Schema(names.map((name, i) => new Field(name, types[i]!, false)))
  const labels = exp.columnFields.length
  const batch = (block: MatrixBlock) => {
    const n = block.columns.length
    const children = [
      ...exp.columnFields.map(
        (_, j) =>
          vectorFromArray(
            block.columns.map((c) => c[j]!),
            types[j]! as never,
          ).data[0]!,
      ),
      ...blockByRow(block, exp.rows.rows.length).map((values, r) =>
        makeData({ type: types[labels + r]! as Int8, length: n, data: values as Int8Array }),
      ),
    ]
    return new RecordBatch(
      schema,
      makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }),
    )
  }
  const writer = RecordBatchFileWriter.throughNode()
  const done = pipeline(writer, createWriteStream(path))
  done.catch(() => undefined) // reported by close() or abort()
  let empty = true
  return {
    async write(block) {
      empty = false
      if (!writer.write(batch(block))) await Promise.race([once(writer, 'drain'), done])
    },
    async close() {
      // a file without batches has no schema to read: write one empty batch
      if (empty) writer.write(batch({ columns: [], values: new Int8Array(0) }))
      writer.end()
      await done
    },
    async abort() {
      writer.destroy()
      await done.catch(() => undefined)
    },
  }
}
