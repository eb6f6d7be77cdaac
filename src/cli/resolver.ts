// lightning-tiles tile|locate|tiles|carriers: questions to a store (a directory or an http(s):// URL)
// answered by the TileResolver. Output: FASTA for tiles, BED (0-based half-open) for coordinates.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { ArgumentError, FormatError, NotFoundError } from '../core/errors.js'
import { isUrl, joinLocation } from '../core/filehandle.js'
import { formatStepId, formatTileId } from '../core/tileId.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import type { TileResolver } from '../resolver/TileResolver.js'
import { storeFiles } from '../store/layout.js'
import {
  addRegionOptions,
  addSampleOptions,
  openResolver,
  regionsOf,
  sampleNames,
  write,
} from './io.js'
import type { RegionOptions, SampleOptions } from './io.js'

interface AssemblyOption {
  assembly?: string
}

/** The assembly --assembly names (undefined: the store's), checked to be in a local store. */
async function assemblyOf(
  store: string,
  r: TileResolver,
  opts: AssemblyOption,
): Promise<string | undefined> {
  const name = opts.assembly
  if (name === undefined || isUrl(store)) return name
  const build = (await r.manifest()).build
  if (name !== build && !existsSync(joinLocation(store, storeFiles.assembly(name))))
    throw new NotFoundError(`store ${store} has no assembly '${name}' (its own is '${build}')`)
  return name
}

export function registerResolver(program: Command): void {
  program
    .command('tile <store> <tileid>')
    .description('print a tile variant as FASTA (>PPPP.VV.SSSS.VVV+SPAN, bases with tags)')
    .action(async (store: string, tileId: string, _o: unknown, cmd: Command) => {
      const t = await (await openResolver(store, cmd)).sequence(tileId)
      await write(`>${t.id}\n${t.sequence}\n`)
    })
  program
    .command('locate <store> <tileid>')
    .description('print the reference interval of a tile as BED: CHROM START END TILEID')
    .option('--assembly <BUILD>', "assembly build (default: the store's)")
    .action(async (store: string, tileId: string, opts: AssemblyOption, cmd: Command) => {
      const r = await openResolver(store, cmd)
      // the variant must exist; a +SPAN is taken as given (on another assembly a position's span
      // may differ from the library's)
      await r.sequence(tileId.replace(/\+.*$/, ''))
      const loc = await r.locate(tileId, await assemblyOf(store, r, opts))
      const id = tileId.trim().toLowerCase().replace(/\+.*$/, '')
      await write(`${loc.chrom}\t${loc.start}\t${loc.end}\t${id}+${loc.span.toString(16)}\n`)
    })
  addRegionOptions(
    program
      .command('tiles <store> [regions]')
      .description(
        'print the reference tiles overlapping regions (CHR:B-E, 1-based, comma-separated) as BED: CHROM START END PPPP.VV.SSSS.VVV+SPAN',
      ),
    'tiles over',
  )
    .option('--assembly <BUILD>', "assembly build (default: the store's)")
    .action(
      async (
        store: string,
        regionText: string | undefined,
        opts: AssemblyOption & RegionOptions,
        cmd: Command,
      ) => {
        if (regionText !== undefined && (opts.regions ?? opts.region) !== undefined)
          throw new ArgumentError('give the regions once: as an argument or with --regions')
        const r = await openResolver(store, cmd)
        const regions = await regionsOf(
          { ...opts, ...(regionText !== undefined ? { regions: regionText } : {}) },
          await r.manifest(),
          true,
        )
        if (!regions) throw new ArgumentError('give regions: CHR:B-E[,...] or --regions-file FILE')
        const assembly = await assemblyOf(store, r, opts)
        const printed = new Set<string>()
        for (const region of regions) {
          const tiles = await r.tilesAt(region.chrom, region.start, region.end, { assembly })
          const lines: string[] = []
          for (const t of tiles) {
            // a tile over two regions is printed once
            const key = `${t.path}.${t.step}`
            if (printed.has(key)) continue
            printed.add(key)
            // the reference's own tile variant at this position, so the ID works with tile/locate
            const refVariants = await r.store.referenceVariants(t.path)
            const variant = refVariants?.[t.step]
            if (variant === undefined || variant === NO_REF_VARIANT)
              throw new FormatError(`no reference tile at ${formatStepId(t.path, t.step)}`, {
                file: r.store.file(storeFiles.libraryCounts(t.path)).name,
              })
            const id = formatTileId({
              path: t.path,
              version: 0,
              step: t.step,
              variant,
              span: t.span,
            })
            lines.push(`${region.chrom}\t${t.start}\t${t.end}\t${id}\n`)
          }
          await write(lines.join(''))
        }
      },
    )
  addSampleOptions(
    program
      .command('carriers <store> <tileid>')
      .description(
        'samples carrying a tile variant: SAMPLE and its alleles (1 = carries, phase as in the CGF)',
      ),
    'only these samples',
  ).action(async (store: string, tileId: string, opts: SampleOptions, cmd: Command) => {
    const r = await openResolver(store, cmd)
    const samples = await sampleNames(opts)
    await r.sequence(tileId) // the tile must exist, with the span given (carriers reads neither)
    const carriers = await r.carriers(tileId, { samples })
    await write(carriers.map((c) => `${c.sample}\t${c.alleles[0]}|${c.alleles[1]}\n`).join(''))
    const total = samples?.length ?? (await r.samples()).length
    const haplotypes = carriers.reduce((a, c) => a + c.alleles[0] + c.alleles[1], 0)
    process.stderr.write(
      `${carriers.length} of ${total} samples carry ${tileId} (${haplotypes} of ${2 * total} haplotypes)\n`,
    )
  })
}
