// The multi-allelic positional Burrows–Wheeler transform (Durbin 2014) over tile-variant rows, and
// the run coding of a permuted row (docs/cohort-matrix.md). Browser-safe.
//
// Row k is coded in the order a_k (a permutation of the haplotypes); a_{k+1} is the stable sort of
// a_k by row k's symbols (symbol = value + 1, so the span continuation −1 is symbol 0). Haplotypes
// that share a long history up to row k then sit next to each other and their values at row k+1
// form long runs. Hand-written (no library implements a multi-allelic PBWT); the hot loops use
// typed arrays and `copyWithin` so a row costs native copies plus a loop over its minority values.
import { ArgumentError } from '../core/errors.js'
import type { ByteCursor, ByteSink } from './format.js'
import { RUN_SYMBOL_BITS, RUN_SYMBOL_INLINE, pushVarint } from './format.js'

/** Largest symbol (value + 1) a row may hold: values stay within Int32. */
export const MAX_SYMBOL = 2 ** 31 - 1
const RUN_SCALE = 1 << RUN_SYMBOL_BITS

/** Symbols below this are counted in a typed array; larger ones in a Map. */
const SMALL_SYMBOLS = 1 << 16

/**
 * Per-row symbol counts turned into the start of each symbol's block in the next order: the
 * counting sort behind every PBWT step. `add` every run, `place` once, then `take` every run in
 * row order (each returns where the run's haplotypes go).
 */
class SymbolSlots {
  private readonly small = new Int32Array(SMALL_SYMBOLS)
  private readonly big = new Map<number, number>()
  private touched = new Int32Array(16)
  private distinct = 0
  /** the symbol with the most haplotypes in the row (set by `place`) */
  majority = 0

  add(sym: number, count: number): void {
    if (sym < SMALL_SYMBOLS) {
      if (this.small[sym] === 0) this.touch(sym)
      this.small[sym]! += count
    } else {
      const had = this.big.get(sym)
      if (had === undefined) this.touch(sym)
      this.big.set(sym, (had ?? 0) + count)
    }
  }

  private touch(sym: number): void {
    if (this.distinct === this.touched.length) {
      const t = new Int32Array(this.touched.length * 2)
      t.set(this.touched)
      this.touched = t
    }
    this.touched[this.distinct++] = sym
  }

  /** Counts become start offsets, in ascending symbol order. */
  place(): void {
    const t = this.touched
    const n = this.distinct
    // a row has a handful of distinct symbols: insertion sort, without allocating a view
    if (n > 32) t.subarray(0, n).sort()
    else
      for (let i = 1; i < n; i++) {
        const x = t[i]!
        let j = i - 1
        while (j >= 0 && t[j]! > x) {
          t[j + 1] = t[j]!
          j--
        }
        t[j + 1] = x
      }
    let acc = 0
    let most = -1
    for (let i = 0; i < n; i++) {
      const sym = t[i]!
      const count = sym < SMALL_SYMBOLS ? this.small[sym]! : this.big.get(sym)!
      if (count > most) {
        most = count
        this.majority = sym
      }
      if (sym < SMALL_SYMBOLS) this.small[sym] = acc
      else this.big.set(sym, acc)
      acc += count
    }
  }

  /** The row's distinct symbols, ascending after `place` (a view, valid until `clear`). */
  distinctSymbols(): Int32Array {
    return this.touched.subarray(0, this.distinct)
  }

  /** The count of `sym` so far (before `place`), or its start (after). */
  get(sym: number): number {
    return sym < SMALL_SYMBOLS ? this.small[sym]! : (this.big.get(sym) ?? 0)
  }

  /** Where the next `count` haplotypes of `sym` go. */
  take(sym: number, count: number): number {
    if (sym < SMALL_SYMBOLS) {
      const at = this.small[sym]!
      this.small[sym] = at + count
      return at
    }
    const at = this.big.get(sym)!
    this.big.set(sym, at + count)
    return at
  }

  /** Forget the row (only the touched entries are reset). */
  clear(): void {
    for (let i = 0; i < this.distinct; i++) {
      const sym = this.touched[i]!
      if (sym < SMALL_SYMBOLS) this.small[sym] = 0
    }
    this.big.clear()
    this.distinct = 0
  }
}

/**
 * A PBWT order: haplotype numbers in 16 bits while they fit (H ≤ 65,536), else in 32. A walk moves
 * every haplotype at every row, and the store keeps orders in memory: half the bytes is a third
 * less time per row at 40,000 haplotypes and twice the orders kept.
 */
export type OrderArray = Uint16Array | Int32Array

/** An order array of `length` entries (default H) for `haplotypes` haplotypes. */
export function orderArray(haplotypes: number, length = haplotypes): OrderArray {
  return haplotypes <= 1 << 16 ? new Uint16Array(length) : new Int32Array(length)
}

/**
 * The haplotype order of a PBWT, in one buffer of 2·H entries (the current order in one half, the
 * next built in the other) so that runs move with `copyWithin` and no allocation.
 */
class Order {
  readonly buf: OrderArray
  /** offset of the current order in `buf` (0 or H) */
  at = 0

  constructor(readonly haplotypes: number) {
    this.buf = orderArray(haplotypes, 2 * haplotypes)
    for (let j = 0; j < haplotypes; j++) this.buf[j] = j
  }

  current(): OrderArray {
    return this.buf.subarray(this.at, this.at + this.haplotypes)
  }

  set(order: ArrayLike<number>): void {
    this.at = 0
    this.buf.set(order)
  }
}

/** Runs shorter than this move element by element; longer ones with one `copyWithin`. */
const COPY_WITHIN = 48

/** Move `length` entries of `buf` from `src` to `dst` (the two ranges never overlap). */
function moveRun(buf: OrderArray, src: number, dst: number, length: number): void {
  if (length >= COPY_WITHIN) buf.copyWithin(dst, src, src + length)
  else for (let i = 0; i < length; i++) buf[dst + i] = buf[src + i]!
}

// --- encoding -----------------------------------------------------------------------------

/** Streams rows into run bytes, keeping the order a_k (Node and browser alike). */
export class PbwtEncoder {
  private readonly order: Order
  private readonly permuted: Int32Array
  private readonly slots = new SymbolSlots()
  rowsSeen = 0

  constructor(readonly haplotypes: number) {
    this.order = new Order(haplotypes)
    this.permuted = new Int32Array(haplotypes)
  }

  /** The order of the next row (a view: copy it before the next `encodeRow`). */
  currentOrder(): OrderArray {
    return this.order.current()
  }

