// What a path's allele index holds (site.ts), computed from the store: every tile variant the
// cohort carries is aligned and normalised once, as the VCF export does (src/variants), and each
// allele it yields lists the tile variants that carry it. Computed once, by the build and every
// command that changes the genotypes, so a query never aligns a tile again. Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { checkAbort } from '../core/errors.js'
import { partitionPoint } from '../core/search.js'
import { joinTiles, pathReference, readPathTiles, tileSource } from '../export/vcf.js'
import { MARGIN } from './records.js'
import type { PathTiles } from '../export/vcf.js'
import { SiteTable } from '../sites/reader.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestPath } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import { canonicalVariants, variantKey } from '../variants/normalize.js'
import type { RefAccessor } from '../variants/normalize.js'
import { TileVariantCaller } from '../variants/vcf.js'
import type { AlleleSite, StepClaim } from './site.js'

/** A stretch of a contig's reference, upper case. */
export interface ReferencePiece {
  start: number
  seq: string
}

/** Reads `pieces` (in order) as one contig: only what is contiguous from `start`. */
function accessorOf(pieces: readonly ReferencePiece[]): RefAccessor {
  return (start, end) => {
    let out = ''
    let at = start
    for (const p of pieces) {
      if (at >= end) break
      if (at < p.start || at > p.start + p.seq.length) continue
      const piece = p.seq.slice(at - p.start, end - p.start)
      out += piece
      at += piece.length
    }
    return out
  }
}

/** Claims of one site while they are gathered: step → variants. */
type Claims = Map<number, number[]>

function claim(claims: Claims, step: number, v: number): void {
  const list = claims.get(step)
  if (!list) claims.set(step, [v])
  else if (list[list.length - 1] !== v) list.push(v)
}

const listOf = (claims: Claims): StepClaim[] =>
  [...claims].sort((a, b) => a[0] - b[0]).map(([step, variants]) => ({ step, variants }))

interface Gathered {
  pos: number
  ref: string
  alt: string
  carriers: Claims
  nocalls: Claims
}

/**
 * The allele sites of path `p` (sorted as the export sorts records: position, REF length, ALT),
 * with the input's IDs, and the path's reference piece (pass it as `before` to the next path of
 * the contig, so indels left-align across the join as in the export).
 */
export async function pathAlleleSites(
  store: Store,
  p: ManifestPath,
  before: ReferencePiece | undefined,
  opts: AbortOptions = {},
): Promise<{
  sites: AlleleSite[]
  reference: ReferencePiece
  tiles: PathTiles
  /** the path's tile variants as called (memoised by `step.variant`), over `ref` */
  caller: TileVariantCaller
  ref: RefAccessor
}> {
  const m = await store.manifest(opts)
  const t = await readPathTiles(store, m, p, opts, undefined)
  const piece = pathReference(t, m.tagLength)
  const reference = { start: piece.start, seq: piece.seq.toUpperCase() }
  const ref = accessorOf(before?.seq.length ? [before, reference] : [reference])
  const caller = new TileVariantCaller(ref)
  const gathered = new Map<string, Gathered>()
  // tile variants with no-call intervals of their own: [step, variant, flat intervals]
  const masked: [number, number, number[]][] = []
  const steps = t.refVariant.length
  for (let s = 0; s < steps; s++) {
    if ((s & 1023) === 0) checkAbort(opts.signal)
    for (let v = 0, i = t.stepStart[s]!; i < t.stepStart[s + 1]!; v++, i++) {
      if (t.count[i] === 0 || v === t.refVariant[s]) continue
      const called = caller.call(`${s}.${v}`, () => tileSource({ t, p }, s, v))
      const nc = called.nocalls
      if (nc.length) masked.push([s, v, nc])
      for (const x of called.variants) {
        let hidden = false
        for (let k = 0; k + 1 < nc.length && !hidden; k += 2)
          hidden = x.pos < nc[k + 1]! && x.pos + x.ref.length > nc[k]!
        const key = variantKey(x)
        let g = gathered.get(key)
        if (!g)
          gathered.set(
            key,
            (g = { pos: x.pos, ref: x.ref, alt: x.alt, carriers: new Map(), nocalls: new Map() }),
          )
        claim(hidden ? g.nocalls : g.carriers, s, v)
      }
    }
  }
  // an allele no tile variant carries outside its own no-calls is no site (as the export drops it)
  const sites = [...gathered.values()].filter((g) => g.carriers.size > 0)
  sites.sort((a, b) => a.pos - b.pos || a.ref.length - b.ref.length || cmp(a.alt, b.alt))
  let maxRef = 1
  for (const g of sites) maxRef = Math.max(maxRef, g.ref.length)
  // the no-call intervals of each tile variant over the REF of every site they reach
  for (const [s, v, nc] of masked)
    for (let k = 0; k + 1 < nc.length; k += 2) {
      const [a, b] = [nc[k]!, nc[k + 1]!]
      for (
        let i = partitionPoint(sites.length, (j) => sites[j]!.pos < a - maxRef + 1);
        i < sites.length && sites[i]!.pos < b;
        i++
      ) {
        const g = sites[i]!
        if (g.pos + g.ref.length > a) claim(g.nocalls, s, v)
      }
    }
  const ids = await inputIds(store, p, ref, opts)
  return {
    sites: sites.map((g) => {
      const nocalls = listOf(g.nocalls)
      // a no-call wins over the ALT (as the export's merger has it): such a carrier is no carrier
      const carriers = listOf(g.carriers)
        .map((c) => ({
          step: c.step,
          variants: c.variants.filter((v) => !g.nocalls.get(c.step)?.includes(v)),
        }))
        .filter((c) => c.variants.length > 0)
      const id = ids.get(variantKey(g))?.join(';') ?? '.'
      return {
        chrom: p.chrom,
        pos: g.pos,
        id,
        ref: g.ref,
        alt: g.alt,
        carriers,
        nocalls,
        additive: true,
      }
    }),
    reference,
    tiles: t,
    caller,
    ref,
  }
}

