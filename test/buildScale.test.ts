// The build at scale: `--threads`, partial stores (`--tags-only`, `--tags`, `--paths`) joined by
// `merge`, and the CWL workflow that scatters them, each giving the store one build makes, file
// for file (the manifest but its time of creation). Runs the CLI from dist/ (npm run build).
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasTool } from './shared.js'

const CLI = resolve('bin/lightning-tiles.js')
const ref = resolve('testdata/chr20/20.1-4000000.fa.gz')
const vcf = resolve('testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
// 40 samples, four paths of 1 Mb (the first before the VCF's first record)
const samples = ['-S', '']
const common = ['--reference', ref, '--path-length', '1000000']

function lt(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
  return { status: r.status, stderr: r.stderr }
}

/** Every file of a store, relative name → bytes (manifest.json without its "created" line). */
function storeFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const rel = relative(dir, join(e.parentPath, e.name))
    const bytes = readFileSync(join(dir, rel), 'latin1')
    out.set(rel, rel === 'manifest.json' ? bytes.replace(/\n\s*"created": [^\n]*/, '') : bytes)
  }
  return out
}

function expectSameStore(dir: string, expected: Map<string, string>): void {
  const got = storeFiles(dir)
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort())
  const differ = [...expected].filter(([rel, bytes]) => got.get(rel) !== bytes).map(([r]) => r)
  expect(differ).toEqual([])
}

describe('the build at scale (four paths of testdata)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-scale-'))
  let whole: Map<string, string>
  beforeAll(() => {
    const names = execFileSync('bcftools', ['query', '-l', vcf], { encoding: 'utf8' })
    samples[1] = join(dir, 'samples.txt')
    writeFileSync(samples[1], names.split('\n').slice(0, 40).join('\n') + '\n')
    const r = lt([
      'build',
      ...common,
      '--vcf',
      vcf,
      ...samples,
      '--threads',
      '1',
      '--out',
      join(dir, 'one'),
    ])
    expect(r.stderr).toContain('paths 4')
    expect(r.status).toBe(0)
    whole = storeFiles(join(dir, 'one'))
  }, 300_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('--threads 2 builds the store --threads 1 builds', () => {
    const r = lt([
      'build',
      ...common,
      '--vcf',
      vcf,
      ...samples,
      '--threads',
      '2',
      '--out',
      join(dir, 'two'),
    ])
    expect(r.status).toBe(0)
    expectSameStore(join(dir, 'two'), whole)
  }, 300_000)

  it('partial stores (--paths) merge into the store one build makes; readers refuse a partial store', () => {
    const tags = join(dir, 'tags.json')
    expect(lt(['build', ...common, '--tags-only', '--out', tags]).status).toBe(0)
    for (const [name, range] of [
      ['a', '0-1'],
      ['b', '2-2'],
      ['c', '3-3'],
    ] as const) {
      const r = lt([
        'build',
        '--reference',
        ref,
        '--vcf',
        vcf,
        ...samples,
        '--tags',
        tags,
        '--paths',
        range,
        '--out',
        join(dir, name),
      ])
      expect(r.stderr).toContain('built partial store')
      expect(r.status).toBe(0)
    }
    const stats = lt(['stats', join(dir, 'a')])
    expect(stats.status).not.toBe(0)
    expect(stats.stderr).toMatch(
      /a partial store \(paths 0000–0001 of 4, from build --paths\): join the partial stores with lightning-tiles merge/,
    )
    const missing = lt(['merge', join(dir, 'a'), join(dir, 'c'), '--out', join(dir, 'bad')])
    expect(missing.stderr).toMatch(/path 0002 is in none of the stores/)
    expect(missing.status).not.toBe(0)
    const m = lt([
      'merge',
      join(dir, 'c'),
      join(dir, 'a'),
      join(dir, 'b'),
      '--out',
      join(dir, 'merged'),
    ])
    expect(m.status).toBe(0)
    expectSameStore(join(dir, 'merged'), whole)
  }, 300_000)

  it.skipIf(!hasTool('cwltool'))(
    'cwltool runs cwl/build.cwl: the store equals the one build',
    () => {
      // the workflow calls lightning-tiles from PATH: this checkout's CLI
      const bin = join(dir, 'bin')
      execFileSync('mkdir', ['-p', bin])
      writeFileSync(
        join(bin, 'lightning-tiles'),
        `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`,
      )
      chmodSync(join(bin, 'lightning-tiles'), 0o755)
      const job = join(dir, 'job.json')
      writeFileSync(
        job,
        JSON.stringify({
          reference: { class: 'File', path: ref },
          vcf: { class: 'File', path: vcf },
          path_length: 1000000,
          path_ranges: ['0-1', '2-3'],
          samples_file: { class: 'File', path: samples[1] },
        }),
      )
      const r = spawnSync(
        'cwltool',
        ['--outdir', join(dir, 'cwl-out'), resolve('cwl/build.cwl'), job],
        { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
      )
      expect(r.stderr).toContain('Final process status is success')
      expectSameStore(join(dir, 'cwl-out', 'store'), whole)
    },
    600_000,
  )
})
