// Gene models: transcripts with their exons, CDS and UTRs, indexed by position so that a region
// query touches only the transcripts overlapping it. Browser-safe.
import { partitionPoint } from '../core/search.js'

export type Strand = '+' | '-'

/** 0-based half-open interval on a chromosome. */
export interface Interval {
  start: number
  end: number
}

export interface Gene {
  /** ID without the `gene:` prefix of Ensembl's GFF3 */
  id: string
  /** Name= (GFF3) or gene_name (GTF); the ID when the file gives none */
  name: string
  biotype: string
}

export interface Transcript {
  /** ID without the `transcript:` prefix of Ensembl's GFF3 */
  id: string
  gene: Gene
  biotype: string
  chrom: string
  strand: Strand
  /** span, 0-based half-open (widened to its features when they reach beyond the line's span) */
  start: number
  end: number
  /** sorted by position, not overlapping */
  exons: readonly Interval[]
  /** CDS parts sorted by position, the stop codon included (a GTF's stop_codon is added) */
  cds: readonly Interval[]
  /** phase of the 5'-most CDS part: bases before its first whole codon (0 for a complete CDS) */
  cdsPhase: number
  /** UTR parts sorted by position */
  utr5: readonly Interval[]
  utr3: readonly Interval[]
  /** a coding biotype (bcftools csq's list: protein_coding, NMD, IG/TR genes, ...) with a CDS */
  coding: boolean
  /** where the transcript was declared (file line), for messages */
  line: number
}

/**
 * The biotypes bcftools csq treats as coding (gff.c's list, matched by prefix as there):
 * transcripts of other biotypes get `non_coding` even when they carry CDS lines.
 */
const CODING_PREFIXES = [
  'protein_coding',
  'polymorphic_pseudogene',
  'nonsense_mediated_decay',
  'NMD',
  'non_stop_decay',
  'mRNA',
]
const CODING_SEGMENT = /^(IG|TR)_(C|D|J|LV|V)(_gene)?$/

export function isCodingBiotype(biotype: string): boolean {
  return CODING_PREFIXES.some((p) => biotype.startsWith(p)) || CODING_SEGMENT.test(biotype)
}

/** Transcripts of one chromosome sorted by start, with a running maximum of their ends. */
class ChromIndex {
  readonly starts: Float64Array
  readonly ends: Float64Array
  /** maxEnd[i] = max(ends[0..i]); non-decreasing, so binary search finds the first candidate */
  readonly maxEnd: Float64Array

  constructor(readonly transcripts: readonly Transcript[]) {
    const n = transcripts.length
    this.starts = new Float64Array(n)
    this.ends = new Float64Array(n)
    this.maxEnd = new Float64Array(n)
    let max = -Infinity
    transcripts.forEach((t, i) => {
      this.starts[i] = t.start
      this.ends[i] = t.end
      max = Math.max(max, t.end)
      this.maxEnd[i] = max
    })
  }

  overlapping(start: number, end: number): Transcript[] {
    const hi = partitionPoint(this.starts.length, (i) => this.starts[i]! < end)
    const lo = partitionPoint(hi, (i) => this.maxEnd[i]! <= start)
    const out: Transcript[] = []
    for (let i = lo; i < hi; i++) if (this.ends[i]! > start) out.push(this.transcripts[i]!)
    return out
  }
}

/** Counts of what a gene-model file held and what was left out, for reports. */
export interface GeneModelStats {
  genes: number
  transcripts: number
  codingTranscripts: number
  exons: number
  cdsParts: number
  /** exon/CDS/UTR lines whose parent transcript the file never declares */
  orphanFeatures: number
}

export class GeneModel {
  /** every transcript, by chromosome (in file order of first appearance) then start */
  readonly transcripts: readonly Transcript[]
  private readonly index = new Map<string, ChromIndex>()
  private readonly byId = new Map<string, Transcript>()

  constructor(
    transcripts: Transcript[],
    readonly stats: GeneModelStats,
  ) {
    const byChrom = new Map<string, Transcript[]>()
    for (const t of transcripts) {
      let list = byChrom.get(t.chrom)
      if (!list) byChrom.set(t.chrom, (list = []))
      list.push(t)
      this.byId.set(t.id, t)
    }
    const all: Transcript[] = []
    for (const [chrom, list] of byChrom) {
      list.sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1))
      this.index.set(chrom, new ChromIndex(list))
      all.push(...list)
    }
    this.transcripts = all
  }

  get chromosomes(): string[] {
    return [...this.index.keys()]
  }

  transcript(id: string): Transcript | undefined {
    return this.byId.get(id)
  }

  /**
   * The model's name for `chrom`: itself, or the same name with the `chr` prefix added or dropped
   * (as bcftools csq unifies `chrX` and `X`); undefined when the model has no such chromosome.
   */
  resolveChrom(chrom: string): string | undefined {
    if (this.index.has(chrom)) return chrom
    const other = /^chr/i.test(chrom) ? chrom.slice(3) : `chr${chrom}`
    return this.index.has(other) ? other : undefined
  }

  /** Transcripts overlapping [start, end) of `chrom` (0-based half-open), sorted by start. */
  overlapping(chrom: string, start: number, end: number): Transcript[] {
    const name = this.resolveChrom(chrom)
    return name === undefined ? [] : this.index.get(name)!.overlapping(start, end)
  }
}
