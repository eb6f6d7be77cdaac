// Genotypes of a store back as VCF (`lightning-tiles vcf`). Each path's reference comes from its
// reference tiles (the counts file names them), each sample's tiles from its CGF; the variants
// engine (src/variants) aligns every distinct tile variant once, normalises and left-aligns the
// differences and merges them into sorted multi-sample biallelic records. Every file is read
// through the Store; CGFs a few at a time, so a cohort of any size keeps few files open.
// Browser-safe.
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { Region } from '../core/region.js'
import { partitionPoint } from '../core/search.js'
import { formatPath, formatStepId } from '../core/tileId.js'
import type { Band } from '../formats/band/band.js'
import { parseTwoBit } from '../formats/twobit/reader.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import type { RefAccessor } from '../variants/normalize.js'
import { tilesToVcf } from '../variants/vcf.js'
import type { HaplotypeTile, TileBlock, TileVariantSource } from '../variants/vcf.js'
import { SiteTable } from '../sites/reader.js'

/** Which genotypes `storeToVcf` writes. */
export interface StoreVcfOptions extends AbortOptions {
  /** only these samples, in this order (default: all) */
  samples?: string[] | undefined
  /** only records overlapping this region (0-based half-open) */
  region?: Region | undefined
}

interface PathTiles {
  /** reference start and end of every step (span 1) */
  starts: Float64Array
  ends: Float64Array
  /** every variant's sequence, by step */
  sequences: string[][]
  refVariant: Uint32Array
  spans: Uint32Array
  stepStart: Uint32Array
}

/** Bases left of a region that left-aligned indels may reach. */
const MARGIN = 10_000

async function readPathTiles(
  store: Store,
  m: StoreManifest,
  p: ManifestPath,
  opts: AbortOptions,
): Promise<PathTiles> {
  const counts = await store.counts(p.path, opts)
  if (counts.nSteps !== p.steps)
    throw new FormatError(`${counts.nSteps} steps, the manifest says ${p.steps}`, {
      file: store.file(storeFiles.libraryCounts(p.path)).name,
    })
  const asm = await store.assembly(m.build, opts)
  const { steps, ends } = await asm.pathSteps(p.path, opts)
  if (steps.length !== p.steps || steps[steps.length - 1] !== p.steps - 1)
    throw new FormatError(
      `path ${formatPath(p.path)}: the assembly skips steps (a store built from its own reference never does)`,
      {
        file: asm.gz.name,
      },
    )
  const starts = Float64Array.from(ends, (_, s) => (s === 0 ? p.start : ends[s - 1]! - m.tagLength))

  const sequences: string[][] = new Array<string[]>(p.steps)
  const tar = store.library(p.path)
  for await (const { name, data } of tar.members(opts)) {
    const step = parseInt(name.split('.')[2] ?? '', 16)
    if (!(step >= 0 && step < p.steps))
      throw new FormatError(`unexpected member ${name}`, { file: tar.files.tai.name })
    sequences[step] = parseTwoBit(data, name, { lowercase: true }).map((r) => r.sequence)
  }
  return {
    starts,
    ends: Float64Array.from(ends),
    sequences,
    refVariant: counts.refVariant,
    spans: counts.span,
    stepStart: counts.stepStart,
  }
}

/**
 * The steps whose tiles may reach `region` (with its margins): those overlapping it, and before
 * them as many as the path's longest spanning tile covers, so every tile reaching in is anchored
 * inside the range.
 */
function stepsOf(t: PathTiles, region: Region | undefined): { start: number; end: number } {
  const n = t.refVariant.length
  if (!region) return { start: 0, end: n }
  const lo = region.start - MARGIN
  const hi = region.end + MARGIN
  let maxSpan = 1
  for (const x of t.spans) maxSpan = Math.max(maxSpan, x)
  const from = partitionPoint(n, (s) => t.ends[s]! <= lo)
  const end = partitionPoint(n, (s) => t.starts[s]! < hi)
  const start = Math.min(Math.max(0, from - (maxSpan - 1)), end)
  return { start, end }
}

/** The path's reference: its reference tiles joined (each later tile without its start tag). */
function pathReference(t: PathTiles, tagLength: number): string {
  const parts: string[] = []
  for (let s = 0; s < t.refVariant.length; s++) {
    const v = t.refVariant[s]!
    if (v === NO_REF_VARIANT) continue
    const seq = t.sequences[s]?.[v]
    if (seq === undefined) throw new ArgumentError(`reference tile of step ${s} is missing`)
    parts.push(s === 0 ? seq : seq.slice(tagLength))
  }
  return parts.join('')
}

