// Rebuild every haplotype of a store (CGF + tile library) and compare it with what
// `bcftools consensus -H 1|2` makes from the same reference and VCF, byte for byte.
//
//   npx tsx scripts/verify-haplotypes.ts [--store STORE] [--reference REF] [--vcf VCF] [--jobs 2]
//
// Without --store it builds one from the reference and VCF (default: testdata/chr20) into a
// temporary directory. Prints each mismatch with its first differing position and the count that
// match; exits 0 only if all match.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { openTileResolver } from '../src/resolver/node.js'
import { buildStore } from '../src/tiling/build.js'

/** bcftools consensus of one haplotype as one upper-case string. */
function consensus(ref: string, vcf: string, sample: string, h: 1 | 2): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bcftools', ['consensus', '-f', ref, '-s', sample, '-H', String(h), vcf], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const parts: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => parts.push(d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`bcftools consensus ${sample} -H ${h} exited ${code}`))
      const fa = Buffer.concat(parts).toString('latin1')
      resolve(
        fa
          .replace(/^>.*\n/gm, '')
          .replace(/\n/g, '')
          .toUpperCase(),
      )
    })
  })
}

const program = new Command('verify-haplotypes')
  .option('--store <STORE>', 'a store built from --reference and --vcf (default: build one)')
  .option('--reference <FASTA>', 'reference FASTA', 'testdata/chr20/20.1-4000000.fa.gz')
  .option('--vcf <VCF>', 'cohort VCF', 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
  .option('--jobs <N>', 'bcftools processes at once', '2')
  .parse()
const o = program.opts<{ store?: string; reference: string; vcf: string; jobs: string }>()

let tmp: string | undefined
let store = o.store
if (!store) {
  tmp = mkdtempSync(join(tmpdir(), 'verify-haplotypes-'))
  store = join(tmp, 'store')
  process.stderr.write(`building ${store} ...\n`)
  await buildStore({ reference: o.reference, vcf: o.vcf, out: store })
}
try {
  const resolver = openTileResolver(store)
  const manifest = await resolver.manifest()
  const contigs = manifest.contigs.filter((c) => manifest.paths.some((p) => p.chrom === c.name))
  const jobs = manifest.samples.flatMap((s) =>
    [1, 2].map((h) => ({ sample: s.name, h: h as 1 | 2 })),
  )
  let matched = 0
  let done = 0
  const t0 = performance.now()
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const genome = await resolver.genome(job.sample)
      let ours = ''
      for (const c of contigs)
        ours += await genome.sequence(job.h === 1 ? 0 : 1, {
          chrom: c.name,
          start: 0,
          end: c.length,
        })
      ours = ours.toUpperCase()
      const theirs = await consensus(o.reference, o.vcf, job.sample, job.h)
      if (ours === theirs) matched++
      else {
        let i = 0
        while (i < ours.length && ours[i] === theirs[i]) i++
        console.log(
          `${job.sample}.${job.h}: differs at offset ${i} (lengths ${ours.length} / ${theirs.length})`,
        )
      }
      if (++done % 50 === 0) process.stderr.write(`${done} haplotypes compared\n`)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Number(o.jobs)) }, worker))
  const secs = ((performance.now() - t0) / 1000).toFixed(0)
  console.log(`${matched}/${done} haplotypes equal bcftools consensus byte for byte (${secs} s)`)
  process.exitCode = matched === done ? 0 : 1
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
}
