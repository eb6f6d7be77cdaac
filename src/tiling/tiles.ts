// Cutting haplotypes into tiles (spec §1.1–1.2, §9) and the per-path tile library (§7.3).
//
// Step s runs from the start of tag s-1 to the end of tag s. A haplotype whose edit changes a base
// of tag t (or inserts bases strictly inside it) no longer has tag t: its tile goes on to the next
// intact tag (a spanning tile, anchored at its first step). A no-call edit (REF span replaced by
// as many `n`) never breaks a tag (`n` is a wildcard); its bases lie in every tile that covers
// them. Edits are placed by their minimal form: an insertion between the last base of a tag and
// the next base belongs to the following step, one just before a tag's first base to the step
// that ends with that tag.
//
// No-call runs are the runs of `n` of a tile's sequence, as (start, length) offsets in the tile
// (start tag included), stored at the anchor step. That covers missing genotypes and N in the
// reference alike.
//
// Library (per path): distinct tiles are counted over all haplotypes. The library never holds `n`:
// a tile built from edits (addEdits) fills the `n` of each no-call edit with the reference bases
// that edit covers (spec §7.3 leaves the fill free; this one is the haplotype as if the no-call
// were reference, so aligning the library tile to the reference finds the haplotype's own ALTs
// and places its no-calls where they were). Any `n` left (tiles from whole sequences, N in the
// reference) is filled by, in order: the base of the start or end tag when it lies on a tag; the
// reference's base when the reference over the same steps has the same length (and is not N
// there); the base of the most frequent n-free variant of the same step, span and length; else `a`. Filled sequences are merged, and variants numbered per
// step by decreasing count over all haplotypes, ties by md5 (then span). The runs keep the `n`s,
// so the exact haplotype comes back from (variant, runs).
import { createHash } from 'node:crypto'
import { partitionPoint } from '../core/search.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import { ByteCursor, ByteSink, pushVarint } from '../matrix/format.js'
import type { Band } from '../formats/band/band.js'
import type { Edit } from './haplotypes.js'
import type { RowSpill } from './rowSpill.js'
import type { PathTags } from './tags.js'
import { TAG_LENGTH, stepCount, stepEnd, stepStart } from './tags.js'

export interface Tile {
  /** anchor step */
  step: number
  /** steps covered (>= 1) */
  span: number
  /** lower case, may hold `n` */
  seq: string
  /** no-call runs, flat [start, length, ...] in the tile's sequence */
  nocalls: number[]
}

export interface LibraryVariant {
  sequence: string
  md5: string
  span: number
  /** haplotypes (over all samples) carrying it */
  count: number
}

/** One row of a path's cohort matrix: a step's variant in every haplotype, and no-call runs. */
export interface PathRow {
  /** the variant of each haplotype at the step, -1 at non-anchor steps of a spanning tile */
  values: Int32Array
  /** the no-call runs of the haplotypes that have some at the step, by increasing haplotype */
  nocalls: [number, number[]][]
}

/** A path's numbered tile variants and its cohort matrix, row by row. */
export interface PathVariants {
  path: PathTags
  nSteps: number
  /** variants[step] in variant order (variant i = index i) */
  variants: LibraryVariant[][]
  /** the reference tile's variant at each step */
  refVariant: Int32Array
  nHaplotypes: number
  /**
   * The matrix rows in step order, read once (a row's arrays may be reused once the next is
   * asked for).
   */
  rows(signal?: AbortSignal): AsyncGenerator<PathRow>
}

/** A path's library with every haplotype at hand (a builder without a spill). */
export interface PathLibrary extends PathVariants {
  /**
   * Haplotype h: its variant number at each step, -1 at non-anchor steps of a spanning tile
   * (written into `out` when given, else a new array).
   */
  haplotype(h: number, out?: Int32Array): Int32Array
  /** no-call runs (flat [start, length, ...]) of haplotype h at anchor step; [] if none */
  nocalls(h: number, step: number): number[]
  /**
   * nocalls(h, s) of every step s (one shared, frozen [] for the steps without runs), written
   * into `out` when given
   */
  nocallLists(h: number, out?: number[][]): number[][]
}

/** Runs of `n` in a sequence, flat [start, length, ...]. */
export function nocallRuns(seq: string): number[] {
  const out: number[] = []
  let i = seq.indexOf('n')
  while (i >= 0) {
    let j = i + 1
    while (seq.charCodeAt(j) === 110) j++
    out.push(i, j - i)
    i = seq.indexOf('n', j)
  }
  return out
}

