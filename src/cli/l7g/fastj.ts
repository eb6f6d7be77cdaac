// lightning-tiles fastj …: upstream fjt's jobs. Registration only; the work is in run/fastj.ts,
// loaded when a verb runs.
import type { Command } from 'commander'
import { examples, parseIntOption, parsePathOption } from './options.js'

interface Out {
  output?: string
}

export function registerFastj(program: Command): void {
  const fastj = program
    .command('fastj')
    .description('FastJ files (upstream fjt): validate, FastJ-CSV, band, allele sequence')
  fastj
    .command('validate [file]')
    .description('check every record (fjt -T) and each path’s tiling (fjt -t); prints ok')
    .option('--records-only', 'only the per-record checks (fjt -T without -t)')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles fastj validate 035e.fj.gz',
        'zcat hu826751/035e.fj.gz | lightning-tiles fastj validate --records-only',
      ]),
    )
    .action(async (file: string | undefined, o: { recordsOnly?: boolean }) => {
      const { validate } = await import('./run/fastj.js')
      const { write } = await import('../io.js')
      await write(await validate(file, !o.recordsOnly))
    })
  fastj
    .command('csv [file]')
    .description(
      'FastJ-CSV `tileID+span,md5,sequence` (fjt -C): sorted by tile ID, so the records are held; -U streams',
    )
    .option('-U, --unsorted', 'input order, streamed (fjt -C -U)')
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles fastj csv 035e.fj > 035e.csv',
        'zcat */035e.fj.gz | lightning-tiles fastj csv -U | lightning-tiles sglf build --tags 035e.tagset',
      ]),
    )
    .action(async (file: string | undefined, o: Out & { unsorted?: boolean }) => {
      const { csv } = await import('./run/fastj.js')
      await csv(file, o.output, o.unsorted ?? false)
    })
  fastj
    .command('band [file]')
    .description('the band of a FastJ path against its SGLF library (fjt -B -L)')
    .requiredOption('-L, --library <sglf>', 'the path’s SGLF library (plain, gzip or BGZF)')
    .option('-o, --output <file>', 'write here atomically instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles fastj band -L 035e.sglf.gz 035e.fj.gz > 035e.band',
        'lightning-tiles fastj band -L 035e.sglf.gz 035e.fj | lightning-tiles cgf append g.cgf3 --path 035e',
      ]),
    )
    .action(async (file: string | undefined, o: Out & { library: string }) => {
      const { band } = await import('./run/fastj.js')
      await band(file, o.library, o.output)
    })
  fastj
    .command('cat [file]')
    .description('one allele’s tiles joined into its sequence, 50 columns (fjt -c)')
    .option('-a, --allele <n>', 'allele (the tile ID’s last field): 0 or 1', '0')
    .option('-p, --path <PPPP>', 'only the records of this tile path (hex)')
    .option('-o, --output <file>', 'write here atomically instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles fastj cat --allele 0 035e.fj > 035e.0.seq',
        'zcat all-paths.fj.gz | lightning-tiles fastj cat --path 035e --allele 1',
      ]),
    )
    .action(async (file: string | undefined, o: Out & { allele: string; path?: string }) => {
      const { cat } = await import('./run/fastj.js')
      const path = o.path === undefined ? undefined : parsePathOption(o.path)
      await cat(file, parseIntOption(o.allele, '--allele'), path, o.output)
    })
  fastj
    .command('from-band [band]')
    .description('FastJ records of a band from its SGLF library (fjt -b -L)')
    .requiredOption('-L, --library <sglf>', 'the path’s SGLF library')
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles fastj from-band -L 035e.sglf.gz 035e.band | lightning-tiles fastj cat -a 0',
      ]),
    )
    .action(async (file: string | undefined, o: Out & { library: string }) => {
      const { fromBand } = await import('./run/fastj.js')
      await fromBand(file, o.library, o.output)
    })
  fastj
    .command('band-hash [bands]')
    .description('md5 of each allele’s sequence of every band (tileband-hash, fjt -H)')
    .requiredOption('-L, --library <sglf>', 'the path’s SGLF library')
    .addHelpText(
      'after',
      examples([
        'cat hu826751-035e.band hu34D5B9-035e.band | lightning-tiles fastj band-hash -L 035e.1.sglf.gz',
      ]),
    )
    .action(async (file: string | undefined, o: { library: string }) => {
      const { bandHash } = await import('./run/fastj.js')
      const { write } = await import('../io.js')
      await write(await bandHash(file, o.library))
    })
}
