// The real CLI (bin/lightning-tiles.js over dist/) in a child process, for the l7g toolbox tests:
// standard input, exit status, stdout bytes and stderr as a user sees them. `npm run build` first.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import type { CliResult } from './cli.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = `${ROOT}bin/lightning-tiles.js`

/** dist/ is there (the toolbox tests run the built CLI). */
export const built = existsSync(`${ROOT}dist/esm/cli/main.js`)
if (!built) console.warn('dist/ is absent (run npm run build): the toolbox CLI tests are skipped')

export function lt(args: string[], input?: string | Uint8Array): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: input ?? '',
    maxBuffer: 1 << 28,
    cwd: ROOT,
  })
  const out = r.stdout
  return { code: r.status ?? -1, out, stdout: out.toString('latin1'), err: r.stderr.toString() }
}

/** A file's bytes, gunzipped when it is gzip or BGZF. */
export function bytesOf(file: string): Buffer {
  const b = readFileSync(file)
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b
}

/**
 * The run failed as the project wants bad input to fail: status 1, one error line on stderr (after
 * any progress phase names), no stack trace, naming `place` (file and line or offset).
 */
export function failsWith(r: CliResult, place: RegExp): void {
  const lines = r.err.trimEnd().split('\n')
  const errors = lines.filter((l) => l.startsWith('lightning-tiles: '))
  if (
    r.code !== 1 ||
    errors.length !== 1 ||
    errors[0] !== lines.at(-1) ||
    !place.test(errors[0]!) ||
    /\n\s+at /.test(r.err)
  )
    throw new Error(`expected one error line matching ${place}, status 1; got ${r.code}: ${r.err}`)
}
