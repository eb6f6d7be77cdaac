// Quality control of a target (array) VCF against a reference panel, as conform-gt does for
// Beagle: each target site is matched to the panel by position and alleles; REF/ALT swaps and
// strand flips are fixed; A/T and C/G SNPs, whose flip looks like a swap, are oriented by
// the correlation of their genotypes with nearby sites in the target and in the panel (the sign
// of LD must agree), else by allele frequency; sites absent from the panel, with other alleles,
// multi-allelic, duplicated or poorly called are dropped, and so are poorly called samples.
// Written here (conform-gt is not packaged for Debian and runs on whole files only); every
// dropped site is listed with its reason. Node-only.
import type { AbortOptions } from '../core/errors.js'
import { ArgumentError, FormatError } from '../core/errors.js'
import {
  altDosage,
  genotypes,
  headerSamples,
  recordFields,
  swapAlleles,
  vcfFileLines,
} from './vcfText.js'

/** Why a target site was dropped. */
export const DROP_REASONS = {
  multiallelic: 'multi-allelic in the target',
  duplicate: 'position given more than once',
  'low-call-rate': 'call rate below the threshold',
  'not-in-panel': 'no panel record at the position',
  'allele-mismatch': 'alleles differ from the panel in every orientation',
  'ambiguous-strand': 'A/T or C/G SNP whose strand neither LD nor frequency decides',
} as const
export type DropReason = keyof typeof DROP_REASONS

/** How a kept target site was changed to agree with the panel. */
export const FIXES = {
  none: 'alleles as in the panel',
  swapped: 'REF/ALT swapped',
  flipped: 'strand flipped',
  'flipped-swapped': 'strand flipped and REF/ALT swapped',
  'ambiguous-kept': 'A/T or C/G: kept as given (LD/frequency)',
  'ambiguous-swapped': 'A/T or C/G: REF/ALT swapped (LD/frequency)',
} as const
export type Fix = keyof typeof FIXES

export interface QcOptions extends AbortOptions {
  /** sites called in fewer than this fraction of the kept samples are dropped (default 0.9) */
  minSiteCallRate?: number
  /** samples called at fewer than this fraction of the sites are dropped (default 0.9) */
  minSampleCallRate?: number
  /** neighbours within this many bases orient A/T and C/G SNPs (default 1 Mb) */
  window?: number
}

export interface DroppedSite {
  chrom: string
  pos: number
  id: string
  ref: string
  alt: string
  reason: DropReason
}

export interface QcResult {
  samples: { kept: string[]; dropped: { name: string; callRate: number }[] }
  /** target sites read */
  sites: number
  fixes: Record<Fix, number>
  drops: Record<DropReason, number>
  dropped: DroppedSite[]
  /** most sites absent from the panel or with other alleles: the target is on another build */
  wrongBuild: boolean
  /** the conformed target: header and records (GT only, panel REF/ALT), sorted as the input */
  lines: string[]
}

interface PanelSite {
  ref: string
  alt: string
  /** the sum of ALT alleles per sample, read only at target positions */
  dosage: Int8Array
  af: number
}

interface TargetSite {
  chrom: string
  pos: number
  id: string
  ref: string
  alts: string[]
  gts: string[]
  line: number
}

const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' }
const complement = (a: string) => COMPLEMENT[a.toUpperCase()]
const isSnp = (a: string, b: string) => a.length === 1 && b.length === 1

