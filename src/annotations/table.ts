// A store's site annotations (`annotations/NAME.vcf.gz`): one sites-only VCF line per annotated
// allele of the store, its fields in INFO with their ##INFO definitions, BGZF with a CSI index by
// position. A VCF rather than BGT's FMF: htslib tools (tabix, bcftools view -i) read it as it is,
// and the index lets a region query read only its part (BGT scans its whole FMF). Alleles are
// written trimmed (see normaliseAllele), so the store's records and the sources' match by
// CHROM/POS/REF/ALT as `bcftools annotate` matches them. Browser-safe.
import { FormatError } from '../core/errors.js'
import type { Place } from '../core/errors.js'

/**
 * Bases of a lookup block: the reader reads the records of one such window of the genome at a
 * time, and the writer starts a BGZF block at each window, so a window's records are whole BGZF
 * blocks (read without the up-to-64-KiB read-ahead a record ending inside a block needs).
 */
export const ANNOTATION_WINDOW = 1 << 16

/** What a field holds: a flag is 1 when set and 0 when not (never missing). */
export type AnnotationType = 'string' | 'int' | 'float' | 'flag'

export interface AnnotationField {
  key: string
  type: AnnotationType
  description: string
}

export type AnnotationValue = string | number

/** One annotated allele: where it is (VCF POS, 1-based, trimmed) and its values by key. */
export interface AnnotationRecord {
  chrom: string
  pos: number
  ref: string
  alt: string
  values: Map<string, AnnotationValue>
}

/** Keys the expressions give from the record itself: an annotation may not take them. */
export const RESERVED_KEYS = new Set(['CHROM', 'POS', 'END', 'REF', 'ALT', 'ID'])
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Why `key` cannot name an annotation field (it must be a name of the expression language). */
export function badKey(key: string): string | undefined {
  if (!KEY.test(key)) return `'${key}' is not a name expressions can use ([A-Za-z_][A-Za-z0-9_]*)`
  if (RESERVED_KEYS.has(key)) return `'${key}' is a key of the record itself`
  // -f and -t give these from the query's genotypes
  if (/^(AC|AN|AF)(#?\d+)?$/.test(key)) return `'${key}' is a count of the query's genotypes`
  return undefined
}

/**
 * An allele with the bases REF and ALT share at their ends removed, keeping one base each (as
 * `bcftools norm` trims, without left-alignment): the same allele written with longer context
 * (a multi-allelic record split) then has one spelling.
 */
export function normaliseAllele(
  pos: number,
  ref: string,
  alt: string,
): { pos: number; ref: string; alt: string } {
  ref = ref.toUpperCase()
  alt = alt.toUpperCase()
  let end = 0
  while (
    end < ref.length - 1 &&
    end < alt.length - 1 &&
    ref[ref.length - 1 - end] === alt[alt.length - 1 - end]
  )
    end++
  ref = ref.slice(0, ref.length - end)
  alt = alt.slice(0, alt.length - end)
  let lead = 0
  while (lead < ref.length - 1 && lead < alt.length - 1 && ref[lead] === alt[lead]) lead++
  return { pos: pos + lead, ref: ref.slice(lead), alt: alt.slice(lead) }
}

/** The key an allele is matched by. */
export function alleleKey(chrom: string, pos: number, ref: string, alt: string): string {
  const n = normaliseAllele(pos, ref, alt)
  return `${chrom}:${n.pos}:${n.ref}:${n.alt}`
}

const VCF_TYPE: Record<AnnotationType, string> = {
  string: 'String',
  int: 'Integer',
  float: 'Float',
  flag: 'Flag',
}
const TYPE_OF: Record<string, AnnotationType> = {
  String: 'string',
  Character: 'string',
  Integer: 'int',
  Float: 'float',
  Flag: 'flag',
}

/** VCF 4.3 percent-encoding of the characters INFO values cannot hold. */
const encodeValue = (v: string) =>
  v.replace(
    /[%;=,\t\n\r ]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  )
const decodeValue = (v: string) =>
  v.includes('%')
    ? v.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    : v

/** The header lines of an annotation file (no newlines). */
export function annotationHeader(
  fields: readonly AnnotationField[],
  contigs: readonly { name: string; length: number }[],
  source: string,
): string[] {
  const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`
  return [
    '##fileformat=VCFv4.3',
    `##source=lightning-tiles annotate: ${source.replace(/\n/g, ' ')}`,
    ...contigs.map((c) => `##contig=<ID=${c.name},length=${c.length}>`),
    ...fields.map(
      (f) =>
        `##INFO=<ID=${f.key},Number=${f.type === 'flag' ? 0 : 1},Type=${VCF_TYPE[f.type]},Description=${quote(f.description)}>`,
    ),
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
  ]
}

/** The fields an annotation file's header defines, in order. */
export function parseAnnotationHeader(lines: Iterable<string>, file: string): AnnotationField[] {
  const fields: AnnotationField[] = []
  for (const line of lines) {
    if (!line.startsWith('##INFO=<')) continue
    const id = /[<,]ID=([^,>]+)/.exec(line)?.[1]
    const type = TYPE_OF[/[<,]Type=([^,>]+)/.exec(line)?.[1] ?? '']
    if (id === undefined || type === undefined)
      throw new FormatError(`expected an ##INFO line with ID and Type, found '${line}'`, { file })
    const description = /Description="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? ''
    fields.push({ key: id, type, description: description.replace(/\\(.)/g, '$1') })
  }
  return fields
}

/** The file's line for a record (its values in `fields` order; a flag only when set). */
export function formatAnnotation(r: AnnotationRecord, fields: readonly AnnotationField[]): string {
  const info: string[] = []
  for (const f of fields) {
    const v = r.values.get(f.key)
    if (v === undefined) continue
    if (f.type === 'flag') {
      if (v) info.push(f.key)
    } else info.push(`${f.key}=${encodeValue(String(v))}`)
  }
  return [r.chrom, r.pos, '.', r.ref, r.alt, '.', '.', info.length ? info.join(';') : '.'].join(
    '\t',
  )
}

/** A record of the file (`types`: the fields by key). */
export function parseAnnotation(
  line: string,
  types: ReadonlyMap<string, AnnotationType>,
  place: Place,
): AnnotationRecord {
  const cols = line.split('\t')
  if (cols.length < 8) throw new FormatError('expected 8 tab-separated VCF columns', place)
  const pos = Number(cols[1])
  if (!Number.isInteger(pos) || pos < 1)
    throw new FormatError(`expected a positive integer POS, got '${cols[1]}'`, place)
  const values = new Map<string, AnnotationValue>()
  if (cols[7] !== '.')
    for (const item of cols[7]!.split(';')) {
      const eq = item.indexOf('=')
      const key = eq < 0 ? item : item.slice(0, eq)
      const type = types.get(key)
      if (type === undefined) throw new FormatError(`INFO key '${key}' has no ##INFO line`, place)
      if (type === 'flag') values.set(key, 1)
      else if (type === 'string') values.set(key, decodeValue(item.slice(eq + 1)))
      else values.set(key, Number(item.slice(eq + 1)))
    }
  return { chrom: cols[0]!, pos, ref: cols[3]!, alt: cols[4]!, values }
}
