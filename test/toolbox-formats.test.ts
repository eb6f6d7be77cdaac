// The l7g toolbox verbs on every upstream fixture, through the built CLI: each conversion gives
// the upstream tool's expected output byte for byte (normalisations named where they apply), and
// bad input fails with one line naming the file and the line or offset.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURES, SHARED, hasShared, hasTool, md5 } from './shared.js'
import { built, bytesOf, failsWith, lt } from './toolboxCli.js'

const FJT = `${FIXTURES}l7g/fjt/`
const LIB = `${FIXTURES}l7g/tile-lib/`
const CGF = `${FIXTURES}generated/cgf3/`
const TILELIB = `${FIXTURES}derived/tilelib-035e/`
const TEST0 = `${FIXTURES}l7g/fjcsv2sglf/test0/`
const HU826751_FJ = `${TEST0}hu826751-GS03052-DNA_B01_035e.fj`
const HU0211D6_FJ = `${TEST0}hu0211D6-GS01175-DNA_E02_035e.fj`
const TAGS = `${FIXTURES}l7g/fjcsv2sglf/035e.tagset`
const file = (p: string) => readFileSync(p)

const dir = mkdtempSync(join(tmpdir(), 'toolbox-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(!built)('fastj (fjt)', () => {
  for (const f of ['035e.fj', '035e.fj.gz']) {
    it(`validate ${f}: ok (fjt -T -t)`, () => {
      expect(lt(['fastj', 'validate', `${FJT}${f}`])).toMatchObject({ code: 0, stdout: 'ok\n' })
      expect(lt(['fastj', 'validate'], file(`${FJT}${f}`)).stdout).toBe('ok\n')
    })
  }

  // fjt_test.sh: which check each broken fixture fails, and the header line of the bad record
  const broken: [string, string, number, boolean][] = [
    ['broken_n', 'n', 15, false],
    ['broken_nocallCount', 'nocallCount', 201, false],
    ['broken_startTag', 'startTag', 69, false],
    ['broken_endTag', 'endTag', 44, false],
    ['broken_md5sum', 'md5sum', 91, false],
    ['broken_seedTileLength', 'step', 44, true],
    ['broken_startTile', 'startTile', 1, true],
    ['broken_endTile', 'endTile', 841, true],
    ['duplicate_tile', 'step', 30, true],
    ['no_endTile', 'endTile', 1, true],
    ['non_bool_startTile', 'header', 8, false],
  ]
  for (const [name, rule, line, tiling] of broken) {
    it(`validate 035e.${name}.fj fails rule ${rule} at line ${line}`, () => {
      const f = `${FJT}035e.${name}.fj`
      failsWith(
        lt(['fastj', 'validate', f]),
        new RegExp(`${f}, line ${line}: .*\\[FastJ rule: ${rule}\\]$`),
      )
      // the tiling rules are fjt -t's: the per-record checks (-T) alone pass these files
      if (tiling) expect(lt(['fastj', 'validate', '--records-only', f]).code).toBe(0)
    })
  }

  it('csv (fjt -C) gives 035e.csv byte for byte, from a file or BGZF on stdin', () => {
    expect(lt(['fastj', 'csv', `${FJT}035e.fj`]).out.equals(file(`${FJT}035e.csv`))).toBe(true)
    expect(lt(['fastj', 'csv'], file(`${FJT}035e.fj.gz`)).out.equals(file(`${FJT}035e.csv`))).toBe(
      true,
    )
  })

  it('csv sorts by tile ID like fjt; -U keeps the input order (fjt -C -U)', () => {
    // fjt -b writes allele A's tiles, then allele B's
    const fj = lt(['fastj', 'from-band', '-L', `${FJT}035e.sglf.gz`, `${FJT}035e.band`]).out
    const sorted = lt(['fastj', 'csv'], fj).stdout
    const unsorted = lt(['fastj', 'csv', '-U'], fj).stdout
    expect(unsorted).not.toBe(sorted)
    expect(unsorted.split('\n').sort()).toEqual(sorted.split('\n').sort())
    expect(unsorted.split('\n')[1]).toMatch(/^035e\.00\.0001\.000\+1,/)
  })

  it('band (fjt -B -L) gives 035e.band and hu826751-035e.band byte for byte', () => {
    const a = lt(['fastj', 'band', '-L', `${FJT}035e.sglf.gz`, `${FJT}035e.fj.gz`])
    expect(a.out.equals(file(`${FJT}035e.band`))).toBe(true)
    const b = lt(['fastj', 'band', '-L', `${FJT}035e.1.sglf.gz`, HU826751_FJ])
    expect(b.out.equals(file(`${FJT}hu826751-035e.band`))).toBe(true)
  })

  it('cat -a 0 (fjt -c 0) gives 035e.0.seq byte for byte', () => {
    expect(
      lt(['fastj', 'cat', '-a', '0', `${FJT}035e.fj`]).out.equals(file(`${FJT}035e.0.seq`)),
    ).toBe(true)
    expect(
      lt(['fastj', 'cat', '--path', '035e'], file(`${FJT}035e.fj.gz`)).out.equals(
        file(`${FJT}035e.0.seq`),
      ),
    ).toBe(true)
  })

  it('from-band | cat (fjt -b | fjt -c 0) gives 035e.0.seq, and the FastJ passes validate', () => {
    const fj = lt(['fastj', 'from-band', '-L', `${FJT}035e.sglf.gz`, `${FJT}035e.band`]).out
    expect(lt(['fastj', 'cat', '-a', '0'], fj).out.equals(file(`${FJT}035e.0.seq`))).toBe(true)
    expect(lt(['fastj', 'validate'], fj).stdout).toBe('ok\n')
  })

  it('band-hash (tileband-hash, fjt -H) gives expect-test0.txt and expect-test1.txt', () => {
    const bands = Buffer.concat([
      file(`${FJT}hu826751-035e.band`),
      file(`${FJT}hu34D5B9-035e.band`),
    ])
    const h = lt(['fastj', 'band-hash', '-L', `${FJT}035e.1.sglf.gz`], bands)
    expect(h.out.equals(file(`${FIXTURES}l7g/tileband-hash/expect-test0.txt`))).toBe(true)
    const TB = `${FIXTURES}l7g/tileband-hash/`
    for (const p of ['035c', '035e'])
      expect(
        lt(['fastj', 'band-hash', '-L', `${TB}zero-${p}.sglf`, `${TB}zero.band`]).out.equals(
          file(`${TB}expect-test1.txt`),
        ),
      ).toBe(true)
  })

  it('bad input: no SGLF variant matches; a bad header; both inputs on stdin', () => {
    failsWith(
      lt(['fastj', 'band', '-L', `${FIXTURES}l7g/tileband-hash/zero-035e.sglf`, `${FJT}035e.fj`]),
      /035e\.fj, line \d+: 035e\.00\.\w+\.00\d: no library variant/,
    )
    failsWith(
      lt(['fastj', 'csv', '-U'], '>{"tileID":"035e.00.0000.000"\nacgt\n'),
      /^lightning-tiles: stdin, line 1: header is not valid JSON/,
    )
    failsWith(lt(['fastj', 'band', '-L', '-']), /cannot both be standard input/)
    failsWith(
      lt(['fastj', 'from-band', '-L', `${FJT}035e.sglf.gz`], '[ 0 1]\n[ 0]\n[[ ]]\n[[ ]]\n'),
      /stdin, line 2: allele B has 1 steps/,
    )
  })
})

