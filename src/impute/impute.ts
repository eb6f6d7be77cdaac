// Imputation against a store, TogoImputation's pipeline on a store of phased genomes: a panel per
// chunk from the store, QC of the target against it (./qc.ts), Beagle 5 per chunk, the chunks
// joined into one indexed VCF with DS, GP and INFO AF/DR2/IMP, and an HTML report. Node-only.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import type { Region } from '../core/region.js'
import { formatRegion } from '../core/region.js'
import type { Store } from '../store/Store.js'
import { writeVcfFile } from '../export/vcf-writer.js'
import { runBeagle } from './beagle.js'
import { joinChunks, planChunks } from './chunks.js'
import type { Chunk } from './chunks.js'
import { writePanel } from './panel.js'
import { checkToolInstalled } from './tool.js'
import { conformTarget, countsTsv, droppedTsv } from './qc.js'
import type { QcOptions, QcResult } from './qc.js'
import { imputeReport } from './report.js'
import { vcfFileLines } from './vcfText.js'

export interface ImputeOptions extends AbortOptions, Omit<QcOptions, 'signal'> {
  store: Store
  /** the target (array) VCF, any sample count, GT */
  target: string
  /** output directory (created; its imputed.vcf.gz, report.html, qc/ and logs/ are replaced) */
  out: string
  /** the panel's samples (default: all of the store's) */
  samples?: string[] | undefined
  /** bases per chunk (default 5 Mb) and overlap each side (default 500 kb) */
  chunk?: number | undefined
  overlap?: number | undefined
  threads?: number | undefined
  /** PLINK genetic map for Beagle */
  map?: string | undefined
  seed?: number | undefined
  /** Java heap for Beagle, e.g. 4g */
  memory?: string | undefined
  onProgress?: ProgressCallback | undefined
}

export interface ChunkResult extends Chunk {
  /** conformed target sites in the window (0: the chunk was not imputed) */
  targetSites: number
  /** panel records in the window */
  panelSites: number
  /** output sites taken from this chunk */
  sites: number
}

export interface ImputeResult {
  qc: QcResult
  chunks: ChunkResult[]
  /** OUT/imputed.vcf.gz (with .csi) and OUT/report.html */
  output: string
  report: string
  /** imputed sites: DR2 and estimated ALT frequency, for the report */
  dr2: { af: number; dr2: number; imputed: boolean }[]
}

/** The span of the target's sites on each contig, in file order of the contigs. */
async function targetSpans(target: string, opts: AbortOptions): Promise<Region[]> {
  const spans = new Map<string, Region>()
  for await (const l of vcfFileLines(target, opts)) {
    if (l.text.startsWith('#') || !l.text) continue
    const [chrom, p] = l.text.split('\t', 2)
    const pos = Number(p) - 1
    const r = spans.get(chrom!)
    if (!r) spans.set(chrom!, { chrom: chrom!, start: pos, end: pos + 1 })
    else {
      r.start = Math.min(r.start, pos)
      r.end = Math.max(r.end, pos + 1)
    }
  }
  return [...spans.values()]
}

/**
 * The chunks `imputeFromStore` imputes: the target's span on each of the store's contigs, cut
 * into cores of `chunk` bases with windows `overlap` wider (the CWL workflow takes their windows).
 */
export async function planImputation(
  store: Store,
  target: string,
  chunk: number,
  overlap: number,
  opts: AbortOptions = {},
): Promise<Chunk[]> {
  if (!(chunk > 0)) throw new ArgumentError(`--chunk must be positive, got ${chunk}`)
  const m = await store.manifest(opts)
  const lengths = new Map(m.contigs.map((c) => [c.name, c.length]))
  const spans = await targetSpans(target, opts)
  if (!spans.length) throw new ArgumentError(`${target}: the target VCF has no records`)
  const onStore = spans.filter((s) => lengths.has(s.chrom))
  if (!onStore.length)
    throw new ArgumentError(
      `${target}: none of its contigs (${spans.map((s) => s.chrom).join(', ')}) is in the store (${[...lengths.keys()].slice(0, 5).join(', ')}): another reference build or naming?`,
    )
  return onStore.flatMap((s) => planChunks(s, chunk, overlap))
}

