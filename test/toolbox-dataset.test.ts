// import-l7g / export-l7g through the built CLI: the fixture dataset (CGF genomes, SGLF and 2bit-tar
// library) and a FastJ dataset each go to a store that verify passes, out to an l7g directory and
// back to an identical store; the exported CGFs are cgft's own bytes with --cgft-tile-map.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeFixtureStore } from './fixtureStore.js'
import { FIXTURES, md5 } from './shared.js'
import { built, bytesOf, failsWith, lt } from './toolboxCli.js'

const dir = mkdtempSync(join(tmpdir(), 'toolbox-ds-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const put = (from: string, to: string) => {
  mkdirSync(join(to, '..'), { recursive: true })
  copyFileSync(from, to)
}

/** Tags, assembly (hg19 chrM), both library forms of 035e.1.sglf and the two cgft-written genomes. */
function fixtureDataset(at: string): void {
  const D = `${FIXTURES}derived/`
  put(`${FIXTURES}l7g/fjcsv2sglf/035e.tagset`, join(at, '035e.tagset'))
  put(`${D}assembly.00.hg19.035e.fw.gz`, join(at, 'assembly.00.hg19.fw.gz'))
  put(`${D}assembly.00.hg19.035e.fw.gz.gzi`, join(at, 'assembly.00.hg19.fw.gz.gzi'))
  put(`${D}assembly.00.hg19.035e.fw.fwi`, join(at, 'assembly.00.hg19.fw.fwi'))
  put(`${FIXTURES}l7g/fjt/035e.1.sglf.gz`, join(at, 'sglf/035e.sglf.gz'))
  for (const f of ['035e.tar.gz', '035e.tar.gz.gzi', '035e.tar.tai'])
    put(`${D}tilelib-035e/${f}`, join(at, 'library', f))
  put(`${D}tilelib-035e/span.035e.csv.gz`, join(at, 'library/span.gz'))
  for (const s of ['hu826751', 'hu34D5B9'])
    put(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`, join(at, `cgf/${s}.cgf3`))
}

/** Tags, assembly and the FastJ of two samples (no library: import builds it). */
function fastjDataset(at: string): void {
  fixtureDataset(at)
  rmSync(join(at, 'sglf'), { recursive: true })
  rmSync(join(at, 'library'), { recursive: true })
  rmSync(join(at, 'cgf'), { recursive: true })
  const T = `${FIXTURES}l7g/fjcsv2sglf/test0/`
  put(`${T}hu826751-GS03052-DNA_B01_035e.fj`, join(at, 'fastj/hu826751/035e.fj'))
  put(`${T}hu0211D6-GS01175-DNA_E02_035e.fj`, join(at, 'fastj/hu0211D6/035e.fj'))
}

/** Every file of a store by name with its md5; the manifest without its `created` time. */
function snapshot(store: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of readdirSync(store, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const file = join(e.parentPath, e.name)
    const rel = relative(store, file)
    if (rel !== 'manifest.json') out[rel] = md5(readFileSync(file))
  }
  const m = JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >
  delete m.created
  out['manifest.json (without created)'] = md5(JSON.stringify(m))
  return out
}

function importOk(from: string, to: string): string {
  const r = lt(['import-l7g', from, '-o', to])
  expect(r.code, r.err).toBe(0)
  const v = lt(['verify', to])
  expect(v.code, v.stdout + v.err).toBe(0)
  expect(v.stdout).toMatch(/^OK /)
  return r.err
}

describe.skipIf(!built)('import-l7g / export-l7g', () => {
  it('fixture dataset → store → l7g → store: identical stores; the CGFs are cgft’s bytes', () => {
    const ds = join(dir, 'fixture')
    fixtureDataset(ds)
    const s1 = join(dir, 'store1')
    const err = importOk(ds, s1)
    // 035e.1.sglf writes the spans of its 20 whole-path tiles in decimal (+35 = 35 steps)
    expect(err).toContain('20 tile spans past the end of path 035e read as decimal (stored in hex)')
    const m = JSON.parse(readFileSync(join(s1, 'manifest.json'), 'utf8'))
    expect(m).toMatchObject({
      build: 'hg19',
      contigs: [{ name: 'chrM', length: 16571 }],
      paths: [{ path: 0x35e, chrom: 'chrM', start: 0, end: 16571, steps: 35, variants: 2006 }],
      samples: [{ name: 'hu34D5B9' }, { name: 'hu826751' }],
    })

    const out = join(dir, 'exported')
    expect(
      lt(['export-l7g', s1, '-o', out, '--cgft-tile-map', '--library-version', '0.1.0']).code,
    ).toBe(0)
    for (const s of ['hu826751', 'hu34D5B9'])
      expect(
        readFileSync(join(out, `cgf/${s}.cgf3`)).equals(
          readFileSync(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`),
        ),
        s,
      ).toBe(true)
    // the same bands as the source genomes, and a library the upstream tools read
    expect(
      lt(['cgf', 'band', join(out, 'cgf/hu826751.cgf3'), '--path', '035e']).out.equals(
        readFileSync(`${FIXTURES}l7g/fjt/hu826751-035e.band`),
      ),
    ).toBe(true)
    expect(lt(['sglf', 'validate', join(out, 'sglf/035e.sglf.gz')]).stdout).toBe('ok\n')
    expect(lt(['assembly', 'range', join(out, 'assembly.00.hg19.fw.gz'), '035e']).stdout).toContain(
      '\n34\t0\t16571\tchrM\thg19\n',
    )

    const s2 = join(dir, 'store2')
    expect(importOk(out, s2)).not.toContain('read as decimal')
    expect(snapshot(s2)).toEqual(snapshot(s1))
    // without the flags the CGFs carry the store's own tile map and library version
    const plain = join(dir, 'exported-plain')
    lt(['export-l7g', s1, '-o', plain])
    const s3 = join(dir, 'store3')
    importOk(plain, s3)
    expect(snapshot(s3)).toEqual(snapshot(s1))
    expect(lt(['cgf', 'info', join(plain, 'cgf/hu826751.cgf3')]).stdout).toContain(
      `LibraryVersion: ${m.libraryVersion}\n`,
    )
  })

  it('FastJ dataset → store (library built as fjt -C -U | fjcsv2sglf) → l7g → identical store', () => {
    const ds = join(dir, 'fastj')
    fastjDataset(ds)
    const s1 = join(dir, 'fj-store1')
    importOk(ds, s1)
    const csv = lt(
      ['fastj', 'csv', '-U'],
      Buffer.concat(
        ['hu826751', 'hu0211D6'].map((s) => readFileSync(join(ds, `fastj/${s}/035e.fj`))),
      ),
    )
    const lib = lt(['sglf', 'build', '-t', join(ds, '035e.tagset')], csv.out)
    expect(bytesOf(join(s1, 'sglf/035e.sglf.gz')).equals(lib.out)).toBe(true)
    // each genome is its FastJ's band against that library
    for (const s of ['hu826751', 'hu0211D6']) {
      const band = lt([
        'fastj',
        'band',
        '-L',
        join(s1, 'sglf/035e.sglf.gz'),
        join(ds, `fastj/${s}/035e.fj`),
      ]).out
      expect(
        lt(['cgf', 'band', join(s1, `genomes/${s}.cgf3`), '--path', '035e']).out.equals(band),
        s,
      ).toBe(true)
    }
    const out = join(dir, 'fj-exported')
    expect(lt(['export-l7g', s1, '-o', out]).code).toBe(0)
    const s2 = join(dir, 'fj-store2')
    importOk(out, s2)
    expect(snapshot(s2)).toEqual(snapshot(s1))
  })

  it('--reference records each step’s reference tile: the VCF equals the fixture store’s', async () => {
    const ds = join(dir, 'fixture-ref')
    fixtureDataset(ds)
    // hg19 chrM without its header line (as upstream ships it), given one
    const fa = join(dir, 'chrM.fa')
    writeFileSync(fa, `>chrM\n${readFileSync(`${FIXTURES}l7g/reference/hg19-chrM.fa`, 'latin1')}`)
    const s = join(dir, 'store-ref')
    const r = lt(['import-l7g', ds, '-o', s, '--reference', fa])
    expect(r.code, r.err).toBe(0)
    expect(lt(['verify', s]).code).toBe(0)
    // test/fixtureStore.ts finds the reference variants itself from the same files
    const fixture = await makeFixtureStore()
    try {
      const body = (store: string) =>
        lt(['vcf', store, '--samples', 'hu826751,hu34D5B9']).stdout.replace(/^##.*\n/gm, '')
      const ours = body(s)
      expect(ours.split('\n').length).toBeGreaterThan(40)
      expect(ours).toBe(body(fixture.dir))
    } finally {
      fixture.remove()
    }
  })

  it('bad datasets: no assembly; a genome made against another library; a store target that is a file', () => {
    const ds = join(dir, 'bad')
    fixtureDataset(ds)
    rmSync(join(ds, 'assembly.00.hg19.fw.gz'))
    failsWith(
      lt(['import-l7g', ds, '-o', join(dir, 'bad-store')]),
      /must hold exactly one assembly\.00\.BUILD\.fw\.gz, found none/,
    )
    fixtureDataset(ds)
    const foreign = join(ds, 'cgf/hu826751.cgf3')
    lt(['cgf', 'create', foreign, '--library-version', 'f'.repeat(32)])
    lt(
      ['cgf', 'append', foreign, '--path', '035e'],
      readFileSync(`${FIXTURES}l7g/fjt/hu826751-035e.band`),
    )
    failsWith(
      lt(['import-l7g', ds, '-o', join(dir, 'bad-store')]),
      new RegExp(`${foreign}: LibraryVersion is f{32}, the dataset's library is [0-9a-f]{32}`),
    )
    const asFile = join(dir, 'a-file')
    writeFileSync(asFile, 'x')
    failsWith(
      lt(['import-l7g', join(dir, 'fixture'), '-o', asFile]),
      /a-file is a file, not a store/,
    )
  })
})
