// Tag picking (spec §1.1): paths over the reference, and in each path 24-mers that occur exactly
// once in the whole reference on both strands, contain no N, and start at least `minSpacing`
// bases after the previous tag ends (the first at least `minSpacing` after the path start; a
// candidate that leaves `minSpacing` bases or fewer before the path end is not taken, so the last
// tile is extended to the path end instead). Deterministic: a greedy left-to-right walk.
//
// Uniqueness: every k-mer of the reference is encoded as its canonical 2-bit code
// (min(forward, reverse complement), 48 bits for k = 24, exact in a float64) into one
// Float64Array, which is sorted once. A candidate is unique when its canonical code occurs once in
// the sorted array (binary search) and it is not its own reverse complement (a palindrome occurs
// on both strands at the same place, so it counts twice). chr20 (63 Mb): 63 M codes = 504 MB.
//
// Scaling to a 3 Gb genome (3e9 codes = 24 GB in one array) would partition the canonical codes by
// their top bits into P passes (P = 32 keeps each pass near 750 MB): in pass i, scan the
// reference, keep the codes whose prefix is i, sort them, then scan again and set bit `pos` of a
// genome-wide `unique` bitset (3e9 bits = 375 MB) for every position whose code (prefix i) occurs
// once. The greedy walk then reads the bitset instead of searching. The reference itself is
// read per contig in chunks and held as 1 byte per base (or 2 bits packed for a 3 Gb genome).
import { readFileSync } from 'node:fs'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { partitionPoint } from '../core/search.js'
import type { ReferenceFasta } from './reference.js'

export const TAG_LENGTH = 24

/** One tile path with its tags. Steps: 0..tags.length; step s ends at tagStarts[s] + 24. */
export interface PathTags {
  path: number
  chrom: string
  /** 0-based start on chrom (the previous path's end on the same chromosome, or 0). */
  start: number
  /** 0-based exclusive end. */
  end: number
  /** Lower-case tags, in order. */
  tags: string[]
  /** 0-based reference start of each tag. */
  tagStarts: Float64Array
}

/** A path interval from a BED file (or given directly): 0-based half-open. */
export interface PathInterval {
  chrom: string
  start: number
  end: number
}

export interface TagProgress {
  phase: 'read' | 'encode' | 'sort' | 'pick'
  done: number
  total: number
}

export interface PickTagsOptions extends AbortOptions {
  /** Maximum bases per path when no `boundaries` are given (default 4,000,000). */
  pathLength?: number
  /** Path boundaries (e.g. a cytoband BED), one path per interval, numbered in this order. */
  boundaries?: PathInterval[]
  /** Contigs to cut into paths in `pathLength` mode (default: all, in reference order). */
  contigs?: string[]
  /** Minimum bases between a tag's end and the next tag's start (default 200). */
  minSpacing?: number
  onProgress?: (p: TagProgress) => void
}

const MAX_STEPS = 0x10000
const MAX_PATHS = 0x10000
const FETCH_CHUNK = 1 << 23
const NOT_BASE = 4
const BASE_CODE = new Uint8Array(256).fill(NOT_BASE)
BASE_CODE[0x61] = BASE_CODE[0x41] = 0 // a
BASE_CODE[0x63] = BASE_CODE[0x43] = 1 // c
BASE_CODE[0x67] = BASE_CODE[0x47] = 2 // g
BASE_CODE[0x74] = BASE_CODE[0x54] = 3 // t
const K_HIGH = 2 ** (2 * (TAG_LENGTH - 1))
const K_MOD = 2 ** (2 * (TAG_LENGTH - 1))

/** Step count of a path. */
export function stepCount(p: PathTags): number {
  return p.tags.length + 1
}

/** 0-based reference start of step s: the start of tag s-1, or the path start. */
export function stepStart(p: PathTags, s: number): number {
  return s === 0 ? p.start : (p.tagStarts[s - 1] as number)
}

/** 0-based exclusive reference end of step s: the end of tag s, or the path end. */
export function stepEnd(p: PathTags, s: number): number {
  return s >= p.tags.length ? p.end : (p.tagStarts[s] as number) + TAG_LENGTH
}

