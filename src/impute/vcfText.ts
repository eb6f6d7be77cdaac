// Reading and rewriting VCF text lines for imputation (Node: files on disk, written by Beagle, by
// users' arrays or by `lightning-tiles panel`). Only what imputation needs: the header, the first
// eight columns and each sample's GT.
import { LocalFile } from 'generic-filehandle2'
import type { AbortOptions } from '../core/errors.js'
import { FormatError } from '../core/errors.js'
import { readLines } from '../container/stream.js'

export interface VcfLine {
  text: string
  /** 1-based line number in its file */
  line: number
}

/** The lines of a VCF file (plain, gzip or BGZF). */
export async function* vcfFileLines(
  path: string,
  opts: AbortOptions = {},
): AsyncGenerator<VcfLine> {
  yield* readLines({ name: path, handle: new LocalFile(path) }, opts)
}

/** The sample names of a `#CHROM` line. */
export function headerSamples(text: string): string[] {
  return text.split('\t').slice(9)
}

/** The fields of a record line, checked to have at least 8 columns and a numeric POS. */
export function recordFields(l: VcfLine, file: string): string[] {
  const f = l.text.split('\t')
  if (f.length < 8 || !/^\d+$/.test(f[1]!))
    throw new FormatError(
      `a VCF record (CHROM POS ID REF ALT QUAL FILTER INFO...) was expected, got '${l.text.slice(0, 60)}'`,
      { file, line: l.line },
    )
  return f
}

/** The GT of every sample of a record's fields (FORMAT at 8, samples from 9). */
export function genotypes(f: string[], file: string, line: number): string[] {
  const keys = (f[8] ?? '').split(':')
  const gt = keys.indexOf('GT')
  if (gt < 0) throw new FormatError('the record has no GT in FORMAT', { file, line })
  const out = new Array<string>(f.length - 9)
  for (let i = 9; i < f.length; i++) {
    const v = f[i]!
    out[i - 9] = gt === 0 ? v.split(':', 1)[0]! : (v.split(':')[gt] ?? '.')
  }
  return out
}

/**
 * The ALT-allele count of a biallelic genotype (0, 1 or 2; haploid 0 or 1), or -1 when an allele
 * is missing.
 */
export function altDosage(gt: string): number {
  let d = 0
  for (let i = 0; i < gt.length; i += 2) {
    const c = gt.charCodeAt(i)
    if (c === 48) continue // '0'
    if (c === 49)
      d++ // '1'
    else return -1
  }
  return d
}

/** A genotype with alleles 0 and 1 exchanged (phase and separators kept). */
export function swapAlleles(gt: string): string {
  return gt.replace(/[01]/g, (a) => (a === '0' ? '1' : '0'))
}
