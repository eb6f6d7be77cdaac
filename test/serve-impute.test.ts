// Imputation in `lightning-tiles serve` (POST /impute, GET /impute/:id[/FILE]) over loopback: the
// served cohort (serveFixture: GBR and CEU public, FIN MGS 10, IBS MGS 30) is the panel, an
// array-like target of FIN samples (scripts/array-targets.ts, as test/impute.test.ts) is
// uploaded, and the downloaded VCF is compared with `lightning-tiles impute` on the same inputs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeArrayTargets } from '../scripts/array-targets.js'
import { buildWeb } from '../scripts/build-web.js'
import type { ArrayTargets } from '../scripts/array-targets.js'
import { createServer } from '../src/server/app.js'
import { openStores } from '../src/server/stores.js'
import { runCli } from './cli.js'
import { qs, servedCohort } from './serveFixture.js'
import { hasChromium, withChromiumPage } from './chromium.js'
import { hasTool } from './shared.js'
import { TESTDATA_VCF } from './testdataStore.js'

const REGION = '20:1000000-2000000'
const PANEL = 'pop=="GBR"'
const beagle = hasTool('beagle')
if (!beagle) console.warn('beagle is not installed: the serve imputation tests are skipped')

const query = (file: string) =>
  execFileSync(
    'bcftools',
    ['query', '-f', '%CHROM\t%POS\t%REF\t%ALT\t%INFO/DR2[\t%GT\t%DS]\n', file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  )

describe.skipIf(!beagle)('serve: imputation jobs', () => {
  const { built, samples, serve } = servedCohort('serve-impute-')
  const tmp = mkdtempSync(join(tmpdir(), 'serve-impute-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))
  const target = join(tmp, 'target.vcf')
  let server: Awaited<ReturnType<typeof serve>>
  let targets: ArrayTargets
  /** `lightning-tiles impute` of the target against PANEL, by bcftools query */
  let want = ''

  beforeAll(async () => {
    targets = makeArrayTargets({
      vcf: TESTDATA_VCF,
      targets: samples.filter((s) => s.pop === 'FIN' && s.rank <= 10).map((s) => s.name),
      panel: samples.filter((s) => s.pop === 'GBR').map((s) => s.name),
      region: REGION,
      out: target,
      clean: join(tmp, 'clean.vcf'),
    })
    server = await serve()
  }, 120_000)
  afterAll(() => server?.close())

  const post = (url: string, params: [string, string | number][], body: Uint8Array | string) =>
    fetch(`${url}/impute${qs(params)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    })
  /** Poll the job until it ends; its last status. */
  async function finished(url: string, id: string) {
    for (;;) {
      const res = await fetch(`${url}/impute/${id}`)
      expect(res.status).toBe(200)
      const status = (await res.json()) as {
        state: string
        error?: string
        progress?: { phase: string; done: number; total: number }
        qc?: { sites: number; kept: number; drops: Record<string, number> }
      }
      if (status.state === 'done' || status.state === 'failed') return status
      await new Promise((r) => setTimeout(r, 300))
    }
  }

  it('imputes an uploaded gzipped target as `lightning-tiles impute` does', async () => {
    const res = await post(server.url, [['s', PANEL]], gzipSync(readFileSync(target)))
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const status = await finished(server.url, id)
    expect(status.error).toBeUndefined()
    expect(status.state).toBe('done')
    expect(status.progress?.phase).toBe('joining chunks')

    const out = join(tmp, 'cli')
    const cli = await runCli('impute', built.dir, '--target', target, '-s', PANEL, '-o', out)
    expect(cli.code).toBe(0)
    const counts = readFileSync(join(out, 'qc', 'counts.tsv'), 'utf8')
    for (const [reason, n] of Object.entries(status.qc!.drops))
      expect(counts).toMatch(new RegExp(`\t${reason}\t${n}$`, 'm'))

    const vcf = await fetch(`${server.url}/impute/${id}/imputed.vcf.gz`)
    expect(vcf.status).toBe(200)
    const got = join(tmp, 'served.vcf.gz')
    writeFileSync(got, Buffer.from(await vcf.arrayBuffer()))
    const csi = await fetch(`${server.url}/impute/${id}/imputed.vcf.gz.csi`)
    expect(csi.status).toBe(200)
    writeFileSync(`${got}.csi`, Buffer.from(await csi.arrayBuffer()))
    want = query(join(out, 'imputed.vcf.gz'))
    expect(want.split('\n').length).toBeGreaterThan(3000)
    expect(query(got)).toBe(want)
    // indexed: a region read through the downloaded .csi
    const some = execFileSync('bcftools', ['view', '-H', got, '20:1500000-1600000'], {
      encoding: 'utf8',
    })
    expect(some.split('\n').length).toBeGreaterThan(100)

    const report = await fetch(`${server.url}/impute/${id}/report.html`)
    expect(report.status).toBe(200)
    expect(report.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await report.text()
    expect(html).toContain('<html')
    // the panel's genotypes are not among the results: only the target's samples are in the VCF
    // (less the target sample QC drops for its call rate)
    const names = execFileSync('bcftools', ['query', '-l', got], { encoding: 'utf8' })
    const targetNames = execFileSync('bcftools', ['query', '-l', target], { encoding: 'utf8' })
    expect(names.trim().split('\n')).toEqual(
      targetNames
        .trim()
        .split('\n')
        .filter((n) => n !== targets.badSample),
    )
  }, 300_000)

  it('fails a job whose body is not a VCF with one line in its status', async () => {
    const res = await post(server.url, [['s', PANEL]], 'this is not a VCF\n')
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const status = await finished(server.url, id)
    expect(status.state).toBe('failed')
    expect(status.error).toMatch(/target\.vcf/)
    expect(status.error).not.toContain('\n')
    expect(status.error).not.toContain(tmpdir())
    expect((await fetch(`${server.url}/impute/${id}/report.html`)).status).toBe(404)
  }, 60_000)

  it('refuses unknown jobs, empty bodies and panels smaller than their minimal group size', async () => {
    expect((await fetch(`${server.url}/impute/no-such-job`)).status).toBe(404)
    const api = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    expect(Object.keys(api.paths['/impute']!)).toEqual(['post'])
    expect((await post(server.url, [['s', PANEL]], '')).status).toBe(400)
    // FIN: minimal group size 10
    const small = await post(server.url, [['s', 'pop=="FIN" && rank<=3']], readFileSync(target))
    expect(small.status).toBe(403)
    expect(((await small.json()) as { error: string }).error).toMatch(/minimal group size 10/)
    const bad = await post(server.url, [['s', 'nokey=="x"']], readFileSync(target))
    expect(bad.status).toBe(400)
  })

  it('refuses a body over the upload limit', async () => {
    const small = await serve({ maxUploadBytes: 1000 })
    try {
      const res = await post(small.url, [['s', PANEL]], readFileSync(target))
      expect(res.status).toBe(413)
    } finally {
      await small.close()
    }
  })

  it('answers 503 with the reason when beagle is not installed', async () => {
    const path = process.env.PATH
    process.env.PATH = tmp
    try {
      const res = await post(server.url, [['s', PANEL]], readFileSync(target))
      expect(res.status).toBe(503)
      expect(((await res.json()) as { error: string }).error).toMatch(/beagle is not installed/)
    } finally {
      process.env.PATH = path
    }
  })

  it('imputes against a private panel whose genotypes no query shows', async () => {
    const stores = await openStores([built.dir], { defaultMgs: 1 }, [built.dir])
    const app = await createServer({ log: false, stores })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const gbr = samples.filter((s) => s.pop === 'GBR').map((s) => s.name)
      // public samples elsewhere, but not here: not named, genotypes not shown
      const view = await fetch(`${url}/query${qs([['r', '20:1000000-1010000']])}`)
      expect(view.status).toBe(200)
      const text = await view.text()
      const header = text.split('\n').find((l) => l.startsWith('#CHROM'))!
      expect(header.split('\t').length).toBeLessThanOrEqual(8)
      for (const name of gbr) expect(text).not.toContain(name)
      const named = await fetch(
        `${url}/query${qs([
          ['r', REGION],
          ['s', `,${gbr[0]}`],
        ])}`,
      )
      expect(named.status).toBe(403)

      const res = await post(url, [['s', PANEL]], readFileSync(target))
      expect(res.status).toBe(202)
      const status = await finished(url, ((await res.json()) as { id: string }).id)
      expect(status.error).toBeUndefined()
      expect(status.state).toBe('done')
    } finally {
      await app.close()
    }
  }, 300_000)

  it.skipIf(!hasChromium)(
    'runs from the page: upload, progress, links to the results',
    async () => {
      expect(want).not.toBe('')
      const web = join(tmp, 'web')
      await buildWeb(web)
      const s = await serve({ webRoot: web })
      try {
        await withChromiumPage(async (page) => {
          const errors: string[] = []
          page.on('pageerror', (e) => errors.push(e.message))
          await page.goto(s.url + '/')
          await page.waitForSelector('#ready:text("ready")', { state: 'attached' })
          await page.setInputFiles('#impute-file', target)
          await page.fill('#impute-s', PANEL)
          await page.click('#impute-run')
          await page.waitForSelector('#impute-vcf', { timeout: 120_000 })
          const href = await page.getAttribute('#impute-vcf', 'href')
          const report = await page.getAttribute('#impute-report', 'href')
          const got = join(tmp, 'page.vcf.gz')
          const vcf = await fetch(new URL(href!, s.url + '/'))
          writeFileSync(got, Buffer.from(await vcf.arrayBuffer()))
          expect(query(got)).toBe(want)
          expect((await fetch(new URL(report!, s.url + '/'))).status).toBe(200)
          expect(errors).toEqual([])
        })
      } finally {
        await s.close()
      }
    },
    300_000,
  )
})
