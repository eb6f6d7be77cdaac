// lightning-tiles vcf: the store's genotypes as normalised, left-aligned multi-sample VCF, on stdout
// or in a file (.vcf, or BGZF .vcf.gz with a CSI index that tabix and bcftools read).
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { ManifestPath } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import type { RecordBatch } from '../variants/vcfBytes.js'
import { checkOutputFile } from '../core/nodeOutput.js'
import { isBgzfName, writeVcfFile } from '../export/vcf-writer.js'
import {
  addRegionOptions,
  addSampleOptions,
  outputPath,
  regionsOf,
  sampleNames,
  cliStore,
  write,
} from './io.js'
import type { RegionOptions, SampleOptions } from './io.js'

interface VcfCliOptions extends SampleOptions, RegionOptions {
  output?: string
  writeIndex?: boolean
}

/**
 * Groups of the (sorted, merged) regions that share a tile path: each group is exported in one
 * pass over its hull, so every path is read once however many regions lie on it.
 */
function passes(regions: Region[], paths: ManifestPath[]): Region[][] {
  const pathsOf = (r: Region) =>
    paths
      .filter((p) => p.chrom === r.chrom && p.end > r.start && p.start < r.end)
      .map((p) => p.path)
  const groups: { regions: Region[]; lastPath: number }[] = []
  for (const r of regions) {
    const ps = pathsOf(r)
    const last = groups[groups.length - 1]
    if (last && last.regions[0]!.chrom === r.chrom && ps.length && ps[0]! <= last.lastPath)
      last.regions.push(r)
    else groups.push({ regions: [r], lastPath: -1 })
    groups[groups.length - 1]!.lastPath = Math.max(groups[groups.length - 1]!.lastPath, ...ps)
  }
  return groups.map((g) => g.regions)
}

/**
 * The VCF lines of `regions` (sorted and merged; undefined: everything): as bcftools view -r,
 * each record that overlaps any region, once, in order. Records come unformatted (header lines
 * are strings): stdout writes them as bytes, a file as text.
 */
async function* vcfItems(
  open: Store,
  samples: string[] | undefined,
  regions: Region[] | undefined,
  paths: ManifestPath[],
): AsyncGenerator<string | RecordBatch> {
  const [{ storeVcfItems }, { filterBatch }] = await Promise.all([
    import('../export/vcf.js'),
    import('../variants/vcfBytes.js'),
  ])
  const opts = samples ? { samples } : {}
  if (!regions) {
    yield* storeVcfItems(open, opts)
    return
  }
  if (!regions.length) {
    // no region on the store's contigs: the header only
    for await (const line of storeVcfItems(open, opts)) {
      if (typeof line !== 'string') return
      yield line
    }
    return
  }
  let header = true
  let before: Region | undefined // the last region of the passes before
  for (const group of passes(regions, paths)) {
    const hull = { ...group[0]!, end: group[group.length - 1]!.end }
    let i = 0
    for await (const batch of storeVcfItems(open, { ...opts, region: hull })) {
      if (typeof batch === 'string') {
        if (header) yield batch
        continue
      }
      const kept = filterBatch(batch, (r) => {
        const end = r.pos + r.ref.length
        // records come sorted by start: regions ending before this one's start end before the rest
        while (i < group.length && group[i]!.end <= r.pos) i++
        if (i === group.length || group[i]!.start >= end) return false
        // a record that reaches back into an earlier pass's region was printed there
        return !(before?.chrom === r.chrom && r.pos < before.end)
      })
      if (kept.sites.length) yield kept
    }
    header = false
    before = group[group.length - 1]
  }
}

export function registerVcf(program: Command): void {
  const cmd = program
    .command('vcf <store>')
    .description(
      'genotypes back as VCF: tile variants aligned to the reference, normalised, merged',
    )
  addSampleOptions(cmd, 'samples')
  addRegionOptions(cmd, 'only records overlapping')
    .option(
      '-o, --output <FILE>',
      'write here instead of stdout (-): FILE.vcf as text, FILE.vcf.gz as BGZF (bgzip)',
    )
    .option('--write-index', 'with -o FILE.vcf.gz: also write its CSI index FILE.vcf.gz.csi')
    .action(async (store: string, o: VcfCliOptions, command: Command) => {
      const output = outputPath(o.output)
      if (output !== undefined) {
        if (/\.bcf$/i.test(output))
          throw new ArgumentError(
            `-o ${output}: BCF is not written; write .vcf.gz and convert with bcftools view -Ob`,
          )
        if (o.writeIndex && !isBgzfName(output))
          throw new ArgumentError(`--write-index needs a BGZF output: -o FILE.vcf.gz`)
        await checkOutputFile(output)
      } else if (o.writeIndex) {
        throw new ArgumentError('--write-index needs -o FILE.vcf.gz')
      }
      const open = await cliStore(store, command)
      const samples = await sampleNames(o)
      const manifest = await open.manifest()
      const regions = await regionsOf(o, manifest, true)
      const items = vcfItems(open, samples, regions, manifest.paths)
      const { recordLines, vcfBytes } = await import('../variants/vcfBytes.js')
      if (output === undefined) {
        // each chunk is written before the next is made: one buffer serves them all
        for await (const chunk of vcfBytes(items, { reuse: true })) await write(chunk)
        return
      }
      const maxLength = Math.max(0, ...manifest.contigs.map((c) => c.length))
      await writeVcfFile(
        output,
        (async function* () {
          for await (const x of items)
            if (typeof x === 'string') yield x
            else yield* recordLines(x)
        })(),
        o.writeIndex ? { maxLength } : undefined,
      )
    })
}
