// Reads a cohort matrix file (docs/cohort-matrix.md) over any GenericFilehandle: Node, browser,
// HTTP range requests. A step range costs the index (read once) and one ranged read from the
// nearest checkpoint before it to the end of the range.
import { bgzfBlockAt, crc32, inflateBgzfBlocks } from '../container/bgzf/reader.js'
import type { BgzfBlockInfo } from '../container/bgzf/reader.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { Lru } from '../core/lru.js'
import { partitionPoint } from '../core/search.js'
import {
  ByteCursor,
  MATRIX_HEADER_LENGTH,
  MATRIX_MAGIC,
  MATRIX_TRAILER_LENGTH,
  MATRIX_VERSION,
  parseIndex,
} from './format.js'
import type { MatrixChunk, MatrixIndex } from './format.js'
import {
  FullDecoder,
  MinorityTracer,
  OffCommon,
  RowRuns,
  SubsetDecoder,
  TallyDecoder,
  chunkRunsBytes,
  decodeChunkRuns,
  decodeOrder,
  orderArray,
  orderBefore,
  orderWidth,
} from './pbwt.js'
import type { ChunkRuns, OrderArray, TallyClasses } from './pbwt.js'
import { indices, isIndices } from '../core/indices.js'

/** No-call runs of one decoded cell. */
export interface MatrixNocall {
  row: number
  /** index into the slice's `haplotypes` */
  column: number
  /** flat [start, length, …] offsets inside the tile */
  runs: number[]
}

/** Decoded rows [start, start + rows) of some haplotypes. */
export interface MatrixSlice {
  start: number
  rows: number
  /** the haplotype (matrix column) of each output column */
  haplotypes: Int32Array
  /**
   * row-major values: the value of row `start + r`, column `i` is `values[r * haplotypes.length + i]`
   * (a tally's counts instead: rows of `count × symbols`, see SliceOptions.tally)
   */
  values: Int32Array
  /** every no-call list of the decoded cells, by row then column */
  nocalls: MatrixNocall[]
  /**
   * Where every haplotype was decoded (no subset, one segment): per row r, the value most hold
   * (`common[r]`) and the columns holding another, as runs of one value: runs `runs[r]` …
   * `runs[r + 1] − 1`, run k holding `value[k]` at columns `columns[end[k − 1]] …
   * columns[end[k] − 1]` (from 0 for the first). A wide row's rare values are found without a scan.
   */
  sparse?:
    | {
        common: Int32Array
        runs: Int32Array
        value: Int32Array
        end: Int32Array
        columns: Int32Array
      }
    | undefined
}

export interface MatrixInfo {
  path: number
  rows: number
  haplotypes: number
}

export interface DecodeOptions extends AbortOptions {
  /** first row (default 0) */
  start?: number
  /** end row, exclusive (default: all rows) */
  end?: number
  /** the haplotypes to decode, in output order (distinct; default: all, in order) */
  haplotypes?: ArrayLike<number>
  /**
   * At these rows only which class each value falls in matters (`classes.get(row)[value]`; values
   * past the array, and −1, are class 0), at the other rows of the range only their no-call
   * entries: a caller that looks tile variants up in a table of marks (src/alleles/records.ts).
   * A decode of every haplotype may then trace back only those off each row's largest class
   * (MinorityTracer) and give the rest the value their class most holds, not their own. Ignored
   * when the rows hold no-call entries (their tiles are looked at, so every value is needed).
   */
  classes?: ReadonlyMap<number, ArrayLike<number>> | undefined
}

export interface SliceOptions extends DecodeOptions {
  /** rows per yielded slice (default: about a million values per slice) */
  sliceRows?: number
  /**
   * Yield every slice in one values buffer: each slice is valid until the next is asked for. Saves
   * the allocation and the first touch of fresh memory, which cost more than decoding.
   */
  reuse?: boolean
  /**
   * Count instead of decode (TallyDecoder): each row of `values` is `count × symbols` counts of
   * the haplotypes of each class holding each value, `[class × symbols + value + 1]`; `classOf`
   * covers every haplotype of the matrix and `haplotypes` must be left out (no-calls come for all).
   */
  tally?: TallyClasses | undefined
}

/**
 * The PBWT order met at a row on an earlier walk: where a later decode may start instead of the
 * file's checkpoint (the order before `row` is decoded, whose runs start at byte `at` of the
 * payload of chunk `chunk`).
 */
export interface CachedOrder {
  row: number
  chunk: number
  at: number
  order: OrderArray
}

/**
 * Orders kept by walks, shared by a store's matrix readers (keys name the file and the row),
 * weighed in bytes: denser checkpoints in memory, so that a query near one asked before walks at
 * most ORDER_STRIDE rows instead of up to the file's checkpoint spacing. Files keep checkpoints
 * sparse because each costs about log2 H bits per haplotype (benchmarks/RESULTS.md).
 */
export type OrderCache = Lru<string, CachedOrder>

/** A known order after the rows asked: a kept one, or the checkpoint of chunk `chunk` (no `order`). */
type OrderAfter = Pick<CachedOrder, 'row' | 'chunk'> & { order?: OrderArray | undefined }

