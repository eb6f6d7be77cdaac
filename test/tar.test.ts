import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TarIndex, TarReader } from '../src/container/tar/reader.js'
import { writeTarBgzf } from '../src/container/tar/writer.js'
import { ArgumentError, FormatError, NotFoundError } from '../src/core/errors.js'
import { openFile } from '../src/core/nodeFile.js'
import { FIXTURES, hasTool } from './shared.js'

const hasTools = hasTool('bgzip') && hasTool('tar')

/** bgzip's own extraction of [offset, offset+size) of the uncompressed file. */
const bgzipRange = (file: string, offset: number, size: number) =>
  execFileSync('bgzip', ['-c', '-b', String(offset), '-s', String(size), file], {
    maxBuffer: 1 << 26,
  })

function members(): { name: string; data: Buffer }[] {
  let s = 17
  const rnd = (n: number) => (s = (s * 48271) % 2147483647) % n
  const sizes = [0, 1, 511, 512, 513, 1024, 70_000, 200_000]
  for (let i = 0; i < 60; i++) sizes.push(rnd(20_000))
  return sizes.map((size, i) => {
    const data = Buffer.alloc(size)
    for (let k = 0; k < size; k++) data[k] = i % 2 ? rnd(256) : 'acgt'.charCodeAt(rnd(4))
    const name =
      i === 1
        ? `${'d'.repeat(120)}/${'long-name-in-the-ustar-prefix-'.repeat(3)}.2bit`
        : i === 2
          ? 'a name with spaces.2bit'
          : `035e.00.${i.toString(16).padStart(4, '0')}.2bit`
    return { name, data }
  })
}

describe('tar + .tai writer and reader', () => {
  let dir: string
  let tarGz: string
  const input = members()
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-tar-'))
    tarGz = join(dir, 'lib.tar.gz')
    const result = await writeTarBgzf(tarGz, input)
    expect(result.members).toBe(input.length)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes X.tar.gz, X.tar.gz.gzi and X.tar.tai', () => {
    expect(readdirSync(dir).sort()).toEqual(['lib.tar.gz', 'lib.tar.gz.gzi', 'lib.tar.tai'])
  })

  it.skipIf(!hasTools)('is a tar that tar tvf lists with the right names and sizes', () => {
    expect(spawnSync('bgzip', ['-t', tarGz]).status).toBe(0)
    const tar = execFileSync('bgzip', ['-dc', tarGz], { maxBuffer: 1 << 26 })
    const listing = execFileSync('tar', ['tvf', '-'], { input: tar, encoding: 'utf8' })
      .trimEnd()
      .split('\n')
      .map((l) => {
        const m = /^-rw-r--r-- 0\/0 +(\d+) 1970-01-01 00:00 (.+)$/.exec(l)
        expect(m, l).not.toBeNull()
        return [m![2], Number(m![1])]
      })
    expect(listing).toEqual(input.map((m) => [m.name, m.data.length]))
    // And tar extracts every member to its bytes.
    const out = join(dir, 'x')
    mkdirSync(out)
    execFileSync('tar', ['xf', '-', '-C', out], { input: tar })
    for (const m of input) expect(readFileSync(join(out, m.name)).equals(m.data)).toBe(true)
    rmSync(out, { recursive: true })
  })

  it('reads every member through .tai + .gzi equal to its bytes (and to bgzip -b/-s)', async () => {
    const r = TarReader.open(tarGz, openFile)
    const index = await r.index()
    expect(index.names).toEqual(input.map((m) => m.name))
    for (const m of input) {
      expect(Buffer.from(await r.read(m.name)).equals(m.data)).toBe(true)
      const e = index.get(m.name)!
      if (hasTools && e.size > 0)
        expect(bgzipRange(tarGz, e.offset, e.size).equals(m.data)).toBe(true)
    }
  })

  it('names a member missing from the .tai with a NotFoundError', async () => {
    const r = TarReader.open(tarGz, openFile)
    const err = await r.read('035e.00.ffff.2bit').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NotFoundError)
    expect((err as Error).message).toContain('035e.00.ffff.2bit')
    expect((err as Error).message).toContain(join(dir, 'lib.tar.tai'))
  })

  it('refuses names ustar cannot hold, and duplicates, leaving no files behind', async () => {
    const bad = [
      [{ name: 'é.2bit', data: Buffer.alloc(1) }],
      [{ name: 'x'.repeat(101), data: Buffer.alloc(1) }],
      [{ name: 'line\nbreak', data: Buffer.alloc(1) }],
      [
        { name: 'same', data: Buffer.alloc(1) },
        { name: 'same', data: Buffer.alloc(2) },
      ],
    ]
    const sub = join(dir, 'bad')
    mkdirSync(sub)
    for (const ms of bad)
      await expect(writeTarBgzf(join(sub, 'b.tar.gz'), ms)).rejects.toBeInstanceOf(ArgumentError)
    expect(readdirSync(sub)).toEqual([])
    await expect(writeTarBgzf(join(sub, 'b.tgz'), [])).rejects.toBeInstanceOf(ArgumentError)
    const ac = new AbortController()
    ac.abort()
    await expect(writeTarBgzf(join(sub, 'b.tar.gz'), input, { signal: ac.signal })).rejects.toThrow(
      /abort/,
    )
    expect(readdirSync(sub)).toEqual([])
  })

  it.skipIf(!hasTools)('writes an empty archive that tar reads', async () => {
    const empty = join(dir, 'empty.tar.gz')
    await writeTarBgzf(empty, [])
    const tar = execFileSync('bgzip', ['-dc', empty])
    // one 10240-byte record of zeros, as `tar cf x.tar -T /dev/null` writes
    expect(tar.equals(Buffer.alloc(10240))).toBe(true)
    expect(execFileSync('tar', ['tvf', '-'], { input: tar, encoding: 'utf8' })).toBe('')
    expect(readFileSync(join(dir, 'empty.tar.tai'), 'utf8')).toBe('')
  })
})

