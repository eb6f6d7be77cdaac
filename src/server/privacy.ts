// Privacy by minimal group size, as BGT's server (a sample's `_mgs`: no group smaller than it,
// and a sample with MGS > 1 is never named nor shown alone), made to hold across queries.
//
// BGT checks each group on its own, so two answered groups that differ by one sample give that
// sample's genotypes by subtraction. Here every answer is a sum over the members of its groups,
// so what all answers together can reveal is at most the sums over the cells ("atoms") of the
// partition the answered groups cut the samples into (every group is a union of atoms). The
// guard keeps that partition over every group answered since start-up, for every client (they
// may collude), and admits a new group only when each atom it creates still holds, among its
// samples with MGS > 1, none or at least the largest MGS among them. Samples with MGS ≤ 1 are
// public: their genotypes may be shown, so they give no cover and are not counted. Browser-safe.
import { ArgumentError, LightningError } from '../core/errors.js'
import { md5Hex } from '../core/md5.js'
import type { CompiledCondition, Scope } from '../query/expr/compile.js'
import { compileCondition } from '../query/expr/compile.js'
import { ExpressionError } from '../query/expr/error.js'
import type { SampleTable } from '../samples/table.js'
import { SAMPLE_NAME_KEY } from '../samples/table.js'

/** The metadata key holding a sample's minimal group size (BGT's). */
export const MGS_KEY = '_mgs'

/** A query the privacy rule refuses (HTTP 403). */
export class PrivacyError extends LightningError {
  override name = 'PrivacyError'
}

export interface PrivacyOptions {
  /** MGS of samples without `_mgs` (BGT's -m of bgt-server; default 1: public) */
  defaultMgs?: number
  /**
   * metadata keys groups may be formed by (default: every key but `_mgs`); the sample name
   * (`_ROW_`) is allowed only when listed here
   */
  groupKeys?: readonly string[] | undefined
  /**
   * a private panel (`serve --private-panel`): every sample has MGS ≥ 2, so no genotype of it is
   * ever shown and no sample named; it still serves as an imputation panel
   */
  privatePanel?: boolean
}

/** One group a query asks for: the spec as given and the rows (store sample order) it selects. */
export interface GuardedGroup {
  spec: string
  rows: Int32Array
}

export class PrivacyGuard {
  /** per sample (store order): its minimal group size */
  readonly mgs: Int32Array
  /** samples with MGS > 1 */
  readonly privateCount: number
  /** the keys groups may be formed by */
  readonly groupKeys: readonly string[]
  /** per sample: its atom of the partition the groups answered so far cut the samples into */
  private atom: Int32Array
  private atoms = 1
  /** groups admitted before (by their rows), so that asking again costs nothing */
  private readonly admitted = new Set<string>()

  constructor(
    readonly table: SampleTable,
    opts: PrivacyOptions = {},
  ) {
    const fallback = opts.defaultMgs ?? 1
    if (!(Number.isInteger(fallback) && fallback >= 1))
      throw new ArgumentError(`--mgs ${fallback}: expected a whole number ≥ 1`)
    const field = table.field(MGS_KEY)
    if (field && field.type === 'string')
      throw new ArgumentError(`sample metadata key ${MGS_KEY} must be a number`)
    const floor = opts.privatePanel ? 2 : 1
    this.mgs = Int32Array.from(table.names, (_, r) => {
      const v = table.value(r, MGS_KEY)
      return Math.max(floor, typeof v === 'number' && v >= 1 ? Math.ceil(v) : fallback)
    })
    this.privateCount = this.mgs.reduce((n, m) => n + (m > 1 ? 1 : 0), 0)
    const keys = opts.groupKeys ?? table.fields.map((f) => f.key).filter((k) => k !== MGS_KEY)
    for (const k of keys) {
      if (k === MGS_KEY) throw new ArgumentError(`--group-keys: ${MGS_KEY} cannot form groups`)
      if (k !== SAMPLE_NAME_KEY && !table.field(k))
        throw new ArgumentError(
          `--group-keys: no sample metadata key '${k}' (known: ${table.fields.map((f) => f.key).join(', ') || 'none'})`,
        )
    }
    this.groupKeys = keys
    this.atom = new Int32Array(table.size)
    // the whole cohort is the first group every query without -s reports
    this.admit([{ spec: 'every sample', rows: Int32Array.from(table.names, (_, i) => i) }])
  }

  isPublic(row: number): boolean {
    return this.mgs[row]! <= 1
  }

  /** The scope of group expressions: the allowed keys only. */
  private scope(): Scope<number> {
    const all = this.table.scope()
    const allowed = new Set(this.groupKeys)
    return {
      variable: (name) => (allowed.has(name) ? all.variable(name) : undefined),
      describeKeys: () =>
        this.groupKeys.length
          ? `groups may use the keys: ${this.groupKeys.join(', ')}`
          : 'this server forms no groups by metadata',
    }
  }

