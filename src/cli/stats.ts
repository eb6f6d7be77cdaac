// lightning-tiles stats STORE: what the store holds (paths, tiles, samples, variants per tile, the
// most variable tiles) and its size by part, next to the input VCF.gz when given.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { formatPath } from '../core/tileId.js'
import type { StoreStats } from '../inspect/stats.js'
import type { StorePart } from '../store/layout.js'
import { cliStore, opener, write } from './io.js'

const PART_LABELS: Record<StorePart, string> = {
  manifest: 'manifest.json (+ skipped.tsv.gz)',
  sites: 'sites.vcf.gz (+ .csi): input sites and IDs',
  alleles: 'allele index (+ .csi): the alleles of every tile variant',
  tagset: 'tagset',
  assembly: 'assembly (+ .gzi, .fwi)',
  libraryTar: 'library 2bit-tar (+ .gzi, .tai)',
  sglf: 'SGLF (+ .gzi)',
  spanCounts: 'span + counts',
  genotypes: 'genotypes (cohort matrices)',
  genomes: 'CGF genomes',
  fastj: 'FastJ (build --fastj)',
}

const int = (n: number) => n.toLocaleString('en-US')
const pct = (x: number) => `${(100 * x).toFixed(1)}%`

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let u = 0
  let x = n
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${x.toFixed(x < 10 ? 2 : 1)} ${units[u]}`
}

/** Rows as columns separated by two spaces; `align` holds 'l' or 'r' per column (default 'l'). */
export function alignTable(rows: string[][], align = ''): string {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)))
  return rows
    .map((row) =>
      row
        .map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** The stats as the text `lightning-tiles stats` prints. */
export function formatStats(s: StoreStats, store: string): string {
  const out: string[] = []
  const vps = s.variantsPerStep
  out.push(
    alignTable([
      ['store', `${store} (build ${s.build}, library version ${s.libraryVersion})`],
      [
        'samples',
        `${int(s.samples)} (${int(s.phasedSamples)} phased), ${int(s.haplotypes)} haplotypes`,
      ],
      ['paths', int(s.paths.length)],
      ['tiles (steps)', int(s.steps)],
      ['tile variants', int(s.variants)],
      ['variants per tile', `mean ${vps.mean.toFixed(2)}, median ${vps.median}, max ${vps.max}`],
      [
        'tiles all variant 0',
        `${int(s.invariantSteps)} (${pct(s.invariantFraction)}): every haplotype carries variant 0`,
      ],
    ]),
  )
  out.push('')
  out.push(
    alignTable(
      [
        ['path', 'chrom', 'start', 'end', 'tiles', 'variants', 'per tile', 'max', 'all var. 0'],
        ...s.paths.map((p) => [
          formatPath(p.path),
          p.chrom,
          int(p.start + 1),
          int(p.end),
          int(p.steps),
          int(p.variants),
          (p.steps ? p.variants / p.steps : 0).toFixed(2),
          int(p.maxVariantsPerStep),
          pct(p.steps ? p.invariantSteps / p.steps : 0),
        ]),
      ],
      'llrrrrrrr',
    ),
  )
  if (s.mostVariable.length) {
    out.push('', 'most variable tiles')
    out.push(
      alignTable(
        [
          ['tile', 'variants', 'reference (1-based)'],
          ...s.mostVariable.map((t) => [
            t.id,
            int(t.variants),
            `${t.chrom}:${int(t.start + 1)}-${int(t.end)}`,
          ]),
        ],
        'lrl',
      ),
    )
  }
  out.push('', 'store size by part')
  const rows = [['part', 'files', 'bytes', 'size', 'share']]
  for (const p of s.sizes)
    rows.push([
      PART_LABELS[p.part],
      int(p.files),
      int(p.bytes),
      formatBytes(p.bytes),
      pct(s.totalBytes ? p.bytes / s.totalBytes : 0),
    ])
  const files = s.sizes.reduce((a, p) => a + p.files, 0)
  rows.push(['total', int(files), int(s.totalBytes), formatBytes(s.totalBytes), '100.0%'])
  if (s.vcf)
    rows.push([
      `input VCF.gz (store = ${s.vcf.ratio.toFixed(2)}× it)`,
      '1',
      int(s.vcf.bytes),
      formatBytes(s.vcf.bytes),
      '',
    ])
  out.push(alignTable(rows, 'lrrrr'))
  if (s.missing.length) out.push('', `missing files (run verify): ${s.missing.join(', ')}`)
  return out.join('\n') + '\n'
}

interface StatsCliOptions {
  vcf?: string
  json?: boolean
  top?: string
}

export function registerStats(program: Command): void {
  program
    .command('stats <store>')
    .description('tiles, paths, samples, variants per tile and store size by part')
    .option('--vcf <VCF.gz>', 'the input VCF.gz, to compare the store size with')
    .option('--json', 'print the numbers as JSON')
    .option('--top <N>', 'list the N most variable tiles (default 5)')
    .action(async (store: string, o: StatsCliOptions, cmd: Command) => {
      const top = o.top === undefined ? 5 : Number(o.top)
      if (!Number.isInteger(top) || top < 0)
        throw new ArgumentError(`--top must be a non-negative integer, got '${o.top}'`)
      const opened = await cliStore(store, cmd)
      if (o.vcf) await checkInputFile(o.vcf, '--vcf')
      const { storeStats } = await import('../inspect/stats.js')
      const stats = await storeStats(opened, {
        top,
        ...(o.vcf ? { vcf: { name: o.vcf, handle: opener(cmd)(o.vcf) } } : {}),
      })
      await write(o.json ? JSON.stringify(stats, null, 2) + '\n' : formatStats(stats, store))
    })
}
