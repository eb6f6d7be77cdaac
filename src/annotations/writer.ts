// Node-only: add a set of site annotations to a store, from a VCF's INFO (e.g. ClinVar), a BGT
// site FMF, or our consequences on gene models. Only the alleles of the store's site table are
// kept, matched by CHROM/POS/REF/ALT after trimming (table.ts); the set is written as
// `annotations/NAME.vcf.gz` + CSI (each atomically), then manifest.json lists it with the files'
// sizes and md5s (atomically). The genotypes are never rewritten.
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { finished } from 'node:stream/promises'
import { LocalFile } from 'generic-filehandle2'
import { BGZF_FLUSH, BgzfEncoder, writeBgzfFile } from '../container/bgzf/writer.js'
import { CsiBuilder } from '../container/csi/writer.js'
import { readLines } from '../container/stream.js'
import { writeFileAtomic } from '../core/atomicWrite.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { isUrl } from '../core/filehandle.js'
import { openFile } from '../core/nodeFile.js'
import type { ProgressCallback } from '../core/progress.js'
import { typedValue } from '../samples/fmf.js'
import { SiteTable } from '../sites/reader.js'
import { hashFile } from '../store/fileHashes.js'
import { storeFiles } from '../store/layout.js'
import { parseManifest } from '../store/manifest.js'
import type { ManifestAnnotation, StoreManifest } from '../store/manifest.js'
import { openStore } from '../store/node.js'
import type { AnnotatedRecord } from '../consequence/vcf.js'
import type { Store } from '../store/Store.js'
import { CONSEQUENCE_FIELDS, consequenceValues } from './consequences.js'
import {
  ANNOTATION_WINDOW,
  alleleKey,
  annotationHeader,
  badKey,
  formatAnnotation,
  normaliseAllele,
} from './table.js'
import type { AnnotationField, AnnotationRecord, AnnotationType, AnnotationValue } from './table.js'

export type AnnotationSource =
  /** INFO fields of a VCF (all, or `fields`) */
  | { kind: 'vcf'; file: string; fields?: readonly string[] | undefined }
  /** BGT's site FMF: `chr:pos:refLen:alt<TAB>key:type:value...` */
  | { kind: 'fmf'; file: string }
  /** consequences on the gene models of a GFF3/GTF, haplotype-aware over the store's genotypes */
  | { kind: 'gff'; file: string; reference: string; format?: 'gff3' | 'gtf' | undefined }

export interface AnnotateOptions extends AbortOptions {
  /** the set's name (default: from the source file's name; `csq` for --gff) */
  name?: string | undefined
  onProgress?: ProgressCallback | undefined
}

export interface AnnotateResult extends ManifestAnnotation {
  /** source records (alleles) read, and how many of them matched an allele of the store */
  read: number
}

/** An allele of the store's site table, trimmed. */
interface StoreAllele {
  chrom: string
  pos: number
  ref: string
  alt: string
}

/** The values found for the store's alleles, by allele key. */
type Found = Map<string, Map<string, AnnotationValue>>

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

function defaultName(source: AnnotationSource): string {
  if (source.kind === 'gff') return 'csq'
  return basename(source.file)
    .replace(/\.(vcf|bcf|fmf|txt|tsv)(\.b?gz)?$|\.b?gz$/i, '')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
}

/** The store's alleles (site table order), by allele key and by BGT's name for them. */
async function storeAlleles(store: Store, m: StoreManifest, opts: AbortOptions) {
  if (!m.files?.[storeFiles.sites])
    throw new ArgumentError(
      `${store.location}: the store has no site table (${storeFiles.sites}); rebuild it from a VCF to annotate it`,
    )
  const table = new SiteTable({
    table: store.file(storeFiles.sites),
    csi: store.file(storeFiles.sitesIndex),
  })
  const byKey = new Map<string, StoreAllele>()
  const byBgtName = new Map<string, string>()
  for (const c of m.contigs)
    for (const s of await table.sites(c.name, 0, c.length, opts))
      for (const a of s.alts) {
        if (!/^[ACGTN]+$/i.test(a)) continue
        const n = normaliseAllele(s.pos + 1, s.ref, a)
        const key = `${c.name}:${n.pos}:${n.ref}:${n.alt}`
        byKey.set(key, { chrom: c.name, ...n })
        // BGT names an allele by its first differing base, the REF bases replaced and the new ones
        const lead = n.ref[0] === n.alt[0] ? 1 : 0
        byBgtName.set(`${c.name}:${n.pos + lead}:${n.ref.length - lead}:${n.alt.slice(lead)}`, key)
      }
  return { byKey, byBgtName }
}

