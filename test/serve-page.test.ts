// The page of `lightning-tiles serve` in headless Chromium: load a region (tracks and the LD
// triangle), run a query (the table is the CLI's `view -t` answer), open a tile (its panel), see
// a refused group's message; then the static build (`serve --static-out`) read with range
// requests from a plain file server. Screenshots go to .tmp/test-output/ (git-ignored); the page
// must log no console error.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildWeb } from '../scripts/build-web.js'
import { writeStaticSite } from '../src/server/nodeFiles.js'
import { hasChromium, withChromiumPage } from './chromium.js'
import { runCli } from './cli.js'
import { serveDirectory } from './httpServer.js'
import { servedCohort } from './serveFixture.js'

const OUTPUT = '.tmp/test-output'
const REGION = '20:1000000-1010000'

/** Fail on any console error or uncaught exception of the page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  return errors
}

describe.skipIf(!hasChromium)('serve: the page in headless Chromium', () => {
  const { built, serve } = servedCohort('serve-page-')
  const web = () => join(built.tmp, 'web')
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true })
    await buildWeb(web())
  }, 120_000)

  it('loads a region, runs a query, opens a tile', async () => {
    const s = await serve({ webRoot: web() })
    try {
      await withChromiumPage(async (page) => {
        const errors = watchErrors(page)
        await page.goto(s.url + '/')
        await page.waitForSelector('#ready:text("ready")', { state: 'attached' })
        await page.fill('#region', REGION)
        await page.selectOption('#by', 'pop')
        await page.fill('#ld-group', 'pop=="FIN"')
        await page.click('#show')
        await page.waitForSelector('#ld svg')
        // one bar per site and group (4 populations)
        const sites = await page.locator('#tracks rect.site').count()
        const freq = (await (await s.get(`/freq?r=${REGION}&by=pop`)).json()) as {
          sites: unknown[]
        }
        expect(sites).toBe(freq.sites.length * 4)
        expect(await page.locator('#tracks rect.tile').count()).toBeGreaterThan(3)
        await page.screenshot({ path: join(OUTPUT, 'serve-page-region.png'), fullPage: true })

        await page.fill('#q-r', REGION)
        await page.fill('#q-s', 'pop=="FIN"\npop=="IBS"')
        await page.fill('#q-t', 'POS,REF,ALT,AC1,AN1,AC2,AN2')
        await page.fill('#q-f', 'AC1>0')
        await page.click('#q-run')
        await page.waitForSelector('#result-table')
        const rows = await page.$$eval('#result-table tr', (trs) =>
          trs
            .slice(1)
            .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join('\t')),
        )
        const cli = await runCli(
          'view',
          built.dir,
          '-r',
          REGION,
          '-s',
          'pop=="FIN"',
          '-s',
          'pop=="IBS"',
          '-f',
          'AC1>0',
          '-t',
          'POS,REF,ALT,AC1,AN1,AC2,AN2',
        )
        expect(rows.join('\n') + '\n').toBe(cli.stdout)
        expect(await page.locator('#download').isVisible()).toBe(true)
        await page.screenshot({ path: join(OUTPUT, 'serve-page-query.png'), fullPage: true })

        // a tile with several variants: its panel
        const tile = page.locator('#tracks rect.tile.varied').first()
        const id = await tile.getAttribute('data-tile')
        await tile.click({ force: true })
        await page.waitForSelector('#tile-panel h3')
        expect(await page.textContent('#tile-panel h3')).toBe(`tile ${id}`)
        const groups = await page.$$eval('#tile-panel table:last-of-type tr', (trs) =>
          trs.slice(1).map((tr) => tr.querySelector('td')!.textContent),
        )
        expect(groups).toEqual(['CEU', 'FIN', 'GBR', 'IBS'])
        expect(await page.textContent('#tile-panel pre.sequence')).toMatch(/^[acgtn\n]+$/)
        // another variant at the same position: its edits against the reference tile
        const other = page.locator(`#tile-panel a.variant:not([data-tile="${id}"])`).first()
        const otherId = await other.getAttribute('data-tile')
        await other.click()
        await page.waitForSelector(`#tile-panel h3:text("tile ${otherId}")`)
        const edits = await page.$$eval('#tile-panel table:first-of-type tr', (trs) =>
          trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        )
        const api = (await (await s.get(`/tile/${otherId}`)).json()) as {
          edits: { pos: number; ref: string; alt: string }[]
        }
        expect(edits.length).toBeGreaterThan(0)
        expect(edits).toEqual(api.edits.map((e) => [String(e.pos), e.ref || '-', e.alt || '-']))
        await page.locator('#tile-panel').screenshot({ path: join(OUTPUT, 'serve-page-tile.png') })

        expect(errors).toEqual([])
        // a group below the minimal group size: the server's refusal, shown (Chromium logs the
        // 403 response itself, and nothing else)
        await page.fill('#q-s', 'pop=="FIN" && rank<=3')
        await page.fill('#q-f', '')
        await page.click('#q-run')
        await page.waitForSelector('#result .error')
        expect(await page.textContent('#result .error')).toMatch(/minimal group size/)
        expect(errors).toEqual([
          'Failed to load resource: the server responded with a status of 403 (Forbidden)',
        ])
      })
    } finally {
      await s.close()
    }
  })

  it('works as static files over a store read with range requests, without a server', async () => {
    const site = join(built.tmp, 'site')
    await writeStaticSite(built.dir, site, web())
    const files = await serveDirectory(site)
    try {
      await withChromiumPage(async (page) => {
        const errors = watchErrors(page)
        await page.goto(files.url + '/index.html')
        await page.waitForSelector('#ready:text("ready")', { state: 'attached' })
        expect(await page.textContent('#store-info')).toMatch(/300 samples.*static store/)
        await page.fill('#region', '20:1000000-1004000')
        await page.selectOption('#by', 'pop')
        await page.click('#show')
        await page.waitForSelector('#ld svg')
        expect(await page.locator('#tracks rect.site').count()).toBeGreaterThan(0)
        await page.screenshot({ path: join(OUTPUT, 'serve-page-static.png'), fullPage: true })
        expect(errors).toEqual([])
      })
    } finally {
      await files.close()
    }
  })
})
