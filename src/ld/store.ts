// LD in a store: the sites of a region (or its tile variants) of one sample group packed into a
// panel, then the triangle of pairs or one site against its window. What `store.ld()` and the
// `ld` command run. VCF sites come through query/genotypes.ts; tile variants straight from the
// cohort matrix (rows are steps, values the tile variant of each haplotype). Browser-safe.
import { ArgumentError, NotFoundError, checkAbort } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { formatTileId, parseTileId } from '../core/tileId.js'
import type { Store } from '../store/Store.js'
import { HaplotypePanel } from './panel.js'
import { addTileVariants } from './tileVariants.js'
import type { StepVariants } from './tileVariants.js'
import { ldAgainst, ldTriangle } from './window.js'
import type { LdOptions, LdPairs } from './window.js'

export interface StoreLdOptions extends LdOptions {
  /** the region (0-based half-open); its sites (or tile variants) are the panel */
  region: Region
  /** the samples of the group, by name (default: every sample of the store) */
  samples?: readonly string[] | undefined
  /**
   * only the pairs of one site with its window: the VCF POS of a site (the first there), or with
   * `tiles` a tile variant ID `PPPP.VV.SSSS.VVV`
   */
  with?: number | string | undefined
  /** LD between tile variants (one indicator per variant of each step) instead of VCF sites */
  tiles?: boolean | undefined
}

/** One site of the panel: a biallelic VCF allele or a tile variant. */
export interface LdSite {
  chrom: string
  /** 1-based: the VCF POS, or a tile variant's first reference base (its step's start) */
  pos: number
  /** `REF>ALT`, or the tile variant ID `PPPP.VV.SSSS.VVV` */
  allele: string
  /** the VCF ID (`.` when none); the tile variant ID for tiles */
  id: string
  /** haplotypes of the group carrying it */
  carriers: number
}

export interface StoreLdResult {
  /** the panel's sites in position order; pairs index into it */
  sites: LdSite[]
  /** pairs (a < b) kept, with n, r², signed D′, D and the four haplotype frequencies */
  pairs: LdPairs
  /** samples of the group */
  samples: number
}

/** LD of a region of `store` in one sample group: every pair of its window, or one site's. */
export async function storeLd(store: Store, opts: StoreLdOptions): Promise<StoreLdResult> {
  const manifest = await store.manifest(opts)
  const index = new Map(manifest.samples.map((s, i) => [s.name, i]))
  const chosen = Int32Array.from(opts.samples ?? manifest.samples.map((s) => s.name), (name) => {
    const i = index.get(name)
    if (i === undefined) throw new NotFoundError(`sample ${name} is not in the store`)
    return i
  })
  const { panel, sites } = opts.tiles
    ? await tilePanel(store, opts, chosen)
    : await sitePanel(store, opts, chosen)
  checkAbort(opts.signal)
  let pairs: LdPairs
  if (opts.with === undefined) pairs = ldTriangle(panel, opts)
  else {
    const anchor = opts.with
    const at = sites.findIndex((s) => (typeof anchor === 'number' ? s.pos : s.id) === anchor)
    if (at < 0)
      throw new NotFoundError(
        typeof anchor === 'number'
          ? `no site at ${opts.region.chrom}:${anchor} in the region`
          : `tile variant ${anchor} is not in the region (or every haplotype of the group carries it)`,
      )
    pairs = ldAgainst(panel, at, opts)
  }
  return { sites, pairs, samples: chosen.length }
}

async function sitePanel(
  store: Store,
  opts: StoreLdOptions,
  chosen: Int32Array,
): Promise<{ panel: HaplotypePanel; sites: LdSite[] }> {
  if (typeof opts.with === 'string')
    throw new ArgumentError(`with ${opts.with}: a VCF site is given by its position`)
  const { genotypeSites } = await import('../query/genotypes.js')
  const m = await store.manifest(opts)
  const names = Array.from(chosen, (i) => m.samples[i]!.name)
  const read = []
  for await (const s of genotypeSites(store, {
    regions: [opts.region],
    samples: names,
    signal: opts.signal,
  }))
    read.push(s)
  // a sample is unphased when any of its genotypes here is
  const unphased = new Array<boolean>(chosen.length).fill(false)
  for (const s of read) for (let i = 0; i < chosen.length; i++) if (!s.phased[i]) unphased[i] = true
  const panel = new HaplotypePanel({ samples: chosen.length, unphased })
  const sites: LdSite[] = read.map((s) => {
    const k = panel.add(s.pos, s.alleles)
    return {
      chrom: s.chrom,
      pos: s.pos,
      allele: `${s.ref}>${s.alt}`,
      id: s.id,
      carriers: panel.sites[k]!.altCount,
    }
  })
  return { panel, sites }
}

/**
 * The tile variants of the steps overlapping the region. A haplotype inside a spanning tile
 * anchored at an earlier step (the matrix's −1) is called and carries none of the step's variants;
 * a tile's no-call runs do not change which variant it is, so they leave it called.
 */
async function tilePanel(
  store: Store,
  opts: StoreLdOptions,
  chosen: Int32Array,
): Promise<{ panel: HaplotypePanel; sites: LdSite[] }> {
  if (typeof opts.with === 'number')
    throw new ArgumentError(`with ${opts.with}: a tile variant is given by its ID PPPP.VV.SSSS.VVV`)
  if (opts.with !== undefined) parseTileId(opts.with)
  const m = await store.manifest(opts)
  const { region } = opts
  const asm = await store.assembly(m.build, opts)
  const tiles = await asm.tilesOverlapping(region.chrom, region.start, region.end, opts)
  const panel = new HaplotypePanel({
    samples: chosen.length,
    unphased: Array.from(chosen, (i) => !m.samples[i]!.phased),
  })
  const haplotypes = Int32Array.from({ length: 2 * chosen.length }, (_, h) => {
    const s = chosen[h >> 1]!
    return 2 * s + (h & 1)
  })
  const sites: LdSite[] = []
  // tiles come in reference order, a path's steps consecutive: one matrix read per path
  for (let i = 0; i < tiles.length;) {
    const path = tiles[i]!.path
    let j = i
    while (j < tiles.length && tiles[j]!.path === path) j++
    const first = tiles[i]!.step
    const last = tiles[j - 1]!
    const starts = new Map<number, number>()
    for (let k = i; k < j; k++)
      for (let s = tiles[k]!.step; s < tiles[k]!.step + tiles[k]!.span; s++)
        starts.set(s, tiles[k]!.start)
    const matrix = await store.matrix(path, opts)
    const slices = matrix.slices({
      start: first,
      end: last.step + last.span,
      haplotypes,
      signal: opts.signal,
      reuse: true,
    })
    for await (const slice of slices) {
      const t = slice.haplotypes.length
      const steps: StepVariants[] = []
      for (let r = 0; r < slice.rows; r++) {
        const step = slice.start + r
        steps.push({
          step,
          pos: starts.get(step)! + 1,
          variants: slice.values.subarray(r * t, (r + 1) * t),
        })
      }
      for (const v of addTileVariants(panel, steps, { spanned: -1 })) {
        const id = formatTileId({ path, version: 0, step: v.step, variant: v.variant })
        const pos = panel.positions[v.site]!
        sites.push({ chrom: region.chrom, pos, allele: id, id, carriers: v.carriers })
      }
    }
    i = j
  }
  return { panel, sites }
}
