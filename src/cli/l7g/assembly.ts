// lightning-tiles assembly …: upstream tile-assembly's queries and tile ↔ reference lookups.
// Registration only; the work is in run/assembly.ts.
import type { Command } from 'commander'
import { examples, parsePathOption } from './options.js'

export function registerAssembly(program: Command): void {
  const assembly = program
    .command('assembly')
    .description('fixed-width assembly files (assembly.00.REF.fw.gz + .gzi + .fwi)')
  assembly
    .command('range <assembly> <PPPP>')
    .description('a path’s last step and reference range (tile-assembly range)')
    .addHelpText('after', examples(['lightning-tiles assembly range assembly.00.hg19.fw.gz 035e']))
    .action(async (file: string, path: string) => {
      const { range } = await import('./run/assembly.js')
      const { write } = await import('../io.js')
      await write(await range(file, parsePathOption(path, 'PPPP')))
    })
  assembly
    .command('tilepath <assembly> <PPPP>')
    .description('a path’s step/end lines (tile-assembly tilepath)')
    .option('--header', 'with the path’s >build:chrom:PPPP line')
    .addHelpText(
      'after',
      examples(['lightning-tiles assembly tilepath assembly.00.hg19.fw.gz 035e | head']),
    )
    .action(async (file: string, path: string, o: { header?: boolean }) => {
      const { tilepath } = await import('./run/assembly.js')
      const { write } = await import('../io.js')
      await write(await tilepath(file, parsePathOption(path, 'PPPP'), o.header ?? false))
    })
  assembly
    .command('lookup <assembly> <what>')
    .description(
      'reference interval of a tile (PPPP.SSSS[+SPAN]), or the tiles over chrom:pos[-end] (1-based)',
    )
    .addHelpText(
      'after',
      examples([
        'lightning-tiles assembly lookup assembly.00.hg19.fw.gz 035e.00.0006+2',
        'lightning-tiles assembly lookup assembly.00.hg19.fw.gz chrM:3000-3200',
      ]),
    )
    .action(async (file: string, what: string) => {
      const { lookup } = await import('./run/assembly.js')
      const { write } = await import('../io.js')
      await write(await lookup(file, what))
    })
}
