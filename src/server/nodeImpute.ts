// Imputation jobs of `lightning-tiles serve` (POST /impute): the uploaded target VCF is imputed
// against a store's samples by imputeFromStore in a temporary job folder, at most `maxJobs` at
// once (the others wait in turn); clients poll the job's phase and progress and download its
// report and imputed VCF — the target's own samples, never the panel's genotypes. Jobs and their
// folders are removed `ttlMs` after they end, and all of them when the server closes.
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { AbortError, ArgumentError, NotFoundError } from '../core/errors.js'
import type { Progress } from '../core/progress.js'
import { imputeFromStore } from '../impute/impute.js'
import { checkToolInstalled } from '../impute/tool.js'
import type { ServerOptions } from './app.js'
import type { ServedStore } from './stores.js'

export interface ImputeRequest {
  served: ServedStore
  /** the panel's sample names (store order) */
  samples: string[]
  /** the target VCF as uploaded, plain or gzipped */
  body: Buffer
  chunk?: number | undefined
}

export interface JobStatus {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  store: string
  panelSamples: number
  progress?: Progress
  /** the QC counts per reason (done) */
  qc?: { sites: number; kept: number; drops: Record<string, number> }
  sites?: number
  /** why it failed, one line */
  error?: string
}

interface Job {
  status: JobStatus
  dir: string
  target: string
  request: ImputeRequest
  abort: AbortController
  timer?: NodeJS.Timeout
}

/** The files a finished job offers, by the name in its URL. */
export const JOB_FILES: Record<string, string> = {
  'report.html': 'text/html; charset=utf-8',
  'imputed.vcf.gz': 'application/gzip',
  'imputed.vcf.gz.csi': 'application/octet-stream',
}

export class ImputeJobs {
  private readonly jobs = new Map<string, Job>()
  private running = 0

  constructor(
    private readonly maxJobs: number,
    private readonly ttlMs: number,
  ) {}

  /** Why imputation cannot run here (beagle missing), or undefined. */
  unavailable(): string | undefined {
    try {
      checkToolInstalled('beagle')
      checkToolInstalled('java')
      return undefined
    } catch (err) {
      return (err as Error).message
    }
  }

  async start(request: ImputeRequest): Promise<JobStatus> {
    const id = randomUUID()
    const dir = await mkdtemp(join(tmpdir(), 'lightning-impute-'))
    // Beagle and the QC read gzipped VCF by its name
    const gz = request.body[0] === 0x1f && request.body[1] === 0x8b
    const target = join(dir, gz ? 'target.vcf.gz' : 'target.vcf')
    await writeFile(target, request.body)
    const job: Job = {
      status: {
        id,
        state: 'queued',
        store: request.served.name,
        panelSamples: request.samples.length,
      },
      dir,
      target,
      request: { ...request, body: Buffer.alloc(0) },
      abort: new AbortController(),
    }
    this.jobs.set(id, job)
    this.next()
    return job.status
  }

  status(id: string): JobStatus {
    return this.job(id).status
  }

  /** The path of a finished job's file. */
  file(id: string, name: string): string {
    const job = this.job(id)
    if (job.status.state !== 'done' || !(name in JOB_FILES))
      throw new NotFoundError(`job ${id} has no ${name} (${job.status.state})`)
    return join(job.dir, 'out', name)
  }

  /** Stop every job and remove every job folder. */
  async close(): Promise<void> {
    const all = [...this.jobs.values()]
    this.jobs.clear()
    for (const job of all) {
      job.abort.abort(new AbortError())
      clearTimeout(job.timer)
    }
    await Promise.all(all.map((j) => rm(j.dir, { recursive: true, force: true })))
  }

  private job(id: string): Job {
    const job = this.jobs.get(id)
    if (!job) throw new NotFoundError(`no imputation job ${id} (finished jobs are kept a while)`)
    return job
  }