/** Index of the first tag start > x (tags sorted). */
function upperTag(p: PathTags, x: number): number {
  return partitionPoint(p.tagStarts.length, (i) => (p.tagStarts[i] as number) <= x)
}

/** The reference tile of each step (span 1), as slices of the path's reference sequence. */
export function referenceTiles(p: PathTags, refSeq: string): string[] {
  checkRef(p, refSeq)
  const out: string[] = []
  for (let s = 0; s < stepCount(p); s++)
    out.push(refSeq.slice(stepStart(p, s) - p.start, stepEnd(p, s) - p.start))
  return out
}

function checkRef(p: PathTags, refSeq: string): void {
  if (refSeq.length !== p.end - p.start)
    throw new ArgumentError(
      `path ${p.path}: reference sequence of ${refSeq.length} bases for a path of ${p.end - p.start}`,
    )
}

/**
 * The tiles of one haplotype that differ from the reference tiles, in step order, from its edits
 * in the path (see haplotypes.ts). Steps not covered are the reference tiles.
 */
export function tilesFromEdits(p: PathTags, refSeq: string, edits: readonly Edit[]): Tile[] {
  checkRef(p, refSeq)
  const tiles: Tile[] = []
  cutTiles(p, edits, (a, b, ei) => {
    const seq = tileSeq(p, refSeq, edits, ei, a, b)
    tiles.push({ step: a, span: b - a + 1, seq, nocalls: nocallRuns(seq) })
  })
  return tiles
}

/**
 * The steps of each tile an edit touches, in step order: visit(a, b, ei) for the tile of steps
 * a..b, whose edits are among edits[ei..] (see tileEdit).
 */
function cutTiles(
  p: PathTags,
  edits: readonly Edit[],
  visit: (a: number, b: number, ei: number) => void,
): void {
  const nTags = p.tags.length
  const last = nTags // last step
  // touched step ranges and broken tags
  const touched: number[] = []
  const broken = new Set<number>()
  for (const e of edits) {
    if (e.start < p.start || e.end > p.end || e.end < e.start)
      throw new ArgumentError(`edit [${e.start}, ${e.end}) outside path ${p.path}`)
    const nocall = e.alt.length === e.end - e.start && /^n*$/.test(e.alt)
    let lo: number
    let hi: number
    if (e.end > e.start) {
      // steps whose range meets [start, end): step s spans [tag s-1 start, tag s end)
      lo = upperTag(p, e.start - TAG_LENGTH) // first tag ending after start = first step ending after it
      hi = upperTag(p, e.end - 1) // tags starting at or before end-1 -> step after the last one
      if (!nocall) for (let t = upperTag(p, e.start - TAG_LENGTH); t < hi; t++) broken.add(t)
    } else {
      const q = e.start
      if (q === p.start) lo = hi = 0
      else if (q === p.end) lo = hi = last
      else {
        // insertion between q-1 and q
        const t = upperTag(p, q - 1) - 1 // last tag starting at or before q-1
        if (t >= 0 && q - (p.tagStarts[t] as number) < TAG_LENGTH) {
          broken.add(t)
          lo = t
          hi = t + 1
        } else lo = hi = t + 1
      }
    }
    touched.push(lo, hi)
  }
  if (touched.length === 0) return
  const order: number[] = []
  for (let i = 0; i < touched.length; i += 2) order.push(i)
  order.sort((a, b) => (touched[a] as number) - (touched[b] as number))
  let next = 0 // first step not yet in a tile
  let ei = 0 // edits before tiles already emitted
  for (const i of order) {
    const lo = Math.max(touched[i] as number, next)
    const hi = touched[i + 1] as number
    for (let a = lo; a <= hi; a = next) {
      let b = a
      while (b < last && broken.has(b)) b++
      // edits in the tile: skip those wholly before (they ended in earlier tiles)
      const start = stepStart(p, a)
      while (ei < edits.length && tileBefore(edits[ei] as Edit, start, p)) ei++
      visit(a, b, ei)
      next = b + 1
    }
  }
}

/**
 * Edit e's place in the tile [start, end): 1 if it and every later edit lie past the tile, 0 if
 * it ended before the tile, -1 if it is in the tile.
 */
function tileEdit(e: Edit, start: number, end: number, p: PathTags): number {
  if (e.start > end || (e.start === end && (e.end > e.start || end !== p.end))) return 1
  if (e.end <= start && !(e.end === start && e.start === start && start === p.start)) return 0
  return -1
}

/** What edit e puts in place of the reference [s, t) (a no-call run keeps the part inside). */
function editPiece(e: Edit, s: number, t: number): string {
  return e.end - e.start === e.alt.length ? e.alt.slice(s - e.start, t - e.start) : e.alt
}

