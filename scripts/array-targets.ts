// Array-like imputation targets with known damage, for the imputation test and benchmark: the
// genotypes of left-out samples at about 1 site in `every` of the biallelic SNPs that the panel
// samples carry (as an array keeps common, panel-present sites), with injected strand flips,
// REF/ALT swaps, swapped A/T and C/G SNPs, allele mismatches, multi-allelic and duplicated
// records, sites absent from the panel, poorly called sites and one poorly called sample. Every
// injection is recorded, so QC's counts can be checked against them. Reads with bcftools.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { seededRandom } from '../src/core/random.js'

export interface ArrayTargetOptions {
  /** the cohort VCF the store was built from (indexed) */
  vcf: string
  /** the left-out samples: the target's */
  targets: string[]
  /** the panel's samples: array sites are polymorphic among them */
  panel: string[]
  /** bcftools region, e.g. 20:1000000-2000000 */
  region: string
  /** keep 1 site in this many (default 30) */
  every?: number
  seed?: number
  /** the damaged target, written as plain VCF (bgzip it or not) */
  out: string
  /** the same sites without damage (only the sites a perfect QC can keep), for direct Beagle */
  clean?: string
}

/** How many sites (records) of each kind were injected. */
export interface Injected {
  flipped: number
  swapped: number
  'flipped-swapped': number
  /** A/T or C/G SNPs written with REF and ALT exchanged (their genotypes too) */
  'ambiguous-swapped': number
  /** A/T or C/G SNPs left as they are */
  'ambiguous-kept': number
  'allele-mismatch': number
  multiallelic: number
  /** records duplicated: each gives two dropped records */
  duplicate: number
  'low-call-rate': number
  'not-in-panel': number
  /** unambiguous SNPs left as they are */
  none: number
}

export interface ArrayTargets {
  injected: Injected
  /** the sample given 50 % missing genotypes */
  badSample: string
  /** the array sites (after any position shift) and their truth: ALT dosage per target sample */
  sites: { pos: number; ref: string; alt: string; kind: keyof Injected; dosage: number[] }[]
}

const COMP: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' }

function bcftools(args: string[], input?: string): string {
  return execFileSync('bcftools', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...(input !== undefined ? { input } : {}),
  })
}

