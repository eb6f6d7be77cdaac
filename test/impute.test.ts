// Imputation from a store (src/impute, lightning-tiles panel/conform/impute): 20 testdata samples
// are left out of the store, array-like targets are made of them with injected damage
// (scripts/array-targets.ts), and QC, Beagle and the joined output are checked against bcftools'
// view of the original VCF and against the injections. Beagle tests skip when beagle is absent.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeArrayTargets } from '../scripts/array-targets.js'
import type { ArrayTargets } from '../scripts/array-targets.js'
import { imputeFromStore } from '../src/impute/impute.js'
import { openStore } from '../src/store/node.js'
import { runCli } from './cli.js'
import { hasTool } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

const REGION = '20:1000000-2000000'
const [FROM, TO] = [1_000_000, 2_000_000]
const ALL = execFileSync('bcftools', ['query', '-l', TESTDATA_VCF], { encoding: 'utf8' })
  .trim()
  .split('\n')
const TARGETS = ALL.filter((_, i) => i % 15 === 7)
const PANEL = ALL.filter((_, i) => i % 15 !== 7)
const store = testdataStore('impute-', PANEL, 1_000_000)
const beagle = hasTool('beagle')
if (!beagle) console.warn('beagle is not installed: the imputation tests are skipped')
const cwltool = hasTool('cwltool')
if (!cwltool) console.warn('cwltool is not installed: the CWL workflow test is skipped')

const bcftools = (args: string[], input?: string) =>
  execFileSync('bcftools', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...(input !== undefined ? { input } : {}),
  })
const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))

let targets: ArrayTargets
let target: string
let panel: string
beforeAll(async () => {
  target = join(store.tmp, 'target.vcf')
  targets = makeArrayTargets({
    vcf: TESTDATA_VCF,
    targets: TARGETS,
    panel: PANEL,
    region: REGION,
    out: target,
    clean: join(store.tmp, 'clean.vcf'),
  })
  panel = join(store.tmp, 'panel.vcf.gz')
  const r = await runCli(
    'panel',
    store.dir,
    '-r',
    REGION,
    '-o',
    panel,
    '--map',
    join(store.tmp, 'panel.map'),
    '--cm-from',
    TESTDATA_VCF,
  )
  expect(r.err).toContain('records')
  expect(r.code).toBe(0)
}, 120_000)

describe('panel', () => {
  it('holds the records of the panel samples that bcftools gives from the original VCF', () => {
    const fmt = ['-f', '%POS\t%REF\t%ALT[\t%GT]\n']
    const inRegion = (r: string[]) => Number(r[0]) >= FROM && Number(r[0]) <= TO
    const ours = rows(bcftools(['query', ...fmt, panel]))
    const original = bcftools(['view', '-r', REGION, '-s', PANEL.join(','), '-c1', TESTDATA_VCF])
    const theirs = rows(bcftools(['query', ...fmt, '-'], original)).filter(inRegion)
    expect(ours.length).toBeGreaterThan(5000)
    expect(ours.length).toBe(theirs.length)
    // the store differs from its input only where its build says so: variants skipped for
    // overlapping an applied one (skipped.tsv.gz) and indels of a complex haplotype written in
    // another (equivalent) form
    const skipped = new Set(
      rows(gunzipSync(readFileSync(join(store.dir, 'skipped.tsv.gz'))).toString()).map((r) => r[1]),
    )
    const have = new Set(ours.map((r) => r.join('\t')))
    const missing = theirs.filter((r) => !have.has(r.join('\t')) && !skipped.has(r[0]))
    expect(missing.every((r) => r[1]!.length > 1 || r[2]!.length > 1)).toBe(true)
    expect(missing.length).toBeLessThan(5)
    // indexed: bcftools reads a region through the .csi
    const some = bcftools(['view', '-H', panel, '20:1500000-1600000']).trim().split('\n')
    expect(some.length).toBe(
      ours.filter((r) => Number(r[0]) >= 1_500_000 && Number(r[0]) <= 1_600_000).length,
    )
  })

  it('takes the samples -s selects', async () => {
    const two = join(store.tmp, 'two.vcf.gz')
    const r = await runCli(
      'panel',
      store.dir,
      '-s',
      `,${PANEL[3]},${PANEL[1]}`,
      '-r',
      '20:1000000-1100000',
      '-o',
      two,
    )
    expect(r.code).toBe(0)
    // in store order, as an expression selects them
    expect(bcftools(['query', '-l', two]).trim().split('\n')).toEqual([PANEL[1], PANEL[3]])
  })

  it('writes the genetic map of the INFO/CM values in the region', () => {
    const map = rows(readFileSync(join(store.tmp, 'panel.map'), 'utf8'))
    const cm = rows(
      bcftools(['query', '-r', REGION, '-f', '%CHROM\t%POS\t%CM\n', TESTDATA_VCF]),
    ).filter((r, i, all) => Number(r[1]) >= FROM && Number(r[1]) <= TO && r[1] !== all[i - 1]?.[1])
    expect(map.map((r) => [r[0], r[3], Number(r[2])])).toEqual(
      cm.map((r) => [r[0], r[1], Number(r[2])]),
    )
  })
})

