// verify on a store built from testdata/: a fresh store is clean; each kind of damage (a flipped
// byte in a library tar, compressed or not; a truncated CGF; a manifest naming a missing genome;
// a tampered manifest version) is reported with its file, place and expectation, and the CLI
// exits non-zero.
import { cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import SparkMD5 from 'spark-md5'
import { writeBgzfFile } from '../src/container/bgzf/writer.js'
import { openFile } from '../src/core/nodeFile.js'
import { parseTwoBit } from '../src/formats/twobit/reader.js'
import { parseManifest } from '../src/store/manifest.js'
import { formatProblem, verifyStore } from '../src/inspect/verify.js'
import type { VerifyResult } from '../src/inspect/verify.js'
import { Store } from '../src/store/Store.js'
import { storeFiles } from '../src/store/layout.js'
import { MatrixReader } from '../src/matrix/reader.js'
import { MatrixWriter } from '../src/matrix/writer.js'
import { named } from './shared.js'
import { formatTileId } from '../src/core/tileId.js'
import { runCli } from './cli.js'
import { testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099']

// four paths of 1 Mb, so per-path checks see more than one path
const built = testdataStore('verify-', SAMPLES, 1_000_000, { cgf: true, sglf: true })
const { tmp, dir: store } = built

let copies = 0
/** A fresh copy of the store to damage. */
function copy(): string {
  const dir = join(tmp, `copy${copies++}`)
  cpSync(store, dir, { recursive: true })
  return dir
}

const verify = (dir: string): Promise<VerifyResult> =>
  verifyStore(
    Store.open((rel) => openFile(join(dir, rel))),
    { maxProblemsPerFile: 10_000 },
  )

/** SGLF lines of a path, read with zlib (independent of our readers). */
function sglfLines(dir: string, path: string): string[] {
  return gunzipSync(readFileSync(join(dir, `sglf/${path}.sglf.gz`)))
    .toString()
    .split('\n')
    .filter((l) => l !== '')
}

/** The `.gzi` block starts (compressed offsets), with the implied first block at 0. */
function blockStarts(gziFile: string): number[] {
  const b = readFileSync(gziFile)
  const n = Number(b.readBigUInt64LE(0))
  const out = [0]
  for (let i = 0; i < n; i++) out.push(Number(b.readBigUInt64LE(8 + 16 * i)))
  return out
}

describe('verify', () => {
  it('finds nothing wrong in a fresh store and checks every tile and genome', async () => {
    const r = await verify(store)
    expect(r.problems.map(formatProblem)).toEqual([])
    expect(r.suppressed).toBe(0)
    const paths = built.manifest.paths.map((p) => p.path.toString(16).padStart(4, '0'))
    expect(paths.length).toBe(4)
    const lines = paths.reduce((a, p) => a + sglfLines(store, p).length, 0)
    expect(r.checked.tiles).toBe(lines)
    expect(r.checked.samples).toBe(SAMPLES.length)
    expect(r.checked.paths).toBe(4)

    const { code, stdout } = await runCli('verify', store)
    expect(code).toBe(0)
    expect(stdout).toBe(
      `OK ${store}: 4 paths, ${r.checked.steps.toLocaleString('en-US')} tile steps, ` +
        `${lines.toLocaleString('en-US')} tile variants (md5 checked), 3 genomes decoded, ` +
        `${r.checked.files} files, ${r.checked.hashed} file hashes (size, md5)\n`,
    )
    // every file of the store but manifest.json is hashed
    const all = readdirSync(store, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    )
    expect(r.checked.hashed).toBe(all.length - 1)
  })

  it('reports a flipped byte in the compressed library tar (BGZF CRC)', async () => {
    const dir = copy()
    const tar = join(dir, 'library/0001.tar.gz')
    const starts = blockStarts(`${tar}.gzi`)
    const k = Math.floor(starts.length / 2)
    const bytes = readFileSync(tar)
    // a byte of block k's CRC-32 (its trailer is CRC32, ISIZE): the data inflates, the CRC fails
    bytes[starts[k + 1]! - 8]! ^= 0x01
    writeFileSync(tar, bytes)
    const r = await verify(dir)
    expect(r.problems.map(formatProblem)).toContain(
      `library/0001.tar.gz, offset ${starts[k]}: BGZF block data does not match its CRC-32`,
    )
    const { code, stdout, err } = await runCli('verify', dir)
    expect(code).toBe(1)
    expect(stdout).toContain(
      `library/0001.tar.gz, offset ${starts[k]}: BGZF block data does not match its CRC-32`,
    )
    expect(err).toMatch(/is damaged: \d+ problems?/)
  })

  it('reports a flipped byte inside the deflate data of the library tar', async () => {
    const dir = copy()
    const tar = join(dir, 'library/0002.tar.gz')
    const starts = blockStarts(`${tar}.gzi`)
    const k = Math.floor(starts.length / 3)
    const bytes = readFileSync(tar)
    bytes[Math.floor((starts[k]! + starts[k + 1]!) / 2)]! ^= 0x10
    writeFileSync(tar, bytes)
    const r = await verify(dir)
    const hits = r.problems.filter((p) => p.file === 'library/0002.tar.gz')
    expect(hits.length).toBeGreaterThan(1)
    // first the file's md5 against the manifest, then what the BGZF reader finds: either the
    // inflater rejects the stream or the CRC of what it produced fails; both name block k
    expect(formatProblem(hits[0]!)).toMatch(/^library\/0002.tar.gz: md5 of the contents is /)
    expect(formatProblem(hits[1]!)).toMatch(
      new RegExp(
        `^library/0002.tar.gz, offset ${starts[k]}: (BGZF block data does not match its CRC-32|cannot inflate)`,
      ),
    )
  })

  it('reports the md5 of a tile whose 2bit sequence changed in the tar', async () => {
    const dir = copy()
    const tar = join(dir, 'library/0001.tar.gz')
    const data = gunzipSync(readFileSync(tar))
    // the .tai: pick a step with several variants; the last byte of its member is packed bases
    const tai = readFileSync(join(dir, 'library/0001.tar.tai'), 'utf8').trim().split('\n')
    const lines = sglfLines(dir, '0001')
    const perStep = new Map<string, number>()
    for (const l of lines) perStep.set(l.slice(0, 12), (perStep.get(l.slice(0, 12)) ?? 0) + 1)
    const [name, offset, size] = tai
      .map((l) => l.split(' '))
      .find(([n]) => (perStep.get(n!.slice(0, 12)) ?? 0) >= 3)!
    const end = Number(offset) + Number(size)
    const before = parseTwoBit(data.subarray(Number(offset), end), name!, { lowercase: true })
    data[end - 1]! ^= 0xc0 // the first base held in the last byte
    const after = parseTwoBit(data.subarray(Number(offset), end), name!, { lowercase: true })
    const changed = after.findIndex((rec, i) => rec.sequence !== before[i]!.sequence)
    expect(changed).toBe(after.length - 1)
    await writeBgzfFile(tar, [data])

    const id = after[changed]!.name
    const lineNo = lines.findIndex((l) => l.startsWith(`${id}+`)) + 1
    const sglfMd5 = lines[lineNo - 1]!.split(',')[1]
    const md5 = SparkMD5.hash(after[changed]!.sequence)
    expect(md5).not.toBe(sglfMd5)
    const r = await verify(dir)
    const messages = r.problems.map(formatProblem)
    expect(messages).toContain(
      `library/0001.tar.gz: member ${name} (data at uncompressed offset ${offset}): ` +
        `${id} has md5 ${md5}, sglf/0001.sglf.gz line ${lineNo} says ${sglfMd5}`,
    )
    expect(
      messages.some((m) => m.startsWith('library/0001.tar.gz: path version from the tar')),
    ).toBe(true)
  })

  it('reports a truncated CGF', async () => {
    const dir = copy()
    const cgf = join(dir, 'genomes/HG00097.cgf3')
    const size = readFileSync(cgf).length
    truncateSync(cgf, Math.floor(size / 2))
    const r = await verify(dir)
    const problems = r.problems.map(formatProblem)
    expect(problems.length).toBeGreaterThan(0)
    // nothing else is blamed: the counts are not compared with an incomplete set of genomes
    expect(problems.every((p) => /^genomes\/HG00097\.cgf3[:,] /.test(p))).toBe(true)
    // first its size against the manifest, then where the CGF reader ran out of bytes
    expect(problems[0]).toBe(
      `genomes/HG00097.cgf3: ${Math.floor(size / 2)} bytes, manifest.json records ${size}: the file is damaged or truncated`,
    )
    expect(problems[1]).toMatch(
      /^genomes\/HG00097\.cgf3, offset \d+: .*(need \d+ bytes|file ends|truncated|past the end)/,
    )
    const { code, stdout } = await runCli('verify', dir)
    expect(code).toBe(1)
    expect(stdout).toContain('genomes/HG00097.cgf3, offset ')
  })

  it('reads the cohort matrix: a haplotype moved to another tile variant breaks the counts', async () => {
    const dir = copy()
    const m = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const p = m.paths[1]!
    const file = join(dir, storeFiles.genotypes(p.path))
    const all = await new MatrixReader(named(file)).decode()
    const h = all.haplotypes.length
    // a step of single-step tiles with two variants: move haplotype 0 to the other one
    const counts = await Store.open((rel) => openFile(join(dir, rel))).counts(p.path)
    let step = -1
    for (let s = 0; s < p.steps && step < 0; s++) {
      const n = counts.stepStart[s + 1]! - counts.stepStart[s]!
      const row = all.values.subarray(s * h, (s + 1) * h)
      if (
        n === 2 &&
        row.every((v) => v >= 0) &&
        counts.span.subarray(counts.stepStart[s]!, counts.stepStart[s + 1]!).every((x) => x === 1)
      )
        step = s
    }
    expect(step).toBeGreaterThanOrEqual(0)
    const was = all.values[step * h]!
    all.values[step * h] = 1 - was
    const w = await MatrixWriter.create(file, { path: p.path, haplotypes: h })
    for (let s = 0; s < p.steps; s++)
      await w.addRow(
        all.values.subarray(s * h, (s + 1) * h),
        all.nocalls.filter((e) => e.row === s).map((e) => [e.column, e.runs] as const),
      )
    await w.close()
    const problems = (await verify(dir)).problems.map(formatProblem)
    const tile = (v: number) => formatTileId({ path: p.path, version: 0, step, variant: v })
    // the file's size or hash, then the two variants whose carriers no longer add up
    expect(problems[0]).toMatch(
      new RegExp(`^${storeFiles.genotypes(p.path)}: (\\d+ bytes, manifest|md5 of the contents)`),
    )
    expect(problems.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^${storeFiles.libraryCounts(p.path)}: ${tile(Math.min(was, 1 - was))}: count `),
      ),
      expect.stringMatching(
        new RegExp(`^${storeFiles.libraryCounts(p.path)}: ${tile(Math.max(was, 1 - was))}: count `),
      ),
    ])
  })

  it('reports a genome the manifest names but the store lacks', async () => {
    const dir = copy()
    const m = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    // a store of CGFs only (as before the cohort matrix): its samples are its CGFs
    delete m.genotypes
    m.samples.push({ name: 'NA12878', phased: true, cgf: 'genomes/NA12878.cgf3' })
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
    const r = await verify(dir)
    const problems = r.problems.map(formatProblem)
    expect(problems.length).toBe(1)
    expect(problems[0]).toMatch(
      /^genomes\/NA12878\.cgf3: missing or unreadable \(.*ENOENT.*\); manifest\.json names it as the CGF of sample NA12878$/,
    )
    const { code, stdout, err } = await runCli('verify', dir)
    expect(code).toBe(1)
    expect(stdout).toContain('genomes/NA12878.cgf3: missing or unreadable')
    expect(err).toContain(`lightning-tiles: ${dir} is damaged: ${r.problems.length} problem`)
  })

  it('reports manifest versions that do not recompute', async () => {
    const dir = copy()
    const m = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const real = m.paths[1]!.version
    m.paths[1]!.version = '0'.repeat(32)
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
    const messages = (await verify(dir)).problems.map(formatProblem)
    expect(messages).toContain(
      `manifest.json: path 0001 has version ${'0'.repeat(32)}, the SGLF gives ${real}`,
    )
    expect(messages.some((s) => s.startsWith('manifest.json: libraryVersion is'))).toBe(true)
  })

  it('reports a store that is not there', async () => {
    const { code, stdout, err } = await runCli('verify', join(tmp, 'nothing'))
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(err).toMatch(/^lightning-tiles: store .*nothing: no such file or directory\n$/)
  })
})
