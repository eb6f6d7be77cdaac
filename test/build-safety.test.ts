// `build` never loses or fakes data, tried through the CLI as a user would hit it: --out that is
// not a store (or a store without --force, or the current directory) is refused and left as it
// was; truncated or empty inputs are errors naming the file, never a shorter store; records the
// build cannot place are listed and counted, and verify holds the manifest to that list; every
// file's md5 is in the manifest, so verify names a damaged file itself; an interrupted build
// (a real child process, killed) removes its temporary directory, or a later build does.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { gzipSync, gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/random.js'
import { parseManifest } from '../src/store/manifest.js'
import { runCli } from './cli.js'
import { hasTool } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF } from './testdataStore.js'

const dir = mkdtempSync(join(tmpdir(), 'build-safety-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const random = seededRandom(777)
const base = () => 'ACGT'[Math.floor(random() * 4)]!
const chr1 = Array.from({ length: 6000 }, base).join('')
const chr2 = Array.from({ length: 3000 }, base).join('')
const fasta = (records: [string, string][]) =>
  records.map(([n, s]) => `>${n}\n${s.replace(/(.{60})/g, '$1\n')}\n`).join('')
const REF = join(dir, 'ref.fa')
writeFileSync(
  REF,
  fasta([
    ['chr1', chr1],
    ['chr2', chr2],
  ]),
)

const rec = (chrom: string, pos: number, ref: string, alt: string, ...gts: string[]) =>
  [chrom, pos, '.', ref, alt, '.', 'PASS', '.', 'GT', ...gts].join('\t')
const other = (b: string) => (b === 'A' ? 'C' : 'A')
/** A SNP at 1-based `pos` of `seq` on `chrom`, carried as given. */
const snp = (chrom: string, seq: string, pos: number, ...gts: string[]) =>
  rec(chrom, pos, seq[pos - 1]!, other(seq[pos - 1]!), ...gts)

function vcf(name: string, records: string[], samples = ['S1', 'S2']): string {
  const file = join(dir, name)
  const header = [
    '##fileformat=VCFv4.2',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join(
      '\t',
    ),
  ]
  writeFileSync(file, [...header, ...records].join('\n') + '\n')
  return file
}

// enough records for several BGZF blocks once compressed
const MANY = Array.from({ length: 1500 }, (_, i) =>
  snp('chr1', chr1, 2 + 4 * i, i % 3 ? '0|1' : '1|1', i % 5 ? '0|0' : '1|0'),
)
const GOOD = vcf('good.vcf', MANY)

let outs = 0
const freshOut = () => join(dir, `out${outs++}`)
const build = (...args: string[]) =>
  runCli('build', '--reference', REF, '--path-length', '3000', ...args)
const firstLine = (s: string) => s.split('\n')[0]
/**
 * The error lines of a failed command's stderr (besides them it holds only the progress phases
 * when stderr is not a terminal); never a stack trace.
 */
function errorLines(err: string): string[] {
  expect(err).not.toMatch(/^\s+at /m)
  return err.split('\n').filter((l) => l.startsWith('lightning-tiles: '))
}
/** Temporary names left in `dir` (beside every --out of this file). */
const leftovers = () => readdirSync(dir).filter((f) => f.includes('.tmp-'))
/** Every file under `d` with its bytes, to show that a refused build touched nothing. */
const snapshot = (d: string) =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const f = join(e.parentPath, e.name)
      return [relative(d, f), readFileSync(f).toString('base64')]
    })
    .sort()

