// lightning-tiles library …: the 2bit-tar tile library the l7g servers use ⇄ SGLF, and its
// indexes. Registration only; the work is in run/library.ts.
import type { Command } from 'commander'
import { examples } from './options.js'

export function registerLibrary(program: Command): void {
  const library = program
    .command('library')
    .description('2bit-tar tile libraries (PPPP.tar.gz + .gzi + .tai, span.csv.gz) ⇄ SGLF')
  library
    .command('from-sglf [sglf]')
    .description('one PPPP.tar.gz (+ .gzi, .tar.tai) per path and span.csv.gz, streamed by step')
    .requiredOption('-o, --output <dir>', 'library folder (made if absent)')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles library from-sglf 035e.sglf.gz -o tilelib',
        'zcat sglf/*.sglf.gz | lightning-tiles library from-sglf -o tilelib',
      ]),
    )
    .action(async (file: string | undefined, o: { output: string }) => {
      const { fromSglf } = await import('./run/library.js')
      process.stderr.write(await fromSglf(file, o.output))
    })
  library
    .command('to-sglf <library>')
    .description('SGLF of a library folder (every PPPP.tar.gz) or of one PPPP.tar.gz')
    .option('--span <file>', 'span file (default: span.csv.gz beside the tars)')
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles library to-sglf tilelib/035e.tar.gz -o 035e.sglf.gz',
        'lightning-tiles library to-sglf tilelib --span tilelib/span.gz | lightning-tiles sglf version',
      ]),
    )
    .action(async (source: string, o: { span?: string; output?: string }) => {
      const { toSglf } = await import('./run/library.js')
      await toSglf(source, o.span, o.output)
    })
  library
    .command('index <tar>')
    .description('rebuild X.tar.gz.gzi (bgzip -r) and X.tar.tai (tarindexer) from X.tar.gz')
    .addHelpText('after', examples(['lightning-tiles library index tilelib/035e.tar.gz']))
    .action(async (tar: string) => {
      const { index } = await import('./run/library.js')
      const { write } = await import('../io.js')
      await write(await index(tar))
    })
}
