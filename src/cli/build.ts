// lightning-tiles build: reference FASTA + cohort VCF (or gVCFs, or FASTA pairs) → tiled store.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { formatPath } from '../core/tileId.js'
import { interruptible } from './interrupt.js'
import { addSampleOptions, sampleNames } from './io.js'
import type { SampleOptions } from './io.js'

/** An option's value as a whole number ≥ 0 (undefined when not given). */
export function wholeNumber(what: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!(Number.isInteger(n) && n >= 0))
    throw new ArgumentError(`${what} must be a whole number, got '${v}'`)
  return n
}

/** The input options `build` and `add` share (the haplotypes and how to read them). */
export interface InputCliOptions extends SampleOptions {
  reference: string
  vcf?: string
  fasta?: string[]
  gvcf?: string[]
  minGq?: string
  minDp?: string
  callable?: string[]
  callableDir?: string
  callableStates?: string
  renameChrs?: string
  skipRefMismatch?: boolean
}

interface BuildCliOptions extends InputCliOptions {
  out: string
  force?: boolean
  pathLength?: string
  pathBed?: string
  build?: string
  fastj?: boolean
  cgf?: boolean
  sglf?: boolean
  cgftTileMap?: boolean
  tagsOnly?: boolean
  tags?: string
  paths?: string
  threads?: string
}

/** --paths FIRST-LAST (path numbers, decimal or the hex of file names with --paths 0x…). */
function pathsOption(v: string): { first: number; last: number } {
  const m = /^(\d+)-(\d+)$/.exec(v)
  if (!m) throw new ArgumentError(`--paths must be FIRST-LAST path numbers (e.g. 0-3), got '${v}'`)
  return { first: Number(m[1]), last: Number(m[2]) }
}

