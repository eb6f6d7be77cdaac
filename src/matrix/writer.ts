// Node-only: the streaming writer of a cohort matrix file (docs/cohort-matrix.md). Rows arrive in
// step order and leave as compressed chunks, so memory holds one chunk and two orders, never the
// matrix.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { BgzfEncoder } from '../container/bgzf/writer.js'
import { crc32 } from '../container/bgzf/reader.js'
import { createAtomicWriteStream } from '../core/atomicWrite.js'
import type { AtomicStream } from '../core/atomicWrite.js'
import { ArgumentError } from '../core/errors.js'
import { concatBytes } from '../core/bytes.js'
import {
  ByteSink,
  MATRIX_HEADER_LENGTH,
  MATRIX_MAGIC,
  MATRIX_MAX_DIMENSION,
  MATRIX_TRAILER_LENGTH,
  MATRIX_VERSION,
  encodeIndex,
  pushVarint,
} from './format.js'
import type { MatrixChunk } from './format.js'
import { PbwtEncoder, encodeOrder } from './pbwt.js'

/**
 * Rows between checkpoints (full orders): a first decode walks from the nearer one, at most half
 * of this. The densest multiple of 1,024 that keeps the 20,000-sample cohort's genotypes under
 * half of BGT's `.pbf` with a margin (0.47×; 2,048 rows: 0.50×), measured on the 300-sample
 * testdata and the simulated 5,000 and 20,000-sample cohorts (benchmarks/RESULTS.md, "Cohort
 * matrix"; docs/cohort-matrix.md, "Choosing K").
 */
export const DEFAULT_CHECKPOINT_ROWS = 3072
/** Inflated bytes after which a chunk is closed: one BGZF block's worth. */
export const DEFAULT_CHUNK_BYTES = 0xff00

export interface MatrixWriterOptions {
  /** tile path the rows are steps of */
  path: number
  /** columns (haplotypes) of every row */
  haplotypes: number
  /** rows between checkpoints */
  checkpointRows?: number
  /** inflated bytes after which a chunk is closed */
  chunkBytes?: number
  /** zlib level of the BGZF blocks */
  level?: number
}

/** One row's no-call runs: (haplotype, flat [start, length, …] offsets inside the tile) pairs. */
export type RowNocalls = Iterable<readonly [number, ArrayLike<number>]>

/** Encodes rows into chunks and hands every finished piece of the file to `emit`. */
class MatrixEncoder {
  private readonly pbwt: PbwtEncoder
  private readonly bgzf: BgzfEncoder
  private readonly checkpointRows: number
  private readonly chunkBytes: number
  private readonly chunks: MatrixChunk[] = []
  private readonly order = new ByteSink()
  private readonly nocalls = new ByteSink()
  private readonly rowBytes = new ByteSink(1 << 16)
  /** rows in the open chunk, and whether it starts with a checkpoint */
  private chunkRows = 0
  private chunkCheckpoint = false
  private lastNocallRow = 0
  private offset = MATRIX_HEADER_LENGTH
  rows = 0

  constructor(
    readonly opts: MatrixWriterOptions,
    private readonly emit: (parts: Uint8Array[]) => Promise<void>,
  ) {
    const { path, haplotypes } = opts
    if (!(Number.isInteger(path) && path >= 0 && path <= 0xffff))
      throw new ArgumentError(`tile path ${path} is not in 0..0xffff`)
    if (!(Number.isInteger(haplotypes) && haplotypes >= 0 && haplotypes <= MATRIX_MAX_DIMENSION))
      throw new ArgumentError(`haplotype count ${haplotypes} is not a non-negative integer`)
    this.checkpointRows = opts.checkpointRows ?? DEFAULT_CHECKPOINT_ROWS
    this.chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES
    if (!(Number.isInteger(this.checkpointRows) && this.checkpointRows > 0))
      throw new ArgumentError(`checkpointRows ${this.checkpointRows} is not a positive integer`)
    if (!(Number.isInteger(this.chunkBytes) && this.chunkBytes > 0))
      throw new ArgumentError(`chunkBytes ${this.chunkBytes} is not a positive integer`)
    this.pbwt = new PbwtEncoder(haplotypes)
    this.bgzf = new BgzfEncoder(opts.level === undefined ? {} : { level: opts.level })
  }

  header(): Uint8Array {
    const h = new Uint8Array(MATRIX_HEADER_LENGTH)
    h.set(MATRIX_MAGIC)
    h[4] = MATRIX_VERSION
    return h
  }

  async addRow(values: ArrayLike<number>, nocalls?: RowNocalls): Promise<void> {
    const entries = nocalls ? this.checkNocalls(nocalls) : []
    if (this.rows === MATRIX_MAX_DIMENSION)
      throw new ArgumentError(`a matrix holds at most ${MATRIX_MAX_DIMENSION} rows`)
    if (this.chunkRows === 0) {
      this.chunkCheckpoint = this.rows % this.checkpointRows === 0
      if (this.chunkCheckpoint) encodeOrder(this.pbwt.currentOrder(), this.order)
      this.lastNocallRow = 0
    }
    this.pbwt.encodeRow(values, this.rowBytes)
    this.writeNocalls(entries)
    this.rows++
    this.chunkRows++
    // the order of a checkpoint does not count: chunks hold about `chunkBytes` of rows at any H
    const full = this.nocalls.length + this.rowBytes.length >= this.chunkBytes
    if (full || this.rows % this.checkpointRows === 0) await this.closeChunk()
  }

