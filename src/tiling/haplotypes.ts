// Haplotypes of a cohort, path by path, as edits to the reference. A cohort VCF (plain, gzip or
// BGZF, read line by line through container/stream, records parsed by @gmod/vcf) is read once. For
// each path the records that start in it are kept in a compact form: per record only the
// haplotypes that carry a non-reference or missing allele. A haplotype's edits are then derived
// on demand with the rules of `bcftools consensus -H 1|2`, so memory is bounded by the records of
// one path and their carriers, never by whole chromosomes per sample.
//
// Rules (each tested in test/tiling*.test.ts):
// - Haplotype h of the sample with index i is h = 2i + (allele - 1). Unphased genotypes (`0/1`)
//   keep their written order (first allele -> haplotype 1) and the sample is listed in
//   `unphased`. A haploid genotype gives haplotype 2 the reference (bcftools applies nothing).
// - Multi-allelic records: the haplotype's allele number picks its ALT.
// - Overlaps, as bcftools consensus 1.16 decides them (the rule in src/variants/consensus.ts,
//   shared with the comparison): a variant overlapping one applied before on the same haplotype
//   is skipped and recorded in `overlaps`, except an indel at the last base of the previous one
//   (anchor base equal to REF's first base), which is applied without its anchor base.
// - A missing allele (`.`) becomes a no-call run: the REF span replaced by as many `n`. It takes
//   part in the overlap rule like a substitution.
// - `*` and the symbolic reference alleles `<*>`/`<NON_REF>` change nothing; other symbolic
//   alleles are a FormatError.
// - REF must equal the reference (case-insensitive) for every record with an ALT: otherwise a
//   FormatError naming the position, or with `skipRefMismatch` the record is skipped and counted.
// - No-call regions of a sample (`nocalls`: outside its callable regions) are merged in by
//   position, by the rule of haplotypeEditor.ts: a region before a record at the same base, and
//   clipped to the bases no applied record decided.
// - Contig names that differ from the reference's by a `chr` prefix, or that `renameChrs` maps,
//   are read as the reference's (contigNames.ts).
// - Contigs absent from the reference, records out of order (position or contig going back, or
//   contigs not in the order of the paths), duplicate sample names, malformed GT: FormatError with
//   file and line. So is a truncated file (container/stream): the VCF is always read to its end.
// - Records on a reference contig that no path covers (paths from a BED without that contig) are
//   skipped and listed in `unplaced`; every data line is counted in `records`.
import VCFParser from '@gmod/vcf'
import { LocalFile } from 'generic-filehandle2'
import { readLines } from '../container/stream.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { APPLY_WITHOUT_ANCHOR, SKIP, consensusDecision } from '../variants/consensus.js'
import { minimalEdit, nocallBases, splitAtPathEnd } from './haplotypeEditor.js'
import { ContigNames } from './contigNames.js'
import type { ReferenceFasta } from './reference.js'
import { TAG_LENGTH } from './tags.js'
import type { PathTags } from './tags.js'

/** The reference bases [start, end) (0-based, on the path's contig) replaced by `alt` (lower case). */
export interface Edit {
  start: number
  end: number
  alt: string
}

/** A variant skipped because it overlaps one applied before on the same haplotype. */
export interface OverlapSkip {
  sample: string
  /** 1 or 2 */
  haplotype: number
  chrom: string
  /** 1-based VCF position */
  pos: number
}

/** The haplotypes of one path, or of a window of its steps (VcfSourceOptions.windowValues). */
export interface PathHaplotypes {
  path: PathTags
  nHaplotypes: number
  /** the steps [from, to) whose records these are: no tile of any haplotype crosses from or to */
  steps: readonly [number, number]
  /** true for the path's last window (the whole path when not windowed) */
  last: boolean
  /**
   * Edits of haplotype h inside this path (absolute coordinates, sorted, non-overlapping; an
   * insertion has start = end). Each haplotype may be asked once per path (nothing is cached, so
   * memory stays per haplotype); a second call is an ArgumentError. Haplotypes carrying the same
   * allele share its Edit object: do not modify them.
   */
  edits(h: number): Edit[]
  /** taken[h] = 1 once edits(h) was called. */
  readonly taken: Uint8Array
}

