// lightning-tiles vcf: the store's genotypes as normalised, left-aligned multi-sample VCF.
import type { Command } from 'commander'
import { parseRegion } from '../core/region.js'
import { storeToVcf } from '../export/vcf.js'
import { compressionFor, writeTextFile } from '../formats/text-writer.js'
import { openStore } from '../store/node.js'
import { parseSampleList, write } from './io.js'

interface VcfCliOptions {
  samples?: string
  region?: string
  output?: string
}

async function* lines(source: AsyncIterable<string>): AsyncGenerator<string> {
  let batch: string[] = []
  for await (const line of source) {
    batch.push(line)
    if (batch.length === 1024) {
      yield batch.join('\n') + '\n'
      batch = []
    }
  }
  if (batch.length) yield batch.join('\n') + '\n'
}

export function registerVcf(program: Command): void {
  program
    .command('vcf <store>')
    .description(
      'genotypes back as VCF: tile variants aligned to the reference, normalised, merged',
    )
    .option('--samples <LIST>', 'samples: A,B,C or a file with one name per line')
    .option('--region <CHR:B-E>', 'only records overlapping this region (1-based inclusive)')
    .option(
      '-o, --output <FILE>',
      'write here (bgzipped with .gzi when it ends in .gz) instead of stdout',
    )
    .action(async (store: string, o: VcfCliOptions) => {
      const out = storeToVcf(openStore(store), {
        ...(o.samples ? { samples: parseSampleList(o.samples) } : {}),
        ...(o.region ? { region: parseRegion(o.region) } : {}),
      })
      if (o.output) await writeTextFile(o.output, lines(out), compressionFor(o.output))
      else for await (const chunk of lines(out)) await write(chunk)
    })
}
