import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { readLines } from '../src/container/stream.js'
import {
  PathVersionHasher,
  SglfValidationError,
  SglfValidator,
  libraryVersion,
  readSglfPath,
  readSglfTiles,
  sglfPathVersions,
  sglfPaths,
  sglfSteps,
  sglfTiles,
} from '../src/formats/sglf/reader.js'
import type { SglfRule } from '../src/formats/sglf/reader.js'
import { emptySglfTile, formatSglf, writeSglf } from '../src/formats/sglf/writer.js'
import { FIXTURES, hasTool, md5, named } from './shared.js'

const TL = `${FIXTURES}l7g/tile-lib/`
const FJT = `${FIXTURES}l7g/fjt/`

async function validate(path: string): Promise<number> {
  let n = 0
  for await (const t of readSglfTiles(named(path), { validate: true })) n += t.line > 0 ? 1 : 0
  return n
}

async function rejection(path: string): Promise<SglfValidationError> {
  const err = await validate(path).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SglfValidationError)
  return err as SglfValidationError
}

describe('SGLF validation (spec §7.2, upstream sglf-check tests)', () => {
  // sglf-check-tests.sh expects these to pass, 035e-empty-seq.sglf included: an empty sequence
  // with the md5 of the empty string is allowed (it is how an empty path is written).
  for (const name of ['a0', 'a1', 'b0', 'b1', 'empty-seq']) {
    it(`accepts 035e-${name}.sglf`, async () => {
      expect(await validate(`${TL}035e-${name}.sglf`)).toBeGreaterThan(0)
    })
  }
  // MANIFEST calls these valid, but they are merge-sglf inputs (decimated: variants 024, 081, 0aa
  // of a step) that the upstream sglf-check test never runs; sglf-check stops on its order rule.
  for (const name of ['small', 'small-top5-bot5']) {
    it(`035e-${name}.sglf: every line passes rules 1-3, the file fails the order rule`, async () => {
      let n = 0
      for await (const t of readSglfTiles(named(`${TL}035e-${name}.sglf`))) {
        new SglfValidator().check(t) // a fresh validator: no order context
        n++
      }
      expect(n).toBeGreaterThan(1)
      const err = await rejection(`${TL}035e-${name}.sglf`)
      expect([err.rule, err.line]).toEqual(['order', 2])
    })
  }

  it('accepts the clean 035e.1.sglf.gz and the empty-path SGLFs', async () => {
    expect(await validate(`${FJT}035e.1.sglf.gz`)).toBe(2006)
    expect(await validate(`${FIXTURES}l7g/tileband-hash/zero-035e.sglf`)).toBe(1)
    expect(await validate(`${FIXTURES}l7g/tileband-hash/zero-035c.sglf`)).toBe(1)
  })

  const bad: [string, SglfRule, number, RegExp][] = [
    ['035e-bad-tileid-0.sglf', 'tile-id', 4, /'035e\.00\.0002\.000\+1\+2'/],
    ['035e-bad-tileid-1.sglf', 'tile-id', 3, /span of '035e\.00\.0001\.000\+0' is not ≥ 1/],
    ['035e-bad-tileid-2.sglf', 'tile-id', 5, /'035e\.00\.0002\.001-1'/],
    ['035e-bad-tileid-3.sglf', 'tile-id', 4, /'035e\.00\.0002\.000'/],
    ['035e-badhash.sglf', 'md5', 2, /md5 of the sequence is/],
    ['035e-badseq.sglf', 'sequence', 2, /holds ';' at position 5/],
  ]
  for (const [name, rule, line, reason] of bad) {
    it(`rejects ${name}: rule ${rule}, line ${line}`, async () => {
      const err = await rejection(`${TL}${name}`)
      expect([err.rule, err.line, err.file]).toEqual([rule, line, `${TL}${name}`])
      expect(err.message).toMatch(reason)
    })
  }

  it('rejects 035e.sglf.gz (PASTA symbols in sequences) on the sequence rule', async () => {
    const err = await rejection(`${FJT}035e.sglf.gz`)
    expect(err.rule).toBe('sequence')
  })

  it('checks order: steps ascend, variants start at 0 and go up by one', async () => {
    const t = (id: string, seq: string) => `${id},${md5(seq)},${seq}`
    const run = async (text: string) => {
      const lines = text.split('\n').map((l, i) => ({ text: l, line: i + 1 }))
      let n = 0
      for await (const t of sglfTiles(lines, 'x.sglf', { validate: true })) n += t.span
      return n
    }
    await expect(
      run([t('035e.00.0001.000+1', 'a'), t('035e.00.0000.000+1', 'c')].join('\n')),
    ).rejects.toThrow(/x\.sglf, line 2: .*step goes back/)
    await expect(
      run([t('035e.00.0001.000+1', 'a'), t('035e.00.0002.001+1', 'c')].join('\n')),
    ).rejects.toThrow(/must be 000/)
    await expect(
      run([t('035e.00.0001.000+1', 'a'), t('035e.00.0001.002+1', 'c')].join('\n')),
    ).rejects.toThrow(/must follow 000 by one/)
    // A new path starts afresh (the first line of a path is exempt).
    await run([t('035e.00.0001.003+1', 'a'), t('035f.00.0000.004+1', 'c')].join('\n'))
  })
})