  /** Append row `values` (value of haplotype h at `values[h]`, each ≥ −1) as runs to `out`. */
  encodeRow(values: ArrayLike<number>, out: ByteSink): void {
    const h = this.haplotypes
    if (values.length !== h)
      throw new ArgumentError(
        `row ${this.rowsSeen} has ${values.length} values, the matrix has ${h} haplotypes`,
      )
    const { buf } = this.order
    const from = this.order.at
    const z = this.permuted
    for (let j = 0; j < h; j++) {
      const v = values[buf[from + j]!]!
      if (!(Number.isInteger(v) && v >= -1 && v < MAX_SYMBOL))
        throw new ArgumentError(
          `row ${this.rowsSeen}, haplotype ${buf[from + j]}: value ${v} is not an integer in [-1, ${MAX_SYMBOL - 1}]`,
        )
      z[j] = v + 1
    }
    const slots = this.slots
    let runs = 0
    for (let j = 0; j < h;) {
      const sym = z[j]!
      let e = j + 1
      while (e < h && z[e] === sym) e++
      const length = e === h ? 0 : e - j
      pushVarint(out, length * RUN_SCALE + Math.min(sym, RUN_SYMBOL_INLINE))
      if (sym >= RUN_SYMBOL_INLINE) pushVarint(out, sym - RUN_SYMBOL_INLINE)
      slots.add(sym, e - j)
      runs++
      j = e
    }
    this.rowsSeen++
    if (runs <= 1) {
      slots.clear()
      return
    }
    slots.place()
    const to = h - from
    for (let j = 0; j < h;) {
      const sym = z[j]!
      let e = j + 1
      while (e < h && z[e] === sym) e++
      moveRun(buf, from + j, to + slots.take(sym, e - j), e - j)
      j = e
    }
    this.order.at = to
    slots.clear()
  }
}

/** Bytes per order entry: the fewest that hold H − 1. */
export function orderWidth(haplotypes: number): number {
  let w = 1
  while (w < 4 && haplotypes > 2 ** (8 * w)) w++
  return w
}

/**
 * The bytes of an order at a checkpoint: H entries of `orderWidth(H)` bytes, stored byte-plane by
 * byte-plane (every entry's low byte, then every entry's next byte, …). Deflate then codes each
 * plane with its own statistics, about log2 H bits an entry; varints came out ~15 % larger.
 */
export function encodeOrder(order: ArrayLike<number>, out: ByteSink): void {
  const h = order.length
  const w = orderWidth(h)
  for (let b = 0; b < w; b++) for (let j = 0; j < h; j++) out.byte((order[j]! >>> (8 * b)) & 0xff)
}

/** Read a checkpoint's order into `into`, checking that it is a permutation of 0..H−1. */
export function decodeOrder(c: ByteCursor, into: OrderArray): void {
  const h = into.length
  const w = orderWidth(h)
  const { bytes, at } = c
  if (w * h > c.end - at) throw c.fail(`the checkpoint order needs ${w * h} bytes`)
  into.fill(0)
  for (let b = 0; b < w; b++) {
    const plane = at + b * h
    const shift = 8 * b
    for (let j = 0; j < h; j++) into[j]! |= bytes[plane + j]! << shift
  }
  const seen = new Uint8Array(h)
  for (let j = 0; j < h; j++) {
    const x = into[j]!
    if (x < 0 || x >= h || seen[x])
      throw c.fail(
        x < 0 || x >= h
          ? `checkpoint order entry ${j} is ${x >>> 0}, beyond ${h} haplotypes`
          : `checkpoint order names haplotype ${x} twice`,
        at,
      )
    seen[x] = 1
  }
  c.at = at + w * h
}

// --- decoding -----------------------------------------------------------------------------

/**
 * The run head at `at`: its varint, `length << RUN_SYMBOL_BITS | min(symbol, RUN_SYMBOL_INLINE)`.
 * Heads of one or two bytes (runs shorter than 2,048) are read here, small enough for V8 to
 * inline into the row loops; longer ones by `varint`. The cursor then stands after it.
 */
function runHead(c: ByteCursor, at: number): number {
  const { bytes, end } = c
  const b0 = at < end ? bytes[at]! : 0x80
  if (b0 < 0x80) {
    c.at = at + 1
    return b0
  }
  const b1 = at + 1 < end ? bytes[at + 1]! : 0x80
  if (b1 < 0x80) {
    c.at = at + 2
    return (b0 & 0x7f) | (b1 << 7)
  }
  c.at = at
  return c.varint('run')
}

/**
 * Parse the runs of one row of `haplotypes` at the cursor into `sym` and `len` from index `at0`
 * (room for `haplotypes` runs there): their count. The heads are read inline (as
 * SubsetDecoder.row does): a call of `Runs.next` per run cost a third of a walk.
 */
function parseRuns(
  c: ByteCursor,
  haplotypes: number,
  row: number,
  symbols: Int32Array,
  lengths: Int32Array,
  at0: number,
): number {
  let n = at0
  const { bytes, end } = c
  let at = c.at
  for (let j = 0; j < haplotypes;) {
    const start = at
    // heads of one or two bytes (runs shorter than 2,048) in local variables: the cursor is
    // written only for the longer ones, which `varint` reads
    let sym: number
    let length: number
    // no branch on the head's width (see SubsetDecoder.row)
    const b0 = at < end ? bytes[at]! : 0x80
    const b1 = at + 1 < end ? bytes[at + 1]! : 0x80
    const two = b0 >>> 7
    if ((b1 & (two << 7)) === 0) {
      const head = (b0 & 0x7f) | ((b1 << 7) & -two)
      at += 1 + two
      sym = head & (RUN_SCALE - 1)
      length = head >>> RUN_SYMBOL_BITS
    } else {
      c.at = at
      const head = c.varint('run')
      at = c.at
      sym = head % RUN_SCALE
      length = (head - sym) / RUN_SCALE
    }
    if (sym === RUN_SYMBOL_INLINE) {
      c.at = at
      sym = RUN_SYMBOL_INLINE + c.varint('run symbol')
      at = c.at
      if (sym >= MAX_SYMBOL) throw c.fail(`row ${row}: symbol ${sym} is out of range`, start)
    }
    if (length === 0) length = haplotypes - j
    else if (j + length >= haplotypes)
      throw c.fail(
        `row ${row}: a run of ${length} at haplotype ${j} reaches the end of the ${haplotypes} haplotypes without the last-run mark`,
        start,
      )
    symbols[n] = sym
    lengths[n++] = length
    j += length
  }
  c.at = at
  return n - at0
}

/**
 * One row's runs, read from its bytes one at a time (`begin`, then `next` until it returns 0) or
 * all into arrays (`parse`).
 */
class Runs {
  sym: Int32Array
  length: Int32Array
  count = 0
  /** the symbol of the run `next` returned last */
  symbol = 0
  private cursor: ByteCursor | undefined
  private at = 0
  /** haplotypes of the row covered by the runs read so far, of `haplotypes` */
  private covered = 0
  private haplotypes = 0
  private rowNumber = 0

