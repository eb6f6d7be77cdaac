import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobFile, LocalFile, type GenericFilehandle } from 'generic-filehandle2'
import { afterAll, describe, expect, it } from 'vitest'
import { ArgumentError, FormatError, NotFoundError } from '../src/core/errors.js'
import { writeBgzfFile } from '../src/container/bgzf/writer.js'
import { TagsetReader, type TagsetOptions } from '../src/formats/tagset/reader.js'
import { encodeTagset2bit, writeTagset2bit } from '../src/formats/tagset/writer.js'
import { parseTwoBit } from '../src/formats/twobit/reader.js'
import { FIXTURES } from './shared.js'

const TAGSET_035E = `${FIXTURES}l7g/fjcsv2sglf/035e.tagset`
const TAGSET_0000 = `${FIXTURES}l7g/pasta-assay/tagset-0000.gz`
const TAG_LIBRARY = `${FIXTURES}lightning/tags`

const local = (path: string, opts: TagsetOptions = {}) =>
  new TagsetReader({ name: path, handle: new LocalFile(path) }, opts)
const mem = (data: string | Uint8Array, name: string, opts: TagsetOptions = {}) =>
  new TagsetReader(
    { name, handle: new BlobFile(new Blob([data as string | Uint8Array<ArrayBuffer>])) },
    opts,
  )

describe('tagset forms on the fixtures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tagset-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // hg19 chrM, no header line
  const chrM = () =>
    readFileSync(`${FIXTURES}l7g/reference/hg19-chrM.fa`, 'utf8').replace(/\s+/g, '').toLowerCase()

  it('035e tag end positions are those of spec §1.4 and of the derived assembly', async () => {
    const reader = local(TAGSET_035E)
    expect(await reader.form()).toBe('text')
    expect(await reader.paths()).toEqual([0x35e])
    expect(await reader.tagLength()).toBe(24)
    const tags = await reader.tags(0x35e)
    expect(tags).toHaveLength(34)
    const ref = chrM()
    expect(ref).toHaveLength(16571)
    const ends = tags.map((tag) => {
      const at = ref.indexOf(tag)
      expect(at).toBeGreaterThanOrEqual(0)
      expect(ref.lastIndexOf(tag)).toBe(at) // tags are unique
      return at + 24
    })
    // spec §1.4
    expect(ends.slice(0, 10)).toEqual([244, 469, 961, 1396, 1769, 2227, 2722, 3114, 3339, 3564])
    expect(ends.at(-1)).toBe(16302)
    // derived/assembly.00.hg19.035e.fw: `SSSS\t%10d` per step; the last step ends at chrM's end
    const assembly = readFileSync(`${FIXTURES}derived/assembly.00.hg19.035e.fw`, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('>'))
      .map((l) => {
        const [step, end] = l.split('\t')
        expect(end).toHaveLength(10)
        return [parseInt(step!, 16), Number(end)]
      })
    expect(assembly).toEqual([...ends, ref.length].map((end, step) => [step, end]))
  })

  it('spec §1.4/§2.3 vectors through tileTags', async () => {
    const reader = local(TAGSET_035E)
    const tags = await reader.tags(0x35e)
    expect(tags[0]).toBe('gcttgtaggacataataataacaa')
    expect(tags[1]).toBe('acacattattttcccctcccactc')
    expect(await reader.tileTags(0x35e, 0)).toEqual({
      startTag: '',
      endTag: 'gcttgtaggacataataataacaa',
    })
    // the last step, 0x22, has tag[33] as its start tag and no end tag
    expect(await reader.tileTags(0x35e, 0x22)).toEqual({ startTag: tags[33], endTag: '' })
    expect(await reader.tileTags(0x35e, 0x21, 2)).toEqual({ startTag: tags[32], endTag: '' })
    // hu826751's 035e.00.0006+2 covers [2203, 3114)
    const ref = chrM()
    const { startTag, endTag } = await reader.tileTags(0x35e, 6, 2)
    expect(ref.indexOf(startTag)).toBe(2203)
    expect(ref.indexOf(endTag) + 24).toBe(3114)
    await expect(reader.tileTags(0x35e, 0x23)).rejects.toThrow(ArgumentError)
    await expect(reader.tileTags(0x35e, 0x21, 3)).rejects.toThrow(ArgumentError)
    await expect(reader.tileTags(0x35e, 0, 0)).rejects.toThrow(ArgumentError)
    await expect(reader.tags(0x35d)).rejects.toThrow(NotFoundError)
  })

  it('gzip text without a final newline, and the FASTA tag library', async () => {
    const gz = local(TAGSET_0000)
    expect(await gz.paths()).toEqual([0])
    const tags0 = await gz.tags(0)
    expect(tags0).toHaveLength(5432)
    expect(tags0[0]).toBe('ggagaactgtgctccgccttcaga') // spec §2.3
    const fasta = local(TAG_LIBRARY)
    expect(await fasta.form()).toBe('fasta')
    expect(await fasta.paths()).toEqual([0])
    const lib = await fasta.tags(0)
    expect(lib).toHaveLength(9)
    expect(lib).toEqual(tags0.slice(0, 9))
    expect(await fasta.tileTags(0, 9)).toEqual({ startTag: lib[8], endTag: '' })
  })

  it('tagset.2bit written and read back equals the text and FASTA forms', async () => {
    const tags035e = await local(TAGSET_035E).tags(0x35e)
    const tags0000 = await local(TAGSET_0000).tags(0)
    const paths = new Map([
      [0x35e, tags035e],
      [0, tags0000],
      [1, []],
    ])
    const path = join(dir, 'tagset.2bit')
    await writeTagset2bit(path, paths)
    const bytes = readFileSync(path)
    expect(new Uint8Array(bytes)).toEqual(encodeTagset2bit(paths))
    expect(parseTwoBit(bytes, path, { lowercase: true })).toEqual([
      { name: '0000.00', sequence: tags0000.join('') },
      { name: '0001.00', sequence: '' },
      { name: '035e.00', sequence: tags035e.join('') },
    ])
    const twoBit = local(path)
    expect(await twoBit.form()).toBe('2bit')
    expect(await twoBit.paths()).toEqual([0, 1, 0x35e])
    expect(await twoBit.tags(0x35e)).toEqual(tags035e)
    expect(await twoBit.tags(0)).toEqual(tags0000)
    expect(await twoBit.tags(1)).toEqual([])
    expect(await twoBit.tileTags(1, 0)).toEqual({ startTag: '', endTag: '' })
    const text = local(TAGSET_035E)
    for (const [step, span] of [
      [0, 1],
      [0, 3],
      [6, 2],
      [0x21, 1],
      [0x22, 1],
    ] as const)
      expect(await twoBit.tileTags(0x35e, step, span)).toEqual(
        await text.tileTags(0x35e, step, span),
      )
    const last = tags0000.length
    expect(await twoBit.tileTags(0, last)).toEqual({ startTag: tags0000[last - 1], endTag: '' })
    await expect(twoBit.tags(2)).rejects.toThrow(NotFoundError)

    // the CWL form: BGZF FASTA, one tag per line
    const fa = join(dir, 'tagset.fa.gz')
    const fasta = [...paths].map(
      ([p, t]) => `>${p.toString(16).padStart(4, '0')}.00\n${t.map((x) => x + '\n').join('')}`,
    )
    await writeBgzfFile(fa, [new TextEncoder().encode(fasta.join(''))])
    const bgzf = local(fa)
    expect(await bgzf.form()).toBe('fasta')
    expect(await bgzf.paths()).toEqual([0, 1, 0x35e])
    for (const p of [0, 1, 0x35e]) expect(await bgzf.tags(p)).toEqual(paths.get(p))
  })

  it('tileTags on a tagset.2bit reads only the tags it needs', async () => {
    const tags = await local(TAGSET_0000).tags(0)
    const bytes = encodeTagset2bit(new Map([[0, tags]]))
    let read = 0
    const blob = new BlobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))
    const handle = {
      read: async (length: number, position: number) => {
        const b = await blob.read(length, position)
        read += b.length
        return b
      },
      readFile: () => blob.readFile(),
      stat: () => blob.stat(),
      close: () => blob.close(),
    } as GenericFilehandle
    const reader = new TagsetReader({ name: 'counted.2bit', handle })
    expect(await reader.tileTags(0, 100, 3)).toEqual({ startTag: tags[99], endTag: tags[102] })
    expect(read).toBeLessThan(200) // of 32 kB
    const before = read
    await reader.tileTags(0, 4000)
    expect(read - before).toBe(2 * (24 / 4))
  })
})