describe('SGLF versions (spec §5.5)', () => {
  it('035e-a0: the manifest of the spec and path version 5348a05d…', async () => {
    const manifest =
      '035e.00.0000.000+1:334516bc19d4674fb2dda0e79ffc6bb5 035e.00.0001.000+1:518554e62ea861081f11e6348e9e1b00 035e.00.0001.001+1:250c92b24bd81afc8da369ccfe4aa963'
    expect(md5(manifest)).toBe('5348a05dc93202d4c90989280a83da1d')
    const v = await sglfPathVersions(named(`${TL}035e-a0.sglf`))
    expect(v).toEqual(new Map([[0x35e, '5348a05dc93202d4c90989280a83da1d']]))
    expect(await sglfPathVersions(named(`${TL}035e-a0.sglf`), { useMd5Column: true })).toEqual(v)
  })

  it('035e.sglf (decompressed fixture, PASTA symbols, unvalidated): f85595e5…', async () => {
    const v = await sglfPathVersions(named(`${FJT}035e.sglf.gz`))
    expect(v.get(0x35e)).toBe('f85595e53c59117c34ffc0c943af3da4')
  })

  it('library version: md5 of PPPP:version joined by spaces, paths ascending', () => {
    const a = '5348a05dc93202d4c90989280a83da1d'
    const b = 'f85595e53c59117c34ffc0c943af3da4'
    expect(libraryVersion(new Map([[0x35e, a]]))).toBe(md5(`035e:${a}`))
    expect(
      libraryVersion([
        [0x35e, a],
        [0x12, b],
      ]),
    ).toBe(md5(`0012:${b} 035e:${a}`))
  })

  it('the hasher hashes sequences, not the md5 column, unless asked', () => {
    const tile = { path: 1, version: 0, step: 0, variant: 0, span: 1, md5: 'x', seq: 'acgt' }
    const h = new PathVersionHasher()
    h.add(tile)
    expect(h.digest()).toBe(md5(`0001.00.0000.000+1:${md5('acgt')}`))
    const c = new PathVersionHasher(true)
    c.add(tile)
    expect(c.digest()).toBe(md5('0001.00.0000.000+1:x'))
  })
})

