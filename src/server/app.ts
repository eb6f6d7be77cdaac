// The HTTP server of `lightning-tiles serve` (Fastify): the view query with BGT's parameter
// names, tiles, LD and frequencies of a region, an OpenAPI description, the page. Every query
// string is validated by its JSON schema; every request gets an abort signal that fires at the
// timeout (504) or when the client goes; at most `maxConcurrent` requests run (503 beyond); one
// JSON line per request goes to the access log.
import compress from '@fastify/compress'
import cors from '@fastify/cors'
import fastifyStatic from '@fastify/static'
import { Readable } from 'node:stream'
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AbortError, ArgumentError, FormatError, NotFoundError } from '../core/errors.js'
import { Lru } from '../core/lru.js'
import { parseRegion } from '../core/region.js'
import { abortable, memo } from '../core/shared.js'
import type { GeneModel } from '../genes/model.js'
import { ldHeatmapSvg } from '../plot/ldHeatmap.js'
import { ExpressionError } from '../query/expr/error.js'
import {
  checkRegionWidth,
  regionFrequencies,
  regionGenes,
  regionLd,
  regionTiles,
  tileDetail,
} from './explore.js'
import type { NamedGroup } from './explore.js'
import { openApi, routes } from './openapi.js'
import { PrivacyError } from './privacy.js'
import type { ServedStore } from './stores.js'
import { admitGroups, runView } from './view.js'
import type { ViewAnswer as Answer, ViewParams } from './view.js'
import { webRoot } from './nodeFiles.js'
import { registerImpute } from './nodeImpute.js'

export interface ServerOptions {
  stores: ServedStore[]
  /** genotypes read per query before it stops, marked truncated (BGT: 10 M) */
  maxGenotypes?: number
  /** per-request timeout in ms (default 30 s) */
  timeoutMs?: number
  /** requests answered at once; more get 503 (default 16) */
  maxConcurrent?: number
  /** widest region of /ld, /freq and /tiles (default 2 Mb; LD is quadratic in its sites) */
  maxRegion?: number
  /** genes for the page and /genes */
  annotations?: GeneModel | undefined
  /** one JSON line per request; default stderr, false for none */
  log?: { write(line: string): unknown } | false
  /** bytes of answers kept for repeated URLs (default 64 MiB; 0: none) */
  cacheBytes?: number
  /** the page's files (default: dist/web of the package, when built) */
  webRoot?: string | undefined
  /** imputation jobs run at once (POST /impute; default 1; 0: no imputation) */
  maxImputeJobs?: number
  /** a finished imputation job is kept this long (default 1 h) */
  imputeTtlMs?: number
  /** largest target VCF accepted by POST /impute (default 256 MiB) */
  maxUploadBytes?: number
}

/** The HTTP status of an error, and what the client is told. */
function statusOf(err: unknown): { status: number; body: Record<string, unknown> } {
  const e = err as FastifyError & { column?: number }
  if (e instanceof PrivacyError) return { status: 403, body: { error: e.message } }
  if (e instanceof ExpressionError)
    return { status: 400, body: { error: e.message, column: e.column } }
  if (e instanceof ArgumentError) return { status: 400, body: { error: e.message } }
  if (e instanceof NotFoundError) return { status: 404, body: { error: e.message } }
  if (e instanceof AbortError || e.name === 'AbortError')
    return { status: 504, body: { error: 'the query ran past the server timeout' } }
  if (e.validation) return { status: 400, body: { error: e.message } }
  if (typeof e.statusCode === 'number' && e.statusCode < 500)
    return { status: e.statusCode, body: { error: e.message } }
  if (e instanceof FormatError) return { status: 500, body: { error: e.message } }
  return { status: 500, body: { error: e.message || 'internal error' } }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** aborts at the timeout or when the client goes */
    abort: AbortController
    /** counted against the concurrency limit */
    admitted: boolean
  }
}

/** Bytes (or UTF-16 units) of an answer's body. */
const sizeOf = (body: string | readonly Uint8Array[]) =>
  typeof body === 'string' ? body.length : body.reduce((n, c) => n + c.length, 0)

