// The CLI under bad input and faults, as a new user meets them: one row per fault (the command,
// what is set up first, the exit code expected and a pattern for the one line on stderr). Every
// row runs the real executable (bin/ over dist/, so `npm run build` first) in its own process and
// must end with exactly one line on stderr (none for a quiet success), no stack trace, and the
// sandbox folder exactly as it was: no file lost or changed, no temporary file left behind. Two
// kinds of row may say they print more, and the table then checks that too: a build reports its
// phases (one line each, stderr not being a terminal) before it fails, and `samples` prints a
// caret under where a bad expression goes wrong. To add a fault, add a row to FAULTS.
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { constants as osConstants, tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/random.js'
import { serveDirectory } from './httpServer.js'
import type { StaticServer } from './httpServer.js'
import { hasTool } from './shared.js'
import { TESTDATA_REF, TESTDATA_VCF, testdataStore } from './testdataStore.js'

const BIN = 'bin/lightning-tiles.js'
const built = existsSync('dist/esm/cli/main.js')
if (!built) console.warn('dist/ is absent (run npm run build): the CLI fault table is skipped')

/** Root reads files whatever their mode: rows about unreadable files cannot fail for root. */
const isRoot = process.getuid?.() === 0

const SAMPLES = ['HG00096', 'HG00097', 'HG00099']
const store = testdataStore('lt-faults-', SAMPLES, 1_000_000, { cgf: true })

/** What a row may use: the built store, a sandbox folder with a few files, and servers. */
interface Ctx {
  store: string
  /** every row must leave this folder exactly as it found it */
  sandbox: string
  /** a text file already in the sandbox (stands for the user's data) */
  existing: string
  /** the store over HTTP with range requests */
  url: string
  /** a server that accepts connections and never answers */
  hangUrl: string
  /** a server that answers every request with 500 */
  errorUrl: string
  /** a server that ignores Range headers (HTTP 200 with the whole file) */
  noRangeUrl: string
  /** a local port where nothing listens */
  closedUrl: string
}

interface Fault {
  /** what a user did */
  name: string
  /** arguments after `lightning-tiles` (or, with `node`, after the node executable) */
  args: (c: Ctx) => string[]
  /** run the arguments with node itself (an API call through a script), not the CLI */
  node?: boolean
  /** pipe stdout into `head -1` (the reader goes away) */
  head?: boolean
  /** send this signal once a temporary file appears in the sandbox (the user presses ^C) */
  interrupt?: NodeJS.Signals
  /** run in the sandbox folder (for `--out .`) */
  inSandbox?: boolean
  /** the command reports its phases on stderr before the error line (a build) */
  phases?: boolean
  /** a second stderr line holds a `^` under this character of the error line (`samples EXPR`) */
  caret?: string
  /** prepare the sandbox (run before the sandbox is snapshotted) */
  setup?: (c: Ctx) => void
  /** expected exit status */
  code: number
  /** the one line on stderr; undefined: stderr must be empty */
  stderr?: RegExp
  /** a reason the row cannot run here */
  skip?: string | false
}

const TILE = '0000.00.0100.000'
const nodeApi = (code: string) => ['--import', 'tsx', '--input-type=module', '-e', code]

// The build's inputs, written into the sandbox by the rows that need them: a 60 kb contig and a
// VCF of two samples with a SNP every 13 bases (170 kB: three BGZF blocks).
const random = seededRandom(10)
const CHR1 = Array.from({ length: 60_000 }, () => 'ACGT'[Math.floor(random() * 4)]!).join('')
const REF_FA = `>chr1\n${CHR1.replace(/(.{60})/g, '$1\n')}\n`
const RECORDS = Array.from({ length: 4600 }, (_, i) => {
  const pos = 10 + 13 * i
  const ref = CHR1[pos - 1]!
  return [
    'chr1',
    pos,
    '.',
    ref,
    ref === 'A' ? 'C' : 'A',
    '.',
    'PASS',
    '.',
    'GT',
    '0|1',
    '1|0',
  ].join('\t')
})
const VCF_HEADER = [
  '##fileformat=VCFv4.2',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2',
]

/** ref.fa (or `ref`) and in.vcf (with `extra` records after the others) in the sandbox. */
function writeBuildInputs(
  c: Ctx,
  { ref = REF_FA, extra = [] }: { ref?: string | Uint8Array; extra?: string[] } = {},
): void {
  writeFileSync(join(c.sandbox, 'ref.fa'), ref)
  writeFileSync(join(c.sandbox, 'in.vcf'), [...VCF_HEADER, ...RECORDS, ...extra, ''].join('\n'))
}

/** The build inputs, with in.vcf.gz: `bgzip -c in.vcf` cut to `keep(size)` bytes. Returns the
 * number of BGZF blocks of the whole file. */
function bgzipCut(c: Ctx, keep: (size: number) => number): number {
  writeBuildInputs(c)
  const gz = execFileSync('bgzip', ['-c', join(c.sandbox, 'in.vcf')])
  writeFileSync(join(c.sandbox, 'in.vcf.gz'), gz.subarray(0, keep(gz.length)))
  let blocks = 0
  for (let at = 0; at < gz.length; at += gz.readUInt16LE(at + 16) + 1) blocks++
  return blocks
}

/** `build` of the sandbox's ref.fa and `vcf` into `out` (sandbox/out, which must not appear). */
const buildArgs = (c: Ctx, vcf: string, out = join(c.sandbox, 'out')) => [
  'build',
  '--reference',
  join(c.sandbox, 'ref.fa'),
  '--vcf',
  vcf,
  '--path-length',
  '30000',
  '--out',
  out,
]

const FAULTS: Fault[] = [
  // --- inputs that are missing, unreadable, or a directory
  {
    name: 'store that does not exist',
    args: (c) => ['tile', join(c.sandbox, 'nostore'), TILE],
    code: 1,
    stderr: /^lightning-tiles: store .*nostore: no such file or directory$/,
  },
  {
    name: 'store given as a file',
    args: (c) => ['tile', c.existing, TILE],
    code: 1,
    stderr: /^lightning-tiles: store .*notes\.txt is a file, not a store directory$/,
  },
  {
    name: 'a directory that is not a store',
    args: (c) => ['stats', c.sandbox],
    code: 1,
    stderr: /is not a lightning-tiles store: it has no manifest\.json$/,
  },
  {
    name: 'verify of a store that does not exist',
    args: (c) => ['verify', join(c.sandbox, 'nostore')],
    code: 1,
    stderr: /^lightning-tiles: store .*nostore: no such file or directory$/,
  },
  {
    name: 'CGF that does not exist',
    args: (c) => ['cgf', 'decode', join(c.sandbox, 'none.cgf3')],
    code: 1,
    stderr: /^lightning-tiles: CGF .*none\.cgf3: no such file or directory$/,
  },
  {
    name: 'directory given as the CGF',
    args: (c) => ['cgf', 'decode', c.sandbox],
    code: 1,
    stderr: /^lightning-tiles: CGF .* is a directory, not a file$/,
  },
  {
    name: 'unreadable band file (chmod 000)',
    skip: isRoot && 'runs as root, which reads any file',
    setup: (c) => {
      writeFileSync(join(c.sandbox, 'locked.band'), '')
      chmodSync(join(c.sandbox, 'locked.band'), 0)
    },
    args: (c) => ['cgf', 'encode', '--path', '0000', '-i', join(c.sandbox, 'locked.band')],
    code: 1,
    stderr: /^lightning-tiles: --input .*locked\.band: permission denied$/,
  },
  {
    name: 'band file that does not exist',
    args: (c) => ['cgf', 'encode', '--path', '0000', '-i', join(c.sandbox, 'none.band')],
    code: 1,
    stderr: /^lightning-tiles: --input .*none\.band: no such file or directory$/,
  },
  {
    name: 'stats --vcf that does not exist',
    args: (c) => ['stats', c.store, '--vcf', join(c.sandbox, 'none.vcf.gz')],
    code: 1,
    stderr: /^lightning-tiles: --vcf .*none\.vcf\.gz: no such file or directory$/,
  },
  {
    name: 'build --reference that does not exist',
    args: (c) => [
      'build',
      '--reference',
      join(c.sandbox, 'none.fa'),
      '--vcf',
      c.existing,
      '--out',
      join(c.sandbox, 'out'),
    ],
    code: 1,
    stderr: /^lightning-tiles: reference .*none\.fa: no such file or directory$/,
  },
  {
    name: 'build --reference given a directory',
    args: (c) => ['build', '--reference', c.sandbox, '--vcf', c.existing, '--out', 'x'],
    code: 1,
    stderr: /^lightning-tiles: reference .* is a directory, not a file$/,
  },
  {
    name: 'build --vcf that does not exist',
    args: (c) => [
      'build',
      '--reference',
      TESTDATA_REF,
      '--vcf',
      join(c.sandbox, 'none.vcf.gz'),
      '--out',
      join(c.sandbox, 'out'),
    ],
    code: 1,
    stderr: /^lightning-tiles: VCF .*none\.vcf\.gz: no such file or directory$/,
  },
  {
    name: 'buildStore() through the API with a missing VCF: a typed rejection, no crash',
    node: true,
    args: (c) =>
      nodeApi(
        `import { buildStore } from './src/index.ts'
         await buildStore({ reference: '${TESTDATA_REF}', vcf: '${c.sandbox}/none.vcf.gz', out: '${c.sandbox}/out' })
           .catch((e) => { console.error(e.name + ': ' + e.message); process.exitCode = 3 })`,
      ),
    code: 3,
    stderr: /^NotFoundError: VCF .*none\.vcf\.gz: no such file or directory$/,
  },
  {
    name: 'build --vcf given a directory',
    setup: writeBuildInputs,
    args: (c) => buildArgs(c, c.sandbox),
    code: 1,
    stderr: /^lightning-tiles: VCF .* is a directory, not a file$/,
  },
  {
    name: 'build without --vcf (or FASTA pairs)',
    setup: writeBuildInputs,
    args: (c) => [
      'build',
      '--reference',
      join(c.sandbox, 'ref.fa'),
      '--out',
      join(c.sandbox, 'out'),
    ],
    code: 1,
    stderr:
      /^lightning-tiles: give the haplotypes as a VCF, as gVCFs or as FASTA pairs \(one of the three\)$/,
  },
  // --- build inputs that are truncated or empty: an error naming the file, never a shorter store
  {
    name: 'build --vcf BGZF without its EOF block',
    skip: !hasTool('bgzip') && 'bgzip is not installed',
    setup: (c) => bgzipCut(c, (n) => n - 28),
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf.gz')),
    phases: true,
    code: 1,
    stderr:
      /^lightning-tiles: .*in\.vcf\.gz, offset \d+: BGZF file has no EOF block: it is probably truncated$/,
  },
  {
    name: 'build --vcf BGZF cut inside a block after the first',
    skip: !hasTool('bgzip') && 'bgzip is not installed',
    setup: (c) => expect(bgzipCut(c, (n) => n >> 1)).toBeGreaterThan(2),
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf.gz')),
    phases: true,
    code: 1,
    stderr:
      /^lightning-tiles: .*in\.vcf\.gz, offset [1-9]\d*: truncated BGZF: the file ends \d+ bytes into a block$/,
  },
  {
    name: 'build --vcf gzip cut short',
    setup: (c) => {
      writeBuildInputs(c)
      const gz = gzipSync(readFileSync(join(c.sandbox, 'in.vcf')))
      writeFileSync(join(c.sandbox, 'in.vcf.gz'), gz.subarray(0, gz.length - 10))
    },
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf.gz')),
    phases: true,
    code: 1,
    stderr:
      /^lightning-tiles: .*in\.vcf\.gz: truncated gzip: the file ends inside the compressed data$/,
  },
  {
    name: 'build --reference gzip cut short',
    setup: (c) => {
      const gz = gzipSync(REF_FA)
      writeBuildInputs(c, { ref: gz.subarray(0, gz.length >> 1) })
    },
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf')),
    code: 1,
    stderr:
      /^lightning-tiles: .*ref\.fa: truncated gzip: the file ends inside the compressed data$/,
  },
  {
    name: 'build with an empty reference',
    setup: (c) => writeBuildInputs(c, { ref: '' }),
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf')),
    code: 1,
    stderr:
      /^lightning-tiles: .*ref\.fa: the reference holds no sequences \(expected ">NAME" lines and bases\)$/,
  },
  {
    name: 'build with a reference of empty sequences',
    setup: (c) => writeBuildInputs(c, { ref: '>chr1\n>chr2\n' }),
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf')),
    code: 1,
    stderr: /^lightning-tiles: .*ref\.fa: every sequence of the reference is empty$/,
  },
  {
    name: 'build --vcf with a record past the contig end',
    setup: (c) =>
      writeBuildInputs(c, {
        extra: [`chr1\t${CHR1.length + 1}\t.\tA\tC\t.\tPASS\t.\tGT\t0|1\t0|0`],
      }),
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf')),
    phases: true,
    code: 1,
    stderr: new RegExp(
      `^lightning-tiles: .*in\\.vcf, line ${RECORDS.length + 4}: record at chr1:${CHR1.length + 1} ends past the contig end \\(${CHR1.length}\\)$`,
    ),
  },
  ...(['none', 'bgzf'] as const).map((compression): Fault => ({
    name: `writeTextFile() (${compression}) into a missing folder: a rejection, no crash`,
    node: true,
    args: (c) =>
      nodeApi(
        `import { writeTextFile } from './src/formats/text-writer.ts'
           async function* slow() { await new Promise((r) => setTimeout(r, 50)); yield 'x' }
           await writeTextFile('${c.sandbox}/no/x.txt', slow(), '${compression}')
             .catch((e) => { console.error(e.message); process.exitCode = 3 })`,
      ),
    code: 3,
    stderr: /^ENOENT: no such file or directory, open '.*\/no\/\.x\.txt\.tmp-/,
  })),
  {
    name: '--samples-file given a directory',
    args: (c) => ['vcf', c.store, '-S', c.sandbox],
    code: 1,
    stderr: /^lightning-tiles: --samples-file .* is a directory, not a file$/,
  },
  {
    name: '--regions-file that does not exist',
    args: (c) => ['vcf', c.store, '-R', join(c.sandbox, 'none.bed')],
    code: 1,
    stderr: /^lightning-tiles: --regions-file .*none\.bed: no such file or directory$/,
  },
  // --- outputs that cannot be written; nothing existing may be lost
  // --- build --out that is not a store of ours, or the current directory: refused, kept
  ...[[], ['--force']].map((force): Fault => ({
    name: `build --out a directory that is not a store${force.length ? ', with --force' : ''}`,
    setup: (c) => {
      writeBuildInputs(c)
      mkdirSync(join(c.sandbox, 'mine'))
      writeFileSync(join(c.sandbox, 'mine/todo.txt'), 'mine\n')
    },
    args: (c) => [...buildArgs(c, join(c.sandbox, 'in.vcf'), join(c.sandbox, 'mine')), ...force],
    code: 1,
    stderr:
      /^lightning-tiles: --out .*mine is a directory that is not a lightning-tiles store \(no store manifest\.json\); refusing to replace it: choose a new or empty directory$/,
  })),
  {
    name: 'build --out a file, with --force',
    setup: writeBuildInputs,
    args: (c) => [...buildArgs(c, join(c.sandbox, 'in.vcf'), c.existing), '--force'],
    code: 1,
    stderr:
      /^lightning-tiles: --out .*notes\.txt is a file, not a store: remove it or choose another name$/,
  },
  {
    name: 'build --out an existing store without --force',
    setup: (c) => {
      writeBuildInputs(c)
      cpSync(c.store, join(c.sandbox, 'store'), { recursive: true })
    },
    args: (c) => buildArgs(c, join(c.sandbox, 'in.vcf'), join(c.sandbox, 'store')),
    code: 1,
    stderr:
      /^lightning-tiles: --out .*store already holds a lightning-tiles store: give --force to replace it$/,
  },
  {
    name: 'build --out . (the current directory), with --force',
    inSandbox: true,
    setup: writeBuildInputs,
    args: () => ['build', '--reference', 'ref.fa', '--vcf', 'in.vcf', '--out', '.', '--force'],
    code: 1,
    stderr:
      /^lightning-tiles: --out \. is the current directory or holds it: a store cannot replace it; name a new directory, e\.g\. --out \S+$/,
  },
  {
    name: '-o into a folder that does not exist',
    args: (c) => ['vcf', c.store, '-r', '20:1000000-1001000', '-o', join(c.sandbox, 'no/x.vcf')],
    code: 1,
    stderr: /^lightning-tiles: -o .*no\/x\.vcf: folder .*no: no such file or directory$/,
  },
  {
    name: '-o below a file',
    args: (c) => ['vcf', c.store, '-r', '20:1000000-1001000', '-o', join(c.existing, 'x.vcf')],
    code: 1,
    stderr: /^lightning-tiles: -o .*notes\.txt\/x\.vcf: .*notes\.txt is not a folder$/,
  },
  {
    name: '-o a directory',
    args: (c) => ['vcf', c.store, '-o', c.sandbox],
    code: 1,
    stderr: /^lightning-tiles: -o .* is a directory, not a file$/,
  },
  {
    name: '-o into a read-only folder',
    skip: isRoot && 'runs as root, which writes anywhere',
    setup: (c) => {
      mkdirSync(join(c.sandbox, 'ro'))
      chmodSync(join(c.sandbox, 'ro'), 0o555)
    },
    args: (c) => ['vcf', c.store, '-r', '20:1000000-1001000', '-o', join(c.sandbox, 'ro/x.vcf')],
    code: 1,
    stderr: /^lightning-tiles: .*ro\/.*permission denied$/,
  },
  {
    name: '-o x.bcf (no BCF is written), over an existing file',
    setup: (c) => writeFileSync(join(c.sandbox, 'old.bcf'), 'keep me'),
    args: (c) => ['vcf', c.store, '-o', join(c.sandbox, 'old.bcf')],
    code: 1,
    stderr: /^lightning-tiles: -o .*old\.bcf: BCF is not written; write \.vcf\.gz/,
  },
  {
    name: 'a failing export over an existing -o file keeps the file',
    args: (c) => ['vcf', c.store, '-s', 'NA00000', '-o', c.existing],
    code: 1,
    stderr: /^lightning-tiles: sample NA00000 is not in the store$/,
  },
  {
    name: '--write-index without a .gz output',
    args: (c) => ['vcf', c.store, '-o', join(c.sandbox, 'x.vcf'), '--write-index'],
    code: 1,
    stderr: /^lightning-tiles: --write-index needs a BGZF output: -o FILE\.vcf\.gz$/,
  },
  ...(['SIGINT', 'SIGTERM'] as const).map((signal): Fault => ({
    name: `vcf -o interrupted by ${signal}: the temporary file is removed`,
    args: (c) => ['vcf', c.store, '-r', '20:2000001-2990000', '-o', join(c.sandbox, 'x.vcf.gz')],
    interrupt: signal,
    code: 128 + osConstants.signals[signal],
  })),
  // --- the reader of stdout goes away: quiet, status 0 (bcftools is killed by SIGPIPE instead)
  ...(
    [
      ['vcf', (c: Ctx) => ['vcf', c.store, '-r', '20:2000001-2990000']],
      ['tiles', (c: Ctx) => ['tiles', c.store, '20']],
      ['fasta', (c: Ctx) => ['fasta', c.store, '--sample', SAMPLES[0]!, '--haplotype', '1']],
      ['cgf decode', (c: Ctx) => ['cgf', 'decode', join(c.store, 'genomes/HG00096.cgf3')]],
    ] as const
  ).map(([what, args]): Fault => ({
    name: `${what} | head -1`,
    args,
    head: true,
    code: 0,
  })),
  // --- network faults
  {
    name: 'connection refused',
    args: (c) => ['tile', c.closedUrl, TILE],
    code: 1,
    stderr:
      /^lightning-tiles: http:\/\/127\.0\.0\.1:\d+\/store\/manifest\.json: connection refused$/,
  },
  {
    name: 'host not found (DNS)',
    args: () => ['tile', 'http://no-such-host.invalid/store', TILE],
    code: 1,
    stderr:
      /^lightning-tiles: http:\/\/no-such-host\.invalid\/store\/manifest\.json: host no-such-host\.invalid not found \(DNS lookup failed\)$/,
  },
  {
    name: 'TLS to a server that does not speak it',
    args: (c) => ['tile', c.url.replace('http:', 'https:'), TILE],
    code: 1,
    stderr: /^lightning-tiles: https:\/\/127\.0\.0\.1:\d+\/manifest\.json: TLS failed: /,
  },
  {
    name: 'HTTP 404 (no store at the URL)',
    args: (c) => ['tile', `${c.url}/nostore`, TILE],
    code: 1,
    stderr: /^lightning-tiles: http:\/\/.*\/nostore\/manifest\.json: HTTP 404 Not Found$/,
  },
  {
    name: 'HTTP 500',
    args: (c) => ['stats', c.errorUrl],
    code: 1,
    stderr: /^lightning-tiles: .*manifest\.json: .*HTTP 500 Internal Server Error/,
  },
  {
    name: 'a server that ignores range requests',
    args: (c) => ['tile', c.noRangeUrl, TILE],
    code: 1,
    stderr: /: the server ignores range requests \(HTTP 200 for a byte range\)/,
  },
  {
    name: 'a server that never answers (--timeout 1)',
    args: (c) => ['--timeout', '1', 'tile', c.hangUrl, TILE],
    code: 1,
    stderr: /^lightning-tiles: http:\/\/.*\/manifest\.json: timed out after 1 s$/,
  },
  {
    name: 'vcf from a server that never answers (--timeout after the command)',
    args: (c) => ['vcf', c.hangUrl, '--timeout', '1'],
    code: 1,
    stderr: /^lightning-tiles: http:\/\/.*\/manifest\.json: timed out after 1 s$/,
  },
  {
    name: '--timeout that is not a number of seconds',
    args: (c) => ['--timeout', 'soon', 'tile', c.url, TILE],
    code: 1,
    stderr: /^lightning-tiles: option '--timeout <SECONDS>' argument 'soon' is invalid/,
  },
  // --- tile IDs
  {
    name: 'tile ID that is not one',
    args: (c) => ['tile', c.store, 'zzz'],
    code: 1,
    stderr: /^lightning-tiles: 'zzz' is not a tile ID of the form PPPP\.VV\.SSSS\.VVV\[\+SPAN\]$/,
  },
  {
    name: 'tile position without a variant',
    args: (c) => ['tile', c.store, '0000.00.0100'],
    code: 1,
    stderr: /^lightning-tiles: '0000\.00\.0100' is not a tile ID/,
  },
  {
    name: 'tile variant the step does not have',
    args: (c) => ['tile', c.store, '0000.00.0100.0ff'],
    code: 1,
    stderr: /^lightning-tiles: .*: no tile 0000\.00\.0100\.0ff \(step has \d+ variants?\)$/,
  },
  {
    name: 'tile path the store does not have',
    args: (c) => ['locate', c.store, '00ff.00.0001.000'],
    code: 1,
    stderr: /^lightning-tiles: .*: the store has no path 00ff$/,
  },
  {
    name: 'tile step past the path',
    args: (c) => ['tile', c.store, '0000.00.ffff.000'],
    code: 1,
    stderr: /^lightning-tiles: .*: path 0000 has no step ffff/,
  },
  {
    name: 'tile ID with the wrong span',
    args: (c) => ['tile', c.store, '0000.00.0100.000+5'],
    code: 1,
    stderr: /^lightning-tiles: .*: tile 0000\.00\.0100\.000\+5 has span 1$/,
  },
  {
    name: 'locate of a tile variant the step does not have',
    args: (c) => ['locate', c.store, '0000.00.0100.0ff+1'],
    code: 1,
    stderr: /^lightning-tiles: .*: no tile 0000\.00\.0100\.0ff \(step has \d+ variants?\)$/,
  },
  {
    name: 'carriers of a tile variant the step does not have',
    args: (c) => ['carriers', c.store, '0000.00.0100.0ff'],
    code: 1,
    stderr: /^lightning-tiles: .*: no tile 0000\.00\.0100\.0ff \(step has \d+ variants?\)$/,
  },
  {
    name: 'carriers with the wrong span',
    args: (c) => ['carriers', c.store, '0000.00.0100.000+5'],
    code: 1,
    stderr: /^lightning-tiles: .*: tile 0000\.00\.0100\.000\+5 has span 1$/,
  },
  {
    name: 'carriers of a step past the path',
    args: (c) => ['carriers', c.store, '0000.00.ffff.000'],
    code: 1,
    stderr: /^lightning-tiles: .*: path 0000 has no step ffff/,
  },
  {
    name: 'locate on an assembly the store does not have',
    args: (c) => ['locate', c.store, TILE, '--assembly', 'hg38'],
    code: 1,
    stderr: /^lightning-tiles: store .* has no assembly 'hg38' \(its own is '20\.1-4000000'\)$/,
  },
  // --- regions
  {
    name: 'region with END before BEGIN',
    args: (c) => ['tiles', c.store, '20:500-100'],
    code: 1,
    stderr: /^lightning-tiles: region '20:500-100': a region needs 1 <= BEGIN <= END$/,
  },
  {
    name: 'region from position 0',
    args: (c) => ['vcf', c.store, '-r', '20:0-100'],
    code: 1,
    stderr: /^lightning-tiles: region '20:0-100': a region needs 1 <= BEGIN <= END$/,
  },
  {
    name: 'region on a contig the store does not have',
    args: (c) => ['vcf', c.store, '-r', '20:1000000-1000100,chr21:1-100'],
    code: 1,
    stderr: /^lightning-tiles: region chr21:1-100: contig chr21 is not in the store \(20\)$/,
  },
  {
    name: 'region past the end of the contig',
    args: (c) => [
      'fasta',
      c.store,
      '--sample',
      SAMPLES[0]!,
      '--haplotype',
      '1',
      '-r',
      '20:5000000-',
    ],
    code: 1,
    stderr:
      /^lightning-tiles: region 20:5000000- starts past the end of contig 20 \(4,000,000 bases\)$/,
  },
  {
    name: 'region list with an empty item',
    args: (c) => ['tiles', c.store, '20:1-100,,20:500-600'],
    code: 1,
    stderr: /^lightning-tiles: '20:1-100,,20:500-600' is not a list of regions/,
  },
  {
    name: 'regions file with a bad line',
    setup: (c) => writeFileSync(join(c.sandbox, 'bad.bed'), '20\t100\t200\n20\tten\t300\n'),
    args: (c) => ['vcf', c.store, '-R', join(c.sandbox, 'bad.bed')],
    code: 1,
    stderr: /^lightning-tiles: .*bad\.bed, line 2: expected BED: CHROM START END/,
  },
  {
    name: 'empty regions file',
    setup: (c) => writeFileSync(join(c.sandbox, 'empty.bed'), '# nothing\n'),
    args: (c) => ['tiles', c.store, '-R', join(c.sandbox, 'empty.bed')],
    code: 1,
    stderr: /^lightning-tiles: .*empty\.bed: no regions in it$/,
  },
  {
    name: '--regions and --regions-file together',
    args: (c) => ['vcf', c.store, '-r', '20', '-R', c.existing],
    code: 1,
    stderr: /^lightning-tiles: give --regions or --regions-file, not both$/,
  },
  // --- samples
  {
    name: 'vcf: unknown sample',
    args: (c) => ['vcf', c.store, '-s', 'NA00000'],
    code: 1,
    stderr: /^lightning-tiles: sample NA00000 is not in the store$/,
  },
  {
    name: 'fasta: unknown sample',
    args: (c) => ['fasta', c.store, '--sample', 'NA00000', '--haplotype', '1'],
    code: 1,
    stderr: /^lightning-tiles: .*: no sample 'NA00000'$/,
  },
  {
    name: 'carriers: unknown sample',
    args: (c) => ['carriers', c.store, TILE, '--samples', 'NA00000'],
    code: 1,
    stderr: /^lightning-tiles: .*: no sample 'NA00000'$/,
  },
  {
    name: 'build: unknown sample',
    args: (c) => [
      'build',
      '--reference',
      TESTDATA_REF,
      '--vcf',
      'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz',
      '--samples',
      'NA00000',
      '--out',
      join(c.sandbox, 'out'),
    ],
    code: 1,
    stderr: /^lightning-tiles: sample NA00000 is not in .*\.vcf\.gz$/,
  },
  {
    name: 'vcf: a sample given twice',
    args: (c) => ['vcf', c.store, '--samples', `${SAMPLES[0]},${SAMPLES[1]},${SAMPLES[0]}`],
    code: 1,
    stderr: /^lightning-tiles: sample HG00096 is given twice in --samples$/,
  },
  {
    name: 'carriers: a sample given twice',
    args: (c) => ['carriers', c.store, TILE, '-s', `${SAMPLES[0]},${SAMPLES[0]}`],
    code: 1,
    stderr: /^lightning-tiles: sample HG00096 is given twice in --samples$/,
  },
  {
    name: 'a sample given twice in --samples-file',
    setup: (c) => writeFileSync(join(c.sandbox, 'samples.txt'), 'HG00096\nHG00097\nHG00096\n'),
    args: (c) => ['vcf', c.store, '-S', join(c.sandbox, 'samples.txt')],
    code: 1,
    stderr: /^lightning-tiles: sample HG00096 is given twice in --samples-file .*samples\.txt$/,
  },
  {
    name: 'an empty --samples',
    args: (c) => ['carriers', c.store, TILE, '--samples', ''],
    code: 1,
    stderr: /^lightning-tiles: --samples '' has an empty name/,
  },
  {
    name: '--samples and --samples-file together',
    args: (c) => ['vcf', c.store, '-s', 'HG00096', '-S', c.existing],
    code: 1,
    stderr: /^lightning-tiles: give --samples or --samples-file, not both$/,
  },
  // --- sample expressions: the error, and a caret under where it goes wrong
  {
    name: 'samples EXPR with a key the store does not have',
    args: (c) => ['samples', c.store, 'pop=="FIN"'],
    code: 1,
    stderr: /^lightning-tiles: unknown key 'pop' at column 1: pop=="FIN" \(/,
    caret: 'p',
  },
  {
    name: 'samples EXPR that does not parse',
    args: (c) => ['samples', c.store, '_ROW_ == "HG00096" && )'],
    code: 1,
    stderr:
      /^lightning-tiles: expected a value, found '\)' at column 23: _ROW_ == "HG00096" && \)$/,
    caret: ')',
  },
  // --- csq
  {
    name: 'csq without --gff',
    args: () => ['csq', TESTDATA_VCF, '--reference', TESTDATA_REF],
    code: 1,
    stderr:
      /^lightning-tiles: required option '--gff <FILE>' not specified \(see lightning-tiles csq --help\)$/,
  },
  {
    name: 'csq --gff with a GFF3 line of four columns',
    setup: (c) =>
      writeFileSync(join(c.sandbox, 'genes.gff3'), '##gff-version 3\n20\tensembl\tgene\t100\n'),
    args: (c) => [
      'csq',
      TESTDATA_VCF,
      '--gff',
      join(c.sandbox, 'genes.gff3'),
      '--reference',
      TESTDATA_REF,
    ],
    code: 1,
    stderr: /^lightning-tiles: .*genes\.gff3, line 2: expected 9 tab-separated columns, found 4$/,
  },
  // --- usage
  {
    name: 'unknown command',
    args: () => ['tilez'],
    code: 1,
    stderr: /^lightning-tiles: unknown command 'tilez'.* \(see lightning-tiles --help\)$/,
  },
  {
    name: 'unknown option',
    args: (c) => ['vcf', c.store, '--sample', 'HG00096'],
    code: 1,
    stderr: /^lightning-tiles: unknown option '--sample'.*\(see lightning-tiles vcf --help\)$/,
  },
  {
    name: 'missing argument',
    args: () => ['locate'],
    code: 1,
    stderr:
      /^lightning-tiles: missing required argument 'store' \(see lightning-tiles locate --help\)$/,
  },
  {
    name: 'bad --haplotype',
    args: (c) => ['fasta', c.store, '--sample', 'HG00096', '--haplotype', '3'],
    code: 1,
    stderr: /^lightning-tiles: --haplotype must be 1 or 2, got '3'$/,
  },
]

/** Every file and folder below `dir` with a hash of its content (and its mode). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const st = statSync(p)
      const key = relative(dir, p)
      if (st.isDirectory()) {
        out.set(key + '/', `dir ${st.mode}`)
        if (st.mode & 0o400) walk(p)
      } else {
        const content = st.mode & 0o400 || isRoot ? readFileSync(p) : Buffer.from('')
        out.set(key, `${st.mode} ${createHash('md5').update(content).digest('hex')}`)
      }
    }
  }
  walk(dir)
  return out
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(
  argv: string[],
  head: boolean,
  cwd: string | undefined,
  interrupt?: () => Promise<NodeJS.Signals>,
): Promise<Run> {
  const [cmd, args] = head
    ? ['bash', ['-c', `"$@" | head -1 >/dev/null; exit \${PIPESTATUS[0]}`, 'bash', ...argv]]
    : [argv[0]!, argv.slice(1)]
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args as string[], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    void interrupt?.().then((signal) => child.kill(signal))
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? 128 + osConstants.signals[signal!],
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    )
  })
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`]
}

describe.skipIf(!built)(
  'every CLI fault: one line on stderr, the right status, nothing lost',
  () => {
    const ctx = {} as Ctx
    const servers: Server[] = []
    let stat: StaticServer
    const table: string[] = []

    beforeAll(async () => {
      ctx.store = store.dir
      ctx.sandbox = mkdtempSync(join(tmpdir(), 'lt-sandbox-'))
      ctx.existing = join(ctx.sandbox, 'notes.txt')
      stat = await serveDirectory(store.dir)
      ctx.url = stat.url
      const add = async (handler: Parameters<typeof createServer>[1]) => {
        const [server, url] = await listen(handler)
        servers.push(server)
        return url
      }
      ctx.hangUrl = await add(() => undefined)
      ctx.errorUrl = await add((_req, res) => res.writeHead(500).end())
      ctx.noRangeUrl = await add((req, res) => {
        const file = join(store.dir, new URL(req.url ?? '/', 'http://x').pathname)
        if (existsSync(file)) res.writeHead(200).end(readFileSync(file))
        else res.writeHead(404).end()
      })
      const [closed, closedUrl] = await listen(() => undefined)
      await new Promise((resolve) => closed.close(resolve))
      ctx.closedUrl = `${closedUrl}/store`
    })

    afterAll(async () => {
      console.log(
        ['| fault | command | exit | stderr |', '| --- | --- | --- | --- |', ...table].join('\n'),
      )
      for (const s of servers) {
        s.closeAllConnections()
        s.close()
      }
      await stat?.close()
      if (ctx.sandbox) {
        for (const d of ['ro'])
          if (existsSync(join(ctx.sandbox, d))) chmodSync(join(ctx.sandbox, d), 0o755)
        rmSync(ctx.sandbox, { recursive: true, force: true })
      }
    })

    for (const f of FAULTS)
      it.skipIf(Boolean(f.skip))(f.skip ? `${f.name} (${f.skip})` : f.name, async () => {
        // a fresh sandbox per row: the user's file, and what the row sets up
        for (const name of readdirSync(ctx.sandbox)) {
          const p = join(ctx.sandbox, name)
          if (statSync(p).isDirectory()) chmodSync(p, 0o755)
          rmSync(p, { recursive: true, force: true })
        }
        writeFileSync(ctx.existing, 'the user’s notes\n')
        f.setup?.(ctx)
        const before = snapshot(ctx.sandbox)
        const args = f.args(ctx)
        const argv = f.node
          ? [process.execPath, ...args]
          : [process.execPath, resolve(BIN), ...args]
        const interrupt = f.interrupt
        const r = await run(
          argv,
          f.head === true,
          f.inSandbox ? ctx.sandbox : undefined,
          interrupt &&
            (async () => {
              while (!readdirSync(ctx.sandbox).some((n) => n.includes('.tmp-')))
                await new Promise((resolve) => setTimeout(resolve, 10))
              return interrupt
            }),
        )
        let lines = r.stderr.split('\n').filter((l) => l !== '')
        // a build's phases before its error: phase names, never an error or a stack trace
        const phases = f.phases ? lines.slice(0, -1) : []
        lines = lines.slice(phases.length)
        const shown = f.node ? `node -e …` : `lightning-tiles ${args.join(' ')}`
        table.push(
          `| ${f.name} | \`${shown.replaceAll(ctx.sandbox, '$TMP').replaceAll(ctx.store, 'STORE')}${f.head ? ' \\| head -1' : ''}\` | ${r.code} | ${(lines[0] ?? '').replaceAll('|', '\\|')} |`,
        )
        for (const p of phases) expect(p, 'a phase name').toMatch(/^[a-z][a-z ()]*$/)
        expect(r.stderr + r.stdout, 'no stack trace').not.toMatch(/^\s+at |node:internal|\n\s+at /m)
        expect(r.code, r.stderr).toBe(f.code)
        if (f.stderr) {
          const caret = f.caret === undefined ? undefined : lines.pop()
          expect(lines, 'exactly one line on stderr').toHaveLength(1)
          expect(lines[0]).toMatch(f.stderr)
          if (caret !== undefined) {
            expect(caret, 'a caret line').toMatch(/^ *\^$/)
            expect(lines[0]![caret.length - 1], 'the character above the caret').toBe(f.caret)
          }
        } else {
          expect(r.stderr).toBe('')
        }
        expect(snapshot(ctx.sandbox), 'the sandbox is as it was').toEqual(before)
      })
  },
)
