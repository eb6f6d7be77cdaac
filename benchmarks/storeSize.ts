// Size of a store by part (DESIGN "A store on disk"), for build.bench.ts and scaling.bench.ts.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

export const STORE_PARTS = [
  'tagset',
  'assembly',
  'library tar',
  'SGLF',
  'counts + span',
  'genotypes (matrix)',
  'sites',
  'allele index',
  'CGFs',
  'manifest + skipped.tsv.gz',
  'other',
] as const
export type StorePart = (typeof STORE_PARTS)[number]

function partOf(rel: string): StorePart {
  if (rel === 'tagset.2bit') return 'tagset'
  if (rel.startsWith('assembly.')) return 'assembly'
  if (rel === 'manifest.json' || rel === 'skipped.tsv.gz') return 'manifest + skipped.tsv.gz'
  if (rel.startsWith('sglf/')) return 'SGLF'
  if (rel.startsWith('genomes/')) return 'CGFs'
  if (rel.startsWith('genotypes/')) return 'genotypes (matrix)'
  if (rel.startsWith('sites.')) return 'sites'
  if (rel.startsWith('alleles/')) return 'allele index'
  if (/^library\/[0-9a-f]{4}\.tar\./.test(rel)) return 'library tar'
  if (/^library\/([0-9a-f]{4}\.counts\.bin|span\.csv\.gz)$/.test(rel)) return 'counts + span'
  // a file added to the layout later is still counted in the total
  return 'other'
}

/** Bytes per part (index files .gzi/.tai/.fwi counted with their part) and the total. */
export function storeBreakdown(dir: string): { parts: Record<StorePart, number>; total: number } {
  const parts = Object.fromEntries(STORE_PARTS.map((p) => [p, 0])) as Record<StorePart, number>
  let total = 0
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name)
      if (e.isDirectory()) walk(full)
      else {
        const size = statSync(full).size
        parts[partOf(relative(dir, full))] += size
        total += size
      }
    }
  }
  walk(dir)
  return { parts, total }
}

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2)
