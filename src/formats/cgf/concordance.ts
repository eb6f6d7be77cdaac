// Genome-vs-genome concordance on high-quality steps, on the bit words of two decoded paths:
// steps canonical in both genomes are counted a block of 32 at a time; only the rest are compared.
import { ArgumentError } from '../../core/errors.js'
import type { DecodedPath } from './pathStruct.js'

/** Steps compared between two genomes and how many agree. */
export interface Concordance {
  /** steps that are high quality (not Loq) in both genomes */
  hiq: number
  /** of those, steps where both alleles agree */
  match: number
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Add the concordance of one path of two genomes to `into` (returned). */
export function concordance(
  x: DecodedPath,
  y: DecodedPath,
  into: Concordance = { hiq: 0, match: 0 },
): Concordance {
  if (x.n !== y.n)
    throw new ArgumentError(`path ${x.path} has ${x.n} steps in one genome, ${y.n} in the other`)
  const { variantsA: xa, variantsB: xb } = x
  const { variantsA: ya, variantsB: yb } = y
  // signed views: Uint32 reads above 2^31 would leave the small-integer fast path
  const i32 = (w: Uint32Array) => new Int32Array(w.buffer, w.byteOffset, w.length)
  const xl = i32(x.loq)
  const yl = i32(y.loq)
  const xc = i32(x.canonical)
  const yc = i32(y.canonical)
  let hiq = 0
  let match = 0
  const blocks = xl.length
  for (let k = 0; k < blocks; k++) {
    const valid = k === blocks - 1 && x.n & 31 ? (1 << (x.n & 31)) - 1 : -1
    const good = ~(xl[k]! | yl[k]!) & valid
    const both = xc[k]! & yc[k]! & good
    hiq += popcount(good)
    match += popcount(both)
    let rest = good & ~both
    while (rest !== 0) {
      const low = rest & -rest
      rest ^= low
      const t = 32 * k + 31 - Math.clz32(low)
      if (xa[t] === ya[t] && xb[t] === yb[t]) match++
    }
  }
  into.hiq += hiq
  into.match += match
  return into
}
