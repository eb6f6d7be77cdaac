// lightning-tiles build: reference FASTA + cohort VCF → tiled store.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { formatPath } from '../core/tileId.js'
import { addSampleOptions, sampleNames } from './io.js'
import type { SampleOptions } from './io.js'

interface BuildCliOptions extends SampleOptions {
  reference: string
  vcf?: string
  fasta?: string[]
  out: string
  pathLength?: string
  pathBed?: string
  build?: string
  skipRefMismatch?: boolean
  fastj?: boolean
  cgftTileMap?: boolean
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a tiled store from a reference FASTA and a cohort VCF')
    .requiredOption('--reference <FASTA>', 'reference FASTA (plain, or bgzipped with .fai/.gzi)')
    .option('--vcf <VCF>', 'cohort VCF (bgzipped or plain), sorted as the reference')
    .option('--fasta <FILES...>', 'instead of --vcf: haplotype pairs NAME.1.fa[.gz] NAME.2.fa[.gz]')
    .requiredOption('--out <STORE>', 'store directory (replaced only when the build succeeds)')
  addSampleOptions(cmd, 'samples to take')
    .option('--path-length <BASES>', 'maximum bases per tile path (default 4000000)')
    .option('--path-bed <BED>', 'path boundaries (e.g. cytobands) instead of --path-length')
    .option('--build <NAME>', 'assembly build name (default: the reference file name)')
    .option('--skip-ref-mismatch', 'skip and count records whose REF disagrees with the reference')
    .option('--fastj', 'also write per-sample FastJ (fastj/SAMPLE/PPPP.fj.gz)')
    .option(
      '--cgft-tile-map',
      "write cgft's full 1024-entry tile map into every CGF (+6.6 kB each)",
    )
    .action(async (o: BuildCliOptions) => {
      const pathLength = o.pathLength === undefined ? undefined : Number(o.pathLength)
      if (pathLength !== undefined && !(Number.isInteger(pathLength) && pathLength > 0))
        throw new ArgumentError(`--path-length must be a positive integer, got '${o.pathLength}'`)
      const samples = await sampleNames(o)
      // loaded here, not at start-up: the other commands need none of it
      const [{ buildStore }, { progressBar }] = await Promise.all([
        import('../tiling/build.js'),
        import('./progress.js'),
      ])
      const bar = progressBar()
      const t0 = performance.now()
      try {
        const { manifest, overlaps, refMismatches } = await buildStore({
          reference: o.reference,
          ...(o.vcf ? { vcf: o.vcf } : {}),
          ...(o.fasta ? { fasta: o.fasta } : {}),
          out: o.out,
          ...(samples ? { samples } : {}),
          ...(pathLength ? { pathLength } : {}),
          ...(o.pathBed ? { pathBed: o.pathBed } : {}),
          ...(o.build ? { build: o.build } : {}),
          ...(o.skipRefMismatch ? { skipRefMismatch: true } : {}),
          ...(o.fastj ? { fastj: true } : {}),
          ...(o.cgftTileMap ? { fullTileMap: true } : {}),
          onProgress: bar.onProgress,
        })
        bar.stop()
        const steps = manifest.paths.reduce((a, p) => a + p.steps, 0)
        const variants = manifest.paths.reduce((a, p) => a + p.variants, 0)
        const paths = manifest.paths
        const range = paths.length
          ? `${formatPath(paths[0]!.path)}–${formatPath(paths[paths.length - 1]!.path)}`
          : 'none'
        process.stderr.write(
          [
            `built ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
            `  samples ${manifest.samples.length}, paths ${paths.length} (${range}), tiles ${steps}, tile variants ${variants}`,
            `  library version ${manifest.libraryVersion}`,
            `  skipped ${overlaps.length} overlapping variant(s) (as bcftools consensus does)` +
              (refMismatches.length ? `, ${refMismatches.length} REF mismatch(es)` : ''),
          ].join('\n') + '\n',
        )
      } finally {
        bar.stop()
      }
    })
}
