// GFF3 lines as gene-model rows, read the way bcftools csq reads Ensembl's GFF3: a line with ID
// and no Parent (or an ID starting `gene:`) is a gene; exon, CDS, five_prime_UTR and
// three_prime_UTR lines are parts of the transcripts named by Parent (a comma-separated list is
// allowed); any other line with ID and Parent is a transcript of its (first) parent gene (mRNA,
// transcript, lnc_RNA, ...). IDs lose Ensembl's `gene:`/`transcript:` prefixes. A transcript's
// biotype is `biotype=`, else `transcript_biotype=`, else its type (mRNA = protein_coding).
// Browser-safe.
import { FormatError } from '../core/errors.js'
import type { GeneModelBuilder, PartKind } from './build.js'
import { columns, parsePhase } from './columns.js'

const PARTS: Record<string, PartKind> = {
  exon: 'exon',
  CDS: 'CDS',
  five_prime_UTR: 'five_prime_UTR',
  three_prime_UTR: 'three_prime_UTR',
}
/** Types that are neither genes nor transcripts nor their parts. */
const SKIPPED = new Set(['biological_region', 'chromosome', 'region', 'supercontig'])

function stripPrefix(id: string): string {
  return id.startsWith('gene:') ? id.slice(5) : id.startsWith('transcript:') ? id.slice(11) : id
}

/** Column 9: `key=value;...`, values percent-decoded, lists split on commas. */
function attributes(text: string, file: string, line: number): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const pair of text.split(';')) {
    const item = pair.trim()
    if (!item) continue
    const eq = item.indexOf('=')
    if (eq <= 0)
      throw new FormatError(`column 9: expected key=value, found '${item}'`, { file, line })
    try {
      out.set(
        item.slice(0, eq),
        item
          .slice(eq + 1)
          .split(',')
          .map(decodeURIComponent),
      )
    } catch {
      throw new FormatError(`column 9: bad percent-encoding in '${item}'`, { file, line })
    }
  }
  return out
}

export function addGff3Line(
  builder: GeneModelBuilder,
  text: string,
  line: number,
  file: string,
): void {
  if (text === '' || text.startsWith('#')) return
  const c = columns(text, line, file)
  if (SKIPPED.has(c.type)) return
  const attrs = attributes(c.attributes, file, line)
  const one = (key: string) => attrs.get(key)?.[0]
  const rawId = one('ID')
  const parents = attrs.get('Parent')
  const part = PARTS[c.type]
  if (part) {
    if (!parents) throw new FormatError(`${c.type} without Parent= in column 9`, { file, line })
    const phase = part === 'CDS' ? parsePhase(c, file) : undefined
    for (const p of parents) builder.part(stripPrefix(p), { ...c, kind: part, phase })
    return
  }
  if (rawId === undefined) return // a line nothing refers to (e.g. a repeat)
  const id = stripPrefix(rawId)
  if (!parents || rawId.startsWith('gene:')) {
    const biotype = one('biotype') ?? one('gene_biotype') ?? ''
    builder.gene({ id, name: one('Name') ?? id, biotype }, line)
    return
  }
  const biotype =
    one('biotype') ?? one('transcript_biotype') ?? (c.type === 'mRNA' ? 'protein_coding' : c.type)
  builder.transcript({ ...c, id, geneId: stripPrefix(parents[0]!), biotype })
}
