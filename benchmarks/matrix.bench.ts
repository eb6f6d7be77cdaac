// The cohort matrix (src/matrix, docs/cohort-matrix.md) against the CGFs it replaces and the
// peers: size next to BCF, BGT's .pbf and plink2's .pgen; full-matrix decode in genotypes/s next
// to `bcftools view` and `bgt view`; 10 haplotypes over the whole path; one step, all haplotypes.
// N = 300 (the real testdata VCF), 5,000 and 20,000 (simulated as in scaling.bench.ts).
//
//   npx tsx benchmarks/matrix.bench.ts [N...]        (prints the RESULTS.md section)
//
// BGT is built from ../shared/peers/bgt-*.tar.gz into .tmp/bgt (needs zlib1g-dev); plink2 is the
// Debian package. A peer that is missing is reported as such, not skipped silently.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BlobFile } from 'generic-filehandle2'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { MatrixReader } from '../src/matrix/reader.js'
import { DEFAULT_CHECKPOINT_ROWS, MatrixWriter, encodeMatrix } from '../src/matrix/writer.js'
import type { MatrixRow } from '../src/matrix/writer.js'
import { openFile } from '../src/core/nodeFile.js'
import { seededRandom } from '../src/core/random.js'
import type { StoreManifest } from '../src/store/manifest.js'
import { median, table, timeCommand } from './lib.js'
import { bgtBinary, hasTool, sh } from './peers.js'
import { cohort } from './scaling.bench.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const WORK = join(ROOT, '.tmp/bench-matrix')
const SIZES = [300, 5_000, 20_000]
const DECODE_RUNS = 9
const PEER_RUNS = 3

// --- the cohort's matrix rows, from the CGFs of a store built by the CLI --------------------

/** One path of a store as rows: values row-major in an Int16Array (tile variants < 32,768). */
interface PathRows {
  path: number
  steps: number
  haplotypes: number
  values: Int16Array
  /** step → (haplotype, runs) pairs */
  nocalls: Map<number, [number, number[]][]>
}

function buildStore(n: number, vcf: string): string {
  const dir = join(WORK, `store${n}`)
  if (!existsSync(join(dir, 'manifest.json'))) {
    process.stderr.write(`matrix: building the ${n}-sample store...\n`)
    rmSync(dir, { recursive: true, force: true })
    execFileSync(
      'node',
      [
        join(ROOT, 'bin/lightning-tiles.js'),
        'build',
        '--reference',
        REF,
        '--vcf',
        vcf,
        '--out',
        dir,
        '--cgf',
      ],
      { stdio: 'ignore' },
    )
  }
  return dir
}

async function* storeRows(dir: string): AsyncGenerator<PathRows> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as StoreManifest
  const h = 2 * manifest.samples.length
  for (const p of manifest.paths) {
    const values = new Int16Array(p.steps * h)
    const nocalls = new Map<number, [number, number[]][]>()
    for (const [i, s] of manifest.samples.entries()) {
      const file = join(dir, s.cgf!)
      const d = await new CgfReader({ name: file, handle: openFile(file) }).decodePath(p.path)
      for (const [a, v] of [d.variantsA, d.variantsB].entries()) {
        for (let k = 0; k < p.steps; k++) {
          if (v[k]! > 0x7fff)
            throw new Error(`${file}: variant ${v[k]} does not fit the benchmark's Int16`)
          values[k * h + 2 * i + a] = v[k]!
        }
      }
      for (let k = 0; k < d.loqSteps.length; k++) {
        const step = d.loqSteps[k]!
        const runsA = Array.from(d.nocRunsA.subarray(d.nocIndexA[k], d.nocIndexA[k + 1]))
        const runsB = Array.from(d.nocRunsB.subarray(d.nocIndexB[k], d.nocIndexB[k + 1]))
        const list = nocalls.get(step) ?? []
        if (runsA.length) list.push([2 * i, runsA])
        if (runsB.length) list.push([2 * i + 1, runsB])
        if (list.length) nocalls.set(step, list)
      }
    }
    yield { path: p.path, steps: p.steps, haplotypes: h, values, nocalls }
  }
}

function* rowsOf(p: PathRows): Generator<MatrixRow> {
  for (let k = 0; k < p.steps; k++)
    yield {
      values: p.values.subarray(k * p.haplotypes, (k + 1) * p.haplotypes),
      nocalls: p.nocalls.get(k) ?? [],
    }
}

// --- peers ----------------------------------------------------------------------------------

const size = (file: string) => statSync(file).size
const dirSize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? dirSize(join(dir, e.name)) : size(join(dir, e.name))),
    0,
  )

