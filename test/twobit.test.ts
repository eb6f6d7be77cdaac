import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TwoBitFile } from '@gmod/twobit'
import { BlobFile, LocalFile, type GenericFilehandle } from 'generic-filehandle2'
import { afterAll, describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { TarReader } from '../src/container/tar/reader.js'
import { AbortError, ArgumentError, FormatError, NotFoundError } from '../src/core/errors.js'
import { seededRandom } from '../src/core/random.js'
import { parseTwoBit, TwoBitReader, type TwoBitRecord } from '../src/formats/twobit/reader.js'
import { encodeTwoBit, writeTwoBitFile } from '../src/formats/twobit/writer.js'
import { DATA, FIXTURES, describeShared } from './shared.js'

const TWOBIT = `${DATA}twobit/`
const SIMPLE = `${FIXTURES}l7g/twobit/simple.2bit`

function readFasta(path: string): Map<string, string> {
  const out = new Map<string, string>()
  let name = ''
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('>')) {
      name = line.slice(1).trim()
      out.set(name, '')
    } else if (line.trim()) out.set(name, out.get(name) + line.trim())
  }
  return out
}

/** A handle that counts the bytes it returns. */
class CountingHandle implements GenericFilehandle {
  bytes = 0
  reads = 0
  constructor(private inner: GenericFilehandle) {}
  async read(length: number, position: number, opts?: { signal?: AbortSignal }) {
    const b = await this.inner.read(length, position, opts)
    this.bytes += b.length
    this.reads++
    return b
  }
  readFile(): never {
    throw new Error('readers must use ranged reads')
  }
  stat() {
    return this.inner.stat()
  }
  close() {
    return this.inner.close()
  }
}

/** Index of the first differing byte (or of the shorter end), -1 when equal; fast on large arrays. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  if (
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(
      Buffer.from(b.buffer, b.byteOffset, b.length),
    )
  )
    return -1
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return n
}

function memFile(bytes: Uint8Array, name = 'mem.2bit') {
  return { name, handle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])) }
}

function localReader(path: string) {
  return new TwoBitReader({ name: path, handle: new LocalFile(path) })
}

/**
 * All sequences of a 2bit file as Debian's py2bit returns them (soft-masking kept). py2bit
 * refuses to read a zero-length sequence, so those are given as ''.
 */
