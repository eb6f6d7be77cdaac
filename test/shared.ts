// Where the test fixtures and real data live. The small upstream Lightning fixtures are vendored
// in testdata/fixtures (provenance and licences in testdata/README.md), so every test on them runs
// in a fresh clone. Only the large real data stays in ../shared/data: tests that read it are grouped
// with `describeShared` and skip, with a message, when it is absent.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { NamedFile } from '../src/core/filehandle.js'
import { openFile } from '../src/core/nodeFile.js'

/** Upstream l7g/lightning test files, cgft-generated CGFs and files derived from them (vendored). */
export const FIXTURES = fileURLToPath(new URL('../testdata/fixtures/', import.meta.url))
export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url))
/** Large real data (whole chr20, 2bit files of other projects), never copied into the repository. */
export const DATA = `${SHARED}data/`
/** The 1000 Genomes phase 3 sample panel, vendored (testdata/README.md). */
export const PANEL = fileURLToPath(
  new URL('../testdata/1kg-panel/integrated_call_samples_v3.20130502.ALL.panel', import.meta.url),
)
export const hasShared = existsSync(DATA)
if (!hasShared) console.warn(`../shared is absent (${SHARED}): tests on its real data are skipped`)

/** Is a command-line tool on PATH? */
export function hasTool(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`]).status === 0
}

/** A local path (or URL) as the NamedFile the readers take. */
export const named = (path: string): NamedFile => ({ name: path, handle: openFile(path) })

/** md5 hex of text (UTF-8) or bytes with node:crypto, apart from the library's spark-md5. */
export const md5 = (s: string | Uint8Array): string => createHash('md5').update(s).digest('hex')

/**
 * `describe` for tests that read ../shared/data. Without it the group is reported as skipped and its
 * body never runs (vitest's skipIf still runs a group's body to collect it, and top-level reads
 * of fixtures there would fail).
 */
export function describeShared(name: string, body: () => void): void {
  if (hasShared) describe(name, body)
  else describe.skip(name, () => it(`needs ${DATA}`, () => undefined))
}