describe('QC (conform)', () => {
  let counts: Map<string, number>
  let qcDir: string
  beforeAll(async () => {
    qcDir = join(store.tmp, 'qc')
    const r = await runCli('conform', '--panel', panel, '--target', target, '-o', qcDir)
    expect(r.code).toBe(0)
    counts = new Map(
      rows(readFileSync(join(qcDir, 'counts.tsv'), 'utf8'))
        .slice(1)
        .map((r) => [`${r[0]}:${r[1]}`, Number(r[2])]),
    )
  })

  it('counts per reason what was injected', () => {
    const inj = targets.injected
    expect(
      inj.flipped + inj.swapped + inj['allele-mismatch'] + inj['ambiguous-swapped'],
    ).toBeGreaterThan(20)
    expect(counts.get('kept:none')).toBe(inj.none)
    expect(counts.get('kept:flipped')).toBe(inj.flipped)
    expect(counts.get('kept:swapped')).toBe(inj.swapped)
    expect(counts.get('kept:flipped-swapped')).toBe(inj['flipped-swapped'])
    expect(counts.get('dropped:allele-mismatch')).toBe(inj['allele-mismatch'])
    expect(counts.get('dropped:multiallelic')).toBe(inj.multiallelic)
    expect(counts.get('dropped:duplicate')).toBe(2 * inj.duplicate)
    expect(counts.get('dropped:low-call-rate')).toBe(inj['low-call-rate'])
    expect(counts.get('dropped:not-in-panel')).toBe(inj['not-in-panel'])
    expect(counts.get('samples-dropped:low-call-rate')).toBe(1)
    // A/T and C/G: each oriented or dropped, almost all oriented
    const ambiguous = inj['ambiguous-kept'] + inj['ambiguous-swapped']
    const decided = counts.get('kept:ambiguous-kept')! + counts.get('kept:ambiguous-swapped')!
    expect(decided + counts.get('dropped:ambiguous-strand')!).toBe(ambiguous)
    expect(decided).toBeGreaterThanOrEqual(ambiguous * 0.8)
  })

  it('keeps no site wrong: every kept genotype is the true one in the panel coding', () => {
    const conformed = join(qcDir, 'conformed.vcf.gz')
    const samples = bcftools(['query', '-l', conformed]).trim().split('\n')
    expect(samples).toEqual(TARGETS.filter((s) => s !== targets.badSample))
    const truth = new Map(targets.sites.map((s) => [s.pos, s]))
    const kept = rows(bcftools(['query', '-f', '%POS\t%REF\t%ALT[\t%GT]\n', conformed]))
    expect(kept.length).toBe(
      [...counts].filter(([k]) => k.startsWith('kept:')).reduce((a, [, n]) => a + n, 0),
    )
    for (const [pos, ref, alt, ...gts] of kept) {
      const t = truth.get(Number(pos))!
      expect([ref, alt]).toEqual([t.ref, t.alt])
      const want = TARGETS.flatMap((s, i) => (s === targets.badSample ? [] : [t.dosage[i]]))
      expect(
        gts.map((g) => (g[0] === '1' ? 1 : 0) + (g[2] === '1' ? 1 : 0)),
        `${pos} ${t.kind}`,
      ).toEqual(want)
    }
  })

  it('lists every dropped site with its reason', () => {
    const dropped = rows(readFileSync(join(qcDir, 'dropped.tsv'), 'utf8')).slice(1)
    for (const kind of [
      'allele-mismatch',
      'multiallelic',
      'duplicate',
      'low-call-rate',
      'not-in-panel',
    ] as const) {
      const positions = targets.sites.filter((s) => s.kind === kind).map((s) => String(s.pos))
      const listed = dropped.filter((r) => r[5] === kind).map((r) => r[1])
      expect(listed, kind).toEqual(
        kind === 'duplicate' ? positions.flatMap((p) => [p, p]) : positions,
      )
    }
  })

  it('reports a target on another build as such', async () => {
    const shifted = join(store.tmp, 'shifted.vcf')
    const text = readFileSync(target, 'utf8').replace(
      /^(20\t)(\d+)/gm,
      (_, c: string, p: string) => `${c}${Number(p) + 17}`,
    )
    execFileSync('bash', ['-c', `cat > ${shifted}`], { input: text })
    const r = await runCli(
      'impute',
      store.dir,
      '--target',
      shifted,
      '-o',
      join(store.tmp, 'shifted-out'),
    )
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/another reference build/)
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^lightning-tiles: .*another reference build/)
  })

  it('names the file and line of a malformed target', async () => {
    const bad = join(store.tmp, 'bad.vcf')
    execFileSync('bash', ['-c', `cat > ${bad}`], {
      input: readFileSync(target, 'utf8').replace(/\n20\t\d+\t/, '\n20\tx\t'),
    })
    const r = await runCli(
      'conform',
      '--panel',
      panel,
      '--target',
      bad,
      '-o',
      join(store.tmp, 'bad-out'),
    )
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/bad\.vcf, line 5: a VCF record/)
  })
})

