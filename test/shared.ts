// Where the shared fixtures and real data live, and whether they are present. Tests that read
// them are grouped with `describeShared`, so a clone without ../shared still runs green.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { NamedFile } from '../src/core/filehandle.js'
import { openFile } from '../src/core/nodeFile.js'

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

/** A local path (or URL) as the NamedFile the readers take. */
export const named = (path: string): NamedFile => ({ name: path, handle: openFile(path) })

/** md5 hex of text (UTF-8) or bytes with node:crypto, apart from the library's spark-md5. */
export const md5 = (s: string | Uint8Array): string => createHash('md5').update(s).digest('hex')

/**
 * `describe` for tests that read ../shared. Without it the group is reported as skipped and its
 * body never runs (vitest's skipIf still runs a group's body to collect it, and top-level reads
 * of fixtures there would fail).
 */
export function describeShared(name: string, body: () => void): void {
  if (hasShared) describe(name, body)
  else describe.skip(name, () => it(`needs ${SHARED}`, () => undefined))
}