/** What `runsUntil` read besides the runs: where each row's runs are, by `row − start`. */
interface RunsRead {
  order: OrderArray
  /** the columns the no-call entries name: every haplotype, in order (none without asked rows) */
  columns: Int32Array
  nocalls: MatrixNocall[]
  rowChunk: Int32Array
  rowAt: Int32Array
}

/**
 * Chunks' runs decoded into arrays (ChunkRuns), shared by a store's matrix readers (keys name the
 * file and the chunk), weighed in bytes: a subset walk through a chunk a second time reads them
 * instead of the chunk's bytes.
 */
export type RunCache = Lru<string, ChunkRuns>

export interface MatrixReaderOptions {
  /** orders met on walks, kept for later decodes (none kept without it) */
  orders?: OrderCache | undefined
  /** chunks' runs decoded by subset walks, kept for later ones (none kept without it) */
  runs?: RunCache | undefined
  /** rows between the orders kept (default ORDER_STRIDE) */
  orderStride?: number | undefined
}

/** What every reader of a path's genotypes offers: one file, or several segments side by side. */
export interface CohortMatrix {
  info(opts?: AbortOptions): Promise<MatrixInfo>
  /** Rows [start, end) of the chosen haplotypes, in one slice. */
  decode(opts?: DecodeOptions): Promise<MatrixSlice>
  /** The same, in consecutive slices of `sliceRows` rows (bounded memory over a whole path). */
  slices(opts?: SliceOptions): AsyncGenerator<MatrixSlice>
}

/** Bytes read from the end of the file when it is opened (trailer and, usually, the index). */
const TAIL_READ = 1 << 16
/** Inflated chunks kept (each about 64 KiB, plus an order at checkpoints). */
const CHUNK_CACHE = 64
/** Compressed bytes fetched by one read while walking a long range. */
const READ_BATCH = 1 << 22
/** Below H / GATHER_RATIO chosen haplotypes, follow them through the runs; above, decode all. */
const GATHER_RATIO = 16
/** Rows per slice when the caller does not say: about a million values (4 MiB). */
export function defaultSliceRows(columns: number): number {
  return Math.max(1, Math.floor(2 ** 20 / Math.max(columns, 1)))
}

/** Rows between the orders a walk keeps in the order cache. */
export const ORDER_STRIDE = 256

/** Decodes one row into an output row, whatever the strategy. */
interface RowDecoder {
  reset(order: OrderArray): void
  row(c: ByteCursor, row: number, out: Int32Array | undefined, base: number): void
  /** the order of the next row, where the decoder follows every haplotype (a view) */
  currentOrder?(): OrderArray
}

/** Many haplotypes but not all: decode every haplotype into a scratch row and pick columns. */
class GatherDecoder implements RowDecoder {
  private readonly full: FullDecoder
  private readonly scratch: Int32Array

  constructor(
    haplotypes: number,
    private readonly columns: Int32Array,
  ) {
    this.full = new FullDecoder(haplotypes)
    this.scratch = new Int32Array(haplotypes)
  }

  reset(order: OrderArray): void {
    this.full.reset(order)
  }

  currentOrder(): OrderArray {
    return this.full.currentOrder()
  }

  row(c: ByteCursor, row: number, out: Int32Array | undefined, base: number): void {
    if (!out) {
      this.full.row(c, row, undefined, 0)
      return
    }
    const s = this.scratch
    this.full.row(c, row, s, 0)
    const cols = this.columns
    for (let i = 0; i < cols.length; i++) out[base + i] = s[cols[i]!]!
  }
}

export class MatrixReader implements CohortMatrix {
  private indexPromise: Promise<MatrixIndex> | undefined
  private readonly payloads = new Lru<number, Uint8Array>(CHUNK_CACHE)

  private readonly orders: OrderCache | undefined
  private readonly runs: RunCache | undefined
  /** chunks a subset walk has passed through (their runs are decoded on the second) */
  private readonly walked = new Set<number>()
  /** chunks with a symbol too large for ChunkRuns: always walked from their bytes */
  private readonly bytesOnly = new Set<number>()
  private readonly stride: number
  /** checkpoint chunks a decode has traced from (MatrixReader.traced), with no order kept */
  private readonly traces = new Set<number>()

  constructor(
    readonly file: NamedFile,
    opts: MatrixReaderOptions = {},
  ) {
    this.orders = opts.orders
    this.runs = opts.runs
    this.stride = opts.orderStride ?? ORDER_STRIDE
    if (!(Number.isInteger(this.stride) && this.stride > 0))
      throw new ArgumentError(`orderStride ${this.stride} is not a positive integer`)
  }

  /** The cached order nearest before `start`, past the checkpoint row `from` (none: undefined). */
  private cachedOrder(from: number, start: number): CachedOrder | undefined {
    if (!this.orders) return undefined
    for (let row = start - (start % this.stride); row > from; row -= this.stride) {
      const hit = this.orders.get(`${this.file.name}#${row}`)
      if (hit) return hit
    }
    return undefined
  }

