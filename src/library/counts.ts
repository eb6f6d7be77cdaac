// `library/PPPP.counts.bin` (this project's addition): for every tile variant of a path, how many
// haplotypes of the cohort carry it, and its span; for every step, which variant is the reference
// tile (so VCF export needs no reference FASTA). The l7g files hold no frequencies; the resolver
// reads one step's slice with one ranged read after the small header.
//
// Layout (little-endian): magic "LTCOUNT1" | u32 nSteps | u32 nVariants |
//   u32 stepStart[nSteps + 1] (index of each step's variant 0; the last entry = nVariants) |
//   u32 count[nVariants] | u32 span[nVariants] | u32 refVariant[nSteps] (0xffffffff: non-anchor)
import { FormatError } from '../core/errors.js'

const MAGIC = 'LTCOUNT1'

export interface PathCounts {
  stepStart: Uint32Array
  count: Uint32Array
  span: Uint32Array
  refVariant: Uint32Array
}

/** refVariant of a step inside a spanning reference tile. */
export const NO_REF_VARIANT = 0xffffffff

export function encodeCounts(c: PathCounts): Uint8Array {
  const nSteps = c.stepStart.length - 1
  const nVariants = c.count.length
  const buf = new Uint8Array(16 + 4 * (nSteps + 1) + 8 * nVariants + 4 * nSteps)
  const view = new DataView(buf.buffer)
  buf.set(new TextEncoder().encode(MAGIC))
  view.setUint32(8, nSteps, true)
  view.setUint32(12, nVariants, true)
  let at = 16
  for (const arr of [c.stepStart, c.count, c.span, c.refVariant])
    for (const v of arr) {
      view.setUint32(at, v, true)
      at += 4
    }
  return buf
}

/** Size of the header (magic, sizes, stepStart) of a counts file with `nSteps` steps. */
export function countsHeaderSize(nSteps: number): number {
  return 16 + 4 * (nSteps + 1)
}

/** The header of a counts file: its sizes and step table. */
export interface CountsHeader {
  nSteps: number
  nVariants: number
  /** index of each step's variant 0; the last entry = nVariants */
  stepStart: Uint32Array
}

/** A whole counts file. */
export interface LoadedCounts extends CountsHeader, PathCounts {}

/** Parse the header: the step table. `bytes` holds at least countsHeaderSize(nSteps) bytes. */
export function parseCountsHeader(bytes: Uint8Array, file: string): CountsHeader {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new FormatError(`expected a counts file starting '${MAGIC}'`, { file, offset: 0 })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const nSteps = view.getUint32(8, true)
  const nVariants = view.getUint32(12, true)
  if (bytes.length < countsHeaderSize(nSteps))
    throw new FormatError(`truncated step table (${nSteps} steps)`, { file, offset: 16 })
  const stepStart = new Uint32Array(nSteps + 1)
  for (let i = 0; i <= nSteps; i++) stepStart[i] = view.getUint32(16 + 4 * i, true)
  for (let i = 0; i < nSteps; i++)
    if (stepStart[i]! > stepStart[i + 1]!)
      throw new FormatError(`step table decreases at step ${i}`, { file, offset: 16 + 4 * i })
  if (stepStart[nSteps] !== nVariants)
    throw new FormatError(`step table ends at ${stepStart[nSteps]}, expected ${nVariants}`, {
      file,
      offset: 16 + 4 * nSteps,
    })
  return { nSteps, nVariants, stepStart }
}

/** Byte ranges of one step's counts and spans, and of the whole refVariant table. */
export function countsRanges(
  nSteps: number,
  nVariants: number,
  first: number,
  n: number,
): { counts: [number, number]; spans: [number, number]; refVariants: [number, number] } {
  const base = countsHeaderSize(nSteps)
  return {
    counts: [base + 4 * first, 4 * n],
    spans: [base + 4 * nVariants + 4 * first, 4 * n],
    refVariants: [base + 8 * nVariants, 4 * nSteps],
  }
}

/** Parse a whole counts file, checking its size against its header. */
export function parseCounts(bytes: Uint8Array, file: string): LoadedCounts {
  const { nSteps, nVariants, stepStart } = parseCountsHeader(bytes, file)
  const r = countsRanges(nSteps, nVariants, 0, nVariants)
  const size = r.refVariants[0] + r.refVariants[1]
  if (bytes.length !== size)
    throw new FormatError(
      `${bytes.length} bytes, expected ${size} for ${nSteps} steps and ${nVariants} variants`,
      { file, offset: Math.min(bytes.length, size) },
    )
  const slice = ([at, len]: [number, number]) => readU32s(bytes.subarray(at, at + len))
  return {
    nSteps,
    nVariants,
    stepStart,
    count: slice(r.counts),
    span: slice(r.spans),
    refVariant: slice(r.refVariants),
  }
}

export function readU32s(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Uint32Array(bytes.length >> 2)
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(4 * i, true)
  return out
}