export interface VcfSourceOptions extends AbortOptions {
  /** Only these samples, in this order. */
  samples?: string[]
  /** Skip and count records whose REF disagrees with the reference instead of failing. */
  skipRefMismatch?: boolean
  /** Contig renames (`--rename-chrs`); names differing by a `chr` prefix match without it. */
  renameChrs?: ReadonlyMap<string, string>
  /**
   * Each selected sample's no-call regions in a path (flat [start, end, ...], sorted, inside the
   * path; undefined: none), e.g. outside its callable regions. Asked once per path, in order.
   */
  nocalls?: (
    path: PathTags,
    opts: AbortOptions,
  ) => Promise<readonly (readonly number[] | undefined)[]>
}

/** Options of VcfHaplotypeSource.paths. */
export interface PathsOptions extends AbortOptions {
  /**
   * Hand each path out in windows of about this many steps × haplotypes (more where no tag
   * boundary is free of records), so that only a window's records and carriers are held. A
   * window ends at a tag no record comes near, so no haplotype's tile crosses it. Not with
   * `nocalls` (a no-call region may cross any tag).
   */
  windowValues?: number
}

interface RecordRow {
  pos: number // 0-based
  ref: string
  alts: string[]
  line: number
  /** pairs: haplotype, allele (-1 = missing); emptied once pathHaplotypes has indexed them */
  carriers: Int32Array
  /** the minimal edit of each allele (index allele + 1), made once for all its carriers */
  edit: (Edit | null | undefined)[]
}

interface HapState {
  frozen: Float64Array
  prevInsert: Uint8Array
  carry: Map<number, Edit[]>
}

const DIGIT0 = 48
const NO_CARRIERS = new Int32Array(0)

/** The lines of a VCF (plain, gzip or BGZF); a truncated file is a FormatError naming it. */
async function* vcfLines(file: string, opts: AbortOptions): AsyncGenerator<string> {
  for await (const { text } of readLines({ name: file, handle: new LocalFile(file) }, opts))
    yield text
}

/** A cohort VCF read once, path by path. */
export class VcfHaplotypeSource {
  /** Selected samples; haplotypes 2i and 2i+1 belong to samples[i]. */
  readonly samples: string[]
  /** Samples with at least one unphased genotype (complete once every path was read). */
  readonly unphased = new Set<string>()
  readonly overlaps: OverlapSkip[] = []
  /** Records skipped for a REF mismatch (with `skipRefMismatch`): chrom and 1-based position. */
  readonly refMismatches: { chrom: string; pos: number }[] = []
  /** Records on a reference contig no path covers (paths from a BED without it), skipped. */
  readonly unplaced: { chrom: string; pos: number }[] = []
  /** Data lines read so far (every record once `paths` has run to the end). */
  records = 0
  /** The reference name of each contig name of the VCF. */
  readonly contigs: ContigNames
  /** parseRecord's scratch space for carriers, grown as needed */
  private carrierBuffer = new Int32Array(1024)

  private constructor(
    readonly file: string,
    private readonly ref: ReferenceFasta,
    private readonly parser: VCFParser,
    private readonly lines: AsyncGenerator<string>,
    private lineNo: number,
    private readonly select: Int32Array,
    samples: string[],
    private readonly opts: VcfSourceOptions,
  ) {
    this.samples = samples
    this.contigs = new ContigNames(ref, file, opts.renameChrs)
  }