  /** Whether a walk keeps the order before row `r` of `chunk` (a checkpoint's is in the file). */
  private keepsOrderAt(r: number, chunk: MatrixChunk): boolean {
    return r % this.stride === 0 && !(chunk.checkpoint && r === chunk.firstRow)
  }

  /** Keep the order before row `row` (runs at byte `at` of chunk `chunk`), unless kept already. */
  private keepOrder(row: number, chunk: number, at: number, order: OrderArray): void {
    const key = `${this.file.name}#${row}`
    if (this.orders!.peek(key)) return
    this.orders!.set(key, { row, chunk, at, order: order.slice() }, order.byteLength)
  }

  private fail(reason: string, offset: number): FormatError {
    return new FormatError(reason, { file: this.file.name, offset })
  }

  /** The index (read once; a failed read is retried on the next call). */
  index(opts: AbortOptions = {}): Promise<MatrixIndex> {
    if (!this.indexPromise) {
      this.indexPromise = this.readIndex(opts)
      this.indexPromise.catch(() => (this.indexPromise = undefined))
    }
    return this.indexPromise
  }

  async info(opts: AbortOptions = {}): Promise<MatrixInfo> {
    const { path, rows, haplotypes } = await this.index(opts)
    return { path, rows, haplotypes }
  }

  private async readIndex(opts: AbortOptions): Promise<MatrixIndex> {
    const signal = opts.signal ? { signal: opts.signal } : {}
    checkAbort(opts.signal)
    // the header first: over HTTP its response also tells the size, so stat() costs nothing
    const head = await this.file.handle.read(MATRIX_HEADER_LENGTH, 0, signal)
    if (head.length < MATRIX_HEADER_LENGTH || !MATRIX_MAGIC.every((b, i) => head[i] === b))
      throw this.fail('not a cohort matrix: the file does not start with "LTCM"', 0)
    if (head[4] !== MATRIX_VERSION || head[5] || head[6] || head[7])
      throw this.fail(
        `unsupported cohort matrix version ${head[4]} (expected ${MATRIX_VERSION})`,
        4,
      )
    const { size } = await this.file.handle.stat()
    const min = MATRIX_HEADER_LENGTH + MATRIX_TRAILER_LENGTH
    if (size < min)
      throw this.fail(`the file has ${size} bytes, a cohort matrix at least ${min}`, size)
    const tailStart = Math.max(MATRIX_HEADER_LENGTH, size - TAIL_READ)
    let tail = await this.file.handle.read(size - tailStart, tailStart, signal)
    if (tail.length !== size - tailStart) throw this.fail('short read of the trailer', tailStart)
    const trailerAt = size - MATRIX_TRAILER_LENGTH
    const trailer = tail.subarray(trailerAt - tailStart)
    const view = new DataView(trailer.buffer, trailer.byteOffset, trailer.byteLength)
    const indexLength = view.getUint32(0, true)
    const indexCrc = view.getUint32(4, true)
    const tag = trailer.subarray(8)
    if (
      !MATRIX_MAGIC.every((b, i) => tag[i] === b) ||
      tag[4] !== MATRIX_VERSION ||
      tag[5] ||
      tag[6] ||
      tag[7]
    )
      throw this.fail(
        `the trailer does not end with "LTCM" and version ${MATRIX_VERSION} (truncated file?)`,
        trailerAt,
      )
    const indexAt = trailerAt - indexLength
    if (indexAt < MATRIX_HEADER_LENGTH)
      throw this.fail(`index length ${indexLength} reaches before the header`, trailerAt)
    if (indexAt < tailStart) {
      checkAbort(opts.signal)
      tail = await this.file.handle.read(trailerAt - indexAt, indexAt, signal)
      if (tail.length !== indexLength) throw this.fail('short read of the index', indexAt)
    } else tail = tail.subarray(indexAt - tailStart, trailerAt - tailStart)
    if (crc32(tail) !== indexCrc) throw this.fail('the index does not match its CRC-32', indexAt)
    return parseIndex(tail, this.file.name, indexAt)
  }

  /**
   * A chunk's payload opened: a checkpoint's order read when `readOrder` (else stepped over), its
   * no-call entries of rows [start, end) in the columns of `columnOf`, and the cursor at its first
   * row's runs.
   */
  private openChunk(
    payload: Uint8Array,
    chunk: MatrixChunk,
    h: number,
    readOrder: boolean,
    start: number,
    end: number,
    columnOf: Int32Array,
  ): { cursor: ByteCursor; order: OrderArray | undefined; nocalls: MatrixNocall[] } {
    const c = new ByteCursor(payload, this.file.name, chunk.offset)
    let order: OrderArray | undefined
    if (chunk.checkpoint) {
      if (readOrder) decodeOrder(c, (order = orderArray(h)))
      else {
        c.at += orderWidth(h) * h
        if (c.at > c.end) throw c.fail('the checkpoint order runs past the payload', 0)
      }
    }
    const nocallBytes = c.varint('no-call section length')
    if (nocallBytes > c.end - c.at) throw c.fail('the no-call section runs past the payload')
    const rowsAt = c.at + nocallBytes
    const nocalls =
      chunk.firstRow + chunk.rows > start
        ? readNocalls(c, rowsAt, chunk, h, start, end, columnOf)
        : []
    c.at = rowsAt
    return { cursor: c, order, nocalls }
  }

