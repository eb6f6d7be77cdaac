// lightning-tiles assembly range|tilepath|lookup: upstream tile-assembly's queries over the
// fixed-width assembly (spec §6), and tile ↔ reference coordinates.
import { existsSync } from 'node:fs'
import { ArgumentError } from '../../../core/errors.js'
import { formatPath, formatStepId } from '../../../core/tileId.js'
import { AssemblyReader } from '../../../formats/assembly/reader.js'
import { seekableFile } from '../io.js'

/** The assembly with its `.gzi` and `.fwi` when they are beside it (`X.gz.fwi` or `X.fwi`). */
export function openAssembly(file: string): AssemblyReader {
  const gz = seekableFile(file, 'the assembly')
  const beside = (name: string) => (existsSync(name) ? seekableFile(name, name) : undefined)
  const fwi = beside(`${file}.fwi`) ?? beside(`${file.replace(/\.gz$/, '')}.fwi`)
  const gzi = file.endsWith('.gz') ? beside(`${file}.gzi`) : undefined
  return new AssemblyReader({ gz, gzi: fwi ? gzi : undefined, fwi })
}

/**
 * tile-assembly range: `#nstep beg end chrom_name ref_name`, the path's last reported step (in
 * decimal, as the tool prints it), its 0-based start and end.
 */
export async function range(file: string, path: number): Promise<string> {
  const a = openAssembly(file)
  const tiles = await a.pathTiles(path)
  const info = (await a.paths()).find((p) => p.path === path)!
  const { steps } = await a.pathSteps(path)
  const last = steps[steps.length - 1]!
  const start = tiles[0]!.start
  const end = tiles[tiles.length - 1]!.end
  return `#nstep\tbeg\tend\tchrom_name\tref_name\n${last}\t${start}\t${end}\t${info.chrom}\t${info.build}\n`
}

/** tile-assembly tilepath: the path's lines as stored (`--header` adds its `>` line). */
export async function tilepath(file: string, path: number, header: boolean): Promise<string> {
  const a = openAssembly(file)
  const info = (await a.paths()).find((p) => p.path === path)
  if (!info) throw new ArgumentError(`${file} has no path ${formatPath(path)}`)
  const { steps, ends } = await a.pathSteps(path)
  const lines = header ? [`>${info.name}`] : []
  for (let i = 0; i < steps.length; i++)
    lines.push(`${steps[i]!.toString(16).padStart(4, '0')}\t${String(ends[i]).padStart(10)}`)
  return `${lines.join('\n')}\n`
}

const TILE_RE =
  /^([0-9a-f]{4})\.(?:([0-9a-f]{2})\.)?([0-9a-f]{4})(?:\.[0-9a-f]{3,})?(?:\+([0-9a-f]+))?$/i
const POS_RE = /^(.+):(\d+)(?:-(\d+))?$/

/**
 * A tile (`PPPP.SSSS`, `PPPP.VV.SSSS[.VVV][+SPAN]`) → its reference interval, or a position or
 * range (`chrom:pos[-end]`, 1-based inclusive like samtools) → the reference tiles over it.
 * One line per tile: `tileID+span  chrom  start  end` (0-based, half-open).
 */
export async function lookup(file: string, what: string): Promise<string> {
  const a = openAssembly(file)
  const line = (
    t: { path: number; step: number; span: number },
    chrom: string,
    s: number,
    e: number,
  ) => `${formatStepId(t.path, t.step)}+${t.span.toString(16)}\t${chrom}\t${s}\t${e}\n`
  const tile = TILE_RE.exec(what)
  if (tile) {
    const path = parseInt(tile[1]!, 16)
    const step = parseInt(tile[3]!, 16)
    const span = tile[4] ? parseInt(tile[4], 16) : 1
    const iv = await a.tileInterval(path, step, span)
    return line({ path, step, span }, iv.chrom, iv.start, iv.end)
  }
  const pos = POS_RE.exec(what)
  if (!pos)
    throw new ArgumentError(
      `'${what}' is neither a tile (PPPP.SSSS or PPPP.VV.SSSS[+SPAN]) nor a position chrom:pos[-end]`,
    )
  const start = Number(pos[2]) - 1
  const end = pos[3] ? Number(pos[3]) : start + 1
  if (start < 0 || end <= start) throw new ArgumentError(`'${what}': expected 1 ≤ pos ≤ end`)
  const tiles = await a.tilesOverlapping(pos[1]!, start, end)
  if (tiles.length === 0) throw new ArgumentError(`no tile of ${file} overlaps ${what}`)
  return tiles.map((t) => line(t, pos[1]!, t.start, t.end)).join('')
}
