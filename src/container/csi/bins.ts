// The binning scheme of CSI (hts-specs CSIv1.tex §5, htslib's hts_reg2bin/hts_reg2bins): level 0
// is one bin over the whole contig, each level below splits a bin in 8, and the finest bins cover
// 2^minShift bases. Shared by the index writer and reader.

/** Bits of the finest bins (16 kb), as htslib's default. */
export const CSI_MIN_SHIFT = 14

/** The first bin number of level `l` (0 = the top bin). */
export const firstBin = (l: number): number => (8 ** l - 1) / 7

/** htslib's META_BIN: the pseudo-bin after the last real bin, holding per-contig counts. */
export const metaBin = (depth: number): number => firstBin(depth + 1) + 1

/** The smallest bin holding [beg, end) (htslib hts_reg2bin). */
export function regionBin(beg: number, end: number, minShift: number, depth: number): number {
  const last = end - 1
  for (let l = depth, s = minShift; l > 0; l--, s += 3) {
    const b = Math.floor(beg / 2 ** s)
    if (b === Math.floor(last / 2 ** s)) return firstBin(l) + b
  }
  return 0
}

/** Per level, the first and last bin that may hold records overlapping [beg, end) (htslib
 * hts_reg2bins). */
export function regionBins(
  beg: number,
  end: number,
  minShift: number,
  depth: number,
): [number, number][] {
  const out: [number, number][] = []
  const last = Math.min(end, 2 ** (minShift + 3 * depth)) - 1
  for (let l = 0, s = minShift + 3 * depth; l <= depth; l++, s -= 3) {
    const t = firstBin(l)
    out.push([t + Math.floor(beg / 2 ** s), t + Math.floor(last / 2 ** s)])
  }
  return out
}

/** The finest-level window a bin starts at (htslib hts_bin_bot). */
export function binFirstWindow(bin: number, depth: number): number {
  let l = 0
  for (let b = bin; b > 0; b = (b - 1) >> 3) l++
  return (bin - firstBin(l)) * 8 ** (depth - l)
}