  /** The inflated payloads of chunks first..last, read in as few ranged reads as the cache allows. */
  private async *chunkPayloads(
    index: MatrixIndex,
    first: number,
    last: number,
    opts: AbortOptions,
  ): AsyncGenerator<Uint8Array> {
    for (let i = first; i <= last;) {
      const cached = this.payloads.get(i)
      if (cached) {
        yield cached
        i++
        continue
      }
      // one read for the uncached chunks from i on, up to READ_BATCH bytes
      let j = i
      const start = index.chunks[i]!.offset
      while (
        j < last &&
        !this.payloads.get(j + 1) &&
        index.chunks[j + 1]!.offset + index.chunks[j + 1]!.compressedLength - start <= READ_BATCH
      )
        j++
      const batch = await this.readChunks(index.chunks.slice(i, j + 1), opts)
      // all kept before any is yielded: a caller that stops early (a walk back) leaves the rest
      // for the walk after it
      batch.forEach((payload, k) => this.payloads.set(i + k, payload))
      for (const payload of batch) {
        i++
        yield payload
      }
    }
  }

  private async readChunks(chunks: MatrixChunk[], opts: AbortOptions): Promise<Uint8Array[]> {
    checkAbort(opts.signal)
    const first = chunks[0]!
    const lastChunk = chunks[chunks.length - 1]!
    const length = lastChunk.offset + lastChunk.compressedLength - first.offset
    const buf = await this.file.handle.read(
      length,
      first.offset,
      opts.signal ? { signal: opts.signal } : {},
    )
    if (buf.length !== length)
      throw this.fail(`short read: ${buf.length} of ${length} bytes of chunks`, first.offset)
    const blocks: BgzfBlockInfo[] = []
    let at = 0
    for (const chunk of chunks) {
      const end = chunk.offset + chunk.compressedLength - first.offset
      while (at < end) {
        const block = bgzfBlockAt(buf, at, this.file.name, first.offset)
        if (!block || at + block.size > end)
          throw this.fail(
            `a BGZF block crosses the end of the chunk at ${first.offset + end}`,
            first.offset + at,
          )
        blocks.push(block)
        at += block.size
      }
    }
    const inflated = await inflateBgzfBlocks(buf, blocks, this.file.name, first.offset)
    const out: Uint8Array[] = []
    let u = 0
    for (const chunk of chunks) {
      if (u + chunk.payloadLength > inflated.length)
        throw this.fail(
          `the chunk inflates to fewer than the ${chunk.payloadLength} bytes its index entry says`,
          chunk.offset,
        )
      out.push(inflated.subarray(u, u + chunk.payloadLength))
      u += chunk.payloadLength
    }
    if (u !== inflated.length)
      throw this.fail(
        `the chunks inflate to ${inflated.length} bytes, the index says ${u}`,
        first.offset,
      )
    return out
  }

  /**
   * Rows [start, end) of every haplotype, by tracing the positions of their values off the
   * majority back to the known order (MinorityTracer) when they are few enough, else by walking
   * the runs read for the trace. Reads the same chunks as a walk; undefined when the rows hold
   * more runs than a trace keeps (the caller walks).
   */
  private async traced(
    index: MatrixIndex,
    first: number,
    last: number,
    resume: CachedOrder | undefined,
    start: number,
    end: number,
    opts: Pick<SliceOptions, 'signal' | 'classes'>,
  ): Promise<MatrixSlice | undefined> {
    const h = index.haplotypes
    const { chunks } = index
    const from = resume ? resume.row : chunks[first]!.firstRow
    // a known order after the asked rows (kept, or the next checkpoint's), when fewer rows lie
    // between: trace ahead to it
    const after = this.orderAfter(index, end - 1, last)
    if (after && after.row - start < end - from)
      return this.tracedAhead(index, after, last, start, end, opts)
    const tracer = new MinorityTracer(h, from, start, end)
    const identity = indices(h)
    // where each row's runs are (for the orders a walk keeps)
    const rowChunk = new Int32Array(end - from)
    const rowAt = new Int32Array(end - from)
    let order = resume?.order
    let nocalls: MatrixNocall[] = []
    let i = first
    for await (const payload of this.chunkPayloads(index, first, last, opts)) {
      checkAbort(opts.signal)
      const chunk = chunks[i]!
      const opened = this.openChunk(payload, chunk, h, i === first && !resume, start, end, identity)
      const c = opened.cursor
      order ??= opened.order
      nocalls = nocalls.concat(opened.nocalls)
      if (i === first && resume) c.at = resume.at
      const stop = Math.min(end, chunk.firstRow + chunk.rows)
      for (let r = Math.max(from, chunk.firstRow); r < stop; r++) {
        rowChunk[r - from] = i
        rowAt[r - from] = c.at
        tracer.rows.read(c)
      }
      if (chunk.firstRow + chunk.rows <= end && c.at !== payload.length)
        throw c.fail(`${payload.length - c.at} bytes follow the chunk's ${chunk.rows} rows`)
      // rows so rich in runs that keeping them costs more than the walk: walk
      if (tracer.rows.runsKept > TRACE_RUNS) return undefined
      i++
    }
    if (tracer.minority(nocalls.length ? undefined : opts.classes) * TRACE_RATIO <= h) {
      tracer.trace()
      return tracedSlice(tracer, tracer.holders(order!), start, end, identity, nocalls)
    }
    // too many to trace: walk the runs already read, keeping orders as a walk does
    const decoder = new FullDecoder(h)
    const others = (decoder.others = new OffCommon())
    decoder.reset(order!)
    const rows = end - start
    const values = new Int32Array(rows * h)
    const common = new Int32Array(rows)
    const runs = new Int32Array(rows + 1)
    for (let r = from; r < end; r++) {
      const chunk = chunks[rowChunk[r - from]!]!
      if (this.orders && this.keepsOrderAt(r, chunk))
        this.keepOrder(r, rowChunk[r - from]!, rowAt[r - from]!, decoder.currentOrder())
      const { sym, len } = tracer.rows.runsOf(r)
      if (r < start) {
        decoder.rowOfRuns(sym, len, sym.length, undefined, 0)
        continue
      }
      decoder.rowOfRuns(sym, len, sym.length, values, (r - start) * h)
      others.endRow()
      common[r - start] = others.common
      runs[r - start + 1] = others.runs
    }
    const sparse = { common, runs, ...others.lists() }
    return { start, rows, haplotypes: identity, values, nocalls, sparse }
  }

