// A NumPy .npy file (format version 1.0) written a block of columns at a time. Hand-written: the
// format is a 10-byte preamble, a Python dict literal and the raw array, and no maintained npm
// package streams it (they take the whole array). The blocks come column-major, so the file says
// fortran_order: True and numpy.load gives the rows × columns array as it is, with no transpose.
// The shape is known only at the end: the header is written with room for any shape and rewritten
// in place when the file is closed. Node-only.
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { endianness } from 'node:os'
import type { MatrixDtype, MatrixExport, MatrixSink, MatrixValues } from './matrix.js'

const MAGIC = [0x93, ...Buffer.from('NUMPY'), 1, 0]
/** numpy aligns the data to 64 bytes (the spec asks 16; 64 suits memory mapping). */
const ALIGN = 64
const DESCR: Record<MatrixDtype, string> = { int8: '|i1', int16: '<i2', int32: '<i4' }

/** The preamble and header of an array of `shape`, padded to `length` bytes (or the least that fits). */
export function npyHeader(dtype: MatrixDtype, shape: [number, number], length?: number): Buffer {
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': True, 'shape': (${shape[0]}, ${shape[1]}), }`
  const least = Math.ceil((MAGIC.length + 2 + dict.length + 1) / ALIGN) * ALIGN
  const total = length ?? least
  if (total < least) throw new RangeError(`an npy header of ${least} bytes does not fit ${total}`)
  const text = dict.padEnd(total - MAGIC.length - 2 - 1, ' ') + '\n'
  const head = Buffer.alloc(total)
  head.set(MAGIC)
  head.writeUInt16LE(text.length, MAGIC.length)
  head.write(text, MAGIC.length + 2, 'latin1')
  return head
}

/** The widest header: room for any shape a file can have. */
const RESERVED = (dtype: MatrixDtype) =>
  npyHeader(dtype, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]).length

export class NpyWriter {
  private columns = 0
  private at: number

  private constructor(
    private readonly file: FileHandle,
    private readonly dtype: MatrixDtype,
    private readonly rows: number,
  ) {
    this.at = RESERVED(dtype)
  }

  /** A new file at `path` for a matrix of `rows` rows (its columns come by `append`). */
  static async create(path: string, dtype: MatrixDtype, rows: number): Promise<NpyWriter> {
    // typed arrays have the platform's byte order, and the header says little-endian
    if (endianness() !== 'LE') throw new Error('npy export needs a little-endian machine')
    return new NpyWriter(await open(path, 'w'), dtype, rows)
  }

  /** Append `columns` whole columns: `values` holds them one after another (column-major). */
  async append(values: MatrixValues, columns: number): Promise<void> {
    if (values.length !== columns * this.rows)
      throw new RangeError(
        `${values.length} values are not ${columns} columns of ${this.rows} rows`,
      )
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
    await this.file.write(bytes, 0, bytes.length, this.at)
    this.at += bytes.length
    this.columns += columns
  }

  /** Write the header with the final shape and close the file. */
  async close(): Promise<void> {
    try {
      const head = npyHeader(this.dtype, [this.rows, this.columns], RESERVED(this.dtype))
      await this.file.write(head, 0, head.length, 0)
    } finally {
      await this.file.close()
    }
  }

  /** Close without a valid header (the caller removes the file). */
  async abort(): Promise<void> {
    await this.file.close()
  }
}

/** The matrix as one rows × columns array in `path`. */
export async function npySink(exp: MatrixExport, path: string): Promise<MatrixSink> {
  const writer = await NpyWriter.create(path, exp.dtype, exp.rows.rows.length)
  return {
    write: (block) => writer.append(block.values, block.columns.length),
    close: () => writer.close(),
    abort: () => writer.abort(),
  }
}
