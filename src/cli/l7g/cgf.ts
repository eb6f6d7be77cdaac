// lightning-tiles cgf create|append|band|info|show|concordance: cgft's verbs, added to the `cgf`
// command of ../cgf.ts (encode/decode). Registration only; the work is in run/cgf.ts.
import type { Command } from 'commander'
import { examples, parsePathOption } from './options.js'

interface Out {
  output?: string
}

export function registerCgfTools(program: Command): void {
  const cgf =
    program.commands.find((c) => c.name() === 'cgf') ??
    program.command('cgf').description('CGF v3 genome files')
  cgf
    .command('create [out]')
    .description('an empty CGF: header and tile map, no paths (cgft -C)')
    .option('-t, --tile-map <file>', 'tile map, one entry per line (default: cgft’s default map)')
    .option('--library-version <V>', 'LibraryVersion string', '0.1.0')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles cgf create hu826751.cgf3',
        'lightning-tiles cgf create --library-version $(lightning-tiles sglf version lib.sglf | tail -1 | cut -f2) g.cgf3',
      ]),
    )
    .action(async (out: string | undefined, o: { tileMap?: string; libraryVersion: string }) => {
      const { create, checkLibraryVersion } = await import('./run/cgf.js')
      await create(out, o.tileMap, checkLibraryVersion(o.libraryVersion))
    })
  cgf
    .command('append <cgf> [band]')
    .description(
      'encode a band into the CGF as --path, replacing that path if present (cgft -e); the file is rewritten atomically',
    )
    .requiredOption('--path <PPPP>', 'tile path of the band (hex; cgft takes it in decimal)')
    .option('-o, --output <file>', 'write the result here instead of replacing <cgf>')
    .option('--library-version <V>', 'also set LibraryVersion (cgft -L)')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles cgf append hu826751.cgf3 --path 035e < hu826751-035e.band',
        'lightning-tiles fastj band -L 035e.sglf.gz 035e.fj.gz | lightning-tiles cgf append g.cgf3 --path 035e',
      ]),
    )
    .action(
      async (
        file: string,
        bandFile: string | undefined,
        o: Out & { path: string; libraryVersion?: string },
      ) => {
        const { append, checkLibraryVersion } = await import('./run/cgf.js')
        const v = o.libraryVersion === undefined ? undefined : checkLibraryVersion(o.libraryVersion)
        await append(file, parsePathOption(o.path), bandFile, o.output, v)
      },
    )
  cgf
    .command('band <cgf>')
    .description('one path’s band (cgft -b)')
    .requiredOption('--path <PPPP>', 'tile path (hex)')
    .option('--hiq', 'high-quality view (cgft -q): -2 for a step with no-calls, no run lines')
    .addHelpText(
      'after',
      examples([
        'lightning-tiles cgf band hu826751.cgf3 --path 035e',
        'lightning-tiles cgf band hu826751.cgf3 --path 035e --hiq',
      ]),
    )
    .action(async (file: string, o: { path: string; hiq?: boolean }) => {
      const { band } = await import('./run/cgf.js')
      const { write } = await import('../io.js')
      await write(await band(file, parsePathOption(o.path), o.hiq ?? false))
    })
  cgf
    .command('info <cgf>')
    .description('header fields (cgft -H) and cgft -I’s size statistics')
    .addHelpText('after', examples(['lightning-tiles cgf info hu826751.cgf3']))
    .action(async (file: string) => {
      const { info } = await import('./run/cgf.js')
      const { write } = await import('../io.js')
      await write(await info(file))
    })
  cgf
    .command('show <cgf>')
    .description('every path of the CGF, one line each (cgft -A)')
    .addHelpText('after', examples(['lightning-tiles cgf show hu826751.cgf3']))
    .action(async (file: string) => {
      const { show } = await import('./run/cgf.js')
      const { write } = await import('../io.js')
      await write(await show(file))
    })
  cgf
    .command('concordance <a> <b>')
    .description('steps high quality in both genomes, and how many agree on both alleles')
    .option('--path <PPPP>', 'only this tile path (hex)')
    .addHelpText('after', examples(['lightning-tiles cgf concordance hu826751.cgf3 hu34D5B9.cgf3']))
    .action(async (a: string, b: string, o: { path?: string }) => {
      const { concordanceOf } = await import('./run/cgf.js')
      const { write } = await import('../io.js')
      await write(
        await concordanceOf(a, b, o.path === undefined ? undefined : parsePathOption(o.path)),
      )
    })
}
