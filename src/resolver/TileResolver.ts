// TileResolver: one object that answers tile, coordinate and genome questions about a store
// (DESIGN "A store on disk"), on disk, over HTTP or from Blobs. It reads nothing itself: every
// file comes through its Store, which loads each index once and keeps bounded caches. One tile
// costs one `.tai` lookup (cached) plus one ranged BGZF read. Browser-safe.
import {
  AbortError,
  ArgumentError,
  FormatError,
  NotFoundError,
  checkAbort,
} from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { memo } from '../core/shared.js'
import { formatPath, formatStepId, formatTileId, parseTileId } from '../core/tileId.js'
import type { TileId } from '../core/tileId.js'
import type { AssemblyTile } from '../formats/assembly/reader.js'
import type { Band } from '../formats/band/band.js'
import { maskNocalls } from '../formats/band/reconstruct.js'
import type { CgfReader } from '../formats/cgf/reader.js'
import type { StepAlleles } from '../formats/cgf/pathStruct.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestSample, StoreManifest } from '../store/manifest.js'
import { Store } from '../store/Store.js'
import type { StoreOptions, StoreSource } from '../store/Store.js'
import { alignedCuts, cutEnd, cutStart } from './cut.js'
import type { Anchor } from './cut.js'

/** Options of the coordinate questions. */
export interface TileQueryOptions extends AbortOptions {
  /** Assembly build (the REF of `assembly.00.REF.fw.gz`); default the manifest's build. */
  assembly?: string | undefined
}

/** A tile variant's bases (tags included) and where its tags are. */
export interface TileSequence {
  /** extended tile ID `PPPP.VV.SSSS.VVV+SPAN` */
  id: string
  path: number
  step: number
  variant: number
  span: number
  /** lower-case bases, start tag and end tag included */
  sequence: string
  /** '' for step 0 */
  startTag: string
  /** '' for a tile that reaches the last step */
  endTag: string
}

/** A tile's reference interval, 0-based half-open. */
export interface TileLocation {
  chrom: string
  start: number
  end: number
  /** the tile's span (steps covered) */
  span: number
  /** the assembly build used */
  assembly: string
}

/** One variant at a position, with how many haplotypes of the cohort carry it. */
export interface TileVariant {
  id: string
  variant: number
  span: number
  count: number
  sequence: string
}

/** One step of one genome (alleles A and B). */
export interface GenomeStep extends StepAlleles {
  path: number
}

/** A sample carrying a tile variant: 1 per allele (A, B) that carries it, and per allele
 * whether the tile holds no-calls there (the variant was then matched with `n` as wildcard). */
export interface Carrier {
  sample: string
  alleles: [number, number]
  nocall: [boolean, boolean]
}

/** What `genome(sample)` answers. */
export interface Genome {
  readonly sample: ManifestSample
  /**
   * Variants and no-call runs of both alleles at every step whose reference tiles overlap
   * `region`, extended back to the anchors of tiles spanning into it.
   */
  alleles(region: Region, opts?: TileQueryOptions): Promise<GenomeStep[]>
  /**
   * The bases of haplotype 0 (allele A) or 1 (allele B) over `region`, no-calls as `n`, cut at
   * the region's bounds through the assembly (see cut.ts for cuts inside a length-changing tile).
   */
  sequence(haplotype: 0 | 1, region: Region, opts?: TileQueryOptions): Promise<string>
}

/** Rethrow an error caused by an aborted signal as our AbortError (fetch throws DOMException). */
async function guard<T>(opts: AbortOptions, run: () => Promise<T>): Promise<T> {
  checkAbort(opts.signal)
  try {
    return await run()
  } catch (err) {
    if (opts.signal?.aborted && !(err instanceof AbortError)) throw new AbortError()
    throw err
  }
}

/** Tile, coordinate and genome questions about one store. */
export class TileResolver {
  /** The store read (its files, manifest and caches). */
  readonly store: Store

  constructor(store: Store) {
    this.store = store
  }

  /**
   * A resolver over `source`: a URL, an opener function or a map of files (see Store.open); in
   * Node, `openTileResolver` also takes a directory. Nothing is read until the first question.
   */
  static open(source: StoreSource, opts: StoreOptions = {}): TileResolver {
    return new TileResolver(Store.open(source, opts))
  }

