// What a gVCF says, read with bcftools and the README's rule written out here (independent of
// src/tiling): the expectations of gvcf-real.test.ts.
import { execFileSync, spawnSync } from 'node:child_process'
import { formatTileId } from '../src/core/tileId.js'
import { openTileResolver } from '../src/resolver/node.js'
import { alignTile, altToRef } from '../src/variants/align.js'
import { GT_ALT, GT_NOCALL, normalizeVcfRecords } from '../src/variants/vcf.js'
import type { VcfRecord } from '../src/variants/vcf.js'
import { referenceSource } from '../scripts/compare-vcf.js'
import { compareCanonical } from '../src/variants/compare.js'

export const MIN_GQ = 20

/** One gVCF record as bcftools query prints it (0-based, end exclusive). */
export interface Rec {
  chrom: string
  pos: number
  end: number
  ref: string
  alts: string[]
  filter: string
  gt: string
  gq: number
  depth: number
}

export function query(file: string): Rec[] {
  const text = execFileSync(
    'bcftools',
    [
      'query',
      '-f',
      '%CHROM\t%POS\t%REF\t%ALT\t%FILTER\t%INFO/END\t[%GT]\t[%GQ]\t[%MIN_DP]\t[%DP]\n',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  )
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [chrom, pos, ref, alt, filter, end, gt, gq, minDp, dp] = line.split('\t') as string[]
      const p = Number(pos) - 1
      const num = (x: string | undefined) => (x === undefined || x === '.' ? NaN : Number(x))
      return {
        chrom: chrom!,
        pos: p,
        end: Math.max(p + ref!.length, end === '.' ? 0 : Number(end)),
        ref: ref!,
        alts: alt === '.' ? [] : alt!.split(','),
        filter: filter!,
        gt: gt!,
        gq: num(gq),
        depth: Number.isNaN(num(minDp)) ? num(dp) : num(minDp),
      }
    })
}

/** Per haplotype: the no-call intervals (flat, merged), the ALTs applied and those skipped. */
export interface Derived {
  mask: [number[], number[]]
  alts: [Rec[], Rec[]]
  altOf: [Map<Rec, string>, Map<Rec, string>]
  skipped: [number[], number[]]
}

/**
 * The README's rule, from the records alone: per haplotype, in record order, bases no record
 * covers and records that fail FILTER or GQ, `.` alleles and alleles at `<*>`/`<NON_REF>` are
 * no-calls, clipped to bases no earlier applied event decided; an ALT is applied unless it starts on
 * such a base (except an indel anchored on the last one, after no insertion), as bcftools
 * consensus does.
 */
export function derive(recs: Rec[], contigLength: number): Derived {
  const d: Derived = {
    mask: [[], []],
    alts: [[], []],
    altOf: [new Map(), new Map()],
    skipped: [[], []],
  }
  for (const h of [0, 1] as const) {
    let frozen = -1
    let prevInsert = false
    let covered = 0
    const mask = d.mask[h]
    const nocall = (s: number, e: number) => {
      const from = Math.max(s, frozen + 1)
      if (from >= e) return
      if (mask.length && mask[mask.length - 1] === from) mask[mask.length - 1] = e
      else mask.push(from, e)
      frozen = e - 1
      prevInsert = false
    }
    for (const r of recs) {
      if (r.pos > covered) nocall(covered, r.pos)
      covered = Math.max(covered, r.end)
      const good = (r.filter === 'PASS' || r.filter === '.') && r.gq >= MIN_GQ
      const alleles = r.gt.split(/[|/]/)
      const a = alleles[Math.min(h, alleles.length - 1)]!
      if (!good || a === '.') {
        nocall(r.pos, r.end)
        continue
      }
      if (a === '0') continue
      const alt = r.alts[Number(a) - 1]!
      if (alt === '*') continue
      if (alt.startsWith('<')) {
        nocall(r.pos, r.end)
        continue
      }
      const anchored =
        r.pos === frozen && !prevInsert && alt.length !== r.ref.length && alt[0] === r.ref[0]
      if (r.pos > frozen || anchored) {
        d.alts[h].push(r)
        d.altOf[h].set(r, alt)
        frozen = r.pos + r.ref.length - 1
        prevInsert = alt.length > r.ref.length
      } else d.skipped[h].push(r.pos + 1)
    }
    nocall(covered, contigLength)
  }
  return d
}

/** Union of flat intervals. */
export function merged(flat: number[]): number[] {
  const pairs: [number, number][] = []
  for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!])
  pairs.sort((a, b) => a[0] - b[0])
  const out: number[] = []
  for (const [s, e] of pairs)
    if (out.length && s <= out[out.length - 1]!)
      out[out.length - 1] = Math.max(out[out.length - 1]!, e)
    else out.push(s, e)
  return out
}

export const size = (flat: number[]) =>
  flat.reduce((a, x, k) => a + (k % 2 ? x - flat[k - 1]! : 0), 0)

/**
 * The store's no-call intervals of a sample on the reference: each tile's runs (CGF), placed by
 * aligning the library tile to the reference tile, as the VCF export places them.
 */
