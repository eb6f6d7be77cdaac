import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { join } from 'node:path'
import { BgzfFilehandle } from '@gmod/bgzf-filehandle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BgzfReader, crc32, parseGzi } from '../src/container/bgzf/reader.js'
import { BGZF_BLOCK_INPUT, BgzfEncoder, writeBgzfFile } from '../src/container/bgzf/writer.js'
import { FormatError } from '../src/core/errors.js'
import { openFile } from '../src/core/nodeFile.js'
import { DATA, hasTool, named, describeShared } from './shared.js'

const reader = (path: string, gzi = `${path}.gzi`) => new BgzfReader(named(path), named(gzi))

function lcg(seed: number) {
  let s = seed
  return (n: number) => {
    s = (s * 48271) % 2147483647
    return s % n
  }
}

/** ~5 MB of text: some compressible, some not, so block sizes vary. */
function input(): Buffer {
  const rnd = lcg(11)
  const parts: Buffer[] = []
  for (let i = 0; i < 80; i++) {
    const b = Buffer.alloc(40_000 + rnd(60_000))
    if (i % 3 === 0) for (let k = 0; k < b.length; k++) b[k] = rnd(256)
    else for (let k = 0; k < b.length; k++) b[k] = 'ACGT\n'.charCodeAt(rnd(5))
    parts.push(b)
  }
  return Buffer.concat(parts)
}

const isize = (block: Uint8Array) =>
  new DataView(block.buffer, block.byteOffset, block.byteLength).getUint32(block.length - 4, true)

const expectFormatError = async (p: Promise<unknown>, file: string) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(FormatError)
  expect((err as FormatError).file).toBe(file)
  expect((err as FormatError).offset).toBeTypeOf('number')
  return err as FormatError
}

