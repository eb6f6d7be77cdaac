// Sample groups, as BGT's `-s`: each spec makes one group, and group k (1-based, in order) gives
// the site values AC#k, AN#k and AF#k. A spec is a sample expression over the metadata
// (`pop=="FIN"`), names after a comma or colon (`,HG00096,HG00097`), or `@FILE` with one name per
// line (the first TAB-separated field, as BGT reads a list). Browser-safe: files are opened by the
// caller's `open`.
import type { GenericFilehandle } from 'generic-filehandle2'
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { readText } from '../core/filehandle.js'
import type { SampleTable } from '../samples/table.js'
import { ExpressionError } from './expr/error.js'

export interface SampleGroup {
  /** the spec as given */
  spec: string
  /** rows of the table (store sample columns), increasing */
  samples: Int32Array
}

export interface ResolveGroupsOptions extends AbortOptions {
  /** opens the FILE of `@FILE` specs (Node: openFile) */
  open?: (path: string) => GenericFilehandle
}

/** The names a spec lists, or undefined when it is an expression. */
async function listedNames(
  spec: string,
  opts: ResolveGroupsOptions,
  context: string,
): Promise<string[] | undefined> {
  if (spec.startsWith(',') || spec.startsWith(':'))
    return spec
      .slice(1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  if (!spec.startsWith('@')) return undefined
  const path = spec.slice(1)
  if (!opts.open) throw new ArgumentError(`${context}: cannot read ${path} here`)
  const open = opts.open
  const text = await readText(open(path), opts.signal ? { signal: opts.signal } : {}).catch(
    (err: unknown) => {
      if ((err as Error).name === 'AbortError') throw err
      throw new ArgumentError(`${context}: cannot read ${path} (${(err as Error).message})`)
    },
  )
  return text
    .split('\n')
    .map((l) => l.split('\t')[0]!.trim())
    .filter((s) => s !== '')
}

function firstFew(names: readonly string[]): string {
  const more = names.length > 3 ? ` and ${names.length - 3} more` : ''
  return `${names
    .slice(0, 3)
    .map((n) => `'${n}'`)
    .join(', ')}${more}`
}

/**
 * Resolve `specs` against `table` (one row per store sample, in store order) into groups of
 * rows. A spec that selects no sample, names a sample the table lacks or names one twice is an
 * error naming the group.
 */
export async function resolveGroups(
  specs: readonly string[],
  table: SampleTable,
  opts: ResolveGroupsOptions = {},
): Promise<SampleGroup[]> {
  const groups: SampleGroup[] = []
  for (const [i, spec] of specs.entries()) {
    const context = `group ${i + 1} (${spec})`
    const names = await listedNames(spec, opts, context)
    let rows: number[]
    if (names) {
      const unknown = names.filter((n) => table.indexOf(n) < 0)
      if (unknown.length > 0)
        throw new ArgumentError(
          `${context}: ${unknown.length === 1 ? 'sample' : `${unknown.length} samples`} not in the store: ${firstFew(unknown)}`,
        )
      rows = names.map((n) => table.indexOf(n)).sort((a, b) => a - b)
      const twice = rows.find((r, k) => k > 0 && rows[k - 1] === r)
      if (twice !== undefined)
        throw new ArgumentError(`${context}: sample '${table.names[twice]}' is listed twice`)
    } else {
      try {
        rows = table.select(spec)
      } catch (err) {
        throw err instanceof ExpressionError ? err.within(`group ${i + 1}`) : err
      }
    }
    if (rows.length === 0) throw new ArgumentError(`${context}: the group has no samples`)
    groups.push({ spec, samples: Int32Array.from(rows) })
  }
  return groups
}

export type GroupStatistic = 'AC' | 'AN' | 'AF'

/**
 * The group statistic a site key names: `AC`, `AN`, `AF` (group 0, every sample chosen),
 * `AC#k`, `AN#k`, `AF#k`, or BGT's spelling `AC1`, `AN2` (group k, 1-based).
 */
export function groupStatistic(key: string): { stat: GroupStatistic; group: number } | undefined {
  const m = /^(AC|AN|AF)(?:#?([1-9]\d*))?$/.exec(key)
  if (!m) return undefined
  return { stat: m[1] as GroupStatistic, group: m[2] === undefined ? 0 : Number(m[2]) }
}