describe.skipIf(!built)('sglf (fjcsv2sglf, sglf-check, glft, merge-sglf)', () => {
  const good = ['035e-a0', '035e-a1', '035e-b0', '035e-b1', '035e-empty-seq']
  for (const f of good)
    it(`validate ${f}.sglf: ok`, () =>
      expect(lt(['sglf', 'validate', `${LIB}${f}.sglf`]).stdout).toBe('ok\n'))

  // sglf-check-tests.sh: each bad file fails, on its own line and rule
  const bad: [string, number, string][] = [
    ['035e-bad-tileid-0', 4, 'tile-id'],
    ['035e-bad-tileid-1', 3, 'tile-id'],
    ['035e-bad-tileid-2', 5, 'tile-id'],
    ['035e-bad-tileid-3', 4, 'tile-id'],
    ['035e-badhash', 2, 'md5'],
    ['035e-badseq', 2, 'sequence'],
    // variant numbers with gaps (spec §7.2 rule 4), as merge-sglf's test inputs have
    ['035e-small', 2, 'order'],
  ]
  for (const [f, line, rule] of bad)
    it(`validate ${f}.sglf fails rule ${rule} at line ${line}`, () =>
      failsWith(
        lt(['sglf', 'validate', `${LIB}${f}.sglf`]),
        new RegExp(`${f}\\.sglf, line ${line}: .*\\[SGLF rule: ${rule}\\]$`),
      ))

  it('validate: 035e.1.sglf.gz is clean, 035e.sglf.gz holds PASTA symbols (spec §7.2 quirk)', () => {
    expect(lt(['sglf', 'validate', `${FJT}035e.1.sglf.gz`]).stdout).toBe('ok\n')
    failsWith(
      lt(['sglf', 'validate'], file(`${FJT}035e.sglf.gz`)),
      /stdin, line \d+: .*\[SGLF rule: sequence\]$/,
    )
  })

  it('version gives the path versions of spec §5.5 (upstream glft -P)', () => {
    expect(lt(['sglf', 'version', `${FJT}035e.sglf.gz`]).stdout).toMatch(
      /^035e\tf85595e53c59117c34ffc0c943af3da4\nlibrary\t[0-9a-f]{32}\n$/,
    )
    const a0 = lt(['sglf', 'version', `${LIB}035e-a0.sglf`]).stdout
    expect(a0.split('\n')[0]).toBe('035e\t5348a05dc93202d4c90989280a83da1d')
    // the library version is the md5 of "PPPP:pathVersion"
    expect(a0.split('\n')[1]).toBe(`library\t${md5('035e:5348a05dc93202d4c90989280a83da1d')}`)
  })

  it('merge (merge-sglf-tests.sh): a subset merges back to the first file byte for byte', () => {
    const m = lt(['sglf', 'merge', `${LIB}035e-small.sglf`, `${LIB}035e-small-top5-bot5.sglf`])
    expect(m.out.equals(file(`${LIB}035e-small.sglf`))).toBe(true)
    const empty = join(dir, 'empty.sglf')
    writeFileSync(empty, '\n\n')
    expect(
      lt(['sglf', 'merge', `${LIB}035e-small.sglf`, empty]).out.equals(
        file(`${LIB}035e-small.sglf`),
      ),
    ).toBe(true)
  })

  it('merge: the other way round gives the same (md5, sequence) set, and the mapping says where each tile went', () => {
    const map = join(dir, 'map.csv')
    const m = lt([
      'sglf',
      'merge',
      `${LIB}035e-small-top5-bot5.sglf`,
      `${LIB}035e-small.sglf`,
      '-m',
      map,
    ])
    const pairs = (t: string) =>
      t
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(',').slice(1).join(','))
        .sort()
    expect(pairs(m.stdout)).toEqual(pairs(readFileSync(`${LIB}035e-small.sglf`, 'latin1')))
    const merged = new Map(
      m.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.split(',')[0], l.split(',')[2]]),
    )
    const second = readFileSync(`${LIB}035e-small.sglf`, 'latin1').split('\n').filter(Boolean)
    const mapping = readFileSync(map, 'latin1')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(','))
    expect(mapping.map((x) => x[0])).toEqual(second.map((l) => l.split(',')[0]))
    mapping.forEach(([from, to], i) =>
      expect(merged.get(to), `${from} → ${to}`).toBe(second[i]!.split(',')[2]),
    )
  })

  it('merge: a0+a1 and b0+b1 pass sglf validate (merge-sglf-tests.sh)', () => {
    for (const [a, b] of [
      ['035e-a0', '035e-a1'],
      ['035e-b0', '035e-b1'],
    ]) {
      const m = lt(['sglf', 'merge', `${LIB}${a}.sglf`, `${LIB}${b}.sglf`])
      expect(lt(['sglf', 'validate'], m.out).stdout).toBe('ok\n')
    }
  })

  it('build (fjt -C -U | fjcsv2sglf): every FastJ tile matches the library and comes back exactly', () => {
    const csv = lt(
      ['fastj', 'csv', '-U'],
      Buffer.concat([file(HU826751_FJ), file(HU0211D6_FJ)]),
    ).out
    const lib = join(dir, 'built.sglf')
    expect(lt(['sglf', 'build', '-t', TAGS, '-o', lib], csv).code).toBe(0)
    expect(lt(['sglf', 'validate', lib]).stdout).toBe('ok\n')
    for (const fj of [HU826751_FJ, HU0211D6_FJ]) {
      const band = lt(['fastj', 'band', '-L', lib, fj])
      expect(band.code).toBe(0)
      // the band and the library give back the FastJ's sequences, no-calls included
      const back = lt(['fastj', 'from-band', '-L', lib], band.out).out
      expect(lt(['fastj', 'csv'], back).stdout).toBe(lt(['fastj', 'csv', fj]).stdout)
    }
  })

  it('build fills a no-call on a tag with the tag base (spec §7.3)', () => {
    // 035e.00.0002.000 of hu0211D6 ends …gatcacccn, its end tag …gatcacccc (spec §8.3)
    const csv = lt(['fastj', 'csv', '-U', HU0211D6_FJ]).out
    const lib = lt(['sglf', 'build', '-t', TAGS], csv).stdout
    const tags = readFileSync(TAGS, 'latin1').split('\n')
    const step2 = lib.split('\n').filter((l) => l.startsWith('035e.00.0002.'))
    expect(step2.length).toBeGreaterThan(0)
    for (const l of step2) expect(l.endsWith(tags[2]!)).toBe(true)
    expect(lib).not.toMatch(/,[acgt]*[^acgt\n,][acgt]*\n/)
  })

  it('bad input: build of two paths, a CSV line without columns', () => {
    failsWith(
      lt(['sglf', 'build', '-t', TAGS], '035e.00.0000.000+1,x,acgt\n035f.00.0000.000+1,y,acgt\n'),
      /stdin, line 2: path 035f: the input already holds path 035e/,
    )
    failsWith(
      lt(['sglf', 'version'], 'hello\n'),
      /stdin, line 1: expected 'tileID\+span,md5,sequence'/,
    )
  })
})