describe('build --out', () => {
  it('refuses a non-empty directory that is not a store and leaves it as it was', async () => {
    const out = freshOut()
    mkdirSync(join(out, 'notes'), { recursive: true })
    writeFileSync(join(out, 'notes/todo.txt'), 'mine\n')
    const before = snapshot(out)
    for (const force of [[], ['--force']]) {
      const r = await build('--vcf', GOOD, '--out', out, ...force)
      expect(r.code).toBe(1)
      expect(r.err).toBe(
        `lightning-tiles: --out ${out} is a directory that is not a lightning-tiles store ` +
          '(no store manifest.json); refusing to replace it: choose a new or empty directory\n',
      )
      expect(snapshot(out)).toEqual(before)
    }
    expect(leftovers()).toEqual([])
  })

  it('refuses a file', async () => {
    const out = join(dir, 'a-file')
    writeFileSync(out, 'precious\n')
    const r = await build('--vcf', GOOD, '--out', out, '--force')
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      `lightning-tiles: --out ${out} is a file, not a store: remove it or choose another name\n`,
    )
    expect(readFileSync(out, 'utf8')).toBe('precious\n')
  })

  it('replaces an existing store only with --force', async () => {
    const out = freshOut()
    expect((await build('--vcf', GOOD, '--out', out, '--samples', 'S1')).code).toBe(0)
    const before = snapshot(out)
    const r = await build('--vcf', GOOD, '--out', out)
    expect(r.code).toBe(1)
    expect(r.err).toBe(
      `lightning-tiles: --out ${out} already holds a lightning-tiles store: give --force to replace it\n`,
    )
    expect(snapshot(out)).toEqual(before)
    const forced = await build('--vcf', GOOD, '--out', out, '--force')
    expect(forced.code).toBe(0)
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(m.samples.map((s) => s.name)).toEqual(['S1', 'S2'])
    expect(leftovers()).toEqual([])
  })

  it('refuses the current directory and the directories above it, with a clear message', async () => {
    const cwd = process.cwd()
    const before = readdirSync(cwd).sort()
    for (const out of ['.', '..', cwd, dirname(cwd), '/']) {
      const r = await build('--vcf', GOOD, '--out', out, '--force')
      expect(r.code).toBe(1)
      expect(r.err).toMatch(
        new RegExp(
          `^lightning-tiles: --out ${out.replace(/\./g, '\\.')} is the current directory or holds it: ` +
            'a store cannot replace it; name a new directory, e\\.g\\. --out \\S+\\n$',
        ),
      )
    }
    expect(readdirSync(cwd).sort()).toEqual(before)
  })

  it('builds into an empty directory', async () => {
    const out = freshOut()
    mkdirSync(out)
    const r = await build('--vcf', GOOD, '--out', out)
    expect(r.code).toBe(0)
    expect(existsSync(join(out, 'manifest.json'))).toBe(true)
  })
})

/** `bgzip -c` of `file` into `name`. */
function bgzip(file: string, name: string): string {
  const out = join(dir, name)
  writeFileSync(out, execFileSync('bgzip', ['-c', file]))
  return out
}
/** `file` without its last `n` bytes, as `name`. */
function cut(file: string, name: string, keep: (size: number) => number): string {
  const out = join(dir, name)
  const bytes = readFileSync(file)
  writeFileSync(out, bytes.subarray(0, keep(bytes.length)))
  return out
}

describe.skipIf(!hasTool('bgzip') || !hasTool('samtools'))('truncated or empty inputs', () => {
  const vcfGz = bgzip(GOOD, 'good.vcf.gz')
  const refGz = bgzip(REF, 'ref.fa.gz')
  const cases: [string, () => { ref?: string; vcf?: string }, (f: string) => RegExp][] = [
    [
      'a BGZF VCF without its EOF block',
      () => ({ vcf: cut(vcfGz, 'noeof.vcf.gz', (n) => n - 28) }),
      (f) =>
        new RegExp(`^${f}, offset \\d+: BGZF file has no EOF block: it is probably truncated$`),
    ],
    [
      'a BGZF VCF cut inside a block',
      () => ({ vcf: cut(vcfGz, 'half.vcf.gz', (n) => Math.floor(n / 2)) }),
      (f) =>
        new RegExp(`^${f}, offset \\d+: truncated BGZF: the file ends \\d+ bytes into a block$`),
    ],
    [
      'a gzip VCF cut short',
      () => {
        const gz = join(dir, 'plain.vcf.gz')
        writeFileSync(gz, gzipSync(readFileSync(GOOD)))
        return { vcf: cut(gz, 'plainhalf.vcf.gz', (n) => n - 10) }
      },
      (f) => new RegExp(`^${f}: truncated gzip: the file ends inside the compressed data$`),
    ],
    [
      'a gzip reference cut short',
      () => {
        const gz = join(dir, 'refgzip.fa.gz')
        writeFileSync(gz, gzipSync(readFileSync(REF)))
        return { ref: cut(gz, 'refgziphalf.fa.gz', (n) => Math.floor(n / 2)) }
      },
      (f) => new RegExp(`^${f}: truncated gzip: the file ends inside the compressed data$`),
    ],
    [
      'a BGZF reference without its EOF block',
      () => ({ ref: cut(refGz, 'refnoeof.fa.gz', (n) => n - 28) }),
      (f) =>
        new RegExp(`^${f}, offset \\d+: BGZF file has no EOF block: it is probably truncated$`),
    ],
    [
      'an indexed BGZF reference without its EOF block',
      () => {
        const ref = cut(refGz, 'refidx.fa.gz', (n) => n)
        execFileSync('samtools', ['faidx', ref])
        truncateSync(ref, readFileSync(ref).length - 28)
        return { ref }
      },
      (f) =>
        new RegExp(`^${f}, offset \\d+: BGZF file has no EOF block: it is probably truncated$`),
    ],
    [
      'an empty reference',
      () => {
        writeFileSync(join(dir, 'empty.fa'), '')
        return { ref: join(dir, 'empty.fa') }
      },
      (f) =>
        new RegExp(
          `^${f}: the reference holds no sequences \\(expected ">NAME" lines and bases\\)$`,
        ),
    ],
    [
      'a reference of blank lines',
      () => {
        writeFileSync(join(dir, 'blank.fa'), '\n\n\n')
        return { ref: join(dir, 'blank.fa') }
      },
      (f) =>
        new RegExp(
          `^${f}: the reference holds no sequences \\(expected ">NAME" lines and bases\\)$`,
        ),
    ],
    [
      'a reference whose sequences are empty',
      () => {
        writeFileSync(join(dir, 'nobases.fa'), '>chr1\n>chr2\n')
        return { ref: join(dir, 'nobases.fa') }
      },
      (f) => new RegExp(`^${f}: every sequence of the reference is empty$`),
    ],
  ]
  it.each(cases)('%s is an error naming the file, and no store', async (_, make, message) => {
    const { ref = REF, vcf = GOOD } = make()
    const out = freshOut()
    const r = await runCli('build', '--reference', ref, '--vcf', vcf, '--out', out)
    expect(r.code).toBe(1)
    const errors = errorLines(r.err)
    expect(errors.length).toBe(1)
    expect(errors[0]!.slice('lightning-tiles: '.length)).toMatch(message(ref === REF ? vcf : ref))
    expect(existsSync(out)).toBe(false)
    expect(leftovers()).toEqual([])
  })

  it('the whole BGZF VCF and reference build the same store as the plain files', async () => {
    const plain = freshOut()
    const gz = freshOut()
    expect((await build('--vcf', GOOD, '--out', plain)).code).toBe(0)
    const r = await runCli(
      'build',
      '--reference',
      refGz,
      '--vcf',
      vcfGz,
      '--out',
      gz,
      '--path-length',
      '3000',
    )
    expect(r.code).toBe(0)
    // the same files, byte for byte, but the manifest (which names its inputs)
    const files = (d: string) => snapshot(d).filter(([f]) => f !== 'manifest.json')
    expect(files(gz)).toEqual(files(plain))
  })
})

