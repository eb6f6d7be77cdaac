// lightning-tiles serve: the stores over HTTP (BGT's query language, tiles, LD, frequencies, a
// page), with privacy by minimal group size; or, with --static-out, the page and a store as
// static files that a plain web server can host.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'

interface ServeCliOptions {
  port: string
  host: string
  mgs: string
  maxGenotypes: string
  annotations?: string
  groupKeys?: string
  maxConcurrent: string
  queryTimeout: string
  cacheMb: string
  orderCacheMb: string
  runCacheMb: string
  staticOut?: string
  privatePanel: string[]
  maxImputeJobs: string
}

function whole(text: string, option: string, min: number): number {
  const v = Number(text)
  if (!Number.isInteger(v) || v < min)
    throw new ArgumentError(`${option} ${text}: expected a whole number ≥ ${min}`)
  return v
}

export function registerServe(program: Command): void {
  program
    .command('serve <stores...>')
    .description(
      "serve stores over HTTP: BGT's view query (a s f t r g n), /tile /locate /tiles /ld /freq, /openapi.json and a page at /; groups are checked against each sample's minimal group size (_mgs)",
    )
    .option('--port <N>', 'port (0: any free one)', '8000')
    .option('--host <HOST>', 'address to listen on', '127.0.0.1')
    .option('--mgs <N>', 'minimal group size of samples without _mgs in their metadata', '1')
    .option(
      '--max-genotypes <N>',
      'genotypes read per query before it stops (output marked truncated)',
      '10000000',
    )
    .option('--annotations <GFF>', 'genes (GFF3/GTF) for the page, /genes and the LD heatmap')
    .option(
      '--group-keys <KEYS>',
      'comma-separated metadata keys groups may be formed by (default: every key but _mgs; add _ROW_ to allow sample names in expressions)',
    )
    .option('--max-concurrent <N>', 'requests answered at once (more get 503)', '16')
    .option('--query-timeout <SECONDS>', 'a request running longer gets 504', '30')
    .option('--cache-mb <N>', 'MiB of answers kept for repeated URLs (0: none)', '64')
    .option(
      '--order-cache-mb <N>',
      'MiB of PBWT orders each store keeps from its walks, so queries near earlier ones start there (0: none)',
      '64',
    )
    .option(
      '--run-cache-mb <N>',
      "MiB of cohort-matrix chunks each store keeps with their runs decoded, for a few samples' walks through regions walked before (0: none)",
      '64',
    )
    .option(
      '--private-panel <STORE>',
      'a STORE (also given as an argument) usable as an imputation panel whose genotypes are never shown (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--max-impute-jobs <N>', 'imputation jobs (POST /impute) run at once (0: none)', '1')
    .option(
      '--static-out <DIR>',
      'instead of serving: write the page and the (first) store as static files to DIR (the page then reads the store with HTTP range requests; no privacy rule applies to files anyone can download)',
    )
    .action(async (stores: string[], o: ServeCliOptions) => {
      const port = whole(o.port, '--port', 0)
      const orderCacheBytes = whole(o.orderCacheMb, '--order-cache-mb', 0) * 2 ** 20
      const runCacheBytes = whole(o.runCacheMb, '--run-cache-mb', 0) * 2 ** 20
      const timeout = Number(o.queryTimeout)
      if (!(timeout > 0))
        throw new ArgumentError(`--query-timeout ${o.queryTimeout}: expected seconds above 0`)
      const { checkStore } = await import('./io.js')
      for (const s of stores) await checkStore(s)
      for (const p of o.privatePanel)
        if (!stores.includes(p))
          throw new ArgumentError(`--private-panel ${p}: give it as one of the STOREs too`)
      if (o.staticOut !== undefined) {
        // a static site is the store's files: a private panel must never be one
        if (o.privatePanel.includes(stores[0]!))
          throw new ArgumentError(
            `--static-out: ${stores[0]} is a --private-panel, its files are never published`,
          )
        const { writeStaticSite } = await import('../server/nodeFiles.js')
        await writeStaticSite(stores[0]!, o.staticOut)
        process.stderr.write(`wrote the page and the store to ${o.staticOut}\n`)
        return
      }
      const [{ openStores }, { createServer }] = await Promise.all([
        import('../server/stores.js'),
        import('../server/app.js'),
      ])
      const served = await openStores(
        stores,
        {
          defaultMgs: whole(o.mgs, '--mgs', 1),
          groupKeys: o.groupKeys?.split(',').map((k) => k.trim()),
        },
        o.privatePanel,
        { orderCacheBytes, runCacheBytes },
      )
      let annotations
      if (o.annotations !== undefined) {
        const [{ readGeneModel }, { openFile, checkInputFile }] = await Promise.all([
          import('../genes/read.js'),
          import('../core/nodeFile.js'),
        ])
        await checkInputFile(o.annotations, '--annotations')
        annotations = await readGeneModel({ name: o.annotations, handle: openFile(o.annotations) })
      }
      const app = await createServer({
        stores: served,
        maxGenotypes: whole(o.maxGenotypes, '--max-genotypes', 1),
        maxConcurrent: whole(o.maxConcurrent, '--max-concurrent', 1),
        timeoutMs: timeout * 1000,
        cacheBytes: whole(o.cacheMb, '--cache-mb', 0) * 2 ** 20,
        annotations,
        maxImputeJobs: whole(o.maxImputeJobs, '--max-impute-jobs', 0),
      })
      const address = await app.listen({ port, host: o.host })
      process.stderr.write(
        JSON.stringify({
          time: new Date().toISOString(),
          listening: address,
          stores: served.map((s) => ({
            name: s.name,
            location: s.location,
            samples: s.table.size,
          })),
        }) + '\n',
      )
      // a clean exit: stop accepting, let answers in flight finish, then end
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.stderr.write(
            JSON.stringify({ time: new Date().toISOString(), stopping: signal }) + '\n',
          )
          void app.close().then(resolve, resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })
}
