// Reference panels from a store: the phased genotypes of any sample subset over a region, as the
// VCF Beagle reads (GT only, every genotype phased and called), plus Beagle's bref3 and a PLINK
// genetic map made from a VCF's INFO/CM. Node-only (writes files, runs bref3).
import { rename, rm } from 'node:fs/promises'
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, FormatError } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import type { Region } from '../core/region.js'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { storeToVcf } from '../export/vcf.js'
import type { Store } from '../store/Store.js'
import { writeVcfFile } from '../export/vcf-writer.js'
import { recordFields, vcfFileLines } from './vcfText.js'
import { runTool } from './tool.js'

export interface PanelOptions extends AbortOptions {
  /** the panel's samples (default: all of the store's) */
  samples?: string[] | undefined
  region: Region
  onProgress?: ProgressCallback | undefined
}

export interface PanelStats {
  /** records written */
  records: number
  /** records left out: some genotype of them is missing or unphased (Beagle refuses those) */
  unphased: number
}

const PHASED = /^[0-9]+\|[0-9]+$/

/**
 * The panel's VCF lines: the store's records over the region with GT only; a record with a
 * missing or unphased genotype is left out (and counted), as Beagle needs every panel
 * haplotype known.
 */
export async function* panelLines(
  store: Store,
  opts: PanelOptions,
  stats: PanelStats = { records: 0, unphased: 0 },
): AsyncGenerator<string> {
  const { region } = opts
  const span = region.end - region.start
  for await (const line of storeToVcf(store, opts)) {
    if (line.startsWith('#')) {
      yield line
      continue
    }
    const f = line.split('\t')
    const pos = Number(f[1])
    // storeToVcf gives records overlapping the region: a panel holds those starting in it
    if (pos - 1 < region.start || pos - 1 >= region.end) continue
    const gtOnly = f[8] === 'GT'
    let ok = true
    for (let i = 9; i < f.length; i++) {
      let g = f[i]!
      if (!gtOnly) f[i] = g = g.split(':', 1)[0]!
      if (!PHASED.test(g)) {
        ok = false
        break
      }
    }
    if (!ok) {
      stats.unphased++
      continue
    }
    f[8] = 'GT'
    stats.records++
    if (stats.records % 1000 === 0)
      opts.onProgress?.({ phase: 'panel', done: pos - 1 - region.start, total: span })
    yield f.join('\t')
  }
  opts.onProgress?.({ phase: 'panel', done: span, total: span })
}

/** Write the panel to `output` (.vcf.gz with its .csi index, or .vcf). */
export async function writePanel(
  store: Store,
  output: string,
  opts: PanelOptions,
): Promise<PanelStats> {
  const m = await store.manifest(opts)
  const stats: PanelStats = { records: 0, unphased: 0 }
  const maxLength = Math.max(0, ...m.contigs.map((c) => c.length))
  await writeVcfFile(output, panelLines(store, opts, stats), { maxLength })
  return stats
}

/** Convert a panel VCF to Beagle's bref3 with Debian's `bref3` tool (`bref3 VCF > BREF3`). */
export async function writeBref3(
  vcf: string,
  bref3: string,
  opts: AbortOptions = {},
): Promise<void> {
  // through a temporary name: a failed run leaves no truncated bref3
  const tmp = `${bref3}.tmp-${process.pid}`
  try {
    await runTool('bref3', [vcf], { ...opts, stdoutTo: tmp, what: 'bref3' })
    await rename(tmp, bref3)
  } finally {
    await rm(tmp, { force: true })
  }
}

/**
 * A PLINK genetic map (`CHROM . cM POS`, the format Beagle's map= reads) from the INFO/CM
 * values of a VCF (1000 Genomes' interpolated cM positions): one line per position, in file
 * order; positions without CM are skipped. Returns the number of lines.
 */
export async function writeGeneticMap(
  vcf: string,
  output: string,
  opts: AbortOptions & { region?: Region | undefined } = {},
): Promise<number> {
  const lines: string[] = []
  let last: { chrom: string; pos: number; cm: number } | undefined
  for await (const l of vcfFileLines(vcf, opts)) {
    if (l.text.startsWith('#')) continue
    const f = recordFields(l, vcf)
    const chrom = f[0]!
    const pos = Number(f[1])
    const r = opts.region
    if (r && (chrom !== r.chrom || pos - 1 < r.start || pos - 1 >= r.end)) continue
    const m = /(?:^|;)CM=([^;,]+)/.exec(f[7]!)
    if (!m) continue
    const cm = Number(m[1])
    if (!Number.isFinite(cm))
      throw new FormatError(`INFO/CM '${m[1]}' is not a number`, { file: vcf, line: l.line })
    if (last?.chrom === chrom) {
      if (pos === last.pos) continue
      if (pos < last.pos || cm < last.cm)
        throw new FormatError(
          `positions and cM must increase along a contig (${chrom}:${pos} at ${cm} cM after ${last.pos} at ${last.cm} cM)`,
          { file: vcf, line: l.line },
        )
    }
    last = { chrom, pos, cm }
    lines.push(`${chrom}\t.\t${cm}\t${pos}`)
  }
  if (!lines.length)
    throw new ArgumentError(`${vcf}: no record with INFO/CM to make a genetic map from`)
  await writeFileAtomic(output, lines.join('\n') + '\n')
  return lines.length
}