// --- measurements ---------------------------------------------------------------------------

interface Row {
  n: number
  spacing: Spacing[]
  steps: number
  sites: number
  matrix: number
  cgfs: number
  bcf: number
  pbf: number | undefined
  bgtAll: number | undefined
  pgen: number | undefined
  writeSeconds: number
  fullSeconds: number
  subsetSeconds: number
  stepMs: number
  bcftoolsView: number
  bcftoolsSubset: number
  bgtView: number | undefined
  bgtSubset: number | undefined
}

async function measure(n: number): Promise<Row> {
  const vcf = await cohort(n)
  const store = buildStore(n, vcf)
  const out = join(WORK, `matrix${n}`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const files: string[] = []
  let writeSeconds = 0
  let steps = 0
  const spacing: Spacing[] = []
  for await (const p of storeRows(store)) {
    spacing.push(...(await checkpointSpacing(n, p)))
    const file = join(out, `${p.path.toString(16).padStart(4, '0')}.ltcm`)
    const t0 = performance.now()
    const w = await MatrixWriter.create(file, { path: p.path, haplotypes: p.haplotypes })
    for (const row of rowsOf(p)) await w.addRow(row.values, row.nocalls)
    await w.close()
    writeSeconds += (performance.now() - t0) / 1000
    files.push(file)
    steps += p.steps
  }
  const h = 2 * n
  const open = () => files.map((f) => new MatrixReader({ name: f, handle: openFile(f) }))

  // every haplotype of every step, in slices, from a fresh reader each run (file read included)
  const runs = async (fn: () => Promise<void>) => {
    await fn() // JIT warm-up, not counted
    const secs: number[] = []
    for (let i = 0; i < DECODE_RUNS; i++) {
      const t0 = performance.now()
      await fn()
      secs.push((performance.now() - t0) / 1000)
    }
    return median(secs)
  }
  const fullSeconds = await runs(async () => {
    let values = 0
    for (const r of open())
      for await (const s of r.slices({ reuse: true })) values += s.values.length
    if (values !== steps * h) throw new Error(`decoded ${values} values, expected ${steps * h}`)
  })
  const subset = Array.from({ length: 10 }, (_, i) => Math.floor(((i + 0.5) * h) / 10))
  const subsetSeconds = await runs(async () => {
    for (const r of open()) await r.decode({ haplotypes: subset })
  })
  // one step, all haplotypes (a carriers query): mean over 20 random steps, fresh readers
  const random = seededRandom(3)
  const stepMs =
    (1000 *
      (await runs(async () => {
        for (let k = 0; k < 20; k++) {
          const readers = open()
          const r = readers[Math.floor(random() * readers.length)]!
          const { rows } = await r.info()
          const at = Math.floor(random() * rows)
          await r.decode({ start: at, end: at + 1 })
        }
      }))) /
    20

  // peers: BCF, BGT, plink2 from the same VCF
  const peer = join(WORK, `peers${n}`)
  rmSync(peer, { recursive: true, force: true })
  mkdirSync(peer, { recursive: true })
  const bcf = join(peer, 'cohort.bcf')
  sh(`bcftools view -Ob -o ${bcf} ${vcf} && bcftools index ${bcf}`)
  const sites = Number(sh(`bcftools index -n ${bcf} 2>/dev/null`).trim())
  const names = sh(`bcftools query -l ${bcf}`).trim().split('\n')
  const samples = subset.map((c) => names[c >> 1]!)
  const uniqueSamples = [...new Set(samples)]
  const bcftoolsView = timeCommand(`bcftools view -Ov -o /dev/null ${bcf}`, PEER_RUNS).seconds
  const bcftoolsSubset = timeCommand(
    `bcftools view -Ov -s ${uniqueSamples.join(',')} -o /dev/null ${bcf}`,
    PEER_RUNS,
  ).seconds
  const bgtBin = bgtBinary()
  let pbf: number | undefined
  let bgtAll: number | undefined
  let bgtView: number | undefined
  let bgtSubset: number | undefined
  if (bgtBin) {
    const prefix = join(peer, 'bgt')
    // bgt needs each contig's length (-t); the cohorts' VCFs do not give one
    const contigs = join(peer, 'contigs.tsv')
    sh(
      `bcftools query -f '%CHROM\\t%POS\\n' ${bcf} | ` +
        `awk '{m[$1]=$2} END {for (c in m) print c "\\t" m[c] + 1}' > ${contigs}`,
    )
    sh(`${bgtBin} import -S -t ${contigs} ${prefix} ${vcf}`)
    pbf = size(`${prefix}.pbf`)
    bgtAll = readdirSync(peer)
      .filter((f) => f.startsWith('bgt.'))
      .reduce((s, f) => s + size(join(peer, f)), 0)
    bgtView = timeCommand(`${bgtBin} view ${prefix} > /dev/null`, PEER_RUNS).seconds
    bgtSubset = timeCommand(
      `${bgtBin} view -s,${uniqueSamples.join(',')} ${prefix} > /dev/null`,
      PEER_RUNS,
    ).seconds
  }
  let pgen: number | undefined
  if (hasTool('plink2')) {
    sh(`plink2 --vcf ${vcf} --make-pgen --out ${join(peer, 'plink')} --silent --threads 1`)
    pgen = size(join(peer, 'plink.pgen'))
  }
  return {
    n,
    spacing,
    steps,
    sites,
    matrix: files.reduce((s, f) => s + size(f), 0),
    cgfs: dirSize(join(store, 'genomes')),
    bcf: size(bcf),
    pbf,
    bgtAll,
    pgen,
    writeSeconds,
    fullSeconds,
    subsetSeconds,
    stepMs,
    bcftoolsView,
    bcftoolsSubset,
    bgtView,
    bgtSubset,
  }
}

// --- checkpoint spacing: file size against the cost of one step -----------------------------

interface Spacing {
  n: number
  rows: string
  bytes: number
  stepMs: number
}

const SPACINGS = [1024, 2048, 3072, 4096, 8192, 16384]

/** The path's file at each checkpoint spacing, and one step of all haplotypes decoded from it. */
async function checkpointSpacing(n: number, p: PathRows): Promise<Spacing[]> {
  const out: Spacing[] = []
  for (const checkpointRows of [...SPACINGS, p.steps]) {
    const bytes = await encodeMatrix(rowsOf(p), {
      path: p.path,
      haplotypes: p.haplotypes,
      checkpointRows,
    })
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>])
    const random = seededRandom(5)
    const secs: number[] = []
    for (let k = 0; k < 16; k++) {
      const r = new MatrixReader({ name: 'm', handle: new BlobFile(blob) })
      await r.info()
      const at = Math.floor(random() * p.steps)
      const t0 = performance.now()
      await r.decode({ start: at, end: at + 1 })
      if (k > 0) secs.push(performance.now() - t0) // the first warms the JIT up
    }
    out.push({
      n,
      rows: checkpointRows === p.steps ? 'row 0 only' : checkpointRows.toLocaleString('en'),
      bytes: bytes.length,
      stepMs: median(secs),
    })
  }
  return out
}

