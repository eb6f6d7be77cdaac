// lightning-tiles cgf encode|decode|export: band text ↔ CGF v3 (spec §9, §10), and one sample of
// a store as the CGF v3 file `build --cgf` writes.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { checkOutputFile, openOutput } from '../core/nodeOutput.js'
import { cliStore, opener, outputPath, readStdin, write } from './io.js'

interface EncodeOptions {
  path: string[]
  libraryVersion: string
  input?: string
  output?: string
}

interface ExportOptions {
  sample: string
  output?: string
  cgftTileMap?: boolean
}

/** Write `bytes` to `output` atomically, or to standard output when there is none. */
async function writeOutput(bytes: Uint8Array, output: string | undefined): Promise<void> {
  if (output === undefined) {
    await write(bytes)
    return
  }
  const out = await openOutput(output)
  try {
    out.stream.write(bytes)
    await out.commit()
  } catch (err) {
    await out.abort()
    throw err
  }
}

interface DecodeOptions {
  path?: string
  hiq?: boolean
}

export function registerCgf(program: Command): void {
  const cgf = program
    .command('cgf')
    .description('CGF v3 genome files: band text ↔ binary, and export from a store')
  cgf
    .command('encode')
    .description('encode bands (one per --path, in order) into a CGF v3 file')
    .requiredOption('--path <PPPP...>', 'tile path (hex) of each band on the input, in order')
    .option('--library-version <V>', 'LibraryVersion string (a library version hash)', '0.1.0')
    .option('-i, --input <FILE>', 'band file (default: standard input)')
    .option('-o, --output <FILE>', 'write the CGF here atomically (default: standard output)')
    .action(async (opts: EncodeOptions) => {
      const [{ parseBands }, { encodeCgf }, { parseCgfPath }] = await Promise.all([
        import('../formats/band/band.js'),
        import('../formats/cgf/encode.js'),
        import('../formats/cgf/reader.js'),
      ])
      const paths = opts.path.map(parseCgfPath)
      const output = outputPath(opts.output)
      if (opts.input !== undefined) await checkInputFile(opts.input, '--input')
      if (output !== undefined) await checkOutputFile(output)
      if (opts.input === undefined && process.stdin.isTTY)
        throw new ArgumentError(
          'give the bands with -i FILE or on standard input (it is a terminal)',
        )
      const name = opts.input ?? 'stdin'
      const { readFile } = await import('node:fs/promises')
      const text = opts.input ? await readFile(opts.input, 'utf8') : await readStdin()
      const bands = parseBands(text, name)
      if (bands.length !== paths.length)
        throw new ArgumentError(
          `${name} holds ${bands.length} bands for ${paths.length} --path values`,
        )
      const input = paths.map((path, i) => ({ path, band: bands[i]! }))
      await writeOutput(encodeCgf(input, { libraryVersion: opts.libraryVersion }), output)
    })
  cgf
    .command('export <store>')
    .description('write one sample of a store as a CGF v3 file (the bytes build --cgf writes)')
    .requiredOption('--sample <NAME>', 'the sample')
    .option('-o, --output <FILE>', 'write the CGF here atomically (default: standard output)')
    .option('--cgft-tile-map', "cgft's full 1024-entry tile map (as build --cgf --cgft-tile-map)")
    .action(async (store: string, opts: ExportOptions, cmd: Command) => {
      const output = outputPath(opts.output)
      if (output !== undefined) await checkOutputFile(output)
      const [opened, { storeSampleToCgf }] = await Promise.all([
        cliStore(store, cmd),
        import('../export/cgf.js'),
      ])
      const bytes = await storeSampleToCgf(opened, opts.sample, {
        fullTileMap: opts.cgftTileMap === true,
      })
      await writeOutput(bytes, output)
    })
  cgf
    .command('decode <file>')
    .description('print the band of every path (or one) of a CGF v3 file')
    .option('--path <PPPP>', 'only this tile path (hex)')
    .option('--hiq', 'high-quality view (cgft -q): -2 for a step with no-calls, no run lines')
    .action(async (file: string, opts: DecodeOptions, cmd: Command) => {
      await checkInputFile(file, 'CGF')
      const [{ formatBand }, { formatHiqBand }, { CgfReader, parseCgfPath }] = await Promise.all([
        import('../formats/band/band.js'),
        import('../formats/cgf/pathStruct.js'),
        import('../formats/cgf/reader.js'),
      ])
      const reader = new CgfReader({ name: file, handle: opener(cmd)(file) })
      const paths =
        opts.path !== undefined
          ? [parseCgfPath(opts.path)]
          : (await reader.getPaths()).map((p) => p.path)
      for (const path of paths) {
        const band = await reader.band(path)
        await write(opts.hiq ? formatHiqBand(band) : formatBand(band))
      }
    })
}
