// lightning-tiles csq: the consequence of every VCF allele on the transcripts of a GFF3 or GTF
// gene model, haplotype-aware as `bcftools csq -p a`, as TSV; or (--summary) how many records
// have each consequence type.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { openFile } from '../core/nodeFile.js'
import { formatProtein } from '../consequence/bcsq.js'
import { ConsequencePredictor } from '../consequence/predict.js'
import { PROTEIN_TYPES } from '../consequence/types.js'
import type { TranscriptConsequence } from '../consequence/types.js'
import { annotateVcf } from '../consequence/vcf.js'
import type { AnnotatedRecord } from '../consequence/vcf.js'
import { GENE_FILE_FORMATS, readGeneModel } from '../genes/read.js'
import type { GeneFileFormat } from '../genes/read.js'
import { openReference } from '../tiling/reference.js'
import { write } from './io.js'
import { progressBar } from './progress.js'

interface CsqOptions {
  gff: string
  reference: string
  format?: string
  local?: boolean
  summary?: boolean
}

const HEADER = 'CHROM\tPOS\tREF\tALT\tGENE\tTRANSCRIPT\tBIOTYPE\tCONSEQUENCE\tAA_CHANGE'

/** CONSEQUENCE and AA_CHANGE of one row: `*` after a stop, `@POS` where a joint effect is told. */
function cells(c: TranscriptConsequence): [string, string] {
  const types = `${c.afterStop ? '*' : ''}${c.types.join('&')}`
  if (c.reportedAt) return [types, `@${c.reportedAt.pos + 1}`]
  if (!c.protein) return [types, '.']
  return [types, formatProtein(c.protein, c.types.includes('synonymous'))]
}

function rows(r: AnnotatedRecord): string[] {
  const out: string[] = []
  r.alts.forEach((alt, i) => {
    const head = `${r.chrom}\t${r.pos + 1}\t${r.ref}\t${alt}`
    const list = r.consequences[i] ?? []
    if (!list.length) out.push(`${head}\t.\t.\t.\tintergenic\t.`)
    for (const c of list) {
      const t = c.transcript
      out.push(`${head}\t${t.gene.name}\t${t.id}\t${t.biotype}\t${cells(c).join('\t')}`)
    }
  })
  return out
}

/** The labels a record counts under in --summary: its types, `*type`, or `@` (told elsewhere). */
function labels(r: AnnotatedRecord): Set<string> {
  const out = new Set<string>()
  for (const list of r.consequences)
    for (const c of list)
      for (const t of c.types) {
        if (!PROTEIN_TYPES.has(t)) out.add(t)
        else if (c.reportedAt) out.add('@ (joint effect reported at another record)')
        else out.add(c.afterStop ? `*${t}` : t)
      }
  if (!out.size) out.add('intergenic')
  return out
}

export function registerCsq(program: Command): void {
  program
    .command('csq <vcf>')
    .description(
      'consequences of each VCF allele on gene models (haplotype-aware, as bcftools csq -p a) as TSV',
    )
    .requiredOption('--gff <FILE>', 'gene models: Ensembl GFF3 (as bcftools csq -g) or GTF')
    .requiredOption('--reference <FASTA>', 'the reference of the VCF (plain or bgzipped)')
    .option(
      '--format <FORMAT>',
      `format of --gff: ${GENE_FILE_FORMATS.join('|')} (default: detected)`,
    )
    .option('--local', 'each allele alone, ignoring genotypes (as bcftools csq --local-csq)')
    .option('--summary', 'print how many records have each consequence type instead')
    .action(async (vcf: string, o: CsqOptions) => {
      if (o.format !== undefined && !(GENE_FILE_FORMATS as readonly string[]).includes(o.format))
        throw new ArgumentError(`--format must be one of ${GENE_FILE_FORMATS.join(', ')}`)
      const model = await readGeneModel(
        { name: o.gff, handle: openFile(o.gff) },
        { format: o.format as GeneFileFormat | undefined },
      )
      const predictor = new ConsequencePredictor(model, await openReference(o.reference))
      const bar = progressBar()
      const records = annotateVcf({ name: vcf, handle: openFile(vcf) }, predictor, {
        local: o.local,
        onProgress: bar.onProgress,
      })
      const counts = new Map<string, number>()
      let total = 0
      let batch: string[] = o.summary ? [] : [HEADER]
      try {
        for await (const r of records) {
          total++
          if (o.summary) {
            for (const l of labels(r)) counts.set(l, (counts.get(l) ?? 0) + 1)
            continue
          }
          batch.push(...rows(r))
          if (batch.length >= 4096) {
            await write(`${batch.join('\n')}\n`)
            batch = []
          }
        }
      } finally {
        bar.stop()
      }
      if (o.summary) {
        const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        batch = ['CONSEQUENCE\tRECORDS', ...sorted.map(([l, n]) => `${l}\t${n}`), `total\t${total}`]
      }
      if (batch.length) await write(`${batch.join('\n')}\n`)
    })
}
