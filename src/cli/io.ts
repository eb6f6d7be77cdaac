// What the subcommands share: standard input/output, the store and files they open (with the
// global --timeout), and the options several take (samples, regions). Kept light: every command
// imports it at start-up, so heavy modules are imported inside the functions that need them.
import { stat } from 'node:fs/promises'
import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import type { GenericFilehandle } from 'generic-filehandle2'
import { ArgumentError, FormatError, NotFoundError } from '../core/errors.js'
import { isUrl, joinLocation } from '../core/filehandle.js'
import type { RemoteOptions } from '../core/filehandle.js'
import { checkInputFile, fileError, openFile } from '../core/nodeFile.js'
import { mergeRegions, parseRegionLines, parseRegionList } from '../core/region.js'
import type { Region } from '../core/region.js'
import type { TileResolver } from '../resolver/TileResolver.js'
import type { StoreManifest } from '../store/manifest.js'
import type { Store } from '../store/Store.js'

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Write to stdout, waiting until the data is flushed (large outputs, pipes). Rejects with the
 * stream's error, EPIPE included when the reader has gone (`| head`), which ends the command.
 */
export function write(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
  )
}

// ---------------------------------------------------------------------------------------------
// the global --timeout and opening files and stores

/** commander parser of `--timeout SECONDS`. */
export function parseTimeout(value: string): string {
  if (!(Number(value) > 0)) throw new InvalidArgumentError('give a number of seconds above 0.')
  return value
}

/** The HTTP options of a command: the global `--timeout` (seconds; default 30). */
function remoteOptions(cmd: Command): RemoteOptions {
  const { timeout } = cmd.optsWithGlobals<{ timeout?: string }>()
  return timeout === undefined ? {} : { timeout: Number(timeout) * 1000 }
}

/** Open a local path or URL as a command does (with --timeout). */
export function opener(cmd: Command): (location: string) => GenericFilehandle {
  const opts = remoteOptions(cmd)
  return (location) => openFile(location, opts)
}

/** STORE (a directory or URL), checked first, its files opened with the CLI's --timeout. */
export async function cliStore(store: string, cmd: Command): Promise<Store> {
  await checkStore(store)
  const { Store } = await import('../store/Store.js')
  return Store.open(store, { open: opener(cmd) })
}

/**
 * Fail early, with a message that says so, when STORE is a local path that is not a store (a URL
 * is checked by reading its manifest).
 */
export async function checkStore(store: string): Promise<void> {
  if (isUrl(store)) return
  let st
  try {
    st = await stat(store)
  } catch (err) {
    throw fileError(err, `store ${store}`)
  }
  if (!st.isDirectory()) throw new ArgumentError(`store ${store} is a file, not a store directory`)
  try {
    await checkInputFile(joinLocation(store, 'manifest.json'), 'store manifest')
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err
    throw new ArgumentError(`${store} is not a lightning-tiles store: it has no manifest.json`)
  }
}

/** A TileResolver over STORE with the command's --timeout. */
export async function openResolver(store: string, cmd: Command): Promise<TileResolver> {
  const s = await cliStore(store, cmd)
  const { TileResolver } = await import('../resolver/TileResolver.js')
  return new TileResolver(s)
}

// ---------------------------------------------------------------------------------------------
// output

/** `-o` as given; undefined for stdout (no -o, `-o -` or `-o /dev/stdout`, which may be a socket). */
export function outputPath(output: string | undefined): string | undefined {
  return output === '-' || output === '/dev/stdout' ? undefined : output
}

// ---------------------------------------------------------------------------------------------
// --samples / --samples-file

export interface SampleOptions {
  samples?: string
  samplesFile?: string
}

/** `-s/--samples LIST` and `-S/--samples-file FILE`, as bcftools. */
export function addSampleOptions(cmd: Command, what = 'samples'): Command {
  return cmd
    .option('-s, --samples <LIST>', `${what}: comma-separated names`)
    .option('-S, --samples-file <FILE>', `${what}: a file with one name per line`)
}

/**
 * The names `--samples` or `--samples-file` give (undefined for neither), in the order given.
 * A name given twice, an empty list or both options are errors.
 */