/** What `separableJoin` needs of each path: its tiles and its called tile variants. */
export interface CalledPath {
  p: ManifestPath
  tiles: PathTiles
  caller: TileVariantCaller
}

/**
 * Where path `a` ends and `b` (abutting it) starts, a haplotype whose last tile of `a` and first
 * of `b` both differ from the reference has them aligned joined by the export (a variant the build
 * cut at the join comes back whole). A per-path index lists each tile's own variants: it holds
 * for the join only if, for every such pair the cohort has, the joined alignment gives the same
 * alleles and no-calls as the two tiles apart. `ref` reads the contig across the join.
 */
export async function separableJoin(
  store: Store,
  a: CalledPath,
  b: CalledPath,
  ref: RefAccessor,
  opts: AbortOptions = {},
): Promise<boolean> {
  const tiles = await joinTiles(store, { p: a.p, t: a.tiles }, b.p, opts)
  const joints = new TileVariantCaller(ref)
  const checked = new Set<string>()
  for (let x = 0; x < tiles.w.length; x++) {
    const [row, v, w] = [tiles.row[x]!, tiles.v[x]!, tiles.w[x]!]
    if (row < 0 || w < 0) continue
    const srcA = tileSource({ t: a.tiles, p: a.p }, row, v)
    const srcB = tileSource({ t: b.tiles, p: b.p }, 0, w)
    const ca = a.caller.call(`${row}.${v}`, srcA)
    const cb = b.caller.call(`0.${w}`, srcB)
    const differs = (c: typeof ca) => c.edits.length > 0 || c.nocalls.length > 0
    const runs = tiles.runs[x] === 1
    if (!((differs(ca) || runs) && (differs(cb) || runs))) continue
    // a haplotype's own no-call runs at the join: not checked here, so not separable
    if (runs) return false
    const key = `${row}.${v}.${w}`
    if (checked.has(key)) continue
    checked.add(key)
    const joined = joints.call(key, {
      refStart: srcA.refStart,
      refEnd: srcB.refEnd,
      seq: srcA.seq + srcB.seq,
    })
    const apart = new Set([...ca.variants, ...cb.variants].map(variantKey))
    const together = new Set(joined.variants.map(variantKey))
    if (apart.size !== together.size || [...apart].some((k) => !together.has(k))) return false
    if (!sameCover([...ca.nocalls, ...cb.nocalls], joined.nocalls)) return false
  }
  return true
}

