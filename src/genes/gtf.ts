// GTF lines as gene-model rows: gene_id and transcript_id attributes; transcript lines are
// optional (a transcript then spans its parts); the biotype is transcript_biotype or
// transcript_type, else column 2 as in Ensembl's GTF up to release 75. CDS lines leave out the
// stop codon: the builder adds the stop_codon lines back, as Ensembl's GFF3 has them. UTR lines
// are not read: UTRs are the exon parts outside the CDS. Browser-safe.
import { FormatError } from '../core/errors.js'
import type { GeneModelBuilder, PartKind } from './build.js'
import { columns, parsePhase } from './columns.js'

const PARTS: Record<string, PartKind> = { exon: 'exon', CDS: 'CDS', stop_codon: 'stop_codon' }

/** Column 9: `key "value"; key value; ...` (the first value of a repeated key). */
function attributes(text: string, file: string, line: number): Map<string, string> {
  const out = new Map<string, string>()
  const re = /\s*([^\s";]+)\s+(?:"([^"]*)"|([^\s";]+))\s*(?:;|$)/y
  let at = 0
  while (!/^\s*$/.test(text.slice(at))) {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m)
      throw new FormatError(`column 9: expected key "value"; at '${text.slice(at, at + 30)}'`, {
        file,
        line,
      })
    if (!out.has(m[1]!)) out.set(m[1]!, m[2] ?? m[3]!)
    at = re.lastIndex
  }
  return out
}

export function addGtfLine(
  builder: GeneModelBuilder,
  text: string,
  line: number,
  file: string,
): void {
  if (text === '' || text.startsWith('#')) return
  const c = columns(text, line, file)
  const attrs = attributes(c.attributes, file, line)
  const geneId = attrs.get('gene_id')
  if (geneId === undefined) throw new FormatError('no gene_id in column 9', { file, line })
  const gene = {
    id: geneId,
    name: attrs.get('gene_name') ?? geneId,
    biotype: attrs.get('gene_biotype') ?? attrs.get('gene_type') ?? c.source,
  }
  if (c.type === 'gene') {
    builder.gene(gene, line)
    return
  }
  const id = attrs.get('transcript_id')
  if (id === undefined) return // a line of no transcript (e.g. a gene-level annotation)
  builder.gene(gene, line, true)
  const biotype = attrs.get('transcript_biotype') ?? attrs.get('transcript_type') ?? c.source
  const transcript = { ...c, id, geneId, biotype }
  if (c.type === 'transcript') {
    builder.transcript(transcript)
    return
  }
  builder.transcript(transcript, true)
  const part = PARTS[c.type]
  if (part) {
    const phase = part === 'CDS' ? parsePhase(c, file) : undefined
    builder.part(id, { ...c, kind: part, phase })
  }
}