  /** Read the header; fails on duplicate or unknown sample names. */
  static async open(
    file: string,
    ref: ReferenceFasta,
    opts: VcfSourceOptions = {},
  ): Promise<VcfHaplotypeSource> {
    checkAbort(opts.signal)
    await checkInputFile(file, 'VCF')
    const lines = vcfLines(file, opts)
    const header: string[] = []
    let lineNo = 0
    for (;;) {
      const next = await lines.next()
      if (next.done) throw new FormatError('no #CHROM header line', { file, line: lineNo })
      lineNo++
      const line = next.value
      header.push(line)
      if (line.startsWith('##')) continue
      if (!line.startsWith('#CHROM'))
        throw new FormatError('expected a header line starting with # before the records', {
          file,
          line: lineNo,
        })
      break
    }
    const cols = (header[header.length - 1] as string).split('\t')
    const names = cols.slice(9)
    const seen = new Map<string, number>()
    names.forEach((n, i) => {
      if (seen.has(n))
        throw new FormatError(`duplicate sample name ${n} (columns ${seen.get(n)} and ${i + 10})`, {
          file,
          line: lineNo,
        })
      seen.set(n, i + 10)
    })
    if (names.length === 0)
      throw new FormatError('the VCF has no sample columns', { file, line: lineNo })
    const wanted = opts.samples ?? names
    const select = new Int32Array(names.length).fill(-1)
    wanted.forEach((n, i) => {
      const col = seen.get(n)
      if (col === undefined) throw new ArgumentError(`sample ${n} is not in ${file}`)
      if (select[col - 10] !== -1) throw new ArgumentError(`sample ${n} is asked for twice`)
      select[col - 10] = i
    })
    let parser: VCFParser
    try {
      parser = new VCFParser({ header: header.join('\n') })
    } catch (e) {
      throw new FormatError(`bad VCF header: ${(e as Error).message}`, { file, line: lineNo })
    }
    return new VcfHaplotypeSource(file, ref, parser, lines, lineNo, select, [...wanted], opts)
  }

  get nHaplotypes(): number {
    return this.samples.length * 2
  }