export async function sampleNames(o: SampleOptions): Promise<string[] | undefined> {
  if (o.samples !== undefined && o.samplesFile !== undefined)
    throw new ArgumentError('give --samples or --samples-file, not both')
  let names: string[]
  let from: string
  if (o.samples !== undefined) {
    names = o.samples.split(',').map((s) => s.trim())
    from = '--samples'
    if (names.some((n) => n === ''))
      throw new ArgumentError(`--samples '${o.samples}' has an empty name (A,B,C expected)`)
  } else if (o.samplesFile !== undefined) {
    await checkInputFile(o.samplesFile, '--samples-file')
    const { readFile } = await import('node:fs/promises')
    const text = await readFile(o.samplesFile, 'utf8')
    // as bcftools -S: one name per line; a second column (bcftools' new name) is ignored
    names = text
      .split(/\r?\n/)
      .map((l) => l.split('\t')[0]!.trim())
      .filter((n) => n !== '')
    from = `--samples-file ${o.samplesFile}`
    if (!names.length) throw new FormatError('no sample names in it', { file: o.samplesFile })
  } else {
    return undefined
  }
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n)) throw new ArgumentError(`sample ${n} is given twice in ${from}`)
    seen.add(n)
  }
  return names
}

// ---------------------------------------------------------------------------------------------
// -r/--regions and -R/--regions-file

export interface RegionOptions {
  regions?: string
  regionsFile?: string
  /** the earlier name of --regions */
  region?: string
}

/** `-r/--regions` and `-R/--regions-file`, as bcftools (plus the hidden older `--region`). */
export function addRegionOptions(cmd: Command, what: string): Command {
  return cmd
    .option(
      '-r, --regions <REGIONS>',
      `${what} CHR, CHR:POS, CHR:BEGIN- or CHR:BEGIN-END (1-based), comma-separated`,
    )
    .option(
      '-R, --regions-file <FILE>',
      `${what} the regions of a BED file (.bed, .bed.gz: 0-based) or of a tab-separated CHROM BEGIN END file (1-based)`,
    )
    .addOption(new Option('--region <REGIONS>').hideHelp())
}

/**
 * The regions asked for (undefined for none), on the store's contigs and clipped to their ends;
 * `merge` sorts them and merges overlaps (so no record is reported twice). A region typed on the
 * command line must lie on a contig of the store; a regions file may name other contigs, skipped as
 * bcftools does.
 */
export async function regionsOf(
  o: RegionOptions,
  manifest: StoreManifest,
  merge: boolean,
): Promise<Region[] | undefined> {
  const typed = o.regions ?? o.region
  if (typed !== undefined && o.regionsFile !== undefined)
    throw new ArgumentError('give --regions or --regions-file, not both')
  const lengths = new Map(manifest.contigs.map((c) => [c.name, c.length]))
  let regions: Region[]
  if (typed !== undefined) {
    const texts = typed.split(',')
    regions = parseRegionList(typed).map((r, i) => {
      const text = texts[i]!.trim()
      const length = lengths.get(r.chrom)
      if (length === undefined) {
        const names = manifest.contigs.map((c) => c.name)
        const list = names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '')
        throw new ArgumentError(`region ${text}: contig ${r.chrom} is not in the store (${list})`)
      }
      if (r.start >= length)
        throw new ArgumentError(
          `region ${text} starts past the end of contig ${r.chrom} (${length.toLocaleString('en-US')} bases)`,
        )
      return { ...r, end: Math.min(r.end, length) }
    })
  } else if (o.regionsFile !== undefined) {
    const file = o.regionsFile
    await checkInputFile(file, '--regions-file')
    const [{ readLines }, { LocalFile }] = await Promise.all([
      import('../container/stream.js'),
      import('generic-filehandle2'),
    ])
    const lines: { text: string; line: number }[] = []
    for await (const l of readLines({ name: file, handle: new LocalFile(file) })) lines.push(l)
    const all = parseRegionLines(lines, file, /\.bed(\.b?gz)?$/i.test(file))
    if (!all.length) throw new FormatError('no regions in it', { file })
    regions = []
    for (const r of all) {
      const length = lengths.get(r.chrom)
      if (length !== undefined && r.start < length)
        regions.push({ ...r, end: Math.min(r.end, length) })
    }
  } else {
    return undefined
  }
  return merge
    ? mergeRegions(
        regions,
        manifest.contigs.map((c) => c.name),
      )
    : regions
}