/**
 * Call `piece(s, t, alt)` for each edit inside the tile [start, end) of steps a..b, in order:
 * the reference [s, t) it replaces (clipped to the tile) and what replaces it. `ei` is the first
 * edit not wholly before the tile.
 */
function tilePieces(
  p: PathTags,
  edits: readonly Edit[],
  ei: number,
  start: number,
  end: number,
  piece: (s: number, t: number, alt: string) => void,
): void {
  for (let k = ei; k < edits.length; k++) {
    const e = edits[k] as Edit
    const place = tileEdit(e, start, end, p)
    if (place > 0) break
    if (place === 0) continue
    const s = Math.max(e.start, start)
    const t = Math.min(e.end, end)
    piece(s, t, editPiece(e, s, t))
  }
}

/**
 * The sequence of the tile of steps a..b given by cutTiles; with `fill`, the no-call pieces hold
 * the reference bases they cover instead of `n`.
 */
function tileSeq(
  p: PathTags,
  refSeq: string,
  edits: readonly Edit[],
  ei: number,
  a: number,
  b: number,
  fill = false,
): string {
  const start = stepStart(p, a)
  const end = stepEnd(p, b)
  let seq = ''
  let at = start
  tilePieces(p, edits, ei, start, end, (s, t, alt) => {
    const piece =
      fill && alt.length === t - s && /^n+$/.test(alt)
        ? refSeq.slice(s - p.start, t - p.start)
        : alt
    seq += refSeq.slice(at - p.start, s - p.start) + piece
    at = t
  })
  return seq + refSeq.slice(at - p.start, end - p.start)
}

/**
 * A key that determines tileSeq(p, refSeq, edits, ei, a, b) — the steps and each edit's place
 * and piece — and is much shorter than the sequence.
 */
function tileSignature(p: PathTags, edits: readonly Edit[], ei: number, a: number, b: number) {
  let key = `${a}+${b}`
  tilePieces(p, edits, ei, stepStart(p, a), stepEnd(p, b), (s, t, alt) => {
    key += `;${s},${t},${alt}`
  })
  return key
}

/** Does edit e lie wholly before the tile starting at `start`? */
function tileBefore(e: Edit, start: number, p: PathTags): boolean {
  if (e.end > e.start) return e.end <= start
  return e.start < start || (e.start === start && start !== p.start)
}

/** A wildcard (n) match of `tag` at `at` in `seq`. */
function tagAt(seq: string, tag: string, at: number): boolean {
  for (let j = 0; j < TAG_LENGTH; j++) {
    const c = seq.charCodeAt(at + j)
    if (c !== tag.charCodeAt(j) && c !== 110) return false
  }
  return true
}

/** First match of tag in seq[from, to) (exact first, then with `n` as a wildcard). */
function findTag(seq: string, tag: string, from: number, to: number): number {
  const win = seq.slice(from, to)
  const exact = win.indexOf(tag)
  if (exact >= 0) return from + exact
  if (!win.includes('n')) return -1
  for (let i = from; i + TAG_LENGTH <= to; i++) if (tagAt(seq, tag, i)) return i
  return -1
}

/**
 * Tiles of a haplotype given as a whole sequence (lower case; e.g. from a Lightning FASTA pair),
 * for consecutive paths of one contig. `origin` is the reference position of hap[0] (0 for a whole
 * contig, p.start for one path's sequence). Tags are looked for in order, first where the last
 * tag found predicts (reference position plus the shift seen so far), then within `window` bases
 * of it; a tag not found makes a spanning tile. A path's end on the haplotype is its reference end
 * plus the shift at its last tag found (the contig end for the last path). Returns every tile of
 * every path.
 */
