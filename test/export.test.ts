// lightning-tiles export on the testdata cohort (60 of its samples, paths of 1 Mb; the region crosses a
// path boundary): the NPY files load in numpy, the Parquet files in DuckDB and the Arrow files in
// flechette (readers other than the writers), and each equals the truth — the allele dosages
// `bcftools query` gives on the source VCF, the tile variants of the CGFs `build --cgf` wrote.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import { tableFromIPC } from '@uwdata/flechette'
import { beforeAll, describe, expect, it } from 'vitest'
import { TILE_NOCALL } from '../src/export/matrix.js'
import { exportMatrix } from '../src/export/matrix-writer.js'
import { openStore } from '../src/store/node.js'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 })
const VCF_SAMPLES = sh('bcftools', ['query', '-l', TESTDATA_VCF]).trim().split('\n')
/** every fifth sample: 60 of all four populations (a quicker build than all 300) */
const SAMPLES = VCF_SAMPLES.filter((_, i) => i % 5 === 0)

/** An .npy file as numpy loads it: shape, dtype and the values in row-major order. */
function numpyLoad(file: string): { shape: number[]; dtype: string; rows: number[][] } {
  const script =
    'import sys, json, numpy as np\n' +
    'a = np.load(sys.argv[1])\n' +
    'print(json.dumps({"shape": a.shape, "dtype": str(a.dtype), "rows": a.tolist()}))'
  return JSON.parse(sh('python3', ['-c', script, file])) as ReturnType<typeof numpyLoad>
}

const csv = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','))

async function exportTo(dir: string, ...args: string[]): Promise<void> {
  const r = await runCli('export', built.dir, '-r', REGION, '-o', dir, ...args)
  expect(r.err).not.toMatch(/error|Error/)
  expect(r.code).toBe(0)
}

/** The rows of a DuckDB query, values as plain numbers and strings. */
async function duckdb(sql: string): Promise<(string | number)[][]> {
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  const rows = (await con.runAndReadAll(sql)).getRows()
  con.closeSync()
  return rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : (v as string | number))))
}

const built = testdataStore('export-', SAMPLES, 1_000_000, { cgf: true })
/** 110 kb across the end of the second path */
let REGION = ''
let regionStart = 0
let regionEnd = 0

