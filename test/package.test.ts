// The package as a user gets it: `npm pack`, then `npm install ./lightning-tiles-*.tgz` in an empty
// folder, then the CLI through npx, both entry points through import() and require(), and their
// type declarations through tsc. Needs dist/ (`npm test` builds first) and npm's cache or the
// registry: --prefer-offline takes package data from the cache when it is there.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixtureStore } from './fixtureStore.js'
import type { FixtureStore } from './fixtureStore.js'
import { FIXTURES } from './shared.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')

/** Run a command, failing with its output when it exits non-zero. */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 150_000 })
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

describe('the npm package installed into an empty folder', () => {
  let tmp: string
  let app: string
  let files: string[]
  let store: FixtureStore

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'lt-package-'))
    // --ignore-scripts: pack the dist/ that `npm test` built, without rebuilding it under the
    // feet of the other test files that run the CLI from it
    const [packed] = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT),
    ) as { filename: string; files: { path: string }[] }[]
    files = packed!.files.map((f) => f.path)
    app = join(tmp, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, packed!.filename)],
      app,
    )
    store = await makeFixtureStore()
  }, 300_000)
  afterAll(() => {
    store?.remove()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('ships both builds, the CLI, README and LICENSE, and no tests or test data', () => {
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/lightning-tiles.js',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/reader.js',
      'dist/esm/reader.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/reader.js',
      'dist/cjs/reader.d.ts',
    ])
      expect(files).toContain(f)
    expect(files.filter((f) => /^(test|testdata|benchmarks|docs)\//.test(f))).toEqual([])
  })

  it('npx lightning-tiles --help lists the commands', () => {
    const help = run('npx', ['--no', '--', 'lightning-tiles', '--help'], app)
    expect(help).toMatch(/^Usage: lightning-tiles /)
    for (const command of ['build', 'tile', 'locate', 'vcf', 'verify'])
      expect(help).toMatch(new RegExp(`^  ${command} `, 'm'))
  })

  it('npx lightning-tiles tile reads a store: the tile as the upstream SGLF has it', () => {
    const fasta = run(
      'npx',
      ['--no', '--', 'lightning-tiles', 'tile', store.dir, '035e.00.0006.001'],
      app,
    )
    const [header, ...lines] = fasta.trimEnd().split('\n')
    const sglf = gunzipSync(readFileSync(`${FIXTURES}l7g/fjt/035e.1.sglf.gz`)).toString('latin1')
    const [id, , seq] = sglf
      .split('\n')
      .find((l) => l.startsWith('035e.00.0006.001+'))!
      .split(',')
    expect(header).toBe(`>${id}`)
    expect(lines.join('')).toBe(seq)
  })

  it('import() and require() give the same exports for both entry points', () => {
    const script = `
      ;(async () => {
        const names = (m) => Object.keys(m).filter((k) => k !== 'default').sort()
        const out = {}
        for (const entry of ['lightning-tiles', 'lightning-tiles/reader'])
          out[entry] = { esm: names(await import(entry)), cjs: names(require(entry)) }
        console.log(JSON.stringify(out))
      })()`
    writeFileSync(join(app, 'exports.cjs'), script)
    const out = JSON.parse(run('node', ['exports.cjs'], app)) as Record<
      string,
      { esm: string[]; cjs: string[] }
    >
    const index = out['lightning-tiles']!
    const reader = out['lightning-tiles/reader']!
    expect(index.cjs).toEqual(index.esm)
    expect(reader.cjs).toEqual(reader.esm)
    expect(reader.esm.length).toBeGreaterThan(0)
    // the Node entry holds all of the browser-safe one, and more
    expect(reader.esm.filter((n) => !index.esm.includes(n))).toEqual([])
    expect(index.esm.length).toBeGreaterThan(reader.esm.length)
  })

  it('the type declarations of both entry points compile for ESM and CommonJS users', () => {
    writeFileSync(
      join(app, 'esm.mts'),
      `import * as lt from 'lightning-tiles'\nimport * as reader from 'lightning-tiles/reader'\n` +
        `export const n: number = Object.keys(lt).length + Object.keys(reader).length\n`,
    )
    writeFileSync(
      join(app, 'cjs.cts'),
      `import lt = require('lightning-tiles')\nimport reader = require('lightning-tiles/reader')\n` +
        `export const n: number = Object.keys(lt).length + Object.keys(reader).length\n`,
    )
    run(
      'node',
      [
        TSC,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        '--types',
        'node',
        'esm.mts',
        'cjs.cts',
      ],
      app,
    )
  })
})