  /**
   * The haplotypes of every path, in the order given (which must follow the VCF's contig order).
   * Paths of one contig must be consecutive and in order, each starting where the previous ends.
   */
  async *paths(paths: PathTags[], opts: PathsOptions = {}): AsyncGenerator<PathHaplotypes> {
    const file = this.file
    const order = new Map<string, number>()
    for (const p of paths) if (!order.has(p.chrom)) order.set(p.chrom, order.size)
    const nHap = this.nHaplotypes
    let state: HapState = newState(nHap)
    let pending: { chrom: string; row: RecordRow } | undefined
    let lastChrom: string | undefined
    let lastPos = -1
    const doneChroms = new Set<string>()
    let done = false
    let current = -1

    // next record that is on a tiled contig; checks order as it goes
    const nextRecord = async (): Promise<{ chrom: string; row: RecordRow } | undefined> => {
      for (;;) {
        const next = await this.lines.next()
        if (next.done) return undefined
        this.lineNo++
        const line = next.value
        if (line === '' || line.startsWith('#')) continue
        this.records++
        const tab = line.indexOf('\t')
        const place = { file, line: this.lineNo }
        const chrom = this.contigs.get(tab < 0 ? line : line.slice(0, tab), this.lineNo)
        if (chrom !== lastChrom) {
          if (doneChroms.has(chrom))
            throw new FormatError(
              `records of contig ${chrom} are not together (unsorted VCF)`,
              place,
            )
          if (lastChrom !== undefined) doneChroms.add(lastChrom)
          const o = order.get(chrom)
          if (o !== undefined && o < current)
            throw new FormatError(
              `contig ${chrom} comes after a later contig of the reference order (unsorted VCF)`,
              place,
            )
          lastChrom = chrom
          lastPos = -1
        }
        if (!order.has(chrom)) {
          const end = line.indexOf('\t', tab + 1)
          const pos = Number(line.slice(tab + 1, end < 0 ? undefined : end))
          if (tab < 0 || !Number.isInteger(pos) || pos < 1)
            throw new FormatError('expected a positive integer POS', place)
          this.unplaced.push({ chrom, pos })
          continue
        }
        const row = this.parseRecord(line, place)
        if (row.pos + row.ref.length > this.ref.length(chrom))
          throw new FormatError(
            `record at ${chrom}:${row.pos + 1} ends past the contig end (${this.ref.length(chrom)})`,
            place,
          )
        if (row.pos < lastPos)
          throw new FormatError(
            `position ${row.pos + 1} comes after ${lastPos + 1} on ${chrom} (unsorted VCF)`,
            place,
          )
        lastPos = row.pos
        return { chrom, row }
      }
    }

    let prevChrom: string | undefined
    for (const p of paths) {
      checkAbort(opts.signal ?? this.opts.signal)
      current = order.get(p.chrom) as number
      if (p.chrom !== prevChrom) state = newState(nHap)
      prevChrom = p.chrom
      const nSteps = p.tags.length + 1
      const windowSteps =
        opts.windowValues === undefined
          ? nSteps
          : Math.max(1, Math.floor(opts.windowValues / Math.max(1, nHap)))
      let from = 0
      // the tag that may end the window, and the furthest end of the window's records (and of
      // the edits carried from the path before)
      let cut = from + windowSteps - 1
      let reach = -1
      for (const edits of state.carry.values())
        for (const e of edits) reach = Math.max(reach, e.end)
      let rows: RecordRow[] = []
      // the path's overlaps, by haplotype (as when the path is read whole) once it is done
      const overlaps: [number, OverlapSkip][] = []
      const nocalls = await this.opts.nocalls?.(p, { signal: opts.signal ?? this.opts.signal })
      if (windowSteps < nSteps && nocalls?.some((r) => r !== undefined && r.length > 0))
        throw new ArgumentError('a path cannot be read in windows with no-call regions')
      const window = async (to: number): Promise<PathHaplotypes> => {
        const kept = await this.checkRef(p, rows, opts)
        const hp = pathHaplotypes(
          p,
          [from, to],
          to === nSteps,
          kept,
          nHap,
          state,
          (h, pos) =>
            overlaps.push([
              h,
              {
                sample: this.samples[h >> 1] as string,
                haplotype: (h & 1) + 1,
                chrom: p.chrom,
                pos: pos + 1,
              },
            ]),
          nocalls,
        )
        rows = []
        from = to
        return hp
      }
      for (;;) {
        if (!pending && !done) {
          pending = await nextRecord()
          if (!pending) done = true
        }
        if (!pending) break
        const o = order.get(pending.chrom) as number
        if (o > current || (o === current && pending.row.pos >= p.end)) break
        if (o < current)
          throw new FormatError(
            `record at ${pending.chrom}:${pending.row.pos + 1} is out of order`,
            {
              file,
              line: pending.row.line,
            },
          )
        // Tags the record lies wholly after (one base of margin each side, for insertions) end
        // the window when no record of it reaches them; else the window grows by a step.
        const row = pending.row
        for (let ts = p.tagStarts[cut]; ts !== undefined && row.pos - 1 >= ts + TAG_LENGTH;) {
          if (reach < ts) {
            const hp = await window(cut + 1)
            yield hp
            for (let h = 0; h < nHap; h++) if (!hp.taken[h]) hp.edits(h)
            cut = from + windowSteps - 1
            reach = -1
          } else cut++
          ts = p.tagStarts[cut]
        }
        rows.push(row)
        reach = Math.max(reach, row.pos + row.ref.length)
        pending = undefined
      }
      const hp = await window(nSteps)
      yield hp
      // advance the state of haplotypes the consumer did not ask for
      for (let h = 0; h < nHap; h++) if (!hp.taken[h]) hp.edits(h)
      overlaps.sort((a, b) => a[0] - b[0])
      for (const [, o] of overlaps) this.overlaps.push(o)
    }
    // Read to the end: records on contigs without a path are counted, and a truncated file or a
    // misplaced record after the last path is an error, not a silently shorter store.
    const extra = pending ?? (done ? undefined : await nextRecord())
    if (extra)
      throw new FormatError(
        `record at ${extra.chrom}:${extra.row.pos + 1} lies after the last path`,
        { file, line: extra.row.line },
      )
  }