export async function storeNocalls(
  store: string,
  sample: string,
  chrom: string,
  ref: string,
): Promise<[number[], number[]]> {
  const res = openTileResolver(store)
  const steps = await (await res.genome(sample)).alleles({ chrom, start: 0, end: ref.length })
  const out: [number[], number[]] = [[], []]
  const placed = new Map<string, { start: number; edits: ReturnType<typeof alignTile>['edits'] }>()
  for (const st of steps)
    for (const a of [0, 1] as const) {
      const runs = st.nocalls[a]
      if (!runs.length) continue
      const id = formatTileId({ path: st.path, version: 0, step: st.step, variant: st.variants[a] })
      let p = placed.get(id)
      if (!p) {
        const [tile, loc] = await Promise.all([res.sequence(id), res.locate(id)])
        const r = ref.slice(loc.start, loc.end)
        // the library holds reference N filled (with `a`): such a tile is the reference itself
        const same =
          r.length === tile.sequence.length &&
          [...r].every((c, i) => c === 'N' || c === tile.sequence[i]!.toUpperCase())
        p = { start: loc.start, edits: same ? [] : alignTile(r, tile.sequence).edits }
        placed.set(id, p)
      }
      for (let k = 0; k < runs.length; k += 2) {
        const [s, e] = altToRef(p.edits, runs[k]!, runs[k]! + runs[k + 1]!)
        out[a].push(p.start + s, p.start + e)
      }
    }
  return [merged(out[0]), merged(out[1])]
}

/** The first differences of two flat interval lists, for a readable failure. */
export function firstDifferences(a: number[], b: number[]): string[] {
  const pairs = (f: number[]) =>
    Array.from({ length: f.length / 2 }, (_, k) => `${f[2 * k]}-${f[2 * k + 1]}`)
  const x = new Set(pairs(a))
  const y = new Set(pairs(b))
  return [
    ...pairs(a)
      .filter((p) => !y.has(p))
      .map((p) => `store ${p}`),
    ...pairs(b)
      .filter((p) => !x.has(p))
      .map((p) => `derived ${p}`),
  ].slice(0, 10)
}

/** Run a shell pipeline (pipefail), return stdout. */
export function sh(cmd: string): string {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`)
  return r.stdout
}

export async function canonical(
  lines: string[],
  ref: string,
): Promise<{ samples: string[]; records: VcfRecord[] }> {
  const c = await normalizeVcfRecords(lines, referenceSource(ref))
  const records: VcfRecord[] = []
  for await (const r of c.records) records.push(r)
  return { samples: c.samples, records }
}

/**
 * The records of `lightning-tiles vcf` as they are written (biallelic, normalised already): a `.`
 * stays at its own site, where reading it back through normalizeVcfRecords would spread it over
 * the whole REF span and hide a sample's own variant inside another sample's deletion.
 */
export function storeVcfRecords(lines: string[]): { samples: string[]; records: VcfRecord[] } {
  const header = lines.find((l) => l.startsWith('#CHROM'))!
  const samples = header.split('\t').slice(9)
  const records: VcfRecord[] = []
  for (const line of lines) {
    if (line.startsWith('#') || line === '') continue
    const c = line.split('\t')
    const gts = c.slice(9)
    records.push({
      chrom: c[0]!,
      pos: Number(c[1]) - 1,
      ref: c[3]!,
      alt: c[4]!,
      gt: Uint8Array.from(
        gts.flatMap((g) => g.split(/[|/]/).map((a) => (a === '.' ? GT_NOCALL : Number(a)))),
      ),
      phased: Uint8Array.from(gts, (g) => (g.includes('|') ? 1 : 0)),
    })
  }
  return { samples, records }
}

/**
 * Compare expected canonical records (with the no-call `masks` of each sample applied) with the
 * store's, through compareCanonical: a genotype that differs site by site but spells the same
 * haplotype (nearby indels written as other atoms) counts as equivalent. Haplotypes are in the
 * GT's written order on both sides, so they are compared as ordered (phased).
 */
export async function compareWithMask(
  expected: { samples: string[]; records: VcfRecord[] },
  ours: { samples: string[]; records: VcfRecord[] },
  masks: [number[], number[]][],
  ref: string,
) {
  const masked: VcfRecord[] = []
  for (const r of expected.records) {
    const gt = Uint8Array.from(r.gt)
    masks.forEach((m, i) =>
      m.forEach((flat, h) => {
        for (let k = 0; k < flat.length; k += 2)
          if (flat[k]! < r.pos + r.ref.length && flat[k + 1]! > r.pos) gt[2 * i + h] = GT_NOCALL
      }),
    )
    if (gt.includes(GT_ALT))
      masked.push({ ...r, gt, phased: new Uint8Array(r.phased.length).fill(1) })
  }
  const phased = ours.records.map((r) => ({
    ...r,
    phased: new Uint8Array(r.phased.length).fill(1),
  }))
  return compareCanonical(
    { samples: expected.samples, records: masked },
    { samples: ours.samples, records: phased },
    { reference: referenceSource(ref), maxList: 20 },
  )
}