export function tilesFromSequence(
  paths: readonly PathTags[],
  hap: string,
  origin = 0,
  window = 10_000,
): Tile[][] {
  let shift = -origin
  let pathStart = 0
  return paths.map((p, pi) => {
    const found: number[] = []
    let from = pathStart
    for (let t = 0; t < p.tags.length; t++) {
      const tag = p.tags[t] as string
      const expect = (p.tagStarts[t] as number) + shift
      let at: number
      if (expect >= from && expect + TAG_LENGTH <= hap.length && tagAt(hap, tag, expect))
        at = expect
      else {
        const lo = Math.max(from, expect - window)
        at = findTag(hap, tag, lo, Math.min(hap.length, Math.max(lo, expect + window) + TAG_LENGTH))
      }
      found.push(at)
      if (at >= 0) {
        shift = at - (p.tagStarts[t] as number)
        from = at + TAG_LENGTH
      }
    }
    const pathEnd = pi === paths.length - 1 ? hap.length : Math.max(from, p.end + shift)
    const tiles: Tile[] = []
    let a = 0
    let start = pathStart
    for (let s = 0; s < p.tags.length; s++) {
      const at = found[s] as number
      if (at < 0) continue
      const seq = hap.slice(start, at + TAG_LENGTH)
      tiles.push({ step: a, span: s - a + 1, seq, nocalls: nocallRuns(seq) })
      a = s + 1
      start = at
    }
    const seq = hap.slice(start, pathEnd)
    tiles.push({ step: a, span: p.tags.length - a + 1, seq, nocalls: nocallRuns(seq) })
    pathStart = pathEnd
    return tiles
  })
}

/** The haplotype sequence back from its tiles: the first tile, then each next without its start tag. */
export function joinTiles(tiles: readonly Tile[]): string {
  return tiles.map((t, i) => (i === 0 ? t.seq : t.seq.slice(TAG_LENGTH))).join('')
}

/** Every tile of a haplotype: its non-reference tiles with the reference tiles in between. */
export function allTiles(
  p: PathTags,
  refTiles: readonly string[],
  sparse: readonly Tile[],
): Tile[] {
  const out: Tile[] = []
  let s = 0
  for (const t of sparse) {
    for (; s < t.step; s++) {
      const seq = refTiles[s] as string
      out.push({ step: s, span: 1, seq, nocalls: nocallRuns(seq) })
    }
    out.push(t)
    s = t.step + t.span
  }
  for (; s < stepCount(p); s++) {
    const seq = refTiles[s] as string
    out.push({ step: s, span: 1, seq, nocalls: nocallRuns(seq) })
  }
  return out
}

export function md5Hex(seq: string): string {
  return createHash('md5').update(seq, 'latin1').digest('hex')
}

interface RawEntry {
  step: number
  span: number
  seq: string
  /** seq with the `n` of no-call edits filled by the reference bases under them (addEdits) */
  refFilled: string | undefined
  /** nocallRuns(seq), for addEdits */
  runs: number[]
  count: number
  /** next entry with the same sequence (at another step or span), -1 at the end of the chain */
  next: number
}

/** addEdits: a tile equal to the reference tile */
const REF_TILE = -1

/** Shared by every step without no-calls; frozen so that no consumer can fill it. */
const NO_RUNS = Object.freeze([]) as unknown as number[]

/**
 * Collects the tiles of every haplotype of one path, then numbers the variants. Memory: the
 * distinct tiles of the path (indexed by sequence alone, so that no key string is built per tile;
 * a tile with no-calls by step and sequence)
 * plus, per haplotype, only its non-reference tiles (their entries, which know their step).
 *
 * With a spill, the haplotypes come window by window (consecutive step ranges no tile crosses:
 * every haplotype's edits of the window, then endWindow), and each window's non-reference tiles go
 * to the spill instead of memory; finish() then gives the rows read back from it, not haplotypes.
 */
export class PathLibraryBuilder {
  private readonly nSteps: number
  private readonly refTiles: string[]
  private readonly refRuns: (number[] | undefined)[]
  private readonly covered: Int32Array
  private readonly raw: RawEntry[] = []
  private readonly index = new Map<string, number>()
  /** addEdits: tileSignature -> raw entry, or REF_TILE */
  private readonly bySignature = new Map<string, number>()
  /** per haplotype: the raw entries of its non-reference tiles, in step order */
  private readonly haps: (Int32Array | undefined)[]
  private readonly hapRuns: (Map<number, number[]> | undefined)[]
  /** the haplotype being added: its raw entries in scratch[0, nTaken), its runs */
  private scratch = new Int32Array(256)
  private nTaken = 0
  private takenRuns: Map<number, number[]> | undefined
  /** with a spill: the open window's first step, its haplotypes added, and their tiles */
  private windowFrom = 0
  private readonly windowAdded: Uint8Array | undefined
  private nWindowAdded = 0
  private readonly windowBytes = new ByteSink()

  constructor(
    readonly path: PathTags,
    private readonly refSeq: string,
    readonly nHaplotypes: number,
    private readonly spill?: RowSpill,
  ) {
    this.nSteps = stepCount(path)
    this.refTiles = referenceTiles(path, refSeq)
    this.refRuns = this.refTiles.map((t) => {
      const r = nocallRuns(t)
      return r.length ? r : undefined
    })
    this.covered = new Int32Array(this.nSteps)
    this.haps = new Array<Int32Array | undefined>(spill ? 0 : nHaplotypes)
    this.hapRuns = new Array<Map<number, number[]> | undefined>(spill ? 0 : nHaplotypes)
    this.windowAdded = spill ? new Uint8Array(nHaplotypes) : undefined
    spill?.reset()
  }

