import { describe, expect, it } from 'vitest'
import { AbortError, ArgumentError, FormatError } from '../src/core/errors.js'
import { hasByte } from '../src/core/bytes.js'
import { Lru } from '../src/core/lru.js'
import { Lazy, abortable, memo } from '../src/core/shared.js'
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

describe('Lru', () => {
  it('drops the least recently used entries past its capacity, by weight', () => {
    const lru = new Lru<string, number>(10)
    lru.set('a', 1, 4)
    lru.set('b', 2, 4)
    expect(lru.get('a')).toBe(1) // a is now the most recent
    lru.set('c', 3, 4) // 12 > 10: b goes
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual([1, undefined, 3])
    expect([lru.size, lru.weight]).toEqual([2, 8])
    lru.reweigh('c', 9) // a goes, c stays however heavy
    expect([lru.peek('a'), lru.peek('c'), lru.weight]).toEqual([undefined, 3, 9])
    lru.set('d', 4, 20)
    expect([lru.size, lru.peek('d'), lru.weight]).toEqual([1, 4, 20])
  })
})

describe('shared loads', () => {
  /** A load that settles when the test says so, counting how often it started. */
  function deferred() {
    let starts = 0
    let settle: { resolve: (v: string) => void; reject: (e: Error) => void } | undefined
    const make = () => {
      starts++
      return new Promise<string>((resolve, reject) => (settle = { resolve, reject }))
    }
    return { make, settle: () => settle!, starts: () => starts }
  }

  it('rejects an aborted caller at once; the others get the value of the one load', async () => {
    const d = deferred()
    const cache = new Map<string, Promise<string>>()
    const ac = new AbortController()
    const a = memo(cache, 'k', d.make, { signal: ac.signal })
    const b = memo(cache, 'k', d.make)
    ac.abort()
    await expect(a).rejects.toBeInstanceOf(AbortError)
    d.settle().resolve('v')
    expect(await b).toBe('v')
    expect(await memo(cache, 'k', d.make, { signal: new AbortController().signal })).toBe('v')
    expect(d.starts()).toBe(1)
  })

  it('forgets a failed load, so the next call starts it again', async () => {
    const d = deferred()
    const lazy = new Lazy(d.make)
    const first = lazy.get()
    d.settle().reject(new Error('HTTP 500'))
    await expect(first).rejects.toThrow('HTTP 500')
    const second = lazy.get()
    d.settle().resolve('v')
    expect(await second).toBe('v')
    expect(d.starts()).toBe(2)
  })

  it('weighs a load in a weighted Lru once it has resolved', async () => {
    const lru = new Lru<string, Promise<string>>(100)
    await memo(lru, 'x', async () => 'abc', { weigh: (v) => v.length })
    expect(lru.weight).toBe(3)
    await expect(abortable(Promise.resolve(1), AbortSignal.abort())).rejects.toBeInstanceOf(
      AbortError,
    )
  })
})

describe('hasByte', () => {
  it('agrees with TypedArray.includes at every offset and length, the byte in every lane of a word', () => {
    let checked = 0
    // one 2 among 1s and 0xffs, at each place in a 32-bit word (a byte's lane is its address mod 4)
    for (let at = 64; at < 72; at++) {
      const buf = new Uint8Array(220)
      for (let i = 0; i < buf.length; i++) buf[i] = i === at ? 2 : i % 3 === 0 ? 0xff : 1
      for (let off = 0; off < 8; off++)
        for (let n = 0; n <= 200; n++) {
          const v = buf.subarray(off, off + n)
          for (const value of [0, 2, 0xff]) {
            if (hasByte(v, value) !== v.includes(value))
              throw new Error(`hasByte(${value}) at ${off}+${n}, the 2 at ${at}`)
            checked++
          }
        }
    }
    expect(checked).toBe(8 * 8 * 201 * 3)
  })
})
