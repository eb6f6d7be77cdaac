// Site filters per second: compiled expressions over per-site counts in typed arrays (as the
// cohort matrix will give them), against the same filter written by hand in JavaScript and
// against BGT's kexpr doing what BGT does per site (six ke_set_int calls, then ke_eval_int).
// Standalone: npx tsx benchmarks/expr.bench.ts
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compileCondition } from '../src/query/expr/compile.js'
import type { Scope, Variable } from '../src/query/expr/compile.js'
import { groupStatistic } from '../src/query/groups.js'
import { median, table } from './lib.js'

const SITES = 2_000_000
const RUNS = 5
const TARBALL = fileURLToPath(new URL('../../shared/peers/bgt-93ce0c9.tar.gz', import.meta.url))
const DRIVER = fileURLToPath(new URL('kexpr.driver.c', import.meta.url))

// the same synthetic counts as kexpr.driver.c: two groups of 99 and 91 samples
const ac = [new Int32Array(SITES), new Int32Array(SITES)] as const
const an = [new Int32Array(SITES).fill(198), new Int32Array(SITES).fill(182)] as const
for (let i = 0; i < SITES; i++) {
  ac[0][i] = (i * 7) % 199
  ac[1][i] = (i * 13) % 5
}
// an annotation on one site in 50
const clnsig = Array.from({ length: SITES }, (_, i) =>
  i % 50 === 0 ? (i % 150 === 0 ? 'Pathogenic' : 'Benign') : undefined,
)

const scope: Scope<number> = {
  variable(name): Variable<number> | undefined {
    if (name === 'CLNSIG') return { type: 'string', get: (i) => clnsig[i], optional: true }
    const g = groupStatistic(name)
    if (!g || g.group > 2) return undefined
    const acOf =
      g.group === 0 ? (i: number) => ac[0][i]! + ac[1][i]! : (i: number) => ac[g.group - 1]![i]!
    const anOf =
      g.group === 0 ? (i: number) => an[0][i]! + an[1][i]! : (i: number) => an[g.group - 1]![i]!
    const get = g.stat === 'AC' ? acOf : g.stat === 'AN' ? anOf : (i: number) => acOf(i) / anOf(i)
    return { type: 'number', get }
  },
}

/**
 * Median seconds of `RUNS` passes over every site, after one warm-up; and the passing count. The
 * loop is a fresh function per filter, so that its call site sees one filter only (as in a query).
 */
function time(test: (i: number) => boolean): { seconds: number; pass: number } {
  const loop = new Function(
    'test',
    'n',
    'let pass = 0; for (let i = 0; i < n; i++) if (test(i)) pass++; return pass',
  ) as (test: (i: number) => boolean, n: number) => number
  let pass = 0
  const secs: number[] = []
  for (let run = 0; run <= RUNS; run++) {
    const t0 = performance.now()
    pass = loop(test, SITES)
    if (run > 0) secs.push((performance.now() - t0) / 1000)
  }
  return { seconds: median(secs), pass }
}

/** Median microseconds to compile `expr`, over 200 compilations after a warm-up. */
function compileTime(expr: string): number {
  const times: number[] = []
  for (let k = 0; k < 220; k++) {
    const t0 = performance.now()
    compileCondition(expr, scope)
    if (k >= 20) times.push((performance.now() - t0) * 1000)
  }
  return median(times)
}

/** Build kexpr.driver.c against BGT's kexpr.c; undefined (and why) when it cannot be built. */
function buildKexpr(dir: string): { bin?: string; why?: string } {
  if (!existsSync(TARBALL)) return { why: `${TARBALL} is absent` }
  const tar = spawnSync('tar', ['xzf', TARBALL, '-C', dir, 'bgt/kexpr.c', 'bgt/kexpr.h'])
  if (tar.status !== 0) return { why: 'cannot unpack BGT' }
  const bin = join(dir, 'kexpr-bench')
  const cc = spawnSync('gcc', [
    '-O2',
    '-I',
    join(dir, 'bgt'),
    '-o',
    bin,
    DRIVER,
    join(dir, 'bgt/kexpr.c'),
    '-lm',
  ])
  return cc.status === 0 ? { bin } : { why: `gcc failed: ${String(cc.stderr)}` }
}

const rate = (seconds: number) => `${(SITES / seconds / 1e6).toFixed(1)} M/s`

export async function run(): Promise<string> {
  const title = '### Site filters: evaluations per second'
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-expr-'))
  try {
    const kexpr = buildKexpr(dir)
    const rows: (string | number)[][] = []
    const cases: { ours: string; bgt?: string; hand?: (i: number) => boolean }[] = [
      {
        ours: 'AC#1/AN#1>=0.1&&AC#2==0',
        bgt: 'AC1/AN1>=0.1&&AC2==0',
        hand: (i) => ac[0][i]! / an[0][i]! >= 0.1 && ac[1][i] === 0,
      },
      { ours: 'AN>0&&AC/AN>.05', bgt: 'AN>0&&AC/AN>.05' },
      { ours: 'log10(AF+1e-6)<-2||max(AC#1,AC#2)>10', bgt: 'log10(AC/AN+1e-6)<-2||AC1>10||AC2>10' },
      { ours: "CLNSIG in ('Pathogenic','Likely_pathogenic')&&AF<0.5" },
    ]
    for (const c of cases) {
      const compiled = compileCondition(c.ours, scope)
      const compileMicros = compileTime(c.ours)
      const ours = time(compiled.test)
      const hand = c.hand ? time(c.hand) : undefined
      let bgt = '–'
      if (c.bgt && kexpr.bin) {
        const secs: number[] = []
        let pass = -1
        for (let run = 0; run < RUNS; run++) {
          const r = spawnSync(kexpr.bin, [c.bgt, String(SITES)], { encoding: 'utf8' })
          const [p, s] = r.stdout.trim().split(' ')
          pass = Number(p)
          secs.push(Number(s))
        }
        bgt = `${rate(median(secs))}${pass === ours.pass ? '' : ` (passes ${pass}, ours ${ours.pass})`}`
      }
      rows.push([
        `\`${c.ours.replaceAll('|', '\\|')}\``,
        `${compileMicros.toFixed(1)} µs`,
        rate(ours.seconds),
        hand ? rate(hand.seconds) : '–',
        bgt,
        ours.pass.toLocaleString('en'),
      ])
    }
    return [
      title,
      '',
      `\`compileCondition(expr, scope)\` once, then \`test(site)\` on ${SITES.toLocaleString('en')} ` +
        'sites whose counts sit in Int32Arrays (two groups, 198 and 182 haplotypes); median of ' +
        `${RUNS} passes after a warm-up. "by hand" is the same filter as a JavaScript arrow ` +
        'function; "BGT kexpr" is `benchmarks/kexpr.driver.c` built against BGT\'s kexpr.c, setting ' +
        'AN, AC, AN1, AC1, AN2, AC2 per site as BGT does (its spelling of the expression; the third ' +
        'row has no max() there, so it spells it with ||).' +
        (kexpr.why ? ` BGT kexpr not run: ${kexpr.why}.` : ''),
      '',
      '```',
      'npx tsx benchmarks/expr.bench.ts',
      '```',
      '',
      table(['filter', 'compile', 'ours', 'by hand', 'BGT kexpr', 'sites passing'], rows),
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await run())
