// The peer tools benchmarks compare against, made from the same VCF in the same run: BCF
// (bcftools), BGT (lh3/bgt, built from ../shared/peers into .tmp/bgt; needs gcc, make, zlib1g-dev)
// and plink2's pgen (Debian's plink2). Each returns its files' size and the GNU-time measure of
// making them, or undefined when the tool is absent.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { timeCommand } from './lib.js'
import type { Measure } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PEERS = join(ROOT, '../shared/peers')
const BGT_DIR = join(ROOT, '.tmp/bgt')

export const hasTool = (name: string): boolean =>
  spawnSync('bash', ['-c', `command -v ${name}`]).status === 0

export const sh = (cmd: string): string =>
  execFileSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 30 })

const size = (file: string) => statSync(file).size

/** The bgt binary, built once from ../shared/peers/bgt-*.tar.gz; undefined when it cannot be. */
export function bgtBinary(): string | undefined {
  const bin = join(BGT_DIR, 'bgt')
  if (existsSync(bin)) return bin
  const tar = existsSync(PEERS)
    ? readdirSync(PEERS).find((f) => /^bgt-.*\.tar\.gz$/.test(f))
    : undefined
  if (!tar) return undefined
  mkdirSync(join(ROOT, '.tmp'), { recursive: true })
  execFileSync('tar', ['xzf', join(PEERS, tar), '-C', join(ROOT, '.tmp')])
  const made = spawnSync('make', ['-C', BGT_DIR], { stdio: 'ignore' })
  return made.status === 0 && existsSync(bin) ? bin : undefined
}

export interface PeerFiles {
  /** every file the tool wrote, bytes */
  bytes: number
  /** the genotype part alone (BGT .pbf, plink2 .pgen; the BCF itself) */
  genotypeBytes: number
  make: Measure
  /** what later commands take to read it (a path or a prefix) */
  at: string
}

/** `bcftools view -Ob` + `bcftools index` into DIR/cohort.bcf. */
export function makeBcf(vcf: string, dir: string, runs = 1): PeerFiles {
  const bcf = join(dir, 'cohort.bcf')
  const make = timeCommand(`bcftools view -Ob -o ${bcf} ${vcf}`, runs)
  sh(`bcftools index -f ${bcf}`)
  return { bytes: size(bcf), genotypeBytes: size(bcf), make, at: bcf }
}

/**
 * `bgt import` of the VCF into DIR/bgt.* (BGT needs each contig's length, `-t`, which makes it read
 * VCF: the lengths are taken from the last position per contig of the BCF).
 */
export function makeBgt(vcf: string, bcf: string, dir: string, runs = 1): PeerFiles | undefined {
  const bin = bgtBinary()
  if (!bin) return undefined
  const prefix = join(dir, 'bgt')
  const contigs = join(dir, 'contigs.tsv')
  sh(
    `bcftools query -f '%CHROM\\t%POS\\n' ${bcf} | ` +
      `awk '{m[$1]=$2} END {for (c in m) print c "\\t" m[c] + 1}' > ${contigs}`,
  )
  const make = timeCommand(`${bin} import -S -t ${contigs} ${prefix} ${vcf}`, runs)
  const bytes = readdirSync(dir)
    .filter((f) => f.startsWith('bgt.'))
    .reduce((s, f) => s + size(join(dir, f)), 0)
  return { bytes, genotypeBytes: size(`${prefix}.pbf`), make, at: prefix }
}

/** `plink2 --make-pgen` into DIR/plink.{pgen,pvar,psam}. */
export function makePgen(vcf: string, dir: string, runs = 1): PeerFiles | undefined {
  if (!hasTool('plink2')) return undefined
  const prefix = join(dir, 'plink')
  const make = timeCommand(
    `plink2 --vcf ${vcf} --make-pgen --out ${prefix} --silent --threads 1`,
    runs,
  )
  const bytes = ['pgen', 'pvar', 'psam'].reduce((s, e) => s + size(`${prefix}.${e}`), 0)
  return { bytes, genotypeBytes: size(`${prefix}.pgen`), make, at: prefix }
}