  /** Name of the store in messages (its location, or 'store'). */
  get location(): string {
    return this.store.location
  }

  /** The store's manifest.json (read once). */
  manifest(opts: AbortOptions = {}): Promise<StoreManifest> {
    return guard(opts, () => this.store.manifest(opts))
  }

  /** The samples of the store, in manifest order. */
  async samples(opts: AbortOptions = {}): Promise<ManifestSample[]> {
    return (await this.manifest(opts)).samples
  }

  private parseId(tileId: string | TileId): TileId {
    const id = typeof tileId === 'string' ? parseTileId(tileId.trim().toLowerCase()) : tileId
    if (id.version !== 0)
      throw new ArgumentError(`tile library version ${id.version}: stores hold version 00 only`)
    return id
  }

  /** The library and the counts file must list the same variants at a step. */
  private checkVariantCount(path: number, step: number, counts: number, library: number): void {
    if (counts !== library)
      throw new FormatError(
        `step ${formatStepId(path, step)} has ${counts} variants in the counts file, ${library} in the library`,
        { file: this.store.file(storeFiles.libraryCounts(path)).name },
      )
  }

  /** The bases of a tile variant (tags included) with its span and tags. */
  sequence(tileId: string | TileId, opts: AbortOptions = {}): Promise<TileSequence> {
    return guard(opts, async () => {
      const id = this.parseId(tileId)
      const { path, step, variant } = id
      const info = await this.store.path(path, opts)
      const m = await this.store.manifest(opts)
      const [seqs, { spans }] = await Promise.all([
        this.store.tiles(path, step, opts),
        this.store.stepCounts(path, step, opts),
      ])
      checkAbort(opts.signal)
      const sequence = seqs[variant]
      if (sequence === undefined)
        throw new NotFoundError(
          `${this.location}: no tile ${formatTileId({ path, version: 0, step, variant })} (step has ${seqs.length} variants)`,
        )
      this.checkVariantCount(path, step, spans.length, seqs.length)
      const span = spans[variant]!
      if (id.span !== undefined && id.span !== span)
        throw new NotFoundError(`${this.location}: tile ${formatTileId(id)} has span ${span}`)
      const L = m.tagLength
      const nTags = info.steps - 1
      return {
        id: formatTileId({ path, version: 0, step, variant, span }),
        path,
        step,
        variant,
        span,
        sequence,
        startTag: step > 0 ? sequence.slice(0, L) : '',
        endTag: step + span - 1 < nTags ? sequence.slice(sequence.length - L) : '',
      }
    })
  }

  /**
   * The reference interval of a tile (0-based half-open, its span included) on `assembly`
   * (default: the store's build). A tile ID without `+SPAN` takes the span from the library.
   */
  locate(
    tileId: string | TileId,
    assembly?: string,
    opts: AbortOptions = {},
  ): Promise<TileLocation> {
    return guard(opts, async () => {
      const id = this.parseId(tileId)
      let span = id.span
      if (span === undefined) {
        const { spans } = await this.store.stepCounts(id.path, id.step, opts)
        span = spans[id.variant]
        if (span === undefined)
          throw new NotFoundError(`${this.location}: no tile ${formatTileId(id)}`)
      }
      const build = assembly ?? (await this.store.manifest(opts)).build
      const reader = await this.store.assembly(build, opts)
      const r = await reader.tileInterval(id.path, id.step, span, opts)
      return { chrom: r.chrom, start: r.start, end: r.end, span, assembly: build }
    })
  }

  /** The reference tile positions overlapping `[start, end)` on `chrom` (0-based half-open). */
  tilesAt(
    chrom: string,
    start: number,
    end: number,
    opts: TileQueryOptions = {},
  ): Promise<AssemblyTile[]> {
    return guard(opts, async () => {
      const reader = await this.store.assembly(opts.assembly, opts)
      return reader.tilesOverlapping(chrom, start, end, opts)
    })
  }

  /** Every variant at (path, step) with its span, sequence and count in the cohort. */
  variants(path: number, step: number, opts: AbortOptions = {}): Promise<TileVariant[]> {
    return guard(opts, async () => {
      const [seqs, { spans, counts }] = await Promise.all([
        this.store.tiles(path, step, opts),
        this.store.stepCounts(path, step, { ...opts, counts: true }),
      ])
      this.checkVariantCount(path, step, spans.length, seqs.length)
      return seqs.map((sequence, variant) => ({
        id: formatTileId({ path, version: 0, step, variant, span: spans[variant]! }),
        variant,
        span: spans[variant]!,
        count: counts![variant]!,
        sequence,
      }))
    })
  }