describe('export', () => {
  beforeAll(async () => {
    const end = built.manifest.paths[1]!.end
    ;[regionStart, regionEnd] = [end - 60_000, end + 50_000]
    REGION = `20:${regionStart}-${regionEnd}`
    expect((await runCli('samples', built.dir, '--import', PANEL)).code).toBe(0)
  })

  it('allele dosages: numpy loads samples × alleles equal to bcftools query on the VCF', async () => {
    const dir = join(built.tmp, 'alleles')
    await exportTo(dir, '--format', 'npy', '--alleles')
    const m = numpyLoad(join(dir, 'matrix.npy'))
    expect(m.dtype).toBe('int8')
    const rows = csv(join(dir, 'rows.csv'))
    expect(rows[0]).toEqual(['ROW', 'SAMPLE', 'pop', 'super_pop', 'gender'])
    expect(rows.slice(1).map((r) => r[1])).toEqual(SAMPLES)
    expect(rows[1]).toEqual(['HG00096', 'HG00096', 'GBR', 'EUR', 'male'])
    const columns = csv(join(dir, 'columns.csv'))
    expect(columns[0]).toEqual(['CHROM', 'POS', 'ID', 'REF', 'ALT'])
    expect(m.shape).toEqual([SAMPLES.length, columns.length - 1])

    // the truth: the VCF's records in the region, each sample's GT as a dosage, less the alleles
    // the build skipped (skipped.tsv.gz: a record overlapping one applied to that haplotype is not
    // applied, as bcftools consensus does); a site no haplotype then carries is not in the store
    const skipped = new Set(
      gunzipSync(readFileSync(join(built.dir, 'skipped.tsv.gz')))
        .toString()
        .split('\n')
        .map((l) => l.split('\t'))
        .filter((f) => f[0] === '20')
        .map((f) => `${f[1]} ${f[2]} ${Number(f[3]) - 1}`),
    )
    const truth = new Map<string, number[]>()
    const query = sh('bash', [
      '-c',
      `bcftools query -s ${SAMPLES.join(',')} -r ${REGION} -f '%CHROM:%POS:%ID:%REF:%ALT[\\t%GT]\\n' ${TESTDATA_VCF}`,
    ])
    for (const line of query.trim().split('\n')) {
      const [site, ...gts] = line.split('\t')
      const pos = site!.split(':')[1]
      const dosage = gts.map((gt, s) => {
        const alleles = gt.split(/[|/]/)
        if (alleles.includes('.')) return -1
        return alleles.reduce(
          (a, x, h) => a + (skipped.has(`${pos} ${SAMPLES[s]} ${h}`) ? 0 : Number(x)),
          0,
        )
      })
      if (dosage.some((d) => d > 0)) truth.set(site!, dosage)
    }
    const ours = new Map(columns.slice(1).map((c, j) => [c.join(':'), m.rows.map((r) => r[j]!)]))
    expect(ours.size).toBe(columns.length - 1)
    const expected = [...truth]
    expect(expected.length).toBeGreaterThan(200)
    expect([...ours.keys()].sort()).toEqual(expected.map(([s]) => s).sort())
    for (const [site, dosage] of expected) expect(ours.get(site), site).toEqual(dosage)
  })

  it('allele dosages read in windows (as for a large cohort) are the same matrix', async () => {
    const dir = join(built.tmp, 'alleles-whole')
    await exportTo(dir, '--format', 'npy', '--alleles')
    const windowed = join(built.tmp, 'alleles-windowed')
    const regions = [{ chrom: '20', start: regionStart - 1, end: regionEnd }]
    const store = openStore(built.dir)
    const r = await exportMatrix(store, {
      kind: 'alleles',
      format: 'npy',
      regions,
      dir: windowed,
      alleleWindow: 7_000, // 16 windows, cutting through tiles and long REFs alike
    })
    expect(r.columns).toBeGreaterThan(200)
    for (const f of ['matrix.npy', 'rows.csv', 'columns.csv'])
      expect(readFileSync(join(windowed, f)).equals(readFileSync(join(dir, f))), f).toBe(true)
  })

  it('tile variants: numpy loads haplotypes × steps equal to the bands of the CGFs build wrote', async () => {
    const dir = join(built.tmp, 'tiles')
    await exportTo(dir, '--format', 'npy', '--tiles')
    const m = numpyLoad(join(dir, 'matrix.npy'))
    expect(m.dtype).toBe('int16')
    const rows = csv(join(dir, 'rows.csv'))
    expect(rows[0]).toEqual(['ROW', 'SAMPLE', 'HAPLOTYPE', 'pop', 'super_pop', 'gender'])
    expect(rows[1]!.slice(0, 3)).toEqual(['HG00096_A', 'HG00096', 'A'])
    expect(rows[2]!.slice(0, 3)).toEqual(['HG00096_B', 'HG00096', 'B'])
    const columns = csv(join(dir, 'columns.csv'))
    expect(columns[0]).toEqual(['TILE', 'PATH', 'STEP', 'CHROM', 'START', 'END'])
    const steps = columns.slice(1).map((c) => ({ path: Number(c[1]), step: Number(c[2]) }))
    expect(new Set(steps.map((s) => s.path)).size).toBe(2) // the region crosses a path boundary
    expect(m.shape).toEqual([2 * SAMPLES.length, steps.length])
    // every step's reference interval (0-based, half-open) overlaps the region (1-based)
    for (const c of columns.slice(1)) {
      expect(Number(c[4])).toBeLessThan(regionEnd)
      expect(Number(c[5])).toBeGreaterThan(regionStart - 1)
    }

    const store = openStore(built.dir)
    expect(await store.hasMatrix()).toBe(true)
    const m0 = await store.manifest()
    let differences = 0
    let cells = 0
    for (const [i, s] of m0.samples.entries()) {
      const cgf = store.cgf(s)
      const bands = new Map<number, Awaited<ReturnType<typeof cgf.band>>>()
      for (const p of new Set(steps.map((x) => x.path))) bands.set(p, await cgf.band(p))
      steps.forEach(({ path, step }, j) => {
        const band = bands.get(path)!
        for (const a of [0, 1] as const) {
          const want = band.nocalls[a][step]!.length > 0 ? TILE_NOCALL : band.variants[a][step]!
          cells++
          if (m.rows[2 * i + a]![j] !== want) differences++
        }
      })
    }
    expect(cells).toBe(m.shape[0]! * m.shape[1]!)
    expect(differences).toBe(0)
    // a real region: more than one variant at many steps, and spanning tiles
    expect(new Set(m.rows.flat()).size).toBeGreaterThan(3)
    expect(m.rows.flat()).toContain(-1)
  })

  it('one-hot: per (step, variant) the count of each sample’s haplotypes with it, by the tile matrix', async () => {
    const tiles = join(built.tmp, 'tiles-for-onehot')
    const dir = join(built.tmp, 'onehot')
    await exportTo(tiles, '--format', 'npy', '--tiles')
    await exportTo(dir, '--format', 'npy', '--onehot', '-s', 'pop=="FIN"')
    const t = numpyLoad(join(tiles, 'matrix.npy'))
    const tileRows = csv(join(tiles, 'rows.csv')).slice(1)
    const tileColumns = csv(join(tiles, 'columns.csv')).slice(1)
    const o = numpyLoad(join(dir, 'matrix.npy'))
    const rows = csv(join(dir, 'rows.csv')).slice(1)
    const columns = csv(join(dir, 'columns.csv'))
    expect(columns[0]).toEqual(['TILE', 'PATH', 'STEP', 'VARIANT', 'CHROM', 'START', 'END'])
    expect(rows.every((r) => r[2] === 'FIN')).toBe(true)
    expect(rows.length).toBe(SAMPLES.filter((_, i) => tileRows[2 * i]![3] === 'FIN').length)
    expect(rows.length).toBeGreaterThan(10)
    // the columns: every (step, variant ≥ 0) some FIN haplotype has, in order
    const fin = rows.map((r) => tileRows.findIndex((x) => x[1] === r[1]))
    const expected: string[] = []
    tileColumns.forEach((c, j) => {
      const seen = new Set(fin.flatMap((h) => [t.rows[h]![j]!, t.rows[h + 1]![j]!]))
      for (const v of [...seen].filter((v) => v >= 0).sort((a, b) => a - b))
        expected.push(`${c[0]} ${v}`)
    })
    expect(columns.slice(1).map((c) => `${c[0]} ${c[3]}`)).toEqual(expected)
    const jOf = new Map(tileColumns.map((c, j) => [c[0], j]))
    columns.slice(1).forEach((c, k) => {
      const j = jOf.get(c[0])!
      const v = Number(c[3])
      fin.forEach((h, i) => {
        const a = t.rows[h]![j]!
        const b = t.rows[h + 1]![j]!
        const want = a === TILE_NOCALL || b === TILE_NOCALL ? -1 : +(a === v) + +(b === v)
        expect(o.rows[i]![k]).toBe(want)
      })
    })
  })

  it('Parquet read by DuckDB and Arrow read by flechette equal the NPY, transposed', async () => {
    for (const kind of ['--alleles', '--tiles', '--onehot']) {
      const npy = join(built.tmp, `cmp${kind}-npy`)
      await exportTo(npy, '--format', 'npy', kind)
      const m = numpyLoad(join(npy, 'matrix.npy'))
      const rowNames = csv(join(npy, 'rows.csv'))
        .slice(1)
        .map((r) => r[0]!)
      const columns = csv(join(npy, 'columns.csv'))
      // the truth, one record per matrix column: its labels then its values by row
      const numeric = new Set(['POS', 'PATH', 'STEP', 'VARIANT', 'START', 'END'])
      const want = columns
        .slice(1)
        .map((c, j) => [
          ...c.map((x, i) => (numeric.has(columns[0]![i]!) ? Number(x) : x)),
          ...m.rows.map((r) => r[j]!),
        ])
      const header = [...columns[0]!, ...rowNames]

      const pq = join(built.tmp, `cmp${kind}-parquet`)
      await exportTo(pq, '--format', 'parquet', kind)
      const desc = await duckdb(`DESCRIBE SELECT * FROM read_parquet('${pq}/matrix.parquet')`)
      expect(desc.map((d) => d[0])).toEqual(header)
      const got = await duckdb(`SELECT * FROM read_parquet('${pq}/matrix.parquet')`)
      expect(got).toEqual(want)

      const arrow = join(built.tmp, `cmp${kind}-arrow`)
      await exportTo(arrow, '--format', 'arrow', kind)
      const table = tableFromIPC(readFileSync(join(arrow, 'matrix.arrow')))
      expect(table.schema.fields.map((f) => f.name)).toEqual(header)
      const records = table.toArray() as Record<string, string | number>[]
      expect(records.map((r) => header.map((h) => r[h]))).toEqual(want)
    }
  })

  it('refuses a folder of other files, an unknown format and no region; a failed export leaves the folder as it was', async () => {
    const dir = join(built.tmp, 'mine')
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.txt'), 'keep me')
    const r = await runCli('export', built.dir, '-r', REGION, '-o', dir)
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/holds other files than an export's \(notes\.txt\)/)
    expect(r.err).not.toMatch(/\n\s+at /)
    expect(readdirSync(dir)).toEqual(['notes.txt'])

    const bad = await runCli('export', built.dir, '-r', REGION, '--format', 'csv', '-o', dir)
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(/--format csv: expected npy, parquet or arrow/)
    const none = await runCli('export', built.dir, '-o', join(built.tmp, 'none'))
    expect(none.code).not.toBe(0)
    expect(none.err).toMatch(/give the region/)

    // an export folder is replaced whole; a failing one (a sample expression naming no sample)
    // leaves the earlier export in place
    const out = join(built.tmp, 'again')
    await exportTo(out, '--format', 'npy')
    const before = readFileSync(join(out, 'matrix.npy'))
    const fail = await runCli('export', built.dir, '-r', REGION, '-s', 'pop=="XXX"', '-o', out)
    expect(fail.code).not.toBe(0)
    expect(fail.err).toMatch(/has no samples/)
    expect(readFileSync(join(out, 'matrix.npy')).equals(before)).toBe(true)
    await exportTo(out, '--format', 'parquet')
    expect(readdirSync(out).sort()).toEqual(['columns.csv', 'matrix.parquet', 'rows.csv'])
    expect(existsSync(join(out, 'matrix.npy'))).toBe(false)
  })
})