/** Parse a BED of path boundaries (chrom, start, end; 0-based; comments and track lines ignored). */
export function parsePathBed(text: string, file = 'BED'): PathInterval[] {
  const out: PathInterval[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '')
    if (line === '' || line.startsWith('#') || /^(track|browser)\b/.test(line)) continue
    const f = line.split('\t')
    const start = Number(f[1])
    const end = Number(f[2])
    if (
      f.length < 3 ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end < start
    )
      throw new FormatError('expected chrom<TAB>start<TAB>end with 0 <= start <= end', {
        file,
        line: i + 1,
      })
    out.push({ chrom: f[0] as string, start, end })
  }
  return out
}

export function readPathBed(file: string): PathInterval[] {
  return parsePathBed(readFileSync(file, 'utf8'), file)
}

/** Check that intervals tile each of their chromosomes from 0 to its end, without gaps. */
function checkBoundaries(ref: ReferenceFasta, bed: PathInterval[]): void {
  const lastEnd = new Map<string, number>()
  let prev: string | undefined
  bed.forEach((iv, i) => {
    const where = `path boundary ${i + 1} (${iv.chrom}:${iv.start}-${iv.end})`
    if (!ref.has(iv.chrom)) throw new ArgumentError(`${where}: contig absent from the reference`)
    const want = lastEnd.get(iv.chrom) ?? 0
    if (iv.chrom !== prev && lastEnd.has(iv.chrom))
      throw new ArgumentError(`${where}: the intervals of ${iv.chrom} are not consecutive`)
    if (iv.start !== want)
      throw new ArgumentError(`${where}: expected a path starting at ${want} (the previous end)`)
    lastEnd.set(iv.chrom, iv.end)
    prev = iv.chrom
  })
  for (const [chrom, end] of lastEnd)
    if (end !== ref.length(chrom))
      throw new ArgumentError(
        `path boundaries of ${chrom} end at ${end}, not at its length ${ref.length(chrom)}`,
      )
}

/** The paths' intervals: the given boundaries, or each contig cut every `pathLength` bases. */
export function pathIntervals(ref: ReferenceFasta, opts: PickTagsOptions = {}): PathInterval[] {
  let out: PathInterval[]
  if (opts.boundaries) {
    checkBoundaries(ref, opts.boundaries)
    out = opts.boundaries.map((b) => ({ ...b }))
  } else {
    const pathLength = opts.pathLength ?? 4_000_000
    if (!Number.isInteger(pathLength) || pathLength < 1)
      throw new ArgumentError(`path length must be a positive integer, got ${pathLength}`)
    out = []
    for (const chrom of opts.contigs ?? ref.contigs.map((c) => c.name)) {
      const len = ref.length(chrom)
      const n = Math.max(1, Math.ceil(len / pathLength))
      // equal-sized paths rather than a short remainder at the end
      for (let i = 0; i < n; i++)
        out.push({ chrom, start: Math.floor((len * i) / n), end: Math.floor((len * (i + 1)) / n) })
    }
  }
  if (out.length > MAX_PATHS)
    throw new ArgumentError(`${out.length} paths: at most ${MAX_PATHS} are addressable`)
  return out
}

/** Read a contig as 2-bit base codes (4 = not a/c/g/t). */
async function readCodes(
  ref: ReferenceFasta,
  chrom: string,
  opts: AbortOptions,
  progress: (n: number) => void,
): Promise<Uint8Array> {
  const len = ref.length(chrom)
  const codes = new Uint8Array(len)
  for (let b = 0; b < len; b += FETCH_CHUNK) {
    const seq = await ref.fetch(chrom, b, Math.min(len, b + FETCH_CHUNK), opts)
    for (let i = 0; i < seq.length; i++) codes[b + i] = BASE_CODE[seq.charCodeAt(i)] as number
    progress(seq.length)
  }
  return codes
}

/** Canonical code of every N-free k-mer of `codes`, appended to `out` from `n`; returns new n. */
function encodeKmers(codes: Uint8Array, out: Float64Array, n: number): number {
  let fwd = 0
  let rc = 0
  let valid = 0
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number
    if (c === NOT_BASE) {
      valid = 0
      continue
    }
    fwd = (fwd % K_MOD) * 4 + c
    rc = Math.floor(rc / 4) + (3 - c) * K_HIGH
    if (++valid >= TAG_LENGTH) out[n++] = fwd < rc ? fwd : rc
  }
  return n
}

function occursOnce(sorted: Float64Array, code: number): boolean {
  const lo = partitionPoint(sorted.length, (i) => (sorted[i] as number) < code)
  return sorted[lo] === code && sorted[lo + 1] !== code
}

