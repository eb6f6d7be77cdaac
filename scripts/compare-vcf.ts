// Genotype concordance of two VCFs: both go through `bcftools norm -m -both -f REF`, then the
// canonical form of src/variants (SNPs one by one, left-aligned parsimonious indels), and are
// compared per site per sample.
//
//   npx tsx scripts/compare-vcf.ts --ref REF.fa[.gz] A.vcf[.gz] B.vcf[.gz]
//       [--samples S1,S2,...] [--exclude FILE] [--list N]
//
// --exclude: lines `CHROM<TAB>POS` (1-based, e.g. the overlaps a tiler skipped); sites whose REF
// span holds such a position are counted as excluded instead of compared.
// Exit status 0 when every compared genotype agrees, 1 otherwise.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta'
import { Command } from 'commander'
import { compareCanonical } from '../src/variants/compare.js'
import { normalizeVcfRecords } from '../src/variants/vcf.js'
import type { ReferenceSource, VcfRecord } from '../src/variants/vcf.js'
import type { RefAccessor } from '../src/variants/normalize.js'

/** Whole contigs, loaded once each, served as a sync accessor. */
function referenceSource(path: string): ReferenceSource {
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

/** `bcftools [view -s ...] | bcftools norm -m -both -f REF` as a stream of lines. */
function normalised(file: string, ref: string, samples: string | undefined) {
  const cmd =
    (samples ? `bcftools view -s "$S" --force-samples -Ou "$F" | bcftools norm` : `bcftools norm`) +
    ` -m -both -f "$R" ${samples ? '-' : '"$F"'} -Ov`
  const child = spawn('bash', ['-o', 'pipefail', '-c', cmd], {
    env: { ...process.env, S: samples ?? '', F: file, R: ref },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`bcftools on ${file} failed:\n${err}`)),
    ),
  )
  // take the iterator now: readline drops lines emitted before anyone iterates
  const it = createInterface({ input: child.stdout, crlfDelay: Infinity })[Symbol.asyncIterator]()
  return { lines: { [Symbol.asyncIterator]: () => it }, done }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('compare-vcf')
    .requiredOption('--ref <fasta>', 'reference FASTA (with .fai; bgzipped with .gzi)')
    .option('--samples <list>', 'compare only these samples (comma-separated)')
    .option('--exclude <file>', 'CHROM<TAB>POS lines of sites to leave out')
    .option('--list <n>', 'print at most this many disagreements', '50')
    .argument('<a>', 'first VCF')
    .argument('<b>', 'second VCF')
    .parse(argv)
  const [fa, fb] = program.args as [string, string]
  const o = program.opts<{ ref: string; samples?: string; exclude?: string; list: string }>()
  const ref = referenceSource(o.ref)
  const excluded = new Map<string, number[]>()
  if (o.exclude)
    for (const line of readFileSync(o.exclude, 'utf8').split('\n')) {
      const [chrom, pos] = line.split('\t')
      if (chrom && pos) excluded.set(chrom, [...(excluded.get(chrom) ?? []), Number(pos) - 1])
    }
  const exclude = (r: VcfRecord) =>
    (excluded.get(r.chrom) ?? []).some((p) => p >= r.pos && p < r.pos + r.ref.length)
  const A = normalised(fa, o.ref, o.samples)
  const B = normalised(fb, o.ref, o.samples)
  const ca = await normalizeVcfRecords(A.lines, ref, { file: fa })
  const cb = await normalizeVcfRecords(B.lines, ref, { file: fb })
  const res = await compareCanonical(ca, cb, { exclude, maxList: Number(o.list), reference: ref })
  await Promise.all([A.done, B.done])
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(4) : '100.0000')
  console.log(`samples compared: ${res.samples.length}`)
  if (res.onlyA.length) console.log(`samples only in ${fa}: ${res.onlyA.join(',')}`)
  if (res.onlyB.length) console.log(`samples only in ${fb}: ${res.onlyB.join(',')}`)
  console.log(
    `sites: ${res.sites} compared (${res.sitesOnlyA} only in A, ${res.sitesOnlyB} only in B), ${res.excluded} excluded`,
  )
  console.log(`symbolic or * alleles left out: ${ca.skipped()} in A, ${cb.skipped()} in B`)
  console.log(
    `genotype concordance: ${res.agree}/${res.genotypes} (${pct(res.agree, res.genotypes)}%)`,
  )
  console.log(
    `of the others, ${res.equivalent} are the same haplotype sequence written as other atoms` +
      ` (concordance counting them: ${pct(res.agree + res.equivalent, res.genotypes)}%)`,
  )
  console.log(
    `non-reference concordance: ${res.nonRefAgree}/${res.nonRef} (${pct(res.nonRefAgree, res.nonRef)}%)`,
  )
  for (const d of res.disagreements)
    console.log(`${d.chrom}\t${d.pos}\t${d.ref}\t${d.alt}\t${d.sample}\tA=${d.a}\tB=${d.b}`)
  return res.agree + res.equivalent === res.genotypes ? 0 : 1
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(2)
  },
)