describe('BGZF writer and reader', () => {
  let dir: string
  let data: Buffer
  let path: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lt-bgzf-'))
    data = input()
    path = join(dir, 'data.bgz')
    // Chunks of uneven size, so block boundaries fall inside chunks.
    const chunks: Buffer[] = []
    for (let at = 0, n = 1; at < data.length; at += n, n = (n * 7 + 3) % 150_001)
      chunks.push(data.subarray(at, at + n))
    expect(await writeBgzfFile(path, chunks)).toBe(data.length)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.skipIf(!hasTool('bgzip'))('passes bgzip -t and decompresses to the input', () => {
    expect(spawnSync('bgzip', ['-t', path]).status).toBe(0)
    expect(execFileSync('bgzip', ['-dc', path], { maxBuffer: 1 << 26 }).equals(data)).toBe(true)
  })

  it.skipIf(!hasTool('bgzip'))('writes the .gzi that bgzip -r rebuilds, byte for byte', () => {
    const copy = join(dir, 'copy.bgz')
    copyFileSync(path, copy)
    execFileSync('bgzip', ['-r', copy])
    const ours = readFileSync(`${path}.gzi`)
    expect(ours.length).toBeGreaterThan(8 + 16 * 70)
    expect(ours.equals(readFileSync(`${copy}.gzi`))).toBe(true)
  })

  it('reads back every byte, whole and in random ranges across block boundaries', async () => {
    const r = reader(path)
    expect(Buffer.from(await r.read(data.length, 0)).equals(data)).toBe(true)
    const { uncompressed } = await r.index()
    const rnd = lcg(5)
    for (let t = 0; t < 300; t++) {
      // Half the reads start just before a block boundary, so they cross it.
      const b = uncompressed[1 + rnd(uncompressed.length - 1)]!
      const off = t % 2 ? rnd(data.length) : Math.max(0, b - 1 - rnd(100))
      const len = Math.min(data.length - off, rnd(t % 5 ? 1000 : 3 * BGZF_BLOCK_INPUT))
      const got = await r.read(len, off)
      expect(got.length).toBe(len)
      expect(Buffer.from(got).equals(data.subarray(off, off + len))).toBe(true)
    }
    expect(Buffer.from(await r.read(1, data.length - 1))[0]).toBe(data[data.length - 1])
  })

  it('is read back by @gmod/bgzf-filehandle, every byte and across block boundaries', async () => {
    const fh = new BgzfFilehandle({
      filehandle: openFile(path),
      gziFilehandle: openFile(`${path}.gzi`),
    })
    expect(Buffer.from(await fh.read(data.length, 0)).equals(data)).toBe(true)
    const rnd = lcg(9)
    for (let t = 0; t < 100; t++) {
      const off = rnd(data.length)
      const len = Math.min(data.length - off, rnd(3 * BGZF_BLOCK_INPUT))
      expect(Buffer.from(await fh.read(len, off)).equals(data.subarray(off, off + len))).toBe(true)
    }
  })

  it('holds at most one block of input: everything pushed but < 0xff00 bytes comes back', () => {
    const enc = new BgzfEncoder({ level: 1 })
    const chunk = Buffer.alloc(1 << 20)
    for (let k = 0; k < chunk.length; k++) chunk[k] = 'ACGT\n'.charCodeAt((k * 7919) % 5)
    let emitted = 0
    for (let i = 0; i < 64; i++) {
      for (const block of enc.push(chunk)) emitted += isize(block)
      expect(enc.position - emitted).toBeGreaterThanOrEqual(0)
      expect(enc.position - emitted).toBeLessThan(BGZF_BLOCK_INPUT)
    }
    for (const block of enc.finish()) emitted += isize(block)
    expect(emitted).toBe(64 << 20)
  })

  it('keeps heap flat while encoding 200 MB (child process with --expose-gc)', () => {
    const script = `
      import { BgzfEncoder } from ${JSON.stringify(join(process.cwd(), 'src/container/bgzf/writer.ts'))}
      const enc = new BgzfEncoder({ level: 1 })
      const chunk = new Uint8Array(1 << 20).map((_, k) => 'ACGT\\n'.charCodeAt((k * 7919) % 5))
      const used = () => { globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers }
      for (let i = 0; i < 8; i++) enc.push(chunk)
      const before = used()
      for (let i = 8; i < 200; i++) enc.push(chunk)
      enc.finish()
      console.log(used() - before)`
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    )
    // 192 more MiB went through; growth is the .gzi table (16 bytes per block) and noise.
    expect(Math.abs(Number(out.trim()))).toBeLessThan(8 << 20)
  })

  it('rejects a truncated file with a FormatError naming the file and the block offset', async () => {
    const full = readFileSync(path)
    const gzi = parseGzi(readFileSync(`${path}.gzi`), 'gzi')
    const cut = join(dir, 'cut.bgz')
    const blockStart = gzi.compressed[40]!
    writeFileSync(cut, full.subarray(0, blockStart + 1000))
    const r = reader(cut, `${path}.gzi`)
    const err = await expectFormatError(r.read(10, gzi.uncompressed[40]! + 10), cut)
    expect(err.offset).toBe(blockStart)
    expect(err.message).toMatch(/truncated/)
    // Data before the cut still reads.
    const ok = await r.read(100, gzi.uncompressed[39]!)
    expect(
      Buffer.from(ok).equals(data.subarray(gzi.uncompressed[39]!, gzi.uncompressed[39]! + 100)),
    ).toBe(true)
    // Reading past the end of the data is an error, not a short result.
    await expectFormatError(reader(path).read(10, data.length - 5), path)
  })

  it('turns corrupt length fields, data and .gzi into typed errors, without hanging', async () => {
    const full = readFileSync(path)
    const gziBytes = readFileSync(`${path}.gzi`)
    const gzi = parseGzi(gziBytes, 'gzi')
    const at = gzi.compressed[10]!
    const bad = join(dir, 'bad.bgz')
    const tryRead = async (
      bytes: Buffer,
      u = gzi.uncompressed[10]!,
      len = 3 * BGZF_BLOCK_INPUT,
    ) => {
      writeFileSync(bad, bytes)
      return expectFormatError(reader(bad, `${path}.gzi`).read(len, u), bad)
    }
    // BSIZE of block 10 made smaller and larger.
    for (const delta of [-200, 300]) {
      const b = Buffer.from(full)
      b.writeUInt16LE(b.readUInt16LE(at + 16) + delta, at + 16)
      await tryRead(b)
    }
    // ISIZE beyond 64 KiB, ISIZE off by one, a flipped data byte (caught by the CRC).
    const end = gzi.compressed[11]!
    const isize = Buffer.from(full)
    isize.writeUInt32LE(0xffffffff, end - 4)
    expect((await tryRead(isize)).offset).toBe(at)
    const isize2 = Buffer.from(full)
    isize2.writeUInt32LE(isize2.readUInt32LE(end - 4) - 1, end - 4)
    await tryRead(isize2)
    const flip = Buffer.from(full)
    flip[at + 500] = flip[at + 500]! ^ 0x10
    expect((await tryRead(flip)).offset).toBe(at)
    // A .gzi whose count claims 2^60 entries, or whose entries go backwards.
    const huge = Buffer.from(gziBytes)
    huge.writeBigUInt64LE(1n << 60n, 0)
    const badGzi = join(dir, 'bad.gzi')
    writeFileSync(badGzi, huge)
    await expectFormatError(reader(path, badGzi).read(10, 0), badGzi)
    const back = Buffer.from(gziBytes)
    back.writeBigUInt64LE(5n, 8 + 16 * 3)
    writeFileSync(badGzi, back)
    expect((await expectFormatError(reader(path, badGzi).read(10, 0), badGzi)).offset).toBe(
      8 + 16 * 3,
    )
    // A .gzi of another file: its blocks do not line up with this file's.
    const other = join(dir, 'other.bgz')
    await writeBgzfFile(other, [data.subarray(12345)])
    await expectFormatError(reader(path, `${other}.gzi`).read(200_000, gzi.uncompressed[20]!), path)
  })

  it('fails a load of a missing .gzi and retries it next time', async () => {
    const gzi = join(dir, 'late.gzi')
    const r = reader(path, gzi)
    await expect(r.read(1, 0)).rejects.toThrow()
    copyFileSync(`${path}.gzi`, gzi)
    expect(Buffer.from(await r.read(100, 0)).equals(data.subarray(0, 100))).toBe(true)
  })

  it('honours an aborted signal', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(reader(path).read(10, 0, { signal: ac.signal })).rejects.toThrow(/abort/)
  })
})

describe('crc32', () => {
  it('equals zlib crc32 for every length 0..64 at every alignment, and for a block', () => {
    const buf = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24)
    for (let start = 0; start < 8; start++)
      for (let len = 0; len <= 64; len++) {
        const s = buf.subarray(start, start + len)
        expect(crc32(s)).toBe(zlibCrc32(s))
      }
    expect(crc32(buf)).toBe(zlibCrc32(buf))
  })
})

describeShared('BgzfReader on a bgzip-made file', () => {
  it('reads random ranges of chr20 equal to the plain FASTA slice', async () => {
    const d = `${DATA}grch37-chr20/`
    const plain = readFileSync(`${d}20.1-4000000.fa`)
    const r = reader(`${d}20.fa.gz`)
    const rnd = lcg(3)
    for (let t = 0; t < 100; t++) {
      const off = rnd(plain.length - 200_000)
      const len = rnd(200_000)
      expect(Buffer.from(await r.read(len, off)).equals(plain.subarray(off, off + len))).toBe(true)
    }
  })
})