  constructor(haplotypes: number) {
    const cap = Math.max(1, Math.min(haplotypes, 1024))
    this.sym = new Int32Array(cap)
    this.length = new Int32Array(cap)
  }

  /** Start reading the runs of one row of `haplotypes` at the cursor (row `row`, for errors). */
  begin(c: ByteCursor, haplotypes: number, row: number): void {
    this.cursor = c
    this.at = c.at
    this.covered = 0
    this.haplotypes = haplotypes
    this.rowNumber = row
  }

  /**
   * The length of the row's next run (its symbol in `symbol`), or 0 when the row is read (the
   * cursor then stands after it).
   */
  next(): number {
    const c = this.cursor!
    const j = this.covered
    const haplotypes = this.haplotypes
    if (j >= haplotypes) {
      c.at = this.at
      return 0
    }
    let at = this.at
    const start = at
    const head = runHead(c, at)
    at = c.at
    const low = head % RUN_SCALE
    let length = (head - low) / RUN_SCALE
    let sym = low
    if (low === RUN_SYMBOL_INLINE) {
      c.at = at
      sym = RUN_SYMBOL_INLINE + c.varint('run symbol')
      at = c.at
      if (sym >= MAX_SYMBOL)
        throw c.fail(`row ${this.rowNumber}: symbol ${sym} is out of range`, start)
    }
    if (length === 0) length = haplotypes - j
    else if (j + length >= haplotypes)
      throw c.fail(
        `row ${this.rowNumber}: a run of ${length} at haplotype ${j} reaches the end of the ${haplotypes} haplotypes without the last-run mark`,
        start,
      )
    this.at = at
    this.covered = j + length
    this.symbol = sym
    return length
  }

  /** Parse the runs of one row of `haplotypes` at the cursor into `sym`, `length`, `count`. */
  parse(c: ByteCursor, haplotypes: number, row: number): void {
    if (this.sym.length < haplotypes) {
      this.sym = new Int32Array(haplotypes)
      this.length = new Int32Array(haplotypes)
    }
    this.count = parseRuns(c, haplotypes, row, this.sym, this.length, 0)
  }
}

/**
 * The haplotypes of decoded rows that hold another value than their row's common one, as runs of
 * one value: run k holds `value[k]` and is `haplotypes[end[k − 1] … end[k] − 1]` (from 0 for the
 * first). What MatrixSlice.sparse is made of.
 */
export class OffCommon {
  /** the value most haplotypes of the row decoded last hold */
  common = 0
  haplotypes = new Int32Array(1024)
  count = 0
  value = new Int32Array(64)
  end = new Int32Array(64)
  runs = 0
  /** where the current row's runs start */
  private rowRuns = 0

  add(value: number, haplotypes: ArrayLike<number>): void {
    const n = haplotypes.length
    if (this.count + n > this.haplotypes.length)
      this.haplotypes = grow(this.haplotypes, this.count + n)
    this.haplotypes.set(haplotypes, this.count)
    this.count += n
    // a run of the value added last (no row ended between) grows; another starts a run
    if (this.runs > this.rowRuns && this.value[this.runs - 1] === value) {
      this.end[this.runs - 1] = this.count
      return
    }
    if (this.runs === this.value.length) {
      this.value = grow(this.value, this.runs + 1)
      this.end = grow(this.end, this.runs + 1)
    }
    this.value[this.runs] = value
    this.end[this.runs++] = this.count
  }

  /** The current row is decoded: its runs end here. */
  endRow(): void {
    this.rowRuns = this.runs
  }

  /** Copies of the runs listed since the last `clear` (what MatrixSlice.sparse holds). */
  lists(): { value: Int32Array; end: Int32Array; columns: Int32Array } {
    return {
      value: this.value.slice(0, this.runs),
      end: this.end.slice(0, this.runs),
      columns: this.haplotypes.slice(0, this.count),
    }
  }

  /** Forget every row (for the next slice). */
  clear(): void {
    this.count = 0
    this.runs = 0
    this.rowRuns = 0
  }
}

function grow(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(2 * a.length, need))
  out.set(a)
  return out
}

/** Decodes every haplotype of consecutive rows, in haplotype order. */
export class FullDecoder {
  private readonly order: Order
  private readonly runs: Runs
  private readonly slots = new SymbolSlots()
  /**
   * When set, each decoded row's value most haplotypes hold goes to `common`, and the haplotypes
   * holding another are appended to it (see MatrixSlice.sparse): what a reader of a wide row
   * needs to touch only those.
   */
  others: OffCommon | undefined
  /** a tallied row's counts, class + 1 by symbol (row 0: the haplotypes in no class) */
  private scratch = new Int32Array(0)
  /** per haplotype, where its class's counts start in `scratch`: (class + 1) × symbols */
  private offsets: { of: Int32Array; symbols: number; offsets: Int32Array } | undefined

  private classOffsets(classOf: Int32Array, symbols: number): Int32Array {
    if (this.offsets?.of !== classOf || this.offsets.symbols !== symbols)
      this.offsets = {
        of: classOf,
        symbols,
        offsets: Int32Array.from(classOf, (k) => (k + 1) * symbols),
      }
    return this.offsets.offsets
  }

  constructor(readonly haplotypes: number) {
    this.order = new Order(haplotypes)
    this.runs = new Runs(haplotypes)
  }

  /** Start from a checkpoint's order (read by `decodeOrder`). */
  reset(order: OrderArray): void {
    this.order.set(order)
  }

  /** The order of the next row (a view, valid until the next row). */
  currentOrder(): OrderArray {
    return this.order.current()
  }

