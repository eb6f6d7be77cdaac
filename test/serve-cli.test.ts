// `lightning-tiles serve` as a process (bin/ over dist/, so `npm run build` first): --help, the
// refusal to start on a store that fails the quick check, the JSON lines of its log on stderr (the
// address, one per request), and a clean exit on SIGTERM and SIGINT.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeFiles } from '../src/store/layout.js'
import { makeFixtureStore } from './fixtureStore.js'
import type { FixtureStore } from './fixtureStore.js'

const BIN = 'bin/lightning-tiles.js'
const built = existsSync('dist/esm/cli/main.js')
if (!built) console.warn('dist/ is absent (run npm run build): the serve process tests are skipped')

describe.skipIf(!built)('serve: the process', () => {
  let fixture: FixtureStore
  beforeAll(async () => {
    fixture = await makeFixtureStore()
  })
  afterAll(() => fixture.remove())

  it('--help lists the options', () => {
    const r = spawnSync('node', [BIN, 'serve', '--help'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    for (const o of [
      '--port',
      '--host',
      '--mgs',
      '--max-genotypes',
      '--annotations',
      '--group-keys',
      '--order-cache-mb',
      '--static-out',
    ])
      expect(r.stdout).toContain(o)
  })

  it('refuses an order cache size that is not a whole number, in one line', () => {
    const r = spawnSync('node', [BIN, 'serve', fixture.dir, '--order-cache-mb', 'lots'], {
      encoding: 'utf8',
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^lightning-tiles: --order-cache-mb lots: .*\n$/)
  })

  it('refuses to start on a folder that is not a store, or a store missing a file', () => {
    const none = spawnSync('node', [BIN, 'serve', join(fixture.dir, 'genomes')], {
      encoding: 'utf8',
    })
    expect(none.status).toBe(1)
    expect(none.stderr).toMatch(
      /^lightning-tiles: .*is not a lightning-tiles store: it has no manifest.json\n$/,
    )
    rmSync(join(fixture.dir, storeFiles.tagset))
    const damaged = spawnSync('node', [BIN, 'serve', fixture.dir], { encoding: 'utf8' })
    expect(damaged.status).toBe(1)
    expect(damaged.stderr).toMatch(/^lightning-tiles: .*tagset.* is missing or unreadable/)
    expect(damaged.stderr.trim().split('\n')).toHaveLength(1)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`logs JSON lines and exits cleanly on ${signal}`, async () => {
      const fresh = await makeFixtureStore()
      try {
        const child = spawn('node', [BIN, 'serve', fresh.dir, '--port', '0'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        const lines: Record<string, unknown>[] = []
        let buffer = ''
        const listening = new Promise<string>((resolve) =>
          child.stderr.on('data', (b: Buffer) => {
            buffer += b.toString()
            const parts = buffer.split('\n')
            buffer = parts.pop()!
            for (const p of parts) {
              const line = JSON.parse(p) as Record<string, unknown>
              lines.push(line)
              if (typeof line.listening === 'string') resolve(line.listening)
            }
          }),
        )
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
        const url = await listening
        const res = await fetch(`${url}/stores`)
        expect(res.status).toBe(200)
        await (await fetch(`${url}/nothing`)).text()
        child.kill(signal)
        expect(await exited).toBe(0)
        const access = lines.filter((l) => l.url !== undefined)
        expect(access.map((l) => [l.method, l.url, l.status])).toEqual([
          ['GET', '/stores', 200],
          ['GET', '/nothing', 404],
        ])
        expect(typeof access[0]!.ms).toBe('number')
        expect(lines.at(-1)).toMatchObject({ stopping: signal })
      } finally {
        fresh.remove()
      }
    })
})
