// The standard genetic code, and reverse complements. Browser-safe.

const BASES = 'TCAG'
// amino acids of the codons TTT, TTC, TTA, TTG, TCT, ... (first base slowest), stop = '*'
const AMINO_ACIDS = 'FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG'
const CODE = new Map<string, string>()
for (let i = 0; i < 64; i++)
  CODE.set(BASES[i >> 4]! + BASES[(i >> 2) & 3]! + BASES[i & 3]!, AMINO_ACIDS[i]!)

/** Amino acids of the whole codons of `seq` (upper case); a codon with another letter is 'X'. */
export function translate(seq: string): string {
  let out = ''
  for (let i = 0; i + 3 <= seq.length; i += 3) out += CODE.get(seq.slice(i, i + 3)) ?? 'X'
  return out
}

const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' }

/** Reverse complement of upper-case bases (letters other than ACGTN become N). */
export function reverseComplement(seq: string): string {
  let out = ''
  for (let i = seq.length - 1; i >= 0; i--) out += COMPLEMENT[seq[i]!] ?? 'N'
  return out
}
