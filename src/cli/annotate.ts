// lightning-tiles annotate: add site annotations to a store (a VCF's INFO, BGT's site FMF, or our
// consequences on gene models), kept beside it and indexed by position for `view -d`; or list the
// sets it has.
import type { Command } from 'commander'
import { ArgumentError } from '../core/errors.js'
import { checkInputFile } from '../core/nodeFile.js'
import { cliStore, write } from './io.js'
import { progressBar } from './progress.js'

interface AnnotateCliOptions {
  vcf?: string
  fields?: string
  fmf?: string
  gff?: string
  reference?: string
  format?: string
  name?: string
}

export function registerAnnotate(program: Command): void {
  program
    .command('annotate <store>')
    .description(
      "add site annotations (a VCF's INFO, BGT's site FMF, or consequences on gene models) for view -d; without a source, list the sets",
    )
    .option('--vcf <FILE>', 'INFO fields of this VCF (e.g. ClinVar), matched by CHROM/POS/REF/ALT')
    .option('--fields <LIST>', 'with --vcf: only these INFO fields (comma-separated)')
    .option('--fmf <FILE>', "BGT's site FMF: CHR:POS:REFLEN:ALT, then key:type:value fields")
    .option('--gff <FILE>', 'consequences (csq, gene, impact) on these gene models (GFF3 or GTF)')
    .option('--reference <FASTA>', 'with --gff: the reference of the store')
    .option('--format <FORMAT>', 'with --gff: gff3|gtf (default: detected)')
    .option(
      '--name <NAME>',
      'name of the set (default: the file name; csq for --gff); replaces a set of that name',
    )
    .action(async (store: string, o: AnnotateCliOptions, command: Command) => {
      const given = [o.vcf && '--vcf', o.fmf && '--fmf', o.gff && '--gff'].filter(Boolean)
      if (given.length > 1)
        throw new ArgumentError(`give one of --vcf, --fmf, --gff, not ${given.join(' and ')}`)
      if (o.fields !== undefined && !o.vcf) throw new ArgumentError('--fields goes with --vcf')
      if (o.gff && !o.reference)
        throw new ArgumentError('--gff needs the reference: --reference FASTA')
      if (o.format !== undefined && o.format !== 'gff3' && o.format !== 'gtf')
        throw new ArgumentError(`--format must be gff3 or gtf, not '${o.format}'`)
      if (!given.length) {
        const m = await (await cliStore(store, command)).manifest()
        const sets = m.annotations ?? []
        await write(
          [
            'NAME\tRECORDS\tFIELDS\tSOURCE',
            ...sets.map((a) =>
              [
                a.name,
                a.records,
                a.fields.map((f) => `${f.key}:${f.type}`).join(','),
                a.source,
              ].join('\t'),
            ),
          ].join('\n') + '\n',
        )
        return
      }
      const file = (o.vcf ?? o.fmf ?? o.gff)!
      await checkInputFile(file, given[0] as string)
      const { annotateStore } = await import('../annotations/writer.js')
      const bar = progressBar()
      let r
      try {
        r = await annotateStore(
          store,
          o.vcf
            ? { kind: 'vcf', file, fields: o.fields?.split(',').map((f) => f.trim()) }
            : o.fmf
              ? { kind: 'fmf', file }
              : {
                  kind: 'gff',
                  file,
                  reference: o.reference!,
                  format: o.format as 'gff3' | 'gtf' | undefined,
                },
          { name: o.name, onProgress: bar.onProgress },
        )
      } finally {
        bar.stop()
      }
      await write(
        `annotation set ${r.name}: ${r.records} of the store's alleles annotated (${r.read} source alleles read); fields: ${r.fields.map((f) => f.key).join(', ')}\n`,
      )
    })
}