/** Pearson correlation over the entries where both are called (>= 0); 0 when undefined. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0
  let sx = 0
  let sy = 0
  let sxx = 0
  let syy = 0
  let sxy = 0
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!
    const b = y[i]!
    if (a < 0 || b < 0) continue
    n++
    sx += a
    sy += b
    sxx += a * a
    syy += b * b
    sxy += a * b
  }
  if (n < 3) return 0
  const vx = sxx - (sx * sx) / n
  const vy = syy - (sy * sy) / n
  return vx > 0 && vy > 0 ? (sxy - (sx * sy) / n) / Math.sqrt(vx * vy) : 0
}

/** The target's records, header lines and samples. */
async function readTarget(
  path: string,
  opts: AbortOptions,
): Promise<{ header: string[]; samples: string[]; sites: TargetSite[] }> {
  const header: string[] = []
  let samples: string[] | undefined
  const sites: TargetSite[] = []
  for await (const l of vcfFileLines(path, opts)) {
    if (l.text.startsWith('##')) {
      header.push(l.text)
      continue
    }
    if (l.text.startsWith('#')) {
      samples = headerSamples(l.text)
      if (!samples.length)
        throw new FormatError('the target VCF has no samples', { file: path, line: l.line })
      continue
    }
    if (!samples)
      throw new FormatError('a record before the #CHROM line', { file: path, line: l.line })
    if (!l.text) continue
    const f = recordFields(l, path)
    const gts = genotypes(f, path, l.line)
    if (gts.length !== samples.length)
      throw new FormatError(`${gts.length} genotypes, the header names ${samples.length} samples`, {
        file: path,
        line: l.line,
      })
    sites.push({
      chrom: f[0]!,
      pos: Number(f[1]),
      id: f[2]!,
      ref: f[3]!.toUpperCase(),
      alts: f[4]!.toUpperCase().split(','),
      gts,
      line: l.line,
    })
  }
  if (!samples) throw new FormatError('no #CHROM header line: not a VCF', { file: path })
  return { header, samples, sites }
}

/** The panel records at the given positions (`chrom:pos` keys), from one or more panel VCFs. */
async function readPanelAt(
  panels: string[],
  wanted: Set<string>,
  opts: AbortOptions,
): Promise<{ at: Map<string, PanelSite[]>; samples: number }> {
  const at = new Map<string, PanelSite[]>()
  let samples = 0
  for (const path of panels) {
    for await (const l of vcfFileLines(path, opts)) {
      if (l.text.startsWith('#')) {
        if (!l.text.startsWith('##')) samples = headerSamples(l.text).length
        continue
      }
      // the key first: most panel records are at no target position
      const t1 = l.text.indexOf('\t')
      const t2 = l.text.indexOf('\t', t1 + 1)
      const key = `${l.text.slice(0, t1)}:${l.text.slice(t1 + 1, t2)}`
      if (!wanted.has(key)) continue
      const f = recordFields(l, path)
      const ref = f[3]!.toUpperCase()
      const alt = f[4]!.toUpperCase()
      const list = at.get(key) ?? []
      // panels of overlapping chunks repeat their shared records
      if (list.some((p) => p.ref === ref && p.alt === alt)) continue
      const gts = genotypes(f, path, l.line)
      const dosage = Int8Array.from(gts, altDosage)
      let sum = 0
      let n = 0
      for (const d of dosage)
        if (d >= 0) {
          sum += d
          n += 2
        }
      list.push({ ref, alt, dosage, af: n ? sum / n : 0 })
      at.set(key, list)
    }
  }
  return { at, samples }
}

type Orientation = 'none' | 'swapped' | 'flipped' | 'flipped-swapped'

/**
 * The orientations in which the target's REF/ALT equal the panel's. A site no target sample
 * carries may have ALT `.` (as arrays write them): its REF alone is matched.
 */
function orientations(ref: string, alt: string, p: PanelSite): Orientation[] {
  const out: Orientation[] = []
  if (alt === '.') {
    if (ref === p.ref) out.push('none')
    if (ref === p.alt) out.push('swapped')
    if (ref.length === 1 && isSnp(p.ref, p.alt)) {
      if (complement(ref) === p.ref) out.push('flipped')
      if (complement(ref) === p.alt) out.push('flipped-swapped')
    }
    return out
  }
  if (ref === p.ref && alt === p.alt) out.push('none')
  if (ref === p.alt && alt === p.ref) out.push('swapped')
  if (isSnp(ref, alt) && isSnp(p.ref, p.alt)) {
    if (complement(ref) === p.ref && complement(alt) === p.alt) out.push('flipped')
    if (complement(ref) === p.alt && complement(alt) === p.ref) out.push('flipped-swapped')
  }
  return out
}

/**
 * Conform the target VCF at `target` to the panel VCFs (`panels`, e.g. one per chunk; records
 * they share are read once).
 */
