// Single-sample gVCFs (GATK HaplotypeCaller -ERC GVCF, DeepVariant) as haplotype edits: every base
// is either called (reference or an ALT) or a no-call. Each file is streamed once, path by path,
// so memory holds one path's edits of one sample at a time (plus the file's read buffer).
//
// What becomes a no-call, on both haplotypes unless said otherwise (README "No-calls"):
// - every base no record covers (before the first record, between records, after the last, and
//   whole contigs the gVCF lacks);
// - a record whose FILTER is neither PASS nor `.` (DeepVariant RefCall, LowQual, ...);
// - a record whose GQ is below `minGq`, or whose depth (MIN_DP of a reference block, else DP) is
//   below `minDp`; a missing value fails a threshold that is set;
// - a missing allele (`.`) on its haplotype, and an allele that points at the symbolic
//   `<*>`/`<NON_REF>` ALT (the sample carries something the record does not spell out).
// A record covers [POS, END] with END (reference blocks) and its REF span otherwise. Real ALTs of a
// record with `<*>`/`<NON_REF>` are applied as they are; `*` (a deletion upstream) changes nothing.
// Haploid calls (`GT=1`, e.g. chrX of a male): the store holds two haplotypes, and the second
// repeats the first. The one copy the caller saw is called, so neither the reference (a second copy
// never observed) nor a no-call (the locus was looked at) would be true; a homozygous pair keeps the
// call and its certainty.
// Phasing: genotypes keep their written order (first allele → haplotype 1). A sample is phased when
// every heterozygous call uses `|` within one phase set (PS absent or the same everywhere): two
// phase sets are not phased with each other, so such a sample is listed as unphased.
// Overlaps (haplotypeEditor.ts): records in order, an ALT overlapping a base decided before is
// skipped as bcftools consensus skips it, a no-call covers the bases not decided before. A reference
// block overlapping any other record is a FormatError, as are END before POS, unsorted records, a
// REF that disagrees with the reference (a gVCF of another reference; with `skipRefMismatch` the
// record is dropped and its bases are no-calls) and contigs absent from the reference.
//
// Parsing is by hand rather than with @gmod/vcf: a line needs six of its fields (POS, REF, ALT,
// FILTER, END, and GT/GQ/DP of the one sample), and whole-genome gVCFs have ~10^8 of them; the
// general parser types every INFO and FORMAT value.
import { LocalFile } from 'generic-filehandle2'
import { readLines } from '../container/stream.js'
import { FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { ContigNames } from './contigNames.js'
import type { Edit, OverlapSkip } from './haplotypes.js'
import { HaplotypeEditor } from './haplotypeEditor.js'
import type { ReferenceFasta } from './reference.js'
import type { PathTags } from './tags.js'

export interface GvcfThresholds {
  /** a record with GQ below this is a no-call (0: no threshold) */
  minGq: number
  /** a record with MIN_DP (reference blocks) or DP below this is a no-call (0: no threshold) */
  minDp: number
}

/** Allele code of a haplotype at a record: no-call. */
export const NOCALL = -1

/** One gVCF record, classified. */
export interface GvcfRecord {
  /** the contig as written */
  chrom: string
  /** 0-based first base */
  pos: number
  /** 0-based end (exclusive) of the bases the record covers */
  end: number
  /** REF, lower case */
  ref: string
  /** ALT alleles, lower case; '' for `*`, `<*>` and `<NON_REF>` */
  alts: string[]
  /** no real ALT: a reference block (or a lone `<*>` record) */
  block: boolean
  /** allele of haplotype 1 and 2: 0 = REF, k = alts[k-1], NOCALL */
  alleles: [number, number]
  /** a heterozygous call written with `/` (unphased) or with `|` (phased, `ps` its phase set) */
  het: 'unphased' | 'phased' | undefined
  ps: string | undefined
}

const SYMBOLIC_REF = new Set(['<*>', '<NON_REF>'])

/** FORMAT value `key` of the sample column, undefined when absent or `.`. */
function formatValue(keys: string[], values: string[], key: string): string | undefined {
  const i = keys.indexOf(key)
  const v = i < 0 ? undefined : values[i]
  return v === undefined || v === '.' || v === '' ? undefined : v
}

/** Does the record meet a threshold? (missing values fail a threshold that is set) */
function meets(value: string | undefined, min: number): boolean {
  if (min <= 0) return true
  const x = value === undefined ? NaN : Number(value)
  return x >= min
}

/**
 * Classify one data line of a single-sample gVCF. Throws a FormatError at `place` for a line that
 * breaks the format (END before POS, bad GT, an allele past the ALTs, unsupported symbolic ALT).
 */
export function parseGvcfLine(
  line: string,
  thresholds: GvcfThresholds,
  place: { file: string; line: number },
): GvcfRecord {
  const cols = line.split('\t')
  if (cols.length < 8)
    throw new FormatError(`expected at least 8 columns, got ${cols.length}`, place)
  const [chrom, posText, , refText, altText, , filter, info] = cols as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  const pos1 = Number(posText)
  if (!Number.isInteger(pos1) || pos1 < 1)
    throw new FormatError(`expected a positive integer POS, got "${posText}"`, place)
  if (!/^[ACGTNacgtn]+$/.test(refText))
    throw new FormatError(`expected REF bases, got "${refText}"`, place)
  const ref = refText.toLowerCase()
  const alts: string[] = []
  let real = 0
  if (altText !== '.')
    for (const a of altText.split(',')) {
      if (SYMBOLIC_REF.has(a) || a === '*') alts.push('')
      else if (/^[ACGTNacgtn]+$/.test(a)) {
        alts.push(a.toLowerCase())
        real++
      } else if (a.startsWith('<') || /[[\]]/.test(a))
        throw new FormatError(`symbolic ALT allele ${a} is not supported`, place)
      else throw new FormatError(`expected ALT bases, got "${a}"`, place)
    }
  const endMatch = /(?:^|;)END=([^;]*)/.exec(info)
  let end = pos1 - 1 + ref.length
  if (endMatch) {
    const end1 = Number(endMatch[1])
    if (!Number.isInteger(end1))
      throw new FormatError(`expected an integer END, got "${endMatch[1]}"`, place)
    if (end1 < pos1) throw new FormatError(`END=${end1} is before POS ${pos1}`, place)
    end = Math.max(end, end1)
  }
  const keys = cols[8] === undefined ? [] : cols[8].split(':')
  const values = cols[9] === undefined ? [] : cols[9].split(':')
  if (cols.length > 10)
    throw new FormatError(`expected one sample column, got ${cols.length - 9}`, place)

  const pass = filter === 'PASS' || filter === '.'
  const good =
    pass &&
    meets(formatValue(keys, values, 'GQ'), thresholds.minGq) &&
    meets(formatValue(keys, values, 'MIN_DP') ?? formatValue(keys, values, 'DP'), thresholds.minDp)
  const gt = formatValue(keys, values, 'GT') ?? '.'
  const parts = gt.split(/[|/]/)
  if (parts.length > 2)
    throw new FormatError(`genotype "${gt}" has ${parts.length} alleles (at most 2)`, place)
  const codes = parts.map((a) => {
    if (a === '.') return NOCALL
    if (!/^\d+$/.test(a)) throw new FormatError(`malformed genotype "${gt}"`, place)
    const k = Number(a)
    if (k > alts.length)
      throw new FormatError(`genotype allele ${k} but only ${alts.length} ALT alleles`, place)
    if (k === 0) return 0
    const alt = alts[k - 1] as string
    if (alt !== '') return k
    // `*`: the base lies in a deletion of this haplotype applied upstream; `<*>`: not spelled out
    return altText.split(',')[k - 1] === '*' ? 0 : NOCALL
  })
  const a1 = good ? (codes[0] as number) : NOCALL
  const a2 = good ? (codes[1] ?? codes[0]!) : NOCALL
  const het =
    a1 !== NOCALL && a2 !== NOCALL && a1 !== a2
      ? gt.includes('|')
        ? 'phased'
        : 'unphased'
      : undefined
  return {
    chrom,
    pos: pos1 - 1,
    end,
    ref,
    alts,
    block: real === 0,
    alleles: [a1, a2],
    het,
    ps: het === 'phased' ? formatValue(keys, values, 'PS') : undefined,
  }
}

export interface GvcfSampleOptions extends AbortOptions {
  thresholds: GvcfThresholds
  /** drop records whose REF disagrees with the reference (their bases become no-calls) */
  skipRefMismatch?: boolean
  renameChrs?: ReadonlyMap<string, string>
}

/** What the samples of a build skipped, shared by all of them (skipped.tsv.gz). */
export interface GvcfSkips {
  overlaps: OverlapSkip[]
  refMismatches: { chrom: string; pos: number }[]
  unplaced: { chrom: string; pos: number }[]
}

interface Pending {
  rec: GvcfRecord
  /** the reference contig */
  chrom: string
  line: number
}

/** One sample's gVCF, read path by path. */
export class GvcfSample {
  /** Data lines read so far. */
  records = 0
  readonly contigs: ContigNames
  private readonly haps = [new HaplotypeEditor(), new HaplotypeEditor()] as const
  private pending: Pending | undefined
  private done = false
  /** the contig of the last path asked, and how far its bases are covered by records */
  private chrom: string | undefined
  private coveredEnd = 0
  /** end of the last reference block, and its line */
  private blockEnd = 0
  private blockLine = 0
  /** last record read: reference contig, position */
  private lastChrom: string | undefined
  private lastPos = -1
  private readonly seenChroms = new Set<string>()
  private unphasedHet = false
  private readonly phaseSets = new Set<string>()
  /** reference contig → its index: the order records must follow */
  private readonly order: ReadonlyMap<string, number>

  private constructor(
    readonly file: string,
    readonly name: string,
    private readonly lines: AsyncGenerator<{ text: string; line: number }>,
    private readonly ref: ReferenceFasta,
    private readonly skips: GvcfSkips,
    private readonly opts: GvcfSampleOptions,
  ) {
    this.contigs = new ContigNames(ref, file, opts.renameChrs)
    this.order = new Map(ref.contigs.map((c, i) => [c.name, i]))
  }

  /** Open `file` and read its header: exactly one sample column. */
  static async open(
    file: string,
    ref: ReferenceFasta,
    skips: GvcfSkips,
    opts: GvcfSampleOptions,
  ): Promise<GvcfSample> {
    checkAbort(opts.signal)
    // small reads: a build holds every sample's file open at once
    const lines = readLines(
      { name: file, handle: new LocalFile(file) },
      { chunkSize: 1 << 16, ...(opts.signal ? { signal: opts.signal } : {}) },
    )
    let lineNo = 0
    for (;;) {
      const next = await lines.next()
      if (next.done) throw new FormatError('no #CHROM header line', { file, line: lineNo })
      lineNo = next.value.line
      const text = next.value.text
      if (text.startsWith('##')) continue
      if (!text.startsWith('#CHROM'))
        throw new FormatError('expected a header line starting with # before the records', {
          file,
          line: lineNo,
        })
      const samples = text.split('\t').slice(9)
      if (samples.length !== 1)
        throw new FormatError(
          `expected a single-sample gVCF, found ${samples.length} sample columns` +
            (samples.length > 1 ? ' (bcftools view -s NAME takes one out)' : ''),
          { file, line: lineNo },
        )
      return new GvcfSample(file, samples[0] as string, lines, ref, skips, opts)
    }
  }

  /** Every heterozygous call phased, within one phase set (complete after `finish`). */
  get phased(): boolean {
    return !this.unphasedHet && this.phaseSets.size <= 1
  }

  /** The next record on a tiled contig (others are counted as unplaced); checks the order. */
  private async peek(tiled: ReadonlySet<string>): Promise<Pending | undefined> {
    const order = this.order
    while (!this.pending && !this.done) {
      const next = await this.lines.next()
      if (next.done) {
        this.done = true
        break
      }
      const { text, line } = next.value
      if (text === '' || text.startsWith('#')) continue
      this.records++
      const place = { file: this.file, line }
      const rec = parseGvcfLine(text, this.opts.thresholds, place)
      const chrom = this.contigs.get(rec.chrom, line)
      if (chrom !== this.lastChrom) {
        if (this.seenChroms.has(chrom))
          throw new FormatError(
            `records of contig ${rec.chrom} are not together (unsorted gVCF)`,
            place,
          )
        const o = this.lastChrom === undefined ? undefined : order.get(this.lastChrom)
        const here = order.get(chrom)
        if (o !== undefined && here !== undefined && here < o)
          throw new FormatError(
            `contig ${rec.chrom} comes after ${this.lastChrom}, a later contig of the reference (unsorted gVCF)`,
            place,
          )
        if (this.lastChrom !== undefined) this.seenChroms.add(this.lastChrom)
        this.lastChrom = chrom
        this.lastPos = -1
      }
      if (rec.pos < this.lastPos)
        throw new FormatError(
          `position ${rec.pos + 1} comes after ${this.lastPos + 1} on ${rec.chrom} (unsorted gVCF)`,
          place,
        )
      this.lastPos = rec.pos
      if (rec.end > this.ref.length(chrom))
        throw new FormatError(
          `record at ${rec.chrom}:${rec.pos + 1} ends at ${rec.end}, past the end of ${chrom} ` +
            `(${this.ref.length(chrom)}) in the reference: a gVCF of another reference?`,
          place,
        )
      if (!tiled.has(chrom)) {
        this.skips.unplaced.push({ chrom, pos: rec.pos + 1 })
        continue
      }
      this.pending = { rec, chrom, line }
    }
    return this.pending
  }

  /**
   * The edits of haplotypes 1 and 2 inside path `p` (whose reference is `refSeq`), reading the
   * records that start in it. `nocalls`: extra no-call regions of the path (flat [start, end, ...],
   * sorted; e.g. outside callable regions). Paths must come in reference order; `tiled` holds the
   * contigs of all of them.
   */
  async path(
    p: PathTags,
    refSeq: string,
    tiled: ReadonlySet<string>,
    nocalls: readonly number[] = [],
  ): Promise<[Edit[], Edit[]]> {
    const order = this.order
    checkAbort(this.opts.signal)
    if (p.chrom !== this.chrom) {
      this.chrom = p.chrom
      this.coveredEnd = 0
      this.blockEnd = 0
      for (const h of this.haps) h.reset()
    }
    const here = order.get(p.chrom) as number
    let k = 0
    // the no-call regions and the gap before the next record, in order of position
    const nocallsTo = (pos: number): void => {
      for (; k < nocalls.length && (nocalls[k] as number) <= pos; k += 2) {
        const s = nocalls[k] as number
        if (this.coveredEnd < s) this.gap(this.coveredEnd, s)
        for (const h of this.haps) h.nocall(s, nocalls[k + 1] as number)
      }
      if (this.coveredEnd < pos) this.gap(this.coveredEnd, pos)
    }
    for (;;) {
      const next = await this.peek(tiled)
      if (!next) break
      const o = order.get(next.chrom) as number
      if (o > here || next.rec.pos >= p.end) break
      if (o < here)
        throw new FormatError(`record at ${next.rec.chrom}:${next.rec.pos + 1} is out of order`, {
          file: this.file,
          line: next.line,
        })
      this.pending = undefined
      nocallsTo(next.rec.pos)
      await this.apply(next, p, refSeq)
    }
    nocallsTo(p.end)
    return [this.haps[0].take(p.end), this.haps[1].take(p.end)]
  }

  /** Bases [start, end) that no record covers: no-calls. */
  private gap(start: number, end: number): void {
    for (const h of this.haps) h.nocall(start, end)
    this.coveredEnd = end
  }

  private async apply({ rec, chrom, line }: Pending, p: PathTags, refSeq: string): Promise<void> {
    const place = { file: this.file, line }
    if (rec.pos < this.blockEnd)
      throw new FormatError(
        `record at ${rec.chrom}:${rec.pos + 1} starts inside the reference block of line ` +
          `${this.blockLine} (which ends at ${this.blockEnd}): overlapping blocks`,
        place,
      )
    if (rec.block && rec.pos < this.coveredEnd)
      throw new FormatError(
        `reference block at ${rec.chrom}:${rec.pos + 1} starts inside an earlier record ` +
          `(which ends at ${this.coveredEnd}): overlapping blocks`,
        place,
      )
    // REF against the reference: a block's first base, a variant's whole REF (`n` matches any base:
    // DeepVariant writes N for some block REFs)
    const len = rec.block ? 1 : rec.ref.length
    let fa = refSeq.slice(rec.pos - p.start, rec.pos - p.start + len)
    if (fa.length < len)
      fa = await this.ref.fetch(chrom, rec.pos, rec.pos + len, { signal: this.opts.signal })
    for (let i = 0; i < len; i++) {
      const c = rec.ref[i] as string
      if (c !== 'n' && c !== fa[i]) {
        if (this.opts.skipRefMismatch) {
          this.skips.refMismatches.push({ chrom, pos: rec.pos + 1 })
          return
        }
        throw new FormatError(
          `REF ${rec.ref.slice(0, len).toUpperCase()} at ${rec.chrom}:${rec.pos + 1} does not ` +
            `match the reference (${fa.toUpperCase()}): a gVCF of another reference?`,
          place,
        )
      }
    }
    if (rec.het === 'unphased') this.unphasedHet = true
    else if (rec.het === 'phased') this.phaseSets.add(rec.ps ?? '')
    rec.alleles.forEach((a, i) => {
      const h = this.haps[i as 0 | 1]
      if (a === NOCALL) h.nocall(rec.pos, rec.end)
      else if (a > 0 && !h.alt(rec.pos, rec.ref, rec.alts[a - 1] as string))
        this.skips.overlaps.push({ sample: this.name, haplotype: i + 1, chrom, pos: rec.pos + 1 })
    })
    if (rec.block) {
      this.blockEnd = rec.end
      this.blockLine = line
    }
    this.coveredEnd = Math.max(this.coveredEnd, rec.end)
  }

  /** After the last path: read the rest (records on contigs without a path are counted). */
  async finish(tiled: ReadonlySet<string>): Promise<void> {
    const extra = await this.peek(tiled)
    if (extra)
      throw new FormatError(
        `record at ${extra.rec.chrom}:${extra.rec.pos + 1} lies after the last path`,
        {
          file: this.file,
          line: extra.line,
        },
      )
  }
}