  /**
   * The nearest known order after row `start` and before the next checkpoint's (included): one a
   * walk kept, else that checkpoint's (chunk `chunk` holds row `row`; `order` unset: the
   * checkpoint chunk's, to read). Undefined past the last checkpoint.
   */
  private orderAfter(index: MatrixIndex, start: number, holding: number): OrderAfter | undefined {
    const { chunks } = index
    let ahead = holding + 1
    while (ahead < chunks.length && !chunks[ahead]!.checkpoint) ahead++
    const until = ahead < chunks.length ? chunks[ahead]!.firstRow : index.rows
    if (this.orders)
      for (let row = start - (start % this.stride) + this.stride; row < until; row += this.stride) {
        const hit = this.orders.get(`${this.file.name}#${row}`)
        if (hit) return hit
      }
    return ahead < chunks.length ? { row: until, chunk: ahead } : undefined
  }

  /**
   * The runs of rows [start, to.row) read into `rows`, and the order at `to` (a kept one, or its
   * checkpoint chunk's), reading on through chunk `last` where one ranged read allows (for a walk
   * after). Also the no-call entries of rows [start, end) and where each row's runs are.
   * Undefined when `stop(row, nocalls)`, asked after each row read, says so, or the rows hold more
   * runs than are kept.
   */
  private async runsUntil(
    index: MatrixIndex,
    to: OrderAfter,
    last: number,
    start: number,
    end: number,
    rows: RowRuns,
    opts: AbortOptions,
    stop?: (row: number, nocalls: MatrixNocall[]) => boolean,
  ): Promise<RunsRead | undefined> {
    const h = index.haplotypes
    const { chunks } = index
    const until = to.row
    let first = to.chunk
    while (chunks[first]!.firstRow > start) first--
    const identity = end > start ? indices(h) : NO_COLUMNS
    const rowChunk = new Int32Array(until - start)
    const rowAt = new Int32Array(until - start)
    let nocalls: MatrixNocall[] = []
    let order = to.order
    let i = first
    for await (const payload of this.chunkPayloads(index, first, Math.max(to.chunk, last), opts)) {
      checkAbort(opts.signal)
      const chunk = chunks[i]!
      const checkpoint = !order && i === to.chunk
      const opened = this.openChunk(payload, chunk, h, checkpoint, start, end, identity)
      if (checkpoint) {
        order = opened.order
        break
      }
      const c = opened.cursor
      nocalls = nocalls.concat(opened.nocalls)
      const rowsEnd = Math.min(until, chunk.firstRow + chunk.rows)
      for (let r = chunk.firstRow; r < rowsEnd; r++) {
        if (r < start) {
          rows.skip(c, r)
          continue
        }
        rowChunk[r - start] = i
        rowAt[r - start] = c.at
        rows.read(c)
        if (stop?.(r, nocalls)) return undefined
      }
      if (rowsEnd === chunk.firstRow + chunk.rows && c.at !== payload.length)
        throw c.fail(`${payload.length - c.at} bytes follow the chunk's ${chunk.rows} rows`)
      if (rows.runsKept > TRACE_RUNS) return undefined
      // a kept order's row reached
      if (order && rowsEnd === until) break
      i++
    }
    return { order: order!, columns: identity, nocalls, rowChunk, rowAt }
  }

