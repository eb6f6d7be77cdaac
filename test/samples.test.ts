// Sample metadata: FMF, TSV, PED and the 1000 Genomes panel read as such (errors: one line with
// the file and line); the real panel imported into a store of the 300 testdata samples, against
// an independent count with awk; our samples.fmf read by BGT, whose sample selection must equal
// ours; groups resolved from expressions, lists and files.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { openFile } from '../src/core/nodeFile.js'
import { openStore } from '../src/store/node.js'
import { storeFiles } from '../src/store/layout.js'
import { seededRandom } from '../src/core/random.js'
import { ExpressionError } from '../src/query/expr/error.js'
import { groupStatistic, resolveGroups } from '../src/query/groups.js'
import { formatFmf } from '../src/samples/fmf.js'
import {
  parseSampleTable,
  readSampleTable,
  readStoreSamples,
  textLines,
} from '../src/samples/read.js'
import type { SampleFormat } from '../src/samples/read.js'
import type { SampleTable } from '../src/samples/table.js'
import { bgtBinary } from './bgt.js'
import { runCli } from './cli.js'
import { serveDirectory } from './httpServer.js'
import { describeShared, PANEL } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF, testdataStore } from './testdataStore.js'

const sh = (script: string) => execFileSync('bash', ['-c', script], { encoding: 'utf8' })
const VCF_SAMPLES = sh(`bcftools query -l ${TESTDATA_VCF}`).trim().split('\n')

const parse = (text: string, format?: SampleFormat) =>
  parseSampleTable(textLines(text), 'meta.txt', format)

/** Every sample with its fields as `key=value`, for comparisons. */
function rows(table: SampleTable): string[] {
  return table.names.map((n, r) =>
    [n, ...table.row(r).map(({ field, value }) => `${field.key}=${value}`)].join(' '),
  )
}

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected an error')
}