  /**
   * Move the order on by one row, counting its haplotypes by class and symbol into
   * `t.out[t.base + class × symbols + symbol]` (when `t` is given; see TallyDecoder).
   */
  tallyRow(
    c: ByteCursor,
    rowNumber: number,
    classOf: Int32Array,
    size: Int32Array,
    symbols: number,
    out: Int32Array,
    base: number,
  ): void {
    const h = this.haplotypes
    const runs = this.runs
    runs.parse(c, h, rowNumber)
    const n = runs.count
    const classes = size.length
    out.fill(0, base, base + classes * symbols)
    if (n === 0) return
    const sym = runs.sym
    const len = runs.length
    const tooBig = (s: number) =>
      c.fail(`row ${rowNumber}: value ${s - 1} is past the ${symbols - 1} the tally counts`)
    if (n === 1) {
      if (sym[0]! >= symbols) throw tooBig(sym[0]!)
      for (let k = 0; k < classes; k++) out[base + k * symbols + sym[0]!] = size[k]!
      return
    }
    const slots = this.slots
    for (let r = 0; r < n; r++) {
      if (sym[r]! >= symbols) throw tooBig(sym[r]!)
      slots.add(sym[r]!, len[r]!)
    }
    slots.place()
    const majority = slots.majority
    const buf = this.order.buf
    const from = this.order.at
    const to = h - from
    const offsetOf = this.classOffsets(classOf, symbols)
    const width = (classes + 1) * symbols
    if (this.scratch.length < width) this.scratch = new Int32Array(width)
    const scratch = this.scratch.fill(0, 0, width)
    let j = from
    for (let r = 0; r < n; r++) {
      const s = sym[r]!
      const l = len[r]!
      const dst = to + slots.take(s, l)
      if (s === majority) moveRun(buf, j, dst, l)
      else {
        // by class + 1 (0: in none) into a scratch row: no branch per haplotype
        for (let i = 0; i < l; i++) {
          const hap = buf[j + i]!
          buf[dst + i] = hap
          scratch[offsetOf[hap]! + s]!++
        }
      }
      j += l
    }
    this.order.at = to
    slots.clear()
    // the majority's count per class: what the other symbols leave of the class
    for (let k = 0; k < classes; k++) {
      let others = 0
      for (let x = 0; x < symbols; x++) {
        const v = scratch[(k + 1) * symbols + x]!
        out[base + k * symbols + x] = v
        others += v
      }
      out[base + k * symbols + majority] = size[k]! - others
    }
  }

  /**
   * Decode one row: its values go to `out[base + h]` for haplotype h (when `out` is given), and the
   * order moves on to the next row.
   */
  row(c: ByteCursor, rowNumber: number, out: Int32Array | undefined, base: number): void {
    const runs = this.runs
    runs.parse(c, this.haplotypes, rowNumber)
    this.rowOfRuns(runs.sym, runs.length, runs.count, out, base)
  }

  /** `row` for a row whose `n` runs are parsed already (symbols `sym`, lengths `len`). */
  rowOfRuns(
    sym: Int32Array,
    len: Int32Array,
    n: number,
    out: Int32Array | undefined,
    base: number,
  ): void {
    const h = this.haplotypes
    if (n === 0) return
    if (n === 1) {
      if (out) out.fill(sym[0]! - 1, base, base + h)
      if (this.others) this.others.common = sym[0]! - 1
      return
    }
    const slots = this.slots
    for (let r = 0; r < n; r++) slots.add(sym[r]!, len[r]!)
    slots.place()
    const majority = slots.majority
    if (out) out.fill(majority - 1, base, base + h)
    const others = this.others
    if (others) others.common = majority - 1
    const buf = this.order.buf
    const from = this.order.at
    const to = h - from
    let j = from
    for (let r = 0; r < n; r++) {
      const s = sym[r]!
      const l = len[r]!
      const dst = to + slots.take(s, l)
      if (s === majority || !out) {
        moveRun(buf, j, dst, l)
      } else {
        const v = s - 1
        for (let i = 0; i < l; i++) {
          const hap = buf[j + i]!
          buf[dst + i] = hap
          out[base + hap] = v
        }
        if (others) others.add(v, buf.subarray(dst, dst + l))
      }
      j += l
    }
    this.order.at = to
    slots.clear()
  }
}

/** How `TallyDecoder` groups haplotypes: a class per matrix column (−1: in none). */
export interface TallyClasses {
  /** class of each haplotype (matrix column) of the file, −1 for none */
  classOf: Int32Array
  /** number of classes */
  count: number
  /** symbols per class in a tally row (value + 1 < symbols for every value counted) */
  symbols: number
}

/**
 * Counts, per row, the haplotypes of each class holding each value, without decoding them:
 * output row = `classes.count × classes.symbols` counts, `[class × symbols + value + 1]` (so −1,
 * a spanning tile's continuation, is symbol 0). The row's majority run is never walked: its count
 * per class is the class size less the others, so a row costs its minority haplotypes plus the
 * moves of the order (BGT counts its bit-planes' ones the same way).
 */
export class TallyDecoder {
  private readonly full: FullDecoder
  private readonly size: Int32Array

  constructor(
    readonly haplotypes: number,
    private readonly classes: TallyClasses,
  ) {
    this.full = new FullDecoder(haplotypes)
    this.size = new Int32Array(classes.count)
    for (let x = 0; x < haplotypes; x++) {
      const c = classes.classOf[x]!
      if (c >= 0) this.size[c]!++
    }
  }

  reset(order: OrderArray): void {
    this.full.reset(order)
  }

  currentOrder(): OrderArray {
    return this.full.currentOrder()
  }

  row(c: ByteCursor, rowNumber: number, out: Int32Array | undefined, base: number): void {
    if (!out) this.full.row(c, rowNumber, undefined, 0)
    else
      this.full.tallyRow(
        c,
        rowNumber,
        this.classes.classOf,
        this.size,
        this.classes.symbols,
        out,
        base,
      )
  }
}

/**
 * Decodes a subset of the haplotypes (BGT's approach): follows each chosen haplotype's position
 * through the runs, so a row costs its runs plus the subset, not all haplotypes.
 */
export class SubsetDecoder {
  private readonly runs: Runs
  private readonly slots = new SymbolSlots()
  private readonly tracked = new SymbolSlots()
  /** ascending positions of the chosen haplotypes in the current order */
  private pos: Int32Array
  /** output column of each entry of `pos` */
  private col: Int32Array
  private nextPos: Int32Array
  private nextCol: Int32Array
  private symOf: Int32Array
  /**
   * per entry of `pos`: its rank among the row's haplotypes of its symbol (a walk over the bytes),
   * then its position in the next order (what sortBySymbol reads)
   */
  private rank: Int32Array
  /**
   * Per symbol below SMALL_SYMBOLS: the row's haplotypes holding it, then its start in the next
   * order (all zero between rows).
   */
  private readonly counts = new Int32Array(SMALL_SYMBOLS)
  /** the same over the chosen haplotypes */
  private readonly chosenCounts = new Int32Array(SMALL_SYMBOLS)

  /** `columns[i]` is the haplotype of output column i (distinct haplotypes). */
  constructor(
    readonly haplotypes: number,
    readonly columns: Int32Array,
  ) {
    const t = columns.length
    this.runs = new Runs(haplotypes)
    this.pos = new Int32Array(t)
    this.col = new Int32Array(t)
    this.nextPos = new Int32Array(t)
    this.nextCol = new Int32Array(t)
    this.symOf = new Int32Array(t)
    this.rank = new Int32Array(t)
  }

  /** Start from a checkpoint's order: find each chosen haplotype's position in it. */
  reset(order: OrderArray): void {
    const columnOf = new Int32Array(this.haplotypes).fill(-1)
    this.columns.forEach((hap, i) => (columnOf[hap] = i))
    let k = 0
    for (let j = 0; j < order.length; j++) {
      const i = columnOf[order[j]!]!
      if (i >= 0) {
        this.pos[k] = j
        this.col[k] = i
        k++
      }
    }
  }

