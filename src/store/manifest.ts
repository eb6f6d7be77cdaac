// The store's manifest.json (this project's addition to the l7g files): what the store holds and
// how it was built. Browser-safe: the Store reads it over HTTP.
import { FormatError } from '../core/errors.js'
import { formatPath } from '../core/tileId.js'
import type { AnnotationField } from '../annotations/table.js'
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

/**
 * A partial store (`build --paths`): the paths it lists of the `pathCount` paths its tags file
 * picked. Only `merge` reads it (parseManifest refuses it): its samples' phasing, site table and
 * counts are whole only in the partial holding the last path, which reads the VCF to its end.
 */
export interface ManifestPartial {
  pathCount: number
}

/** A set of site annotations (`lightning-tiles annotate`), in `storeFiles.annotations(name)`. */
export interface ManifestAnnotation {
  name: string
  /** where the values came from, e.g. `--vcf clinvar.vcf.gz` */
  source: string
  fields: AnnotationField[]
  /** alleles annotated */
  records: number
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
  /** site annotation sets, added after the build without touching the genotypes */
  annotations?: ManifestAnnotation[]
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
  /** present only in a partial store */
  partial?: ManifestPartial
  /** samples added later (`add`), one entry per segment after the first, in order */
  added?: ManifestAddition[]
  /**
   * What the allele index (`alleles/`, src/alleles) was written for: the library version and the
   * genotype segments then. Readers use the index only while both still match, so an index left
   * behind by a tool that changed the store without rewriting it is never read.
   */
  alleles?: { libraryVersion: string; segments: number }
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

/** Parse and check manifest.json; `file` names it in errors. A partial store is refused but
 * with `partial` (merge). */
export function parseManifest(
  text: string,
  file = storeFiles.manifest,
  opts: { partial?: boolean } = {},
): StoreManifest {
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
  if (o.partial !== undefined) {
    need(Number.isInteger(o.partial?.pathCount), 'partial.pathCount must be an integer', file)
    const built = Array.isArray(o.paths) ? o.paths.map((p) => p.path) : []
    need(
      opts.partial === true,
      `a partial store (paths ${built.length ? `${formatPath(built[0]!)}–${formatPath(built[built.length - 1]!)}` : 'none'} of ${o.partial.pathCount}, ` +
        'from build --paths): join the partial stores with lightning-tiles merge',
      file,
    )
  }
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

/**
 * The manifest as JSON text: indented, but every object or list of plain values on one line, so a
 * sample, a path or a file hash is one line (JSON.stringify's indentation alone gives a 20,000-sample
 * manifest four lines, ~60 bytes, per sample).
 */
export function formatManifest(m: StoreManifest): string {
  const format = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v)
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)
    if (entries.every(([, x]) => x === null || typeof x !== 'object')) return JSON.stringify(v)
    const inner = indent + '  '
    const items = entries.map(([k, x]) =>
      Array.isArray(v)
        ? inner + format(x, inner)
        : `${inner}${JSON.stringify(k)}: ${format(x, inner)}`,
    )
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    return `${open}\n${items.join(',\n')}\n${indent}${close}`
  }
  return format(m, '') + '\n'
}