describe('sample metadata formats', () => {
  it("reads BGT's FMF (its README's example) and writes it back as it was", () => {
    const fmf = [
      'sample1\tgender:Z:M\theight:f:1.73\tregion:Z:WestEurasia\tfoo:i:10',
      'sample2\tgender:Z:F\theight:f:1.64\tregion:Z:WestEurasia\tbar:i:20',
      'sample3',
      '',
    ].join('\n')
    const { table, format } = parse(fmf)
    expect(format).toBe('fmf')
    expect(table.fields).toEqual([
      { key: 'gender', type: 'string' },
      { key: 'height', type: 'float' },
      { key: 'region', type: 'string' },
      { key: 'foo', type: 'int' },
      { key: 'bar', type: 'int' },
    ])
    expect(table.value(0, 'height')).toBe(1.73)
    expect(table.value(1, 'foo')).toBe(undefined)
    expect(formatFmf(table)).toBe(fmf)
    expect(table.select('height>1.7&&region=="WestEurasia"')).toEqual([0])
    expect(table.select('bar == 20 || foo == 10')).toEqual([])
    expect(table.select('_ROW_ == "sample3"')).toEqual([2])
  })

  it('a value may hold colons and spaces; empty lines and CRLF are fine', () => {
    const { table } = parse('a\tnote:Z:x: y z\r\n\r\nb\tnote:Z:\r\n')
    expect(rows(table)).toEqual(['a note=x: y z', 'b note='])
  })

  it('infers TSV column types and writes them as FMF i/f/Z', () => {
    const { table, format } = parse(
      'id\tage\tbmi\tgroup\tbatch\nS1\t31\t22.5\tcase\t7\nS2\t\t19\tcontrol\tNA\nS3\t40\t2e1\t3\t-2\n',
    )
    expect(format).toBe('tsv')
    expect(table.fields.map((f) => `${f.key}:${f.type}`)).toEqual([
      'age:int',
      'bmi:float',
      'group:string',
      'batch:int',
    ])
    expect(formatFmf(table)).toBe(
      'S1\tage:i:31\tbmi:f:22.5\tgroup:Z:case\tbatch:i:7\nS2\tbmi:f:19\tgroup:Z:control\nS3\tage:i:40\tbmi:f:20\tgroup:Z:3\tbatch:i:-2\n',
    )
    // 2^31 does not fit BGT's 32-bit integers: the column becomes real
    expect(parse('id\tn\nA\t2147483648\nB\t1\n').table.fields[0]!.type).toBe('float')
  })

  it('reads PED as PLINK does: parent 0, sex 0 and phenotype -9 are unknown', () => {
    const ped = [
      'F1 KID1 DAD1 MOM1 1 2 A A G G',
      'F1 DAD1 0 0 1 1 A C G G',
      'F1\tMOM1\t0\t0\t2\t-9',
      'F2 SOLO 0 0 0 0',
    ].join('\n')
    const { table, format } = parse(ped)
    expect(format).toBe('ped')
    expect(rows(table)).toEqual([
      'KID1 family=F1 father=DAD1 mother=MOM1 sex=1 phenotype=2',
      'DAD1 family=F1 sex=1 phenotype=1',
      'MOM1 family=F1 sex=2',
      'SOLO family=F2',
    ])
    expect(table.fields.find((f) => f.key === 'phenotype')!.type).toBe('int')
    // a quantitative phenotype: 0 is a value, -9 still missing
    const q = parse('F A 0 0 1 0\nF B 0 0 2 1.5\nF C 0 0 2 -9\n').table
    expect(rows(q)).toEqual([
      'A family=F sex=1 phenotype=0',
      'B family=F sex=2 phenotype=1.5',
      'C family=F sex=2',
    ])
  })

  it('detects each format, or takes the one named', () => {
    expect(parse('A\nB\n').format).toBe('fmf') // BGT's .spl: names alone
    expect(parse('sample\tpop\tsuper_pop\tgender\t\t\nA\tFIN\tEUR\tmale\n').format).toBe('panel')
    expect(parse('sample\tpop\nA\tFIN\n').format).toBe('tsv')
    expect(parse('sample\tpop\nA\tFIN\n', 'tsv').table.fields[0]!.key).toBe('pop')
    // a PED read as TSV is one ragged table
    expect(errorOf(() => parse('F A 0 0 1 0\nF B 0 0 2 1\n', 'tsv')).message).toMatch(
      /^meta\.txt, line 1: expected a header with a sample column/,
    )
  })

  it('every malformed input is one line naming the file, the line and what was expected', () => {
    const cases: [string, SampleFormat | undefined, RegExp][] = [
      [
        'A\tpop:Z:FIN\nB\tpop:Z:GBR\nA\tpop:Z:IBS\n',
        undefined,
        /line 3: sample 'A' is listed twice \(also on line 1\)/,
      ],
      [
        'A\tpop:Z:FIN\nB\tpop:Q:GBR\n',
        undefined,
        /line 2: field 2: type 'Q' of 'pop:Q:GBR' is not Z \(string\), i \(integer\) or f \(real\)/,
      ],
      [
        'A\tn:i:1\nB\tn:i:1.5\n',
        undefined,
        /line 2: field 2: n: expected a 32-bit integer, found '1\.5'/,
      ],
      ['A\tx:f:1\nB\tx:f:abc\n', undefined, /line 2: field 2: x: expected a number, found 'abc'/],
      ['A\tx:f:1\nB\tflag\n', 'fmf', /line 2: field 2: expected key:type:value, found 'flag'/],
      [
        'A\tx:i:1\nB\tx:Z:one\n',
        undefined,
        /line 2: key 'x' is a string here but a number on line 1/,
      ],
      ['A\tx:i:1\tx:i:2\n', undefined, /line 1: key 'x' twice for 'A'/],
      ['A\tmy-key:Z:1\n', undefined, /line 1: key 'my-key' is not a name expressions can use/],
      [
        'sample\tpop\tsex\nA\tFIN\tmale\nB\tGBR\n',
        undefined,
        /line 3: expected 3 TAB-separated columns as in the header, found 2/,
      ],
      [
        'sample\tpop\tsex\nA\tFIN\tmale\tx\n',
        undefined,
        /line 2: expected 3 TAB-separated columns as in the header, found 4/,
      ],
      [
        'sample\tpop\tpop\nA\tFIN\tGBR\n',
        undefined,
        /line 1: column 3: key 'pop' is in the header twice/,
      ],
      ['sample\tsuper pop\nA\tEUR\n', undefined, /line 1: column 2: key 'super pop' is not a name/],
      [
        'sample\t_ROW_\nA\tx\n',
        undefined,
        /line 1: column 2: key '_ROW_' is reserved for the sample name/,
      ],
      ['sample\tpop\nA\tFIN\nA\tGBR\n', undefined, /line 3: sample 'A' is listed twice/],
      ['F A 0 0 1 2\nF A 0 0 2 1\n', undefined, /line 2: sample 'A' is listed twice/],
      [
        'F A 0 0 1 2\nF B 0 0 2\n',
        'ped',
        /line 2: expected 6 columns \(family, sample, father, mother, sex, phenotype\), found 5/,
      ],
      ['F A 0 0 1 tall\n', 'ped', /line 1: phenotype: expected a number, -9 or NA, found 'tall'/],
      ['sample\tpop\nA\tFIN\n', 'panel', /line 1: expected the 1000 Genomes panel header/],
      ['\n\none two three\n', undefined, /line 3: cannot tell the format/],
      ['\n', undefined, /^meta\.txt: expected sample metadata, found an empty file/],
    ]
    for (const [text, format, want] of cases) {
      const err = errorOf(() => parse(text, format))
      expect(err.name, text).toBe('FormatError')
      expect(err.message, text).toMatch(want)
      expect(err.message, text).toMatch(/^meta\.txt(, line \d+)?: /)
      expect(err.message).not.toContain('\n')
    }
  })
})