  /** Sorted, validated (haplotype, runs) pairs; empty run lists dropped. */
  private checkNocalls(nocalls: RowNocalls): [number, ArrayLike<number>][] {
    const row = this.rows
    const entries: [number, ArrayLike<number>][] = []
    for (const [hap, runs] of nocalls) {
      if (!(Number.isInteger(hap) && hap >= 0 && hap < this.opts.haplotypes))
        throw new ArgumentError(`row ${row}: no-call haplotype ${hap} is not a column`)
      if (runs.length % 2 !== 0)
        throw new ArgumentError(`row ${row}, haplotype ${hap}: no-calls need (start, length) pairs`)
      for (let i = 0; i < runs.length; i++) {
        const x = runs[i]!
        if (!(Number.isSafeInteger(x) && x >= 0))
          throw new ArgumentError(`row ${row}, haplotype ${hap}: no-call offset ${x} is negative`)
      }
      if (runs.length > 0) entries.push([hap, runs])
    }
    entries.sort((a, b) => a[0] - b[0])
    for (let i = 1; i < entries.length; i++)
      if (entries[i]![0] === entries[i - 1]![0])
        throw new ArgumentError(`row ${row}: haplotype ${entries[i]![0]} has two no-call lists`)
    return entries
  }

  private writeNocalls(entries: [number, ArrayLike<number>][]): void {
    const out = this.nocalls
    const row = this.chunkRows
    let prev = -1
    for (const [hap, runs] of entries) {
      pushVarint(out, prev < 0 ? row - this.lastNocallRow : 0)
      pushVarint(out, prev < 0 ? hap : hap - prev - 1)
      pushVarint(out, runs.length / 2)
      for (let i = 0; i < runs.length; i++) pushVarint(out, runs[i]!)
      prev = hap
    }
    if (entries.length > 0) this.lastNocallRow = row
  }

  private async closeChunk(): Promise<void> {
    if (this.chunkRows === 0) return
    const lengthBytes = new ByteSink(8)
    pushVarint(lengthBytes, this.nocalls.length)
    const parts = [this.order.view(), lengthBytes.view(), this.nocalls.view(), this.rowBytes.view()]
    const blocks: Uint8Array[] = []
    for (const p of parts) blocks.push(...this.bgzf.push(p))
    blocks.push(...this.bgzf.flush())
    let compressedLength = 0
    for (const b of blocks) compressedLength += b.length
    this.chunks.push({
      firstRow: this.rows - this.chunkRows,
      rows: this.chunkRows,
      checkpoint: this.chunkCheckpoint,
      offset: this.offset,
      compressedLength,
      payloadLength: parts.reduce((s, p) => s + p.length, 0),
    })
    this.offset += compressedLength
    this.order.clear()
    this.nocalls.clear()
    this.rowBytes.clear()
    this.chunkRows = 0
    await this.emit(blocks)
  }

  /** Close the last chunk and emit the index and the trailer. */
  async finish(): Promise<void> {
    await this.closeChunk()
    const index = encodeIndex({
      path: this.opts.path,
      rows: this.rows,
      haplotypes: this.opts.haplotypes,
      chunks: this.chunks,
    })
    const trailer = new Uint8Array(MATRIX_TRAILER_LENGTH)
    const view = new DataView(trailer.buffer)
    view.setUint32(0, index.length, true)
    view.setUint32(4, crc32(index), true)
    trailer.set(MATRIX_MAGIC, 8)
    trailer[12] = MATRIX_VERSION
    await this.emit([index, trailer])
  }
}

async function writeAll(stream: Writable, parts: Uint8Array[]): Promise<void> {
  for (const p of parts) if (!stream.write(p)) await once(stream, 'drain')
}

/**
 * Writes a cohort matrix file row by row: to a temporary file beside `target`, renamed into place
 * by `close()`; `abort()` (or any failure in `close`) leaves what was at `target` untouched.
 */
export class MatrixWriter {
  private constructor(
    private readonly out: AtomicStream,
    private readonly encoder: MatrixEncoder,
  ) {}

  static async create(target: string, opts: MatrixWriterOptions): Promise<MatrixWriter> {
    const out = createAtomicWriteStream(target)
    const encoder = new MatrixEncoder(opts, (parts) => writeAll(out.stream, parts))
    try {
      await writeAll(out.stream, [encoder.header()])
    } catch (err) {
      await out.abort()
      throw err
    }
    return new MatrixWriter(out, encoder)
  }

  /** Rows written so far. */
  get rows(): number {
    return this.encoder.rows
  }

  /**
   * Append the next row: `values[h]` is haplotype h's tile-variant number at this step (−1 for a
   * non-anchor step of a spanning tile); `nocalls` lists the haplotypes with no-call runs.
   */
  addRow(values: ArrayLike<number>, nocalls?: RowNocalls): Promise<void> {
    return this.encoder.addRow(values, nocalls)
  }

  async close(): Promise<void> {
    try {
      await this.encoder.finish()
      await this.out.commit()
    } catch (err) {
      await this.out.abort()
      throw err
    }
  }

  abort(): Promise<void> {
    return this.out.abort()
  }
}

/** One row for `encodeMatrix`. */
export interface MatrixRow {
  values: ArrayLike<number>
  nocalls?: RowNocalls
}

/** The bytes of a whole matrix file, in memory (tests, benchmarks, small matrices). */
export async function encodeMatrix(
  rows: Iterable<MatrixRow>,
  opts: MatrixWriterOptions,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const encoder = new MatrixEncoder(opts, async (p) => {
    parts.push(...p)
  })
  parts.push(encoder.header())
  for (const row of rows) await encoder.addRow(row.values, row.nocalls)
  await encoder.finish()
  return concatBytes(parts)
}
