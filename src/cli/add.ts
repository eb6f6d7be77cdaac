// lightning-tiles add: more samples into a store, as a new segment; compact: one segment again;
// index: the allele index of a store built before it.
import type { Command } from 'commander'
import { callableOption, wholeNumber } from './build.js'
import { interruptible } from './interrupt.js'
import { addSampleOptions, checkStore, sampleNames } from './io.js'
import type { InputCliOptions } from './build.js'

export function registerAdd(program: Command): void {
  const cmd = program
    .command('add')
    .description(
      'add samples to a store as a new segment (tile IDs already written keep their meaning)',
    )
    .argument('<STORE>', 'store directory (replaced only when the add succeeds)')
    .requiredOption('--reference <FASTA>', 'the reference FASTA the store was built from')
    .option('--vcf <VCF>', 'VCF of the samples to add (bgzipped or plain)')
    .option('--fasta <FILES...>', 'instead of --vcf: haplotype pairs NAME.1.fa[.gz] NAME.2.fa[.gz]')
    .option('--gvcf <FILES...>', 'instead of --vcf: single-sample gVCFs')
    .option('--min-gq <N>', 'gVCF records with GQ below N are no-calls (default 20; 0: off)')
    .option('--min-dp <N>', 'gVCF records with MIN_DP (blocks) or DP below N are no-calls')
    .option('--callable <BED...>', 'callable regions: one BED for all samples, or SAMPLE=BED')
    .option('--callable-dir <DIR>', 'per-sample callable BEDs (as build takes them)')
    .option('--callable-states <LIST>', 'BED column-4 values that are callable (default CALLABLE)')
    .option('--rename-chrs <FILE>', 'input contig names to reference names, "OLD NEW" per line')
    .option('--skip-ref-mismatch', 'skip and count records whose REF disagrees with the reference')
  addSampleOptions(cmd, 'samples to add').action(async (store: string, o: InputCliOptions) => {
    await checkStore(store)
    const minGq = wholeNumber('--min-gq', o.minGq)
    const minDp = wholeNumber('--min-dp', o.minDp)
    const samples = await sampleNames(o)
    const { addToStore } = await import('../tiling/add.js')
    const t0 = performance.now()
    const r = await interruptible('add', `${store} left as it was`, (run) =>
      addToStore({
        store,
        reference: o.reference,
        ...(o.vcf ? { vcf: o.vcf } : {}),
        ...(o.fasta ? { fasta: o.fasta } : {}),
        ...(o.gvcf ? { gvcf: o.gvcf } : {}),
        ...(minGq !== undefined ? { minGq } : {}),
        ...(minDp !== undefined ? { minDp } : {}),
        ...callableOption(o.callable ?? []),
        ...(o.callableDir ? { callableDir: o.callableDir } : {}),
        ...(o.callableStates ? { callableStates: o.callableStates.split(',') } : {}),
        ...(o.renameChrs ? { renameChrs: o.renameChrs } : {}),
        ...(samples ? { samples } : {}),
        ...(o.skipRefMismatch ? { skipRefMismatch: true } : {}),
        signal: run.signal,
        onProgress: run.onProgress,
      }),
    )
    const variants = r.manifest.paths.reduce((a, p) => a + p.variants, 0)
    process.stderr.write(
      [
        `added ${r.added.length} sample(s) to ${store} as segment ${r.segment} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        `  samples ${r.manifest.samples.length}, tile variants ${variants}, library version ${r.manifest.libraryVersion}`,
        `  skipped ${r.overlaps.length} overlapping variant(s) of the added samples` +
          (r.refMismatches.length ? `, ${r.refMismatches.length} REF mismatch(es)` : ''),
      ].join('\n') + '\n',
    )
  })

  program
    .command('compact')
    .description(
      "merge every path's matrix segments (from add) into one; the answers stay the same",
    )
    .argument('<STORE>', 'store directory (replaced only when the compaction succeeds)')
    .action(async (store: string) => {
      await checkStore(store)
      const { compactStore } = await import('../store/compact.js')
      const t0 = performance.now()
      const r = await interruptible(
        'compact',
        `${store} left as it was`,
        ({ signal, onProgress }) => compactStore({ store, signal, onProgress }),
      )
      process.stderr.write(
        r.segments === 1
          ? `${store} has one segment per path: nothing to compact\n`
          : `compacted ${r.segments} segments per path of ${store} into one in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
      )
    })

  program
    .command('index')
    .description(
      'write the allele index of every path (stores built before it): each allele with the tile variants carrying it, so queries look genotypes up instead of aligning tiles',
    )
    .argument('<STORE>', 'store directory (replaced only when the index is written)')
    .action(async (store: string) => {
      await checkStore(store)
      const { indexAlleles } = await import('../alleles/writer.js')
      const t0 = performance.now()
      const r = await interruptible('index', `${store} left as it was`, ({ signal, onProgress }) =>
        indexAlleles(store, { signal, onProgress }),
      )
      process.stderr.write(
        r.manifest.genotypes
          ? `indexed ${r.sites} alleles of ${store} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${r.multiStep} claimed by tiles of two steps, ${r.haplotypeWise} taken haplotype by haplotype)${r.unindexed.length ? `; none for ${r.unindexed.join(', ')}, where an indel left-aligns into the path before (their queries read the tiles)` : ''}\n`
          : `${store} keeps its genotypes as CGFs only: no allele index (its queries read the CGFs)\n`,
      )
    })
}