  /** Reference tiles (span 1) of this path. */
  get referenceTiles(): readonly string[] {
    return this.refTiles
  }

  /** The raw entry of a tile, added with count 0 if new. */
  private entry(
    step: number,
    span: number,
    seq: string,
    runs: number[],
    refFilled?: string,
  ): number {
    // A tile with no-calls is keyed with its step: runs of n of one length recur at every step
    // where a sample has no data, and one chain through all of them would make this quadratic.
    const key = runs.length ? `${step}:${seq}` : seq
    const first = this.index.get(key)
    let id = first ?? -1
    for (; id >= 0; id = (this.raw[id] as RawEntry).next) {
      const r = this.raw[id] as RawEntry
      if (r.step === step && r.span === span && r.refFilled === refFilled) return id
    }
    id = this.raw.length
    this.raw.push({ step, span, seq, refFilled, runs, count: 0, next: first ?? -1 })
    this.index.set(key, id)
    return id
  }

  /**
   * Add haplotype h: its tiles in step order, either all of them or only those that differ
   * from the reference (a tile equal to the reference tile counts as the reference).
   */
  add(h: number, tiles: readonly Tile[]): void {
    this.checkNew(h)
    let next = 0
    for (const t of tiles) {
      if (t.step < next || t.span < 1 || t.step + t.span > this.nSteps)
        throw new ArgumentError(`tile at step ${t.step} span ${t.span} out of order or range`)
      next = t.step + t.span
      if (t.span === 1 && t.seq === this.refTiles[t.step]) continue
      this.take(this.entry(t.step, t.span, t.seq, t.nocalls), t.nocalls)
    }
    this.close(h)
  }

  /**
   * Add haplotype h from its edits in the path (what add(h, tilesFromEdits(...)) does): a tile
   * whose steps and edits were seen before is found by that short signature, without building
   * its sequence again.
   */
  addEdits(h: number, edits: readonly Edit[]): void {
    this.checkNew(h)
    const p = this.path
    cutTiles(p, edits, (a, b, ei) => {
      const key = tileSignature(p, edits, ei, a, b)
      let id = this.bySignature.get(key)
      if (id === undefined) {
        const seq = tileSeq(p, this.refSeq, edits, ei, a, b)
        const runs = nocallRuns(seq)
        // the n of no-call edits (not those of the reference) get the reference bases
        const filled =
          runs.length && !(a === b && seq === this.refTiles[a])
            ? tileSeq(p, this.refSeq, edits, ei, a, b, true)
            : undefined
        id =
          a === b && seq === this.refTiles[a]
            ? REF_TILE
            : this.entry(a, b - a + 1, seq, runs, filled === seq ? undefined : filled)
        this.bySignature.set(key, id)
      }
      if (id !== REF_TILE) this.take(id, (this.raw[id] as RawEntry).runs)
    })
    this.close(h)
  }

  private checkNew(h: number): void {
    if (!Number.isInteger(h) || h < 0 || h >= this.nHaplotypes)
      throw new ArgumentError(`haplotype ${h} out of range [0, ${this.nHaplotypes})`)
    if (this.windowAdded ? this.windowAdded[h] : this.haps[h])
      throw new ArgumentError(`haplotype ${h} was added twice`)
    this.nTaken = 0
    this.takenRuns = undefined
  }

  /** One non-reference tile of the haplotype being added. */
  private take(id: number, runs: number[]): void {
    const r = this.raw[id] as RawEntry
    r.count++
    if (this.nTaken === this.scratch.length) {
      const grown = new Int32Array(2 * this.scratch.length)
      grown.set(this.scratch)
      this.scratch = grown
    }
    this.scratch[this.nTaken++] = id
    for (let s = r.step; s < r.step + r.span; s++) this.covered[s]!++
    // runs are kept where they differ from what the reference tile would give
    if (runs.length || this.refRuns[r.step]) (this.takenRuns ??= new Map()).set(r.step, runs)
  }

