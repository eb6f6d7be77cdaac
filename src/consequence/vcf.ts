// Consequences of every allele of a VCF, haplotype-aware as `bcftools csq -p a`: the protein
// effect of an allele is computed on each haplotype that carries it, together with the other
// alleles that haplotype carries in the same transcript's CDS, and the record gets the distinct
// results. Genotypes are taken as written (0/1 puts 0 on the first haplotype, 1 on the second);
// an allele no haplotype carries (or a VCF without samples, or `local`) is annotated alone, and
// so is one that overlaps an earlier allele on every haplotype carrying it (csq skips those).
// Records are read once and come out in order, each as soon as every transcript whose CDS it
// touches has ended (so memory holds the records of the longest transcript). Browser-safe.
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import type { ProgressCallback } from '../core/progress.js'
import { readLines } from '../container/stream.js'
import type { Transcript } from '../genes/model.js'
import { consequence } from './predict.js'
import type { ConsequencePredictor, LocatedAllele } from './predict.js'
import { formatDna, formatProtein } from './bcsq.js'
import type { ProteinEffect } from './protein.js'
import type { Allele, TranscriptConsequence } from './types.js'

export interface AnnotateVcfOptions extends AbortOptions {
  /** annotate each allele alone, ignoring genotypes (as `bcftools csq --local-csq`) */
  local?: boolean | undefined
  onProgress?: ProgressCallback | undefined
}

export interface AnnotatedRecord {
  chrom: string
  /** 0-based position of REF */
  pos: number
  id: string
  ref: string
  alts: string[]
  /** line of the VCF */
  line: number
  /** per ALT: the distinct consequences over the haplotypes carrying it (none: intergenic) */
  consequences: TranscriptConsequence[][]
}

interface Pending {
  record: AnnotatedRecord
  alleles: (Allele | undefined)[]
  /** per ALT, consequences by key (duplicates from several haplotypes removed) */
  found: Map<string, TranscriptConsequence>[]
  /** allele of each haplotype (-1: missing), read only for records with CDS alleles */
  haplotypes?: Int32Array
  /** transcripts whose CDS this record touches that have not ended yet */
  waiting: number
}

/** A CDS allele of an active transcript. */
interface CdsAllele {
  pending: Pending
  alt: number
  located: LocatedAllele
}

function key(c: TranscriptConsequence): string {
  const protein = c.protein ? formatProtein(c.protein, false) : ''
  return [
    c.transcript.id,
    c.types.join('&'),
    protein,
    (c.combined ?? []).map(formatDna).join('+'),
    c.reportedAt ? formatDna(c.reportedAt) : '',
    c.afterStop ? '*' : '',
  ].join('|')
}

/** GT of one sample column ("0|1", "1/.", "1"): alleles into `out` at 2i, 2i+1 (-1: none). */
function parseGenotype(field: string, out: Int32Array, i: number): void {
  const colon = field.indexOf(':')
  const gt = colon < 0 ? field : field.slice(0, colon)
  const parts = gt.split(/[|/]/)
  for (let h = 0; h < 2; h++) {
    const a = parts[h]
    out[2 * i + h] = a === undefined || a === '.' ? -1 : Number(a)
  }
}

