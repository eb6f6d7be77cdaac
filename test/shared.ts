// Where the shared fixtures and real data live, and whether they are present. Tests that read
// them use `describe.skipIf(!hasShared)` so a clone without ../shared still runs green.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'

export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url))
export const FIXTURES = `${SHARED}fixtures/lightning/`
export const DATA = `${SHARED}data/`
export const hasShared = existsSync(FIXTURES) && existsSync(DATA)
if (!hasShared)
  console.warn(`../shared is absent (${SHARED}): tests on shared fixtures and data are skipped`)

/** Is a command-line tool on PATH? */
export function hasTool(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`]).status === 0
}
