// A reference FASTA for tiling: bgzipped with .fai/.gzi, plain with .fai (both random access
// through @gmod/indexedfasta), or plain/gzipped without an index (read whole: small inputs only).
// Sequences are always returned in lower case: Lightning tags and tiles are lower case, so the
// reference's soft-masking carries no meaning here.
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { LocalFile } from 'generic-filehandle2'
import { BgzipIndexedFasta, IndexedFasta } from '@gmod/indexedfasta'
import { checkBgzfEof, decompressedChunks } from '../container/stream.js'
import { FormatError, LightningError, NotFoundError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'

export interface ReferenceContig {
  name: string
  length: number
}

export interface ReferenceFasta {
  readonly file: string
  /** Contigs in file order. */
  readonly contigs: readonly ReferenceContig[]
  /** Length of a contig; NotFoundError if absent. */
  length(chrom: string): number
  has(chrom: string): boolean
  /** Bases [start, end) of chrom, 0-based half-open, lower case. Clipped to the contig. */
  fetch(chrom: string, start: number, end: number, opts?: AbortOptions): Promise<string>
}

class IndexedReference implements ReferenceFasta {
  readonly contigs: ReferenceContig[]
  private readonly lengths: Map<string, number>

  constructor(
    readonly file: string,
    private readonly fasta: IndexedFasta,
    names: string[],
    sizes: Record<string, number>,
  ) {
    this.contigs = names.map((name) => ({ name, length: sizes[name] ?? 0 }))
    this.lengths = new Map(this.contigs.map((c) => [c.name, c.length]))
  }

  has(chrom: string): boolean {
    return this.lengths.has(chrom)
  }

  length(chrom: string): number {
    const n = this.lengths.get(chrom)
    if (n === undefined) throw new NotFoundError(`${this.file}: no contig ${chrom}`)
    return n
  }

  async fetch(chrom: string, start: number, end: number, opts: AbortOptions = {}): Promise<string> {
    checkAbort(opts.signal)
    const len = this.length(chrom)
    const b = Math.max(0, start)
    const e = Math.min(len, end)
    if (e <= b) return ''
    let seq: string | undefined
    try {
      seq = await this.fasta.getSequence(chrom, b, e, opts.signal ? { signal: opts.signal } : {})
    } catch (err) {
      if (err instanceof LightningError || (err as Error).name === 'AbortError') throw err
      // a damaged or truncated file under a valid index: zlib or range errors from the reader
      throw new FormatError(`cannot read ${chrom}:${b + 1}-${e}: ${(err as Error).message}`, {
        file: this.file,
      })
    }
    if (seq === undefined || seq.length !== e - b)
      throw new FormatError(
        `expected ${e - b} bases of ${chrom} at ${b}, got ${seq?.length ?? 0}`,
        {
          file: this.file,
        },
      )
    return seq.toLowerCase()
  }
}

class InMemoryReference implements ReferenceFasta {
  readonly contigs: ReferenceContig[]
  private readonly seqs: Map<string, string>

  constructor(
    readonly file: string,
    records: { name: string; seq: string }[],
  ) {
    this.contigs = records.map((r) => ({ name: r.name, length: r.seq.length }))
    this.seqs = new Map(records.map((r) => [r.name, r.seq]))
  }

  has(chrom: string): boolean {
    return this.seqs.has(chrom)
  }

  length(chrom: string): number {
    const s = this.seqs.get(chrom)
    if (s === undefined) throw new NotFoundError(`${this.file}: no contig ${chrom}`)
    return s.length
  }

  async fetch(chrom: string, start: number, end: number, opts: AbortOptions = {}): Promise<string> {
    checkAbort(opts.signal)
    const s = this.seqs.get(chrom)
    if (s === undefined) throw new NotFoundError(`${this.file}: no contig ${chrom}`)
    return s.slice(Math.max(0, start), Math.max(0, Math.min(s.length, end)))
  }
}

/** Parse FASTA text into lower-case records; names are the header up to the first whitespace. */
export function parseFastaText(text: string, file: string): { name: string; seq: string }[] {
  const out: { name: string; seq: string }[] = []
  const seen = new Set<string>()
  let name: string | undefined
  let parts: string[] = []
  let lineNo = 0
  const flush = (): void => {
    if (name !== undefined) out.push({ name, seq: parts.join('').toLowerCase() })
    parts = []
  }
  for (const raw of text.split('\n')) {
    lineNo++
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.startsWith('>')) {
      flush()
      name = line.slice(1).trim().split(/\s+/)[0] ?? ''
      if (name === '') throw new FormatError('empty FASTA header', { file, line: lineNo })
      if (seen.has(name))
        throw new FormatError(`duplicate sequence name ${name}`, { file, line: lineNo })
      seen.add(name)
    } else if (line.length > 0) {
      if (name === undefined)
        throw new FormatError('sequence before the first ">" header', { file, line: lineNo })
      if (/[^A-Za-z*-]/.test(line))
        throw new FormatError('expected sequence letters', { file, line: lineNo })
      parts.push(line)
    }
  }
  flush()
  return out
}

