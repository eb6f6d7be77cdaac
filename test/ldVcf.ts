// Genotypes of a VCF as the LD and frequency engines take them, read with
// `bcftools query -f '%CHROM\t%POS\t%REF\t%ALT[\t%GT]\n'` (so the tests parse bcftools' text, not
// our own VCF reader), and the 1000 Genomes panel's populations.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export const CHR20_VCF = 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz'

export interface VcfSite {
  chrom: string
  pos: number
  ref: string
  alt: string
  /** allele per haplotype, VCF order; -1 = missing */
  alleles: Int8Array
}

export interface VcfGenotypes {
  samples: string[]
  sites: VcfSite[]
}

function run(args: string[]): string {
  const r = spawnSync('bcftools', args, { encoding: 'utf8', maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`bcftools ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

/** Sites of `vcf` (optionally in `region`, as bcftools -r takes it) with every diploid GT. */
export function readVcfGenotypes(vcf: string, region?: string): VcfGenotypes {
  const samples = run(['query', '-l', vcf]).trim().split('\n')
  const where = region ? ['-r', region] : []
  const text = run(['query', ...where, '-f', '%CHROM\t%POS\t%REF\t%ALT[\t%GT]\n', vcf])
  const sites: VcfSite[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const cols = line.split('\t')
    const alleles = new Int8Array(2 * samples.length)
    for (let s = 0; s < samples.length; s++) {
      const gt = cols[4 + s]!.split(/[|/]/)
      if (gt.length !== 2)
        throw new Error(`${cols[1]}: sample ${samples[s]} is not diploid (${cols[4 + s]})`)
      alleles[2 * s] = gt[0] === '.' ? -1 : Number(gt[0])
      alleles[2 * s + 1] = gt[1] === '.' ? -1 : Number(gt[1])
    }
    sites.push({ chrom: cols[0]!, pos: Number(cols[1]), ref: cols[2]!, alt: cols[3]!, alleles })
  }
  return { samples, sites }
}

/** sample → population from the 1000 Genomes panel file (sample, pop, super_pop, gender). */
export function readPanel(path: string): Map<string, string> {
  const pops = new Map<string, string>()
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const [sample, pop] = line.split('\t')
    if (sample && pop) pops.set(sample, pop)
  }
  return pops
}

/** Indices of `samples` in each population, populations in first-seen order. */
export function populations(samples: string[], panel: Map<string, string>): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  samples.forEach((name, i) => {
    const pop = panel.get(name)
    if (pop === undefined) throw new Error(`${name} is not in the panel`)
    const list = groups.get(pop) ?? []
    list.push(i)
    groups.set(pop, list)
  })
  return groups
}