describe.skipIf(!built)('cgf (cgft)', () => {
  it('create (cgft -C) gives empty.cgf3 byte for byte', () => {
    expect(lt(['cgf', 'create']).out.equals(file(`${CGF}empty.cgf3`))).toBe(true)
  })

  it.skipIf(!hasShared)('create -t with cgft’s default tile map file gives empty.cgf3 too', () => {
    const map = `${SHARED}fixtures/lightning/abeconnelly-cgf/default_tile_map_v0.1.0.txt`
    expect(lt(['cgf', 'create', '-t', map]).out.equals(file(`${CGF}empty.cgf3`))).toBe(true)
    const bad = join(dir, 'bad-map.txt')
    writeFileSync(bad, '0:0\n0:x\n')
    failsWith(
      lt(['cgf', 'create', '-t', bad]),
      /bad-map\.txt, line 2: tile map entry '0:x' is malformed/,
    )
  })

  const bands: [string, string, string][] = [
    ['035e.cgf3', `${FJT}035e.band`, '035e'],
    ['hu826751-035e.cgf3', `${FJT}hu826751-035e.band`, '035e'],
    ['hu34D5B9-035e.cgf3', `${FJT}hu34D5B9-035e.band`, '035e'],
    ['synthetic-40.cgf3', `${CGF}synthetic-40.band`, '5'],
  ]
  for (const [cgf, band, path] of bands) {
    it(`create + append (cgft -C; cgft -e) gives ${cgf}; band (cgft -b) prints the band back`, () => {
      const out = join(dir, cgf)
      lt(['cgf', 'create', out])
      expect(lt(['cgf', 'append', out, '--path', path], file(band)).code).toBe(0)
      expect(file(out).equals(file(`${CGF}${cgf}`))).toBe(true)
      expect(lt(['cgf', 'band', `${CGF}${cgf}`, '--path', path]).out.equals(file(band))).toBe(true)
    })
  }

  it('two paths: only PathStructOffset[1] differs from two-path.cgf3, holding the true offset (spec §10.10)', () => {
    const out = join(dir, 'two.cgf3')
    lt(['cgf', 'create', out])
    lt(['cgf', 'append', out, `${CGF}synthetic-40.band`, '--path', '5'])
    lt(['cgf', 'append', out, '--path', '035e'], file(`${FJT}035e.band`))
    const ours = file(out)
    const theirs = file(`${CGF}two-path.cgf3`)
    expect(ours.length).toBe(theirs.length)
    const differ = [...ours.keys()].filter((i) => ours[i] !== theirs[i])
    expect(differ).toEqual([6783])
    expect(ours.readBigUInt64LE(6783)).toBe(7477n)
    expect(theirs.readBigUInt64LE(6783)).toBe(7563n)
  })

  it('append replaces a path it already has; --hiq gives the §10.8 vectors', () => {
    const out = join(dir, 'replace.cgf3')
    copyFileSync(`${CGF}hu34D5B9-035e.cgf3`, out)
    lt(['cgf', 'append', out, '--path', '035e'], file(`${FJT}hu826751-035e.band`))
    expect(file(out).equals(file(`${CGF}hu826751-035e.cgf3`))).toBe(true)
    const hiq = lt(['cgf', 'band', `${CGF}synthetic-40.cgf3`, '--path', '5', '--hiq']).stdout
    expect(hiq).toBe(
      '[ 0 1 0 0 5 0 3 1 2 0 4 2 0 0 1 -1 0 -1 -1 0 -2 0 -2 0 -2 0 0 0 0 0 0 2 -1 0 -2 -1 0 0 7 0]\n' +
        '[ 0 0 1 2 5 3 0 2 1 4 0 2 1 0 0 0 0 -1 -1 0 -2 0 0 0 -2 0 0 0 0 0 0 0 -1 0 0 -1 0 0 7 0]\n',
    )
  })

  it('info prints cgft -I’s statistics; show one line per path; concordance of a genome with itself is 1', () => {
    const info = lt(['cgf', 'info', `${CGF}synthetic-40.cgf3`]).stdout
    // sizes of the spec §10.9 byte map: 5+5 bit-vector bytes, 2 cache words, 15 overflow triples
    expect(info).toContain(
      'cgf stats:\nloq_bv: 5\nspan_bv: 5\ncache: 16\novf: 90 (15 / 40, 0.375000)\nloq: 446\n',
    )
    expect(
      lt(['cgf', 'show', `${CGF}two-path.cgf3`])
        .stdout.split('\n')
        .slice(1, 3)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['0005', '035e'])
    const c = lt([
      'cgf',
      'concordance',
      `${CGF}hu826751-035e.cgf3`,
      `${CGF}hu826751-035e.cgf3`,
    ]).stdout
    expect(c).toMatch(/\nall\t(\d+)\t\1\t1\.000000\n$/)
  })

  it('bad input: a truncated CGF names its offset; a band with a bad line names it', () => {
    const cut = join(dir, 'cut.cgf3')
    writeFileSync(cut, file(`${CGF}hu826751-035e.cgf3`).subarray(0, 7000))
    failsWith(lt(['cgf', 'band', cut, '--path', '035e']), new RegExp(`${cut}, offset \\d+: `))
    const out = join(dir, 'bad.cgf3')
    lt(['cgf', 'create', out])
    failsWith(
      lt(['cgf', 'append', out, '--path', '035e'], '[ 0 x]\n[ 0 0]\n[[ ][ ]]\n[[ ][ ]]\n'),
      /stdin, line 1: expected an integer, got 'x'/,
    )
    expect(file(out).equals(file(`${CGF}empty.cgf3`))).toBe(true)
  })
})

