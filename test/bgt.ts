// BGT (lh3/bgt, from ../shared/peers) built on first use into .tmp/peers/, for differential
// tests. Returns the reason instead when it cannot be built (no source, no compiler, no zlib).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SHARED } from './shared.js'

const TARBALL = `${SHARED}peers/bgt-93ce0c9.tar.gz`
const PEERS = resolve('.tmp/peers')

function run(cmd: string, args: string[], cwd?: string): string | undefined {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' })
  if (r.error) return `${cmd}: ${r.error.message}`
  if (r.status !== 0) return `${cmd} ${args.join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`
  return undefined
}

/**
 * Build `target` (a file name under .tmp/peers/NAME/) once: unpack BGT into a fresh folder, run
 * `build` there, and rename the folder into place, so that parallel test files never see half a
 * build.
 */
function buildOnce(name: string, target: string, build: (dir: string) => string | undefined) {
  const dir = join(PEERS, name)
  if (existsSync(join(dir, target))) return { path: join(dir, target) }
  if (!existsSync(TARBALL)) return { skip: `${TARBALL} is absent` }
  mkdirSync(PEERS, { recursive: true })
  const tmp = mkdtempSync(join(PEERS, `${name}-`))
  try {
    const failed = run('tar', ['xzf', TARBALL, '-C', tmp]) ?? build(join(tmp, 'bgt'))
    if (failed) return { skip: failed }
    if (!existsSync(join(dir, target))) {
      rmSync(dir, { recursive: true, force: true })
      renameSync(join(tmp, 'bgt'), dir)
    }
    return { path: join(dir, target) }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** The `bgt` binary (make -C bgt: gcc, make, zlib1g-dev), or why it is missing. */
export function bgtBinary(): { path: string } | { skip: string } {
  return buildOnce('bgt', 'bgt', (src) => run('make', ['-C', src]))
}

/** BGT's expression evaluator kexpr.c built with its own main (`kexpr [-pi] EXPR [var=val ...]`). */
export function kexprBinary(): { path: string } | { skip: string } {
  return buildOnce('kexpr', 'kexpr', (src) =>
    run('gcc', ['-O2', '-DKE_MAIN', '-o', 'kexpr', 'kexpr.c', '-lm'], src),
  )
}
