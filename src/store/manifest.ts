// The store's manifest.json (this project's addition to the l7g files): what the store holds and
// how it was built. Browser-safe: the Store reads it over HTTP.
import { FormatError } from '../core/errors.js'
import { formatPath } from '../core/tileId.js'
import { storeFiles } from './layout.js'

export const STORE_FORMAT = 'lightning-tiles-store'
export const STORE_FORMAT_VERSION = 1

/** One tile path of the store: where it lies on the reference and how many steps and variants. */
export interface ManifestPath {
  /** path number (PPPP in hex in file names) */
  path: number
  chrom: string
  /** reference interval of the path, 0-based half-open */
  start: number
  end: number
  /** number of tile steps (tags + 1) */
  steps: number
  /** distinct tile variants in the library for this path */
  variants: number
  /** path version, spec §5.5 */
  version: string
}

/** One genome of the store, and its CGF when the store has one. */
export interface ManifestSample {
  name: string
  /** false when any genotype of the sample was unphased (written order kept) */
  phased: boolean
  /** CGF file, relative to the store: `build --cgf`, `--from-cgf` and stores before the matrix */
  cgf?: string
}

/**
 * The cohort matrices (docs/cohort-matrix.md): one file per path and segment
 * (`storeFiles.genotypes(path, k)`); segment k holds its samples' haplotypes as columns 2i, 2i+1,
 * and the segments' samples, concatenated, are the manifest's samples in order.
 */
export interface ManifestGenotypes {
  segments: { samples: string[] }[]
}

/** What manifest.json holds: the store's format, build, contigs, paths, samples and source. */
export interface StoreManifest {
  format: typeof STORE_FORMAT
  formatVersion: number
  /** assembly build name (the REF in assembly.00.REF.fw.gz) */
  build: string
  tagLength: number
  /** library version, spec §5.5, also written into every CGF */
  libraryVersion: string
  contigs: { name: string; length: number }[]
  paths: ManifestPath[]
  samples: ManifestSample[]
  /** the genotypes as cohort matrices; absent in a store of CGFs only, whose readers use those */
  genotypes?: ManifestGenotypes
  /** what the build read and what it skipped */
  source: {
    reference: string
    vcf?: string
    /** FASTA haplotype files, when the build read those instead of a VCF */
    fasta?: string[]
    /** single-sample gVCFs, when the build read those, and the thresholds below which a record
     * was a no-call */
    gvcf?: string[]
    minGq?: number
    minDp?: number
    /** VCF data lines read */
    records?: number
    skippedOverlaps?: number
    skippedRefMismatches?: number
    /** records on a reference contig that no path covers (paths from a BED without it) */
    skippedUnplaced?: number
  }
  created: string
  tool: string
  /** samples added later (`add`), one entry per segment after the first, in order */
  added?: ManifestAddition[]
  /**
   * Size and md5 of every other file of the store, by name relative to the store (sorted), so that
   * a damaged file is named by its own content (store/fileHashes.ts). Stores built before it lack it.
   */
  files?: Record<string, FileHash>
}

/** What one `add` read: its segment, how many samples, the input files, and when. */
export interface ManifestAddition {
  segment: number
  samples: number
  vcf?: string
  fasta?: string[]
  gvcf?: string[]
  minGq?: number
  minDp?: number
  created: string
}

/** A file's size in bytes and the md5 (hex) of its bytes. */
export interface FileHash {
  size: number
  md5: string
}

function need(cond: boolean, what: string, file: string): asserts cond {
  if (!cond) throw new FormatError(`manifest: ${what}`, { file })
}

/** Parse and check manifest.json; `file` names it in errors. */
export function parseManifest(text: string, file = storeFiles.manifest): StoreManifest {
  let m: unknown
  try {
    m = JSON.parse(text)
  } catch (err) {
    throw new FormatError(`not JSON (${(err as Error).message})`, { file })
  }
  const o = m as Partial<StoreManifest>
  need(typeof o === 'object' && o !== null, 'expected an object', file)
  need(o.format === STORE_FORMAT, `format must be '${STORE_FORMAT}'`, file)
  need(
    o.formatVersion === STORE_FORMAT_VERSION,
    `unsupported formatVersion ${o.formatVersion}`,
    file,
  )
  need(
    typeof o.build === 'string' && /^[\w.-]+$/.test(o.build),
    'build must be a file-name-safe string',
    file,
  )
  need(
    Number.isInteger(o.tagLength) && o.tagLength! > 0,
    'tagLength must be a positive integer',
    file,
  )
  need(typeof o.libraryVersion === 'string', 'libraryVersion missing', file)
  need(
    Array.isArray(o.contigs) && Array.isArray(o.paths) && Array.isArray(o.samples),
    'contigs, paths and samples must be arrays',
    file,
  )
  const names = new Set<string>()
  for (const s of o.samples) {
    need(
      typeof s.name === 'string' && (s.cgf === undefined || typeof s.cgf === 'string'),
      'every sample needs a name (and a cgf, if any, is a file name)',
      file,
    )
    need(!names.has(s.name), `sample '${s.name}' is listed twice`, file)
    names.add(s.name)
  }
  if (o.genotypes !== undefined) {
    const segs = (o.genotypes as Partial<ManifestGenotypes> | null)?.segments
    need(
      Array.isArray(segs) && segs.every((g) => Array.isArray(g?.samples)),
      'genotypes.segments must be a list of { samples: [...] }',
      file,
    )
    const order = segs.flatMap((g) => g.samples)
    need(
      order.length === o.samples.length && order.every((n, i) => n === o.samples![i]!.name),
      "genotypes.segments' samples must be the manifest's samples, in order",
      file,
    )
  } else
    need(
      o.samples.every((s) => typeof s.cgf === 'string'),
      'a store without genotypes needs a cgf for every sample',
      file,
    )
  if (o.files !== undefined) {
    need(typeof o.files === 'object' && o.files !== null, 'files must be an object', file)
    for (const [rel, h] of Object.entries(o.files)) {
      // names are opened relative to the store: never above it
      need(
        rel !== '' && !rel.startsWith('/') && !rel.split('/').includes('..'),
        `files: '${rel}' is not a name inside the store`,
        file,
      )
      need(
        Number.isSafeInteger(h?.size) && h.size >= 0 && /^[0-9a-f]{32}$/.test(h.md5),
        `files: '${rel}' needs a size and an md5 (32 hex digits)`,
        file,
      )
    }
  }
  let last = -1
  for (const p of o.paths) {
    need(
      Number.isInteger(p.path) && p.path > last && p.path <= 0xffff,
      `paths must be increasing numbers (at ${p.path})`,
      file,
    )
    need(
      Number.isInteger(p.steps) && p.steps >= 0 && p.start <= p.end,
      `path ${formatPath(p.path)}: bad steps or interval`,
      file,
    )
    last = p.path
  }
  return o as StoreManifest
}