  private parseRecord(line: string, place: { file: string; line: number }): RecordRow {
    let v
    try {
      v = this.parser.parseLine(line)
    } catch (e) {
      throw new FormatError(`bad VCF record: ${(e as Error).message}`, place)
    }
    if (!Number.isInteger(v.POS) || v.POS < 1)
      throw new FormatError('expected a positive integer POS', place)
    const ref = (v.REF ?? '').toLowerCase()
    if (!/^[acgtn]+$/.test(ref)) throw new FormatError(`expected REF bases, got "${v.REF}"`, place)
    const alts = (v.ALT ?? []).map((a) => {
      if (a === '*' || a === '<*>' || a === '<NON_REF>') return ''
      if (a.startsWith('<') || /[[\]]/.test(a))
        throw new FormatError(`symbolic ALT allele ${a} is not supported`, place)
      if (!/^[acgtn]+$/i.test(a)) throw new FormatError(`expected ALT bases, got "${a}"`, place)
      return a.toLowerCase()
    })
    let carriers = this.carrierBuffer
    let nCarriers = 0
    const carry = (h: number, allele: number): void => {
      if (nCarriers + 2 > carriers.length) {
        const grown = new Int32Array(2 * carriers.length)
        grown.set(carriers)
        carriers = this.carrierBuffer = grown
      }
      carriers[nCarriers++] = h
      carriers[nCarriers++] = allele
    }
    const select = this.select
    const nAlt = alts.length
    if (v.FORMAT !== undefined && v.FORMAT.split(':').includes('GT')) {
      v.processGenotypes((str, start, end, idx) => {
        const si = select[idx] as number
        if (si < 0) return
        let allele = 0
        let digits = 0
        let missing = false
        let k = 0
        for (let i = start; i <= end; i++) {
          const c = i < end ? str.charCodeAt(i) : 124
          if (c >= DIGIT0 && c <= DIGIT0 + 9) {
            allele = allele * 10 + c - DIGIT0
            digits++
          } else if (c === 46 && !missing && digits === 0) missing = true
          else if (c === 124 || c === 47) {
            if ((digits === 0) === !missing || k >= 2)
              throw new FormatError(`malformed genotype "${str.slice(start, end)}"`, place)
            if (c === 47 && i < end) this.unphased.add(this.samples[si] as string)
            if (missing) carry(2 * si + k, -1)
            else if (allele > 0) {
              if (allele > nAlt)
                throw new FormatError(
                  `genotype allele ${allele} but only ${nAlt} ALT alleles`,
                  place,
                )
              if ((alts[allele - 1] as string) !== '') carry(2 * si + k, allele)
            }
            k++
            allele = 0
            digits = 0
            missing = false
          } else throw new FormatError(`malformed genotype "${str.slice(start, end)}"`, place)
        }
      })
    }
    return {
      pos: v.POS - 1,
      ref,
      alts,
      line: place.line,
      carriers: carriers.slice(0, nCarriers),
      edit: [],
    }
  }

  /** REF against the reference: error, or drop and count with skipRefMismatch. */
  private async checkRef(p: PathTags, rows: RecordRow[], opts: AbortOptions): Promise<RecordRow[]> {
    if (rows.length === 0) return rows
    let end = 0
    for (const r of rows) end = Math.max(end, r.pos + r.ref.length)
    const first = (rows[0] as RecordRow).pos
    const seq = await this.ref.fetch(p.chrom, first, end, {
      signal: opts.signal ?? this.opts.signal,
    })
    const kept: RecordRow[] = []
    for (const r of rows) {
      const fa = seq.slice(r.pos - first, r.pos - first + r.ref.length)
      if (fa === r.ref || r.alts.every((a) => a === '')) kept.push(r)
      else if (this.opts.skipRefMismatch)
        this.refMismatches.push({ chrom: p.chrom, pos: r.pos + 1 })
      else
        throw new FormatError(
          `REF ${r.ref.toUpperCase()} at ${p.chrom}:${r.pos + 1} does not match the reference ` +
            `(${fa.toUpperCase() || 'past the contig end'})`,
          { file: this.file, line: r.line },
        )
    }
    return kept
  }
}

function newState(nHap: number): HapState {
  return {
    frozen: new Float64Array(nHap).fill(-1),
    prevInsert: new Uint8Array(nHap),
    carry: new Map(),
  }
}

