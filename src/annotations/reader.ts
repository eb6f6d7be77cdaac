// A store's site annotations by position, through their CSI indexes: a lookup reads the 64-kb
// block of the file around the allele (once; blocks are kept in an LRU), so a region query reads
// its part of the annotations and never the whole file. Browser-safe.
import { CsiIndexedLines } from '../container/csi/reader.js'
import { ArgumentError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { Lru } from '../core/lru.js'
import type { Scope, Variable } from '../query/expr/compile.js'
import { storeFiles } from '../store/layout.js'
import type { ManifestAnnotation } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import { ANNOTATION_WINDOW, normaliseAllele, parseAnnotation } from './table.js'
import type { AnnotationField, AnnotationRecord, AnnotationType, AnnotationValue } from './table.js'

/** An allele's lookup reads the window of its (trimmed) POS. */
const BLOCK = ANNOTATION_WINDOW
/** Blocks kept per annotation set (a few MB of text at most). */
const BLOCKS_KEPT = 64

/** One annotation set of a store (`annotations/NAME.vcf.gz` and its index). */
export class AnnotationSet {
  private readonly indexed: CsiIndexedLines
  private readonly blocks = new Lru<string, Promise<Map<string, AnnotationRecord>>>(BLOCKS_KEPT)
  private readonly types: Map<string, AnnotationType>

  constructor(
    readonly info: ManifestAnnotation,
    readonly files: { table: NamedFile; csi: NamedFile },
  ) {
    this.types = new Map(info.fields.map((f) => [f.key, f.type]))
    this.indexed = new CsiIndexedLines(files)
  }

  /** The records whose POS (1-based) lies in [start + 1, end], in file order. */
  async records(
    chrom: string,
    start: number,
    end: number,
    opts: AbortOptions = {},
  ): Promise<AnnotationRecord[]> {
    const { table } = this.files
    const out: AnnotationRecord[] = []
    for (const line of await this.indexed.lines(chrom, start, end, opts)) {
      const r = parseAnnotation(line, this.types, { file: table.name })
      if (r.chrom === chrom && r.pos > start && r.pos <= end) out.push(r)
    }
    return out
  }

  private block(
    chrom: string,
    b: number,
    opts: AbortOptions,
  ): Promise<Map<string, AnnotationRecord>> {
    const key = `${chrom}\t${b}`
    let block = this.blocks.get(key)
    if (!block) {
      block = this.records(chrom, b * BLOCK, (b + 1) * BLOCK, opts).then(
        (list) => new Map(list.map((r) => [`${r.pos}:${r.ref}:${r.alt}`, r])),
      )
      block.catch(() => this.blocks.delete(key))
      this.blocks.set(key, block)
    }
    return block
  }

  /** The annotation of an allele (VCF POS, REF, ALT as any record writes it), if any. */
  async lookup(
    chrom: string,
    pos: number,
    ref: string,
    alt: string,
    opts: AbortOptions = {},
  ): Promise<AnnotationRecord | undefined> {
    const n = normaliseAllele(pos, ref, alt)
    const block = await this.block(chrom, Math.floor((n.pos - 1) / BLOCK), opts)
    return block.get(`${n.pos}:${n.ref}:${n.alt}`)
  }
}

/** Every annotation set of a store, looked up together. */
export class StoreAnnotations {
  constructor(readonly sets: readonly AnnotationSet[]) {}

  /** The sets the store's manifest lists (none when it has none). */
  static async open(store: Store, opts: AbortOptions = {}): Promise<StoreAnnotations> {
    const m = await store.manifest(opts)
    return new StoreAnnotations(
      (m.annotations ?? []).map(
        (info) =>
          new AnnotationSet(info, {
            table: store.file(storeFiles.annotations(info.name)),
            csi: store.file(storeFiles.annotationsIndex(info.name)),
          }),
      ),
    )
  }

  /** The fields of every set, by key. */
  fields(): Map<string, AnnotationField & { set: string }> {
    return new Map(
      this.sets.flatMap((s) => s.info.fields.map((f) => [f.key, { ...f, set: s.info.name }])),
    )
  }

  /**
   * The values of an allele over every set, or over the sets holding one of `keys` (empty when
   * none annotates it): a set no expression names is never read.
   */
  async values(
    chrom: string,
    pos: number,
    ref: string,
    alt: string,
    opts: AbortOptions & { keys?: readonly string[] | undefined } = {},
  ): Promise<Map<string, AnnotationValue>> {
    const keys = opts.keys
    const sets = keys
      ? this.sets.filter((s) => s.info.fields.some((f) => keys.includes(f.key)))
      : this.sets
    const found = await Promise.all(sets.map((s) => s.lookup(chrom, pos, ref, alt, opts)))
    const out = new Map<string, AnnotationValue>()
    for (const r of found) if (r) for (const [k, v] of r.values) out.set(k, v)
    return out
  }
}

/** What an annotation expression (view -d) reads: the allele and its annotation values. */
export interface AnnotatedAllele {
  chrom: string
  /** VCF POS of the record */
  pos: number
  id: string
  ref: string
  alt: string
  values: ReadonlyMap<string, AnnotationValue>
}

/** The keys every site expression has: the record's CHROM, POS, END, REF, ALT and ID. */
export function siteVariables<
  T extends { chrom: string; pos: number; ref: string; alt: string; id: string },
>(): Record<string, Variable<T>> {
  return {
    CHROM: { type: 'string', get: (r) => r.chrom },
    POS: { type: 'number', get: (r) => r.pos },
    END: { type: 'number', get: (r) => r.pos + r.ref.length - 1 },
    REF: { type: 'string', get: (r) => r.ref },
    ALT: { type: 'string', get: (r) => r.alt },
    ID: { type: 'string', get: (r) => r.id },
  }
}

/**
 * The keys of annotation expressions: the record's CHROM, POS, END, REF, ALT, ID and every
 * annotation field. An allele without a field's value does not match an expression naming it;
 * a flag is 1 or 0.
 */
export function annotationScope(annotations: StoreAnnotations): Scope<AnnotatedAllele> {
  const fields = annotations.fields()
  const fixed = siteVariables<AnnotatedAllele>()
  return {
    variable(name) {
      if (fixed[name]) return fixed[name]
      const f = fields.get(name)
      if (!f) return undefined
      if (f.type === 'flag') return { type: 'number', get: (r) => (r.values.has(name) ? 1 : 0) }
      return {
        type: f.type === 'string' ? 'string' : 'number',
        get: (r) => r.values.get(name),
        optional: true,
      }
    },
    describeKeys: () =>
      fields.size
        ? `keys: CHROM, POS, END, REF, ALT, ID, ${[...fields.keys()].join(', ')}`
        : 'the store has no annotations: add them with lightning-tiles annotate',
  }
}

/** ArgumentError unless the store has annotations (what -d needs). */
export function needAnnotations(annotations: StoreAnnotations, store: string): void {
  if (!annotations.sets.length)
    throw new ArgumentError(
      `${store}: the store has no site annotations; add them with lightning-tiles annotate`,
    )
}
