// Tile variants of many haplotypes → normalised multi-sample VCF records, streamed. Also the
// canonicaliser that puts any VCF into the same form, for comparisons. Browser-safe (no I/O).
//
// Speed: a cohort has thousands of samples but only a handful of distinct variants per tile, so
// each distinct tile variant is aligned and normalised once (TileVariantCaller memoises by the
// caller's key); per haplotype only the variant's ready list and its no-call runs are merged.
import VCFParser from '@gmod/vcf'
import { checkAbort, FormatError, LightningError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { alignTile, altToRef } from './align.js'
import type { Edit } from './align.js'
import { canonicalVariants, normalizeEdit, smallestPeriod, variantKey } from './normalize.js'
import type { RefAccessor, Variant } from './normalize.js'
import { formatVcfRecord } from './vcfBytes.js'

export interface Contig {
  name: string
  length: number
}

export interface SampleInfo {
  name: string
  phased: boolean
}

/** Genotype codes of one haplotype at a site. */
export const GT_REF = 0
export const GT_ALT = 1
export const GT_NOCALL = 2

/** One biallelic record: `gt` holds two codes per sample (haplotype 1, haplotype 2). */
export interface VcfRecord {
  chrom: string
  /** 0-based position of the first REF base. */
  pos: number
  /** the ID column (`.` when absent) */
  id?: string | undefined
  ref: string
  alt: string
  /** the INFO column (`.` when absent) */
  info?: string | undefined
  gt: Uint8Array
  /** Per sample: 1 when its genotype is phased (written with `|`). */
  phased: Uint8Array
}

/** The reference of a contig, loaded once per contig (e.g. the whole sequence, or a window). */
export type ReferenceSource = (chrom: string) => RefAccessor | Promise<RefAccessor>

// ---------------------------------------------------------------------------------------------
// one distinct tile variant → its canonical variants

export interface TileVariantSource {
  /** Reference span of the tile (spanning tiles: anchor start to the end of the last step). */
  refStart: number
  refEnd: number
  /** The tile variant's sequence, tags included. */
  seq: string
}

export interface CalledTileVariant {
  refStart: number
  /** Alignment to the reference tile, tile coordinates. */
  edits: Edit[]
  /** Canonical variants, contig coordinates. */
  variants: Variant[]
  /** No-call reference intervals from `n` in the sequence itself (flat, contig coordinates). */
  nocalls: number[]
}

/**
 * Aligns and normalises tile variants, each distinct key once. Keys name the tile variants of one
 * block (a store's are `step.variant` of one path), so each block gets its own caller.
 */
export class TileVariantCaller {
  private readonly memo = new Map<string, CalledTileVariant>()
  constructor(private readonly ref: RefAccessor) {}

  /** The called variant for `key`; `src` is read only the first time a key is seen. */
  call(key: string, src: TileVariantSource | (() => TileVariantSource)): CalledTileVariant {
    let hit = this.memo.get(key)
    if (hit) return hit
    const s = typeof src === 'function' ? src() : src
    const refSeq = this.ref(s.refStart, s.refEnd)
    if (refSeq.length !== s.refEnd - s.refStart)
      throw new LightningError(
        `tile ${key}: the reference holds ${refSeq.length} of the ${s.refEnd - s.refStart} bases of [${s.refStart}, ${s.refEnd})`,
      )
    const al = alignTile(refSeq, s.seq)
    const variants: Variant[] = []
    for (const e of al.edits)
      variants.push(...normalizeEdit({ pos: s.refStart + e.pos, ref: e.ref, alt: e.alt }, this.ref))
    hit = {
      refStart: s.refStart,
      edits: al.edits,
      variants,
      nocalls: al.nocalls.map((x) => x + s.refStart),
    }
    this.memo.set(key, hit)
    return hit
  }

  /** Map a haplotype's no-call runs (flat `[start, len, ...]` in the tile variant, as in a band)
   * to reference intervals (flat `[start, end, ...]`, contig coordinates). */
  nocallsToRef(called: CalledTileVariant, runs: ArrayLike<number>): number[] {
    const out = called.nocalls.slice()
    for (let k = 0; k + 1 < runs.length; k += 2) {
      const s = runs[k]!
      const [a, b] = altToRef(called.edits, s, s + runs[k + 1]!)
      out.push(called.refStart + a, called.refStart + b)
    }
    return out
  }
}

// ---------------------------------------------------------------------------------------------
// per-haplotype variant lists → biallelic multi-sample sites

interface Site extends Variant {
  gt: Uint8Array
  /** the cohort carries it (see `GenotypeMerger.declare`): reported even if no haplotype here does */
  known?: boolean
  /** handed out by `flush` (no longer merged into) */
  flushed?: boolean
}

/**
 * Collects the canonical variants and no-call intervals of many haplotypes (haplotype index =
 * 2 × sample + (0|1)) and hands back sorted biallelic sites. A haplotype is `.` at a site when
 * one of its no-call intervals overlaps the site's REF span, else 1 if it carries the variant,
 * else 0. Sites that no haplotype is 1 at are dropped.
 */
export class GenotypeMerger {
  private sites = new Map<string, Site>()
  private ncHap: number[] = []
  private ncStart: number[] = []
  private ncEnd: number[] = []
  /** Sites before this position were handed out; a variant there would come too late. */
  private flushedTo = -Infinity

  /** `late` explains a variant that arrives before `flushedTo` (the caller's promise broken). */
  constructor(
    readonly nHaplotypes: number,
    private readonly late: (v: Variant, flushedTo: number) => Error,
  ) {}

  /** The sites of a list of variants (one tile variant's, for all its carriers), looked up once. */
  private readonly sitesOf = new WeakMap<readonly Variant[], Site[]>()

  /** `hap` carries `variants` (or every one of several haplotypes does), no-call over `nocalls`. */
  add(hap: number | Int32Array, variants: readonly Variant[], nocalls?: ArrayLike<number>): void {
    let sites = this.sitesOf.get(variants)
    if (!sites || sites.some((site) => site.flushed)) {
      sites = variants.map((v) => {
        if (v.pos < this.flushedTo) throw this.late(v, this.flushedTo)
        const key = variantKey(v)
        let site = this.sites.get(key)
        if (!site) {
          site = { pos: v.pos, ref: v.ref, alt: v.alt, gt: new Uint8Array(this.nHaplotypes) }
          this.sites.set(key, site)
        }
        return site
      })
      this.sitesOf.set(variants, sites)
    }
    const haps = typeof hap === 'number' ? [hap] : hap
    for (const site of sites) {
      const gt = site.gt
      for (let i = 0; i < haps.length; i++) gt[haps[i]!] = GT_ALT
    }
    if (nocalls)
      for (let k = 0; k + 1 < nocalls.length; k += 2)
        for (let i = 0; i < haps.length; i++) {
          this.ncHap.push(haps[i]!)
          this.ncStart.push(nocalls[k]!)
          this.ncEnd.push(nocalls[k + 1]!)
        }
  }

  /**
   * Sites that some haplotype not merged here carries (its `variants` outside its no-call
   * intervals `nocalls`, flat [start, end, …]): reported too, each merged haplotype 0 or no-call.
   */
  declare(variants: readonly Variant[], nocalls: ArrayLike<number>): void {
    for (const v of variants) {
      if (v.pos < this.flushedTo) throw this.late(v, this.flushedTo)
      let masked = false
      for (let k = 0; k + 1 < nocalls.length && !masked; k += 2)
        masked = v.pos < nocalls[k + 1]! && v.pos + v.ref.length > nocalls[k]!
      if (masked) continue
      const key = variantKey(v)
      let site = this.sites.get(key)
      if (!site) {
        site = { pos: v.pos, ref: v.ref, alt: v.alt, gt: new Uint8Array(this.nHaplotypes) }
        this.sites.set(key, site)
      }
      site.known = true
    }
  }

  /**
   * Remove and return the sites that start before `before` (all when omitted), sorted. The caller
   * promises that no variant it adds later starts before `before`.
   */
  flush(before = Infinity): Site[] {
    const out: Site[] = []
    for (const [key, s] of this.sites)
      if (s.pos < before) {
        out.push(s)
        s.flushed = true
        this.sites.delete(key)
      }
    out.sort((a, b) => a.pos - b.pos || a.ref.length - b.ref.length || cmp(a.alt, b.alt))
    let maxRef = 1
    for (const s of out) maxRef = Math.max(maxRef, s.ref.length)
    const keep: [number[], number[], number[]] = [[], [], []]
    for (let k = 0; k < this.ncHap.length; k++) {
      const h = this.ncHap[k]!
      const s = this.ncStart[k]!
      const e = this.ncEnd[k]!
      for (let i = lowerBound(out, s - maxRef + 1); i < out.length && out[i]!.pos < e; i++) {
        const site = out[i]!
        if (site.pos + site.ref.length > s) site.gt[h] = GT_NOCALL
      }
      if (e > before) {
        keep[0].push(h)
        keep[1].push(s)
        keep[2].push(e)
      }
    }
    ;[this.ncHap, this.ncStart, this.ncEnd] = keep
    if (before > this.flushedTo) this.flushedTo = before
    // a site no called haplotype carries is no variant: e.g. a no-call base the library filled
    // with another base (tiles.ts), whose every carrier is masked by its own no-call run
    return out.filter((site) => site.known || site.gt.includes(GT_ALT))
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function lowerBound(sites: readonly Site[], pos: number): number {
  let lo = 0
  let hi = sites.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sites[mid]!.pos < pos) lo = mid + 1
    else hi = mid
  }
  return lo
}

// ---------------------------------------------------------------------------------------------
// VCF text

/** The VCF header lines (no trailing newlines). */
export function vcfHeader(
  contigs: readonly Contig[],
  samples: readonly SampleInfo[],
  opts: { reference?: string; extra?: readonly string[] } = {},
): string[] {
  const lines = [
    '##fileformat=VCFv4.2',
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##source=lightning-tiles',
  ]
  if (opts.reference !== undefined) lines.push(`##reference=${opts.reference}`)
  for (const c of contigs) lines.push(`##contig=<ID=${c.name},length=${c.length}>`)
  lines.push('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
  if (opts.extra) lines.push(...opts.extra)
  lines.push(
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT']
      .concat(samples.map((s) => s.name))
      .join('\t'),
  )
  return lines
}

export { formatVcfRecord }

// ---------------------------------------------------------------------------------------------
// the engine of `lightning-tiles vcf`

/** One haplotype's tile: haplotype index 2 × sample + (0|1), the tile variant's key, and the
 * haplotype's no-call runs in that tile (flat `[start, len, ...]`, tile offsets, as in a band). */
export interface HaplotypeTile {
  hap: number
  key: string
  nocalls?: ArrayLike<number> | undefined
  /**
   * Instead of `hap`: every one of these haplotypes has the tile (none with no-call runs in it),
   * so a tile many carry is merged once for all of them.
   */
  haps?: Int32Array | undefined
}

/**
 * A stretch `[start, end)` of one contig (e.g. a path, or a run of steps) and its haplotypes'
 * tiles (those that differ from the reference suffice). Blocks of a contig come in order and do not overlap; where two abut,
 * a tile ending at the boundary and one starting there join without overlap (their sequences
 * are concatenated), as the last and first tiles of consecutive paths do.
 */
export interface TileBlock {
  chrom: string
  start: number
  end: number
  /** The distinct tile variants the block's haplotype tiles use, by key (keys are per block). */
  variants: ReadonlyMap<string, TileVariantSource> | ((key: string) => TileVariantSource)
  /** Tiles lying in `[start, end)`, at most one per haplotype at each end. */
  tiles: Iterable<HaplotypeTile>
  /** The input records whose POS lies in the block, for their IDs (see `tilesToVcf`). */
  sites?: readonly InputSite[] | undefined
  /**
   * Tiles standing for the haplotypes of the cohort that `tiles` leave out (`hap` numbers their
   * own, e.g. one per distinct tile variant): the variants they carry are records too, with every
   * haplotype of `tiles` 0 or no-call there, so a subset of samples gets the cohort's sites.
   */
  cohort?: Iterable<HaplotypeTile> | undefined
}

/** An input VCF record, as written (0-based POS), whose ID the records it becomes take. */
export interface InputSite {
  pos: number
  /** `.` when none; several joined by `;` */
  id: string
  ref: string
  alts: readonly string[]
}

export interface TilesToVcfInput {
  contigs: readonly Contig[]
  samples: readonly SampleInfo[]
  reference: ReferenceSource
  blocks: AsyncIterable<TileBlock> | Iterable<TileBlock>
  /** Only records whose REF overlaps this region. */
  region?: Region | undefined
  /** `##reference=` header value. */
  referenceName?: string | undefined
}

/** A haplotype's tile at the end of a block, kept until the next block shows whether it joins. */
interface HeldTile {
  key: string
  src: TileVariantSource
  nocalls: ArrayLike<number> | undefined
  /** whose keys `key` is one of */
  caller: TileVariantCaller
  /** joined from tiles of two blocks (its key is a JSON list) */
  joined: boolean
}

/**
 * Stream a VCF (header, then sorted biallelic records) from the tiles of many haplotypes. Each
 * distinct tile variant key is aligned once per block.
 *
 * Block boundaries: the build cuts a variant that spans a path boundary into a piece in each
 * path, and nothing (no tag) keeps the pieces apart, so aligned and left-aligned one by one they
 * would be two indels — or, in a repeat, the same one twice and a base lost. So a haplotype's
 * tile that ends at a block's end and differs from the reference waits for the next block, and is
 * aligned joined to the haplotype's tile starting there, if that one differs too.
 *
 * IDs: a record takes the ID of every input record (`sites` of the blocks) one of whose alleles,
 * put in the same canonical form (`canonicalVariants`), is that record — so a multi-allelic or
 * complex input record gives its ID to each record it splits into, and input records that
 * normalise to the same variant give it all their IDs (`;`-separated, as VCF has it). Records
 * whose REF disagrees with the reference were never applied and give nothing.
 *
 * When records are final: left-alignment moves an indel of a later tile — of a later block, or
 * one held at the end of this one — before the start of block B only through all of B up to its
 * held tiles, which needs an indel at least as long as the period of that reference (see
 * `smallestPeriod`). So once B is merged, the records before its start are written, unless that
 * stretch is a tandem repeat (period at most half its length): then they wait for the next block
 * where it is not. A record can only come late through one indel longer than half a block — for a
 * store, whose blocks are paths of megabases, never in practice; the engine then stops with an
 * error naming it rather than write unsorted records. (A fixed distance, as before, fails on any
 * indel that shifts further in a long repeat.)
 */
export async function* tilesToVcf(
  input: TilesToVcfInput,
  opts: AbortOptions = {},
): AsyncGenerator<string> {
  yield* vcfHeader(
    input.contigs,
    input.samples,
    input.referenceName === undefined ? {} : { reference: input.referenceName },
  )
  for await (const r of tileRecords(input, opts)) yield formatVcfRecord(r)
}

/** The records of `tilesToVcf`, before they become text (the same records, in the same order). */
export async function* tileRecords(
  input: TilesToVcfInput,
  opts: AbortOptions = {},
): AsyncGenerator<VcfRecord> {
  const nHap = input.samples.length * 2
  const phased = Uint8Array.from(input.samples, (s) => (s.phased ? 1 : 0))
  const region = input.region
  let chrom: string | undefined
  let ref: RefAccessor | undefined
  /** The records before `start` are written; a later indel would have to cross this stretch. */
  let guard = { start: -Infinity, end: -Infinity }
  let lastEnd = -Infinity
  // the haplotypes' tiles, and the cohort's (see TileBlock.cohort), each held at a block's end
  let held = new Map<number, HeldTile>()
  let heldCohort = new Map<number, HeldTile>()
  const late = (v: Variant) =>
    new LightningError(
      `${chrom}:${v.pos + 1}: a ${Math.abs(v.ref.length - v.alt.length)}-base indel left-aligns ` +
        `across ${guard.start + 1}-${guard.end}, before which the records are written already`,
    )
  let merger = new GenotypeMerger(nHap, late)
  const add = (hap: number | Int32Array, t: HeldTile) => {
    const called = t.caller.call(t.key, t.src)
    const nc = t.nocalls?.length ? t.caller.nocallsToRef(called, t.nocalls) : called.nocalls
    merger.add(hap, called.variants, nc)
  }
  const declare = (_: number | Int32Array, t: HeldTile) => {
    const called = t.caller.call(t.key, t.src)
    const nc = t.nocalls?.length ? t.caller.nocallsToRef(called, t.nocalls) : called.nocalls
    merger.declare(called.variants, nc)
  }
  /** Does the tile differ from the reference (only then may it hold a piece of a cut variant)? */
  const differs = (t: HeldTile) => {
    const called = t.caller.call(t.key, t.src)
    return called.edits.length > 0 || called.nocalls.length > 0 || !!t.nocalls?.length
  }
  /** canonical variant key → position and IDs of the input records that become it */
  let ids = new Map<string, { pos: number; ids: string[] }>()
  /** sites whose REF runs past their block's end: noted with the next block's reference */
  let pendingSites: InputSite[] = []
  const noteIds = (sites: readonly InputSite[], end = Infinity) => {
    for (const site of sites) {
      if (site.id === '.') continue
      if (site.pos + site.ref.length > end) {
        pendingSites.push(site)
        continue
      }
      if (ref!(site.pos, site.pos + site.ref.length).toUpperCase() !== site.ref.toUpperCase())
        continue
      for (const alt of site.alts) {
        if (!/^[ACGTN]+$/i.test(alt)) continue
        for (const v of canonicalVariants({ pos: site.pos, ref: site.ref, alt }, ref!)) {
          const key = variantKey(v)
          let e = ids.get(key)
          if (!e) ids.set(key, (e = { pos: v.pos, ids: [] }))
          for (const id of site.id.split(';')) if (!e.ids.includes(id)) e.ids.push(id)
        }
      }
    }
  }
  const release = () => {
    for (const [hap, t] of held) add(hap, t)
    for (const [hap, t] of heldCohort) declare(hap, t)
    held = new Map()
    heldCohort = new Map()
    const sites = pendingSites
    pendingSites = []
    noteIds(sites)
  }
  const out = function* (sites: Site[]): Generator<VcfRecord> {
    for (const s of sites) {
      if (region && (s.pos >= region.end || s.pos + s.ref.length <= region.start)) continue
      const id = ids.get(variantKey(s))?.ids.join(';')
      yield { chrom: chrom!, pos: s.pos, id, ref: s.ref, alt: s.alt, gt: s.gt, phased }
    }
  }
  for await (const block of input.blocks) {
    checkAbort(opts.signal)
    if (block.chrom !== chrom) {
      if (chrom !== undefined) {
        release()
        yield* out(merger.flush())
      }
      chrom = block.chrom
      ref = await input.reference(chrom)
      merger = new GenotypeMerger(nHap, late)
      ids = new Map()
      lastEnd = -Infinity
    }
    const { start, end, variants: lookup } = block
    if (!(start >= lastEnd && end >= start))
      throw new LightningError(
        `block ${chrom}:${start + 1}-${end} overlaps the one before or is out of order`,
      )
    lastEnd = end
    if (region && block.chrom !== region.chrom) continue
    const caller = new TileVariantCaller(ref!)
    const joints = new TileVariantCaller(ref!)
    const pending = pendingSites
    pendingSites = []
    noteIds(pending)
    if (block.sites) noteIds(block.sites, end)
    /** Merge `tiles` (through `sink`), joining each to its haplotype's tile held in `before`. */
    const place = (
      tiles: Iterable<HaplotypeTile>,
      before: Map<number, HeldTile>,
      sink: (hap: number | Int32Array, t: HeldTile) => void,
    ): Map<number, HeldTile> => {
      const next = new Map<number, HeldTile>()
      for (const t of tiles) {
        const src = typeof lookup === 'function' ? lookup(t.key) : lookup.get(t.key)
        if (!src)
          throw new LightningError(`block at ${chrom}:${start + 1}: no tile variant '${t.key}'`)
        const plain: HeldTile = { key: t.key, src, nocalls: t.nocalls, caller, joined: false }
        if (t.haps) {
          // nothing to join or hold: merged for all its haplotypes at once
          if (!before.size && src.refEnd !== end) sink(t.haps, plain)
          else for (const hap of t.haps) one(hap, plain)
        } else one(t.hap, plain)
      }
      function one(hap: number, plain: HeldTile): void {
        const src = plain.src
        const t = { hap, key: plain.key, nocalls: plain.nocalls }
        let tile = plain
        const prev = before.get(t.hap)
        if (prev && prev.src.refEnd === src.refStart && differs(tile)) {
          before.delete(t.hap)
          const shift = prev.src.seq.length
          const nocalls = Array.from(prev.nocalls ?? [])
          for (let k = 0; k + 1 < (t.nocalls?.length ?? 0); k += 2)
            nocalls.push(t.nocalls![k]! + shift, t.nocalls![k + 1]!)
          tile = {
            key: JSON.stringify([prev.joined, prev.key, t.key]),
            src: { refStart: prev.src.refStart, refEnd: src.refEnd, seq: prev.src.seq + src.seq },
            nocalls,
            caller: joints,
            joined: true,
          }
        }
        if (src.refEnd === end && !next.has(t.hap) && differs(tile)) next.set(t.hap, tile)
        else sink(t.hap, tile)
      }
      for (const [hap, t] of before) sink(hap, t)
      return next
    }
    held = place(block.tiles, held, add)
    heldCohort = place(block.cohort ?? [], heldCohort, declare)
    // what a later indel must cross to land before `start`: the block up to its held tiles
    let heldFrom = end
    for (const t of held.values()) heldFrom = Math.min(heldFrom, t.src.refStart)
    for (const t of heldCohort.values()) heldFrom = Math.min(heldFrom, t.src.refStart)
    if (heldFrom > start && 2 * smallestPeriod(ref!(start, heldFrom)) > heldFrom - start) {
      guard = { start, end: heldFrom }
      yield* out(merger.flush(start))
      for (const [key, e] of ids) if (e.pos < start) ids.delete(key)
    }
  }
  if (chrom !== undefined) {
    release()
    yield* out(merger.flush())
  }
}

// ---------------------------------------------------------------------------------------------
// canonical form of any VCF (for comparisons)

export interface CanonicalVcf {
  samples: string[]
  records: AsyncGenerator<VcfRecord>
}

/** How far before its POS a record of a VCF read by `normalizeVcfRecords` may normalise to: the
 * records are sorted by POS as written, so some window is needed, as bcftools norm's --site-win. */
export const FLUSH_MARGIN = 10_000

/**
 * Read a VCF (lines, header first) into the canonical form of this module: every allele split
 * into canonical atoms (SNPs, left-aligned parsimonious indels), atoms merged into biallelic
 * per-site records with the haplotype codes 0/1/. (a `.` allele makes the haplotype no-call over
 * the record's REF span). Symbolic and `*` alleles are counted in `skipped` and left out.
 * Haploid calls fill both haplotype slots. A sample is phased if all its calls so far used `|`.
 */
export async function normalizeVcfRecords(
  lines: AsyncIterable<string> | Iterable<string>,
  reference: ReferenceSource,
  opts: AbortOptions & { file?: string } = {},
): Promise<CanonicalVcf & { skipped: () => number }> {
  const it = (
    Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]()
  ) as AsyncIterator<string> | Iterator<string>
  const header: string[] = []
  let lineNo = 0
  let first: string | undefined
  for (;;) {
    const r = await it.next()
    if (r.done) break
    lineNo++
    if (r.value.startsWith('#')) header.push(r.value)
    else {
      first = r.value
      break
    }
  }
  const place = (line: number) => ({ file: opts.file, line })
  if (!header.length || !header[header.length - 1]!.startsWith('#CHROM'))
    throw new FormatError('expected a VCF header ending in a #CHROM line', place(lineNo))
  const parser = new VCFParser({ header: header.join('\n') })
  const samples = parser.samples
  const nHap = samples.length * 2
  const phased = new Uint8Array(samples.length).fill(1)
  let skipped = 0
  async function* records(): AsyncGenerator<VcfRecord> {
    let chrom: string | undefined
    let ref: RefAccessor | undefined
    const late = (v: Variant, flushedTo: number) =>
      new FormatError(
        `a record normalises to ${chrom}:${v.pos + 1}, before ${flushedTo + 1} where records ` +
          `were handed out already (at most ${FLUSH_MARGIN} bases before its POS; ` +
          `normalise the VCF with bcftools norm first)`,
        place(lineNo),
      )
    let merger = new GenotypeMerger(nHap, late)
    let lastPos = -1
    const emit = function* (sites: Site[]) {
      const ph = phased.slice()
      for (const s of sites) yield { chrom: chrom!, ...s, phased: ph }
    }
    let line = first
    for (; line !== undefined;) {
      if (line.length) {
        checkAbort(opts.signal)
        const v = parser.parseLine(line)
        if (!v.CHROM || !v.REF) throw new FormatError('expected CHROM and REF', place(lineNo))
        if (v.CHROM !== chrom) {
          if (chrom !== undefined) yield* emit(merger.flush())
          chrom = v.CHROM
          ref = await reference(chrom)
          merger = new GenotypeMerger(nHap, late)
          lastPos = -1
        }
        const pos = v.POS - 1
        if (pos < lastPos)
          throw new FormatError(
            `records are not sorted: ${chrom}:${v.POS} after ${lastPos + 1}`,
            place(lineNo),
          )
        lastPos = pos
        yield* emit(merger.flush(pos - FLUSH_MARGIN))
        const atoms = (v.ALT ?? []).map((alt) =>
          /^[ACGTN]+$/i.test(alt) ? canonicalVariants({ pos, ref: v.REF!, alt }, ref!) : undefined,
        )
        for (const a of atoms) if (!a) skipped++
        const gts = v.GENOTYPES()
        for (let i = 0; i < samples.length; i++) {
          const g = gts[samples[i]!]
          if (g === undefined) continue
          if (g.includes('/')) phased[i] = 0
          const alleles = g.split(/[|/]/)
          for (let h = 0; h < 2; h++) {
            const al = alleles[Math.min(h, alleles.length - 1)]!
            const hap = 2 * i + h
            if (al === '.') merger.add(hap, [], [pos, pos + v.REF.length])
            else if (al !== '0') {
              const k = Number(al)
              if (!(k >= 1 && k <= atoms.length))
                throw new FormatError(
                  `sample ${samples[i]}: allele ${al} in '${g}' is not in ALT`,
                  place(lineNo),
                )
              const list = atoms[k - 1]
              if (list) merger.add(hap, list)
            }
          }
        }
      }
      const r = await it.next()
      line = r.done ? undefined : r.value
      lineNo++
    }
    if (chrom !== undefined) yield* emit(merger.flush())
  }
  return { samples, records: records(), skipped: () => skipped }
}