  /** Start the oldest queued jobs while fewer than maxJobs run. */
  private next(): void {
    for (const job of this.jobs.values()) {
      if (this.running >= this.maxJobs) return
      if (job.status.state === 'queued') void this.run(job)
    }
  }

  private async run(job: Job): Promise<void> {
    this.running++
    job.status.state = 'running'
    const { served, samples, chunk } = job.request
    try {
      const result = await imputeFromStore({
        store: served.store,
        target: job.target,
        out: join(job.dir, 'out'),
        samples,
        chunk,
        signal: job.abort.signal,
        onProgress: (p) => (job.status.progress = p),
      })
      const { qc } = result
      job.status.qc = {
        sites: qc.sites,
        kept: qc.lines.filter((l) => !l.startsWith('#')).length,
        drops: { ...qc.drops },
      }
      job.status.sites = result.dr2.length
      job.status.state = 'done'
    } catch (err) {
      job.status.state = 'failed'
      // one line, without the job folder's path
      job.status.error = String((err as Error).message ?? err)
        .split('\n')[0]!
        .replaceAll(job.dir + '/', '')
    } finally {
      this.running--
      if (this.jobs.get(job.status.id) === job) {
        job.timer = setTimeout(() => {
          this.jobs.delete(job.status.id)
          void rm(job.dir, { recursive: true, force: true })
        }, this.ttlMs)
        job.timer.unref()
      }
      this.next()
    }
  }
}

/**
 * POST /impute (the target VCF as the raw body; store=, s= the panel, chunk=), GET /impute/:id
 * (state, progress, QC counts, the error) and GET /impute/:id/FILE (report.html, imputed.vcf.gz,
 * imputed.vcf.gz.csi). The panel is used only inside the server: no route returns its genotypes.
 */
export function registerImpute(
  app: FastifyInstance,
  opts: ServerOptions,
  storeOf: (name: string | undefined) => ServedStore,
): void {
  const jobs = new ImputeJobs(opts.maxImputeJobs ?? 1, opts.imputeTtlMs ?? 3_600_000)
  app.addHook('onClose', () => jobs.close())
  // the body stays bytes: a VCF, plain or gzipped, is written as it came
  app.addContentTypeParser(
    ['application/octet-stream', 'application/gzip', 'application/x-gzip', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: opts.maxUploadBytes ?? 256 << 20 },
    (_req, body, done) => done(null, body),
  )
  app.post(
    '/impute',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            store: { type: 'string' },
            s: { type: 'string' },
            chunk: { type: 'integer', minimum: 10_000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const q = req.query as { store?: string; s?: string; chunk?: number }
      const served = storeOf(q.store)
      if (opts.maxImputeJobs === 0) throw new NotFoundError('this server runs no imputation')
      const why = jobs.unavailable()
      if (why) return reply.code(503).send({ error: why })
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw new ArgumentError(
          'POST /impute: send the target VCF (plain or gzipped) as the body, content-type application/octet-stream',
        )
      // any expression over the allowed keys, as large as its members' minimal group size
      const all = Int32Array.from(served.table.names, (_, i) => i)
      const group =
        q.s === undefined
          ? { spec: 'every sample', rows: all }
          : served.guard.resolve(q.s, `s=${q.s}`)
      served.guard.checkSize(group, `s=${q.s ?? ''}`)
      const status = await jobs.start({
        served,
        samples: Array.from(group.rows, (r) => served.table.names[r]!),
        body: req.body,
        chunk: q.chunk,
      })
      return reply.code(202).send(status)
    },
  )
  app.get('/impute/:id', async (req) => jobs.status((req.params as { id: string }).id))
  app.get('/impute/:id/:file', async (req, reply) => {
    const { id, file } = req.params as { id: string; file: string }
    const path = jobs.file(id, file)
    if (!file.endsWith('.html'))
      void reply.header('content-disposition', `attachment; filename="${file}"`)
    return reply.header('content-type', JOB_FILES[file]!).send(createReadStream(path))
  })
}
