// Assembles a GeneModel from the rows of a GFF3 or GTF file, in whatever order the file gives
// genes, transcripts and their parts, then checks each transcript as bcftools csq does (strands
// agree, CDS phases follow from the CDS lengths). Browser-safe.
import { FormatError } from '../core/errors.js'
import { GeneModel, isCodingBiotype } from './model.js'
import type { Gene, Interval, Strand, Transcript } from './model.js'

export type PartKind = 'exon' | 'CDS' | 'five_prime_UTR' | 'three_prime_UTR' | 'stop_codon'

/** One line of a file, 0-based half-open, with its strand as written ('+', '-', '.' or '?'). */
export interface RowPlace {
  chrom: string
  start: number
  end: number
  strand: string
  line: number
}

export interface GeneRow {
  id: string
  name: string
  biotype: string
}

export interface TranscriptRow extends RowPlace {
  id: string
  geneId: string
  biotype: string
}

export interface PartRow extends RowPlace {
  kind: PartKind
  /** CDS phase (0, 1 or 2); undefined for other parts */
  phase?: number | undefined
}

interface PendingTranscript {
  row: TranscriptRow
  /** declared by a transcript line (GFF3 always; GTF may only imply it through its parts) */
  declared: boolean
  parts: PartRow[]
}

/** Sorted, with overlapping or touching intervals merged. */
function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start)
  const out: Interval[] = []
  for (const iv of sorted) {
    const last = out[out.length - 1]
    if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end)
    else out.push({ start: iv.start, end: iv.end })
  }
  return out
}

/** The parts of `intervals` not covered by `cover` (both sorted, `cover` not overlapping). */
function subtract(intervals: readonly Interval[], cover: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  for (const iv of intervals) {
    let from = iv.start
    for (const c of cover) {
      if (c.end <= from || c.start >= iv.end) continue
      if (c.start > from) out.push({ start: from, end: c.start })
      from = Math.max(from, c.end)
    }
    if (from < iv.end) out.push({ start: from, end: iv.end })
  }
  return out
}

export class GeneModelBuilder {
  private readonly genes = new Map<string, Gene>()
  private readonly declaredGenes = new Set<string>()
  private readonly transcripts = new Map<string, PendingTranscript>()
  /** parts by parent transcript ID, kept until the end: a GFF3 may list parts before parents */
  private readonly parts = new Map<string, PartRow[]>()

  /**
   * @param unionStops GTF: CDS lines leave out the stop codon, so CDS = CDS ∪ stop_codon (as
   *   Ensembl's GFF3 has it); GFF3 CDS parts are kept as written (overlaps are ribosomal slippage)
   */
  constructor(
    readonly file: string,
    private readonly unionStops: boolean,
  ) {}

  /** A gene line (`implied` = from a GTF's gene_* attributes: a gene line's values win). */
  gene(row: GeneRow, line: number, implied = false): void {
    if (implied) {
      if (!this.genes.has(row.id)) this.genes.set(row.id, row)
      return
    }
    if (this.declaredGenes.has(row.id))
      throw new FormatError(`gene ${row.id} is declared twice`, { file: this.file, line })
    this.declaredGenes.add(row.id)
    this.genes.set(row.id, row)
  }

  /** A transcript line (`implied` = a GTF transcript known only from its parts). */
  transcript(row: TranscriptRow, implied = false): void {
    const known = this.transcripts.get(row.id)
    if (implied) {
      if (known) {
        known.row.start = Math.min(known.row.start, row.start)
        known.row.end = Math.max(known.row.end, row.end)
      } else this.transcripts.set(row.id, { row: { ...row }, declared: false, parts: [] })
      return
    }
    if (known?.declared)
      throw new FormatError(
        `transcript ${row.id} is declared twice (first at line ${known.row.line})`,
        {
          file: this.file,
          line: row.line,
        },
      )
    this.transcripts.set(row.id, { row: { ...row }, declared: true, parts: [] })
  }

  part(parentId: string, row: PartRow): void {
    let list = this.parts.get(parentId)
    if (!list) this.parts.set(parentId, (list = []))
    list.push(row)
  }

