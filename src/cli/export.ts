// lightning-tiles export: a region's allele dosages, tile variants or one-hot tile variants as a
// matrix a notebook loads in one line (NumPy .npy, Parquet or Arrow IPC), with rows.csv and
// columns.csv beside it.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { ExportFormat } from '../export/matrix-writer.js'
import { addRegionOptions, cliStore, opener, regionsOf } from './io.js'
import type { RegionOptions } from './io.js'

interface ExportCliOptions extends RegionOptions {
  format: string
  samples?: string
  tiles?: boolean
  alleles?: boolean
  onehot?: boolean
  output?: string
}

const FORMATS: readonly string[] = ['npy', 'parquet', 'arrow']

export function registerExport(program: Command): void {
  const cmd = program
    .command('export <store>')
    .description(
      'a matrix for notebooks: allele dosages (samples × VCF alleles), tile variants (haplotypes × tile steps) or one-hot tile variants, with rows.csv and columns.csv',
    )
  addRegionOptions(cmd, 'the alleles or tiles overlapping')
    .option('--format <FORMAT>', 'npy, parquet or arrow', 'npy')
    .option(
      '-s, --samples <EXPR>',
      'the samples: an expression over the metadata (pop=="FIN"), ,A,B names or @FILE (default: all)',
    )
    .option('--alleles', 'samples × VCF alleles: ALT dosage 0/1/2, -1 missing (the default)')
    .option(
      '--tiles',
      'haplotypes × tile steps: the tile variant, -1 a step a spanning tile covers, -2 a tile with no-calls',
    )
    .option(
      '--onehot',
      'samples × (tile step, variant): how many of the sample’s haplotypes have it, -1 no-call',
    )
    .option('-o, --output <DIR>', 'the folder to write (new, or an earlier export)')
    .action(async (store: string, o: ExportCliOptions, command: Command) => {
      if (!FORMATS.includes(o.format))
        throw new ArgumentError(`--format ${o.format}: expected npy, parquet or arrow`)
      const kinds = [o.alleles && 'alleles', o.tiles && 'tiles', o.onehot && 'onehot'].filter(
        (k): k is 'alleles' | 'tiles' | 'onehot' => typeof k === 'string',
      )
      if (kinds.length > 1) throw new ArgumentError('give one of --alleles, --tiles, --onehot')
      if (o.output === undefined) throw new ArgumentError('give the folder to write: -o DIR')
      const open = await cliStore(store, command)
      const regions = await regionsOf(o, await open.manifest(), true)
      if (!regions) throw new ArgumentError('give the region to export: -r or -R')
      const [{ exportMatrix }, { progressBar }] = await Promise.all([
        import('../export/matrix-writer.js'),
        import('./progress.js'),
      ])
      const bar = progressBar()
      const t0 = performance.now()
      try {
        const r = await exportMatrix(open, {
          format: o.format as ExportFormat,
          kind: kinds[0] ?? 'alleles',
          regions,
          samples: o.samples,
          dir: o.output,
          open: opener(command),
          onProgress: bar.onProgress,
        })
        bar.stop()
        process.stderr.write(
          `exported ${r.rows} × ${r.columns} ${r.kind} matrix (${r.dtype}) to ${o.output}/${r.files[0]} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
        )
      } finally {
        bar.stop()
      }
    })
}
