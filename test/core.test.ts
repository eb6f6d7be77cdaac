import { describe, expect, it } from 'vitest'
import { ArgumentError, FormatError } from '../src/core/errors.js'
import { formatTileId, parseTileId } from '../src/core/tileId.js'
import { formatRegion, parseRegion } from '../src/core/region.js'

describe('tile IDs (spec §1.3)', () => {
  it('parses and formats extended IDs with a hex span', () => {
    const id = parseTileId('0251.00.341e.009+a')
    expect(id).toEqual({ path: 0x251, version: 0, step: 0x341e, variant: 9, span: 10 })
    expect(formatTileId(id)).toBe('0251.00.341e.009+a')
    expect(formatTileId({ path: 0x35e, version: 0, step: 0x18, variant: 0x1c })).toBe(
      '035e.00.0018.01c',
    )
  })
  it('keeps variants wider than 3 hex digits', () => {
    expect(parseTileId('035e.00.0018.1234').variant).toBe(0x1234)
    expect(formatTileId({ path: 1, version: 0, step: 2, variant: 0x1234, span: 1 })).toBe(
      '0001.00.0002.1234+1',
    )
  })
  it.each([
    '035e.00.0000.000+1+2',
    '035e.00.0000.000+0',
    '035e.00.0000.000-1',
    '35e.00.0000.000',
    'x',
  ])('rejects %s', (text) => expect(() => parseTileId(text)).toThrow(ArgumentError))
  it('can require a span (SGLF)', () => {
    expect(() => parseTileId('035e.00.0000.000', { requireSpan: true })).toThrow(/missing/)
  })
})

describe('regions', () => {
  it('converts 1-based inclusive text to 0-based half-open', () => {
    expect(parseRegion('20:1,000,001-1,000,100')).toEqual({
      chrom: '20',
      start: 1_000_000,
      end: 1_000_100,
    })
    expect(parseRegion('chrM', 16571)).toEqual({ chrom: 'chrM', start: 0, end: 16571 })
    expect(formatRegion({ chrom: '20', start: 9, end: 20 })).toBe('20:10-20')
  })
  it('rejects an empty or reversed region', () => {
    expect(() => parseRegion('20:10-9')).toThrow(ArgumentError)
    expect(() => parseRegion('20:0-9')).toThrow(ArgumentError)
  })
})

describe('errors', () => {
  it('name the file, the line and the offset', () => {
    const e = new FormatError('expected a tab', { file: 'a.fw', line: 3, offset: 40 })
    expect(e.message).toBe('a.fw, line 3, offset 40: expected a tab')
    expect(e.file).toBe('a.fw')
  })
})
