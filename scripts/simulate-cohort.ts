// Write an N-sample phased VCF over the sites of a real phased VCF by copying mosaics of its
// haplotypes (Li–Stephens-style): each simulated haplotype copies one real haplotype and jumps to
// another with probability 1 − exp(−rate · distance) between sites; each copied allele flips with a
// small mutation probability. Seeded and deterministic, so the frequency spectrum and linkage stay
// realistic and runs are reproducible.
//
//   npx tsx scripts/simulate-cohort.ts --samples 1000 --out cohort.vcf.gz \
//     [--vcf testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz] [--seed 1] \
//     [--switch-rate 2e-6] [--mutation-rate 1e-4]
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import { Command } from 'commander'
import { writeBgzfFile } from '../src/container/bgzf/writer.js'
import { seededRandom } from '../src/core/random.js'

interface Site {
  fixed: string // CHROM..FILTER columns, tab-joined
  pos: number
  alleles: Uint8Array // one allele per real haplotype
}

async function readSites(
  vcf: string,
): Promise<{ header: string[]; sites: Site[]; haplotypes: number }> {
  const header: string[] = []
  const sites: Site[] = []
  let haplotypes = 0
  const lines = createInterface({
    input: createReadStream(vcf).pipe(createGunzip()),
    crlfDelay: Infinity,
  })
  let lineNo = 0
  for await (const line of lines) {
    lineNo++
    if (line.startsWith('##')) {
      if (!line.startsWith('##INFO') && !/^##bcftools/.test(line)) header.push(line)
      continue
    }
    const cols = line.split('\t')
    if (line.startsWith('#')) {
      haplotypes = 2 * (cols.length - 9)
      continue
    }
    if (cols.length - 9 !== haplotypes / 2)
      throw new Error(`${vcf}, line ${lineNo}: wrong column count`)
    if (cols[4]!.includes(','))
      throw new Error(`${vcf}, line ${lineNo}: only biallelic sites are copied`)
    const alleles = new Uint8Array(haplotypes)
    for (let s = 0; s < haplotypes / 2; s++) {
      const gt = cols[9 + s]!
      if (gt.length !== 3 || gt[1] !== '|')
        throw new Error(
          `${vcf}, line ${lineNo}: sample ${s + 1} is not a phased diploid GT ('${gt}')`,
        )
      alleles[2 * s] = gt.charCodeAt(0) - 48
      alleles[2 * s + 1] = gt.charCodeAt(2) - 48
    }
    sites.push({ fixed: [...cols.slice(0, 7), '.'].join('\t'), pos: Number(cols[1]), alleles })
  }
  return { header, sites, haplotypes }
}

export async function simulateCohort(opts: {
  vcf: string
  out: string
  samples: number
  seed: number
  switchRate: number
  mutationRate: number
}): Promise<void> {
  const { header, sites, haplotypes } = await readSites(opts.vcf)
  const random = seededRandom(opts.seed)
  const n = opts.samples * 2
  const source = new Int32Array(n).map(() => Math.floor(random() * haplotypes))
  const names = Array.from(
    { length: opts.samples },
    (_, i) => `SIM${String(i + 1).padStart(6, '0')}`,
  )
  async function* lines(): AsyncGenerator<string> {
    yield (
      [...header, `##source=lightning-tiles simulate-cohort seed=${opts.seed}`].join('\n') + '\n'
    )
    yield (
      ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...names].join(
        '\t',
      ) + '\n'
    )
    let lastPos = sites[0]?.pos ?? 0
    const gt = new Uint8Array(n * 4)
    for (const site of sites) {
      const jump = 1 - Math.exp(-opts.switchRate * (site.pos - lastPos))
      lastPos = site.pos
      for (let h = 0; h < n; h++) {
        if (random() < jump) source[h] = Math.floor(random() * haplotypes)
        let allele = site.alleles[source[h]!]!
        if (random() < opts.mutationRate) allele ^= 1
        const at = h * 2
        gt[at] = 48 + allele
        gt[at + 1] = h % 2 === 0 ? 124 /* | */ : 9 /* tab */
      }
      gt[n * 2 - 1] = 10
      yield `${site.fixed}\tGT\t`
      yield Buffer.from(gt.subarray(0, n * 2)).toString('latin1')
    }
  }
  await writeBgzfFile(opts.out, lines(), { gzi: false })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const program = new Command('simulate-cohort')
    .requiredOption('--samples <n>', 'number of samples', Number)
    .requiredOption('--out <file>', 'output VCF (bgzipped)')
    .option(
      '--vcf <file>',
      'phased VCF to copy from',
      'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz',
    )
    .option('--seed <n>', 'random seed', Number, 1)
    .option('--switch-rate <r>', 'copying switches per base', Number, 2e-6)
    .option('--mutation-rate <r>', 'allele flips per copied allele', Number, 1e-4)
    .parse()
  const o = program.opts<{
    samples: number
    out: string
    vcf: string
    seed: number
    switchRate: number
    mutationRate: number
  }>()
  await simulateCohort(o)
}