  private close(h: number): void {
    if (!this.windowAdded) {
      this.haps[h] = this.scratch.slice(0, this.nTaken)
      this.hapRuns[h] = this.takenRuns
      return
    }
    this.windowAdded[h] = 1
    this.nWindowAdded++
    if (this.nTaken === 0 && !this.takenRuns) return
    // the window's record of h: h, its raw entries, its runs by step (from the window's start)
    const out = this.windowBytes
    pushVarint(out, h)
    pushVarint(out, this.nTaken)
    for (let i = 0; i < this.nTaken; i++) pushVarint(out, this.scratch[i]!)
    pushVarint(out, this.takenRuns?.size ?? 0)
    for (const [step, runs] of this.takenRuns ?? []) {
      pushVarint(out, step - this.windowFrom)
      pushVarint(out, runs.length)
      for (const x of runs) pushVarint(out, x)
    }
  }

  /** With a spill: every haplotype of the steps [window start, to) was added; spill them. */
  async endWindow(to: number): Promise<void> {
    if (!this.spill) throw new ArgumentError('endWindow needs a builder with a spill')
    if (this.nWindowAdded !== this.nHaplotypes || to <= this.windowFrom || to > this.nSteps)
      throw new ArgumentError(
        `window [${this.windowFrom}, ${to}) of path ${this.path.path}: ` +
          `${this.nWindowAdded} of ${this.nHaplotypes} haplotypes added`,
      )
    await this.spill.append(this.windowFrom, to, this.windowBytes.view())
    this.windowBytes.clear()
    this.windowFrom = to
    this.windowAdded!.fill(0)
    this.nWindowAdded = 0
  }

  /**
   * Number the variants and return the library; every haplotype must have been added (with a
   * spill: every window ended, the last at the path's end).
   */
  finish(): PathLibrary
  finish(spilled: 'spilled'): PathVariants
  finish(spilled?: 'spilled'): PathVariants {
    if (this.spill ? spilled === undefined || this.windowFrom !== this.nSteps : spilled)
      throw new ArgumentError(
        `path ${this.path.path}: ${this.spill ? 'windows not all ended' : 'no spill'}`,
      )
    for (let h = 0; h < this.haps.length; h++)
      if (!this.haps[h])
        throw new ArgumentError(`haplotype ${h} of path ${this.path.path} was not added`)
    const p = this.path
    const nSteps = this.nSteps
    // the reference tile of each step as a raw entry
    const refId = new Int32Array(nSteps)
    for (let s = 0; s < nSteps; s++) {
      const seq = this.refTiles[s] as string
      const id = this.entry(s, 1, seq, this.refRuns[s] ?? NO_RUNS)
      ;(this.raw[id] as RawEntry).count += this.nHaplotypes - (this.covered[s] as number)
      refId[s] = id
    }
    this.index.clear()
    this.bySignature.clear()
    // per step: fill, merge, order
    const byStep: number[][] = Array.from({ length: nSteps }, () => [])
    this.raw.forEach((r, id) => (byStep[r.step] as number[]).push(id))
    const finalOf = new Int32Array(this.raw.length)
    const variants: LibraryVariant[][] = []
    for (let s = 0; s < nSteps; s++) {
      const ids = byStep[s] as number[]
      const merged = new Map<string, LibraryVariant & { ids: number[] }>()
      for (const id of ids) {
        const r = this.raw[id] as RawEntry
        const filled = r.seq.includes('n') ? this.fill(r, ids) : r.seq
        const key = `${r.span}:${filled}`
        let m = merged.get(key)
        if (!m) {
          m = { sequence: filled, md5: md5Hex(filled), span: r.span, count: 0, ids: [] }
          merged.set(key, m)
        }
        m.count += r.count
        m.ids.push(id)
      }
      const list = [...merged.values()]
        // the reference tile stays in the library even when no haplotype carries it: VCF
        // export and the resolver rebuild the reference from it
        .filter((m) => m.count > 0 || m.ids.includes(refId[s]!))
        .sort(
          (a, b) => b.count - a.count || (a.md5 < b.md5 ? -1 : a.md5 > b.md5 ? 1 : a.span - b.span),
        )
      list.forEach((m, i) => m.ids.forEach((id) => (finalOf[id] = i)))
      variants.push(list.map(({ sequence, md5, span, count }) => ({ sequence, md5, span, count })))
    }
    const refVariant = new Int32Array(nSteps)
    for (let s = 0; s < nSteps; s++) refVariant[s] = finalOf[refId[s] as number] as number
    const spanOf = Int32Array.from(this.raw, (r) => r.span)
    const haps = this.haps as Int32Array[]
    const hapRuns = this.hapRuns
    const refRuns = this.refRuns
    const refRunSteps: number[] = []
    refRuns.forEach((r, s) => r && refRunSteps.push(s))
    const nHaplotypes = this.nHaplotypes
    const stepOf = Int32Array.from(this.raw, (r) => r.step)
    if (this.spill) {
      const spill = this.spill
      const tables = { finalOf, stepOf, spanOf, refVariant, refRuns, nHaplotypes }
      // one buffer of values for every window, so that windows do not pile up until a GC
      let values = new Int32Array(0)
      return {
        path: p,
        nSteps,
        variants,
        refVariant,
        nHaplotypes,
        async *rows(signal) {
          for await (const w of spill.read()) {
            checkAbort(signal)
            const n = (w.to - w.from) * nHaplotypes
            if (values.length < n) values = new Int32Array(n)
            yield* windowRows(w, tables, values)
          }
        },
      }
    }
    const idsOf = (h: number): Int32Array => {
      const ids = haps[h]
      if (!Number.isInteger(h) || !ids) throw new ArgumentError(`haplotype ${h} out of range`)
      return ids
    }
    const lib: PathLibrary = {
      path: p,
      nSteps,
      variants,
      refVariant,
      nHaplotypes,
      haplotype(h: number, out = new Int32Array(nSteps)): Int32Array {
        out.set(refVariant)
        for (const id of idsOf(h)) {
          const step = stepOf[id] as number
          out[step] = finalOf[id] as number
          out.fill(-1, step + 1, step + (spanOf[id] as number))
        }
        return out
      },
      nocalls(h: number, step: number): number[] {
        const ids = idsOf(h)
        if (!Number.isInteger(step) || step < 0 || step >= nSteps) return NO_RUNS
        // the last non-reference tile anchored at or before step: is step inside it?
        const k = partitionPoint(ids.length, (i) => (stepOf[ids[i] as number] as number) <= step)
        const id = ids[k - 1]
        if (id !== undefined) {
          const anchor = stepOf[id] as number
          if (step > anchor && step < anchor + (spanOf[id] as number)) return NO_RUNS
        }
        return hapRuns[h]?.get(step) ?? refRuns[step] ?? NO_RUNS
      },
      nocallLists(h: number, out = new Array<number[]>(nSteps)): number[][] {
        const ids = idsOf(h)
        out.length = nSteps
        out.fill(NO_RUNS)
        for (const s of refRunSteps) out[s] = refRuns[s] as number[]
        for (const id of ids) {
          const step = stepOf[id] as number
          out.fill(NO_RUNS, step + 1, step + (spanOf[id] as number))
        }
        for (const [s, runs] of hapRuns[h] ?? []) out[s] = runs
        return out
      },
      rows: (signal) => rowsOfHaplotypes(lib, signal),
    }
    return lib
  }

