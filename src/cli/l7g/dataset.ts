// lightning-tiles import-l7g / export-l7g: an l7g dataset directory (tagset, assembly, library,
// CGFs or FastJ) ⇄ a store. Registration only; the work is in src/l7g/.
import type { Command } from 'commander'
import { examples } from './options.js'

const LAYOUT = `
Dataset layout (what export-l7g writes; import-l7g also takes the alternatives):
  tagset.2bit | tagset.fa[.gz] | PPPP.tagset            tags
  assembly.00.BUILD.fw.gz (+ .gzi, .fw.fwi | .fw.gz.fwi) assembly
  sglf/PPPP.sglf.gz | PPPP.sglf[.gz]                     library as SGLF, and/or
  library/PPPP.tar.gz (+ .gzi, PPPP.tar.tai), span.gz    library as 2bit tar
  cgf/SAMPLE.cgf3 | SAMPLE.cgf3                          genomes as CGF, or
  fastj/SAMPLE/PPPP.fj[.gz]                              genomes as FastJ (library built from them
                                                         when the dataset has none)
`

export function registerDataset(program: Command): void {
  program
    .command('import-l7g <dir>')
    .description('read an l7g dataset directory into a store (complete manifest; verify passes)')
    .requiredOption(
      '-o, --output <store>',
      'the store directory (new, empty, or with --force a store)',
    )
    .option('--force', 'replace an existing store')
    .option('--cgft-tile-map', 'write cgft’s full 1024-entry tile map into every CGF')
    .option(
      '--reference <fasta>',
      'the reference the assembly was made from: each step’s reference tile is recorded (VCF export needs it)',
    )
    .addHelpText(
      'after',
      LAYOUT +
        examples([
          'lightning-tiles import-l7g pgp-035e/ -o store && lightning-tiles verify store',
          'lightning-tiles import-l7g pgp/ -o store --reference hg19.fa.gz && lightning-tiles vcf store',
          'lightning-tiles import-l7g fastj-dataset/ -o store --force',
        ]),
    )
    .action(
      async (
        dir: string,
        o: { output: string; force?: boolean; cgftTileMap?: boolean; reference?: string },
      ) => {
        const { importL7g } = await import('../../l7g/import.js')
        const { progressBar } = await import('../progress.js')
        const bar = progressBar()
        try {
          const m = await importL7g(dir, o.output, {
            force: o.force ?? false,
            fullTileMap: o.cgftTileMap ?? false,
            ...(o.reference === undefined ? {} : { reference: o.reference }),
            onProgress: bar.onProgress,
            onNote: (note) => process.stderr.write(`note: ${note}\n`),
          })
          bar.stop()
          process.stderr.write(
            `imported ${dir} into ${o.output}: ${m.paths.length} paths, ${m.samples.length} genomes, library ${m.libraryVersion}\n`,
          )
        } finally {
          bar.stop()
        }
      },
    )
  program
    .command('export-l7g <store>')
    .description('write a store as an l7g dataset directory the upstream tools read')
    .requiredOption('-o, --output <dir>', 'the dataset directory (replaced when complete)')
    .option('--cgft-tile-map', 'CGFs with cgft’s full default tile map (as cgft -C writes them)')
    .option(
      '--library-version <V>',
      'LibraryVersion of the CGFs (default: the store’s library version; cgft writes 0.1.0)',
    )
    .addHelpText(
      'after',
      LAYOUT +
        examples([
          'lightning-tiles export-l7g store -o dataset',
          'lightning-tiles export-l7g store -o dataset --cgft-tile-map --library-version 0.1.0 && cgft -b 862 dataset/cgf/hu826751.cgf3',
        ]),
    )
    .action(
      async (
        store: string,
        o: { output: string; cgftTileMap?: boolean; libraryVersion?: string },
      ) => {
        const { exportL7g } = await import('../../l7g/export.js')
        const m = await exportL7g(store, o.output, {
          cgftTileMap: o.cgftTileMap ?? false,
          ...(o.libraryVersion === undefined ? {} : { libraryVersion: o.libraryVersion }),
        })
        process.stderr.write(
          `exported ${store} to ${o.output}: ${m.paths.length} paths, ${m.samples.length} genomes\n`,
        )
      },
    )
}