  /**
   * `traced` ahead: rows [start, end) of every haplotype, traced to the known order `to` after
   * them (MinorityTracer.traceAhead). Undefined when the asked rows hold too many haplotypes off
   * their majority (the caller walks).
   */
  private async tracedAhead(
    index: MatrixIndex,
    to: OrderAfter,
    last: number,
    start: number,
    end: number,
    opts: Pick<SliceOptions, 'signal' | 'classes'>,
  ): Promise<MatrixSlice | undefined> {
    const h = index.haplotypes
    const tracer = new MinorityTracer(h, start, start, end, to.row)
    // the asked rows read: go on only when few enough of their haplotypes are to be traced
    const read = await this.runsUntil(
      index,
      to,
      last,
      start,
      end,
      tracer.rows,
      opts,
      (r, nocalls) =>
        r === end - 1 &&
        tracer.minority(nocalls.length ? undefined : opts.classes) * TRACE_RATIO > h,
    )
    if (!read) return undefined
    tracer.traceAhead()
    return tracedSlice(tracer, tracer.holders(read.order), start, end, read.columns, read.nocalls)
  }

  /**
   * The order before row `start`, walked back from a known order after it (`to`: orderAfter;
   * orderBefore), as the resume point of a walk to chunk `last`; the orders a walk keeps are kept
   * on the way. Undefined when the rows between hold more runs than a walk back keeps (the caller
   * walks forward).
   */
  private async walkBack(
    index: MatrixIndex,
    to: OrderAfter,
    last: number,
    start: number,
    opts: AbortOptions,
  ): Promise<CachedOrder | undefined> {
    const rows = new RowRuns(index.haplotypes, start, to.row)
    const read = await this.runsUntil(index, to, last, start, start, rows, opts)
    if (!read) return undefined
    const { rowChunk, rowAt } = read
    const keep = this.orders
      ? (r: number, o: OrderArray) => {
          const k = rowChunk[r - start]!
          const chunk = index.chunks[k]!
          if (this.keepsOrderAt(r, chunk)) this.keepOrder(r, k, rowAt[r - start]!, o)
        }
      : undefined
    const before = orderBefore(rows, read.order, keep)
    return { row: start, chunk: rowChunk[0]!, at: rowAt[0]!, order: before }
  }

  async decode(opts: DecodeOptions = {}): Promise<MatrixSlice> {
    const index = await this.index(opts)
    const start = opts.start ?? 0
    const end = opts.end ?? index.rows
    let result: MatrixSlice | undefined
    for await (const slice of this.slices({ ...opts, sliceRows: Math.max(1, end - start) }))
      result = slice
    return result ?? emptySlice(start, chooseColumns(opts.haplotypes, index.haplotypes))
  }