  /** Decode one row: column i's value goes to `out[base + i]` when `out` is given. */
  row(c: ByteCursor, rowNumber: number, out: Int32Array | undefined, base: number): void {
    // the hot loop of every subset query: the runs are read here rather than through Runs.next
    // (a call per run cost a third of the walk) and symbols are counted in plain arrays; a row
    // with a symbol too large for them goes the general way
    const h = this.haplotypes
    const rowStart = c.at
    let at = rowStart
    const { counts, chosenCounts: byPos, pos } = this
    const t = pos.length
    let i = 0
    let j = 0
    let top = 0
    const { bytes, end } = c
    while (j < h) {
      const start = at
      // as parseRuns: short heads in locals, the cursor written only for long ones
      let sym: number
      let length: number
      // without a branch on the head's width: heads of one and two bytes alternate with the
      // minority and majority runs, and a mispredicted branch per run cost a sixth of the walk
      const b0 = at < end ? bytes[at]! : 0x80
      const b1 = at + 1 < end ? bytes[at + 1]! : 0x80
      const two = b0 >>> 7
      if ((b1 & (two << 7)) === 0) {
        const head = (b0 & 0x7f) | ((b1 << 7) & -two)
        at += 1 + two
        sym = head & (RUN_SCALE - 1)
        length = head >>> RUN_SYMBOL_BITS
      } else {
        c.at = at
        const head = c.varint('run')
        at = c.at
        sym = head % RUN_SCALE
        length = (head - sym) / RUN_SCALE
      }
      if (sym === RUN_SYMBOL_INLINE) {
        c.at = at
        sym = RUN_SYMBOL_INLINE + c.varint('run symbol')
        at = c.at
        // only an escaped symbol can be too large for the plain arrays
        if (sym >= SMALL_SYMBOLS) {
          counts.fill(0, 0, top + 1)
          byPos.fill(0, 0, top + 1)
          c.at = rowStart
          this.rowGeneral(c, rowNumber, out, base)
          return
        }
      }
      if (length === 0) length = h - j
      else if (j + length >= h)
        throw c.fail(
          `row ${rowNumber}: a run of ${length} at haplotype ${j} reaches the end of the ${h} haplotypes without the last-run mark`,
          start,
        )
      if (sym > top) top = sym
      const runEnd = j + length
      if (i < t && pos[i]! < runEnd) i = this.enter(i, sym, j, runEnd, out, base)
      counts[sym]! += length
      j = runEnd
    }
    c.at = at
    this.advance(top)
  }

  /**
   * `row` from a chunk's runs decoded already (ChunkRuns; its row `k`): no run is counted, since
   * each run knows where its haplotypes go. A chosen haplotype finds its run by its position, so
   * the runs between two chosen ones are stepped over (eight at a time when they are many): a row
   * costs about its chosen haplotypes, not its runs.
   */
  rowFromRuns(runs: ChunkRuns, k: number, out: Int32Array | undefined, base: number): void {
    const { sym: symbols, ends, shift, rowStart } = runs
    const { chosenCounts: byPos, pos, col, symOf, rank } = this
    const t = pos.length
    // the row's last run ends at the last haplotype, past every position: no bound is needed
    // one run at a time, and a stride of eight stays inside the row
    const strideEnd = rowStart[k + 1]! - 8
    let x = rowStart[k]!
    let top = 0
    for (let i = 0; i < t; i++) {
      const p = pos[i]!
      while (x <= strideEnd && ends[x + 7]! <= p) x += 8
      while (ends[x]! <= p) x++
      const sym = symbols[x]!
      rank[i] = p + shift[x]!
      symOf[i] = sym
      top |= sym
      byPos[sym]!++
      if (out) out[base + col[i]!] = sym - 1
    }
    this.sortBySymbol(top)
  }

  /**
   * The chosen haplotypes from entry `i` of `pos` on that lie in a run of `sym` over [j, runEnd):
   * their ranks within the symbol and (into `out`) their values. Returns the first entry after.
   */
  private enter(
    i: number,
    sym: number,
    j: number,
    runEnd: number,
    out: Int32Array | undefined,
    base: number,
  ): number {
    const { counts, chosenCounts: byPos, pos, col, symOf, rank } = this
    const t = pos.length
    const before = counts[sym]! - j
    do {
      rank[i] = before + pos[i]!
      symOf[i] = sym
      if (out) out[base + col[i]!] = sym - 1
      byPos[sym]!++
      i++
    } while (i < t && pos[i]! < runEnd)
    return i
  }

  /**
   * After a row's runs (symbols up to `top` counted in `counts`, the chosen haplotypes' ranks in
   * `rank`): each chosen haplotype's position in the next order.
   */
  private advance(top: number): void {
    const { counts, pos, symOf, rank } = this
    const t = pos.length
    // counts become each symbol's start in the next order
    let all = 0
    for (let s = 0; s <= top; s++) {
      const n = counts[s]!
      counts[s] = all
      all += n
    }
    for (let k = 0; k < t; k++) rank[k]! += counts[symOf[k]!]!
    counts.fill(0, 0, top + 1)
    this.sortBySymbol(top)
  }

  /**
   * The chosen haplotypes (their next positions in `rank`, their symbols, up to `top`, counted in
   * `chosenCounts`) in the order of the next row: by symbol, as their positions ascend within one.
   */
  private sortBySymbol(top: number): void {
    const { chosenCounts: byPos, pos, col, symOf, rank } = this
    const t = pos.length
    let chosen = 0
    for (let s = 0; s <= top; s++) {
      const m = byPos[s]!
      byPos[s] = chosen
      chosen += m
    }
    const { nextPos, nextCol } = this
    for (let k = 0; k < t; k++) {
      const to = byPos[symOf[k]!]!++
      nextPos[to] = rank[k]!
      nextCol[to] = col[k]!
    }
    byPos.fill(0, 0, top + 1)
    this.nextPos = pos
    this.nextCol = col
    this.pos = nextPos
    this.col = nextCol
  }

