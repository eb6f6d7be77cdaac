import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { FormatError } from '../src/core/errors.js'
import { SpanTable, parseSpanLine, readSpans } from '../src/formats/span/reader.js'
import { formatSpanCsv, writeSpanFile } from '../src/formats/span/writer.js'
import { FIXTURES, named } from './shared.js'

describe('span CSV lines (spec §5.4)', () => {
  it('parses decimal spans and accepts an explicit ,1', () => {
    expect(parseSpanLine('0000.00.0004.42b,2')).toEqual({
      path: 0,
      version: 0,
      step: 4,
      variant: 0x42b,
      span: 2,
    })
    expect(parseSpanLine('035e.00.0018.01c,1')?.span).toBe(1)
    expect(parseSpanLine('035e.00.0018.01c,10')?.span).toBe(10)
    expect(parseSpanLine('   ')).toBeUndefined()
  })

  it('rejects hex or zero spans, extended IDs and extra columns, naming the line', () => {
    const place = { file: 'span.gz', line: 7 }
    expect(() => parseSpanLine('035e.00.0018.01c,a', place)).toThrow(/span\.gz, line 7: .*decimal/)
    expect(() => parseSpanLine('035e.00.0018.01c,0', place)).toThrow(FormatError)
    expect(() => parseSpanLine('035e.00.0018.01c+2,2', place)).toThrow(/without '\+SPAN'/)
    expect(() => parseSpanLine('035e.00.0018.01c,2,3', place)).toThrow(/3 columns/)
  })

  it('writes only spans other than 1', async () => {
    const text = await formatSpanCsv([
      { path: 0x35e, step: 0, variant: 7, span: 2 },
      { path: 0x35e, step: 0, variant: 8, span: 1 },
      { path: 0x35e, step: 0x1f, variant: 0x10, span: 11 },
    ])
    expect(text).toBe('035e.00.0000.007,2\n035e.00.001f.010,11\n')
  })
})

describe('span fixture', () => {
  const fixture = `${FIXTURES}derived/tilelib-035e/span.035e.csv.gz`
  const dir = mkdtempSync(join(tmpdir(), 'span-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('agrees with the spans of 035e.1.sglf', async () => {
    const table = await SpanTable.load(named(fixture))
    expect(table.size).toBe(434)
    // Every SGLF tile's span, read from the SGLF text directly.
    const sglf = gunzipSync(readFileSync(`${FIXTURES}l7g/fjt/035e.1.sglf.gz`)).toString('latin1')
    let checked = 0
    for (const line of sglf.split('\n')) {
      const m = /^035e\.00\.([0-9a-f]{4})\.([0-9a-f]{3})\+([0-9a-f]+),/.exec(line)
      if (!m) continue
      expect(table.get(0x35e, parseInt(m[1]!, 16), parseInt(m[2]!, 16))).toBe(parseInt(m[3]!, 16))
      checked++
    }
    expect(checked).toBe(2006) // every line of 035e.1.sglf (zcat | grep -c .)
  })

  it('round-trips: read, write gzip, same text', async () => {
    const entries = []
    for await (const e of readSpans(named(fixture))) entries.push(e)
    const out = join(dir, 'span.csv.gz')
    await writeSpanFile(out, entries)
    expect(gunzipSync(readFileSync(out))).toEqual(gunzipSync(readFileSync(fixture)))
    const plain = join(dir, 'span.csv')
    await writeSpanFile(plain, entries)
    expect(readFileSync(plain)).toEqual(gunzipSync(readFileSync(fixture)))
  })
})