describe('TarIndex.parse', () => {
  it('splits on the last two spaces, so names may hold spaces; accepts \\r\\n', () => {
    const t = TarIndex.parse('a b c 512 10\r\nx 1024 0\n', 'i.tai')
    expect(t.names).toEqual(['a b c', 'x'])
    expect(t.get('a b c')).toEqual({ name: 'a b c', offset: 512, size: 10 })
    expect(t.get('x')).toEqual({ name: 'x', offset: 1024, size: 0 })
    expect(t.get('y')).toBeUndefined()
  })

  it.each([
    ['a 512', 1],
    ['a 512 10\nb 5l2 10', 2],
    ['a 512 10\n\nb 1 1', 2],
    [' 512 10', 1],
    ['a -1 10', 1],
    ['a 512 1e3', 1],
    ['a 512 10\na 1024 10', 2],
    ['a 9007199254740991 10', 1],
  ])('rejects %j at line %i with a FormatError naming the file', (text, line) => {
    const err = (() => {
      try {
        TarIndex.parse(text, 'bad.tai')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(FormatError)
    expect((err as FormatError).file).toBe('bad.tai')
    expect((err as FormatError).line).toBe(line)
  })

  it('reports a bad .tai through TarReader, and loads a fixed one on the next call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-tai-'))
    try {
      const tarGz = join(dir, 'one.tar.gz')
      await writeTarBgzf(tarGz, [{ name: 'm', data: Buffer.from('hello') }])
      const tai = join(dir, 'one.tar.tai')
      const good = readFileSync(tai)
      writeFileSync(tai, 'm 512\n')
      const r = TarReader.open(tarGz, openFile)
      await expect(r.read('m')).rejects.toMatchObject({ name: 'FormatError', file: tai, line: 1 })
      writeFileSync(tai, good)
      expect(Buffer.from(await r.read('m')).toString()).toBe('hello')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the tilelib-035e fixture', () => {
  const base = `${FIXTURES}derived/tilelib-035e/035e.tar.gz`
  it('holds 035e.00.0018.2bit at 934912 (4431 bytes), a 2bit file of 31 sequences', async () => {
    const r = TarReader.open(base, openFile)
    expect((await r.index()).get('035e.00.0018.2bit')).toEqual({
      name: '035e.00.0018.2bit',
      offset: 934912,
      size: 4431,
    })
    const bytes = Buffer.from(await r.read('035e.00.0018.2bit'))
    expect(bytes.length).toBe(4431)
    expect(bytes.readUInt32LE(0)).toBe(0x1a412743)
    expect(bytes.readUInt32LE(8)).toBe(31)
    if (hasTool('bgzip')) expect(bytes.equals(bgzipRange(base, 934912, 4431))).toBe(true)
  })

  it.skipIf(!hasTool('bgzip'))('reads every member equal to bgzip -b/-s extraction', async () => {
    const r = TarReader.open(base, openFile)
    const index = await r.index()
    expect(index.length).toBe(35)
    for (const name of index.names) {
      const e = index.get(name)!
      expect(Buffer.from(await r.read(name)).equals(bgzipRange(base, e.offset, e.size))).toBe(true)
    }
  })
})

describe('TarReader.members', () => {
  it('streams every member of the derived 035e library equal to its ranged read', async () => {
    const dir = `${FIXTURES}derived/tilelib-035e/`
    const reader = TarReader.open(`${dir}035e.tar.gz`, openFile)
    const names: string[] = []
    for await (const m of reader.members({ chunkSize: 4099 })) {
      names.push(m.name)
      expect(Buffer.from(m.data).equals(Buffer.from(await reader.read(m.name)))).toBe(true)
    }
    expect(names).toEqual([...(await reader.index()).names])
    expect(names).toHaveLength(35)
  })
})
