import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatBand, parseBand, parseBands } from '../src/formats/band/band.js'
import { bandFromFastj, matchVariant, nocallRuns } from '../src/formats/band/fromFastj.js'
import { reconstructAlleles } from '../src/formats/band/reconstruct.js'
import { joinAllele, readFastj } from '../src/formats/fastj/reader.js'
import type { FastjRecord } from '../src/formats/fastj/reader.js'
import { readSglfPath } from '../src/formats/sglf/reader.js'
import { FIXTURES, md5, named } from './shared.js'

const FJT = `${FIXTURES}l7g/fjt/`
const TBH = `${FIXTURES}l7g/tileband-hash/`

async function records(path: string): Promise<FastjRecord[]> {
  const out: FastjRecord[] = []
  for await (const r of readFastj(named(path))) out.push(r)
  return out
}

describe('band helpers', () => {
  it('finds the first same-length match, n matching anything', () => {
    const lib = [{ seq: 'acgta' }, { seq: 'acg' }, { seq: 'acc' }, { seq: 'agg' }]
    expect(matchVariant('acg', lib)).toBe(1)
    expect(matchVariant('anc', lib)).toBe(2)
    expect(matchVariant('nnn', lib)).toBe(1)
    expect(matchVariant('ttt', lib)).toBe(-1)
  })

  it('records no-call runs as (start, length) pairs', () => {
    expect(nocallRuns('nnacgNtn')).toEqual([0, 2, 5, 1, 7, 1])
    expect(nocallRuns('acgt')).toEqual([])
  })
})

describe('band from FastJ + SGLF, and back (spec §9, §12)', () => {
  it('035e.fj + 035e.sglf → 035e.band', async () => {
    const lib = await readSglfPath(named(`${FJT}035e.sglf.gz`))
    const band = bandFromFastj(await records(`${FJT}035e.fj`), lib)
    expect(formatBand(band)).toBe(readFileSync(`${FJT}035e.band`, 'latin1'))
  })

  it('035e.band + 035e.sglf → allele 0 equals 035e.0.seq (fjt -b | fjt -c 0)', async () => {
    const lib = await readSglfPath(named(`${FJT}035e.sglf.gz`))
    const band = parseBand(readFileSync(`${FJT}035e.band`, 'latin1'))
    const [a] = reconstructAlleles(band, lib)
    expect(a).toBe(readFileSync(`${FJT}035e.0.seq`, 'latin1').replace(/\n/g, ''))
    expect(a).toBe(joinAllele(await records(`${FJT}035e.fj`), 0))
  })

  it('band + 035e.1.sglf → the allele md5s of expect-test0.txt', async () => {
    const lib = await readSglfPath(named(`${FJT}035e.1.sglf.gz`))
    const expected = readFileSync(`${TBH}expect-test0.txt`, 'latin1').trim().split('\n')
    const got = ['hu826751-035e.band', 'hu34D5B9-035e.band'].map((name) => {
      const band = parseBand(readFileSync(`${FJT}${name}`, 'latin1'), name)
      return reconstructAlleles(band, lib).map(md5).join(' ')
    })
    expect(got).toEqual(expected)
  })

  it('empty path: zero.band + zero-035e.sglf → md5 of the empty string (expect-test1)', async () => {
    const lib = await readSglfPath(named(`${TBH}zero-035e.sglf`))
    const [band] = parseBands(readFileSync(`${TBH}zero.band`, 'latin1'))
    const got = reconstructAlleles(band!, lib).map(md5).join(' ')
    expect(got).toBe(readFileSync(`${TBH}expect-test1.txt`, 'latin1').trim())
    expect(got).toBe(`${md5('')} ${md5('')}`)
  })

  it('a record with no matching library variant is an error naming it', async () => {
    const lib = await readSglfPath(named(`${TBH}zero-035e.sglf`))
    const recs = await records(`${FJT}035e.fj`)
    expect(() => bandFromFastj(recs, lib, '035e.fj')).toThrow(
      /035e\.fj, line 1: 035e\.00\.0000\.000: no library variant/,
    )
  })
})
