// Read a gene model from a GFF3 or GTF file (plain, gzip or BGZF), streamed line by line.
// Browser-safe: the file is a NamedFile over any GenericFilehandle.
import { ArgumentError, FormatError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { readLines } from '../container/stream.js'
import { GeneModelBuilder } from './build.js'
import { addGff3Line } from './gff3.js'
import { addGtfLine } from './gtf.js'
import type { GeneModel } from './model.js'

export type GeneFileFormat = 'gff3' | 'gtf'
export const GENE_FILE_FORMATS: readonly GeneFileFormat[] = ['gff3', 'gtf']

export interface ReadGenesOptions extends AbortOptions {
  /** default: from the name (.gff3/.gff/.gtf, optionally .gz), else from the first lines */
  format?: GeneFileFormat | undefined
}

function formatFromName(name: string): GeneFileFormat | undefined {
  const base = name.replace(/\.(b?gz|bgzf)$/i, '')
  if (/\.gff3?$/i.test(base)) return 'gff3'
  if (/\.gtf$/i.test(base)) return 'gtf'
  return undefined
}

/** A header or the first feature line tells GFF3 (`key=value`) from GTF (`key "value";`). */
function formatFromLine(text: string): GeneFileFormat | undefined {
  if (text.startsWith('##gff-version')) return /\s3(\.|\s|$)/.test(text) ? 'gff3' : 'gtf'
  if (text.startsWith('#') || text === '') return undefined
  const attrs = text.split('\t')[8]
  if (attrs === undefined) return undefined
  return /^\s*[^\s=;]+\s+"/.test(attrs) ? 'gtf' : 'gff3'
}

export async function readGeneModel(
  file: NamedFile,
  opts: ReadGenesOptions = {},
): Promise<GeneModel> {
  if (opts.format !== undefined && !GENE_FILE_FORMATS.includes(opts.format))
    throw new ArgumentError(`gene file format must be gff3 or gtf, not '${opts.format}'`)
  let format = opts.format ?? formatFromName(file.name)
  let builder = format ? new GeneModelBuilder(file.name, format === 'gtf') : undefined
  for await (const { text, line } of readLines(file, opts)) {
    if (!builder) {
      format = formatFromLine(text)
      if (!format) continue
      builder = new GeneModelBuilder(file.name, format === 'gtf')
    }
    if (format === 'gtf') addGtfLine(builder, text, line, file.name)
    else addGff3Line(builder, text, line, file.name)
  }
  const model = builder?.finish()
  if (!model?.transcripts.length)
    throw new FormatError('no transcripts: expected GFF3 or GTF gene models', { file: file.name })
  return model
}