/**
 * Read a whole FASTA file (plain, gzip or BGZF) into memory. A truncated gzip or BGZF file (cut
 * inside the data, or a BGZF file without its EOF block) is a FormatError naming it.
 */
export async function readFastaFile(
  file: string,
  opts: AbortOptions = {},
): Promise<{ name: string; seq: string }[]> {
  const parts: Uint8Array[] = []
  for await (const chunk of decompressedChunks({ name: file, handle: new LocalFile(file) }, opts))
    parts.push(chunk)
  return parseFastaText(Buffer.concat(parts).toString('latin1'), file)
}

/** Does the file start with the gzip magic bytes? */
export function isGzip(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const b = Buffer.alloc(2)
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}

/** FormatError for a reference that cannot be tiled: no sequences, or no bases in any. */
function checkNotEmpty(ref: ReferenceFasta): ReferenceFasta {
  if (ref.contigs.length === 0)
    throw new FormatError('the reference holds no sequences (expected ">NAME" lines and bases)', {
      file: ref.file,
    })
  if (ref.contigs.every((c) => c.length === 0))
    throw new FormatError('every sequence of the reference is empty', { file: ref.file })
  return ref
}

/**
 * Open a reference FASTA. Uses FILE.fai (and FILE.gzi for a bgzipped file) when present; a file
 * without .fai is read whole into memory. A reference without sequences or bases, or a truncated
 * compressed file, is a FormatError.
 */
export async function openReference(
  file: string,
  opts: AbortOptions = {},
): Promise<ReferenceFasta> {
  return checkNotEmpty(await openFasta(file, opts))
}

async function openFasta(file: string, opts: AbortOptions): Promise<ReferenceFasta> {
  checkAbort(opts.signal)
  await checkInputFile(file, 'reference')
  const compressed = isGzip(file)
  const hasFai = existsSync(`${file}.fai`)
  if (hasFai && (!compressed || existsSync(`${file}.gzi`))) {
    const fasta = compressed
      ? new BgzipIndexedFasta({
          fasta: new LocalFile(file),
          fai: new LocalFile(`${file}.fai`),
          gzi: new LocalFile(`${file}.gzi`),
        })
      : new IndexedFasta({ fasta: new LocalFile(file), fai: new LocalFile(`${file}.fai`) })
    // read by index, never to its end: only the EOF block tells a file cut at a block boundary
    if (compressed) await checkBgzfEof({ name: file, handle: new LocalFile(file) }, opts)
    try {
      const names = await fasta.getSequenceNames(opts.signal ? { signal: opts.signal } : {})
      const sizes = await fasta.getSequenceSizes(opts.signal ? { signal: opts.signal } : {})
      return new IndexedReference(file, fasta, names, sizes)
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') throw e
      throw new FormatError(`cannot read the FASTA index: ${(e as Error).message}`, {
        file: `${file}.fai`,
      })
    }
  }
  return new InMemoryReference(file, await readFastaFile(file, opts))
}

/** A reference held in memory (tests, FASTA read elsewhere). */
export function referenceFromSequences(
  file: string,
  records: { name: string; seq: string }[],
): ReferenceFasta {
  return new InMemoryReference(
    file,
    records.map((r) => ({ name: r.name, seq: r.seq.toLowerCase() })),
  )
}
