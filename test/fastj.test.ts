import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FastjValidationError,
  joinAllele,
  parseFastjHeader,
  readFastj,
  tagmaskMd5,
  validateFastj,
  validateFastjRecord,
} from '../src/formats/fastj/reader.js'
import type { FastjRecord, FastjRule } from '../src/formats/fastj/reader.js'
import { fastjToCsv, formatFastjRecord, writeFastj } from '../src/formats/fastj/writer.js'
import { FIXTURES, md5, named } from './shared.js'

const FJT = `${FIXTURES}l7g/fjt/`
const GOOD = [
  `${FJT}035e.fj`,
  `${FJT}035e.fj.gz`,
  `${FJT}example-tile.fj`,
  `${FIXTURES}l7g/fjcsv2sglf/test0/hu0211D6-GS01175-DNA_E02_035e.fj`,
  `${FIXTURES}l7g/fjcsv2sglf/test0/hu826751-GS03052-DNA_B01_035e.fj`,
]

async function records(path: string): Promise<FastjRecord[]> {
  const out: FastjRecord[] = []
  for await (const r of readFastj(named(path))) out.push(r)
  return out
}

/** The only byte differences our writer makes: `"notes":[ ]`/`[  ]` → `[]`, no extra final blank line. */
const canonical = (text: string) =>
  text.replace(/"notes":\[ +\]/g, '"notes":[]').replace(/\n+$/, '\n\n')

describe('FastJ header', () => {
  it('tagmask_md5sum vector of spec §8.3', () => {
    // 035e.00.0002.000 of test0/hu0211D6: endSeq …gatcacccn, endTag …gatcacccc.
    expect(tagmaskMd5('acgtn', '', 'ccccc')).toBe(md5('acgtC'))
    expect(tagmaskMd5('nnacg', 'ta', '')).toBe(md5('TAacg'))
  })

  it('names the field of a header that is not JSON', () => {
    expect(() =>
      parseFastjHeader('{"tileID":"035e.00.0000.001","startTile":,"n":1}', { line: 8 }),
    ).toThrow(/line 8: header is not valid JSON: field 'startTile' has no value/)
    expect(() => parseFastjHeader('{"tileID":"035e.00.0000.001","startTile":"true"}')).toThrow(
      /field 'md5sum' must be a JSON string/,
    )
  })
})

describe('FastJ fixtures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastj-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const path of GOOD) {
    it(`parses, validates and rewrites ${path.slice(FIXTURES.length)}`, async () => {
      const recs = await records(path)
      if (path.endsWith('example-tile.fj')) {
        // Four records cut from a path (steps 0-1): each is valid, the tiling has no end tile.
        recs.forEach((r) => validateFastjRecord(r, path))
        await expect(validateFastj(recs, path)).rejects.toThrow(/endTile must be true/)
      } else {
        await validateFastj(recs, path)
      }
      const text = path.endsWith('.gz')
        ? gunzipSync(readFileSync(path)).toString('latin1')
        : readFileSync(path, 'latin1')
      const written = recs.map(formatFastjRecord).join('')
      expect(written).toBe(canonical(text))
      expect(recs.length).toBe((text.match(/^>/gm) ?? []).length)
    })
  }

  it('keeps every header field', async () => {
    const [first] = await records(`${FJT}035e.fj`)
    expect(first!.header).toEqual({
      tileID: { path: 0x35e, version: 0, step: 0, variant: 0 },
      md5sum: '7346f663d221ed28c112df86eb5986ef',
      tagmask_md5sum: '7346f663d221ed28c112df86eb5986ef',
      locus: [{ build: 'hg19', chrom: 'chrM', start: 0, end: 244 }],
      n: 244,
      seedTileLength: 1,
      startTile: true,
      endTile: false,
      startSeq: 'gatcacaggtctatcaccctatta',
      endSeq: 'gcttgtaggacataataataacaa',
      startTag: '',
      endTag: 'gcttgtaggacataataataacaa',
      nocallCount: 0,
      notes: [],
    })
  })

  it('tagmask_md5sum of spec §8.3 on hu0211D6 035e.00.0002.000', async () => {
    const recs = await records(GOOD[3]!)
    const r = recs.find((x) => x.header.tileID.step === 2 && x.header.tileID.variant === 0)!
    expect(r.header.md5sum).toBe('9b5d7fbe30e6e9d559c277a2d94d22f4')
    expect(tagmaskMd5(r.seq, r.header.startTag, r.header.endTag)).toBe(
      '93ad1c588e14580836edb06c1a0b8419',
    )
  })

  it('writes BGZF that reads back to the same records', async () => {
    const recs = await records(`${FJT}035e.fj`)
    const out = join(dir, '035e.fj.gz')
    await writeFastj(out, recs)
    expect((await records(out)).map((r) => [r.header, r.seq])).toEqual(
      recs.map((r) => [r.header, r.seq]),
    )
  })

  const broken: [string, FastjRule][] = [
    ['broken_n', 'n'],
    ['broken_nocallCount', 'nocallCount'],
    ['broken_startTag', 'startTag'],
    ['broken_endTag', 'endTag'],
    ['broken_md5sum', 'md5sum'],
    ['broken_seedTileLength', 'step'],
    ['duplicate_tile', 'step'],
    ['broken_startTile', 'startTile'],
    ['non_bool_startTile', 'header'],
    ['broken_endTile', 'endTile'],
    ['no_endTile', 'endTile'],
  ]
  for (const [name, rule] of broken) {
    it(`rejects 035e.${name}.fj for rule ${rule}`, async () => {
      const path = `${FJT}035e.${name}.fj`
      const err = await validateFastj(readFastj(named(path)), path).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(FastjValidationError)
      expect((err as FastjValidationError).rule).toBe(rule)
      expect((err as FastjValidationError).file).toBe(path)
      expect((err as FastjValidationError).line).toBeGreaterThan(0)
    })
  }

  it('FastJ → CSV equals 035e.csv after sorting (fjt -C)', async () => {
    const csv = await fastjToCsv(await records(`${FJT}035e.fj`))
    const sortLines = (t: string) => t.trimEnd().split('\n').sort()
    expect(sortLines(csv)).toEqual(sortLines(readFileSync(`${FJT}035e.csv`, 'latin1')))
  })

  it('allele 0 joined equals 035e.0.seq', async () => {
    const seq = joinAllele(await records(`${FJT}035e.fj`), 0)
    const want = readFileSync(`${FJT}035e.0.seq`, 'latin1').replace(/\n/g, '')
    expect(seq.length).toBe(16575)
    expect(seq).toBe(want)
  })
})