export async function conformTarget(
  target: string,
  panels: string[],
  opts: QcOptions = {},
): Promise<QcResult> {
  const minSite = opts.minSiteCallRate ?? 0.9
  const minSample = opts.minSampleCallRate ?? 0.9
  const window = opts.window ?? 1_000_000
  for (const [name, v] of [
    ['minSiteCallRate', minSite],
    ['minSampleCallRate', minSample],
  ] as const)
    if (!(v >= 0 && v <= 1)) throw new ArgumentError(`${name} must be between 0 and 1, got ${v}`)

  const { header, samples, sites } = await readTarget(target, opts)
  const drops = Object.fromEntries(Object.keys(DROP_REASONS).map((k) => [k, 0])) as Record<
    DropReason,
    number
  >
  const fixes = Object.fromEntries(Object.keys(FIXES).map((k) => [k, 0])) as Record<Fix, number>
  const dropped: DroppedSite[] = []
  const drop = (s: TargetSite, reason: DropReason) => {
    drops[reason]++
    dropped.push({
      chrom: s.chrom,
      pos: s.pos,
      id: s.id,
      ref: s.ref,
      alt: s.alts.join(','),
      reason,
    })
  }

  // duplicates and multi-allelic sites first: they take no part in call rates
  const count = new Map<string, number>()
  for (const s of sites)
    count.set(`${s.chrom}:${s.pos}`, (count.get(`${s.chrom}:${s.pos}`) ?? 0) + 1)
  let live: TargetSite[] = []
  for (const s of sites) {
    if (count.get(`${s.chrom}:${s.pos}`)! > 1) drop(s, 'duplicate')
    else if (s.alts.length > 1) drop(s, 'multiallelic')
    else live.push(s)
  }

  // samples, then sites, by call rate
  const called = new Float64Array(samples.length)
  for (const s of live) s.gts.forEach((g, i) => (called[i]! += altDosage(g) >= 0 ? 1 : 0))
  const keepSample: number[] = []
  const droppedSamples: { name: string; callRate: number }[] = []
  samples.forEach((name, i) => {
    const rate = live.length ? called[i]! / live.length : 1
    if (rate >= minSample) keepSample.push(i)
    else droppedSamples.push({ name, callRate: rate })
  })
  if (!keepSample.length)
    throw new ArgumentError(
      `${target}: every sample has a call rate below ${minSample} (lower --min-sample-call-rate?)`,
    )
  live = live.filter((s) => {
    let n = 0
    for (const i of keepSample) if (altDosage(s.gts[i]!) >= 0) n++
    if (n / keepSample.length >= minSite) return true
    drop(s, 'low-call-rate')
    return false
  })

  // the panel at the remaining positions
  const panel = await readPanelAt(panels, new Set(live.map((s) => `${s.chrom}:${s.pos}`)), opts)

  interface Matched {
    site: TargetSite
    panel: PanelSite
    /** orientations that fit: one, or 'none' and 'flipped-swapped' (or 'swapped' and 'flipped') for A/T and C/G */
    fits: Orientation[]
    /** ALT dosage of the kept samples in the target's own coding */
    dosage: Int8Array
  }
  const matched: Matched[] = []
  let mismatched = 0
  for (const s of live) {
    const candidates = panel.at.get(`${s.chrom}:${s.pos}`)
    if (!candidates) {
      drop(s, 'not-in-panel')
      continue
    }
    const alt = s.alts[0]!
    let hit: Matched | undefined
    for (const p of candidates) {
      const fits = orientations(s.ref, alt, p)
      if (!fits.length) continue
      const dosage = Int8Array.from(keepSample, (i) => altDosage(s.gts[i]!))
      // an exact match wins over a flip that also fits
      if (!hit || (fits.length === 1 && hit.fits.length > 1))
        hit = { site: s, panel: p, fits, dosage }
    }
    if (!hit) {
      mismatched++
      drop(s, 'allele-mismatch')
    } else matched.push(hit)
  }

  // orientation of each site: the unambiguous ones first; A/T and C/G by LD with those
  const swapOf = (o: Orientation) => o === 'swapped' || o === 'flipped-swapped'
  const decided = new Map<Matched, Fix>()
  for (const m of matched) if (m.fits.length === 1) decided.set(m, m.fits[0]!)
  const anchors = matched.filter((m) => decided.has(m))
  for (const m of matched) {
    if (decided.has(m)) continue
    // as the panel codes them: neighbour dosages in panel orientation
    let score = 0
    let used = 0
    const near = anchors
      .filter((a) => a.site.chrom === m.site.chrom && Math.abs(a.site.pos - m.site.pos) <= window)
      .sort((a, b) => Math.abs(a.site.pos - m.site.pos) - Math.abs(b.site.pos - m.site.pos))
      .slice(0, 20)
    for (const a of near) {
      const aSwap = swapOf(decided.get(a) as Orientation)
      const rt = correlation(m.dosage, a.dosage) * (aSwap ? -1 : 1)
      const rp = correlation(m.panel.dosage, a.panel.dosage)
      if (Math.abs(rp) < 0.1) continue
      score += rt * rp
      used++
    }
    // score > 0: LD signs agree with the target as given; < 0: with its alleles swapped
    let swap: boolean | undefined
    if (used && Math.abs(score) >= 0.3) swap = score < 0
    else {
      let sum = 0
      let n = 0
      for (const d of m.dosage)
        if (d >= 0) {
          sum += d
          n += 2
        }
      const af = n ? sum / n : 0
      const p = m.panel.af
      // frequency decides only away from 0.5, where the two orientations predict different AFs
      if (Math.abs(p - 0.5) >= 0.2 && Math.abs(Math.abs(af - p) - Math.abs(af - (1 - p))) >= 0.2)
        swap = Math.abs(af - (1 - p)) < Math.abs(af - p)
    }
    if (swap === undefined) {
      drop(m.site, 'ambiguous-strand')
      continue
    }
    decided.set(m, swap ? 'ambiguous-swapped' : 'ambiguous-kept')
  }

  // the conformed records, in input order
  const out: string[] = [
    ...header.filter((h) => !h.startsWith('##FORMAT') && !h.startsWith('##INFO')),
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    `##lightning-tilesQc=min-site-call-rate ${minSite}, min-sample-call-rate ${minSample}`,
    [
      '#CHROM',
      'POS',
      'ID',
      'REF',
      'ALT',
      'QUAL',
      'FILTER',
      'INFO',
      'FORMAT',
      ...keepSample.map((i) => samples[i]!),
    ].join('\t'),
  ]
  for (const m of matched) {
    const fix = decided.get(m)
    if (!fix) continue
    fixes[fix]++
    const swap = fix === 'swapped' || fix === 'flipped-swapped' || fix === 'ambiguous-swapped'
    const gts = keepSample.map((i) => (swap ? swapAlleles(m.site.gts[i]!) : m.site.gts[i]!))
    out.push(
      [
        m.site.chrom,
        m.site.pos,
        m.site.id,
        m.panel.ref,
        m.panel.alt,
        '.',
        'PASS',
        '.',
        'GT',
        ...gts,
      ].join('\t'),
    )
  }
  const tested = matched.length + mismatched + drops['not-in-panel']
  return {
    samples: { kept: keepSample.map((i) => samples[i]!), dropped: droppedSamples },
    sites: sites.length,
    fixes,
    drops,
    dropped: dropped.sort((a, b) =>
      a.chrom === b.chrom ? a.pos - b.pos : a.chrom < b.chrom ? -1 : 1,
    ),
    wrongBuild: tested >= 20 && matched.length < tested / 2,
    lines: out,
  }
}

/** The dropped sites as TSV (header line first). */
export function droppedTsv(r: QcResult): string {
  return (
    [
      '#CHROM\tPOS\tID\tREF\tALT\treason',
      ...r.dropped.map((d) => `${d.chrom}\t${d.pos}\t${d.id}\t${d.ref}\t${d.alt}\t${d.reason}`),
    ].join('\n') + '\n'
  )
}

/** The per-reason counts as TSV: what happened to each site, with its count. */
export function countsTsv(r: QcResult): string {
  const rows = [
    'outcome\treason\tsites',
    ...Object.keys(FIXES).map((k) => `kept\t${k}\t${r.fixes[k as Fix]}`),
    ...Object.keys(DROP_REASONS).map((k) => `dropped\t${k}\t${r.drops[k as DropReason]}`),
    `samples-dropped\tlow-call-rate\t${r.samples.dropped.length}`,
  ]
  return rows.join('\n') + '\n'
}
