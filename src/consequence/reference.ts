// Reference bases for consequences, read in cached chunks: records come in position order, so
// REF checks and the CDS of nearby transcripts reuse the same few chunks. Browser-safe.
import { Lru } from '../core/lru.js'
import { memo } from '../core/shared.js'
import { NotFoundError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'

/** What consequences need of a reference FASTA (tiling/reference's ReferenceFasta is one). */
export interface SequenceSource {
  has(chrom: string): boolean
  /** bases [start, end), 0-based, clipped to the contig; any case */
  fetch(chrom: string, start: number, end: number, opts?: AbortOptions): Promise<string>
}

const CHUNK = 1 << 16

export class ChunkedReference {
  private readonly chunks = new Lru<string, Promise<string>>(256)
  private readonly names = new Map<string, string>()

  constructor(readonly source: SequenceSource) {}

  /** The source's name for `chrom`, allowing a `chr` prefix more or less (as bcftools csq). */
  resolve(chrom: string): string {
    let name = this.names.get(chrom)
    if (name === undefined) {
      const other = /^chr/i.test(chrom) ? chrom.slice(3) : `chr${chrom}`
      if (this.source.has(chrom)) name = chrom
      else if (this.source.has(other)) name = other
      else throw new NotFoundError(`the reference has no sequence ${chrom}`)
      this.names.set(chrom, name)
    }
    return name
  }

  /** Upper-case bases [start, end) of `chrom` (shorter where the contig ends). */
  async bases(chrom: string, start: number, end: number, opts: AbortOptions = {}): Promise<string> {
    const name = this.resolve(chrom)
    const parts: Promise<string>[] = []
    for (let c = Math.floor(Math.max(0, start) / CHUNK); c * CHUNK < end; c++)
      parts.push(
        // the chunk is shared: it loads with no caller's signal, each caller races its own
        memo(
          this.chunks,
          `${name}:${c}`,
          async () => (await this.source.fetch(name, c * CHUNK, (c + 1) * CHUNK)).toUpperCase(),
          opts,
        ),
      )
    const text = (await Promise.all(parts)).join('')
    const from = Math.max(0, start) - Math.floor(Math.max(0, start) / CHUNK) * CHUNK
    return text.slice(from, from + end - Math.max(0, start))
  }
}