  /** Compile a group expression over the allowed keys (an ExpressionError names the column). */
  condition(expr: string): CompiledCondition<number> {
    return compileCondition(expr, this.scope())
  }

  /**
   * The rows of a group spec: an expression over the allowed keys, or `,A,B` names of public
   * samples (a private or unknown name gets the same answer, so names cannot probe membership).
   * `@FILE` is refused: the server reads no client's files.
   */
  resolve(spec: string, context: string): GuardedGroup {
    if (spec.startsWith('@'))
      throw new ArgumentError(`${context}: @FILE groups are not available over HTTP`)
    if (spec.startsWith(',') || spec.startsWith(':')) {
      const names = spec
        .slice(1)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const rows = names.map((n) => this.table.indexOf(n))
      if (rows.some((r) => r < 0 || !this.isPublic(r)))
        throw new PrivacyError(
          `${context}: only public samples (minimal group size 1) can be named; form groups by metadata (${this.scope().describeKeys?.() ?? ''})`,
        )
      rows.sort((a, b) => a - b)
      if (rows.some((r, k) => k > 0 && rows[k - 1] === r))
        throw new ArgumentError(`${context}: a sample is listed twice`)
      if (rows.length === 0) throw new ArgumentError(`${context}: the group has no samples`)
      return { spec, rows: Int32Array.from(rows) }
    }
    let c: CompiledCondition<number>
    try {
      c = this.condition(spec)
    } catch (err) {
      throw err instanceof ExpressionError ? err.within(context) : err
    }
    const rows: number[] = []
    for (let r = 0; r < this.table.size; r++) if (c.test(r)) rows.push(r)
    if (rows.length === 0) throw new ArgumentError(`${context}: the group has no samples`)
    return { spec, rows: Int32Array.from(rows) }
  }

  /**
   * Refuse a group smaller than its members' minimal group size (an imputation panel: it is used
   * only inside the server, so it does not join the partition of answered groups).
   */
  checkSize(group: GuardedGroup, context: string): void {
    const { count, largest } = this.cover(group.rows)
    if (count > 0 && count < largest)
      throw new PrivacyError(
        `${context}: the group has ${count} private samples, fewer than their minimal group size ${largest}`,
      )
  }

  /** The largest MGS among the private samples of `rows`, and how many private samples it has. */
  private cover(rows: ArrayLike<number>): { count: number; largest: number } {
    let count = 0
    let largest = 1
    for (let i = 0; i < rows.length; i++) {
      const m = this.mgs[rows[i]!]!
      if (m > 1) {
        count++
        if (m > largest) largest = m
      }
    }
    return { count, largest }
  }

  /**
   * Admit the groups of one query, or throw a PrivacyError (and change nothing). Each group must
   * be no smaller than its members' MGS (BGT's rule); then the partition refined by every group
   * must keep, in each atom, no private sample or at least as many as their largest MGS.
   */
  admit(groups: readonly GuardedGroup[]): void {
    const fresh = groups.filter((g) => !this.admitted.has(key(g.rows)))
    if (fresh.length === 0) return
    for (const g of fresh) {
      const { count, largest } = this.cover(g.rows)
      if (count > 0 && count < largest)
        throw new PrivacyError(
          `${g.spec}: the group has fewer samples than the minimal group size of its members (${largest})`,
        )
    }
    let atom = this.atom
    let atoms = this.atoms
    for (const g of fresh) {
      const inGroup = new Uint8Array(atom.length)
      for (let i = 0; i < g.rows.length; i++) inGroup[g.rows[i]!] = 1
      const renumber = new Map<number, number>()
      const next = new Int32Array(atom.length)
      for (let s = 0; s < atom.length; s++) {
        const k = atom[s]! * 2 + inGroup[s]!
        let id = renumber.get(k)
        if (id === undefined) renumber.set(k, (id = renumber.size))
        next[s] = id
      }
      atom = next
      atoms = renumber.size
      const count = new Int32Array(atoms)
      const largest = new Int32Array(atoms).fill(1)
      for (let s = 0; s < atom.length; s++) {
        const m = this.mgs[s]!
        if (m <= 1) continue
        count[atom[s]!]!++
        if (m > largest[atom[s]!]!) largest[atom[s]!] = m
      }
      for (let a = 0; a < atoms; a++)
        if (count[a]! > 0 && count[a]! < largest[a]!)
          throw new PrivacyError(
            `${g.spec}: together with the groups answered before, this group would set apart fewer samples than their minimal group size (${largest[a]}), whose genotypes could then be told by subtraction; ask for groups that differ from earlier ones by more samples, or by the same metadata keys`,
          )
    }
    this.atom = atom
    this.atoms = atoms
    for (const g of fresh) this.admitted.add(key(g.rows))
  }

  /** Atoms of the partition so far (for the status endpoint and tests). */
  get atomCount(): number {
    return this.atoms
  }
}

/** A group's identity: the md5 of its rows (a group of 20,000 samples stays a short key). */
function key(rows: Int32Array): string {
  return `${rows.length}:${md5Hex(rows.join(','))}`
}