function blockOf(
  chrom: string,
  p: ManifestPath,
  t: PathTiles,
  genomes: Band[],
  /** the step of the bands' first step */
  first: number,
  region: Region | undefined,
): TileBlock {
  const variants = new Map<string, TileVariantSource>()
  const tiles: HaplotypeTile[] = []
  const lo = region ? region.start - MARGIN : -Infinity
  const hi = region ? region.end + MARGIN : Infinity
  genomes.forEach((g, sample) => {
    for (const [allele, arr] of g.variants.entries())
      for (let i = 0; i < arr.length; i++) {
        const s = first + i
        const v = arr[i]!
        if (v < 0) continue
        const runs = g.nocalls[allele]![i]!
        const nocalls = runs.length > 0 ? runs : undefined
        if (v === t.refVariant[s] && !nocalls) continue
        const span = t.spans[t.stepStart[s]! + v]!
        const start = t.starts[s]!
        const end = t.ends[s + span - 1]!
        if (end <= lo || start >= hi) continue
        // the caller memoises by key for the whole contig: a key names the path too
        const key = `${p.path}.${s}.${v}`
        if (!variants.has(key)) {
          const seq = t.sequences[s]?.[v]
          if (seq === undefined)
            throw new FormatError(
              `the genome names tile ${formatStepId(p.path, s)}.${v}, which the library lacks`,
            )
          variants.set(key, { refStart: start, refEnd: end, seq })
        }
        tiles.push({ hap: 2 * sample + allele, key, nocalls })
      }
  })
  return { chrom, start: p.start, end: p.end, variants, tiles }
}

/** The store's genotypes as VCF lines (header first), streamed path by path. */
export async function* storeToVcf(
  store: Store,
  opts: StoreVcfOptions = {},
): AsyncGenerator<string> {
  const m = await store.manifest(opts)
  const wanted = opts.samples ?? m.samples.map((s) => s.name)
  const samples = wanted.map((name) => {
    const s = m.samples.find((x) => x.name === name)
    if (!s) throw new ArgumentError(`sample ${name} is not in the store`)
    return s
  })
  const region = opts.region
  if (region && !m.contigs.some((c) => c.name === region.chrom))
    throw new ArgumentError(`contig ${region.chrom} is not in the store`)
  const paths = m.paths.filter(
    (p) =>
      !region ||
      (p.chrom === region.chrom && p.end > region.start - MARGIN && p.start < region.end + MARGIN),
  )

  // the input's IDs, in stores built with a site table
  const siteTable = m.files?.[storeFiles.sites]
    ? new SiteTable({
        table: store.file(storeFiles.sites),
        csi: store.file(storeFiles.sitesIndex),
      })
    : undefined

  // reference of each contig: the reference tiles of its paths (only the paths read), one piece
  // per path, upper case; a read joins only the pieces it spans (never the whole contig)
  const references = new Map<string, { starts: number[]; seqs: string[] }>()
  async function* blocks(): AsyncGenerator<TileBlock> {
    for (const p of paths) {
      checkAbort(opts.signal)
      const t = await readPathTiles(store, m, p, opts)
      let ref = references.get(p.chrom)
      if (!ref) references.set(p.chrom, (ref = { starts: [], seqs: [] }))
      ref.starts.push(p.start)
      ref.seqs.push(pathReference(t, m.tagLength).toUpperCase())
      // the chosen samples' columns of the steps the region needs, decoded once (one CGF each in
      // a store of CGFs)
      const { start, end } = stepsOf(t, region)
      const genomes = await store.bands(samples, p.path, { start, end, signal: opts.signal })
      const block = blockOf(p.chrom, p, t, genomes, start, region)
      if (siteTable) {
        const [lo, hi] = region ? [region.start - MARGIN, region.end + MARGIN] : [p.start, p.end]
        block.sites = await siteTable.sites(
          p.chrom,
          Math.max(p.start, lo),
          Math.min(p.end, hi),
          opts,
        )
      }
      yield block
    }
  }
  const accessor = (chrom: string): RefAccessor => {
    // reads lazily: the engine asks while blocks of this contig stream in
    return (start, end) => {
      const ref = references.get(chrom)
      if (!ref) return ''
      const { starts, seqs } = ref
      const parts: string[] = []
      let at = start
      for (
        let i = Math.max(0, partitionPoint(starts.length, (k) => starts[k]! <= at) - 1);
        i < seqs.length && at < end;
        i++
      ) {
        const from = at - starts[i]!
        if (from < 0 || from > seqs[i]!.length) break // a gap: only what is contiguous from start
        const piece = seqs[i]!.slice(from, end - starts[i]!)
        parts.push(piece)
        at += piece.length
      }
      return parts.length === 1 ? parts[0]! : parts.join('')
    }
  }
  yield* tilesToVcf(
    {
      contigs: m.contigs,
      samples: samples.map((s) => ({ name: s.name, phased: s.phased })),
      reference: accessor,
      blocks: blocks(),
      region,
      referenceName: m.source.reference,
    },
    opts,
  )
}
