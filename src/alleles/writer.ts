// Node-only: `lightning-tiles index` — write every path's allele index (compute.ts, site.ts) into
// a store. The build and every command that changes a store's genotypes or library (add, merge)
// end with it; stores made before it get it from `lightning-tiles index STORE`. The store is
// rewritten beside itself with its other files hard-linked, and renamed into place when complete.
import { BgzfEncoder, writeBgzfFile } from '../container/bgzf/writer.js'
import { CsiBuilder } from '../container/csi/writer.js'
import type { AbortOptions } from '../core/errors.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath } from '../core/tileId.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import { openStore } from '../store/node.js'
import { keepFiles } from '../store/rewriter.js'
import { StoreWriter } from '../store/writer.js'
import { pathAlleleSites, reduceClaims, separableJoin } from './compute.js'
import type { CalledPath, ReferencePiece } from './compute.js'
import { alleleIndexHeader, formatAlleleSite } from './site.js'
import type { AlleleSite } from './site.js'

export interface IndexAllelesOptions extends AbortOptions {
  onProgress?: ProgressCallback | undefined
}

export interface IndexAllelesResult {
  manifest: StoreManifest
  /** allele sites written, over all paths */
  sites: number
  /** sites claimed by tile variants of several steps, and how many of them one step explains */
  multiStep: number
  reduced: number
  /** sites a reader must take haplotype by haplotype (see reduceClaims) */
  haplotypeWise: number
  /**
   * contigs left without an index: an indel left-aligns from one path into the one before, or
   * tiles aligned joined across a path join give other alleles than apart
   */
  unindexed: string[]
}

/** One path's index at `file` (BGZF) with its CSI index `file.csi`. */
async function writeAlleleFile(
  file: string,
  sites: readonly AlleleSite[],
  contigs: readonly { name: string; length: number }[],
): Promise<void> {
  const csi = new CsiBuilder(Math.max(0, ...contigs.map((c) => c.length)))
  const enc = new BgzfEncoder()
  function* lines(): Generator<string> {
    yield alleleIndexHeader(contigs).join('\n') + '\n'
    for (const s of sites) {
      csi.add(s.chrom, s.pos, s.pos + s.ref.length, enc.virtualOffset)
      yield formatAlleleSite(s) + '\n'
    }
  }
  await writeBgzfFile(file, lines(), { encoder: enc, gzi: false })
  await writeBgzfFile(`${file}.csi`, [csi.finish(enc.virtualOffset)], { gzi: false })
}

/**
 * Write the allele index of every path of the store at `dir` (a store whose genotypes are CGFs
 * only is left as it is: its queries read the CGFs).
 */
export async function indexAlleles(
  dir: string,
  opts: IndexAllelesOptions = {},
): Promise<IndexAllelesResult> {
  const sig = opts.signal ? { signal: opts.signal } : {}
  const report = opts.onProgress ?? (() => undefined)
  const store = openStore(dir)
  const old = await store.manifest(sig)
  const result: IndexAllelesResult = {
    manifest: old,
    sites: 0,
    multiStep: 0,
    reduced: 0,
    haplotypeWise: 0,
    unindexed: [],
  }
  if (!old.genotypes) return result
  const rewritten = new Set(
    old.paths.flatMap((p) => [storeFiles.alleles(p.path), storeFiles.allelesIndex(p.path)]),
  )
  result.manifest = await StoreWriter.write(
    dir,
    async (w) => {
      await keepFiles(w, dir, old, (rel) => rewritten.has(rel))
      let before: ReferencePiece | undefined
      // a contig's indexes are written once all its paths are done; none is written when an
      // indel of one path left-aligns into the path before (a per-path index could not give that
      // site its place), or where tiles aligned joined across two paths give other alleles than
      // apart (separableJoin): its queries read the tiles as before
      let contig: { p: ManifestPath; sites: AlleleSite[] }[] = []
      let whole = true
      let last: CalledPath | undefined
      const flush = async () => {
        if (!whole || contig.some(({ p, sites }) => sites.some((x) => x.pos < p.start)))
          result.unindexed.push(contig[0]!.p.chrom)
        else
          for (const { p, sites } of contig)
            await writeAlleleFile(await w.allelesFile(p.path), sites, old.contigs)
        contig = []
        whole = true
        last = undefined
        before = undefined
      }
      const total = old.paths.length
      for (const [k, p] of old.paths.entries()) {
        report({ phase: `indexing alleles (path ${formatPath(p.path)})`, done: k, total })
        if (contig.length && p.chrom !== contig[0]!.p.chrom) await flush()
        const { sites, reference, tiles, caller, ref } = await pathAlleleSites(
          store,
          p,
          before,
          sig,
        )
        const here = { p, tiles, caller }
        if (last && last.p.end === p.start && whole)
          whole = await separableJoin(store, last, here, ref, sig)
        before = reference
        last = here
        const r = await reduceClaims(store, p, sites, tiles, sig)
        result.sites += sites.length
        result.multiStep += r.multiStep
        result.reduced += r.reduced
        result.haplotypeWise += r.haplotypeWise
        contig.push({ p, sites })
      }
      await flush()
      report({ phase: 'indexing alleles', done: total, total })
      const segments = old.genotypes!.segments.length
      return { ...old, alleles: { libraryVersion: old.libraryVersion, segments } }
    },
    { force: true, ...sig, onProgress: report },
  )
  return result
}
