// Genotype concordance of two VCFs: both go through `bcftools norm -m -both -f REF`, then the
// canonical form of src/variants (SNPs one by one, left-aligned parsimonious indels), and are
// compared per site per sample.
//
//   npx tsx scripts/compare-vcf.ts --ref REF.fa[.gz] A.vcf[.gz] B.vcf[.gz]
//       [--samples S1,S2,...] [--skipped STORE/skipped.tsv.gz] [--exclude FILE] [--list N]
//
// --skipped: the skip list of a store built from A (`CHROM POS SAMPLE HAPLOTYPE ...`): before
// normalisation, each listed haplotype gets allele 0 in the record of A it skipped (chosen by the
// overlap rule of bcftools consensus where a haplotype has several records at one POS), so A
// holds exactly the alleles the build applied. Listed entries the rule does not skip, and
// alleles the rule skips that are not listed, are reported and make the exit status 1.
// --exclude: lines `CHROM<TAB>POS` (1-based); sites whose REF span holds such a position are
// counted as excluded instead of compared.
// Exit status 0 when every compared genotype agrees (as the same atoms, or as the same haplotype
// sequence) and the skip list fits A, 1 otherwise.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta'
import { Command } from 'commander'
import { compareCanonical } from '../src/variants/compare.js'
import type { Concordance } from '../src/variants/compare.js'
import { applySkipList, parseSkipList } from '../src/variants/consensus.js'
import type { SkipListStats } from '../src/variants/consensus.js'
import { normalizeVcfRecords } from '../src/variants/vcf.js'
import type { ReferenceSource, VcfRecord } from '../src/variants/vcf.js'
import type { RefAccessor } from '../src/variants/normalize.js'

/** Whole contigs, loaded once each, served as a sync accessor. */
export function referenceSource(path: string): ReferenceSource {
  const fa = existsSync(`${path}.gzi`)
    ? new BgzipIndexedFasta({ path, faiPath: `${path}.fai`, gziPath: `${path}.gzi` })
    : new IndexedFasta({ path, faiPath: `${path}.fai` })
  const cache = new Map<string, Promise<RefAccessor>>()
  return (chrom) => {
    let p = cache.get(chrom)
    if (!p) {
      p = (async () => {
        const len = await fa.getSequenceSize(chrom)
        if (len === undefined) throw new Error(`${path}: no sequence '${chrom}'`)
        const seq = ((await fa.getSequence(chrom, 0, len)) ?? '').toUpperCase()
        return (s: number, e: number) => seq.slice(Math.max(0, s), Math.max(0, e))
      })()
      cache.set(chrom, p)
    }
    return p
  }
}