/** --callable values: one BED for every sample, and SAMPLE=BED pairs. */
export function callableOption(values: string[]): {
  callable?: string
  callableBySample?: Record<string, string>
} {
  const bySample: Record<string, string> = {}
  let all: string | undefined
  for (const v of values) {
    const eq = v.indexOf('=')
    if (eq < 0) {
      if (all !== undefined)
        throw new ArgumentError(
          `--callable: two BEDs for all samples (${all}, ${v}); use SAMPLE=BED`,
        )
      all = v
    } else {
      const name = v.slice(0, eq)
      if (name in bySample) throw new ArgumentError(`--callable: two BEDs for sample ${name}`)
      bySample[name] = v.slice(eq + 1)
    }
  }
  return {
    ...(all !== undefined ? { callable: all } : {}),
    ...(Object.keys(bySample).length ? { callableBySample: bySample } : {}),
  }
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a tiled store from a reference FASTA and a cohort VCF')
    .requiredOption('--reference <FASTA>', 'reference FASTA (plain, or bgzipped with .fai/.gzi)')
    .option('--vcf <VCF>', 'cohort VCF (bgzipped or plain), sorted as the reference')
    .option('--fasta <FILES...>', 'instead of --vcf: haplotype pairs NAME.1.fa[.gz] NAME.2.fa[.gz]')
    .option(
      '--gvcf <FILES...>',
      'instead of --vcf: single-sample gVCFs (GATK -ERC GVCF, DeepVariant); uncertain bases are no-calls',
    )
    .option('--min-gq <N>', 'gVCF records with GQ below N are no-calls (default 20; 0: off)')
    .option('--min-dp <N>', 'gVCF records with MIN_DP (blocks) or DP below N are no-calls')
    .option(
      '--callable <BED...>',
      'callable regions (e.g. GATK CallableLoci, mosdepth --quantize): one BED for all samples, ' +
        'or SAMPLE=BED per sample; bases outside are no-calls',
    )
    .option(
      '--callable-dir <DIR>',
      'per-sample callable BEDs: SAMPLE.callable.bed[.gz], SAMPLE.quantized.bed.gz or SAMPLE.bed[.gz]',
    )
    .option(
      '--callable-states <LIST>',
      'BED column-4 values that are callable (default CALLABLE); 3-column lines always are',
    )
    .option('--rename-chrs <FILE>', 'input contig names to reference names, "OLD NEW" per line')
    .requiredOption(
      '--out <STORE>',
      'store directory: new or empty (written only when the build succeeds)',
    )
    .option('--force', 'replace the store already at --out (never a file or another directory)')
  addSampleOptions(cmd, 'samples to take')
    .option('--path-length <BASES>', 'maximum bases per tile path (default 4000000)')
    .option('--path-bed <BED>', 'path boundaries (e.g. cytobands) instead of --path-length')
    .option('--build <NAME>', 'assembly build name (default: the reference file name)')
    .option('--skip-ref-mismatch', 'skip and count records whose REF disagrees with the reference')
    .option('--fastj', 'also write per-sample FastJ (fastj/SAMPLE/PPPP.fj.gz)')
    .option('--cgf', 'also write one CGF v3 per sample (genomes/SAMPLE.cgf3)')
    .option('--sglf', "also write each path's library as SGLF text (sglf/PPPP.sglf.gz)")
    .option(
      '--cgft-tile-map',
      "with --cgf: write cgft's full 1024-entry tile map into every CGF (+6.6 kB each)",
    )
    .option(
      '--tags-only',
      'only pick the paths and tags, into the file --out (for builds with --tags and --paths)',
    )
    .option('--tags <FILE>', 'the paths and tags of build --tags-only instead of picking them')
    .option(
      '--paths <FIRST-LAST>',
      'only these paths: a partial store, joined to the others by lightning-tiles merge',
    )
    .option(
      '--threads <N>',
      'worker threads, each building a run of paths of a VCF (default 1: none)',
    )
    .action(async (o: BuildCliOptions) => {
      if (o.cgftTileMap && !o.cgf) throw new ArgumentError('--cgft-tile-map needs --cgf')
      if (o.tags && (o.pathLength || o.pathBed || o.tagsOnly))
        throw new ArgumentError(
          '--tags gives the paths: not with --path-length, --path-bed or --tags-only',
        )
      const minGq = wholeNumber('--min-gq', o.minGq)
      const minDp = wholeNumber('--min-dp', o.minDp)
      const callable = callableOption(o.callable ?? [])
      const pathLength = o.pathLength === undefined ? undefined : Number(o.pathLength)
      if (pathLength !== undefined && !(Number.isInteger(pathLength) && pathLength > 0))
        throw new ArgumentError(`--path-length must be a positive integer, got '${o.pathLength}'`)
      const threads = wholeNumber('--threads', o.threads) ?? 1
      if (threads < 1) throw new ArgumentError('--threads must be at least 1')
      const only = o.paths === undefined ? undefined : pathsOption(o.paths)
      const samples = await sampleNames(o)
      // loaded here, not at start-up: the other commands need none of it
      const [{ writeBuildTags }, { buildStoreParallel }, { progressBar }] = await Promise.all([
        import('../tiling/build.js'),
        import('../tiling/parallel.js'),
        import('./progress.js'),
      ])
      const t0 = performance.now()
      if (o.tagsOnly) {
        const bar = progressBar()
        const n = await writeBuildTags({
          reference: o.reference,
          out: o.out,
          ...(pathLength ? { pathLength } : {}),
          ...(o.pathBed ? { pathBed: o.pathBed } : {}),
          onProgress: bar.onProgress,
        })
        bar.stop()
        process.stderr.write(`picked the tags of ${n} path(s) into ${o.out}\n`)
        return
      }
      const built = await interruptible('build', `${o.out} left as it was`, (run) =>
        buildStoreParallel(
          {
            reference: o.reference,
            ...(o.vcf ? { vcf: o.vcf } : {}),
            ...(o.fasta ? { fasta: o.fasta } : {}),
            ...(o.gvcf ? { gvcf: o.gvcf } : {}),
            ...(minGq !== undefined ? { minGq } : {}),
            ...(minDp !== undefined ? { minDp } : {}),
            ...callable,
            ...(o.callableDir ? { callableDir: o.callableDir } : {}),
            ...(o.callableStates ? { callableStates: o.callableStates.split(',') } : {}),
            ...(o.renameChrs ? { renameChrs: o.renameChrs } : {}),
            out: o.out,
            ...(o.force ? { force: true } : {}),
            ...(samples ? { samples } : {}),
            ...(pathLength ? { pathLength } : {}),
            ...(o.pathBed ? { pathBed: o.pathBed } : {}),
            ...(o.build ? { build: o.build } : {}),
            ...(o.skipRefMismatch ? { skipRefMismatch: true } : {}),
            ...(o.fastj ? { fastj: true } : {}),
            ...(o.cgf ? { cgf: true } : {}),
            ...(o.sglf ? { sglf: true } : {}),
            ...(o.cgftTileMap ? { fullTileMap: true } : {}),
            ...(o.tags ? { tags: o.tags } : {}),
            ...(only ? { paths: only } : {}),
            onProgress: run.onProgress,
            signal: run.signal,
          },
          threads,
        ),
      )
      const { manifest, overlaps, refMismatches, unplaced, contigRenames } = built
      const steps = manifest.paths.reduce((a, p) => a + p.steps, 0)
      const variants = manifest.paths.reduce((a, p) => a + p.variants, 0)
      const paths = manifest.paths
      const range = paths.length
        ? `${formatPath(paths[0]!.path)}–${formatPath(paths[paths.length - 1]!.path)}`
        : 'none'
      process.stderr.write(
        [
          `built ${manifest.partial ? `partial store (paths of ${manifest.partial.pathCount}) ` : ''}` +
            `${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
          `  samples ${manifest.samples.length}, paths ${paths.length} (${range}), tiles ${steps}, tile variants ${variants}`,
          `  library version ${manifest.libraryVersion}`,
          ...contigRenames.map((r) => `  contig ${r.from} of ${r.file} read as ${r.to} (${r.how})`),
          `  skipped ${overlaps.length} overlapping variant(s) (as bcftools consensus does)` +
            (refMismatches.length ? `, ${refMismatches.length} REF mismatch(es)` : '') +
            (unplaced.length ? `, ${unplaced.length} record(s) on contigs no path covers` : '') +
            (overlaps.length + refMismatches.length + unplaced.length
              ? ` (listed in ${o.out}/skipped.tsv.gz)`
              : ''),
        ].join('\n') + '\n',
      )
    })
}

/** lightning-tiles merge: partial stores (build --paths) joined into the store of every path. */
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('join partial stores (build --paths, same tags) into one store')
    .argument('<PARTIAL...>', 'partial store directories, every path in exactly one')
    .requiredOption('--out <STORE>', 'the store to write: new or empty')
    .option('--force', 'replace the store already at --out')
    .action(async (dirs: string[], o: { out: string; force?: boolean }) => {
      const [{ mergeStores }, { progressBar }] = await Promise.all([
        import('../tiling/merge.js'),
        import('./progress.js'),
      ])
      const bar = progressBar()
      try {
        const m = await mergeStores(dirs, {
          out: o.out,
          ...(o.force ? { force: true } : {}),
          onProgress: bar.onProgress,
        })
        bar.stop()
        process.stderr.write(
          `merged ${dirs.length} partial stores into ${o.out}: ${m.paths.length} paths\n`,
        )
      } finally {
        bar.stop()
      }
    })
}