describe('records the build cannot place', () => {
  it('a record past the contig end is an error naming the line', async () => {
    const file = vcf('past-end.vcf', [
      snp('chr2', chr2, 100, '0|1', '0|0'),
      rec('chr2', 3001, 'A', 'C', '0|1', '0|0'),
    ])
    const out = freshOut()
    const r = await build('--vcf', file, '--out', out)
    expect(r.code).toBe(1)
    expect(errorLines(r.err)).toEqual([
      `lightning-tiles: ${file}, line 5: record at chr2:3001 ends past the contig end (3000)`,
    ])
    expect(existsSync(out)).toBe(false)
  })

  it('records on a contig no path covers are listed and counted, and verify holds the manifest to them', async () => {
    const bed = join(dir, 'chr1.bed')
    writeFileSync(bed, 'chr1\t0\t3000\nchr1\t3000\t6000\n')
    const file = vcf('two-contigs.vcf', [
      snp('chr1', chr1, 1000, '0|1', '1|1'),
      snp('chr2', chr2, 10, '0|1', '0|0'),
      snp('chr2', chr2, 2000, '1|1', '0|0'),
    ])
    const out = freshOut()
    const r = await runCli(
      'build',
      '--reference',
      REF,
      '--vcf',
      file,
      '--path-bed',
      bed,
      '--out',
      out,
    )
    expect(r.code).toBe(0)
    expect(r.err).toContain(
      `skipped 0 overlapping variant(s) (as bcftools consensus does), 2 record(s) on contigs no path covers (listed in ${out}/skipped.tsv.gz)`,
    )
    expect(gunzipSync(readFileSync(join(out, 'skipped.tsv.gz'))).toString()).toBe(
      '#CHROM\tPOS\tSAMPLE\tHAPLOTYPE\tREASON\n' +
        'chr2\t10\t.\t.\tcontig has no path\n' +
        'chr2\t2000\t.\t.\tcontig has no path\n',
    )
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(m.source).toMatchObject({ records: 3, skippedUnplaced: 2, skippedOverlaps: 0 })
    expect(m.paths.map((p) => p.chrom)).toEqual(['chr1', 'chr1'])
    expect((await runCli('verify', out)).code).toBe(0)

    // a manifest that counts a record the store does not list
    m.source.skippedUnplaced = 3
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(m, null, 2))
    const v = await runCli('verify', out)
    expect(v.code).toBe(1)
    expect(v.stdout).toBe(
      "skipped.tsv.gz: lists 2 variant(s) skipped as 'contig has no path', manifest.json counts 3\n",
    )
  })
})

/** Flip one bit of `file`, in the middle. */
function flipBit(file: string): void {
  const bytes = readFileSync(file)
  bytes[bytes.length >> 1]! ^= 0x04
  writeFileSync(file, bytes)
}