/** Per path: haplotype -> its (record, allele) pairs in record order, then edits on demand. */
function pathHaplotypes(
  path: PathTags,
  steps: readonly [number, number],
  last: boolean,
  rows: RecordRow[],
  nHap: number,
  state: HapState,
  onOverlap: (h: number, pos: number) => void,
  nocalls?: readonly (readonly number[] | undefined)[],
): PathHaplotypes {
  const counts = new Int32Array(nHap + 1)
  for (const r of rows)
    for (let i = 0; i < r.carriers.length; i += 2) counts[(r.carriers[i] as number) + 1]!++
  for (let h = 0; h < nHap; h++) counts[h + 1]! += counts[h] as number
  const recOf = new Int32Array(counts[nHap] as number)
  const wide = rows.some((r) => r.alts.length > 0x7fff)
  const alleleOf = new (wide ? Int32Array : Int16Array)(counts[nHap] as number)
  const fill = counts.slice(0, nHap)
  rows.forEach((r, ri) => {
    for (let i = 0; i < r.carriers.length; i += 2) {
      const h = r.carriers[i] as number
      const at = fill[h]!++
      recOf[at] = ri
      alleleOf[at] = r.carriers[i + 1] as number
    }
    // the index above holds them now: the path's carriers are kept once, not twice
    r.carriers = NO_CARRIERS
  })
  const taken = new Uint8Array(nHap)
  const edits = (h: number): Edit[] => {
    if (!Number.isInteger(h) || h < 0 || h >= nHap)
      throw new ArgumentError(`haplotype ${h} out of range [0, ${nHap})`)
    if (taken[h])
      throw new ArgumentError(`edits of haplotype ${h} of path ${path.path} were already taken`)
    taken[h] = 1
    const out: Edit[] = state.carry.get(h) ?? []
    state.carry.delete(h)
    const carried: Edit[] = []
    const push = (e: Edit): void => splitAtPathEnd(e, path.end, out, carried)
    let frozen = state.frozen[h] as number
    let prevInsert = state.prevInsert[h] === 1
    // the sample's no-call regions, merged in by position (haplotypeEditor.ts: a region before a
    // record at the same base; clipped to the bases no record before it decided)
    const regions = nocalls?.[h >> 1] ?? []
    let k = 0
    const regionsTo = (pos: number): void => {
      for (; k < regions.length && (regions[k] as number) <= pos; k += 2) {
        const end = regions[k + 1] as number
        const from = Math.max(regions[k] as number, frozen + 1)
        if (from >= end) continue
        push({ start: from, end, alt: nocallBases(end - from) })
        frozen = end - 1
        prevInsert = false
      }
    }
    for (let i = counts[h] as number; i < (counts[h + 1] as number); i++) {
      const r = rows[recOf[i] as number] as RecordRow
      regionsTo(r.pos)
      const allele = alleleOf[i] as number
      const rlen = r.ref.length
      const alt = allele < 0 ? 'n'.repeat(rlen) : (r.alts[allele - 1] as string)
      const d = consensusDecision(frozen, prevInsert, r.pos, r.ref, allele < 0 ? undefined : alt)
      if (d === SKIP) {
        onOverlap(h, r.pos)
        continue
      }
      let e: Edit | null | undefined
      if (d === APPLY_WITHOUT_ANCHOR) e = minimalEdit(r.pos + 1, r.ref.slice(1), alt.slice(1))
      else {
        e = r.edit[allele + 1]
        if (e === undefined) e = r.edit[allele + 1] = minimalEdit(r.pos, r.ref, alt) ?? null
      }
      if (e) push(e)
      frozen = r.pos + rlen - 1
      prevInsert = alt.length > rlen
    }
    regionsTo(Infinity)
    state.frozen[h] = frozen
    state.prevInsert[h] = prevInsert ? 1 : 0
    if (carried.length) state.carry.set(h, carried)
    return out
  }
  return { path, nHaplotypes: nHap, steps, last, edits, taken }
}