/** A child process's stdout as lines; rejects `done` on a non-zero exit. */
function run(cmd: string, env: Record<string, string>, stdin?: AsyncIterable<string>) {
  const child = spawn('bash', ['-o', 'pipefail', '-c', cmd], {
    env: { ...process.env, ...env },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<void>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} failed (${env.F ?? ''}):\n${err}`)),
    ),
  )
  const fed = stdin
    ? (async () => {
        const w = child.stdin!
        for await (const line of stdin)
          if (!w.write(line + '\n')) await new Promise((r) => w.once('drain', r))
        w.end()
      })()
    : Promise.resolve()
  // take the iterator now: readline drops lines emitted before anyone iterates
  const it = createInterface({ input: child.stdout!, crlfDelay: Infinity })[Symbol.asyncIterator]()
  return { lines: { [Symbol.asyncIterator]: () => it }, done: Promise.all([exited, fed]) }
}

/** `bcftools view [-s ...] | [skip list] | bcftools norm -m -both -f REF` as a stream of lines. */
function normalised(
  file: string,
  ref: string,
  samples: string | undefined,
  skip?: (lines: AsyncIterable<string>) => AsyncIterable<string>,
) {
  const env = { S: samples ?? '', F: file, R: ref }
  const norm = `bcftools norm -m -both -f "$R"`
  if (!skip) {
    const cmd =
      (samples ? `bcftools view -s "$S" --force-samples -Ou "$F" | ${norm} -` : `${norm} "$F"`) +
      ' -Ov'
    return run(cmd, env)
  }
  const view = run(`bcftools view ${samples ? '-s "$S" --force-samples ' : ''}-Ov "$F"`, env)
  const n = run(`${norm} - -Ov`, env, skip(view.lines))
  return { lines: n.lines, done: Promise.all([view.done, n.done]) }
}

export interface CompareVcfOptions {
  /** Reference FASTA (with .fai; bgzipped with .gzi). */
  ref: string
  a: string
  b: string
  /** Only these samples. */
  samples?: string[]
  /** A store's skip list (skipped.tsv.gz), applied to A per haplotype before normalisation. */
  skipped?: string
  /** `CHROM<TAB>POS` lines: sites whose REF span holds such a position are left out. */
  exclude?: string
  /** At most this many disagreements listed (default 50). */
  maxList?: number
}

export interface VcfComparison extends Concordance {
  /** Symbolic or `*` alleles left out of A and B. */
  symbolicA: number
  symbolicB: number
  /** What --skipped did (undefined without it). */
  skipList?: SkipListStats
}

/** Both VCFs through bcftools norm and the canonical form, compared genotype by genotype. */
export async function compareVcfFiles(o: CompareVcfOptions): Promise<VcfComparison> {
  const ref = referenceSource(o.ref)
  const excluded = new Map<string, number[]>()
  if (o.exclude)
    for (const line of readFileSync(o.exclude, 'utf8').split('\n')) {
      const [chrom, pos] = line.split('\t')
      if (chrom && pos && !chrom.startsWith('#'))
        excluded.set(chrom, [...(excluded.get(chrom) ?? []), Number(pos) - 1])
    }
  const exclude = (r: VcfRecord) =>
    (excluded.get(r.chrom) ?? []).some((p) => p >= r.pos && p < r.pos + r.ref.length)
  const samples = o.samples?.join(',')
  let skipList: SkipListStats | undefined
  let skip: ((lines: AsyncIterable<string>) => AsyncIterable<string>) | undefined
  if (o.skipped) {
    const list = parseSkipList(gunzipSync(readFileSync(o.skipped)).toString(), o.skipped)
    const stats: SkipListStats = (skipList = { applied: 0, unmatched: [], unlisted: [] })
    skip = (lines) => applySkipList(lines, list, stats)
  }
  const A = normalised(o.a, o.ref, samples, skip)
  const B = normalised(o.b, o.ref, samples)
  const ca = await normalizeVcfRecords(A.lines, ref, { file: o.a })
  const cb = await normalizeVcfRecords(B.lines, ref, { file: o.b })
  const res = await compareCanonical(ca, cb, {
    ...(excluded.size ? { exclude } : {}),
    maxList: o.maxList ?? 50,
    reference: ref,
  })
  await Promise.all([A.done, B.done])
  return {
    ...res,
    symbolicA: ca.skipped(),
    symbolicB: cb.skipped(),
    ...(skipList ? { skipList } : {}),
  }
}

/** Every compared genotype agrees (site by site or as the same haplotype), the skip list fits. */
export function allAgree(r: VcfComparison): boolean {
  const fits =
    !r.skipList || (r.skipList.unmatched.length === 0 && r.skipList.unlisted.length === 0)
  return fits && r.agree + r.equivalent === r.genotypes
}

/** The report the script prints. */
export function formatComparison(r: VcfComparison, a: string, b: string): string[] {
  const pct = (x: number, y: number) => (y ? ((100 * x) / y).toFixed(4) : '100.0000')
  const out = [`samples compared: ${r.samples.length}`]
  if (r.onlyA.length) out.push(`samples only in ${a}: ${r.onlyA.join(',')}`)
  if (r.onlyB.length) out.push(`samples only in ${b}: ${r.onlyB.join(',')}`)
  if (r.skipList) {
    const s = r.skipList
    out.push(
      `skip list: ${s.applied} alleles of A set to 0 (not applied by the build); ` +
        `${s.unmatched.length} listed but not skipped by the consensus rule, ` +
        `${s.unlisted.length} skipped by the rule but not listed`,
    )
    for (const x of [...s.unmatched, ...s.unlisted].slice(0, 20)) out.push(`  ${x}`)
  }
  out.push(
    `sites: ${r.sites} compared (${r.sitesOnlyA} only in A, ${r.sitesOnlyB} only in B), ${r.excluded} excluded`,
    `symbolic or * alleles left out: ${r.symbolicA} in A, ${r.symbolicB} in B`,
    `genotype concordance: ${r.agree}/${r.genotypes} (${pct(r.agree, r.genotypes)}%)`,
    `of the others, ${r.equivalent} are the same haplotype sequence written as other atoms` +
      ` (${r.equivalentHaplotypes.length} haplotype stretches; concordance counting them: ` +
      `${r.agree + r.equivalent}/${r.genotypes}, ${pct(r.agree + r.equivalent, r.genotypes)}%)`,
    `non-reference concordance: ${r.nonRefAgree}/${r.nonRef} (${pct(r.nonRefAgree, r.nonRef)}%)`,
  )
  for (const d of r.disagreements)
    out.push(`${d.chrom}\t${d.pos}\t${d.ref}\t${d.alt}\t${d.sample}\tA=${d.a}\tB=${d.b}`)
  return out
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('compare-vcf')
    .requiredOption('--ref <fasta>', 'reference FASTA (with .fai; bgzipped with .gzi)')
    .option('--samples <list>', 'compare only these samples (comma-separated)')
    .option('--skipped <file>', "a store's skipped.tsv.gz, applied to A per haplotype")
    .option('--exclude <file>', 'CHROM<TAB>POS lines of sites to leave out')
    .option('--list <n>', 'print at most this many disagreements', '50')
    .argument('<a>', 'first VCF')
    .argument('<b>', 'second VCF')
    .parse(argv)
  const [a, b] = program.args as [string, string]
  const o = program.opts<{
    ref: string
    samples?: string
    skipped?: string
    exclude?: string
    list: string
  }>()
  const res = await compareVcfFiles({
    ref: o.ref,
    a,
    b,
    ...(o.samples ? { samples: o.samples.split(',') } : {}),
    ...(o.skipped ? { skipped: o.skipped } : {}),
    ...(o.exclude ? { exclude: o.exclude } : {}),
    maxList: Number(o.list),
  })
  for (const line of formatComparison(res, a, b)) console.log(line)
  return allAgree(res) ? 0 : 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  main(process.argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e)
      process.exit(2)
    },
  )