  finish(): GeneModel {
    let orphanFeatures = 0
    for (const [id, rows] of this.parts) {
      const t = this.transcripts.get(id)
      if (t) t.parts.push(...rows)
      else orphanFeatures += rows.length
    }
    const out: Transcript[] = []
    for (const t of this.transcripts.values()) out.push(this.assemble(t))
    let exons = 0
    let cdsParts = 0
    for (const t of out) {
      exons += t.exons.length
      cdsParts += t.cds.length
    }
    return new GeneModel(out, {
      genes: new Set(out.map((t) => t.gene.id)).size,
      transcripts: out.length,
      codingTranscripts: out.filter((t) => t.coding).length,
      exons,
      cdsParts,
      orphanFeatures,
    })
  }

  private fail(reason: string, line: number): never {
    throw new FormatError(reason, { file: this.file, line })
  }

  private assemble({ row, parts }: PendingTranscript): Transcript {
    if (row.strand !== '+' && row.strand !== '-')
      this.fail(`transcript ${row.id} needs strand + or -, found '${row.strand}'`, row.line)
    const strand: Strand = row.strand
    let start = row.start
    let end = row.end
    const of = (kind: PartKind) => parts.filter((p) => p.kind === kind)
    for (const p of parts) {
      if (p.chrom !== row.chrom)
        this.fail(`${p.kind} of ${row.id} is on ${p.chrom}, its transcript on ${row.chrom}`, p.line)
      if (p.strand !== strand)
        this.fail(
          `${p.kind} of ${row.id} has strand '${p.strand}', its transcript '${strand}'`,
          p.line,
        )
      start = Math.min(start, p.start)
      end = Math.max(end, p.end)
    }
    const cdsRows = of('CDS')
    const cds = this.unionStops
      ? union([...cdsRows, ...of('stop_codon')])
      : cdsRows.map(({ start, end }) => ({ start, end })).sort((a, b) => a.start - b.start)
    const cdsPhase = this.checkPhases(row, strand, cds, cdsRows)
    const utrRows = [...of('five_prime_UTR'), ...of('three_prime_UTR')]
    const exonRows = of('exon')
    const exons = union(exonRows.length ? exonRows : [...cds, ...utrRows])
    let utr5: Interval[]
    let utr3: Interval[]
    if (utrRows.length && !this.unionStops) {
      utr5 = union(of('five_prime_UTR'))
      utr3 = union(of('three_prime_UTR'))
    } else {
      // the exon parts outside the CDS, 5' or 3' by strand
      const outside = cds.length ? subtract(exons, union(cds)) : []
      const first = cds[0]?.start ?? 0
      const before = outside.filter((iv) => iv.end <= first)
      const after = outside.filter((iv) => iv.start >= first)
      utr5 = strand === '+' ? before : after
      utr3 = strand === '+' ? after : before
    }
    const gene = this.genes.get(row.geneId) ?? { id: row.geneId, name: row.geneId, biotype: '' }
    return {
      id: row.id,
      gene,
      biotype: row.biotype,
      chrom: row.chrom,
      strand,
      start,
      end,
      exons,
      cds,
      cdsPhase,
      utr5,
      utr3,
      coding: cds.length > 0 && isCodingBiotype(row.biotype),
      line: row.line,
    }
  }

  /**
   * The phase of the 5'-most CDS part, after checking that every CDS line's phase is the one its
   * position implies (GFF3: the bases to skip to reach the next codon). bcftools csq stops on the
   * same inconsistency unless run with --force.
   */
  private checkPhases(
    row: TranscriptRow,
    strand: Strand,
    cds: readonly Interval[],
    cdsRows: readonly PartRow[],
  ): number {
    if (!cds.length) return 0
    const ordered = strand === '+' ? cds : [...cds].reverse()
    // the CDS line that starts each part (5' end), whose phase the part carries
    const fivePrime = (iv: Interval) => (strand === '+' ? iv.start : iv.end)
    const lineAt = new Map(cdsRows.map((r) => [fivePrime(r), r]))
    const first = lineAt.get(fivePrime(ordered[0]!))
    const phase5 = first?.phase ?? 0
    let before = -phase5
    for (const iv of ordered) {
      const r = lineAt.get(fivePrime(iv))
      if (r?.phase !== undefined && before > 0) {
        const expected = (3 - (before % 3)) % 3
        if (r.phase !== expected)
          this.fail(
            `CDS phase ${r.phase} of ${row.id} disagrees with the ${before} coding bases before it, which give phase ${expected}`,
            r.line,
          )
      }
      before += iv.end - iv.start
    }
    return phase5
  }
}
