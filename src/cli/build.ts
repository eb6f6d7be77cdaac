// lightning-tiles build: reference FASTA + cohort VCF → tiled store.
import { constants } from 'node:os'
import { CommanderError } from 'commander'
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { formatPath } from '../core/tileId.js'
import { addSampleOptions, sampleNames } from './io.js'
import type { SampleOptions } from './io.js'

/**
 * SIGINT and SIGTERM abort the build, which then removes its temporary directory; the command
 * exits 128 + the signal number (130, 143) as a shell does. A second signal exits at once (a later
 * build removes what is left).
 */
function abortOnSignals(): {
  signal: AbortSignal
  received: () => NodeJS.Signals | undefined
  dispose: () => void
} {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (received) process.exit(128 + constants.signals[received])
    received = sig
    controller.abort()
  }
  const signals = ['SIGINT', 'SIGTERM'] as const
  for (const sig of signals) process.on(sig, onSignal)
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const sig of signals) process.off(sig, onSignal)
    },
  }
}

interface BuildCliOptions extends SampleOptions {
  reference: string
  vcf?: string
  fasta?: string[]
  out: string
  force?: boolean
  pathLength?: string
  pathBed?: string
  build?: string
  skipRefMismatch?: boolean
  fastj?: boolean
  cgf?: boolean
  cgftTileMap?: boolean
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a tiled store from a reference FASTA and a cohort VCF')
    .requiredOption('--reference <FASTA>', 'reference FASTA (plain, or bgzipped with .fai/.gzi)')
    .option('--vcf <VCF>', 'cohort VCF (bgzipped or plain), sorted as the reference')
    .option('--fasta <FILES...>', 'instead of --vcf: haplotype pairs NAME.1.fa[.gz] NAME.2.fa[.gz]')
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
    .option(
      '--cgft-tile-map',
      "with --cgf: write cgft's full 1024-entry tile map into every CGF (+6.6 kB each)",
    )
    .action(async (o: BuildCliOptions) => {
      if (o.cgftTileMap && !o.cgf) throw new ArgumentError('--cgft-tile-map needs --cgf')
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
      const interrupt = abortOnSignals()
      try {
        const { manifest, overlaps, refMismatches, unplaced } = await buildStore({
          reference: o.reference,
          ...(o.vcf ? { vcf: o.vcf } : {}),
          ...(o.fasta ? { fasta: o.fasta } : {}),
          out: o.out,
          ...(o.force ? { force: true } : {}),
          ...(samples ? { samples } : {}),
          ...(pathLength ? { pathLength } : {}),
          ...(o.pathBed ? { pathBed: o.pathBed } : {}),
          ...(o.build ? { build: o.build } : {}),
          ...(o.skipRefMismatch ? { skipRefMismatch: true } : {}),
          ...(o.fastj ? { fastj: true } : {}),
          ...(o.cgf ? { cgf: true } : {}),
          ...(o.cgftTileMap ? { fullTileMap: true } : {}),
          onProgress: bar.onProgress,
          signal: interrupt.signal,
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
              (refMismatches.length ? `, ${refMismatches.length} REF mismatch(es)` : '') +
              (unplaced.length ? `, ${unplaced.length} record(s) on contigs no path covers` : '') +
              (overlaps.length + refMismatches.length + unplaced.length
                ? ` (listed in ${o.out}/skipped.tsv)`
                : ''),
          ].join('\n') + '\n',
        )
      } catch (err) {
        const sig = interrupt.received()
        if (sig === undefined) throw err
        bar.stop()
        process.stderr.write(
          `lightning-tiles: build interrupted by ${sig}; ${o.out} left as it was\n`,
        )
        const code = 128 + constants.signals[sig]
        throw new CommanderError(code, 'lightning-tiles.interrupted', `interrupted by ${sig}`)
      } finally {
        interrupt.dispose()
        bar.stop()
      }
    })
}