const VCF_TYPES: Record<string, AnnotationType> = {
  String: 'string',
  Character: 'string',
  Integer: 'int',
  Float: 'float',
  Flag: 'flag',
}

/** INFO fields of a VCF, for the alleles of `wanted`. */
async function fromVcf(
  file: string,
  only: readonly string[] | undefined,
  wanted: ReadonlyMap<string, StoreAllele>,
  found: Found,
  opts: AnnotateOptions,
): Promise<{ fields: AnnotationField[]; read: number }> {
  const defs = new Map<string, AnnotationField & { number: string }>()
  let fields: (AnnotationField & { number: string })[] | undefined
  let read = 0
  for await (const { text, line } of readLines({ name: file, handle: openFile(file) }, opts)) {
    if (text.startsWith('##INFO=<')) {
      const id = /[<,]ID=([^,>]+)/.exec(text)?.[1]
      const type = VCF_TYPES[/[<,]Type=([^,>]+)/.exec(text)?.[1] ?? '']
      const number = /[<,]Number=([^,>]+)/.exec(text)?.[1] ?? '.'
      if (id === undefined || type === undefined)
        throw new FormatError('expected an ##INFO line with ID, Number and Type', { file, line })
      const description = /Description="((?:[^"\\]|\\.)*)"/.exec(text)?.[1] ?? ''
      // several values per allele stay text: `==` compares what the file wrote
      const single = type === 'flag' || ['0', '1', 'A', 'R'].includes(number)
      defs.set(id, { key: id, type: single ? type : 'string', description, number })
      continue
    }
    if (text.startsWith('#') || text === '') continue
    if (!fields) {
      fields = only
        ? only.map((k) => {
            const d = defs.get(k)
            if (!d)
              throw new ArgumentError(
                `--fields ${k}: ${file} has no ##INFO line for it (it has ${[...defs.keys()].join(', ')})`,
              )
            return d
          })
        : [...defs.values()]
      for (const f of fields) {
        const bad = badKey(f.key)
        if (bad) throw new ArgumentError(`${file}: INFO ${bad}; leave it out with --fields`)
      }
    }
    const cols = text.split('\t')
    if (cols.length < 8)
      throw new FormatError('expected 8 tab-separated VCF columns', { file, line })
    const info = new Map<string, string | undefined>()
    if (cols[7] !== '.')
      for (const item of cols[7]!.split(';')) {
        const eq = item.indexOf('=')
        info.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? undefined : item.slice(eq + 1))
      }
    const alts = cols[4]!.split(',')
    alts.forEach((alt, i) => {
      read++
      const key = alleleKey(cols[0]!, Number(cols[1]), cols[3]!, alt)
      // the first record of an allele wins (bcftools annotate takes the first match too)
      if (!wanted.has(key) || found.has(key)) return
      const values = new Map<string, AnnotationValue>()
      for (const f of fields!) {
        if (!info.has(f.key)) continue
        const raw = info.get(f.key)
        if (f.type === 'flag') {
          values.set(f.key, 1)
          continue
        }
        if (raw === undefined) continue
        const text =
          f.number === 'A' ? raw.split(',')[i] : f.number === 'R' ? raw.split(',')[i + 1] : raw
        if (text === undefined || text === '.') continue
        if (f.type === 'string') values.set(f.key, text)
        else {
          const v = Number(text)
          if (text.trim() === '' || Number.isNaN(v))
            throw new FormatError(`INFO ${f.key}: expected a number, found '${text}'`, {
              file,
              line,
            })
          values.set(f.key, v)
        }
      }
      found.set(key, values)
    })
    if (read % 65536 === 0) {
      checkAbort(opts.signal)
      opts.onProgress?.({ phase: 'reading annotations', done: read, total: 0 })
    }
  }
  return {
    fields: (fields ?? []).map(({ key, type, description }) => ({ key, type, description })),
    read,
  }
}

const FMF_TYPES: Record<string, 'string' | 'int' | 'float'> = { Z: 'string', i: 'int', f: 'float' }

