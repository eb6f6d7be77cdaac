// Node-only: VCF lines into a file, through a temporary file renamed into place: plain text, or
// BGZF for .vcf.gz with a CSI index beside it (as bcftools --write-index). What the CLI's vcf and
// view write with -o, and what imputation and panels write.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { openOutput } from '../core/nodeOutput.js'

export const isBgzfName = (path: string) => /\.b?gz$/i.test(path)

/** The contig and 0-based half-open reference span of a record line (REF, or INFO END). */
function recordSpan(line: string): { chrom: string; beg: number; end: number } {
  const f = line.split('\t', 8)
  const beg = Number(f[1]) - 1
  const end = /(?:^|;)END=(\d+)/.exec(f[7] ?? '')
  return { chrom: f[0]!, beg, end: end ? Number(end[1]) : beg + (f[3]?.length ?? 1) }
}

/** Lines joined into chunks of 1024 (fewer, larger writes). */
async function* batches(source: AsyncIterable<string>): AsyncGenerator<string> {
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