describe.skipIf(!built)('library (2bit tar ⇄ SGLF)', () => {
  it('from-sglf of 035e.1.sglf gives the derived tar, .tai and span byte for byte', () => {
    const out = join(dir, 'lib')
    expect(lt(['library', 'from-sglf', `${FJT}035e.1.sglf.gz`, '-o', out]).code).toBe(0)
    // the tar's bytes (its BGZF deflate is zlib's, the fixture's bgzip's)
    expect(bytesOf(join(out, '035e.tar.gz')).equals(bytesOf(`${TILELIB}035e.tar.gz`))).toBe(true)
    expect(file(join(out, '035e.tar.tai')).equals(file(`${TILELIB}035e.tar.tai`))).toBe(true)
    expect(bytesOf(join(out, 'span.csv.gz')).equals(bytesOf(`${TILELIB}span.035e.csv.gz`))).toBe(
      true,
    )
    if (hasTool('bgzip')) {
      // our .gzi is what bgzip -r makes of our file
      const copy = join(dir, 'reindexed.tar.gz')
      copyFileSync(join(out, '035e.tar.gz'), copy)
      execFileSync('bgzip', ['-r', copy])
      expect(file(`${copy}.gzi`).equals(file(join(out, '035e.tar.gz.gzi')))).toBe(true)
    }
  })

  it('to-sglf of the derived library gives 035e.1.sglf byte for byte', () => {
    const r = lt([
      'library',
      'to-sglf',
      `${TILELIB}035e.tar.gz`,
      '--span',
      `${TILELIB}span.035e.csv.gz`,
    ])
    expect(r.out.equals(bytesOf(`${FJT}035e.1.sglf.gz`))).toBe(true)
    // -o NAME.gz: BGZF with its .gzi, the same text
    const gz = join(dir, 'back.sglf.gz')
    lt(['library', 'to-sglf', TILELIB, '--span', `${TILELIB}span.035e.csv.gz`, '-o', gz])
    expect(bytesOf(gz).equals(bytesOf(`${FJT}035e.1.sglf.gz`))).toBe(true)
    if (hasTool('bgzip')) expect(execFileSync('bgzip', ['-t', gz]).length).toBe(0)
    expect(file(`${gz}.gzi`).length).toBeGreaterThan(8)
  })

  it('index rebuilds the fixture’s .tai and .gzi byte for byte', () => {
    const tar = join(dir, 'x.tar.gz')
    copyFileSync(`${TILELIB}035e.tar.gz`, tar)
    expect(lt(['library', 'index', tar]).stdout).toBe(
      'x.tar.gz: 35 members; wrote x.tar.tai and x.tar.gz.gzi\n',
    )
    expect(file(join(dir, 'x.tar.tai')).equals(file(`${TILELIB}035e.tar.tai`))).toBe(true)
    expect(file(`${tar}.gzi`).equals(file(`${TILELIB}035e.tar.gz.gzi`))).toBe(true)
  })

  it('bad input: from-sglf with a step that goes back; index of a file that is not BGZF', () => {
    const sglf =
      '035e.00.0001.000+1,d41d8cd98f00b204e9800998ecf8427e,\n035e.00.0000.000+1,d41d8cd98f00b204e9800998ecf8427e,\n'
    failsWith(
      lt(['library', 'from-sglf', '-o', join(dir, 'badlib')], sglf),
      /stdin, line 2: step 035e\.00\.0000 comes after step 035e\.00\.0001/,
    )
    const notGz = join(dir, 'plain.tar.gz')
    writeFileSync(notGz, 'not a tar')
    failsWith(lt(['library', 'index', notGz]), /plain\.tar\.gz, offset 0: expected a BGZF block/)
  })
})