// --- report ---------------------------------------------------------------------------------

const kib = (b: number | undefined) => (b === undefined ? 'n/a' : (b / 1024).toFixed(0))
const ratio = (a: number, b: number | undefined) =>
  b === undefined ? 'n/a' : `${(a / b).toFixed(2)}×`
const rate = (values: number, s: number | undefined) =>
  s === undefined ? 'n/a' : (values / s / 1e6).toFixed(0)

export async function run(sizes = SIZES): Promise<string> {
  mkdirSync(WORK, { recursive: true })
  const load0 = loadavg()[0]!.toFixed(1)
  const rows: Row[] = []
  for (const n of sizes) {
    process.stderr.write(`matrix: ${n} samples...\n`)
    rows.push(await measure(n))
  }
  return [
    '### Cohort matrix: size and decode speed against BCF, BGT and plink2',
    '',
    'One cohort matrix file per path (src/matrix, docs/cohort-matrix.md: multi-allelic PBWT runs in ' +
      `BGZF chunks, a full order every ${DEFAULT_CHECKPOINT_ROWS.toLocaleString('en')} rows) written ` +
      'by `MatrixWriter` from the tile variants ' +
      'and no-calls of the store the CLI builds (`lightning-tiles build`, chr20:1–4 Mb, one path of ' +
      `${rows[0]?.steps.toLocaleString('en')} steps), next to that store's CGFs (\`genomes/\`) ` +
      'and to the peers made from the same ' +
      'VCF: `bcftools view -Ob`, BGT (`bgt import`, lh3/bgt from ../shared/peers; `.pbf` is its ' +
      'genotype part, "BGT" all of its files) and plink2 `--make-pgen` (`.pgen` alone). Cohorts ' +
      'as in "Scaling with the cohort". Decodes run in-process from a fresh `MatrixReader` over ' +
      `the local file (read, inflate and decode included, after one untimed warm-up run; the full ` +
      `decode in slices of about a ` +
      `million values, one reused buffer), median of ${DECODE_RUNS}; the peers ` +
      `are child processes under GNU time, median of ${PEER_RUNS}. Genotypes/s count haplotypes × ` +
      'rows: tile steps for the matrix, VCF sites for the peers (which also format VCF text, so ' +
      'their rates understate what decoding alone would reach: they are what a user who wants ' +
      'the genotypes as VCF waits for). One-minute load average of the machine at the start and ' +
      `the end of the run: ${load0} and ${loadavg()[0]!.toFixed(1)} (2 cores, shared).`,
    '',
    '```',
    'npx tsx benchmarks/matrix.bench.ts 300 5000 20000',
    'bcftools view -Ov -o /dev/null cohort.bcf;  bgt view bgt > /dev/null',
    'bcftools view -Ov -s S1,…,S10 -o /dev/null cohort.bcf;  bgt view -s,S1,…,S10 bgt > /dev/null',
    '```',
    '',
    table(
      [
        'N',
        'matrix (KiB)',
        'CGFs (KiB)',
        'BCF (KiB)',
        'BGT .pbf (KiB)',
        'BGT (KiB)',
        'plink2 .pgen (KiB)',
        'matrix / .pbf',
        'matrix / BCF',
        'matrix / CGFs',
      ],
      rows.map((r) => [
        r.n.toLocaleString('en'),
        kib(r.matrix),
        kib(r.cgfs),
        kib(r.bcf),
        kib(r.pbf),
        kib(r.bgtAll),
        kib(r.pgen),
        ratio(r.matrix, r.pbf),
        ratio(r.matrix, r.bcf),
        ratio(r.matrix, r.cgfs),
      ]),
    ),
    '',
    table(
      [
        'N',
        'write matrix (s)',
        'full decode (s)',
        'matrix M genotypes/s',
        'bcftools view (s)',
        'bcftools M genotypes/s',
        'bgt view (s)',
        'bgt M genotypes/s',
        '10 haplotypes: matrix (s)',
        'bcftools -s (s)',
        'bgt -s (s)',
        'one step, all haplotypes (ms)',
      ],
      rows.map((r) => [
        r.n.toLocaleString('en'),
        r.writeSeconds.toFixed(2),
        r.fullSeconds.toFixed(3),
        rate(r.steps * 2 * r.n, r.fullSeconds),
        r.bcftoolsView.toFixed(2),
        rate(r.sites * 2 * r.n, r.bcftoolsView),
        r.bgtView?.toFixed(2) ?? 'n/a',
        rate(r.sites * 2 * r.n, r.bgtView),
        r.subsetSeconds.toFixed(3),
        r.bcftoolsSubset.toFixed(2),
        r.bgtSubset?.toFixed(2) ?? 'n/a',
        r.stepMs.toFixed(1),
      ]),
    ),
    '',
    'Against the targets of issue 11: the matrix is ' +
      rows
        .map((r) => `${ratio(r.matrix, r.pbf)} BGT's .pbf at ${r.n.toLocaleString('en')}`)
        .join(', ') +
      ' (target ≤ 0.5×); the full decode runs at ' +
      rows
        .map(
          (r) =>
            `${rate(r.steps * 2 * r.n, r.fullSeconds)} M genotypes/s at ${r.n.toLocaleString('en')}`,
        )
        .join(', ') +
      ' (target ≥ 400); 10 haplotypes over the whole path take ' +
      rows
        .map(
          (r) =>
            `${(1000 * r.subsetSeconds).toFixed(0)} ms against bcftools ` +
            `${(1000 * r.bcftoolsSubset).toFixed(0)} ms and BGT ` +
            `${r.bgtSubset === undefined ? 'n/a' : `${(1000 * r.bgtSubset).toFixed(0)} ms`}`,
        )
        .join('; ') +
      ' (N = 300; 5,000; 20,000).',
    '',
    `Checkpoint spacing (\`checkpointRows\`; the writer's default is ${DEFAULT_CHECKPOINT_ROWS.toLocaleString('en')}): ` +
      'the file against the time to decode one step of every haplotype from a fresh reader over ' +
      'a Blob (median of 15 random steps), which starts from the nearer checkpoint (forward from the one before, back from the one after). ' +
      'An order costs about log2 H bits per haplotype; "row 0 only" is the file with no ' +
      'checkpoint but the first.',
    '',
    table(
      ['N', 'checkpoint every (rows)', 'matrix (bytes)', 'one step, all haplotypes (ms)'],
      rows.flatMap((r) =>
        r.spacing.map((s) => [
          r.n.toLocaleString('en'),
          s.rows,
          s.bytes.toLocaleString('en'),
          s.stepMs.toFixed(1),
        ]),
      ),
    ),
    '',
  ].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number)
  console.log(await run(sizes.length ? sizes : SIZES))
}
