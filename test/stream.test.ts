import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeBgzfFile } from '../src/container/bgzf/writer.js'
import { decompressedChunks, readLines } from '../src/container/stream.js'
import { ArgumentError, FormatError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import { DATA, hasTool, named, describeShared } from './shared.js'

/** Deterministic multi-MB text with \n and \r\n endings, empty lines and no final newline. */
function sourceText(): string {
  const rnd = seededRandom(7)
  const parts: string[] = []
  let size = 0
  for (let i = 0; size < 3_000_000; i++) {
    const len = Math.floor(rnd() * 200)
    let s = `${i}\t`
    for (let k = 0; k < len; k++) s += 'ACGTN'[Math.floor(rnd() * 5)]
    s += i % 7 === 0 ? '\r\n' : i % 11 === 0 ? '\n\n' : '\n'
    parts.push(s)
    size += s.length
  }
  parts.push('last line without newline é')
  return parts.join('')
}

async function collectLines(path: string, chunkSize?: number) {
  const out: string[] = []
  let expectLine = 1
  for await (const { text, line } of readLines(named(path), chunkSize ? { chunkSize } : {})) {
    expect(line).toBe(expectLine++)
    out.push(text)
  }
  return out
}

describe('decompressedChunks / readLines', () => {
  let dir: string
  let text: string
  let expected: string[]
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-stream-'))
    text = sourceText()
    expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    writeFileSync(join(dir, 'plain.txt'), text)
    writeFileSync(join(dir, 'one.gz'), gzipSync(text))
    const half = text.length >> 1
    writeFileSync(
      join(dir, 'multi.gz'),
      Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]),
    )
    await writeBgzfFile(join(dir, 'ours.bgz'), [text])
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const f of ['plain.txt', 'one.gz', 'multi.gz', 'ours.bgz'])
    it(`reads ${f} line by line equal to the source`, async () => {
      expect(await collectLines(join(dir, f))).toEqual(expected)
    })

  it('gives the same lines with odd chunk sizes (blocks and lines split across reads)', async () => {
    expect(await collectLines(join(dir, 'ours.bgz'), 65_537)).toEqual(expected)
    expect(await collectLines(join(dir, 'multi.gz'), 4099)).toEqual(expected)
  })

  it.skipIf(!hasTool('bgzip'))('reads a bgzip-made file byte for byte', async () => {
    execFileSync('bgzip', ['-k', '-f', join(dir, 'plain.txt')])
    const parts: Buffer[] = []
    for await (const c of decompressedChunks(named(join(dir, 'plain.txt.gz'))))
      parts.push(Buffer.from(c))
    expect(Buffer.concat(parts).equals(readFileSync(join(dir, 'plain.txt')))).toBe(true)
  })

  it('handles an empty file and a file that is only a newline', async () => {
    writeFileSync(join(dir, 'empty.txt'), '')
    writeFileSync(join(dir, 'nl.txt'), '\n')
    expect(await collectLines(join(dir, 'empty.txt'))).toEqual([])
    expect(await collectLines(join(dir, 'nl.txt'))).toEqual([''])
  })

  it('rejects a truncated BGZF and a truncated gzip with a FormatError naming the file', async () => {
    const full = readFileSync(join(dir, 'ours.bgz'))
    const cut = join(dir, 'cut.bgz')
    writeFileSync(cut, full.subarray(0, 200_000))
    const err = await collectLines(cut).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FormatError)
    expect((err as FormatError).file).toBe(cut)
    expect((err as FormatError).offset).toBeGreaterThan(0)
    // Cut at a block boundary: only the missing EOF block tells.
    const second = full.readUInt16LE(16) + 1
    writeFileSync(cut, full.subarray(0, second))
    await expect(collectLines(cut)).rejects.toThrow(/EOF block/)
    const gz = readFileSync(join(dir, 'one.gz'))
    const cutGz = join(dir, 'cut.gz')
    writeFileSync(cutGz, gz.subarray(0, gz.length >> 1))
    const gzErr = await collectLines(cutGz).catch((e: unknown) => e)
    expect(gzErr).toBeInstanceOf(FormatError)
    expect((gzErr as FormatError).file).toBe(cutGz)
  })

  it('refuses a chunk size too small to hold a gzip header', async () => {
    await expect(collectLines(join(dir, 'ours.bgz'), 17)).rejects.toBeInstanceOf(ArgumentError)
  })

  it('stops on an aborted signal', async () => {
    const ac = new AbortController()
    ac.abort()
    const it = readLines(named(join(dir, 'ours.bgz')), { signal: ac.signal })
    await expect(it.next()).rejects.toThrow(/abort/)
  })
})

describeShared('readLines on real data', () => {
  it('reads the chr20 FASTA (BGZF by bgzip) equal to its first 4 Mb slice, stopping early', async () => {
    const plain = readFileSync(`${DATA}grch37-chr20/20.1-4000000.fa`, 'utf8').split('\n')
    if (plain[plain.length - 1] === '') plain.pop()
    const got: string[] = []
    for await (const { text } of readLines(named(`${DATA}grch37-chr20/20.fa.gz`))) {
      got.push(text)
      if (got.length === plain.length) break
    }
    // The slice ends at base 4000000, inside a line of the full file.
    expect(got.slice(0, -1)).toEqual(plain.slice(0, -1))
    expect(got[got.length - 1]!.startsWith(plain[plain.length - 1]!)).toBe(true)
  })
})