describe('SGLF streaming (3.7 MB 035e.1.sglf.gz)', () => {
  it('yields each step after reading at most one line past it', async () => {
    let consumed = 0
    async function* counted() {
      for await (const l of readLines(named(`${FJT}035e.1.sglf.gz`))) {
        consumed++
        yield l
      }
    }
    let yielded = 0
    let steps = 0
    let maxAhead = 0
    for await (const step of sglfSteps(sglfTiles(counted()))) {
      yielded += step.tiles.length
      steps++
      maxAhead = Math.max(maxAhead, consumed - yielded)
    }
    expect(steps).toBe(35)
    expect(yielded).toBe(2006)
    // The parser holds the step it yields plus the one line that showed the step had ended.
    expect(maxAhead).toBe(1)
  })

  it('yields a path before reading past its first line of the next path', async () => {
    const a0 = readFileSync(`${TL}035e-a0.sglf`, 'latin1').trimEnd().split('\n')
    const zero = readFileSync(`${FIXTURES}l7g/tileband-hash/zero-035c.sglf`, 'latin1').trimEnd()
    const lines = [zero, ...a0].map((text, i) => ({ text, line: i + 1 }))
    let consumed = 0
    async function* counted() {
      for (const l of lines) {
        consumed++
        yield l
      }
    }
    const seen: [number, number, number][] = []
    for await (const p of sglfPaths(sglfTiles(counted())))
      seen.push([p.path, p.steps.size, consumed])
    expect(seen).toEqual([
      [0x35c, 1, 2],
      [0x35e, 2, 4],
    ])
  })

  it('readSglfPath: steps in order, variants by position', async () => {
    const p = await readSglfPath(named(`${FJT}035e.1.sglf.gz`))
    expect([p.path, p.version, p.steps.size]).toEqual([0x35e, 0, 35])
    const s18 = p.steps.get(0x18)!
    expect(s18.length).toBe(31) // the derived 2bit-tar's 035e.00.0018.2bit holds 31 variants
    expect(s18.every((t, i) => t.variant === i)).toBe(true)
  })
})

describe('SGLF writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sglf-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('rewrites 035e.1.sglf.gz to the same text, as BGZF with .gzi', async () => {
    const out = join(dir, '035e.sglf.gz')
    await writeSglf(out, readSglfTiles(named(`${FJT}035e.1.sglf.gz`)))
    const text = gunzipSync(readFileSync(out))
    expect(md5(text)).toBe('15ea94c7ac645bbef6981163978b3497') // MANIFEST: the original 035e.1.sglf
    if (hasTool('bgzip')) expect(spawnSync('bgzip', ['-t', out]).status).toBe(0)
    expect(readFileSync(`${out}.gzi`).length).toBeGreaterThan(8)
    const plain = join(dir, '035e.sglf')
    await writeSglf(plain, readSglfTiles(named(out)))
    expect(md5(readFileSync(plain))).toBe(md5(text))
  })

  it('formats the small fixtures and the empty path exactly', async () => {
    const a0 = readFileSync(`${TL}035e-a0.sglf`, 'latin1')
    const tiles = []
    for await (const t of readSglfTiles(named(`${TL}035e-a0.sglf`))) tiles.push(t)
    // The fixture ends with a blank line, which a writer does not add.
    expect(await formatSglf(tiles)).toBe(a0.replace(/\n+$/, '\n'))
    expect(await formatSglf([emptySglfTile(0x35e)])).toBe(
      readFileSync(`${FIXTURES}l7g/tileband-hash/zero-035e.sglf`, 'latin1'),
    )
  })

  it('refuses to write what sglf-check would reject', async () => {
    const tiles = [
      { path: 0x35e, step: 0, variant: 0, span: 1, seq: 'acgt' },
      { path: 0x35e, step: 0, variant: 2, span: 1, seq: 'acgt' },
    ]
    await expect(formatSglf(tiles)).rejects.toThrow(/line 2: .*must follow 000 by one/)
    await expect(
      formatSglf([{ path: 1, step: 0, variant: 0, span: 1, seq: 'ac?t' }]),
    ).rejects.toThrow(SglfValidationError)
    await expect(
      writeSglf(
        join(dir, 'bad.sglf.gz'),
        [{ path: 1, step: 0, variant: 0, span: 1, seq: 'ac,t' }],
        {
          validate: false,
        },
      ),
    ).rejects.toThrow(/may not hold ','/)
  })
})