describe('tagset bad input', () => {
  it('a text line of the wrong length or alphabet names the line', async () => {
    const text = 'acgtacgtacgtacgtacgtacgt\nacgtacgtacgtacgtacgtacg\n'
    await expect(mem(text, '0001.tagset').tags(1)).rejects.toMatchObject({
      name: 'FormatError',
      file: '0001.tagset',
      line: 2,
    })
    await expect(mem('acgtnacgt\n', '0001.tagset').tags(1)).rejects.toThrow(FormatError)
  })
  it('a text tagset whose file name does not give the path needs the option', async () => {
    const text = 'acgtacgtacgtacgtacgtacgt'
    await expect(mem(text, 'tags.txt').paths()).rejects.toThrow(ArgumentError)
    expect(await mem(text, 'tags.txt', { path: 7 }).tags(7)).toEqual([text])
  })
  it('FASTA records must be whole tags under PPPP.VV headers', async () => {
    await expect(mem('>chr1\nacgt\n', 'x.fa').paths()).rejects.toMatchObject({ line: 1 })
    await expect(mem('>0000.00\nacgt\n', 'x.fa').paths()).rejects.toMatchObject({ line: 1 })
    await expect(mem('acgt\n>0000.00\n', 'x.fa', { path: 0 }).paths()).rejects.toThrow(FormatError)
    expect(await mem('>0000.00\nacgtac\ngtacgt\n', 'x.fa', { tagLength: 4 }).tags(0)).toEqual([
      'acgt',
      'acgt',
      'acgt',
    ])
  })
  it('a tagset.2bit path whose length is not a multiple of the tag length', async () => {
    const bytes = encodeTagset2bit(new Map([[3, ['acgtacgtacgtacgtacgtacgt']]]))
    await expect(mem(bytes, 'bad.2bit', { tagLength: 5 }).tags(3)).rejects.toMatchObject({
      name: 'FormatError',
      file: 'bad.2bit',
    })
  })
  it('the writer refuses mixed tag lengths and non-acgt tags', () => {
    expect(() => encodeTagset2bit(new Map([[0, ['acgt', 'acg']]]))).toThrow(ArgumentError)
    expect(() => encodeTagset2bit(new Map([[0, ['acgn']]]))).toThrow(ArgumentError)
    expect(() => encodeTagset2bit(new Map([[0x10000, ['acgt']]]))).toThrow(ArgumentError)
  })
})
