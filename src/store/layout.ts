// Which file of a store holds what (DESIGN "A store on disk"): the one place that names the
// relative paths, for the reader (Store), the build and the inspections. Browser-safe.
import { formatPath } from '../core/tileId.js'
import type { StoreManifest } from './manifest.js'

/** Relative file names inside a store. */
export const storeFiles = {
  manifest: 'manifest.json',
  /** variants the build skipped: overlaps (per haplotype, as bcftools consensus) and REF mismatches */
  skipped: 'skipped.tsv.gz',
  /** sample metadata (BGT's FMF), set by `samples --import`; optional, never hashed: editing it
   * must not touch genotypes or the manifest */
  samples: 'samples.fmf',
  tagset: 'tagset.2bit',
  assembly: (build: string) => `assembly.00.${build}.fw.gz`,
  assemblyGzi: (build: string) => `assembly.00.${build}.fw.gz.gzi`,
  assemblyFwi: (build: string) => `assembly.00.${build}.fw.fwi`,
  libraryTar: (path: number) => `library/${formatPath(path)}.tar.gz`,
  libraryGzi: (path: number) => `library/${formatPath(path)}.tar.gz.gzi`,
  libraryTai: (path: number) => `library/${formatPath(path)}.tar.tai`,
  libraryCounts: (path: number) => `library/${formatPath(path)}.counts.bin`,
  span: 'library/span.csv.gz',
  /** the input VCF's records (CHROM POS ID REF ALT) as a sites-only VCF, and its CSI index */
  sites: 'sites.vcf.gz',
  sitesIndex: 'sites.vcf.gz.csi',
  /** site annotations `annotate` writes (src/annotations): sites-only VCF + CSI, one per set */
  annotations: (name: string) => `annotations/${name}.vcf.gz`,
  annotationsIndex: (name: string) => `annotations/${name}.vcf.gz.csi`,
  /** the alleles of a path's tile variants (src/alleles, docs/allele-index.md) and its CSI index */
  alleles: (path: number) => `alleles/${formatPath(path)}.vcf.gz`,
  allelesIndex: (path: number) => `alleles/${formatPath(path)}.vcf.gz.csi`,
  sglf: (path: number) => `sglf/${formatPath(path)}.sglf.gz`,
  sglfGzi: (path: number) => `sglf/${formatPath(path)}.sglf.gz.gzi`,
  /** the cohort matrix of a path (docs/cohort-matrix.md): segment 0, then one per `add` */
  genotypes: (path: number, segment = 0) =>
    segment === 0
      ? `genotypes/${formatPath(path)}.ltcm`
      : `genotypes/${formatPath(path)}.${segment}.ltcm`,
  /** a sample's CGF v3: written by `build --cgf` (and in stores built before the matrix) */
  genome: (sample: string) => `genomes/${encodeURIComponent(sample)}.cgf3`,
  fastj: (sample: string, path: number) =>
    `fastj/${encodeURIComponent(sample)}/${formatPath(path)}.fj.gz`,
}

/** The parts a store's bytes are counted in. */
export type StorePart =
  | 'manifest'
  | 'sites'
  | 'alleles'
  | 'tagset'
  | 'assembly'
  | 'libraryTar'
  | 'sglf'
  | 'spanCounts'
  | 'genotypes'
  | 'genomes'
  | 'fastj'

/** A file of a store, the part it belongs to, and whether a complete store must have it. */
export interface StoreFile {
  rel: string
  part: StorePart
  required: boolean
  /** what names it, for messages: e.g. "the CGF of sample HG00096" */
  role: string
}

/** Every file a manifest names (SGLF and its `.gzi` are optional, DESIGN "A store on disk"). */
export function storeFileList(m: StoreManifest): StoreFile[] {
  const f = (rel: string, part: StorePart, role: string, required = true): StoreFile => ({
    rel,
    part,
    required,
    role,
  })
  const out: StoreFile[] = [
    f(storeFiles.manifest, 'manifest', 'the manifest'),
    // what the build skipped (overlapping variants, REF mismatches); stores before it lack it
    f(storeFiles.skipped, 'manifest', 'the list of skipped variants', false),
    f(storeFiles.tagset, 'tagset', 'the tagset'),
    f(storeFiles.assembly(m.build), 'assembly', 'the assembly'),
    f(storeFiles.assemblyGzi(m.build), 'assembly', 'the assembly .gzi'),
    f(storeFiles.assemblyFwi(m.build), 'assembly', 'the assembly .fwi'),
  ]
  for (const p of m.paths) {
    const id = formatPath(p.path)
    out.push(
      f(storeFiles.libraryTar(p.path), 'libraryTar', `the 2bit-tar library of path ${id}`),
      f(storeFiles.libraryGzi(p.path), 'libraryTar', `the library .gzi of path ${id}`),
      f(storeFiles.libraryTai(p.path), 'libraryTar', `the library .tai of path ${id}`),
      f(storeFiles.libraryCounts(p.path), 'spanCounts', `the counts file of path ${id}`),
      f(storeFiles.sglf(p.path), 'sglf', `the SGLF of path ${id}`, false),
      // stores before it lack it (lightning-tiles index writes it); queries then align every tile
      f(storeFiles.alleles(p.path), 'alleles', `the allele index of path ${id}`, false),
      f(storeFiles.allelesIndex(p.path), 'alleles', `the allele index .csi of path ${id}`, false),
      f(storeFiles.sglfGzi(p.path), 'sglf', `the SGLF .gzi of path ${id}`, false),
    )
  }
  out.push(f(storeFiles.span, 'spanCounts', 'the span file'))
  // the input's sites and IDs (stores before it, and FASTA-built ones, lack it)
  out.push(f(storeFiles.sites, 'sites', 'the site table', false))
  out.push(f(storeFiles.sitesIndex, 'sites', 'the site table index', false))
  for (const a of m.annotations ?? [])
    out.push(
      f(storeFiles.annotations(a.name), 'sites', `the annotation set ${a.name}`),
      f(storeFiles.annotationsIndex(a.name), 'sites', `the index of annotation set ${a.name}`),
    )
  for (const [k] of (m.genotypes?.segments ?? []).entries())
    for (const p of m.paths)
      out.push(
        f(
          storeFiles.genotypes(p.path, k),
          'genotypes',
          `the cohort matrix of path ${formatPath(p.path)}${k > 0 ? `, segment ${k}` : ''}`,
        ),
      )
  for (const s of m.samples)
    if (s.cgf !== undefined) out.push(f(s.cgf, 'genomes', `the CGF of sample ${s.name}`))
  return out
}

/** Per-sample FastJ files (`build --fastj`), all optional. */
export function storeFastjList(m: StoreManifest): StoreFile[] {
  return m.samples.flatMap((s) =>
    m.paths.map((p) => ({
      rel: storeFiles.fastj(s.name, p.path),
      part: 'fastj' as const,
      required: false,
      role: `the FastJ of sample ${s.name}, path ${formatPath(p.path)}`,
    })),
  )
}
