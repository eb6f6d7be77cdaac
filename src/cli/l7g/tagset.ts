// lightning-tiles tagset …: tagset.2bit, FASTA tag libraries and per-path tag lists.
// Registration only; the work is in run/tagset.ts.
import type { Command } from 'commander'
import { examples, parseIntOption, parsePathOption } from './options.js'

export function registerTagset(program: Command): void {
  const tagset = program
    .command('tagset')
    .description('tagsets: tagset.2bit ⇄ FASTA tag library ⇄ one tag per line; tag lookup')
  tagset
    .command('convert <tagset>')
    .description('convert between the forms (input form detected; output from -o’s name or --form)')
    .option('-o, --output <file>', '.2bit, .fa[.gz] or a tag list (default: standard output)')
    .option('--form <form>', '2bit, fasta or text (one tag per line)')
    .option('-p, --path <PPPP>', 'only this path; names the path of a one-tag-per-line input')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles tagset convert 035e.tagset -o tagset.2bit',
        'lightning-tiles tagset convert tagset.2bit --path 035e > 035e.tagset',
        'lightning-tiles tagset convert tagset.2bit -o tagset.fa.gz',
      ]),
    )
    .action(async (file: string, o: { output?: string; form?: string; path?: string }) => {
      const { convert, formFor } = await import('./run/tagset.js')
      const path = o.path === undefined ? undefined : parsePathOption(o.path)
      await convert(file, o.output, formFor(o.output, o.form), path)
    })
  tagset
    .command('tags <tagset>')
    .description('the tags of a path, or the start and end tag of one tile (spec §2.2)')
    .requiredOption('-p, --path <PPPP>', 'tile path (hex)')
    .option('-s, --step <SSSS>', 'tile step (hex): print its start and end tag')
    .option('--span <n>', 'tile span (with --step)', '1')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles tagset tags tagset.2bit --path 035e | wc -l',
        'lightning-tiles tagset tags tagset.2bit --path 035e --step 0006 --span 2',
      ]),
    )
    .action(async (file: string, o: { path: string; step?: string; span: string }) => {
      const { tags } = await import('./run/tagset.js')
      const { write } = await import('../io.js')
      const step = o.step === undefined ? undefined : parsePathOption(o.step, '--step')
      await write(await tags(file, parsePathOption(o.path), step, parseIntOption(o.span, '--span')))
    })
  tagset
    .command('info <tagset>')
    .description('form, tag length and the tags of every path')
    .addHelpText('after', examples(['lightning-tiles tagset info tagset.2bit']))
    .action(async (file: string) => {
      const { info } = await import('./run/tagset.js')
      const { write } = await import('../io.js')
      await write(await info(file))
    })
}