function decode(codes: Uint8Array, at: number): string {
  let s = ''
  for (let j = 0; j < TAG_LENGTH; j++) s += 'acgt'[codes[at + j] as number]
  return s
}

/** Greedy tag choice in [start, end) of one contig. */
function pickInPath(
  codes: Uint8Array,
  sorted: Float64Array,
  iv: PathInterval,
  minSpacing: number,
): number[] {
  const starts: number[] = []
  let p = iv.start + minSpacing
  // a tag must leave more than minSpacing bases before the path end
  const last = iv.end - TAG_LENGTH - minSpacing - 1
  scan: while (p <= last) {
    let fwd = 0
    let rc = 0
    for (let j = 0; j < TAG_LENGTH; j++) {
      const c = codes[p + j] as number
      if (c === NOT_BASE) {
        p += j + 1
        continue scan
      }
      fwd = fwd * 4 + c
      rc += (3 - c) * 4 ** j
    }
    if (fwd !== rc && occursOnce(sorted, fwd < rc ? fwd : rc)) {
      starts.push(p)
      p += TAG_LENGTH + minSpacing
    } else p++
  }
  return starts
}

/**
 * Pick the tags of every path of `ref`. Paths are numbered 0, 1, ... in interval order; a path
 * starts where the previous path of the same chromosome ends, so tiles never overlap across paths.
 */
export async function pickTags(
  ref: ReferenceFasta,
  opts: PickTagsOptions = {},
): Promise<PathTags[]> {
  const minSpacing = opts.minSpacing ?? 200
  const intervals = pathIntervals(ref, opts)
  const total = ref.contigs.reduce((a, c) => a + c.length, 0)
  const report = opts.onProgress ?? (() => undefined)

  // uniqueness is over the whole reference given, not only the contigs being tiled
  const codes = new Map<string, Uint8Array>()
  let read = 0
  for (const c of ref.contigs) {
    codes.set(
      c.name,
      await readCodes(ref, c.name, opts, (n) =>
        report({ phase: 'read', done: (read += n), total }),
      ),
    )
  }
  checkAbort(opts.signal)
  let cap = 0
  for (const c of ref.contigs) cap += Math.max(0, c.length - TAG_LENGTH + 1)
  const all = new Float64Array(cap)
  let n = 0
  for (const c of ref.contigs) {
    n = encodeKmers(codes.get(c.name) as Uint8Array, all, n)
    report({ phase: 'encode', done: n, total: cap })
  }
  const sorted = all.subarray(0, n)
  report({ phase: 'sort', done: 0, total: n })
  sorted.sort()
  report({ phase: 'sort', done: n, total: n })
  checkAbort(opts.signal)

  const out: PathTags[] = []
  intervals.forEach((iv, i) => {
    const contig = codes.get(iv.chrom) as Uint8Array
    const starts = pickInPath(contig, sorted, iv, minSpacing)
    if (starts.length + 1 >= MAX_STEPS)
      throw new ArgumentError(
        `path ${i} (${iv.chrom}:${iv.start}-${iv.end}) would have ${starts.length + 1} steps; ` +
          `at most ${MAX_STEPS - 1} fit: use shorter paths`,
      )
    out.push({
      path: i,
      chrom: iv.chrom,
      start: iv.start,
      end: iv.end,
      tags: starts.map((s) => decode(contig, s)),
      tagStarts: Float64Array.from(starts),
    })
    report({ phase: 'pick', done: i + 1, total: intervals.length })
  })
  return out
}

/**
 * Paths from tags given in advance (e.g. Lightning's own tag library): each tag is looked up on
 * the forward strand of `chrom`'s sequence, in order, after the previous one. Tags not found are
 * dropped (the reference then has a spanning tile there, as in an assembly that skips steps).
 */
export function pathFromGivenTags(
  path: number,
  chrom: string,
  seq: string,
  tags: string[],
): PathTags {
  const kept: string[] = []
  const starts: number[] = []
  let from = 0
  for (const raw of tags) {
    const tag = raw.toLowerCase()
    const at = seq.indexOf(tag, from)
    if (at < 0) continue
    kept.push(tag)
    starts.push(at)
    from = at + TAG_LENGTH
  }
  return {
    path,
    chrom,
    start: 0,
    end: seq.length,
    tags: kept,
    tagStarts: Float64Array.from(starts),
  }
}