export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const byName = new Map(opts.stores.map((s) => [s.name, s]))
  const maxGenotypes = opts.maxGenotypes ?? 10_000_000
  const timeoutMs = opts.timeoutMs ?? 30_000
  const maxConcurrent = opts.maxConcurrent ?? 16
  const maxRegion = opts.maxRegion ?? 2_000_000
  const log = opts.log === undefined ? process.stderr : opts.log
  const app = Fastify({
    logger: false,
    // BGT's parameters repeat (s=A&s=B): arrays are coerced from single values
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  })
  await app.register(cors)
  await app.register(compress, { global: true, threshold: 1024 })

  let running = 0
  app.decorateRequest('abort', null as unknown as AbortController)
  app.decorateRequest('admitted', false)
  app.addHook('onRequest', async (req, reply) => {
    req.abort = new AbortController()
    if (running >= maxConcurrent) {
      void reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: `the server is answering ${running} requests, its limit; retry shortly` })
      return reply
    }
    running++
    req.admitted = true
    const timer = setTimeout(() => req.abort.abort(new AbortError()), timeoutMs)
    req.raw.once('close', () => {
      clearTimeout(timer)
      if (!reply.raw.writableFinished) req.abort.abort(new AbortError())
    })
    return undefined
  })
  app.addHook('onResponse', async (req, reply) => {
    if (req.admitted) running--
    if (log)
      log.write(
        JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          url: req.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ip: req.ip,
        }) + '\n',
      )
  })
  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = statusOf(err)
    void reply.code(status).send(body)
  })

  const storeOf = (name: string | undefined): ServedStore => {
    const s = name === undefined ? opts.stores[0] : byName.get(name)
    if (!s)
      throw new NotFoundError(
        `no store '${name}' here (stores: ${opts.stores.map((x) => x.name).join(', ')})`,
      )
    return s
  }
  const regionOf = async (served: ServedStore, r: string, what: string) => {
    const m = await served.store.manifest()
    const region = parseRegion(r)
    const contig = m.contigs.find((c) => c.name === region.chrom)
    if (!contig) throw new ArgumentError(`${what}: contig ${region.chrom} is not in the store`)
    const clipped = { ...region, end: Math.min(region.end, contig.length) }
    checkRegionWidth(clipped, maxRegion, what)
    return clipped
  }
  /** groups by the values of an allowed metadata key, through the guard */
  const groupsBy = (served: ServedStore, key: string | undefined): NamedGroup[] => {
    if (key === undefined) {
      admitGroups(served, [])
      return [{ name: 'ALL', rows: Int32Array.from(served.table.names, (_, i) => i) }]
    }
    if (!served.guard.groupKeys.includes(key))
      throw new ArgumentError(
        `by=${key}: groups may be formed by ${served.guard.groupKeys.join(', ') || 'no key'} here`,
      )
    const values = [
      ...new Set(served.table.names.map((_, r) => served.table.value(r, key))),
    ].filter((v) => v !== undefined)
    values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const specs = values.map((v) => `${key}==${JSON.stringify(v)}`)
    const groups = admitGroups(served, specs)
    return groups.map((g, i) => ({ name: String(values[i]), rows: g.rows }))
  }

  // bytes as a stream of Buffers (Fastify would serialise any other object as JSON), its length
  // known, so that the response is not chunked
  const send = (reply: FastifyReply, type: string, body: string | readonly Uint8Array[]) => {
    void reply.header('content-type', type)
    if (typeof body === 'string') return reply.send(body)
    const buffers = body.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length))
    if (buffers.length <= 1) return reply.send(buffers[0] ?? Buffer.alloc(0))
    return reply.header('content-length', sizeOf(body)).send(Readable.from(buffers))
  }
  const json = (value: unknown): Answer => ({
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(value),
  })
  // Answers by URL: a store does not change while served, so the same URL gets the same answer
  // (an answered query's groups were admitted already, so its answer tells nothing new). Requests
  // for a URL being computed wait for that one computation, which runs with the first request's
  // signal: a timeout stops the work (rather than leave it running for nobody), and the
  // rejected load is dropped from the cache.
  const answers = new Lru<string, Promise<Answer>>(Math.max(1, opts.cacheBytes ?? 64 << 20))
  const answer = async (
    req: FastifyRequest,
    reply: FastifyReply,
    handler: (req: FastifyRequest, signal: AbortSignal) => Promise<Answer>,
  ) => {
    const signal = req.abort.signal
    const work = () => handler(req, signal)
    const a =
      opts.cacheBytes === 0
        ? await abortable(work(), signal)
        : await memo(answers, req.url, work, { signal, weigh: (x) => sizeOf(x.body) })
    return send(reply, a.type, a.body)
  }

  /** The answers of the routes: each a body with its media type, computed once per URL. */
  const handlers: Record<string, (req: FastifyRequest, signal: AbortSignal) => Promise<Answer>> = {
    '/query': async (req, signal) => {
      const q = req.query as ViewParams & { store?: string }
      return runView(storeOf(q.store), q, { maxGenotypes, signal })
    },
    '/stores': async () =>
      json({
        stores: opts.stores.map((s) => ({
          name: s.name,
          samples: s.table.size,
          hiddenSamples: s.guard.privateCount,
          groupKeys: s.guard.groupKeys,
        })),
        maxGenotypes,
        annotations: opts.annotations !== undefined,
      }),
    '/contigs': async (req, signal) => {
      const q = req.query as { store?: string }
      const m = await storeOf(q.store).store.manifest({ signal })
      return json({ build: m.build, contigs: m.contigs })
    },
    '/tile/:id': async (req, signal) => {
      const q = req.query as { store?: string; by?: string }
      const served = storeOf(q.store)
      const { id } = req.params as { id: string }
      return json(await tileDetail(served.resolver, id, groupsBy(served, q.by), { signal }))
    },
    '/locate/:id': async (req, signal) => {
      const q = req.query as { store?: string; assembly?: string }
      const { id } = req.params as { id: string }
      const r = storeOf(q.store).resolver
      await r.sequence(id.replace(/\+.*$/, ''), { signal })
      return json(await r.locate(id, q.assembly, { signal }))
    },
    '/tiles': async (req, signal) => {
      const q = req.query as { store?: string; r: string }
      const served = storeOf(q.store)
      const region = await regionOf(served, q.r, `r=${q.r}`)
      return json({ region, tiles: await regionTiles(served.resolver, region, { signal }) })
    },
    '/freq': async (req, signal) => {
      const q = req.query as { store?: string; r: string; by?: string }
      const served = storeOf(q.store)
      const region = await regionOf(served, q.r, `r=${q.r}`)
      const groups = groupsBy(served, q.by)
      return json(await regionFrequencies(served.store, region, groups, { maxGenotypes, signal }))
    },
    '/ld': async (req, signal) => {
      const q = req.query as {
        store?: string
        r: string
        group?: string
        format?: 'json' | 'svg'
        minR2?: number
      }
      const served = storeOf(q.store)
      const region = await regionOf(served, q.r, `r=${q.r}`)
      let samples: string[] | undefined
      if (q.group !== undefined) {
        const [g] = admitGroups(served, [q.group])
        samples = Array.from(g!.rows, (r) => served.table.names[r]!)
      } else admitGroups(served, [])
      const ld = await regionLd(served.store, region, samples, {
        maxGenotypes,
        minR2: q.minR2 ?? 0,
        signal,
      })
      if (q.format !== 'svg') return json(ld)
      if (ld.positions.length < 2)
        throw new ArgumentError(
          `r=${q.r}: an LD heatmap needs at least 2 sites, the region has ${ld.positions.length}`,
        )
      const genes = opts.annotations ? regionGenes(opts.annotations, region) : []
      const svg = ldHeatmapSvg({
        positions: ld.positions,
        pairs: { length: ld.pairs.a.length, ...ld.pairs },
        genes,
        chrom: region.chrom,
        start: region.start,
        end: region.end,
        title: `LD (r²) ${region.chrom}:${region.start + 1}-${region.end}${q.group ? `, ${q.group}` : ''}`,
      })
      return { type: 'image/svg+xml', body: svg }
    },
    '/genes': async (req) => {
      const q = req.query as { r: string; store?: string }
      const served = storeOf(q.store)
      const region = await regionOf(served, q.r, `r=${q.r}`)
      if (!opts.annotations) throw new NotFoundError('the server was started without --annotations')
      return json({ region, genes: regionGenes(opts.annotations, region) })
    },
  }
  for (const route of routes) {
    const handler = handlers[route.path]
    if (!handler) throw new Error(`no handler for ${route.path}`)
    app.get(
      route.path,
      {
        schema: {
          querystring: route.query,
          ...(route.params ? { params: route.params } : {}),
        },
      },
      (req, reply) => answer(req, reply, handler),
    )
  }
  registerImpute(app, opts, storeOf)
  app.get('/openapi.json', async () => openApi())
  // the page asks which backend it has: this server (the static build writes `static`)
  app.get('/config.json', async () => ({ mode: 'server' }))

  // `/` answers BGT's query when given parameters, else the page
  const web = opts.webRoot ?? webRoot()
  if (web) await app.register(fastifyStatic, { root: web, index: false, wildcard: false })
  app.get('/', { schema: { querystring: routes[0]!.query } }, async (req, reply) => {
    if (Object.keys(req.query as object).length > 0) return answer(req, reply, handlers['/query']!)
    if (web) return reply.sendFile('index.html')
    return send(
      reply,
      'text/plain; charset=utf-8',
      'lightning-tiles serve: the page is not built (npm run build); the API is described at /openapi.json\n',
    )
  })
  return app
}