/** Do two lists of flat [start, end, …] intervals cover the same bases? */
function sameCover(x: number[], y: number[]): boolean {
  const merged = (flat: number[]) => {
    const pairs: [number, number][] = []
    for (let k = 0; k + 1 < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!])
    pairs.sort((p, q) => p[0] - q[0])
    const out: [number, number][] = []
    for (const [s, e] of pairs) {
      const last = out[out.length - 1]
      if (last && s <= last[1]) last[1] = Math.max(last[1], e)
      else out.push([s, e])
    }
    return out.flat().join()
  }
  return merged(x) === merged(y)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The IDs of the input records (the store's site table) by the canonical allele they become, as
 * the export gives them (tileRecords' noteIds): records whose REF disagrees with the reference
 * give nothing.
 */
async function inputIds(
  store: Store,
  p: ManifestPath,
  ref: RefAccessor,
  opts: AbortOptions,
): Promise<Map<string, string[]>> {
  const m = await store.manifest(opts)
  const ids = new Map<string, string[]>()
  if (!m.files?.[storeFiles.sites]) return ids
  const table = new SiteTable({
    table: store.file(storeFiles.sites),
    csi: store.file(storeFiles.sitesIndex),
  })
  for (const site of await table.sites(p.chrom, Math.max(0, p.start - MARGIN), p.end, opts)) {
    if (site.id === '.') continue
    if (ref(site.pos, site.pos + site.ref.length).toUpperCase() !== site.ref.toUpperCase()) continue
    for (const alt of site.alts) {
      if (!/^[ACGTN]+$/i.test(alt)) continue
      for (const v of canonicalVariants({ pos: site.pos, ref: site.ref, alt }, ref)) {
        const key = variantKey(v)
        let list = ids.get(key)
        if (!list) ids.set(key, (list = []))
        for (const id of site.id.split(';')) if (!list.includes(id)) list.push(id)
      }
    }
  }
  return ids
}

/** Rows decoded at a time while claims are reduced (all haplotypes of each). */
const REDUCE_ROWS = 256
/** Sites whose claims lie further apart than this keep them all. */
const REDUCE_REACH = 4096

/**
 * Where a site's claims come from several steps (a SNP in the tag two tiles share, an indel
 * left-aligned into the tile before), a haplotype carries it when any of its tiles does. Checked on
 * the cohort's genotypes: when no haplotype is claimed by two steps the counts per tile variant
 * add up; else when the claims of one step alone give every haplotype the same genotype, only
 * that step's are kept; else the site is not `additive` and the reader decides haplotype by
 * haplotype.
 * (Cells with no-call runs of their own are the reader's business, not the claims'.)
 */
export async function reduceClaims(
  store: Store,
  p: ManifestPath,
  sites: AlleleSite[],
  t: Pick<PathTiles, 'stepStart'>,
  opts: AbortOptions = {},
): Promise<{ multiStep: number; reduced: number; haplotypeWise: number }> {
  const stepsOf = (s: AlleleSite) => [...new Set([...s.carriers, ...s.nocalls].map((c) => c.step))]
  const multi = sites
    .map((site) => ({ site, steps: stepsOf(site).sort((a, b) => a - b) }))
    .filter((x) => x.steps.length > 1)
  if (!multi.length) return { multiStep: 0, reduced: 0, haplotypeWise: 0 }
  multi.sort((a, b) => a.steps[0]! - b.steps[0]!)
  const matrix = await store.matrix(p.path, opts)
  const { haplotypes: h } = await matrix.info(opts)
  let reduced = 0
  for (let i = 0; i < multi.length;) {
    checkAbort(opts.signal)
    const a = multi[i]!.steps[0]!
    let j = i
    let end = a + 1
    while (j < multi.length && multi[j]!.steps[0]! < a + REDUCE_ROWS) {
      const last = multi[j]!.steps[multi[j]!.steps.length - 1]!
      if (last - a < REDUCE_REACH) end = Math.max(end, last + 1)
      j++
    }
    const rows = await matrix.decode({ ...opts, start: a, end })
    for (const { site, steps } of multi.slice(i, j)) {
      if (steps[steps.length - 1]! >= end) continue
      // per claimed step, each variant's mark: 1 carries, 2 no-call
      const marks = steps.map((s) => new Uint8Array(t.stepStart[s + 1]! - t.stepStart[s]!))
      for (const c of site.carriers)
        for (const v of c.variants) marks[steps.indexOf(c.step)]![v] = 1
      for (const c of site.nocalls) for (const v of c.variants) marks[steps.indexOf(c.step)]![v] = 2
      const k = steps.length
      const agrees = new Uint8Array(k).fill(1)
      const own = new Uint8Array(k)
      const offsets = steps.map((s) => (s - a) * h)
      const values = rows.values
      // disjoint: no haplotype is claimed by two steps, so per-step counts add up
      let disjoint = true
      for (let x = 0; x < h; x++) {
        let state = 0
        let claimed = 0
        for (let q = 0; q < k; q++) {
          const v = values[offsets[q]! + x]!
          const mark = v >= 0 ? marks[q]![v]! : 0
          own[q] = mark
          if (mark) claimed++
          if (mark === 2 || (mark === 1 && state === 0)) state = mark
        }
        if (claimed > 1) disjoint = false
        for (let q = 0; q < k; q++) if (own[q] !== state) agrees[q] = 0
      }
      if (disjoint) continue
      const keep = steps[agrees.indexOf(1)]
      if (keep === undefined) {
        site.additive = false
        continue
      }
      site.carriers = site.carriers.filter((c) => c.step === keep)
      site.nocalls = site.nocalls.filter((c) => c.step === keep)
      reduced++
    }
    i = j
  }
  return {
    multiStep: multi.length,
    reduced,
    haplotypeWise: sites.filter((x) => !x.additive).length,
  }
}