export async function* annotateVcf(
  file: NamedFile,
  predictor: ConsequencePredictor,
  opts: AnnotateVcfOptions = {},
): AsyncGenerator<AnnotatedRecord> {
  const queue: Pending[] = []
  const active = new Map<Transcript, CdsAllele[]>()
  let samples = -1
  let records = 0
  let chrom = ''
  let lastPos = -1

  const fail = (reason: string, line: number): never => {
    throw new FormatError(reason, { file: file.name, line })
  }

  const finish = async (t: Transcript, list: CdsAllele[]) => {
    active.delete(t)
    const alleles = list.map((c) => c.located.allele)
    const add = (k: number, effect: ProteinEffect | undefined) => {
      const c = list[k]!
      const loc = c.located.locations.find((l) => l.transcript === t)!
      const csq = consequence(loc, effect, alleles)
      c.pending.found[c.alt]!.set(key(csq), csq)
    }
    // the distinct sets of these alleles that haplotypes carry
    const sets = new Map<string, number[]>()
    const nHap = opts.local ? 0 : (list[0]!.pending.haplotypes?.length ?? 0)
    for (let h = 0; h < nHap; h++) {
      const carried: number[] = []
      list.forEach((c, k) => {
        if (c.pending.haplotypes![h] === c.alt + 1) carried.push(k)
      })
      if (carried.length) sets.set(carried.join(','), carried)
    }
    const placed = new Set<number>()
    for (const carried of sets.values()) {
      const r = await predictor.proteinEffects(
        t,
        carried.map((k) => ({ index: k, change: list[k]!.located.change })),
        opts,
      )
      for (const [k, effect] of r.effects) {
        add(k, effect)
        placed.add(k)
      }
    }
    for (let k = 0; k < list.length; k++) {
      if (placed.has(k)) continue
      const r = await predictor.proteinEffects(
        t,
        [{ index: k, change: list[k]!.located.change }],
        opts,
      )
      add(k, r.effects.get(k))
    }
    for (const c of new Set(list.map((c) => c.pending))) c.waiting--
  }

  /** Finish the transcripts that end before `pos` of `chrom` (all of them for chrom = ''). */
  const finishUpTo = async (toChrom: string, pos: number) => {
    for (const [t, list] of [...active])
      if (toChrom === '' || t.chrom !== predictor.model.resolveChrom(toChrom) || t.end <= pos)
        await finish(t, list)
  }

  function* drain(): Generator<AnnotatedRecord> {
    while (queue.length && queue[0]!.waiting === 0) {
      const p = queue.shift()!
      p.record.consequences = p.found.map((m) =>
        [...m.values()].sort(
          (a, b) =>
            a.transcript.start - b.transcript.start ||
            (a.transcript.id < b.transcript.id ? -1 : a.transcript.id > b.transcript.id ? 1 : 0),
        ),
      )
      yield p.record
    }
  }

  for await (const { text, line } of readLines(file, opts)) {
    if (text.startsWith('##') || text === '') continue
    if (text.startsWith('#')) {
      if (!text.startsWith('#CHROM')) fail('expected the #CHROM header line', line)
      samples = Math.max(0, text.split('\t').length - 9)
      continue
    }
    if (samples < 0) fail('a record before the #CHROM header line', line)
    const f = text.split('\t', 9)
    if (f.length < 8) fail(`expected at least 8 tab-separated columns, found ${f.length}`, line)
    const pos = Number(f[1]) - 1
    if (!Number.isSafeInteger(pos) || pos < 0)
      fail(`POS must be a positive integer, found '${f[1]}'`, line)
    const ref = f[3]!
    if (!/^[ACGTNacgtn]+$/.test(ref)) fail(`REF must be bases, found '${ref}'`, line)
    if (f[0] !== chrom) {
      await finishUpTo('', 0)
      chrom = f[0]!
    } else if (pos < lastPos)
      fail(`records out of order: ${chrom}:${pos + 1} after ${lastPos + 1}`, line)
    lastPos = pos
    await finishUpTo(chrom, pos)
    yield* drain()

    const alts = f[4] === '.' ? [] : f[4]!.split(',')
    const record: AnnotatedRecord = { chrom, pos, id: f[2]!, ref, alts, line, consequences: [] }
    const alleles = alts.map((alt) => ({ chrom, pos, ref, alt }))
    const pending: Pending = { record, alleles, found: alts.map(() => new Map()), waiting: 0 }
    queue.push(pending)
    const located = alleles.map((a) => predictor.locate(a))
    if (located.some((l) => l?.locations.length)) {
      let bases: string
      try {
        bases = await predictor.referenceBases(alleles[0]!, opts)
      } catch (e) {
        if (e instanceof ArgumentError || (e as Error).name === 'NotFoundError')
          fail((e as Error).message, line)
        throw e
      }
      if (bases !== ref.toUpperCase())
        fail(`REF ${ref} at ${chrom}:${pos + 1} does not match the reference (${bases})`, line)
    }
    const touched = new Set<Transcript>()
    located.forEach((l, alt) => {
      for (const loc of l?.locations ?? []) {
        if (!loc.cds) {
          const c = consequence(loc, undefined, [])
          pending.found[alt]!.set(key(c), c)
          continue
        }
        let list = active.get(loc.transcript)
        if (!list) active.set(loc.transcript, (list = []))
        list.push({ pending, alt, located: l! })
        touched.add(loc.transcript)
      }
    })
    if (touched.size) {
      pending.waiting = touched.size
      if (samples > 0 && !opts.local && /^GT(:|$)/.test(f[8] ?? '')) {
        const cols = text.split('\t')
        const haps = new Int32Array(2 * samples)
        for (let i = 0; i < samples; i++) parseGenotype(cols[9 + i] ?? '.', haps, i)
        pending.haplotypes = haps
      }
    }
    if (++records % 1000 === 0) {
      checkAbort(opts.signal)
      opts.onProgress?.({ phase: 'annotating', done: records, total: 0 })
    }
  }
  await finishUpTo('', 0)
  yield* drain()
}