/** BGT's site FMF, for the alleles BGT names as `byName` has them. */
async function fromFmf(
  file: string,
  byName: ReadonlyMap<string, string>,
  found: Found,
  opts: AnnotateOptions,
): Promise<{ fields: AnnotationField[]; read: number }> {
  const fields = new Map<string, AnnotationField>()
  let read = 0
  for await (const { text, line } of readLines({ name: file, handle: openFile(file) }, opts)) {
    if (text === '' || text.startsWith('#')) continue
    read++
    const cells = text.split('\t')
    const m = /^(.+):(\d+):(\d+):([A-Za-z]*)$/.exec(cells[0]!)
    if (!m)
      throw new FormatError(`expected an allele CHR:POS:REFLEN:ALT, found '${cells[0]}'`, {
        file,
        line,
      })
    const values = new Map<string, AnnotationValue>()
    cells.slice(1).forEach((cell, i) => {
      const f = /^([^:]*):(.):(.*)$/s.exec(cell)
      const where = `field ${i + 2}`
      if (!f)
        throw new FormatError(`${where}: expected key:type:value, found '${cell}'`, { file, line })
      const [, key, letter, raw] = f as unknown as [string, string, string, string]
      const type = FMF_TYPES[letter]
      if (!type)
        throw new FormatError(
          `${where}: type '${letter}' is not Z (string), i (integer) or f (real)`,
          { file, line },
        )
      const bad = badKey(key)
      if (bad) throw new FormatError(`${where}: ${bad}`, { file, line })
      const known = fields.get(key)
      if (known && known.type !== type)
        throw new FormatError(`${where}: ${key} is ${type} here but ${known.type} before`, {
          file,
          line,
        })
      if (!known) fields.set(key, { key, type, description: `from ${basename(file)}` })
      const v = typedValue(type, raw)
      if (typeof v === 'string' && type !== 'string')
        throw new FormatError(`${where}: ${key}: ${v}`, { file, line })
      values.set(key, v)
    })
    const key = byName.get(`${m[1]}:${m[2]}:${m[3]}:${m[4]!.toUpperCase()}`)
    if (key !== undefined && !found.has(key)) found.set(key, values)
  }
  return { fields: [...fields.values()], read }
}

