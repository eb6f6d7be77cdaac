// What the server's region endpoints and the page compute from a store: frequencies of a region's
// sites per group, LD of a region in one group, the tiles over a region, a tile's detail (its
// bases, its edits against the reference tile, its carriers counted per group), the genes of a
// region. Browser-safe: the page calls these same functions on a static store when there is no
// server, so the two never differ.
import { AbortError, ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { formatTileId } from '../core/tileId.js'
import type { GeneModel } from '../genes/model.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import { siteFrequencies } from '../ld/freq.js'
import type { GroupFrequency } from '../ld/freq.js'
import { HaplotypePanel } from '../ld/panel.js'
import { ldTriangle } from '../ld/window.js'
import { genotypeSites } from '../query/genotypes.js'
import type { TileResolver } from '../resolver/TileResolver.js'
import { storeFiles } from '../store/layout.js'
import type { Store } from '../store/Store.js'
import { alignTile } from '../variants/align.js'
import type { Edit } from '../variants/align.js'

/** A named group of store sample rows. */
export interface NamedGroup {
  name: string
  rows: Int32Array
}

export interface CappedOptions extends AbortOptions {
  /** stop once sites × samples read passes this (BGT's cap); the result is then `truncated` */
  maxGenotypes?: number
}

export interface SiteFrequencies {
  chrom: string
  pos: number
  id: string
  ref: string
  alt: string
  /** one per group, in the order asked */
  groups: GroupFrequency[]
}

export interface RegionFrequencies {
  groups: { name: string; samples: number }[]
  sites: SiteFrequencies[]
  truncated: boolean
}

/** Frequencies (AC, AN, AF, genotype counts, HWE p) of every site of `region` in each group. */
export async function regionFrequencies(
  store: Store,
  region: Region,
  groups: readonly NamedGroup[],
  opts: CappedOptions = {},
): Promise<RegionFrequencies> {
  const total = (await store.manifest(opts)).samples.length
  const cap = opts.maxGenotypes ?? Infinity
  const members = groups.map((g) => g.rows)
  const sites: SiteFrequencies[] = []
  let read = 0
  let truncated = false
  const signal = opts.signal ? { signal: opts.signal } : {}
  for await (const s of genotypeSites(store, { regions: [region], ...signal })) {
    checkAbort(opts.signal)
    if (read + total > cap) {
      truncated = true
      break
    }
    read += total
    sites.push({
      chrom: s.chrom,
      pos: s.pos,
      id: s.id,
      ref: s.ref,
      alt: s.alt,
      groups: siteFrequencies(s.alleles, members),
    })
  }
  return { groups: groups.map((g) => ({ name: g.name, samples: g.rows.length })), sites, truncated }
}

export interface RegionLd {
  /** positions of the sites (1-based), in order; pairs index into them */
  positions: number[]
  alleles: string[]
  /** pair k: sites a[k] < b[k] with r², D′ and haplotypes used */
  pairs: { a: number[]; b: number[]; r2: number[]; dPrime: number[]; n: number[] }
  truncated: boolean
}

export interface LdRegionOptions extends CappedOptions {
  window?: number
  minR2?: number
  minN?: number
}

/** LD (r², D′) of every pair of sites of `region` among `samples` (names; default every one). */
export async function regionLd(
  store: Store,
  region: Region,
  samples: readonly string[] | undefined,
  opts: LdRegionOptions = {},
): Promise<RegionLd> {
  const n = samples?.length ?? (await store.manifest(opts)).samples.length
  const cap = opts.maxGenotypes ?? Infinity
  const signal = opts.signal ? { signal: opts.signal } : {}
  const sites = []
  let truncated = false
  for await (const s of genotypeSites(store, { regions: [region], samples, ...signal })) {
    checkAbort(opts.signal)
    if ((sites.length + 1) * n > cap) {
      truncated = true
      break
    }
    sites.push(s)
  }
  // a sample is unphased when any of its genotypes here is (as `lightning-tiles ld`)
  const unphased = new Array<boolean>(n).fill(false)
  for (const s of sites) for (let i = 0; i < n; i++) if (!s.phased[i]) unphased[i] = true
  const panel = new HaplotypePanel({ samples: n, unphased })
  for (const s of sites) panel.add(s.pos, s.alleles)
  checkAbort(opts.signal)
  const pairs = ldTriangle(panel, {
    window: opts.window ?? 500_000,
    minR2: opts.minR2 ?? 0,
    minN: opts.minN ?? 0,
    ...signal,
  })
  const take = (a: ArrayLike<number>) => Array.from({ length: pairs.length }, (_, k) => a[k]!)
  return {
    positions: [...panel.positions],
    alleles: sites.map((s) => `${s.ref}>${s.alt}`),
    pairs: {
      a: take(pairs.a),
      b: take(pairs.b),
      r2: take(pairs.r2),
      dPrime: take(pairs.dPrime),
      n: take(pairs.n),
    },
    truncated,
  }
}

export interface RegionTile {
  /** the reference tile's ID `PPPP.00.SSSS.VVV+SPAN` */
  id: string
  chrom: string
  /** 0-based half-open */
  start: number
  end: number
  /** tile variants at this position in the library */
  variants: number
}

/** The reference tiles over `region`, as `lightning-tiles tiles` lists them. */
export async function regionTiles(
  resolver: TileResolver,
  region: Region,
  opts: AbortOptions = {},
): Promise<RegionTile[]> {
  const tiles = await resolver.tilesAt(region.chrom, region.start, region.end, opts)
  const out: RegionTile[] = []
  for (const t of tiles) {
    const variant = await referenceVariant(resolver, t.path, t.step, opts)
    const { spans } = await resolver.store.stepCounts(t.path, t.step, opts)
    out.push({
      id: formatTileId({ path: t.path, version: 0, step: t.step, variant, span: t.span }),
      chrom: region.chrom,
      start: t.start,
      end: t.end,
      variants: spans.length,
    })
  }
  return out
}

async function referenceVariant(
  resolver: TileResolver,
  path: number,
  step: number,
  opts: AbortOptions,
): Promise<number> {
  const variant = (await resolver.store.referenceVariants(path, opts))?.[step]
  if (variant === undefined || variant === NO_REF_VARIANT)
    throw new FormatError(`no reference tile at path ${path} step ${step}`, {
      file: resolver.store.file(storeFiles.libraryCounts(path)).name,
    })
  return variant
}

export interface TileDetail {
  id: string
  sequence: string
  location: { chrom: string; start: number; end: number; assembly: string } | undefined
  /** the reference tile at the same step */
  reference: string
  referenceId: string
  /** what turns the reference tile into this one (tile coordinates, 0-based) */
  edits: Edit[]
  /** haplotypes carrying the tile in the whole cohort (the library's counts) */
  count: number
  /** every variant at this tile's position, with its span and haplotype count */
  variants: { id: string; count: number }[]
  /** carriers per group: samples carrying it on at least one haplotype, and haplotypes */
  groups: { name: string; samples: number; carriers: number; haplotypes: number }[]
}

/** A tile variant with its edits against the reference tile and its carriers per group. */
export async function tileDetail(
  resolver: TileResolver,
  tileId: string,
  groups: readonly NamedGroup[],
  opts: AbortOptions = {},
): Promise<TileDetail> {
  const tile = await resolver.sequence(tileId, opts)
  const refVariant = await referenceVariant(resolver, tile.path, tile.step, opts)
  const reference = await resolver.sequence(
    formatTileId({ path: tile.path, version: 0, step: tile.step, variant: refVariant }),
    opts,
  )
  const location = await resolver.locate(tile.id, undefined, opts).catch((err: unknown) => {
    if (err instanceof AbortError) throw err
    return undefined // a tile spanning differently from the reference has no interval of its own
  })
  const variants = await resolver.variants(tile.path, tile.step, opts)
  const count = variants.find((v) => v.variant === tile.variant)?.count ?? 0
  const carriers = await resolver.carriers(tile.id, opts)
  const samples = (await resolver.samples(opts)).map((s) => s.name)
  const rowOf = new Map(samples.map((s, i) => [s, i]))
  const carried = new Int8Array(samples.length)
  for (const c of carriers) carried[rowOf.get(c.sample)!] = c.alleles[0] + c.alleles[1]
  return {
    id: tile.id,
    sequence: tile.sequence,
    location: location && {
      chrom: location.chrom,
      start: location.start,
      end: location.end,
      assembly: location.assembly,
    },
    reference: reference.sequence,
    referenceId: reference.id,
    edits: alignTile(reference.sequence, tile.sequence).edits,
    count,
    variants: variants.map((v) => ({ id: v.id, count: v.count })),
    groups: groups.map((g) => {
      let n = 0
      let h = 0
      for (const r of g.rows) {
        if (carried[r]! > 0) n++
        h += carried[r]!
      }
      return { name: g.name, samples: g.rows.length, carriers: n, haplotypes: h }
    }),
  }
}

export interface RegionGene {
  id: string
  name: string
  start: number
  end: number
  strand: '+' | '-'
  /** exons of the gene's transcripts, merged (0-based half-open) */
  exons: [number, number][]
}

/** The genes of `model` over a region: one per gene, spanning its transcripts. */
export function regionGenes(model: GeneModel, region: Region): RegionGene[] {
  const byGene = new Map<string, RegionGene>()
  for (const t of model.overlapping(region.chrom, region.start, region.end)) {
    let g = byGene.get(t.gene.id)
    if (!g)
      byGene.set(
        t.gene.id,
        (g = {
          id: t.gene.id,
          name: t.gene.name,
          start: t.start,
          end: t.end,
          strand: t.strand,
          exons: [],
        }),
      )
    g.start = Math.min(g.start, t.start)
    g.end = Math.max(g.end, t.end)
    for (const e of t.exons) g.exons.push([e.start, e.end])
  }
  for (const g of byGene.values()) {
    g.exons.sort((a, b) => a[0] - b[0])
    const merged: [number, number][] = []
    for (const e of g.exons) {
      const last = merged[merged.length - 1]
      if (last && e[0] <= last[1]) last[1] = Math.max(last[1], e[1])
      else merged.push([e[0], e[1]])
    }
    g.exons = merged
  }
  return [...byGene.values()]
}

/** A region no wider than `max` bases, or an ArgumentError naming the limit. */
export function checkRegionWidth(region: Region, max: number, what: string): void {
  if (region.end - region.start > max)
    throw new ArgumentError(
      `${what}: the region is ${region.end - region.start} bases wide; at most ${max} here`,
    )
}