describe('file hashes', () => {
  it('verify names a CGF with one flipped bit first', async () => {
    const out = freshOut()
    expect((await build('--vcf', GOOD, '--out', out, '--cgf')).code).toBe(0)
    flipBit(join(out, 'genomes/S2.cgf3'))
    const r = await runCli('verify', out)
    expect(r.code).toBe(1)
    expect(firstLine(r.stdout)).toMatch(
      /^genomes\/S2\.cgf3: md5 of the contents is [0-9a-f]{32}, manifest\.json records [0-9a-f]{32}: the file is damaged$/,
    )
    expect(errorLines(r.err)).toEqual([expect.stringMatching(/ is damaged: \d+ problems?$/)])
  })

  it('a store without hashes (built before them) still verifies, and says so', async () => {
    const out = freshOut()
    expect((await build('--vcf', GOOD, '--out', out)).code).toBe(0)
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'))
    const files = Object.keys(m.files!)
    expect(files).toEqual(
      snapshot(out)
        .map(([f]) => f!)
        .filter((f) => f !== 'manifest.json'),
    )
    delete m.files
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(m, null, 2))
    const r = await runCli('verify', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /; manifest\.json records no file hashes \(a store built before them\): contents checked by format only\n$/,
    )
  })
})

/** The CLI in a child process: `node --import tsx` on src/cli/main.ts. */
function spawnCli(args: string[]) {
  const script =
    "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(['node', 'lt', ...process.argv.slice(1)])"
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
}

/** Resolves once the build's temporary directory beside `out` holds a path's library. */
async function midBuild(out: string): Promise<string> {
  const prefix = `.${out.split('/').at(-1)}.tmp-`
  for (;;) {
    const tmp = readdirSync(dirname(out)).find((f) => f.startsWith(prefix) && !f.endsWith('.old'))
    if (tmp && existsSync(join(dirname(out), tmp, 'library/0000.counts.bin'))) return tmp
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A real build of testdata (300 samples, 3 Mb) into `out`, killed with `signal` mid-build. */
async function killedBuild(out: string, signal: NodeJS.Signals) {
  const child = spawnCli([
    'build',
    '--reference',
    TESTDATA_REF,
    '--vcf',
    TESTDATA_VCF,
    '--out',
    out,
    '--path-length',
    '500000',
  ])
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig })),
  )
  const tmp = await Promise.race([midBuild(out), exited.then(() => undefined)])
  expect(tmp, `the build ended before it was killed: ${err}`).toBeDefined()
  child.kill(signal)
  return { ...(await exited), err, tmp: tmp!, pid: child.pid! }
}

describe('interrupted builds', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: the temporary directory is removed and the exit status is %d',
    async (signal, status) => {
      const parent = mkdtempSync(join(dir, 'sig-'))
      const out = join(parent, 'store')
      const r = await killedBuild(out, signal)
      expect(r.code).toBe(status)
      expect(r.err.split('\n').filter((l) => l.startsWith('lightning-tiles:'))).toEqual([
        `lightning-tiles: build interrupted by ${signal}; ${out} left as it was`,
      ])
      expect(readdirSync(parent)).toEqual([])
    },
  )

  it('a later build removes what a killed one left, and never a live build’s directory', async () => {
    const parent = mkdtempSync(join(dir, 'kill-'))
    const out = join(parent, 'store')
    const r = await killedBuild(out, 'SIGKILL')
    expect(r.signal).toBe('SIGKILL')
    expect(readdirSync(parent)).toEqual([r.tmp])
    // the temporary directory of a live process (this one) is not touched
    const live = `.store.tmp-${process.pid}-0123abcd`
    mkdirSync(join(parent, live))
    const b = await build('--vcf', GOOD, '--out', out)
    expect(b.code).toBe(0)
    expect(readdirSync(parent).sort()).toEqual([live, 'store'])
  })

  it('a store a killed build had moved aside is put back, not removed', async () => {
    const parent = mkdtempSync(join(dir, 'old-'))
    const out = join(parent, 'store')
    expect((await build('--vcf', GOOD, '--out', out)).code).toBe(0)
    const before = snapshot(out)
    // a run killed between moving the old store aside and renaming the new one into place
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    renameSync(out, join(parent, `.store.tmp-${dead}-0123abcd.old`))
    const r = await build('--vcf', GOOD, '--out', out)
    expect(r.code).toBe(1)
    expect(errorLines(r.err)).toEqual([
      `lightning-tiles: --out ${out} already holds a lightning-tiles store: give --force to replace it`,
    ])
    expect(readdirSync(parent)).toEqual(['store'])
    expect(snapshot(out)).toEqual(before)
  })
})
