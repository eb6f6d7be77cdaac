// CLI start-up: `lightning-tiles --help`, `tile` and `locate` (one query each) on a store built from
// testdata/chr20, timed with hyperfine, next to the CLI of the last commit before the commands
// were loaded lazily (built from git in a temporary folder), in the same run.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildStore } from '../src/tiling/build.js'
import { table } from './lib.js'

/** The last commit whose CLI imported every command at start-up. */
const BEFORE = '1dc23e5'
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const DATA = join(ROOT, 'testdata/chr20')
const RUNS = 30

interface HyperfineResult {
  command: string
  median: number
  user: number
  system: number
}

/** The CLI of `commit`, built into `dir` (its bin/ and dist/esm); undefined without git. */
function buildAt(commit: string, dir: string): string | undefined {
  mkdirSync(dir)
  const archive = spawnSync('bash', [
    '-c',
    `git -C '${ROOT}' archive ${commit} | tar -x -C '${dir}'`,
  ])
  if (archive.status !== 0) return undefined
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: dir,
    },
  )
  return join(dir, 'bin/lightning-tiles.js')
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-startup-'))
  try {
    const store = join(dir, 'store')
    await buildStore({
      reference: join(DATA, '20.1-4000000.fa.gz'),
      vcf: join(DATA, '1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'),
      out: store,
    })
    const now = join(ROOT, 'bin/lightning-tiles.js')
    const before = buildAt(BEFORE, join(dir, 'before'))
    const tile = '0000.00.0100.000'
    const cases = [
      ['--help', '--help'],
      ['tile', `tile ${store} ${tile}`],
      ['locate', `locate ${store} ${tile}`],
    ]
    const commands = cases.flatMap(([, args]) =>
      [before, now].filter((b) => b !== undefined).map((bin) => `node ${bin} ${args}`),
    )
    const json = join(dir, 'hyperfine.json')
    execFileSync(
      'hyperfine',
      ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, ...commands],
      {
        stdio: 'ignore',
      },
    )
    const results = (JSON.parse(readFileSync(json, 'utf8')) as { results: HyperfineResult[] })
      .results
    const ms = (s: number) => (s * 1000).toFixed(0)
    const rows = cases.map(([name, args]) => {
      const of = (bin: string | undefined) =>
        results.find((r) => bin !== undefined && r.command === `node ${bin} ${args}`)
      const [b, a] = [of(before), of(now)]
      return [
        `\`lightning-tiles ${name === '--help' ? '--help' : `${name} STORE ${tile}`}\``,
        b ? `${ms(b.median)} (${ms(b.user + b.system)})` : '–',
        a ? `${ms(a.median)} (${ms(a.user + a.system)})` : '–',
      ]
    })
    const load = loadavg()[0]!.toFixed(1)
    return [
      '### CLI start-up',
      '',
      `\`hyperfine -N --warmup 3 --runs ${RUNS} 'node bin/lightning-tiles.js ARGS'\` on a store built from`,
      'testdata/chr20 (300 samples, one path), for the CLI as it is and as it was at commit',
      `${BEFORE} (every command's implementation imported at start-up; built from git in the same`,
      'run). Median wall time in ms, with the mean CPU time (user + system) in brackets: the cores',
      `were shared (load average ${load} when the timing ended, ${new Date().toISOString().slice(0, 10)}), so the CPU time is the steadier figure.`,
      '',
      table(['command', `before (${BEFORE})`, 'now (lazy commands)'], rows),
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