export function makeArrayTargets(o: ArrayTargetOptions): ArrayTargets {
  const every = o.every ?? 30
  const rand = seededRandom(o.seed ?? 7)
  const list = (names: string[]) => names.join(',')
  // panel-polymorphic biallelic SNPs (positions), then the targets' genotypes at them
  const panelVcf = bcftools(['view', '-r', o.region, '-s', list(o.panel), '-c1', o.vcf])
  const inPanel = new Set(bcftools(['query', '-f', '%POS\n', '-'], panelVcf).trim().split('\n'))
  // any record of the input: a shifted site must land where the panel has none
  const panelPositions = new Set(
    bcftools(['query', '-r', o.region, '-f', '%POS\n', o.vcf]).trim().split('\n').map(Number),
  )
  const rows = bcftools([
    'query',
    '-r',
    o.region,
    '-s',
    list(o.targets),
    '-i',
    'TYPE="snp" && N_ALT=1',
    '-f',
    '%CHROM\t%POS\t%ID\t%REF\t%ALT[\t%GT]\n',
    o.vcf,
  ])
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
  // panel-polymorphic SNPs alone at their position in the input
  const count = new Map<string, number>()
  for (const r of rows) count.set(r[1]!, (count.get(r[1]!) ?? 0) + 1)
  const candidates = rows.filter((r) => inPanel.has(r[1]!) && count.get(r[1]!) === 1)
  const chosen = candidates.filter((_, i) => i % every === every - 1)

  const header = [
    '##fileformat=VCFv4.2',
    `##contig=<ID=${chosen[0]?.[0] ?? '20'}>`,
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...o.targets].join(
      '\t',
    ),
  ]
  const injected: Injected = {
    flipped: 0,
    swapped: 0,
    'flipped-swapped': 0,
    'ambiguous-swapped': 0,
    'ambiguous-kept': 0,
    'allele-mismatch': 0,
    multiallelic: 0,
    duplicate: 0,
    'low-call-rate': 0,
    'not-in-panel': 0,
    none: 0,
  }
  // the damage to do, in turn, to unambiguous sites (A/T and C/G sites: half are swapped)
  const plan: (keyof Injected)[] = []
  const quota: [keyof Injected, number][] = [
    ['flipped', 8],
    ['swapped', 8],
    ['flipped-swapped', 4],
    ['allele-mismatch', 3],
    ['multiallelic', 3],
    ['duplicate', 3],
    ['low-call-rate', 4],
    ['not-in-panel', 3],
  ]
  for (const [k, n] of quota) for (let i = 0; i < n; i++) plan.push(k)
  const bad = Math.floor(rand() * o.targets.length)
  const lines: string[] = []
  const clean: string[] = []
  const sites: ArrayTargets['sites'] = []
  const unambiguous = chosen.filter((r) => COMP[r[3]!] !== r[4])
  // spread the damage: every k-th unambiguous site gets the next one
  const step = Math.max(1, Math.floor(unambiguous.length / (plan.length + 1)))
  const damage = new Map<string[], keyof Injected>()
  plan.forEach((k, i) => {
    const r = unambiguous[(i + 1) * step]
    if (r) damage.set(r, k)
  })
  for (const r of chosen) {
    const [chrom, p, id, ref, alt, ...gts] = r as [
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ]
    let pos = Number(p)
    const ambiguous = COMP[ref] === alt
    let kind: keyof Injected = ambiguous
      ? rand() < 0.5
        ? 'ambiguous-swapped'
        : 'ambiguous-kept'
      : (damage.get(r) ?? 'none')
    let tRef = ref
    let tAlt = alt
    let tGts = gts.slice()
    const swapGt = (g: string) => g.replace(/[01]/g, (a) => (a === '0' ? '1' : '0'))
    // the poorly called sample: every other site missing
    const badAt = sites.length % 2 === 0
    switch (kind) {
      case 'flipped':
        tRef = COMP[ref]!
        tAlt = COMP[alt]!
        break
      case 'swapped':
      case 'ambiguous-swapped':
        tRef = alt
        tAlt = ref
        tGts = tGts.map(swapGt)
        break
      case 'flipped-swapped':
        tRef = COMP[alt]!
        tAlt = COMP[ref]!
        tGts = tGts.map(swapGt)
        break
      case 'allele-mismatch':
        tAlt = 'ACGT'.split('').find((b) => b !== ref && b !== alt && b !== COMP[ref])!
        break
      case 'multiallelic':
        tAlt = `${alt},${'ACGT'.split('').find((b) => b !== ref && b !== alt)!}`
        break
      case 'low-call-rate': {
        // 4 of the other samples missing: call rate <= 0.8 with or without the bad sample
        let n = 0
        tGts = tGts.map((g, i) => (i !== bad && n < 4 && rand() < 0.5 ? (n++, './.') : g))
        while (n < 4) {
          const i = tGts.findIndex((g, k) => k !== bad && g !== './.')
          tGts[i] = './.'
          n++
        }
        break
      }
      case 'not-in-panel':
        while (panelPositions.has(pos)) pos++
        break
      default:
        if (!damage.has(r) && !ambiguous) kind = 'none'
    }
    injected[kind]++
    if (badAt) tGts[bad] = './.'
    const line = [chrom, pos, id, tRef, tAlt, '.', 'PASS', '.', 'GT', ...tGts].join('\t')
    lines.push(line)
    if (kind === 'duplicate') lines.push(line)
    const dosage = gts.map((g) => (g[0] === '1' ? 1 : 0) + (g[2] === '1' ? 1 : 0))
    sites.push({ pos, ref, alt, kind, dosage })
    const fixable = [
      'none',
      'flipped',
      'swapped',
      'flipped-swapped',
      'ambiguous-kept',
      'ambiguous-swapped',
    ]
    if (fixable.includes(kind))
      clean.push([chrom, p, id, ref, alt, '.', 'PASS', '.', 'GT', ...gts].join('\t'))
  }
  writeFileSync(o.out, [...header, ...lines].join('\n') + '\n')
  if (o.clean) {
    // without the bad sample, as QC drops it
    const keep = o.targets.map((_, i) => i).filter((i) => i !== bad)
    const cut = (l: string) => {
      const f = l.split('\t')
      return [...f.slice(0, 9), ...keep.map((i) => f[9 + i]!)].join('\t')
    }
    writeFileSync(
      o.clean,
      [...header.slice(0, -1), cut(header[header.length - 1]!), ...clean.map(cut)].join('\n') +
        '\n',
    )
  }
  return { injected, badSample: o.targets[bad]!, sites }
}
