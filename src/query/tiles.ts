// `view --tiles`: the query at the level of tile variants rather than VCF alleles. A tile variant
// is a local haplotype (every edit of one tile together), so its counts per group are haplotype
// counts over all the edits it carries, read straight from the genotypes. Rows are the tile
// variants that a haplotype of the query carries at the steps overlapping the regions, with
// their reference interval; each sample's genotype is its two variant numbers there. Browser-safe.
import { checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { partitionPoint } from '../core/search.js'
import { formatTileId } from '../core/tileId.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import type { Store } from '../store/Store.js'
import { compileCondition } from './expr/compile.js'
import type { CompiledCondition, Scope, Variable } from './expr/compile.js'
import { groupStatistic } from './groups.js'
import type { SampleGroup } from './groups.js'
import type { GroupCount } from './view.js'

export interface TileRecord {
  /** `PPPP.VV.SSSS.VVV+SPAN` */
  id: string
  path: number
  step: number
  variant: number
  /** steps the tile covers (1, or more for a spanning tile) */
  span: number
  chrom: string
  /** reference interval of the tile, tags included: 0-based half-open */
  start: number
  end: number
  /** it is the reference genome's tile at this step */
  reference: boolean
  /**
   * [0]: every sample of the query; [k]: group k. `an`: haplotypes with a tile starting at this
   * step; `ac`: those carrying this variant.
   */
  counts: GroupCount[]
  /**
   * Per haplotype (sample s: 2s, 2s + 1) its variant at this step: -1 inside a spanning tile that
   * starts at an earlier step. Shared by the records of one step.
   */
  variants: Int32Array
}

export interface TileRecordOptions extends AbortOptions {
  /** sorted, merged regions (0-based half-open); undefined: the whole store */
  regions?: readonly Region[] | undefined
  /** sample names of the query, in store order */
  samples: readonly string[]
  /** groups, as indices into `samples` */
  groups: readonly SampleGroup[]
}

/** The tile variants carried at the steps overlapping the regions, step by step (see TileRecord). */
export async function* tileRecords(
  store: Store,
  opts: TileRecordOptions,
): AsyncGenerator<TileRecord> {
  const signal = opts.signal ? { signal: opts.signal } : {}
  const m = await store.manifest(signal)
  const byName = new Map(m.samples.map((s) => [s.name, s]))
  const samples = opts.samples.map((n) => byName.get(n)!)
  const all = Int32Array.from(samples, (_, i) => i)
  const memberships = [all, ...opts.groups.map((g) => g.samples)]
  const asm = await store.assembly(m.build, signal)
  const regions: (Region | undefined)[] = opts.regions ? [...opts.regions] : [undefined]
  // a step is reported once, with the first region it overlaps
  const done = new Set<string>()
  for (const region of regions)
    for (const p of m.paths) {
      if (region && (p.chrom !== region.chrom || p.end <= region.start || p.start >= region.end))
        continue
      checkAbort(opts.signal)
      const counts = await store.counts(p.path, signal)
      const { ends } = await asm.pathSteps(p.path, signal)
      const startOf = (s: number) => (s === 0 ? p.start : ends[s - 1]! - m.tagLength)
      const first = region ? partitionPoint(p.steps, (s) => ends[s]! <= region.start) : 0
      const last = region ? partitionPoint(p.steps, (s) => startOf(s) < region.end) : p.steps
      if (first >= last) continue
      const bands = await store.bands(samples, p.path, { ...signal, start: first, end: last })
      for (let s = first; s < last; s++) {
        const key = `${p.path}:${s}`
        if (done.has(key)) continue
        done.add(key)
        const variants = new Int32Array(2 * samples.length)
        bands.forEach((b, i) => {
          variants[2 * i] = b.variants[0][s - first]!
          variants[2 * i + 1] = b.variants[1][s - first]!
        })
        const carried = [...new Set(variants)].filter((v) => v >= 0).sort((a, b) => a - b)
        const tally = (members: Int32Array, v: number): GroupCount => {
          let an = 0
          let ac = 0
          for (const i of members)
            for (let h = 2 * i; h < 2 * i + 2; h++) {
              if (variants[h]! >= 0) an++
              if (variants[h] === v) ac++
            }
          return { an, ac }
        }
        for (const v of carried) {
          const span = counts.span[counts.stepStart[s]! + v]!
          const end = ends[Math.min(s + span - 1, p.steps - 1)]!
          yield {
            id: formatTileId({ path: p.path, version: 0, step: s, variant: v, span }),
            path: p.path,
            step: s,
            variant: v,
            span,
            chrom: p.chrom,
            start: startOf(s),
            end,
            reference: counts.refVariant[s] !== NO_REF_VARIANT && counts.refVariant[s] === v,
            counts: memberships.map((members) => tally(members, v)),
            variants,
          }
        }
      }
    }
}

/**
 * The keys of `--tiles` filters: CHROM, START (1-based), END, SPAN, REF_TILE (1 for the reference
 * genome's tile), AC, AN, AF and AC#k, AN#k, AF#k of group k.
 */
export function tileScope(groups: number): Scope<TileRecord> {
  const fixed: Record<string, Variable<TileRecord>> = {
    CHROM: { type: 'string', get: (r) => r.chrom },
    START: { type: 'number', get: (r) => r.start + 1 },
    END: { type: 'number', get: (r) => r.end },
    SPAN: { type: 'number', get: (r) => r.span },
    REF_TILE: { type: 'number', get: (r) => (r.reference ? 1 : 0) },
  }
  return {
    variable(name) {
      if (fixed[name]) return fixed[name]
      const g = groupStatistic(name)
      if (!g || g.group > groups) return undefined
      const k = g.group
      if (g.stat === 'AC') return { type: 'number', get: (r) => r.counts[k]!.ac }
      if (g.stat === 'AN') return { type: 'number', get: (r) => r.counts[k]!.an }
      return { type: 'number', get: (r) => r.counts[k]!.ac / r.counts[k]!.an }
    },
    describeKeys: () =>
      `keys with --tiles: CHROM, START, END, SPAN, REF_TILE, AC, AN, AF${groups ? `, AC#k, AN#k, AF#k for groups k = 1..${groups}` : ''}`,
  }
}

/** Compile a `--tiles` filter (errors name the column). */
export function compileTileFilter(text: string, groups: number): CompiledCondition<TileRecord> {
  return compileCondition(text, tileScope(groups))
}