  /** `row` for any symbols (through Runs and SymbolSlots). */
  private rowGeneral(
    c: ByteCursor,
    rowNumber: number,
    out: Int32Array | undefined,
    base: number,
  ): void {
    const runs = this.runs
    runs.begin(c, this.haplotypes, rowNumber)
    // one pass over the runs as they are read: each symbol's count, and each chosen haplotype's
    // rank among the haplotypes of its symbol; its next position is then its symbol's start plus
    // that rank
    const { slots, pos, col, symOf, rank, tracked } = this
    const t = pos.length
    let i = 0
    let j = 0
    for (let l = runs.next(); l > 0; l = runs.next()) {
      const s = runs.symbol
      const end = j + l
      if (i < t && pos[i]! < end) {
        const before = slots.get(s) - j
        let k = 0
        do {
          rank[i] = before + pos[i]!
          symOf[i] = s
          if (out) out[base + col[i]!] = s - 1
          i++
          k++
        } while (i < t && pos[i]! < end)
        tracked.add(s, k)
      }
      slots.add(s, l)
      j = end
    }
    slots.place()
    for (let k = 0; k < t; k++) pos[k] = slots.get(symOf[k]!) + rank[k]!
    slots.clear()
    // the new positions ascend within each symbol: a counting sort by symbol orders them all
    tracked.place()
    const { nextPos, nextCol } = this
    for (let k = 0; k < t; k++) {
      const at = tracked.take(symOf[k]!, 1)
      nextPos[at] = pos[k]!
      nextCol[at] = col[k]!
    }
    tracked.clear()
    this.nextPos = pos
    this.nextCol = col
    this.pos = nextPos
    this.col = nextCol
  }
}

/** The class of symbol `s` (value s − 1) under `classOf` by value: 0 past it and for −1. */
function symbolClass(classOf: ArrayLike<number>, s: number): number {
  return s >= 1 && s <= classOf.length ? classOf[s - 1]! : 0
}

/**
 * Counting tables for the walk back and the trace (each 256 KiB), shared rather than allocated per
 * query: they are used only inside synchronous calls, and left cleared (all zero) after each row.
 */
const SCRATCH = {
  slots: new SymbolSlots(),
  bySymbol: new SymbolSlots(),
  smallIndex: new Int32Array(SMALL_SYMBOLS),
  /** per symbol, in RowRuns.chunkRuns */
  next: new Int32Array(SMALL_SYMBOLS),
}

/**
 * A chunk's runs decoded into arrays, kept by a store for subset walks (Store runCacheBytes): over
 * the varint heads a walk reads and counts every run, each head before the next can be found;
 * over these arrays each chosen haplotype finds its run by position and its next position from
 * the run's shift (SubsetDecoder.rowFromRuns).
 */
export interface ChunkRuns {
  /** per run: its symbol */
  sym: Uint16Array
  /** per run: the position in its row after its last haplotype */
  ends: Int32Array
  /** per run: its haplotype at position p of the row is at p + shift in the next row's order */
  shift: Int32Array
  /** the chunk's row k holds runs rowStart[k] … rowStart[k + 1] − 1 */
  rowStart: Int32Array
  /** the payload offset after the chunk's last row */
  end: number
}

/** Bytes a ChunkRuns holds (its weight in a cache). */
export const chunkRunsBytes = (r: ChunkRuns): number =>
  r.sym.byteLength + r.ends.byteLength + r.shift.byteLength + r.rowStart.byteLength

/**
 * The runs of `rows` rows from the cursor (at row `firstRow`, left after them), as ChunkRuns;
 * undefined for a chunk with a symbol too large for a subset walk's arrays.
 */
export function decodeChunkRuns(
  c: ByteCursor,
  haplotypes: number,
  firstRow: number,
  rows: number,
): ChunkRuns | undefined {
  const runs = new RowRuns(haplotypes, firstRow, firstRow + rows)
  for (let r = 0; r < rows; r++) runs.read(c)
  return runs.chunkRuns(c.at)
}

/**
 * The runs of consecutive rows `from` … `until − 1`, kept one after another for a pass over them
 * in any direction (a trace, a walk back). `read` each row in turn; rows before `from` in the same
 * chunk are stepped over with `skip`.
 */
export class RowRuns {
  private sym: Int32Array
  private len: Int32Array
  private stored = 0
  /** row `from + k`'s runs start at `rowStart[k]` */
  private readonly rowStart: Int32Array
  private rowsRead = 0

  constructor(
    readonly haplotypes: number,
    readonly from: number,
    readonly until: number,
  ) {
    this.rowStart = new Int32Array(until - from + 1)
    // rows of a large cohort hold a hundred runs or more (135 a row at 20,000 samples): grow the
    // buffers seldom
    const guess = Math.min(1 << 22, (until - from) * Math.min(haplotypes, 256))
    this.sym = new Int32Array(Math.max(haplotypes, guess))
    this.len = new Int32Array(Math.max(haplotypes, guess))
  }

  /** Step over row `row`'s runs at the cursor, keeping none (rows before `from`). */
  skip(c: ByteCursor, row: number): void {
    this.makeRoom()
    parseRuns(c, this.haplotypes, row, this.sym, this.len, this.stored)
  }

  /** Room after the kept runs for a row of one-haplotype runs: rows parse straight into place. */
  private makeRoom(): void {
    const room = this.stored + this.haplotypes
    if (room > this.sym.length) {
      this.sym = grow(this.sym, room)
      this.len = grow(this.len, room)
    }
  }

  /** Runs kept so far (what the caller bounds). */
  get runsKept(): number {
    return this.stored
  }

  /** Read the next row's runs at the cursor (the cursor then stands after them). */
  read(c: ByteCursor): void {
    this.makeRoom()
    const h = this.haplotypes
    this.stored += parseRuns(c, h, this.from + this.rowsRead, this.sym, this.len, this.stored)
    this.rowStart[++this.rowsRead] = this.stored
  }

  /**
   * The runs read, as a chunk's ChunkRuns (`end`: the payload offset after them); undefined when
   * a symbol is too large for a subset walk's arrays (that chunk is walked from its bytes).
   */
  chunkRuns(end: number): ChunkRuns | undefined {
    const n = this.stored
    const { sym, len } = this
    for (let x = 0; x < n; x++) if (sym[x]! >= SMALL_SYMBOLS) return undefined
    const rowStart = this.rowStart.slice(0, this.rowsRead + 1)
    const ends = new Int32Array(n)
    const shift = new Int32Array(n)
    // per symbol: the row's haplotypes holding it, then where its next one goes
    const next = SCRATCH.next
    for (let k = 0; k < this.rowsRead; k++) {
      const a = rowStart[k]!
      const b = rowStart[k + 1]!
      let top = 0
      for (let x = a; x < b; x++) {
        next[sym[x]!]! += len[x]!
        top = Math.max(top, sym[x]!)
      }
      let at = 0
      for (let s = 0; s <= top; s++) {
        const count = next[s]!
        next[s] = at
        at += count
      }
      let j = 0
      for (let x = a; x < b; x++) {
        const s = sym[x]!
        shift[x] = next[s]! - j
        next[s]! += len[x]!
        j += len[x]!
        ends[x] = j
      }
      next.fill(0, 0, top + 1)
    }
    return { sym: Uint16Array.from(sym.subarray(0, n)), ends, shift, rowStart, end }
  }

  /** Row `row`'s runs (read already): symbols and lengths, as views. */
  runsOf(row: number): { sym: Int32Array; len: Int32Array } {
    const k = row - this.from
    const a = this.rowStart[k]!
    const b = this.rowStart[k + 1]!
    return { sym: this.sym.subarray(a, b), len: this.len.subarray(a, b) }
  }
}

