// lightning-tiles twobit …: UCSC 2bit files (the tagset and the tile library are 2bit).
// Registration only; the work is in run/twobit.ts.
import type { Command } from 'commander'
import { examples, parseIntOption } from './options.js'

export function registerTwobit(program: Command): void {
  const twobit = program.command('twobit').description('UCSC 2bit files ⇄ FASTA')
  twobit
    .command('to-fasta <file>')
    .description(
      'FASTA of every sequence, or of --name ones (twoBitToFa); soft-masked bases lower case',
    )
    .option('-n, --name <names...>', 'only these sequences, in this order')
    .option('-w, --width <n>', 'bases per line', '50')
    .option('-o, --output <file>', 'write here atomically (.gz: BGZF) instead of standard output')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles twobit to-fasta simple.2bit',
        'lightning-tiles twobit to-fasta tagset.2bit --name 035e.00 --width 24',
      ]),
    )
    .action(async (file: string, o: { name?: string[]; width: string; output?: string }) => {
      const { toFasta } = await import('./run/twobit.js')
      await toFasta(file, o.name ?? [], parseIntOption(o.width, '--width'), o.output)
    })
  twobit
    .command('from-fasta [fasta]')
    .description('2bit of a FASTA (faToTwoBit): lower case → mask blocks, non-ACGT → N blocks')
    .option('-o, --output <file>', 'write here atomically instead of standard output')
    .option('--no-mask', 'no mask blocks: every base reads back upper case (faToTwoBit -noMask)')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles twobit from-fasta simple.fa -o simple.2bit',
        'zcat ref.fa.gz | lightning-tiles twobit from-fasta -o ref.2bit',
      ]),
    )
    .action(async (file: string | undefined, o: { output?: string; mask: boolean }) => {
      const { fromFasta } = await import('./run/twobit.js')
      await fromFasta(file, o.output, !o.mask)
    })
  twobit
    .command('info <file>')
    .description('name and length of every sequence (twoBitInfo)')
    .addHelpText('after', examples(['lightning-tiles twobit info tagset.2bit']))
    .action(async (file: string) => {
      const { info } = await import('./run/twobit.js')
      const { write } = await import('../io.js')
      await write(await info(file))
    })
}