describe('group keys', () => {
  it('name a statistic and a group', () => {
    expect(groupStatistic('AC')).toEqual({ stat: 'AC', group: 0 })
    expect(groupStatistic('AN#2')).toEqual({ stat: 'AN', group: 2 })
    expect(groupStatistic('AF#12')).toEqual({ stat: 'AF', group: 12 })
    expect(groupStatistic('AC1')).toEqual({ stat: 'AC', group: 1 }) // BGT's spelling
    for (const k of ['ACX', 'AC#0', 'AC#', 'xAC', 'CLNSIG'])
      expect(groupStatistic(k)).toBe(undefined)
  })
})

/** Samples of the panel per population among the VCF's, by awk over the two files. */
function panelNames(pop: string): string[] {
  return sh(
    `bcftools query -l ${TESTDATA_VCF} | awk -F'\\t' 'NR==FNR{s[$1];next} ($1 in s) && $2=="${pop}" {print $1}' - ${PANEL}`,
  )
    .trim()
    .split('\n')
    .filter(Boolean)
}

/** Size and modification time of every file in a store, by relative path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const p = join(e.parentPath, e.name)
    const s = statSync(p)
    out.set(p.slice(dir.length + 1), `${s.size} ${s.mtimeMs}`)
  }
  return out
}

describeShared('a store of the 300 testdata samples with the 1000 Genomes panel', () => {
  const built = testdataStore('samples-', VCF_SAMPLES, 1_500_000)
  const { dir: store, tmp } = built
  const storeTable = async () => (await readStoreSamples(openStore(store))).table

  it('has no metadata until one is imported', async () => {
    const r = await runCli('samples', store)
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('sample')
    expect(r.stdout.trim().split('\n').slice(1)).toEqual(VCF_SAMPLES)
    expect(r.err).toMatch(/^300 of 300 samples \(the store has no sample metadata/)
    const server = await serveDirectory(store)
    try {
      const http = await runCli('samples', server.url)
      expect([http.code, http.stdout, http.err]).toEqual([0, r.stdout, r.err])
    } finally {
      await server.close()
    }
    expect((await runCli('samples', store, 'pop=="FIN"')).err).toMatch(
      /^lightning-tiles: unknown key 'pop' at column 1: pop=="FIN" \(there is no sample metadata/,
    )
  })

  it('imports the panel without touching any other file of the store', async () => {
    const before = snapshot(store)
    const r = await runCli('samples', store, '--import', PANEL)
    expect(r.code, r.err).toBe(0)
    const after = snapshot(store)
    after.delete(storeFiles.samples)
    expect(after).toEqual(before)
    const panelRows = Number(sh(`tail -n +2 ${PANEL} | grep -c .`))
    expect(r.stdout).toContain(
      `read ${panelRows} samples from ${PANEL} (panel); keys: pop (string), super_pop (string), gender (string)`,
    )
    expect(r.stdout).toContain('store samples with metadata: 300 of 300')
    expect(r.stdout).toContain('store samples without metadata: 0\n')
    expect(r.stdout).toContain(`not in the store, left out: ${panelRows - 300}: `)
    // one FMF line per store sample, in store order
    const fmf = readFileSync(join(store, storeFiles.samples), 'utf8').trim().split('\n')
    expect(fmf.map((l) => l.split('\t')[0])).toEqual(VCF_SAMPLES)
  })

  it('gives 99 FIN, 91 GBR, 107 IBS and 3 CEU, the samples awk finds in the panel', async () => {
    const counts: Record<string, number> = {}
    for (const pop of ['FIN', 'GBR', 'IBS', 'CEU']) {
      const r = await runCli('samples', store, `pop == "${pop}"`)
      expect(r.code, r.err).toBe(0)
      const lines = r.stdout.trim().split('\n')
      expect(lines[0]).toBe('sample\tpop\tsuper_pop\tgender')
      const names = lines.slice(1).map((l) => l.split('\t')[0]!)
      expect(lines.slice(1).every((l) => l.split('\t')[1] === pop)).toBe(true)
      expect(names.sort()).toEqual(panelNames(pop).sort())
      counts[pop] = names.length
      expect(r.err).toBe(`${names.length} of 300 samples match\n`)
    }
    expect(counts).toEqual({ FIN: 99, GBR: 91, IBS: 107, CEU: 3 })
    // the same over HTTP (range requests, as a browser reads a store)
    const server = await serveDirectory(store)
    try {
      const r = await runCli('samples', server.url, 'pop == "CEU"')
      expect(r.stdout).toBe((await runCli('samples', store, 'pop == "CEU"')).stdout)
      expect(r.err).toBe('3 of 300 samples match\n')
    } finally {
      await server.close()
    }
    const all = await runCli(
      'samples',
      store,
      "pop in ('FIN','GBR','IBS','CEU') && super_pop == 'EUR'",
    )
    expect(all.err).toBe('300 of 300 samples match\n')
  })

  it('points at the column of a bad expression with a caret', async () => {
    const r = await runCli('samples', store, 'pop=="FIN" && (gender=="male"')
    expect(r.code).toBe(1)
    const [line, caret, rest] = r.err.split('\n')
    expect(line).toBe(`lightning-tiles: expected ')' at column 30: pop=="FIN" && (gender=="male"`)
    expect(caret).toBe(`${' '.repeat(line!.length)}^`)
    expect(rest).toBe('')
    const u = await runCli('samples', store, 'gender=="male" && popu=="FIN"')
    const [l2, c2] = u.err.split('\n')
    expect(l2).toBe(
      `lightning-tiles: unknown key 'popu' at column 19: gender=="male" && popu=="FIN" (known keys: pop, super_pop, gender, _ROW_)`,
    )
    expect(l2![c2!.indexOf('^')]).toBe('p')
    expect(l2!.slice(c2!.indexOf('^'))).toMatch(/^popu=="FIN"/)
  })

  it('resolves groups from expressions, lists and files into store columns', async () => {
    const table = await storeTable()
    const list = join(tmp, 'list.txt')
    writeFileSync(list, 'HG00097\textra column\n\nHG00096\n')
    const groups = await resolveGroups(
      ['pop=="FIN"', 'pop=="GBR" && gender=="female"', ',HG00100,HG00096', ':HG00097', `@${list}`],
      table,
      { open: openFile },
    )
    const idx = (n: string) => VCF_SAMPLES.indexOf(n)
    expect(groups[0]!.samples).toEqual(
      Int32Array.from(
        panelNames('FIN')
          .map(idx)
          .sort((a, b) => a - b),
      ),
    )
    expect([...groups[1]!.samples].every((i) => table.value(i, 'gender') === 'female')).toBe(true)
    expect(groups[2]!.samples).toEqual(Int32Array.from([idx('HG00096'), idx('HG00100')]))
    expect(groups[3]!.samples).toEqual(Int32Array.from([idx('HG00097')]))
    expect(groups[4]!.samples).toEqual(Int32Array.from([idx('HG00096'), idx('HG00097')]))
  })

  it('rejects empty groups, unknown or repeated names and bad expressions, naming the group', async () => {
    const table = await storeTable()
    const fail = async (specs: string[]) =>
      resolveGroups(specs, table, { open: openFile }).then(
        () => {
          throw new Error('expected an error')
        },
        (err: unknown) => err as Error,
      )
    expect((await fail(['pop=="FIN"', 'pop=="YRI"'])).message).toBe(
      'group 2 (pop=="YRI"): the group has no samples',
    )
    expect((await fail([',HG00096,NOPE1,HG00097,NOPE2'])).message).toBe(
      "group 1 (,HG00096,NOPE1,HG00097,NOPE2): 2 samples not in the store: 'NOPE1', 'NOPE2'",
    )
    expect((await fail([',HG00096,HG00096'])).message).toBe(
      "group 1 (,HG00096,HG00096): sample 'HG00096' is listed twice",
    )
    expect((await fail([`@${join(tmp, 'absent.txt')}`])).message).toMatch(
      /^group 1 \(@.*absent\.txt\): cannot read .*absent\.txt/,
    )
    const e = await fail(['pop=="FIN"', 'pop=="FIN" || gender=3'])
    expect(e).toBeInstanceOf(ExpressionError)
    expect(e.message).toBe(
      `group 2: unexpected '=' (did you mean '=='?) at column 21: pop=="FIN" || gender=3`,
    )
    expect(e.message[(e as ExpressionError).caretOffset]).toBe('=')
    for (const err of [e]) expect(err.message).not.toContain('\n')
  })

  it('reports samples on either side that do not match, and keeps the old file on failure', async () => {
    const meta = join(tmp, 'two.tsv')
    writeFileSync(meta, 'id\tcohort\nHG00096\tA\nNOT_IN_STORE\tB\nHG00097\tA\n')
    const r = await runCli('samples', store, '--import', meta)
    expect(r.code, r.err).toBe(0)
    expect(r.stdout).toContain('store samples with metadata: 2 of 300')
    expect(r.stdout).toContain(
      `store samples without metadata: 298: ${VCF_SAMPLES.slice(2, 7).join(', ')}, ...`,
    )
    expect(r.stdout).toContain(`samples of ${meta} not in the store, left out: 1: NOT_IN_STORE\n`)
    const listed = await runCli('samples', store)
    expect(listed.stdout.split('\n').slice(0, 4)).toEqual([
      'sample\tcohort',
      'HG00096\tA',
      'HG00097\tA',
      'HG00099\t',
    ])
    const kept = readFileSync(join(store, storeFiles.samples), 'utf8')
    const none = join(tmp, 'none.tsv')
    writeFileSync(none, 'id\tcohort\nX1\tA\nX2\tB\n')
    const bad = await runCli('samples', store, '--import', none)
    expect(bad.code).toBe(1)
    expect(bad.err).toBe(
      `lightning-tiles: ${none}: none of its 2 samples is in the store (first: X1, X2); the store's metadata is unchanged\n`,
    )
    const malformed = await runCli('samples', store, '--import', meta, '--format', 'ped')
    expect(malformed.err).toMatch(/^lightning-tiles: .*two\.tsv, line 1: expected 6 columns/)
    expect(readFileSync(join(store, storeFiles.samples), 'utf8')).toBe(kept)
    expect((await runCli('samples', store, '--import', meta, '--format', 'csv')).err).toBe(
      "lightning-tiles: --format must be one of fmf, tsv, ped, panel, not 'csv'\n",
    )
  })

  it('reads gzipped metadata', async () => {
    const gz = join(tmp, 'panel.gz')
    writeFileSync(gz, gzipSync(readFileSync(PANEL)))
    const { table, format } = await readSampleTable({ name: gz, handle: openFile(gz) })
    expect(format).toBe('panel')
    expect(table.size).toBe(Number(sh(`tail -n +2 ${PANEL} | grep -c .`)))
  })

  describe('read by BGT', () => {
    const bgt = bgtBinary()
    if (!('path' in bgt)) {
      it.skip(`BGT could not be built: ${bgt.skip}`, () => undefined)
      return
    }
    const prefix = () => join(tmp, 'cohort.bgt')
    /** BGT's database of the VCF's first 10 kb, with our samples.fmf as its sample file. */
    const importBgt = () => {
      if (!statSync(`${prefix()}.pbf`, { throwIfNoEntry: false })) {
        // BGT needs the contig length in the header, which the testdata VCF lacks
        const raw = join(tmp, 'raw.bcf')
        const bcf = join(tmp, 'small.bcf')
        sh(
          `bcftools view -r 20:1000000-1010000 -Ob -o ${raw} ${TESTDATA_VCF} && ` +
            `bcftools reheader --fai ${TESTDATA_REF}.fai -o ${bcf} ${raw} && bcftools index ${bcf}`,
        )
        execFileSync(bgt.path, ['import', prefix(), bcf])
      }
      copyFileSync(join(store, storeFiles.samples), `${prefix()}.spl`)
    }
    /** The samples of `bgt view -s EXPR ...` (its VCF header). */
    const bgtView = (...args: string[]) => {
      const r = spawnSync(bgt.path, ['view', ...args, '-r', '20:1000000-1002000', prefix()], {
        encoding: 'utf8',
      })
      expect(r.status, r.stderr).toBe(0)
      return r.stdout
    }
    const viewSamples = (expr: string) =>
      bgtView('-s', expr)
        .split('\n')
        .find((l) => l.startsWith('#CHROM'))!
        .split('\t')
        .slice(9)
    const fmfSamples = (expr: string) =>
      execFileSync(bgt.path, ['fmf', '-n', join(store, storeFiles.samples), expr], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean)

    it('selects the same samples as we do from the panel metadata', async () => {
      expect((await runCli('samples', store, '--import', PANEL)).code).toBe(0)
      importBgt()
      const table = await storeTable()
      for (const expr of [
        'pop=="FIN"',
        "pop=='GBR'&&gender=='female'",
        'pop!="IBS"&&super_pop=="EUR"',
        'pop=="CEU"||pop=="FIN"&&gender=="male"',
        '!(pop=="GBR")',
        '_ROW_=="HG00096"',
      ]) {
        const ours = table.select(expr).map((r) => table.names[r])
        expect(ours.length, expr).toBeGreaterThan(0)
        expect(viewSamples(expr), expr).toEqual(ours)
        expect(fmfSamples(expr), expr).toEqual(ours)
      }
      // two groups: BGT's AN1/AN2 are twice the group sizes (every genotype is called)
      const groups = await resolveGroups(['pop=="FIN"', 'pop=="GBR"'], table)
      const info = bgtView('-G', '-s', 'pop=="FIN"', '-s', 'pop=="GBR"')
        .split('\n')
        .find((l) => l && !l.startsWith('#'))!
        .split('\t')[7]!
      expect(info).toContain(`AN1=${2 * groups[0]!.samples.length};`)
      expect(info).toContain(`AN2=${2 * groups[1]!.samples.length};`)
    })

    it('reads our integers and reals as we do', async () => {
      // the panel's fields plus a random integer and real per sample, imported from a TSV
      const random = seededRandom(12)
      const panel = await storeTable()
      const tsv = join(tmp, 'numbers.tsv')
      const lines = ['sample\tpop\tbatch\theight']
      panel.names.forEach((n, r) =>
        lines.push(
          `${n}\t${panel.value(r, 'pop')}\t${Math.floor(random() * 5) - 1}\t${(1.5 + random() * 0.4).toFixed(3)}`,
        ),
      )
      writeFileSync(tsv, `${lines.join('\n')}\n`)
      expect((await runCli('samples', store, '--import', tsv)).code).toBe(0)
      importBgt()
      const table = await storeTable()
      expect(table.fields.map((f) => f.type)).toEqual(['string', 'int', 'float'])
      for (const expr of ['height>1.7', 'batch*2+1>=3&&height<1.8', 'batch%2==0||height<1.6']) {
        const ours = table.select(expr).map((r) => table.names[r])
        expect(ours.length, expr).toBeGreaterThan(0)
        expect(fmfSamples(expr), expr).toEqual(ours)
      }
      // bgt view sets reals as integers (fmf_test calls ke_set_int), so only integers there
      for (const expr of ['batch>=2', 'batch==0&&pop=="FIN"']) {
        const ours = table.select(expr).map((r) => table.names[r])
        expect(viewSamples(expr), expr).toEqual(ours)
      }
    })
  })
})
