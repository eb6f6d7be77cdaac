// The browser bundle of `lightning-tiles/reader` in headless Chromium: a page served from
// 127.0.0.1 opens the fixture store by URL, resolves a tile and shows it; the test reads the page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTileResolver } from '../src/resolver/node.js'
import { makeFixtureStore } from './fixtureStore.js'
import type { FixtureStore } from './fixtureStore.js'
import { CHROMIUM, hasChromium, withChromiumPage } from './chromium.js'
import { serveDirectory } from './httpServer.js'
import type { StaticServer } from './httpServer.js'

if (!hasChromium) console.warn(`${CHROMIUM} is missing: the headless browser test is skipped`)

const TILE = '035e.00.0006.001'

const PAGE = `<!doctype html>
<html><body>
<pre id="sequence"></pre><pre id="location"></pre><pre id="error"></pre>
<script type="module">
import { TileResolver } from '/reader.js'
const store = location.origin + '/'
try {
  const r = TileResolver.open(store)
  const t = await r.sequence('${TILE}')
  const loc = await r.locate('${TILE}')
  document.getElementById('sequence').textContent = t.id + ' ' + t.sequence
  document.getElementById('location').textContent = loc.chrom + ':' + loc.start + '-' + loc.end
} catch (err) {
  document.getElementById('error').textContent = String(err && err.stack || err)
}
</script>
</body></html>`

describe.skipIf(!hasChromium)('reader bundle in headless Chromium', () => {
  let store: FixtureStore
  let server: StaticServer
  let work: string
  let bundle: string

  beforeAll(async () => {
    store = await makeFixtureStore()
    work = mkdtempSync(join(tmpdir(), 'lt-browser-'))
    const result = await build({
      entryPoints: ['src/reader.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    })
    bundle = result.outputFiles[0]!.text
    writeFileSync(join(work, 'reader.js'), bundle)
    writeFileSync(join(work, 'index.html'), PAGE)
    // The store at the root, the page and the bundle beside it.
    server = await serveDirectory(store.dir, {
      '/index.html': join(work, 'index.html'),
      '/reader.js': join(work, 'reader.js'),
    })
  })
  afterAll(async () => {
    await server?.close()
    store?.remove()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('bundles for the browser with no Node imports', () => {
    expect(bundle.length).toBeGreaterThan(1000)
    expect(bundle).not.toMatch(/["']node:/)
    expect(bundle).not.toMatch(/require\(["'](fs|path|zlib|stream)["']\)/)
  })

  it('resolves a tile by URL and shows its sequence and coordinates', async () => {
    await withChromiumPage(async (page) => {
      await page.goto(`${server.url}/index.html`)
      await page.waitForFunction(
        () =>
          document.getElementById('sequence')!.textContent !== '' ||
          document.getElementById('error')!.textContent !== '',
        undefined,
        { timeout: 20000 },
      )
      expect(await page.textContent('#error')).toBe('')
      const r = openTileResolver(store.dir)
      const t = await r.sequence(TILE)
      const loc = await r.locate(TILE)
      expect(await page.textContent('#sequence')).toBe(`${t.id} ${t.sequence}`)
      expect(await page.textContent('#location')).toBe(`${loc.chrom}:${loc.start}-${loc.end}`)
    })
  })
})
