// What a store holds and what it costs, from the small files only: manifest.json, the per-path
// counts files, the assembly blocks of the few most variable tiles, and the size of every file
// (stat). Browser-safe: every file comes through the Store.
import { FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { unreadable } from '../core/filehandle.js'
import type { NamedFile } from '../core/filehandle.js'
import { mapLimit } from '../core/mapLimit.js'
import { formatStepId } from '../core/tileId.js'
import { storeFastjList, storeFileList, storeFiles } from '../store/layout.js'
import type { StoreFile, StorePart } from '../store/layout.js'
import type { ManifestPath } from '../store/manifest.js'
import type { Store } from '../store/Store.js'

/** The size of each file, or the error that stat raised (a few stats in flight at once). */
export async function statStoreFiles(
  store: Store,
  files: readonly StoreFile[],
  opts: AbortOptions & { onFile?: (done: number) => void } = {},
): Promise<({ size: number } | { error: Error })[]> {
  let done = 0
  return mapLimit(
    files,
    16,
    async (file) => {
      try {
        const st = await store.file(file.rel).handle.stat()
        return { size: st.size }
      } catch (err) {
        return { error: err as Error }
      } finally {
        opts.onFile?.(++done)
      }
    },
    opts.signal,
  )
}

/** A manifest path (its numbers checked against the counts file) with what the counts show. */
export interface PathStats extends Omit<ManifestPath, 'version'> {
  /** steps where every haplotype carries variant 0 */
  invariantSteps: number
  maxVariantsPerStep: number
}

/** A tile position with many variants, and where it lies. */
export interface VariableTile {
  /** `PPPP.VV.SSSS` */
  id: string
  path: number
  step: number
  variants: number
  /** reference interval of the tile (span 1), 0-based half-open, from the assembly */
  chrom: string
  start: number
  end: number
}

/** Files and bytes of one part of the store. */
export interface PartSize {
  part: StorePart
  files: number
  bytes: number
}

/** What `storeStats` reports. */
export interface StoreStats {
  build: string
  libraryVersion: string
  paths: PathStats[]
  /** tile steps over all paths */
  steps: number
  /** distinct tile variants in the library over all paths */
  variants: number
  samples: number
  phasedSamples: number
  haplotypes: number
  variantsPerStep: { mean: number; median: number; max: number }
  /** steps where every haplotype carries variant 0, and their fraction of all steps */
  invariantSteps: number
  invariantFraction: number
  mostVariable: VariableTile[]
  sizes: PartSize[]
  totalBytes: number
  /** required files the manifest names that could not be stat'ed */
  missing: string[]
  /** the input VCF.gz, when given: its size and store bytes / VCF.gz bytes */
  vcf?: { name: string; bytes: number; ratio: number }
}

/** Options of `storeStats`. */
export interface StatsOptions extends AbortOptions {
  /** the input VCF.gz, to compare sizes */
  vcf?: NamedFile | undefined
  /** how many of the most variable tiles to list (default 5) */
  top?: number | undefined
}

const PART_ORDER: StorePart[] = [
  'manifest',
  'sites',
  'alleles',
  'tagset',
  'assembly',
  'libraryTar',
  'sglf',
  'spanCounts',
  'genotypes',
  'genomes',
  'fastj',
]

/** Median of the values a histogram `hist[value] = occurrences` holds (`n` in all). */
function histogramMedian(hist: number[], n: number): number {
  if (n === 0) return 0
  const at = (k: number) => {
    let seen = 0
    for (let v = 0; v < hist.length; v++) {
      seen += hist[v] ?? 0
      if (seen > k) return v
    }
    return hist.length - 1
  }
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2
}

/** Statistics of a store (see StoreStats). */
export async function storeStats(store: Store, opts: StatsOptions = {}): Promise<StoreStats> {
  const signal = opts.signal
  const m = await store.manifest({ signal })
  const haplotypes = 2 * m.samples.length
  const top = opts.top ?? 5
  const hist: number[] = []
  const paths: PathStats[] = []
  let best: { p: ManifestPath; step: number; variants: number }[] = []
  let steps = 0
  let variants = 0
  let invariant = 0
  let max = 0
  for (const p of m.paths) {
    checkAbort(signal)
    const c = await store.counts(p.path, { signal })
    const file = store.file(storeFiles.libraryCounts(p.path)).name
    if (c.nSteps !== p.steps || c.nVariants !== p.variants)
      throw new FormatError(
        `${c.nSteps} steps and ${c.nVariants} variants, the manifest says ${p.steps} and ${p.variants}`,
        { file, offset: 8 },
      )
    let pathInvariant = 0
    let pathMax = 0
    for (let s = 0; s < c.nSteps; s++) {
      const first = c.stepStart[s]!
      const n = c.stepStart[s + 1]! - first
      hist[n] = (hist[n] ?? 0) + 1
      if (n > 0 && c.count[first] === haplotypes) pathInvariant++
      if (n > pathMax) pathMax = n
      const worst = best[best.length - 1]
      if (best.length < top || (worst && n > worst.variants)) {
        best.push({ p, step: s, variants: n })
        // stable: among equal counts the earlier step stays first
        best = best.sort((a, b) => b.variants - a.variants).slice(0, top)
      }
    }
    steps += c.nSteps
    variants += c.nVariants
    invariant += pathInvariant
    max = Math.max(max, pathMax)
    paths.push({
      path: p.path,
      chrom: p.chrom,
      start: p.start,
      end: p.end,
      steps: c.nSteps,
      variants: c.nVariants,
      invariantSteps: pathInvariant,
      maxVariantsPerStep: pathMax,
    })
  }

  const assembly = await store.assembly(m.build, { signal })
  const mostVariable: VariableTile[] = []
  for (const b of best) {
    const iv = await assembly.tileInterval(b.p.path, b.step, 1, { signal })
    mostVariable.push({
      id: formatStepId(b.p.path, b.step),
      path: b.p.path,
      step: b.step,
      variants: b.variants,
      ...iv,
    })
  }

  const files = storeFileList(m)
  // FastJ is written for every sample or none: stat them all only when the first one is there
  const fastj = storeFastjList(m)
  const first = fastj[0] && (await statStoreFiles(store, [fastj[0]], { signal }))[0]
  if (first && !('error' in first)) files.push(...fastj)
  const stats = await statStoreFiles(store, files, { signal })
  const byPart = new Map<StorePart, PartSize>(
    PART_ORDER.map((part) => [part, { part, files: 0, bytes: 0 }]),
  )
  const missing: string[] = []
  files.forEach((f, i) => {
    const st = stats[i]!
    if ('error' in st) {
      if (f.required) missing.push(f.rel)
      return
    }
    const part = byPart.get(f.part)!
    part.files++
    part.bytes += st.size
  })
  const sizes = [...byPart.values()].filter((s) => s.files > 0)
  const totalBytes = sizes.reduce((a, s) => a + s.bytes, 0)

  const out: StoreStats = {
    build: m.build,
    libraryVersion: m.libraryVersion,
    paths,
    steps,
    variants,
    samples: m.samples.length,
    phasedSamples: m.samples.filter((s) => s.phased).length,
    haplotypes,
    variantsPerStep: {
      mean: steps ? variants / steps : 0,
      median: histogramMedian(hist, steps),
      max,
    },
    invariantSteps: invariant,
    invariantFraction: steps ? invariant / steps : 0,
    mostVariable,
    sizes,
    totalBytes,
    missing,
  }
  if (opts.vcf) {
    const vcf = opts.vcf
    const { size: bytes } = await vcf.handle
      .stat()
      .catch((err: unknown) => unreadable(vcf.name, err))
    out.vcf = { name: opts.vcf.name, bytes, ratio: bytes ? totalBytes / bytes : 0 }
  }
  return out
}