describe.skipIf(!beagle)('impute', () => {
  let out: string
  let sites: string[][]
  beforeAll(async () => {
    out = join(store.tmp, 'out')
    const r = await runCli(
      'impute',
      store.dir,
      '--target',
      target,
      '-o',
      out,
      '--chunk',
      '400kb',
      '--overlap',
      '100kb',
    )
    expect(r.err).toMatch(/imputed \d+ sites in 3 chunk/)
    expect(r.code).toBe(0)
    sites = rows(
      bcftools([
        'query',
        '-f',
        '%POS\t%REF\t%ALT\t%INFO/IMP[\t%GT\t%DS]\n',
        join(out, 'imputed.vcf.gz'),
      ]),
    )
  }, 180_000)

  it('joins the chunks seamlessly: every panel site of the target span once, in order', () => {
    const conformed = rows(
      bcftools(['query', '-f', '%POS\n', join(out, 'qc/conformed.vcf.gz')]),
    ).map((r) => Number(r[0]))
    const [first, last] = [conformed[0]!, conformed[conformed.length - 1]!]
    const want = rows(bcftools(['query', '-f', '%POS\t%REF\t%ALT\n', panel]))
      .filter((r) => Number(r[0]) >= first && Number(r[0]) <= last)
      .map((r) => r.join('\t'))
    expect(sites.map((r) => r.slice(0, 3).join('\t'))).toEqual(want)
    const header = bcftools(['view', '-h', join(out, 'imputed.vcf.gz')])
    for (const id of [
      'INFO=<ID=AF',
      'INFO=<ID=DR2',
      'INFO=<ID=IMP',
      'FORMAT=<ID=DS',
      'FORMAT=<ID=GP',
    ])
      expect(header).toContain(`##${id}`)
    const some = bcftools(['view', '-H', join(out, 'imputed.vcf.gz'), '20:1300000-1500000'])
      .trim()
      .split('\n')
    expect(some.length).toBe(
      sites.filter((r) => Number(r[0]) >= 1_300_000 && Number(r[0]) <= 1_500_000).length,
    )
  })

  it('imputes the left-out genotypes as accurately as Beagle on the original VCF', () => {
    const samples = TARGETS.filter((s) => s !== targets.badSample)
    const truth = new Map(
      rows(
        bcftools([
          'query',
          '-r',
          REGION,
          '-s',
          samples.join(','),
          '-f',
          '%POS\t%REF\t%ALT[\t%GT]\n',
          TESTDATA_VCF,
        ]),
      ).map((r) => [r.slice(0, 3).join(':'), r.slice(3)]),
    )
    // Beagle directly: the panel samples of the original VCF, the undamaged targets
    const ref = join(store.tmp, 'direct-ref.vcf.gz')
    bcftools(['view', '-r', REGION, '-s', PANEL.join(','), '-Oz', '-o', ref, TESTDATA_VCF])
    execFileSync('beagle', [
      `gt=${join(store.tmp, 'clean.vcf')}`,
      `ref=${ref}`,
      `out=${join(store.tmp, 'direct')}`,
      'seed=1',
      'nthreads=1',
    ])
    const direct = rows(
      bcftools([
        'query',
        '-f',
        '%POS\t%REF\t%ALT\t%INFO/IMP[\t%GT\t%DS]\n',
        join(store.tmp, 'direct.vcf.gz'),
      ]),
    )
    const dose = (g: string) => (g[0] === '1' ? 1 : 0) + (g[2] === '1' ? 1 : 0)
    const imputed = (records: string[][]) =>
      new Set(records.filter((r) => r[3] === '1').map((r) => r.slice(0, 3).join(':')))
    const inOurs = imputed(sites)
    const scored = new Set([...imputed(direct)].filter((k) => inOurs.has(k)))
    const concordance = (records: string[][]) => {
      let agree = 0
      let all = 0
      for (const r of records) {
        const key = r.slice(0, 3).join(':')
        // sites imputed by both, where the store writes the record as the input does
        const t = truth.get(key)
        if (r[3] !== '1' || !scored.has(key) || !t) continue
        for (let i = 0; i < samples.length; i++) {
          all++
          if (dose(r[4 + 2 * i]!) === dose(t[i]!)) agree++
        }
      }
      return { agree: agree / all, all }
    }
    const ours = concordance(sites)
    const theirs = concordance(direct)
    expect(ours.all).toBeGreaterThan(50_000)
    expect(ours.all).toBe(theirs.all)
    // 19 samples x ~5,000 sites: a difference of 0.5 % is ~500 genotypes, well above Beagle's
    // run-to-run noise on the same data
    expect(Math.abs(ours.agree - theirs.agree)).toBeLessThan(0.005)
    expect(ours.agree).toBeGreaterThan(0.9)
  })

  it('keeps the QC tables, Beagle logs and a report, and no temporary files', () => {
    const report = readFileSync(join(out, 'report.html'), 'utf8')
    expect(report.match(/<svg/g)).toHaveLength(2)
    expect(report).toContain('<td>flipped-swapped</td>')
    expect(readdirSync(join(out, 'logs')).sort()).toEqual([
      'chunk-0.log',
      'chunk-1.log',
      'chunk-2.log',
    ])
    expect(readFileSync(join(out, 'logs/chunk-0.log'), 'utf8')).toMatch(/beagle\.\S+ \(version 5/)
    expect(readdirSync(out).filter((f) => f.startsWith('.work'))).toEqual([])
  })

  it('says in one line that beagle is missing, before any work', async () => {
    const dir = join(store.tmp, 'nobeagle')
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const r = await runCli('impute', store.dir, '--target', target, '-o', dir)
      expect(r.code).not.toBe(0)
      expect(r.err.trim().split('\n').at(-1)).toBe(
        'lightning-tiles: beagle is not installed (Debian: apt install beagle; it provides beagle and bref3)',
      )
    } finally {
      process.env.PATH = path
    }
    // checked before any work
    expect(existsSync(dir)).toBe(false)
  })

  it('stops Beagle on abort and removes its temporary files', async () => {
    const dir = join(store.tmp, 'aborted')
    const controller = new AbortController()
    const run = imputeFromStore({
      store: openStore(store.dir),
      target,
      out: dir,
      onProgress: (p) => {
        if (p.phase === 'Beagle') setTimeout(() => controller.abort(), 300)
      },
      signal: controller.signal,
    })
    await expect(run).rejects.toThrow(/abort/)
    expect(readdirSync(dir).filter((f) => f.startsWith('.work'))).toEqual([])
  })

  it('writes a bref3 panel that Beagle reads as the VCF panel', async () => {
    const small = join(store.tmp, 'small.vcf.gz')
    const r = await runCli('panel', store.dir, '-r', '20:1000000-1300000', '-o', small, '--bref3')
    expect(r.code).toBe(0)
    const gt = join(out, 'qc/conformed.vcf.gz')
    const imputed = (ref: string, name: string) => {
      const prefix = join(store.tmp, name)
      execFileSync('beagle', [
        `gt=${gt}`,
        `ref=${ref}`,
        `out=${prefix}`,
        'chrom=20:1000000-1300000',
        'seed=1',
        'nthreads=1',
      ])
      return bcftools(['view', '-H', `${prefix}.vcf.gz`])
    }
    const fromVcf = imputed(small, 'from-vcf')
    expect(fromVcf.split('\n').length).toBeGreaterThan(1000)
    expect(imputed(join(store.tmp, 'small.bref3'), 'from-bref3')).toBe(fromVcf)
  }, 60_000)

  it.skipIf(!cwltool)(
    'gives the same imputed VCF through cwl/impute.cwl under cwltool',
    async () => {
      const plan = await runCli(
        'impute',
        store.dir,
        '--target',
        target,
        '--chunk',
        '400kb',
        '--overlap',
        '100kb',
        '--print-chunks',
      )
      expect(plan.code).toBe(0)
      const windows = plan.stdout.trim().split('\n')
      expect(windows).toHaveLength(3)
      // the CLI as a user installs it: bin/lightning-tiles.js (dist/, built by npm test) on PATH
      const bin = join(store.tmp, 'bin')
      mkdirSync(bin)
      symlinkSync(resolve('bin/lightning-tiles.js'), join(bin, 'lightning-tiles'))
      const job = join(store.tmp, 'job.json')
      writeFileSync(
        job,
        JSON.stringify({
          store: { class: 'Directory', path: store.dir },
          target: { class: 'File', path: target },
          windows,
        }),
      )
      const outdir = join(store.tmp, 'cwl-out')
      execFileSync('cwltool', ['--quiet', '--outdir', outdir, 'cwl/impute.cwl', job], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      const records = (file: string) => bcftools(['view', '-H', file])
      const cwl = records(join(outdir, 'imputed.vcf.gz'))
      expect(cwl.split('\n').length).toBeGreaterThan(5000)
      // two Beagle runs with the same seed: the same genotypes, dosages and probabilities
      expect(cwl).toBe(records(join(out, 'imputed.vcf.gz')))
      expect(readFileSync(join(outdir, 'counts.tsv'), 'utf8')).toBe(
        readFileSync(join(out, 'qc/counts.tsv'), 'utf8'),
      )
    },
    240_000,
  )
})
