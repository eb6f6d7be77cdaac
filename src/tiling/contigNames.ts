// Contig names of an input (gVCF, VCF, callable BED) matched to the reference's. Callers such as
// GATK on b37 write `20`, others `chr20`; a name absent from the reference is looked up, in order,
// in the --rename-chrs map (the file `bcftools annotate --rename-chrs` takes: "OLD NEW" per line),
// then with a `chr` prefix removed or added. Every name read under another name is remembered so
// that the build can say so.
import { readFileSync } from 'node:fs'
import { ArgumentError, FormatError } from '../core/errors.js'
import type { ReferenceFasta } from './reference.js'

/** An input contig read as a reference contig of another name. */
export interface ContigRename {
  file: string
  from: string
  to: string
  how: 'chr prefix' | 'rename-chrs'
}

/** Read a --rename-chrs file: "OLD NEW" per line, separated by tabs or spaces. */
export function readRenameChrs(file: string): Map<string, string> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ArgumentError(`--rename-chrs ${file}: ${(err as Error).message}`)
  }
  const map = new Map<string, string>()
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    const cols = line.split(/\s+/)
    if (cols.length !== 2)
      throw new FormatError(`expected "OLD NEW" (two names), got "${line}"`, { file, line: i + 1 })
    const [from, to] = cols as [string, string]
    if (map.has(from) && map.get(from) !== to)
      throw new FormatError(`${from} is renamed twice`, { file, line: i + 1 })
    map.set(from, to)
  })
  return map
}

/** The reference name of each contig name of one input file. */
export class ContigNames {
  private readonly cache = new Map<string, string | undefined>()
  /** Names read under another name, in the order first seen. */
  readonly renames: ContigRename[] = []

  constructor(
    private readonly ref: ReferenceFasta,
    private readonly file: string,
    private readonly renameChrs: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The reference contig for `name`, or undefined when none matches. */
  lookup(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name)
    let to: string | undefined
    let how: ContigRename['how'] | undefined
    if (this.ref.has(name)) to = name
    else {
      const renamed = this.renameChrs.get(name)
      if (renamed !== undefined && this.ref.has(renamed)) [to, how] = [renamed, 'rename-chrs']
      else {
        const other = name.startsWith('chr') ? name.slice(3) : `chr${name}`
        if (other !== '' && this.ref.has(other)) [to, how] = [other, 'chr prefix']
      }
    }
    this.cache.set(name, to)
    if (to !== undefined && how !== undefined)
      this.renames.push({ file: this.file, from: name, to, how })
    return to
  }

  /** The reference contig for `name`; a FormatError at `line` when none matches. */
  get(name: string, line: number): string {
    const to = this.lookup(name)
    if (to === undefined)
      throw new FormatError(
        `contig ${name} is not in the reference ${this.ref.file} (nor with a chr prefix added ` +
          `or removed; --rename-chrs maps other names)`,
        { file: this.file, line },
      )
    return to
  }
}
