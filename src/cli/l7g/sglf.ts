// lightning-tiles sglf …: fjcsv2sglf, sglf-check, glft's version hashes and merge-sglf.
// Registration only; the work is in run/sglf.ts, loaded when a verb runs.
import type { Command } from 'commander'
import { examples } from './options.js'

interface Out {
  output?: string
}

export function registerSglf(program: Command): void {
  const sglf = program
    .command('sglf')
    .description('SGLF tile libraries: build from FastJ-CSV, check, version hashes, merge')
  sglf
    .command('build [csv]')
    .description(
      'a path’s library from FastJ-CSV of any number of samples, no-calls filled (fjcsv2sglf)',
    )
    .requiredOption('-t, --tags <tagset>', 'the path’s tags: one per line, FASTA or tagset.2bit')
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .addHelpText(
      'after',
      examples([
        'zcat */035e.fj.gz | lightning-tiles fastj csv -U | lightning-tiles sglf build -t 035e.tagset -o 035e.sglf.gz',
        'lightning-tiles sglf build -t tagset.2bit 035e.fjcsv > 035e.sglf',
      ]),
    )
    .action(async (file: string | undefined, o: Out & { tags: string }) => {
      const { build } = await import('./run/sglf.js')
      await build(o.tags, file, o.output)
    })
  sglf
    .command('validate [sglf]')
    .description('check md5s, a/c/g/t only, tile IDs and order (sglf-check); prints ok')
    .addHelpText('after', examples(['lightning-tiles sglf validate 035e.sglf.gz']))
    .action(async (file: string | undefined) => {
      const { validate } = await import('./run/sglf.js')
      const { write } = await import('../io.js')
      await write(await validate(file))
    })
  sglf
    .command('version [sglf]')
    .description('each path’s version and the library version (spec §5.5; glft -P)')
    .option('--md5-column', 'hash the md5 column instead of the sequences (glft -H)')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles sglf version 035e.sglf.gz',
        'zcat 0*.sglf.gz | lightning-tiles sglf version --md5-column',
      ]),
    )
    .action(async (file: string | undefined, o: { md5Column?: boolean }) => {
      const { version } = await import('./run/sglf.js')
      const { write } = await import('../io.js')
      await write(await version(file, o.md5Column ?? false))
    })
  sglf
    .command('merge <first> <second>')
    .description(
      'add the second library’s new tiles to the first, numbered after its variants (merge-sglf)',
    )
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .option('-m, --mapping <file>', 'CSV of each tile of <second>: its ID, its ID in the merge')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles sglf merge 035e-a.sglf.gz 035e-b.sglf.gz -o 035e.sglf.gz -m b-to-merged.csv',
      ]),
    )
    .action(async (first: string, second: string, o: Out & { mapping?: string }) => {
      const { merge } = await import('./run/sglf.js')
      await merge(first, second, o.output, o.mapping)
    })
}