  async *slices(opts: SliceOptions = {}): AsyncGenerator<MatrixSlice> {
    const index = await this.index(opts)
    const start = opts.start ?? 0
    const end = opts.end ?? index.rows
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end))
      throw new ArgumentError(`bad row range [${start}, ${end})`)
    if (end > index.rows)
      throw new ArgumentError(`row range [${start}, ${end}) passes the ${index.rows} rows`)
    const h = index.haplotypes
    const tally = opts.tally
    if (tally && (opts.haplotypes || tally.classOf.length !== h))
      throw new ArgumentError(`a tally takes a class for each of the ${h} haplotypes, no subset`)
    const columns = chooseColumns(opts.haplotypes, h)
    const t = tally ? tally.count * tally.symbols : columns.length
    const sliceRows = opts.sliceRows ?? defaultSliceRows(t)
    if (!(Number.isInteger(sliceRows) && sliceRows > 0))
      throw new ArgumentError(`sliceRows ${sliceRows} is not a positive integer`)
    if (start === end) return

    const all = t === h && isIndices(columns, h)
    const decoder: RowDecoder = tally
      ? new TallyDecoder(h, tally)
      : all
        ? new FullDecoder(h)
        : t * GATHER_RATIO >= h
          ? new GatherDecoder(h, columns)
          : new SubsetDecoder(h, columns)
    const columnOf = all ? columns : new Int32Array(h).fill(-1)
    if (!all) for (let i = 0; i < columns.length; i++) columnOf[columns[i]!] = i
    // every haplotype decoded: the rare values of each row listed too (MatrixSlice.sparse)
    const others = decoder instanceof FullDecoder ? (decoder.others = new OffCommon()) : undefined
    const sparseRows = (rows: number) => ({
      common: new Int32Array(rows),
      runs: new Int32Array(rows + 1),
    })
    let sparse = sparseRows(Math.min(sliceRows, end - start))

    const { chunks } = index
    const containing = (row: number) =>
      partitionPoint(chunks.length, (i) => chunks[i]!.firstRow <= row) - 1
    let first = containing(start)
    while (!chunks[first]!.checkpoint) first--
    // a walk from an order kept by an earlier one, when one lies between the checkpoint and start
    let resume = this.cachedOrder(chunks[first]!.firstRow, start)
    if (resume) first = resume.chunk
    const keep =
      this.orders && decoder.currentOrder ? decoder.currentOrder.bind(decoder) : undefined
    const last = containing(end - 1)

    const walk = start - (resume ? resume.row : chunks[first]!.firstRow)
    // a known order after start (kept, or the next checkpoint's), for a long walk
    const after = walk >= TRACE_WALK ? this.orderAfter(index, start, containing(start)) : undefined
    // a few rows of every haplotype after a long walk: trace their rare values instead. With an
    // order cache, a trace from the checkpoints alone (no kept order near) happens on the first
    // visit only: a second walks, so that the orders it keeps shorten every later one
    const kept = resume !== undefined || after?.order !== undefined
    const revisit = this.orders !== undefined && !kept && this.traces.has(first)
    if (
      all &&
      !tally &&
      end - start <= Math.min(TRACE_ROWS, sliceRows) &&
      walk >= TRACE_WALK &&
      !revisit
    ) {
      if (!kept) this.traces.add(first)
      const traced = await this.traced(index, first, last, resume, start, end, opts)
      if (traced) {
        yield traced
        return
      }
    }

    // from the order after, back, when it is nearer than the one before
    if (after && after.row - start < walk) {
      const back = await this.walkBack(index, after, last, start, opts)
      if (back) {
        resume = back
        first = back.chunk
      }
    }

    // a subset walk over the chunks' runs as arrays, when kept (keptRuns)
    const subset = decoder instanceof SubsetDecoder ? decoder : undefined
    const buffer = opts.reuse ? new Int32Array(Math.min(sliceRows, end - start) * t) : undefined
    let slice = emptySlice(start, columns, Math.min(sliceRows, end - start), buffer, t)
    let pending: MatrixNocall[] = []
    let i = first
    for await (const payload of this.chunkPayloads(index, first, last, opts)) {
      checkAbort(opts.signal)
      const chunk = chunks[i]!
      const opened = this.openChunk(payload, chunk, h, i === first && !resume, start, end, columnOf)
      const c = opened.cursor
      if (opened.order) decoder.reset(opened.order)
      pending = pending.concat(opened.nocalls)
      const runs = subset && this.keptRuns(i, chunk, c, h)
      let r = chunk.firstRow
      if (i === first && resume) {
        decoder.reset(resume.order)
        c.at = resume.at
        r = resume.row
      }
      for (; r < chunk.firstRow + chunk.rows; r++) {
        if (keep && this.keepsOrderAt(r, chunk)) this.keepOrder(r, i, c.at, keep())
        if (r < start) {
          if (runs) subset!.rowFromRuns(runs, r - chunk.firstRow, undefined, 0)
          else decoder.row(c, r, undefined, 0)
          continue
        }
        if (r >= end) break
        if (runs) subset!.rowFromRuns(runs, r - chunk.firstRow, slice.values, (r - slice.start) * t)
        else decoder.row(c, r, slice.values, (r - slice.start) * t)
        if (others) {
          others.endRow()
          sparse.common[r - slice.start] = others.common
          sparse.runs[r - slice.start + 1] = others.runs
        }
        if (r === slice.start + slice.rows - 1) {
          const split = pending.findIndex((n) => n.row > r)
          slice.nocalls = split < 0 ? pending : pending.slice(0, split)
          pending = split < 0 ? [] : pending.slice(split)
          if (others) {
            slice.sparse = { ...sparse, ...others.lists() }
            sparse = sparseRows(Math.min(sliceRows, end - r - 1))
            others.clear()
          }
          yield slice
          slice = emptySlice(r + 1, columns, Math.min(sliceRows, end - r - 1), buffer, t)
        }
      }
      if (runs) c.at = runs.end
      if (chunk.firstRow + chunk.rows <= end && c.at !== payload.length)
        throw c.fail(`${payload.length - c.at} bytes follow the chunk's ${chunk.rows} rows`)
      i++
    }
  }

  /**
   * Chunk `i`'s runs as arrays for a subset walk (the cursor `c` at its first row): kept from an
   * earlier walk, or decoded now on the second walk through the chunk (decoding first costs a
   * single walk more than it saves). Undefined: walk the bytes.
   */
  private keptRuns(i: number, chunk: MatrixChunk, c: ByteCursor, h: number): ChunkRuns | undefined {
    if (!this.runs || this.bytesOnly.has(i)) return undefined
    const key = `${this.file.name}#${i}`
    const kept = this.runs.get(key)
    if (kept) return kept
    if (!this.walked.has(i)) {
      this.walked.add(i)
      return undefined
    }
    const at = c.at
    const runs = decodeChunkRuns(c, h, chunk.firstRow, chunk.rows)
    c.at = at
    if (!runs) {
      this.bytesOnly.add(i)
      return undefined
    }
    this.runs.set(key, runs, chunkRunsBytes(runs))
    return runs
  }
}

/** Rows a decode of every haplotype may trace (MatrixReader.traced), and the walk that pays. */
export const TRACE_ROWS = 8
const TRACE_WALK = 32
/**
 * Trace when the rows' haplotypes off their majority are at most H / TRACE_RATIO. Over a row, a
 * traced position costs a loop step (~7 ns), the walk a share of a copyWithin per haplotype (~0.2
 * ns) plus its runs: at 20,000 samples, 2,600 rows walked cost the same 18 ms as 700 positions
 * traced, 3 traced cost 10 ms. A walk also leaves orders in the cache (Store orderCacheBytes), so
 * a close call goes to the walk.
 */