  /** The library sequence of a tile with no-calls (rule in the file comment). */
  private fill(r: RawEntry, sameStep: number[]): string {
    const p = this.path
    const lastStep = r.step + r.span - 1
    const startTag = r.step > 0 ? (p.tags[r.step - 1] as string) : ''
    const endTag = lastStep < p.tags.length ? (p.tags[lastStep] as string) : ''
    const ref = this.refSeq.slice(stepStart(p, r.step) - p.start, stepEnd(p, lastStep) - p.start)
    let donor: RawEntry | undefined
    for (const id of sameStep) {
      const o = this.raw[id] as RawEntry
      if (o.span === r.span && o.seq.length === r.seq.length && !o.seq.includes('n'))
        if (!donor || o.count > donor.count || (o.count === donor.count && o.seq < donor.seq))
          donor = o
    }
    const seq = r.refFilled ?? r.seq
    if (!seq.includes('n')) return seq
    const L = seq.length
    const out: string[] = []
    for (let i = 0; i < L; i++) {
      const c = seq[i] as string
      if (c !== 'n') out.push(c)
      else if (i < startTag.length) out.push(startTag[i] as string)
      else if (endTag && i >= L - TAG_LENGTH) out.push(endTag[i - (L - TAG_LENGTH)] as string)
      else if (ref.length === L && ref[i] !== 'n') out.push(ref[i] as string)
      else if (donor) out.push(donor.seq[i] as string)
      else out.push('a')
    }
    return out.join('')
  }
}

/**
 * Values of matrix rows held at once while a library's haplotypes are read back (about 64 MiB): a
 * haplotype is read back whole (PathLibrary.haplotype), so a path is read once per block of rows.
 */
const ROW_BLOCK_VALUES = 1 << 24