/** Impute the target against the store's phased genomes (see the file comment). */
export async function imputeFromStore(opts: ImputeOptions): Promise<ImputeResult> {
  const { store, target, out, signal } = opts
  const progress = (phase: string, done: number, total: number) =>
    opts.onProgress?.({ phase, done, total })
  checkToolInstalled('beagle')
  const m = await store.manifest({ signal })
  const plan = await planImputation(
    store,
    target,
    opts.chunk ?? 5_000_000,
    opts.overlap ?? 500_000,
    { signal },
  )

  await mkdir(join(out, 'qc'), { recursive: true })
  await mkdir(join(out, 'logs'), { recursive: true })
  const work = await mkdtemp(join(out, '.work-'))
  try {
    // a panel per chunk window, straight from the store
    const panels: string[] = []
    const panelSites: number[] = []
    for (const [i, c] of plan.entries()) {
      progress('panel export', i, plan.length)
      const file = join(work, `panel-${i}.vcf.gz`)
      const stats = await writePanel(store, file, {
        samples: opts.samples,
        region: c.window,
        signal,
      })
      panels.push(file)
      panelSites.push(stats.records)
    }
    progress('panel export', plan.length, plan.length)

    progress('QC', 0, 1)
    const qc = await conformTarget(target, panels, opts)
    const maxLength = Math.max(0, ...m.contigs.map((c) => c.length))
    const conformed = join(out, 'qc', 'conformed.vcf.gz')
    await writeVcfFile(conformed, toAsync(qc.lines), { maxLength })
    await writeFile(join(out, 'qc', 'dropped.tsv'), droppedTsv(qc))
    await writeFile(join(out, 'qc', 'counts.tsv'), countsTsv(qc))
    progress('QC', 1, 1)
    if (qc.wrongBuild) {
      const kept = qc.lines.filter((l) => !l.startsWith('#')).length
      throw new ArgumentError(
        `${target}: only ${kept} of ${qc.sites} sites match the panel by position and alleles (${qc.drops['not-in-panel']} absent, ${qc.drops['allele-mismatch']} other alleles): the target is on another reference build than the store (${m.build}); lift it over first (see ${join(out, 'qc', 'dropped.tsv')})`,
      )
    }

    // Beagle per chunk with target sites in its window
    const positions = qc.lines
      .filter((l) => !l.startsWith('#'))
      .map((l) => {
        const [chrom, pos] = l.split('\t', 2)
        return { chrom: chrom!, pos: Number(pos) - 1 }
      })
    const results: ChunkResult[] = []
    const outputs: { chunk: number; file: string }[] = []
    for (const [i, c] of plan.entries()) {
      checkAbort(signal)
      progress('Beagle', i, plan.length)
      const targetSites = positions.filter(
        (p) => p.chrom === c.window.chrom && p.pos >= c.window.start && p.pos < c.window.end,
      ).length
      results.push({ ...c, targetSites, panelSites: panelSites[i]!, sites: 0 })
      if (!targetSites || !panelSites[i]) continue
      const prefix = join(work, `chunk-${i}`)
      try {
        await runBeagle({
          gt: conformed,
          ref: panels[i]!,
          out: prefix,
          chrom: formatRegion(c.window),
          map: opts.map,
          threads: opts.threads,
          seed: opts.seed,
          memory: opts.memory,
          signal,
        })
      } finally {
        // Beagle's log is kept whether it succeeded or not
        await copyFile(`${prefix}.log`, join(out, 'logs', `chunk-${i}.log`)).catch(() => undefined)
      }
      outputs.push({ chunk: i, file: `${prefix}.vcf.gz` })
    }
    progress('Beagle', plan.length, plan.length)

    // the chunks joined, contig by contig (the plan is in contig order)
    const dr2: ImputeResult['dr2'] = []
    const output = join(out, 'imputed.vcf.gz')
    async function* joined(): AsyncGenerator<string> {
      let header = true
      for (const chrom of new Set(plan.map((c) => c.core.chrom))) {
        const files = outputs.filter((o) => plan[o.chunk]!.core.chrom === chrom).map((o) => o.file)
        for await (const line of joinChunks(files, { signal })) {
          if (line.startsWith('#')) {
            if (header) yield line
            continue
          }
          const f = line.split('\t', 8)
          const pos = Number(f[1]) - 1
          const chunk = results.find(
            (r) => r.core.chrom === f[0] && pos >= r.core.start && pos < r.core.end,
          )
          if (chunk) chunk.sites++
          const info = f[7]!
          const af = Number(/(?:^|;)AF=([^;]+)/.exec(info)?.[1] ?? NaN)
          const d = Number(/(?:^|;)DR2=([^;]+)/.exec(info)?.[1] ?? NaN)
          dr2.push({ af, dr2: d, imputed: /(?:^|;)IMP(?:;|$)/.test(info) })
          yield line
        }
        header = false
      }
    }
    progress('joining chunks', 0, 1)
    await writeVcfFile(output, joined(), { maxLength })
    progress('joining chunks', 1, 1)

    const report = join(out, 'report.html')
    const result: ImputeResult = { qc, chunks: results, output, report, dr2 }
    await writeFile(
      report,
      imputeReport(result, {
        target,
        panel: `${opts.samples ? `${opts.samples.length} of the` : 'all'} ${m.samples.length} samples of the store`,
        chunks: plan.map((c) => formatRegion(c.window)),
      }),
    )
    return result
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

async function* toAsync(lines: string[]): AsyncGenerator<string> {
  yield* lines
}