  /**
   * Which samples carry tile variant `tileId` (at its anchor step), on which alleles, and which
   * have a no-call in it: one PathStruct read per sample, `samples` (default all) in manifest
   * order. A population query: `carriers.length` over `samples` is the variant's carrier
   * frequency within that group.
   */
  carriers(
    tileId: string | TileId,
    opts: AbortOptions & { samples?: string[] | undefined } = {},
  ): Promise<Carrier[]> {
    return guard(opts, async () => {
      const id = this.parseId(tileId)
      const m = await this.store.manifest(opts)
      const wanted = opts.samples ? new Set(opts.samples) : undefined
      if (wanted)
        for (const name of wanted)
          if (!m.samples.some((s) => s.name === name))
            throw new NotFoundError(`${this.location}: no sample '${name}'`)
      const samples = m.samples.filter((s) => !wanted || wanted.has(s.name))
      // one decode of the step for the samples' columns (or one read per CGF in a store of CGFs)
      const bands = await this.store.bands(samples, id.path, {
        start: id.step,
        end: id.step + 1,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
      const found = bands.map((band, i): Carrier | undefined => {
        const alleles = band.variants.map((v) => (v[0] === id.variant ? 1 : 0))
        const nocall = band.nocalls.map((r) => r[0]!.length > 0)
        if (!alleles[0] && !alleles[1]) return undefined
        return {
          sample: samples[i]!.name,
          alleles: [alleles[0]!, alleles[1]!],
          nocall: [nocall[0]!, nocall[1]!],
        }
      })
      return found.filter((c): c is Carrier => c !== undefined)
    })
  }

  /** One genome of the store. NotFoundError when the manifest does not list `sample`. */
  genome(sample: string, opts: AbortOptions = {}): Promise<Genome> {
    return guard(opts, async () => {
      const s = await this.store.sample(sample, opts)
      const m = await this.store.manifest(opts)
      return new StoreGenome(
        this.store,
        s,
        m.genotypes ? undefined : this.store.cgf(s),
        m.tagLength,
      )
    })
  }
}

/** Steps of one path touched by the reference tiles overlapping a region. */
interface PathRange {
  path: number
  lo: number
  hi: number
}

function groupByPath(tiles: readonly AssemblyTile[]): PathRange[] {
  const out: PathRange[] = []
  for (const t of tiles) {
    const last = out[out.length - 1]
    const hi = t.step + t.span - 1
    if (last && last.path === t.path) last.hi = Math.max(last.hi, hi)
    else out.push({ path: t.path, lo: t.step, hi })
  }
  return out
}

class StoreGenome implements Genome {
  private readonly bands = new Map<number, Promise<Band>>()

  constructor(
    private readonly store: Store,
    readonly sample: ManifestSample,
    /** the sample's CGF in a store of CGFs only; else its bands come from the cohort matrix */
    private readonly cgf: CgfReader | undefined,
    private readonly tagLength: number,
  ) {}

  private band(path: number, opts: AbortOptions): Promise<Band> {
    return memo(this.bands, path, () => this.store.band(this.sample, path), opts)
  }

  /** The file the sample's genotypes of a path come from, for messages. */
  private where(path: number): string {
    return this.sample.cgf ?? storeFiles.genotypes(path)
  }

  private async overlapping(region: Region, opts: TileQueryOptions) {
    const reader = await this.store.assembly(opts.assembly, opts)
    const tiles = await reader.tilesOverlapping(region.chrom, region.start, region.end, opts)
    return { reader, ranges: groupByPath(tiles), tiles }
  }

  alleles(region: Region, opts: TileQueryOptions = {}): Promise<GenomeStep[]> {
    return guard(opts, async () => {
      const { ranges } = await this.overlapping(region, opts)
      const out: GenomeStep[] = []
      for (const { path, lo, hi } of ranges) {
        const band = await this.band(path, opts)
        const [a, b] = band.variants
        let first = lo
        while (first > 0 && (a[first] === -1 || b[first] === -1)) first--
        for (let step = first; step <= hi && step < a.length; step++) {
          checkAbort(opts.signal)
          const at = this.cgf ? await this.cgf.alleles(path, step, opts) : bandAlleles(band, step)
          out.push({ path, ...at })
        }
      }
      return out
    })
  }

  sequence(haplotype: 0 | 1, region: Region, opts: TileQueryOptions = {}): Promise<string> {
    return guard(opts, async () => {
      if (haplotype !== 0 && haplotype !== 1)
        throw new ArgumentError(`haplotype must be 0 or 1, got ${String(haplotype)}`)
      if (!(Number.isInteger(region.start) && region.start >= 0 && region.end >= region.start))
        throw new ArgumentError(`bad region ${region.chrom}:[${region.start}, ${region.end})`)
      if (region.end === region.start) return ''
      const { reader, ranges, tiles } = await this.overlapping(region, opts)
      const first = tiles[0]
      const last = tiles[tiles.length - 1]
      if (!first || !last || first.start > region.start || last.end < region.end)
        throw new ArgumentError(
          `${region.chrom}:${region.start + 1}-${region.end} is not covered by the tile paths of the assembly`,
        )
      const parts: string[] = []
      for (const range of ranges) {
        const pathTiles = await reader.pathTiles(range.path, opts)
        const { steps, ends } = await reader.pathSteps(range.path, opts)
        const { seq, anchors } = await this.pathHaplotype(
          haplotype,
          range,
          steps,
          ends,
          {
            start: pathTiles[0]!.start,
            end: pathTiles[pathTiles.length - 1]!.end,
          },
          opts,
        )
        for (const x of [region.start, region.end])
          await this.refine(range.path, pathTiles, seq, anchors, x, opts)
        const hs = cutStart(anchors, region.start)
        const he = Math.max(hs, cutEnd(anchors, region.end))
        parts.push(seq.slice(hs, he))
      }
      return parts.join('')
    })
  }

  /**
   * Where `x` falls between two anchors with a length change (an indel), align that stretch to the
   * reference tiles (from the counts file's reference variants): trim the common suffix, then the
   * common prefix, and add anchors at both ends of what differs, so the cut lands where a
   * left-aligned indel lies. Without reference variants the anchors stay as they are.
   */
  private async refine(
    path: number,
    pathTiles: readonly AssemblyTile[],
    hapSeq: string,
    anchors: Anchor[],
    x: number,
    opts: AbortOptions,
  ): Promise<void> {
    const i = anchors.findIndex((a, k) => {
      const b = anchors[k + 1]
      return b !== undefined && a.ref <= x && x <= b.ref && b.ref - a.ref !== b.hap - a.hap
    })
    if (i < 0) return
    const a = anchors[i]!
    const b = anchors[i + 1]!
    const refVariants = await this.store.referenceVariants(path, opts)
    if (!refVariants) return
    const ref = new Array<string>(b.ref - a.ref)
    for (const t of pathTiles) {
      if (t.end <= a.ref || t.start >= b.ref) continue
      const rv = refVariants[t.step]
      if (rv === undefined || rv === NO_REF_VARIANT) return
      const tile = (await this.store.tiles(path, t.step, opts))[rv]
      if (tile === undefined || tile.length !== t.end - t.start) return
      for (let pos = Math.max(t.start, a.ref); pos < Math.min(t.end, b.ref); pos++)
        ref[pos - a.ref] = tile[pos - t.start]!
    }
    const refSeq = ref.join('')
    const hap = hapSeq.slice(a.hap, b.hap)
    if (refSeq.length !== b.ref - a.ref) return
    const n = Math.min(refSeq.length, hap.length)
    let q = 0
    while (q < n && refSeq[refSeq.length - 1 - q] === hap[hap.length - 1 - q]) q++
    let p = 0
    while (p < n - q && refSeq[p] === hap[p]) p++
    const inner: Anchor[] = [
      { ref: a.ref + p, hap: a.hap + p },
      { ref: b.ref - q, hap: b.hap - q },
    ]
    // Still inside what differs (several changes in one stretch): align it base by base.
    if (a.ref + p < x && x < b.ref - q) {
      const cuts = alignedCuts(refSeq.slice(p, refSeq.length - q), hap.slice(p, hap.length - q))
      if (cuts) inner.splice(1, 0, { ref: x, hap: a.hap + p + cuts[x - a.ref - p]! })
    }
    anchors.splice(i + 1, 0, ...inner)
  }

  /**
   * The haplotype's sequence from the last boundary it shares with the reference at or before
   * step `lo` to the first one at or after `hi`, with the anchors aligning it to the reference.
   */
  private async pathHaplotype(
    allele: 0 | 1,
    { path, lo, hi }: PathRange,
    refSteps: Uint32Array,
    refEnds: Float64Array,
    pathSpan: { start: number; end: number },
    opts: AbortOptions,
  ): Promise<{ seq: string; anchors: Anchor[] }> {
    const L = this.tagLength
    const band = await this.band(path, opts)
    const v = band.variants[allele]
    const N = v.length
    const nTags = N - 1
    if (refSteps[refSteps.length - 1] !== nTags)
      throw new FormatError(
        `path ${formatPath(path)}: the genome has ${N} steps, the assembly ends at step ${refSteps[refSteps.length - 1]}`,
      )
    // Reference end of each tag the assembly reports (NaN where it skips the step).
    const tagEnd = new Float64Array(nTags).fill(NaN)
    for (let i = 0; i < refSteps.length; i++)
      if (refSteps[i]! < nTags) tagEnd[refSteps[i]!] = refEnds[i]!
    // Tags where one of this haplotype's tiles ends.
    const hapEnd = new Uint8Array(nTags)
    for (let s = 1; s < N; s++) if (v[s] !== -1) hapEnd[s - 1] = 1
    if (v[0] === -1) throw new FormatError(`path ${formatPath(path)}: step 0 is not an anchor`)
    const common = (t: number) => hapEnd[t] === 1 && !Number.isNaN(tagEnd[t]!)
    let t0 = Math.min(lo, N) - 1
    while (t0 >= 0 && !common(t0)) t0--
    let t1 = Math.max(hi, t0 + 1)
    while (t1 < nTags && !common(t1)) t1++

    const anchorSteps: number[] = []
    for (let s = t0 + 1; s <= t1 && s < N; s++) if (v[s] !== -1) anchorSteps.push(s)
    const libs = await Promise.all(anchorSteps.map((s) => this.store.tiles(path, s, opts)))
    checkAbort(opts.signal)
    const anchors: Anchor[] =
      t0 < 0
        ? [{ ref: pathSpan.start, hap: 0 }]
        : [
            { ref: tagEnd[t0]! - L, hap: 0 },
            { ref: tagEnd[t0]!, hap: L },
          ]
    const parts: string[] = []
    let len = 0
    anchorSteps.forEach((s, k) => {
      const variant = v[s]!
      const bases = libs[k]![variant]
      if (bases === undefined)
        throw new FormatError(
          `${this.where(path)}: variant ${variant} at step ${formatStepId(path, s)} is not in the library`,
        )
      const runs = band.nocalls[allele][s] ?? []
      const tile = maskNocalls(bases, runs, formatStepId(path, s), this.where(path))
      const piece = parts.length === 0 ? tile : tile.slice(L)
      parts.push(piece)
      len += piece.length
      let next = s + 1
      while (next < N && v[next] === -1) next++
      const end = next - 1
      if (end < nTags && common(end))
        anchors.push({ ref: tagEnd[end]! - L, hap: len - L }, { ref: tagEnd[end]!, hap: len })
    })
    if (t1 >= nTags) anchors.push({ ref: pathSpan.end, hap: len })
    return { seq: parts.join(''), anchors }
  }
}

/**
 * One step of a band as a CGF gives it: `loq` when any step of its knot (the steps up to where
 * both alleles start a new tile, as the CGF writer groups them) has no-call runs.
 */
function bandAlleles(band: Band, step: number): StepAlleles {
  const [a, b] = band.variants
  const [na, nb] = band.nocalls
  let s = step
  while (s > 0 && (a[s] === -1 || b[s] === -1)) s--
  let e = step + 1
  while (e < a.length && (a[e] === -1 || b[e] === -1)) e++
  let loq = false
  for (let t = s; t < e && !loq; t++) loq = na[t]!.length > 0 || nb[t]!.length > 0
  return {
    step,
    variants: [a[step]!, b[step]!],
    nocalls: [na[step]!, nb[step]!],
    loq,
  }
}