/**
 * The order of row `rows.from`, walked back from `order`, the order of row `rows.until`, over the
 * rows' runs: the inverse PBWT step puts the haplotypes of symbol s's block of a_{j+1}, in turn,
 * at row j's positions of s (runs move with `copyWithin`, as a walk forward). `keep(row, order)`
 * sees the order of each row passed (a view, valid during the call).
 */
export function orderBefore(
  rows: RowRuns,
  order: OrderArray,
  keep?: (row: number, order: OrderArray) => void,
): OrderArray {
  const h = rows.haplotypes
  const o = new Order(h)
  o.set(order)
  const slots = SCRATCH.slots
  for (let row = rows.until - 1; row >= rows.from; row--) {
    const { sym, len } = rows.runsOf(row)
    const n = sym.length
    if (n > 1) {
      for (let r = 0; r < n; r++) slots.add(sym[r]!, len[r]!)
      slots.place()
      const buf = o.buf
      const from = o.at
      const to = h - from
      let x = to
      for (let r = 0; r < n; r++) {
        const l = len[r]!
        moveRun(buf, from + slots.take(sym[r]!, l), x, l)
        x += l
      }
      o.at = to
      slots.clear()
    }
    keep?.(row, o.current())
  }
  return o.current().slice()
}

/**
 * Which haplotypes hold the values off each row's majority, for a few rows, without the order of
 * every haplotype there: the positions of those values are traced back, row by row, to a row
 * whose order is known (a checkpoint, or one the reader kept), where the order names them. The
 * inverse of one PBWT step: position p of a_{j+1} lies in symbol s's block at rank q, and came from
 * the q-th position of s in row j. Tracing T positions back over a row costs its runs plus T,
 * where moving the order costs H: at 20,000 samples a rare allele's row is found without 40,000
 * moves per row walked.
 *
 * Or forward, when the next checkpoint is nearer: position p of a_j holding symbol s goes to s's
 * block of a_{j+1} at p's rank among the row's haplotypes of s.
 *
 * The caller reads rows `from` … `until − 1` into `rows` (`until` is `end` back), then calls
 * `minority`, then `trace` (back) or `traceAhead`, then `holders` with the order of row `from`
 * (back) or `until` (ahead); rows `start` … `end − 1` are the asked ones.
 */
export class MinorityTracer {
  private readonly slots = SCRATCH.slots
  /** the runs of rows `from` … `until − 1`, read by the caller */
  readonly rows: RowRuns
  /** tracked positions in the order of the row reached, ascending, and each one's entry */
  private pos = new Int32Array(64)
  private entry = new Int32Array(64)
  private next = new Int32Array(64)
  private nextEntry = new Int32Array(64)
  private rank = new Int32Array(64)
  /** per tracked position on a step ahead: its symbol */
  private symOf = new Int32Array(64)
  /** tracked positions by symbol on a step ahead (a counting sort) */
  private readonly bySymbol = SCRATCH.bySymbol
  count = 0
  /** per entry: its row and value */
  entryRow = new Int32Array(64)
  entryValue = new Int32Array(64)
  entries = 0
  /** per asked row (by `row − start`): the value most haplotypes (of the kept class) hold */
  readonly common: Int32Array
  /** per asked row: the symbol, or with classes the class, whose haplotypes are not traced */
  private readonly keep: Int32Array
  /** per asked row: each value's class (SliceOptions.classes), when classes are traced */
  private readonly classes: (ArrayLike<number> | undefined)[] = []
  /** per distinct symbol of a row (ascending): start in the next order, ranks seen, tracked range */
  private starts = new Int32Array(16)
  private seen = new Int32Array(16)
  private from_ = new Int32Array(16)
  private to = new Int32Array(16)
  /** symbol + 1 → its index among the row's distinct symbols (below SMALL_SYMBOLS; a Map above) */
  private readonly smallIndex = SCRATCH.smallIndex
  private readonly bigIndex = new Map<number, number>()

  constructor(
    readonly haplotypes: number,
    readonly from: number,
    readonly start: number,
    readonly end: number,
    readonly until = end,
  ) {
    this.rows = new RowRuns(haplotypes, from, until)
    this.common = new Int32Array(end - start)
    this.keep = new Int32Array(end - start)
  }

  /**
   * Haplotypes off their row's majority over the asked rows (after every row is read): what
   * `trace` follows. With `classes` (SliceOptions.classes), off the row's largest class instead;
   * the common value is then the one its class's haplotypes most hold.
   */
  minority(classes?: ReadonlyMap<number, ArrayLike<number>>): number {
    let total = 0
    for (let row = this.start; row < this.end; row++) {
      const { sym, len } = this.rows.runsOf(row)
      if (sym.length === 0) continue
      const slots = this.slots
      for (let r = 0; r < sym.length; r++) slots.add(sym[r]!, len[r]!)
      slots.place()
      let keep = slots.majority
      let fill = keep
      const classOf = classes ? (classes.get(row) ?? []) : undefined
      if (classOf) {
        // haplotypes by class, and the most held symbol of each
        const count = new Map<number, number>()
        const held = new Map<number, number>()
        const best = new Map<number, number>()
        for (let r = 0; r < sym.length; r++) {
          const s = sym[r]!
          const k = symbolClass(classOf, s)
          count.set(k, (count.get(k) ?? 0) + len[r]!)
          const n = (held.get(s) ?? 0) + len[r]!
          held.set(s, n)
          const b = best.get(k)
          if (b === undefined || n > held.get(b)! || (n === held.get(b)! && s < b)) best.set(k, s)
        }
        keep = symbolClass(classOf, slots.majority)
        for (const [k, n] of count) if (n > count.get(keep)!) keep = k
        fill = best.get(keep)!
      }
      slots.clear()
      this.keep[row - this.start] = keep
      this.common[row - this.start] = fill - 1
      let most = 0
      for (let r = 0; r < sym.length; r++)
        if ((classOf ? symbolClass(classOf, sym[r]!) : sym[r]) === keep) most += len[r]!
      total += this.haplotypes - most
      this.classes[row - this.start] = classOf
    }
    return total
  }

  /** Trace the asked rows' minority positions (`minority` found them) back to row `from`. */
  trace(): void {
    for (let row = this.end - 1; row >= this.from; row--) {
      const { sym, len } = this.rows.runsOf(row)
      const n = sym.length
      if (n === 0) continue
      const slots = this.slots
      for (let r = 0; r < n; r++) slots.add(sym[r]!, len[r]!)
      slots.place()
      if (n > 1 && this.count > 0) this.back(sym, len, n)
      slots.clear()
      if (row < this.start) continue
      if (n > 1) this.addMinority(sym, len, n, row)
    }
  }

