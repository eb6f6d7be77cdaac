// Consequences as bcftools csq writes them in INFO/BCSQ:
// `Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change`, comma-separated.
// As csq does, an allele's protein effect and its positional types (splice, UTR) are separate
// entries; intron and non_coding entries name no transcript; a combined effect reported at
// another allele is `@POS`; `*` marks an effect after a stop. Browser-safe.
import { PROTEIN_TYPES } from './types.js'
import type { Allele, ProteinChange, TranscriptConsequence } from './types.js'

/** csq's name for a transcript biotype (nonsense_mediated_decay → NMD, IG_C_gene → IG_C). */
export function csqBiotype(biotype: string): string {
  if (biotype.startsWith('nonsense_mediated_decay')) return 'NMD'
  if (biotype === 'mRNA') return 'protein_coding'
  const segment = /^((IG|TR)_(C|D|J|LV|V))_gene$/.exec(biotype)
  return segment ? segment[1]! : biotype
}

/** `123P>123L`, or `123P` when the amino acids stay (synonymous, stop_retained). */
export function formatProtein(p: ProteinChange, synonymous: boolean): string {
  return synonymous || (p.ref === p.alt && p.refStart === p.altStart)
    ? `${p.refStart}${p.ref}`
    : `${p.refStart}${p.ref}>${p.altStart}${p.alt}`
}

/** `1234C>T`, 1-based as in the VCF. */
export function formatDna(a: Allele): string {
  return `${a.pos + 1}${a.ref}>${a.alt}`
}

/** The BCSQ entries of one allele's consequences (duplicates removed, in the order given). */
export function bcsqEntries(allele: Allele, consequences: readonly TranscriptConsequence[]) {
  const out = new Set<string>()
  for (const c of consequences) {
    const t = c.transcript
    const head = (types: string[], id: string) =>
      `${types.join('&')}|${t.gene.name}|${id}|${csqBiotype(t.biotype)}`
    const positional = c.types.filter((x) => !PROTEIN_TYPES.has(x))
    const protein = c.types.filter((x) => PROTEIN_TYPES.has(x))
    if (positional.length) {
      const bare = positional.every((x) => x === 'intron' || x === 'non_coding')
      out.add(head(positional, bare ? '' : t.id))
    }
    if (!protein.length) continue
    if (c.reportedAt) {
      out.add(`@${c.reportedAt.pos + 1}`)
      continue
    }
    let entry = `${c.afterStop ? '*' : ''}${head(protein, t.id)}|${t.strand}`
    if (c.protein) {
      const dna = (c.combined ?? [allele]).map(formatDna).join('+')
      entry += `|${formatProtein(c.protein, protein.includes('synonymous'))}|${dna}`
    }
    out.add(entry)
  }
  return [...out]
}

/** INFO/BCSQ value of one allele, or undefined when it has no consequence. */
export function formatBcsq(
  allele: Allele,
  consequences: readonly TranscriptConsequence[],
): string | undefined {
  const entries = bcsqEntries(allele, consequences)
  return entries.length ? entries.join(',') : undefined
}
