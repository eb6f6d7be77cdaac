// Callable regions of a sample as a BED (plain or gzipped), streamed in reference order: bases
// outside them are no-calls. The BEDs that tools write:
// - GATK CallableLoci: every base in one interval, column 4 its state (CALLABLE, NO_COVERAGE,
//   LOW_COVERAGE, EXCESSIVE_COVERAGE, POOR_MAPPING_QUALITY, REF_N); only CALLABLE is callable.
// - mosdepth --quantize: column 4 a bin label (MOSDEPTH_Q0, ... or names given through
//   MOSDEPTH_Q<i>=NAME); name the callable bins with `states`.
// - a plain 3-column BED of callable intervals (e.g. `awk '$4=="CALLABLE"'`, GIAB confident
//   regions): every interval is callable.
// So an interval with a 4th column counts when that column is one of `states` (default CALLABLE);
// one without counts always. Intervals may overlap and touch; `track`/`browser`/`#` lines are
// skipped. Intervals on contigs the reference lacks are ignored (a BED of the whole genome serves
// a build of one chromosome), but a BED none of whose callable intervals lies on a reference contig
// is an error, as is a BED with a 4th column and no interval in a callable state (the states seen
// are listed), unsorted intervals and contigs out of reference order.
import { LocalFile } from 'generic-filehandle2'
import { readLines } from '../container/stream.js'
import { FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { ContigNames } from './contigNames.js'
import type { ReferenceFasta } from './reference.js'

export const DEFAULT_CALLABLE_STATES: readonly string[] = ['CALLABLE']

export interface CallableOptions extends AbortOptions {
  /** column-4 values that count as callable (default CALLABLE) */
  states?: readonly string[]
  renameChrs?: ReadonlyMap<string, string>
}

interface Interval {
  chrom: string
  start: number
  end: number
  line: number
}

/** A callable-regions BED read once, window by window in reference order. */
export class CallableRegions {
  readonly contigs: ContigNames
  /** reference contig → its index: the order intervals must follow */
  private readonly order: ReadonlyMap<string, number>
  private readonly lines: AsyncGenerator<{ text: string; line: number }>
  private readonly states: ReadonlySet<string>
  private pending: Interval | undefined
  private done = false
  private lastChrom: string | undefined
  private lastStart = -1
  private readonly seenChroms = new Set<string>()
  /** callable intervals on reference contigs; states seen in column 4 (a few, for the error) */
  private callable = 0
  private readonly seenStates = new Set<string>()
  private withState = 0

  constructor(
    readonly file: string,
    ref: ReferenceFasta,
    private readonly opts: CallableOptions = {},
  ) {
    this.contigs = new ContigNames(ref, file, opts.renameChrs)
    this.order = new Map(ref.contigs.map((c, i) => [c.name, i]))
    this.states = new Set(opts.states ?? DEFAULT_CALLABLE_STATES)
    this.lines = readLines(
      { name: file, handle: new LocalFile(file) },
      { chunkSize: 1 << 16, ...(opts.signal ? { signal: opts.signal } : {}) },
    )
  }

  /** Read up to the first callable interval: a BED that names none fails before the build. */
  async start(): Promise<this> {
    if (!(await this.peek())) await this.finish()
    return this
  }

  /** The next callable interval on a contig of the paths. */
  private async peek(): Promise<Interval | undefined> {
    while (!this.pending && !this.done) {
      const next = await this.lines.next()
      if (next.done) {
        this.done = true
        break
      }
      const { text, line } = next.value
      if (text === '' || text.startsWith('#') || /^(track|browser)\b/.test(text)) continue
      const place = { file: this.file, line }
      const cols = text.split('\t')
      const start = Number(cols[1])
      const end = Number(cols[2])
      if (cols.length < 3 || !Number.isInteger(start) || !Number.isInteger(end) || start < 0)
        throw new FormatError('expected CHROM, START and END (BED, 0-based, tab-separated)', place)
      if (end < start) throw new FormatError(`END ${end} is before START ${start}`, place)
      const chrom = this.contigs.lookup(cols[0] as string)
      if (chrom === undefined) continue
      if (chrom !== this.lastChrom) {
        const o = this.lastChrom === undefined ? undefined : this.order.get(this.lastChrom)
        const here = this.order.get(chrom)
        if (this.seenChroms.has(chrom) || (o !== undefined && here !== undefined && here < o))
          throw new FormatError(
            `contig ${cols[0]} comes after ${this.lastChrom}: the BED must be sorted in the order of the reference`,
            place,
          )
        if (this.lastChrom !== undefined) this.seenChroms.add(this.lastChrom)
        this.lastChrom = chrom
        this.lastStart = -1
      }
      if (start < this.lastStart)
        throw new FormatError(
          `START ${start} comes after ${this.lastStart} on ${cols[0]} (unsorted BED)`,
          place,
        )
      this.lastStart = start
      const state = cols[3]
      if (state !== undefined && state !== '') {
        this.withState++
        if (this.seenStates.size < 8) this.seenStates.add(state)
        if (!this.states.has(state)) continue
      }
      this.callable++
      if (end === start) continue
      this.pending = { chrom, start, end, line }
    }
    return this.pending
  }

  /**
   * The bases of [start, end) on `chrom` outside the callable intervals, as flat [start, end, ...]
   * (sorted). Windows must be asked in reference order without overlapping.
   */
  async nocalls(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<number[]> {
    checkAbort(opts.signal ?? this.opts.signal)
    const here = this.order.get(chrom)
    const out: number[] = []
    let at = start
    for (;;) {
      const iv = await this.peek()
      if (!iv) break
      const o = this.order.get(iv.chrom) as number
      if (here === undefined || o > here || (o === here && iv.start >= end)) break
      if (o === here) {
        if (iv.start > at) out.push(at, iv.start)
        at = Math.max(at, iv.end)
        if (iv.end > end) break // it goes on into the next window
      }
      this.pending = undefined
    }
    if (at < end) out.push(at, end)
    return out
  }

  /** After the last window: read the rest and check that the BED named callable bases. */
  async finish(): Promise<void> {
    this.pending = undefined
    while (await this.peek()) this.pending = undefined
    if (this.callable > 0) return
    if (this.withState > 0)
      throw new FormatError(
        `no interval is in a callable state (${[...this.states].join(', ')}); column 4 holds ` +
          `${[...this.seenStates].join(', ')}: name the callable ones with --callable-states`,
        { file: this.file },
      )
    throw new FormatError('no callable interval lies on a contig of the reference', {
      file: this.file,
    })
  }
}