describe.skipIf(!built)('twobit, tagset, assembly', () => {
  const TB = `${FIXTURES}l7g/twobit/`
  it('twobit to-fasta / from-fasta: simple.2bit ⇄ simple.fa byte for byte (twoBitToFa, faToTwoBit)', () => {
    expect(lt(['twobit', 'to-fasta', `${TB}simple.2bit`]).out.equals(file(`${TB}simple.fa`))).toBe(
      true,
    )
    expect(
      lt(['twobit', 'from-fasta'], file(`${TB}simple.fa`)).out.equals(file(`${TB}simple.2bit`)),
    ).toBe(true)
    expect(lt(['twobit', 'info', `${TB}simple.2bit`]).stdout).toBe('ex1\t21\n')
  })

  it('tagset: 035e.tagset → 2bit → FASTA → tag list gives 035e.tagset byte for byte; tile tags of spec §2.2', () => {
    const bit = join(dir, 'tagset.2bit')
    const fa = join(dir, 'tagset.fa.gz')
    lt(['tagset', 'convert', TAGS, '-o', bit])
    lt(['tagset', 'convert', bit, '-o', fa])
    expect(lt(['tagset', 'convert', fa, '--path', '035e']).out.equals(file(TAGS))).toBe(true)
    expect(lt(['tagset', 'info', bit]).stdout).toBe(
      'form\t2bit\ntagLength\t24\n#path\ttags\tsteps\n035e\t34\t35\n',
    )
    const tags = readFileSync(TAGS, 'latin1').split('\n')
    // tile 035e.00.0006+2: start tag tag[5], end tag tag[7]
    expect(
      lt(['tagset', 'tags', bit, '--path', '035e', '--step', '0006', '--span', '2']).stdout,
    ).toBe(`startTag\t${tags[5]}\nendTag\t${tags[7]}\n`)
  })

  it('tagset: tagset-0000.gz (gzip, no final newline) converts to its tags with a final newline', () => {
    const f = `${FIXTURES}l7g/pasta-assay/tagset-0000.gz`
    expect(
      lt(['tagset', 'convert', f]).out.equals(Buffer.concat([bytesOf(f), Buffer.from('\n')])),
    ).toBe(true)
  })

  const ASM = `${FIXTURES}derived/assembly.00.`
  it('assembly tilepath (tile-assembly tilepath) gives the path’s block byte for byte, both builds', () => {
    for (const b of ['hg19', 'human_g1k_v37']) {
      const r = lt(['assembly', 'tilepath', `${ASM}${b}.035e.fw.gz`, '035e', '--header'])
      expect(r.out.equals(file(`${ASM}${b}.035e.fw`))).toBe(true)
    }
  })

  it('assembly range (tile-assembly range) and lookup: the §1.4 and §6.2 intervals', () => {
    expect(lt(['assembly', 'range', `${ASM}hg19.035e.fw.gz`, '035e']).stdout).toBe(
      '#nstep\tbeg\tend\tchrom_name\tref_name\n34\t0\t16571\tchrM\thg19\n',
    )
    expect(lt(['assembly', 'lookup', `${ASM}hg19.035e.fw.gz`, '035e.00.0006+2']).stdout).toBe(
      '035e.00.0006+2\tchrM\t2203\t3114\n',
    )
    expect(lt(['assembly', 'lookup', `${ASM}human_g1k_v37.035e.fw.gz`, '035e.0006']).stdout).toBe(
      '035e.00.0006+1\tMT\t2201\t3338\n',
    )
    expect(lt(['assembly', 'lookup', `${ASM}hg19.035e.fw.gz`, 'chrM:1-1']).stdout).toBe(
      '035e.00.0000+1\tchrM\t0\t244\n',
    )
  })

  it('bad input: a 2bit with a bad signature, a FASTA line before any header, a tag list with a bad tag', () => {
    const bad2bit = join(dir, 'bad.2bit')
    writeFileSync(bad2bit, Buffer.alloc(32, 7))
    failsWith(lt(['twobit', 'info', bad2bit]), /bad\.2bit, offset 0: /)
    failsWith(lt(['twobit', 'from-fasta'], 'acgt\n'), /stdin, line 1: expected a '>' header/)
    failsWith(
      lt(['tagset', 'convert', '-', '--path', '035e'], 'acgtacgtacgtacgtacgtacgt\nacgtn\n'),
      /stdin, line 2: expected a tag of 24 bases/,
    )
  })
})