const TRACE_RATIO = 64
/** The columns of a read that keeps no no-call entry. */
const NO_COLUMNS = new Int32Array(0)
/** Runs a trace keeps in memory at most (8 bytes each). */
const TRACE_RUNS = 1 << 22

/** The asked haplotypes as output columns (all, in order, by default), checked against `h`. */
export function chooseColumns(haplotypes: ArrayLike<number> | undefined, h: number): Int32Array {
  if (!haplotypes) return indices(h)
  // every haplotype in order (a query of all samples): nothing to check
  if (isIndices(haplotypes, h)) return haplotypes instanceof Int32Array ? haplotypes : indices(h)
  const columns = new Int32Array(haplotypes.length)
  const seen = new Uint8Array(h)
  for (let i = 0; i < haplotypes.length; i++) {
    const x = haplotypes[i]!
    if (!(Number.isInteger(x) && x >= 0 && x < h))
      throw new ArgumentError(`haplotype ${x} is not a column of the matrix (0..${h - 1})`)
    if (seen[x]) throw new ArgumentError(`haplotype ${x} is asked for twice`)
    seen[x] = 1
    columns[i] = x
  }
  return columns
}

/**
 * The slice of a trace: rows filled with their common value, the traced haplotypes set, and the
 * same lists of haplotypes off the common value a full decode gives (grouped by value).
 */
function tracedSlice(
  tracer: MinorityTracer,
  holders: Int32Array,
  start: number,
  end: number,
  columns: Int32Array,
  nocalls: MatrixNocall[],
): MatrixSlice {
  const h = columns.length
  const rows = end - start
  const values = new Int32Array(rows * h)
  for (let r = 0; r < rows; r++) values.fill(tracer.common[r]!, r * h, (r + 1) * h)
  const { entryRow, entryValue } = tracer
  const byRowValue = Array.from({ length: tracer.entries }, (_, e) => e).sort(
    (a, b) => entryRow[a]! - entryRow[b]! || entryValue[a]! - entryValue[b]!,
  )
  const runs = new Int32Array(rows + 1)
  const value: number[] = []
  const runEnd: number[] = []
  const listed = new Int32Array(byRowValue.length)
  byRowValue.forEach((e, k) => {
    const row = entryRow[e]! - start
    const v = entryValue[e]!
    values[row * h + holders[e]!] = v
    listed[k] = holders[e]!
    const prev = k > 0 ? byRowValue[k - 1]! : -1
    if (prev < 0 || entryRow[prev] !== entryRow[e] || entryValue[prev] !== v) value.push(v)
    runEnd[value.length - 1] = k + 1
    runs[row + 1] = value.length
  })
  // a row with nothing off its common value ends where the row before did
  for (let r = 1; r <= rows; r++) runs[r] = Math.max(runs[r]!, runs[r - 1]!)
  return {
    start,
    rows,
    haplotypes: columns,
    values,
    nocalls,
    sparse: {
      common: tracer.common.slice(),
      runs,
      value: Int32Array.from(value),
      end: Int32Array.from(runEnd),
      columns: listed,
    },
  }
}

/** A slice to decode into (every value of it is written), in `buffer` when given. */
function emptySlice(
  start: number,
  haplotypes: Int32Array,
  rows = 0,
  buffer?: Int32Array,
  width = haplotypes.length,
): MatrixSlice {
  const n = rows * width
  const values = buffer ? buffer.subarray(0, n) : new Int32Array(n)
  return { start, rows, haplotypes, values, nocalls: [] }
}

/** The no-call entries of a chunk that fall in [start, end) and in the chosen columns. */
function readNocalls(
  c: ByteCursor,
  sectionEnd: number,
  chunk: MatrixChunk,
  haplotypes: number,
  start: number,
  end: number,
  columnOf: Int32Array,
): MatrixNocall[] {
  const out: MatrixNocall[] = []
  const sub = new ByteCursor(c.bytes, c.file, c.base, c.at, sectionEnd)
  let row = chunk.firstRow
  let hap = -1
  while (sub.at < sectionEnd) {
    const at = sub.at
    const rowDelta = sub.varint('no-call row')
    const code = sub.varint('no-call haplotype')
    row += rowDelta
    hap = rowDelta > 0 || hap < 0 ? code : hap + 1 + code
    if (row >= chunk.firstRow + chunk.rows || hap >= haplotypes)
      throw sub.fail(`no-call entry for row ${row}, haplotype ${hap} is outside the chunk`, at)
    const pairs = sub.varint('no-call pair count')
    if (pairs === 0 || 2 * pairs > sectionEnd - sub.at)
      throw sub.fail(`no-call entry with ${pairs} pairs`, at)
    const keep = row >= start && row < end && columnOf[hap]! >= 0
    const runs: number[] = keep ? new Array<number>(2 * pairs) : []
    for (let k = 0; k < 2 * pairs; k++) {
      const x = sub.varint('no-call run')
      if (keep) runs[k] = x
    }
    if (keep) out.push({ row, column: columnOf[hap]!, runs })
  }
  if (sub.at !== sectionEnd) throw sub.fail('the no-call section ends inside an entry')
  out.sort((a, b) => a.row - b.row || a.column - b.column)
  return out
}