/** The matrix rows of a library with every haplotype at hand, a block of rows at a time. */
export async function* rowsOfHaplotypes(
  lib: PathLibrary,
  signal: AbortSignal | undefined,
): AsyncGenerator<PathRow> {
  const nHaps = lib.nHaplotypes
  const block = Math.max(1, Math.min(lib.nSteps, Math.floor(ROW_BLOCK_VALUES / Math.max(1, nHaps))))
  const values = new Int32Array(block * nHaps)
  const variants = new Int32Array(lib.nSteps)
  const nocalls = new Array<number[]>(lib.nSteps)
  const rowNocalls: [number, number[]][][] = Array.from({ length: block }, () => [])
  for (let first = 0; first < lib.nSteps; first += block) {
    const n = Math.min(block, lib.nSteps - first)
    for (const list of rowNocalls) list.length = 0
    for (let h = 0; h < nHaps; h++) {
      if (h % 128 === 0) checkAbort(signal)
      lib.haplotype(h, variants)
      lib.nocallLists(h, nocalls)
      for (let r = 0; r < n; r++) {
        values[r * nHaps + h] = variants[first + r]!
        const runs = nocalls[first + r]!
        if (runs.length > 0) rowNocalls[r]!.push([h, runs])
      }
    }
    for (let r = 0; r < n; r++)
      yield { values: values.subarray(r * nHaps, (r + 1) * nHaps), nocalls: rowNocalls[r]! }
  }
}

/**
 * The matrix rows of one spilled window (PathLibraryBuilder.close wrote it): every haplotype has
 * the reference variant but those listed, and the reference tile's runs at a step unless it
 * lists its own there or a spanning tile of it covers the step.
 */
function* windowRows(
  w: { from: number; to: number; bytes: Uint8Array },
  t: {
    finalOf: Int32Array
    stepOf: Int32Array
    spanOf: Int32Array
    refVariant: Int32Array
    refRuns: readonly (number[] | undefined)[]
    nHaplotypes: number
  },
  values: Int32Array,
): Generator<PathRow> {
  const nHaps = t.nHaplotypes
  const n = w.to - w.from
  for (let r = 0; r < n; r++) values.fill(t.refVariant[w.from + r]!, r * nHaps, (r + 1) * nHaps)
  const own: [number, number[]][][] = Array.from({ length: n }, () => [])
  // haplotypes inside a spanning tile, at the rows where the reference tile has runs
  const covered: number[][] = Array.from({ length: n }, () => [])
  const c = new ByteCursor(w.bytes, 'row spill', w.from)
  while (c.at < c.end) {
    const h = c.varint('haplotype')
    for (let k = c.varint('tiles'); k > 0; k--) {
      const id = c.varint('tile')
      const r = t.stepOf[id]! - w.from
      values[r * nHaps + h] = t.finalOf[id]!
      for (let j = 1; j < t.spanOf[id]!; j++) {
        values[(r + j) * nHaps + h] = -1
        if (t.refRuns[w.from + r + j]) covered[r + j]!.push(h)
      }
    }
    for (let k = c.varint('runs'); k > 0; k--) {
      const r = c.varint('step')
      const runs = new Array<number>(c.varint('run length'))
      for (let i = 0; i < runs.length; i++) runs[i] = c.varint('run')
      own[r]!.push([h, runs])
    }
  }
  for (let r = 0; r < n; r++) {
    const refRuns = t.refRuns[w.from + r]
    const listed = own[r]!
    let nocalls: [number, number[]][]
    if (!refRuns) nocalls = listed.filter(([, runs]) => runs.length > 0)
    else {
      nocalls = []
      const skip = covered[r]!
      let i = 0
      let j = 0
      for (let h = 0; h < nHaps; h++) {
        if (i < listed.length && listed[i]![0] === h) {
          const runs = listed[i++]![1]
          if (runs.length > 0) nocalls.push([h, runs])
        } else if (j < skip.length && skip[j] === h) j++
        else nocalls.push([h, refRuns])
      }
    }
    yield { values: values.subarray(r * nHaps, (r + 1) * nHaps), nocalls }
  }
}

/** The band (spec §9) of sample i: haplotypes 2i and 2i+1. */
export function bandOf(lib: PathLibrary, sample: number): Band {
  const h = 2 * sample
  if (!Number.isInteger(sample) || sample < 0 || h + 1 >= lib.nHaplotypes)
    throw new ArgumentError(`sample ${sample} out of range`)
  const a = lib.haplotype(h)
  const b = lib.haplotype(h + 1)
  return {
    variants: [Array.from(a), Array.from(b)],
    nocalls: [lib.nocallLists(h), lib.nocallLists(h + 1)],
  }
}