describe.skipIf(!built)(
  'bad input to the other verbs: one line naming the file and the place',
  () => {
    const notCgf = join(dir, 'not.cgf3')
    const badAsm = join(dir, 'assembly.00.bad.fw')
    const badSpan = join(dir, 'bad-span.csv')
    const badSglf = join(dir, 'bad.sglf')
    const setup = () => {
      writeFileSync(notCgf, 'this is not a CGF file at all, just some text')
      writeFileSync(badAsm, '>hg19:chrM:035e\n0000\t       244\n0001\t      x469\n')
      writeFileSync(badSpan, '035e.00.0000.007,2\n035e.00.0000.008\n')
      writeFileSync(
        badSglf,
        '035e.00.0000.000+1,d41d8cd98f00b204e9800998ecf8427e,\n035e.00.0001.000-1,x,acgt\n',
      )
    }
    const cases: [string, () => ReturnType<typeof lt>, RegExp][] = [
      [
        'fastj cat',
        () => lt(['fastj', 'cat'], '>{"tileID":1}\n'),
        /stdin, line 1: header is not valid JSON|stdin, line 1: field 'tileID'/,
      ],
      [
        'fastj band-hash',
        () =>
          lt(
            ['fastj', 'band-hash', '-L', `${FJT}035e.1.sglf.gz`],
            '[ 0 ]\n[ 0 y ]\n[[ ]]\n[[ ]]\n',
          ),
        /stdin, line 2: expected an integer, got 'y'/,
      ],
      [
        'sglf merge',
        () => lt(['sglf', 'merge', `${LIB}035e-a0.sglf`, badSglf]),
        /bad\.sglf, line 2: expected an extended tile ID/,
      ],
      ['cgf info', () => lt(['cgf', 'info', notCgf]), /not\.cgf3, offset 0: not a CGF v3 file/],
      ['cgf show', () => lt(['cgf', 'show', notCgf]), /not\.cgf3, offset 0: not a CGF v3 file/],
      [
        'cgf concordance',
        () => lt(['cgf', 'concordance', `${CGF}035e.cgf3`, notCgf]),
        /not\.cgf3, offset 0: not a CGF v3 file/,
      ],
      [
        'library to-sglf',
        () => lt(['library', 'to-sglf', `${TILELIB}035e.tar.gz`, '--span', badSpan]),
        /bad-span\.csv, line 2: /,
      ],
      ['twobit to-fasta', () => lt(['twobit', 'to-fasta', notCgf]), /not\.cgf3, offset 0: /],
      ['tagset info', () => lt(['tagset', 'info', badSglf]), /bad\.sglf, line 1: expected a tag/],
      [
        'tagset tags',
        () => lt(['tagset', 'tags', '-', '--path', '035e'], 'acgt\nacgtt\n'),
        /stdin, line 2: expected a tag of 4 bases/,
      ],
      [
        'assembly range',
        () => lt(['assembly', 'range', badAsm, '035e']),
        /assembly\.00\.bad\.fw, line 3: /,
      ],
      [
        'assembly tilepath',
        () => lt(['assembly', 'tilepath', badAsm, '035e']),
        /assembly\.00\.bad\.fw, line 3: /,
      ],
      [
        'assembly lookup',
        () => lt(['assembly', 'lookup', badAsm, '035e.0000']),
        /assembly\.00\.bad\.fw, line 3: /,
      ],
      [
        'export-l7g (no store)',
        () => lt(['export-l7g', dir, '-o', join(dir, 'out-ds')]),
        /toolbox-\w+ is not a lightning-tiles store: it has no manifest\.json/,
      ],
      [
        'export-l7g (bad manifest)',
        () => {
          const store = join(dir, 'bad-store')
          mkdirSync(store, { recursive: true })
          writeFileSync(join(store, 'manifest.json'), '{"format":')
          return lt(['export-l7g', store, '-o', join(dir, 'out-ds')])
        },
        /bad-store\/manifest\.json: not JSON/,
      ],
    ]
    for (const [verb, run, place] of cases)
      it(verb, () => {
        setup()
        failsWith(run(), place)
      })
  },
)
