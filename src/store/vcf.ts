// Genotypes of a store back as VCF (`lightning-tiles vcf`). Each path's reference comes from its
// reference tiles (the counts file names them), each sample's tiles from its CGF; the variants
// engine (src/variants) aligns every distinct tile variant once, normalises and left-aligns the
// differences and merges them into sorted multi-sample biallelic records. Browser-safe.
import { TarReader } from '../container/tar/reader.js'
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { readText } from '../core/filehandle.js'
import type { Region } from '../core/region.js'
import { formatPath, formatStepId } from '../core/tileId.js'
import { AssemblyReader } from '../formats/assembly/reader.js'
import { CgfReader } from '../formats/cgf/reader.js'
import type { DecodedPath } from '../formats/cgf/pathStruct.js'
import { parseTwoBit } from '../formats/twobit/reader.js'
import { NO_REF_VARIANT, parseCountsHeader, readU32s, countsRanges } from '../library/counts.js'
import type { StoreOpener } from '../resolver/TileResolver.js'
import type { RefAccessor } from '../variants/normalize.js'
import { tilesToVcf } from '../variants/vcf.js'
import type { HaplotypeTile, TileBlock, TileVariantSource } from '../variants/vcf.js'
import { parseManifest, storeFiles } from './manifest.js'
import type { ManifestPath, StoreManifest } from './manifest.js'

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
  file: (rel: string) => NamedFile,
  m: StoreManifest,
  p: ManifestPath,
  opts: AbortOptions,
): Promise<PathTiles> {
  const counts = file(storeFiles.libraryCounts(p.path))
  const bytes = await counts.handle.readFile(opts.signal ? { signal: opts.signal } : {})
  const head = parseCountsHeader(bytes, counts.name)
  if (head.nSteps !== p.steps)
    throw new FormatError(`${head.nSteps} steps, the manifest says ${p.steps}`, {
      file: counts.name,
    })
  const r = countsRanges(head.nSteps, head.nVariants, 0, head.nVariants)
  const slice = ([at, n]: [number, number]) => readU32s(bytes.subarray(at, at + n))
  const spans = slice(r.spans)
  const refVariant = slice(r.refVariants)
  if (refVariant.length !== head.nSteps)
    throw new FormatError('no reference-variant table (store built by an older version?)', {
      file: counts.name,
    })

  const asm = new AssemblyReader({
    gz: file(storeFiles.assembly(m.build)),
    gzi: file(storeFiles.assemblyGzi(m.build)),
    fwi: file(storeFiles.assemblyFwi(m.build)),
    tagLength: m.tagLength,
  })
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
  const tar = new TarReader({
    tar: file(storeFiles.libraryTar(p.path)),
    gzi: file(storeFiles.libraryGzi(p.path)),
    tai: file(storeFiles.libraryTai(p.path)),
  })
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
    refVariant,
    spans,
    stepStart: head.stepStart,
  }
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
  genomes: DecodedPath[],
  region: Region | undefined,
): TileBlock {
  const variants = new Map<string, TileVariantSource>()
  const tiles: HaplotypeTile[] = []
  const lo = region ? region.start - MARGIN : -Infinity
  const hi = region ? region.end + MARGIN : Infinity
  genomes.forEach((g, sample) => {
    // no-call runs per step, per allele
    const runs: [Map<number, number[]>, Map<number, number[]>] = [new Map(), new Map()]
    for (let k = 0; k < g.loqSteps.length; k++)
      for (const [a, index, values] of [
        [0, g.nocIndexA, g.nocRunsA],
        [1, g.nocIndexB, g.nocRunsB],
      ] as const) {
        const from = index[k]!
        const to = index[k + 1]!
        // nocIndex counts numbers, not (start, length) pairs (pathStruct.ts)
        if (to > from) runs[a].set(g.loqSteps[k]!, Array.from(values.subarray(from, to)))
      }
    for (const [allele, arr] of [g.variantsA, g.variantsB].entries())
      for (let s = 0; s < arr.length; s++) {
        const v = arr[s]!
        if (v < 0) continue
        const nocalls = runs[allele]!.get(s)
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
  return { chrom, start: p.start, variants, tiles }
}

/** The store's genotypes as VCF lines (header first), streamed path by path. */
export async function* storeToVcf(
  open: StoreOpener,
  opts: StoreVcfOptions = {},
): AsyncGenerator<string> {
  const file = (rel: string): NamedFile => ({ name: rel, handle: open(rel) })
  const mf = file(storeFiles.manifest)
  const m = parseManifest(
    await readText(mf.handle, opts.signal ? { signal: opts.signal } : {}),
    mf.name,
  )
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
  const cgfs = samples.map((s) => new CgfReader(file(s.cgf)))

  // reference of each contig: the reference tiles of its paths (only the paths read)
  const references = new Map<string, { start: number; seq: string[] }>()
  async function* blocks(): AsyncGenerator<TileBlock> {
    for (const p of paths) {
      checkAbort(opts.signal)
      const t = await readPathTiles(file, m, p, opts)
      let ref = references.get(p.chrom)
      if (!ref) references.set(p.chrom, (ref = { start: p.start, seq: [] }))
      ref.seq.push(pathReference(t, m.tagLength))
      const genomes = await Promise.all(cgfs.map((c) => c.decodePath(p.path, opts)))
      yield blockOf(p.chrom, p, t, genomes, region)
    }
  }
  const accessor = (chrom: string): RefAccessor => {
    // reads lazily: the engine asks while blocks of this contig stream in
    return (start, end) => {
      const ref = references.get(chrom)
      if (!ref) return ''
      const joined = ref.seq.length === 1 ? ref.seq[0]! : ref.seq.join('')
      if (ref.seq.length > 1) ref.seq = [joined]
      return joined
        .slice(Math.max(0, start - ref.start), Math.max(0, end - ref.start))
        .toUpperCase()
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
