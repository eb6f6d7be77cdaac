// What a build reads: the reference and the haplotypes (a cohort VCF or FASTA haplotype pairs),
// checked before any work starts, and turned path by path into path libraries (tiles.ts).
import { ArgumentError, checkAbort } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { findFastaPairs, tileFastaHaplotype } from './fastaPairs.js'
import type { FastaPair } from './fastaPairs.js'
import { VcfHaplotypeSource } from './haplotypes.js'
import type { OverlapSkip } from './haplotypes.js'
import { openReference } from './reference.js'
import type { ReferenceFasta } from './reference.js'
import type { PathTags } from './tags.js'
import { PathLibraryBuilder } from './tiles.js'
import type { PathLibrary } from './tiles.js'

/** Where the haplotypes come from, and what was skipped while reading them. */
export interface HaplotypeInput {
  samples: string[]
  unphased: ReadonlySet<string>
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  /** records on contigs no path covers */
  unplaced: { chrom: string; pos: number }[]
  /** VCF data lines read (complete once `libraries` has run); undefined for FASTA input */
  readonly records: number | undefined
  /** Each path's library, in path order; `progress(p, h)` as haplotype h of path p is added. */
  libraries(
    paths: PathTags[],
    progress: (p: PathTags, h: number) => void,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<PathLibrary>
}

export interface InputOptions {
  reference: string
  vcf?: string | undefined
  fasta?: string[] | undefined
  pathBed?: string | undefined
  samples?: string[] | undefined
  skipRefMismatch?: boolean | undefined
  signal?: AbortSignal | undefined
}

/** A VCF streamed path by path: one path's records and tiles in memory at a time. */
function vcfInput(source: VcfHaplotypeSource, ref: ReferenceFasta): HaplotypeInput {
  return {
    samples: source.samples,
    unphased: source.unphased,
    overlaps: source.overlaps,
    refMismatches: source.refMismatches,
    unplaced: source.unplaced,
    get records() {
      return source.records
    },
    async *libraries(paths, progress, signal) {
      const byNumber = new Map<number, PathTags>(paths.map((p) => [p.path, p]))
      for await (const ph of source.paths(paths, { signal })) {
        const p = byNumber.get(ph.path.path)!
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        const builder = new PathLibraryBuilder(p, refSeq, ph.nHaplotypes)
        for (let h = 0; h < ph.nHaplotypes; h++) {
          progress(p, h)
          builder.addEdits(h, ph.edits(h))
        }
        yield builder.finish()
      }
    },
  }
}

/**
 * FASTA haplotype pairs: each file is read whole and cut at the tags it holds (a missing or
 * altered tag makes a spanning tile), so every path's table is built at once. For the per-sample
 * FASTA that tools like lightning take; cohorts belong in a VCF.
 */
function fastaInput(pairs: FastaPair[], ref: ReferenceFasta): HaplotypeInput {
  return {
    samples: pairs.map((p) => p.sample),
    unphased: new Set(),
    overlaps: [],
    refMismatches: [],
    unplaced: [],
    records: undefined,
    async *libraries(paths, progress, signal) {
      const builders = new Map<number, PathLibraryBuilder>()
      for (const p of paths) {
        const refSeq = await ref.fetch(p.chrom, p.start, p.end, { signal })
        builders.set(p.path, new PathLibraryBuilder(p, refSeq, 2 * pairs.length))
      }
      for (const [i, pair] of pairs.entries())
        for (const [a, file] of pair.files.entries()) {
          checkAbort(signal)
          progress(paths[0]!, 2 * i + a)
          for (const [path, tiles] of await tileFastaHaplotype(file, paths, { signal }))
            builders.get(path)!.add(2 * i + a, tiles)
        }
      for (const p of paths) yield builders.get(p.path)!.finish()
    },
  }
}

/** Check every input file, open the reference and the haplotypes (a VCF's header is read). */
export async function openInputs(
  opts: InputOptions,
): Promise<{ ref: ReferenceFasta; source: HaplotypeInput }> {
  if ((opts.vcf === undefined) === (opts.fasta === undefined))
    throw new ArgumentError('give the haplotypes as a VCF or as FASTA pairs (one of the two)')
  await checkInputFile(opts.reference, 'reference')
  if (opts.vcf !== undefined) await checkInputFile(opts.vcf, 'VCF')
  for (const f of opts.fasta ?? []) await checkInputFile(f, 'FASTA')
  if (opts.pathBed !== undefined) await checkInputFile(opts.pathBed, 'path BED')
  const signal = opts.signal
  const ref = await openReference(opts.reference, { signal })
  if (opts.vcf !== undefined) {
    const vcf = await VcfHaplotypeSource.open(opts.vcf, ref, {
      signal,
      ...(opts.samples ? { samples: opts.samples } : {}),
      ...(opts.skipRefMismatch ? { skipRefMismatch: true } : {}),
    })
    return { ref, source: vcfInput(vcf, ref) }
  }
  let pairs = findFastaPairs(opts.fasta!)
  if (opts.samples) {
    const byName = new Map(pairs.map((p) => [p.sample, p]))
    pairs = opts.samples.map((name) => {
      const pair = byName.get(name)
      if (!pair) throw new ArgumentError(`sample ${name} has no FASTA pair`)
      return pair
    })
  }
  return { ref, source: fastaInput(pairs, ref) }
}
