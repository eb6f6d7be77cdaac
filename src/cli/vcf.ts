// lightning-tiles vcf: the store's genotypes as normalised, left-aligned multi-sample VCF, on stdout
// or in a file (.vcf, or BGZF .vcf.gz with a CSI index that tabix and bcftools read).
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import type { Region } from '../core/region.js'
import type { ManifestPath } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import type { VcfRecord } from '../variants/vcf.js'
import {
  addRegionOptions,
  addSampleOptions,
  checkOutputFile,
  openOutput,
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

export const isBgzfName = (path: string) => /\.b?gz$/i.test(path)

/** The contig and 0-based half-open reference span of a record line (REF, or INFO END). */
function recordSpan(line: string): { chrom: string; beg: number; end: number } {
  const f = line.split('\t', 8)
  const beg = Number(f[1]) - 1
  const end = /(?:^|;)END=(\d+)/.exec(f[7] ?? '')
  return { chrom: f[0]!, beg, end: end ? Number(end[1]) : beg + (f[3]?.length ?? 1) }
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
): AsyncGenerator<string | VcfRecord> {
  const { storeVcfItems } = await import('../export/vcf.js')
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
    for await (const r of storeVcfItems(open, { ...opts, region: hull })) {
      if (typeof r === 'string') {
        if (header) yield r
        continue
      }
      const end = r.pos + r.ref.length
      // records come sorted by start: regions ending before this one's start end before the rest
      while (i < group.length && group[i]!.end <= r.pos) i++
      if (i === group.length || group[i]!.start >= end) continue
      // a record that reaches back into an earlier pass's region was printed there
      if (before?.chrom === r.chrom && r.pos < before.end) continue
      yield r
    }
    header = false
    before = group[group.length - 1]
  }
}

/** Lines joined into chunks of 1024 (fewer, larger writes). */
export async function* batches(source: AsyncIterable<string>): AsyncGenerator<string> {
  let batch: string[] = []
  let size = 0
  for await (const line of source) {
    batch.push(line)
    size += line.length
    // a thousand short lines per write, or fewer wide ones (20,000 samples: 80 kB a line)
    if (batch.length === 1024 || size >= 1 << 20) {
      yield batch.join('\n') + '\n'
      batch = []
      size = 0
    }
  }
  if (batch.length) yield batch.join('\n') + '\n'
}

async function writeTo(stream: Writable, data: string | Uint8Array): Promise<void> {
  // a stream that failed already never drains
  if (stream.errored) throw stream.errored
  if (!stream.write(data)) await once(stream, 'drain')
}

/**
 * Write the lines to `path` through a temporary file: plain text, or BGZF for `.gz`/`.bgz` and
 * then, with `index`, a CSI index beside it (`path.csi`, as bcftools --write-index). A stale
 * `.tbi`/`.csi` of an earlier file at `path` is removed: tools would read the new file through it.
 */
export async function writeVcfFile(
  path: string,
  lines: AsyncIterable<string>,
  index: { maxLength: number } | undefined,
): Promise<void> {
  const out = await openOutput(path)
  let csi: Uint8Array | undefined // the index, before BGZF compression
  try {
    if (!isBgzfName(path)) {
      for await (const chunk of batches(lines)) await writeTo(out.stream, chunk)
    } else {
      const [{ BgzfEncoder }, { CsiBuilder }] = await Promise.all([
        import('../container/bgzf/writer.js'),
        import('../container/csi/writer.js'),
      ])
      const enc = new BgzfEncoder()
      const builder = index ? new CsiBuilder(index.maxLength) : undefined
      const emit = async (members: Uint8Array[]) => {
        for (const m of members) await writeTo(out.stream, m)
      }
      for await (const line of lines) {
        if (builder && !line.startsWith('#')) {
          const { chrom, beg, end } = recordSpan(line)
          builder.add(chrom, beg, end, enc.virtualOffset)
        }
        await emit(enc.push(`${line}\n`))
      }
      await emit(enc.finish())
      // the last record ends where the EOF block starts (so the index is what tabix -C writes)
      csi = builder?.finish(enc.virtualOffset)
    }
    await out.commit()
  } catch (err) {
    await out.abort()
    throw err
  }
  const { rm } = await import('node:fs/promises')
  if (csi) {
    const { writeBgzfFile } = await import('../container/bgzf/writer.js')
    await writeBgzfFile(`${path}.csi`, [csi], { gzi: false })
  } else await rm(`${path}.csi`, { force: true })
  await rm(`${path}.tbi`, { force: true })
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
      const { formatVcfRecord, vcfBytes } = await import('../variants/vcfBytes.js')
      if (output === undefined) {
        // each chunk is written before the next is made: one buffer serves them all
        for await (const chunk of vcfBytes(items, { reuse: true })) await write(chunk)
        return
      }
      const maxLength = Math.max(0, ...manifest.contigs.map((c) => c.length))
      await writeVcfFile(
        output,
        (async function* () {
          for await (const x of items) yield typeof x === 'string' ? x : formatVcfRecord(x)
        })(),
        o.writeIndex ? { maxLength } : undefined,
      )
    })
}