  /** Trace the asked rows' minority positions (`minority` found them) ahead to row `until`. */
  traceAhead(): void {
    const slots = this.slots
    for (let row = this.start; row < this.until; row++) {
      if (row >= this.end && this.count === 0) break
      const { sym, len } = this.rows.runsOf(row)
      const n = sym.length
      // a row of one run leaves the order as it is
      if (n < 2) continue
      if (row < this.end) this.addMinority(sym, len, n, row)
      for (let r = 0; r < n; r++) slots.add(sym[r]!, len[r]!)
      slots.place()
      this.ahead(sym, len, n)
      slots.clear()
    }
  }

  /** Map the tracked positions from a_j to a_{j+1} over row j's runs (`slots` placed). */
  private ahead(sym: Int32Array, len: Int32Array, n: number): void {
    const t = this.count
    const { pos, entry, next, nextEntry, rank: to, symOf, bySymbol, slots } = this
    // each run's haplotypes go, in order, where its symbol's next ones do
    let i = 0
    let x = 0
    for (let r = 0; r < n && i < t; r++) {
      const l = len[r]!
      const s = sym[r]!
      const at = slots.take(s, l)
      while (i < t && pos[i]! < x + l) {
        to[i] = at + pos[i]! - x
        symOf[i] = s
        bySymbol.add(s, 1)
        i++
      }
      x += l
    }
    // ascending within a symbol, and the symbols' blocks in order: sorted by symbol, all ascend
    bySymbol.place()
    for (let k = 0; k < t; k++) {
      const d = bySymbol.take(symOf[k]!, 1)
      next[d] = to[k]!
      nextEntry[d] = entry[k]!
    }
    bySymbol.clear()
    this.swap()
  }

  /** Map the tracked positions from a_{j+1} to a_j over row j's runs (`slots` placed). */
  private back(sym: Int32Array, len: Int32Array, n: number): void {
    // the row's distinct symbols in ascending order, with their starts in a_{j+1}
    const symbols = this.slots.distinctSymbols()
    const distinct = symbols.length
    if (distinct > this.starts.length) this.growSymbols(distinct)
    for (let k = 0; k < distinct; k++) {
      this.setIndex(symbols[k]!, k)
      this.starts[k] = this.slots.get(symbols[k]!)
      this.seen[k] = 0
    }
    // each tracked position's symbol (its block) and rank in it; the positions of one symbol are
    // a range of the sorted list, [from_[k], to[k])
    const { pos, rank, starts, from_: lo, to } = this
    const t = this.count
    let k = 0
    lo[0] = 0
    for (let i = 0; i < t; i++) {
      const p = pos[i]!
      while (k + 1 < distinct && starts[k + 1]! <= p) {
        to[k] = i
        lo[++k] = i
      }
      rank[i] = p - starts[k]!
    }
    to[k] = t
    for (let x = k + 1; x < distinct; x++) lo[x] = to[x] = t
    // walk the runs in a_j order: each emits the tracked ranks it covers, so the positions out
    // ascend
    const { next, nextEntry, entry, seen, smallIndex } = this
    let out = 0
    let x = 0
    for (let r = 0; r < n; r++) {
      const l = len[r]!
      const s = sym[r]!
      const q = s < SMALL_SYMBOLS ? smallIndex[s]! - 1 : this.indexOf(s)
      let i = lo[q]!
      const stop = to[q]!
      if (i < stop) {
        const base = seen[q]!
        while (i < stop && rank[i]! < base + l) {
          next[out] = x + rank[i]! - base
          nextEntry[out++] = entry[i]!
          i++
        }
        lo[q] = i
      }
      seen[q]! += l
      x += l
    }
    for (let q = 0; q < distinct; q++) this.setIndex(symbols[q]!, -1)
    this.swap()
  }

  /** Track row `row`'s haplotypes off its kept class, merged into the sorted positions. */
  private addMinority(sym: Int32Array, len: Int32Array, n: number, row: number): void {
    const keep = this.keep[row - this.start]!
    const classOf = this.classes[row - this.start]
    const off = (s: number) => (classOf ? symbolClass(classOf, s) : s) !== keep
    let added = 0
    for (let r = 0; r < n; r++) if (off(sym[r]!)) added += len[r]!
    this.reserve(this.count + added)
    const { pos, entry, next, nextEntry } = this
    const t = this.count
    let i = 0
    let out = 0
    let x = 0
    for (let r = 0; r < n; r++) {
      const l = len[r]!
      if (off(sym[r]!)) {
        const value = sym[r]! - 1
        for (let p = x; p < x + l; p++) {
          while (i < t && pos[i]! < p) {
            next[out] = pos[i]!
            nextEntry[out++] = entry[i++]!
          }
          next[out] = p
          nextEntry[out++] = this.newEntry(row, value)
        }
      }
      x += l
    }
    while (i < t) {
      next[out] = pos[i]!
      nextEntry[out++] = entry[i++]!
    }
    this.count = out
    this.swap()
  }

  /** Once traced to row `from` (or ahead to `until`), whose order is `order`: each entry's haplotype. */
  holders(order: OrderArray): Int32Array {
    const out = new Int32Array(this.entries)
    for (let i = 0; i < this.count; i++) out[this.entry[i]!] = order[this.pos[i]!]!
    return out
  }

  private newEntry(row: number, value: number): number {
    if (this.entries === this.entryRow.length) {
      this.entryRow = grow(this.entryRow, this.entries + 1)
      this.entryValue = grow(this.entryValue, this.entries + 1)
    }
    this.entryRow[this.entries] = row
    this.entryValue[this.entries] = value
    return this.entries++
  }

  private reserve(n: number): void {
    if (n <= this.pos.length) return
    this.pos = grow(this.pos, n)
    this.entry = grow(this.entry, n)
    this.next = grow(this.next, n)
    this.nextEntry = grow(this.nextEntry, n)
    this.rank = grow(this.rank, n)
    this.symOf = grow(this.symOf, n)
  }

  private swap(): void {
    ;[this.pos, this.next] = [this.next, this.pos]
    ;[this.entry, this.nextEntry] = [this.nextEntry, this.entry]
  }

  private growSymbols(n: number): void {
    this.starts = grow(this.starts, n)
    this.seen = grow(this.seen, n)
    this.from_ = grow(this.from_, n)
    this.to = grow(this.to, n)
  }

  private indexOf(sym: number): number {
    return sym < SMALL_SYMBOLS ? this.smallIndex[sym]! - 1 : (this.bigIndex.get(sym) ?? -1)
  }

  private setIndex(sym: number, k: number): void {
    if (sym < SMALL_SYMBOLS) this.smallIndex[sym] = k + 1
    else if (k < 0) this.bigIndex.delete(sym)
    else this.bigIndex.set(sym, k)
  }
}