function py2bit(path: string): Record<string, string> {
  const script =
    'import py2bit, json, sys\n' +
    't = py2bit.open(sys.argv[1], True)\n' +
    "print(json.dumps({c: t.sequence(c) if n else '' for c, n in t.chroms().items()}))"
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) throw new Error(`py2bit failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as Record<string, string>
}

// How the other readers differ from UCSC twoBitToFa (which this reader follows, and which
// simple.fa shows: N block (9,4) under mask block (3,9) reads 'nnnN'):
// py2bit prints every N block upper case even under a mask block;
const py2bitCase = (seq: string) => seq.replaceAll('n', 'N')
// @gmod/twobit gives a whole N block the case of its first base.
const gmodCase = (seq: string) => seq.replace(/[Nn]+/g, (run) => run[0]!.repeat(run.length))
const mapValues = (o: Record<string, string>, f: (s: string) => string) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]))

async function gmodRead(path: string): Promise<Record<string, string>> {
  const t = new TwoBitFile({ path })
  const out: Record<string, string> = {}
  for (const name of await t.getSequenceNames()) out[name] = (await t.getSequence(name)) ?? ''
  return out
}

/** Byte-swap every field of a little-endian 2bit file (test input for big-endian files). */
function toBigEndian(le: Uint8Array): Uint8Array {
  const out = le.slice()
  const v = new DataView(le.buffer, le.byteOffset, le.byteLength)
  const swap = (pos: number, size: number) => out.set(le.subarray(pos, pos + size).reverse(), pos)
  const version = v.getUint32(4, true)
  const count = v.getUint32(8, true)
  for (let p = 0; p < 16; p += 4) swap(p, 4)
  let pos = 16
  const offsets: number[] = []
  for (let i = 0; i < count; i++) {
    pos += 1 + le[pos]!
    const size = version === 1 ? 8 : 4
    offsets.push(Number(version === 1 ? v.getBigUint64(pos, true) : v.getUint32(pos, true)))
    swap(pos, size)
    pos += size
  }
  for (const off of offsets) {
    let p = off
    const nCount = v.getUint32(p + 4, true)
    const maskCount = v.getUint32(p + 8 + 8 * nCount, true)
    const fields = 2 + 2 * nCount + 1 + 2 * maskCount + 1
    for (let i = 0; i < fields; i++, p += 4) swap(p, 4)
  }
  return out
}

describeShared('2bit reader on real files', () => {
  const withFasta: [string, string][] = [
    [`${TWOBIT}volvox.2bit`, `${TWOBIT}volvox.2bit.fa`],
    [`${TWOBIT}volvox.long.2bit`, `${TWOBIT}volvox.2bit.fa`],
    [`${TWOBIT}foo.2bit`, `${TWOBIT}foo.2bit.fa`],
    [SIMPLE, `${FIXTURES}l7g/twobit/simple.fa`],
  ]
  // These FASTAs carry the same soft-masking as the 2bit files, so the comparison is exact.
  it.each(withFasta)('%s equals its FASTA', async (path, fasta) => {
    const expected = readFasta(fasta)
    const reader = localReader(path)
    expect(await reader.sequenceNames()).toEqual([...expected.keys()])
    for (const [name, seq] of expected) {
      expect(await reader.sequenceLength(name)).toBe(seq.length)
      expect(await reader.sequence(name)).toBe(seq)
      expect(await reader.sequence(name, 0, undefined, { lowercase: true })).toBe(seq.toLowerCase())
    }
    const parsed = parseTwoBit(readFileSync(path), path)
    expect(parsed).toEqual([...expected].map(([name, sequence]) => ({ name, sequence })))
  })

  // py2bit cannot open a file with no sequences, so empty.2bit is compared with @gmod/twobit only.
  it.each([
    ['T_ko.2bit', true],
    ['py2bit-foo.2bit', true],
    ['empty.2bit', false],
  ])('%s equals @gmod/twobit and py2bit', async (file, withPy2bit) => {
    const path = TWOBIT + file
    const ours = Object.fromEntries(
      parseTwoBit(readFileSync(path), path).map((r) => [r.name, r.sequence]),
    )
    expect(ours).toEqual(await gmodRead(path))
    if (withPy2bit) expect(ours).toEqual(py2bit(path))
    expect(await localReader(path).sequenceNames()).toEqual(Object.keys(ours))
  })

  it('reads sub-ranges equal to slices of the whole, fetching only their packed bytes', async () => {
    const path = `${TWOBIT}T_ko.2bit`
    const whole = parseTwoBit(readFileSync(path), path)[0]!.sequence
    const counter = new CountingHandle(new LocalFile(path))
    const reader = new TwoBitReader({ name: path, handle: counter })
    const size = readFileSync(path).length
    expect(await reader.sequence('chr1', 1000, 1010)).toBe(whole.slice(1000, 1010))
    // header + index + record header + 3 packed bytes, nothing like the 522 kB file
    expect(counter.bytes).toBeLessThan(200)
    const random = seededRandom(42)
    for (let i = 0; i < 200; i++) {
      const start = Math.floor(random() * whole.length)
      const end = Math.min(whole.length, start + Math.floor(random() * 5000))
      const before = counter.bytes
      expect(await reader.sequence('chr1', start, end)).toBe(whole.slice(start, end))
      expect(counter.bytes - before).toBe(
        end > start ? Math.ceil(end / 4) - Math.floor(start / 4) : 0,
      )
    }
    expect(counter.bytes).toBeLessThan(size)
  })

  it('sub-ranges honour N and mask blocks at every boundary', async () => {
    for (const path of [
      `${TWOBIT}foo.2bit`,
      `${TWOBIT}py2bit-foo.2bit`,
      SIMPLE,
      `${TWOBIT}volvox.2bit`,
    ]) {
      const reader = localReader(path)
      for (const { name, sequence } of parseTwoBit(readFileSync(path), path)) {
        const random = seededRandom(sequence.length)
        for (let i = 0; i < 100; i++) {
          const a = Math.floor(random() * (sequence.length + 1))
          const b = Math.floor(random() * (sequence.length + 1))
          const [start, end] = a < b ? [a, b] : [b, a]
          expect(await reader.sequence(name, start, end)).toBe(sequence.slice(start, end))
          expect(await reader.sequence(name, start, end, { lowercase: true })).toBe(
            sequence.slice(start, end).toLowerCase(),
          )
        }
      }
    }
  })

  it('reads big-endian files (the signature decides the byte order)', async () => {
    for (const file of ['volvox.2bit', 'volvox.long.2bit', 'foo.2bit']) {
      const le = new Uint8Array(readFileSync(TWOBIT + file))
      const be = toBigEndian(le)
      expect(Buffer.from(be.subarray(0, 4)).toString('hex')).toBe('1a412743')
      const expected = parseTwoBit(le, file)
      expect(parseTwoBit(be, file)).toEqual(expected)
      const reader = new TwoBitReader(memFile(be))
      expect((await reader.header()).littleEndian).toBe(false)
      for (const { name, sequence } of expected)
        expect(await reader.sequence(name, 3, sequence.length - 2)).toBe(sequence.slice(3, -2))
    }
  })

  it('re-writing the real files gives identical bytes', () => {
    for (const [file, version] of [
      ['volvox.2bit', 0],
      ['foo.2bit', 0],
      ['volvox.long.2bit', 1],
      ['py2bit-foo.2bit', 0],
      ['empty.2bit', 0],
      ['T_ko.2bit', 0],
    ] as const) {
      const bytes = new Uint8Array(readFileSync(TWOBIT + file))
      expect(firstDiff(encodeTwoBit(parseTwoBit(bytes, file), { version }), bytes), file).toBe(-1)
    }
  })
})

describe('2bit on the Lightning fixtures', () => {
  it('simple.2bit is the spec §3 test vector', async () => {
    const bytes = new Uint8Array(readFileSync(SIMPLE))
    expect(bytes.length).toBe(94)
    const reader = localReader(SIMPLE)
    const h = await reader.recordHeader('ex1')
    expect(h.dnaSize).toBe(21)
    expect([...h.nStarts].map((s, i) => [s, h.nSizes[i]])).toEqual([
      [9, 4],
      [14, 1],
      [16, 1],
    ])
    expect([...h.maskStarts].map((s, i) => [s, h.maskSizes[i]])).toEqual([
      [3, 9],
      [13, 5],
      [19, 2],
    ])
    expect(Buffer.from(bytes.subarray(h.dnaOffset)).toString('hex')).toBe('935000202740')
    expect(await reader.sequence('ex1')).toBe('ACTgcctttnnnNantnaCgc')
    expect(encodeTwoBit([{ name: 'ex1', sequence: 'ACTgcctttnnnNantnaCgc' }])).toEqual(bytes)
  })

  it('the members of the derived 2bit-tar tile library (spec §5.3) parse and re-encode exactly', async () => {
    const tar = TarReader.open(`${FIXTURES}derived/tilelib-035e/035e.tar.gz`, openFile)
    const index = await tar.index()
    expect(index.length).toBeGreaterThan(0)
    for (const member of index.names) {
      const bytes = await tar.read(member)
      const records = parseTwoBit(bytes, member)
      const step = member.replace(/\.2bit$/, '')
      records.forEach((r, i) => expect(r.name).toBe(`${step}.${i.toString(16).padStart(3, '0')}`))
      // one full mask block per tile: the default writer options reproduce the member
      expect(firstDiff(encodeTwoBit(records), bytes), member).toBe(-1)
      const gmod = new TwoBitFile({
        filehandle: new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>])),
      })
      for (const r of [records[0]!, records.at(-1)!])
        expect(await gmod.getSequence(r.name)).toBe(r.sequence)
      expect(parseTwoBit(bytes, member, { lowercase: true })).toEqual(
        records.map((r) => ({ name: r.name, sequence: r.sequence.toLowerCase() })),
      )
    }
  })
})

describe('2bit writer read by other tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twobit-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function randomRecords(seed: number): TwoBitRecord[] {
    const random = seededRandom(seed)
    const alphabet = 'ACGTNacgtn'
    const lengths = [0, 1, 2, 3, 4, 5, 7, 24, 250, 1000, 4097]
    return lengths.map((len, i) => {
      let sequence = ''
      // runs, so N blocks and mask blocks have realistic lengths
      while (sequence.length < len) {
        const ch = alphabet[Math.floor(random() * alphabet.length)]!
        sequence += ch.repeat(1 + Math.floor(random() * 12))
      }
      return { name: `seq${i}.${len}`, sequence: sequence.slice(0, len) }
    })
  }

  it('@gmod/twobit and py2bit read what we write (version 0)', async () => {
    const records = randomRecords(7)
    const path = join(dir, 'random.2bit')
    await writeTwoBitFile(path, records)
    const expected = Object.fromEntries(records.map((r) => [r.name, r.sequence]))
    expect(py2bit(path)).toEqual(mapValues(expected, py2bitCase))
    expect(await gmodRead(path)).toEqual(mapValues(expected, gmodCase))
    expect(parseTwoBit(readFileSync(path), path)).toEqual(records)
  })

  it('@gmod/twobit reads version 1', async () => {
    const records = randomRecords(8)
    const path = join(dir, 'random.v1.2bit')
    await writeTwoBitFile(path, records, { version: 1 })
    expect(readFileSync(path).readUInt32LE(4)).toBe(1)
    const expected = Object.fromEntries(records.map((r) => [r.name, r.sequence]))
    expect(await gmodRead(path)).toEqual(mapValues(expected, gmodCase))
    expect(parseTwoBit(readFileSync(path), path)).toEqual(records)
  })

  it('an all-lowercase sequence gets one mask block, none with maskBlocks: false', async () => {
    const sequence = 'gcttgtaggacataataataacaa'
    const masked = encodeTwoBit([{ name: '035e.00', sequence }])
    const reader = new TwoBitReader(memFile(masked))
    const h = await reader.recordHeader('035e.00')
    expect([...h.maskStarts, ...h.maskSizes]).toEqual([0, 24])
    const plain = encodeTwoBit([{ name: '035e.00', sequence }], { maskBlocks: false })
    expect(plain.length).toBe(masked.length - 8)
    const path = join(dir, 'plain.2bit')
    await writeTwoBitFile(path, [{ name: '035e.00', sequence }], { maskBlocks: false })
    expect(py2bit(path)).toEqual({ '035e.00': sequence.toUpperCase() })
    expect(parseTwoBit(plain, 'plain', { lowercase: true })).toEqual([
      { name: '035e.00', sequence },
    ])
  })

  it('refuses names and inputs 2bit cannot hold', () => {
    expect(() => encodeTwoBit([{ name: '', sequence: 'A' }])).toThrow(ArgumentError)
    expect(() => encodeTwoBit([{ name: 'a b', sequence: 'A' }])).toThrow(ArgumentError)
    expect(() => encodeTwoBit([{ name: 'x'.repeat(256), sequence: 'A' }])).toThrow(ArgumentError)
    expect(() =>
      encodeTwoBit([
        { name: 'a', sequence: 'A' },
        { name: 'a', sequence: 'C' },
      ]),
    ).toThrow(/duplicate/)
  })
})

describe('2bit bad input', () => {
  const good = encodeTwoBit([
    { name: 'chr1', sequence: 'ACGTNNNNacgtACGTACGTAC' },
    { name: 'chr2', sequence: 'ttttGGGG' },
  ])
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)
  const chr1 = view(good).getUint32(16 + 1 + 4, true)

  function corrupt(edit: (v: DataView, b: Uint8Array) => void, length = good.length): Uint8Array {
    const b = good.slice(0, length)
    edit(view(b), b)
    return b
  }

  /** Both the in-memory parser and the ranged reader must raise a FormatError at `offset`. */
  async function expectFormatError(bytes: Uint8Array, offset: number, message: RegExp) {
    let err: unknown
    try {
      parseTwoBit(bytes, 'bad.2bit')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FormatError)
    expect((err as FormatError).file).toBe('bad.2bit')
    expect((err as FormatError).offset).toBe(offset)
    expect((err as FormatError).message).toMatch(message)
    const reader = new TwoBitReader(memFile(bytes, 'bad.2bit'))
    const run = async () => {
      for (const name of await reader.sequenceNames()) await reader.sequence(name)
    }
    await expect(run()).rejects.toMatchObject({ name: 'FormatError', file: 'bad.2bit', offset })
    await expect(run()).rejects.toThrow(message)
  }

  it('wrong signature', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(0, 0x12345678, true)),
      0,
      /signature/,
    )
  })
  it('bad version', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(4, 2, true)),
      4,
      /version 2/,
    )
  })
  it('truncated in the header, the index, a record header and the bases', async () => {
    await expectFormatError(good.slice(0, 10), 10, /header/)
    await expectFormatError(good.slice(0, 22), 16, /index entry 0 of 2/)
    await expectFormatError(good.slice(0, chr1 + 6), chr1, /record/)
    const h = await new TwoBitReader(memFile(good)).recordHeader('chr2')
    await expectFormatError(good.slice(0, h.dnaOffset + 1), h.dnaOffset, /bases of 'chr2'/)
  })
  it('a corrupt sequence count', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(8, 0xffffffff, true)),
      8,
      /overlap/,
    )
    const b = encodeTwoBit([{ name: 'a', sequence: 'ACGT' }])
    // count 2 and a record offset far off: the index runs off the end of the file instead
    const twice = b.slice(0, 22)
    new DataView(twice.buffer).setUint32(8, 2, true)
    new DataView(twice.buffer).setUint32(18, 1000, true)
    await expectFormatError(twice, 22, /index entry 1 of 2 runs past/)
  })
  it('a corrupt name size', async () => {
    await expectFormatError(
      corrupt((_, b) => (b[16] = 200)),
      16,
      /index entry 0 of 2 runs past/,
    )
  })
  it('a corrupt dnaSize claiming 4 Gb fails at the first short read, without allocating it', async () => {
    const bad = corrupt((v) => v.setUint32(chr1, 0xfffffff0, true))
    const h = await new TwoBitReader(memFile(good)).recordHeader('chr1')
    await expectFormatError(bad, h.dnaOffset, /bases of 'chr1'/)
  })
  it('a corrupt block count', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(chr1 + 4, 0x7fffffff, true)),
      chr1 + 4,
      /N block count/,
    )
    // dnaSize large too: the count passes the sanity check and the block read runs off the end
    const both = corrupt((v) => {
      v.setUint32(chr1, 0xffffffff, true)
      v.setUint32(chr1 + 4, 0x7fffffff, true)
    })
    await expectFormatError(both, chr1, /runs past the end/)
  })
  it('a block outside the sequence', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(chr1 + 8, 100, true)),
      chr1 + 8,
      /N block 0/,
    )
  })
  it('an offset past the end of the file', async () => {
    await expectFormatError(
      corrupt((v) => v.setUint32(16 + 1 + 4, 1 << 30, true)),
      1 << 30,
      /record/,
    )
  })

  it('unknown names, bad ranges and aborts', async () => {
    const reader = new TwoBitReader(memFile(good))
    await expect(reader.sequence('chrX')).rejects.toThrow(NotFoundError)
    await expect(reader.sequence('chr2', 5, 9)).rejects.toThrow(ArgumentError)
    await expect(reader.sequence('chr2', -1, 2)).rejects.toThrow(ArgumentError)
    expect(await reader.sequence('chr2', 4, 4)).toBe('')
    const ac = new AbortController()
    ac.abort()
    await expect(reader.sequence('chr1', 0, 4, { signal: ac.signal })).rejects.toThrow(AbortError)
    expect(await reader.sequence('chr2', 2, 6)).toBe('ttGG')
  })
})