/** Our consequences of the store's alleles, over the store's genotypes (exported to a temp VCF). */
async function fromGenes(
  store: Store,
  source: Extract<AnnotationSource, { kind: 'gff' }>,
  wanted: ReadonlyMap<string, StoreAllele>,
  found: Found,
  opts: AnnotateOptions,
): Promise<{ fields: AnnotationField[]; read: number }> {
  const [
    { readGeneModel },
    { ConsequencePredictor },
    { annotateVcf },
    { openReference },
    { storeToVcf },
  ] = await Promise.all([
    import('../genes/read.js'),
    import('../consequence/predict.js'),
    import('../consequence/vcf.js'),
    import('../tiling/reference.js'),
    import('../export/vcf.js'),
  ])
  const model = await readGeneModel(
    { name: source.file, handle: openFile(source.file) },
    { format: source.format },
  )
  const predictor = new ConsequencePredictor(model, await openReference(source.reference, opts))
  const dir = await mkdtemp(join(tmpdir(), 'lt-annotate-'))
  try {
    // the haplotype-aware prediction reads genotypes from a VCF; the store's is written once
    const vcf = join(dir, 'store.vcf')
    const out = createWriteStream(vcf)
    for await (const line of storeToVcf(store, opts))
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
    out.end()
    await finished(out)
    let read = 0
    const add = (r: AnnotatedRecord) =>
      r.alts.forEach((alt, i) => {
        read++
        const key = alleleKey(r.chrom, r.pos + 1, r.ref, alt)
        const values = consequenceValues(r.consequences[i] ?? [])
        if (values && wanted.has(key) && !found.has(key)) found.set(key, values)
      })
    for await (const r of annotateVcf({ name: vcf, handle: new LocalFile(vcf) }, predictor, opts))
      add(r)
    // alleles the export spells otherwise (overlapping ones the build merged or skipped): each
    // alone, from the site table, which has no genotypes
    for await (const r of annotateVcf(store.file(storeFiles.sites), predictor, {
      ...opts,
      local: true,
    }))
      add(r)
    return { fields: [...CONSEQUENCE_FIELDS], read }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Write the records (sorted here) as the BGZF annotation file `out` and its CSI. */
async function writeAnnotationFile(
  out: string,
  records: AnnotationRecord[],
  fields: readonly AnnotationField[],
  m: StoreManifest,
  source: string,
): Promise<void> {
  const order = new Map(m.contigs.map((c, i) => [c.name, i]))
  records.sort((a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.pos - b.pos)
  const csi = new CsiBuilder(Math.max(0, ...m.contigs.map((c) => c.length)))
  const enc = new BgzfEncoder()
  function* lines(): Generator<string | typeof BGZF_FLUSH> {
    yield annotationHeader(fields, m.contigs, source).join('\n') + '\n'
    let window = ''
    for (const r of records) {
      // each window of the reader's lookups starts a block (ANNOTATION_WINDOW)
      const w = `${r.chrom}:${Math.floor((r.pos - 1) / ANNOTATION_WINDOW)}`
      if (w !== window) yield BGZF_FLUSH
      window = w
      csi.add(r.chrom, r.pos - 1, r.pos - 1 + r.ref.length, enc.virtualOffset)
      yield formatAnnotation(r, fields) + '\n'
    }
  }
  await mkdir(dirname(out), { recursive: true })
  await writeBgzfFile(out, lines(), { encoder: enc, gzi: false })
  await writeBgzfFile(`${out}.csi`, [csi.finish(enc.virtualOffset)], { gzi: false })
}

/**
 * Add (or replace) the annotation set `opts.name` of the local store at `dir` from `source`.
 * Fields that another set of the store already has are refused.
 */
export async function annotateStore(
  dir: string,
  source: AnnotationSource,
  opts: AnnotateOptions = {},
): Promise<AnnotateResult> {
  if (isUrl(dir)) throw new ArgumentError(`${dir}: annotations are written to local stores only`)
  const name = opts.name ?? defaultName(source)
  if (!NAME.test(name))
    throw new ArgumentError(`--name ${name}: a set's name is letters, digits, '_', '.' and '-'`)
  const store = openStore(dir)
  const signal = opts.signal ? { signal: opts.signal } : {}
  const m = await store.manifest(signal)
  // a key names one value: fields another set has are refused (for --gff before the long work)
  const checkClash = (fields: readonly AnnotationField[]) => {
    for (const other of m.annotations ?? []) {
      const clash = fields.find((f) => other.fields.some((g) => g.key === f.key))
      if (clash && other.name !== name)
        throw new ArgumentError(
          `field ${clash.key} is already in the store's annotation set ${other.name}: leave it out, or replace that set (--name ${other.name})`,
        )
    }
  }
  if (source.kind === 'gff') checkClash(CONSEQUENCE_FIELDS)
  const { byKey, byBgtName } = await storeAlleles(store, m, signal)
  const found: Found = new Map()
  const { fields, read } =
    source.kind === 'vcf'
      ? await fromVcf(source.file, source.fields, byKey, found, opts)
      : source.kind === 'fmf'
        ? await fromFmf(source.file, byBgtName, found, opts)
        : await fromGenes(store, source, byKey, found, opts)
  checkClash(fields)
  // the site table's order (alleles at one POS as the input wrote them), sorted by position below
  const records: AnnotationRecord[] = []
  for (const [key, allele] of byKey) {
    const values = found.get(key)
    if (values) records.push({ ...allele, values })
  }
  const described =
    source.kind === 'gff'
      ? `--gff ${source.file} --reference ${source.reference}`
      : `--${source.kind} ${source.file}`
  const rel = storeFiles.annotations(name)
  await writeAnnotationFile(join(dir, rel), records, fields, m, described)
  // the manifest as it is on disk now (not the copy read before the long work)
  const manifestFile = join(dir, storeFiles.manifest)
  const current = parseManifest(await readFile(manifestFile, 'utf8'), manifestFile)
  const entry: ManifestAnnotation = { name, source: described, fields, records: records.length }
  const files = { ...current.files }
  for (const r of [rel, storeFiles.annotationsIndex(name)])
    files[r] = await hashFile(new LocalFile(join(dir, r)), signal)
  const next: StoreManifest = {
    ...current,
    annotations: [...(current.annotations ?? []).filter((a) => a.name !== name), entry],
    files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))),
  }
  await writeFileAtomic(manifestFile, JSON.stringify(next, null, 2) + '\n')
  return { ...entry, read }
}
