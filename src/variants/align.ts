// Align a tile variant to its reference tile and list the differences. Browser-safe (no I/O).
//
// Tile variants share their tags with the reference tile and usually differ by a few SNPs or
// short indels, so the common prefix and suffix are stripped first (often leaving nothing), and
// only the differing middle goes through a banded global alignment with affine gaps (Gotoh). The
// band is doubled until its best score is provably optimal: a path leaving the band needs two gaps
// whose cost bounds it from below.

/** One difference in tile coordinates: `ref` (the reference bases at `pos`) becomes `alt`.
 * Unanchored: a SNP has one base on each side, a deletion has `alt === ''`, an insertion has
 * `ref === ''` and goes before reference base `pos`. */
export interface Edit {
  pos: number
  ref: string
  alt: string
}

export interface TileAlignment {
  /** Sorted by `pos`, non-overlapping, reference bases upper case, alt as given (upper case). */
  edits: Edit[]
  /** Reference intervals (flat `[start, end, ...]`, half-open, sorted, merged) covered by `n`. */
  nocalls: number[]
}

export interface AlignOptions {
  /** Costs (positive, minimised). Defaults: mismatch 4, gap open 6, gap extend 1 (as bwa). */
  mismatch?: number
  gapOpen?: number
  gapExtend?: number
  /** Initial band half-width around the diagonals of the two ends; doubled while needed. */
  band?: number
}

const N_UPPER = 78 // 'N'
const INF = 0x3fffffff

function isNocall(c: number): boolean {
  return c === N_UPPER
}

/**
 * Align `alt` (a tile variant, may hold `n` no-call bases) to `ref` (the reference tile) and
 * return the edits that turn `ref` into `alt`. `n` in `alt` matches any reference base and is
 * reported in `nocalls` instead of as a SNP; an `n` inside an insertion marks the bases on both
 * sides of the insertion point as no-call.
 */
export function alignTile(ref: string, alt: string, opts: AlignOptions = {}): TileAlignment {
  const r = ref.toUpperCase()
  const a = alt.toUpperCase()
  const rl = r.length
  const al = a.length
  let p = 0
  const minLen = Math.min(rl, al)
  while (p < minLen && (r.charCodeAt(p) === a.charCodeAt(p) || isNocall(a.charCodeAt(p)))) p++
  let s = 0
  while (
    s < minLen - p &&
    (r.charCodeAt(rl - 1 - s) === a.charCodeAt(al - 1 - s) || isNocall(a.charCodeAt(al - 1 - s)))
  )
    s++
  const n = rl - s - p
  const m = al - s - p
  // the operation of every column, left to right: the stripped ends are matches
  const back = n > 0 && m > 0 ? gotoh(r, a, p, n, m, opts) : []
  const ops = new Uint8Array(p + (back.length || n + m) + s)
  if (back.length) back.forEach((op, k) => (ops[p + back.length - 1 - k] = op))
  else ops.fill(n === 0 ? OP_INS : OP_DEL, p, p + n + m)
  return emit(r, a, leftAlignGaps(r, a, ops))
}

const OP_DIAG = 0
const OP_DEL = 1
const OP_INS = 2

/**
 * Move every gap as far left as it goes at the same cost. Callers write indels left-aligned with
 * what follows them after, so a no-call (`n`) next to an indel in a repeat keeps the reference
 * position it had there, rather than swapping places with the indel as the greedy prefix match
 * would make it.
 * - A deletion moves past a column whose reference base equals the gap's last one (the deleted
 *   sequence stays the same up to rotation, whatever the variant base of that column).
 * - An insertion moves past a column at no cost change, `n` matching any base; it may pass an
 *   `n` that way (the `n` then matches a reference base further right), and stops at the leftmost
 *   place where it holds no `n`.
 */
function leftAlignGaps(r: string, a: string, ops: Uint8Array): Uint8Array {
  const matches = (ac: number, rc: number) => ac === rc || isNocall(ac)
  let i = 0
  let j = 0
  for (let k = 0; k < ops.length;) {
    const op = ops[k]!
    if (op === OP_DIAG) {
      i++
      j++
      k++
      continue
    }
    let len = 0
    while (k + len < ops.length && ops[k + len] === op) len++
    // how far left the run [k, k + len) can go: `shift` columns
    let shift = 0
    if (op === OP_DEL) {
      while (
        k - shift > 0 &&
        ops[k - shift - 1] === OP_DIAG &&
        r.charCodeAt(i - shift - 1) === r.charCodeAt(i - shift + len - 1)
      )
        shift++
    } else {
      const hasN = (from: number) =>
        a
          .slice(from, from + len)
          .toUpperCase()
          .includes('N')
      for (let t = 1; k - t >= 0 && ops[k - t] === OP_DIAG; t++) {
        const rc = r.charCodeAt(i - t)
        if (matches(a.charCodeAt(j - t), rc) !== matches(a.charCodeAt(j - t + len), rc)) break
        if (!hasN(j - t)) shift = t
      }
    }
    if (shift > 0) {
      ops.fill(op, k - shift, k - shift + len)
      ops.fill(OP_DIAG, k - shift + len, k + len)
    }
    if (op === OP_DEL) i += len
    else j += len
    k += len
  }
  return ops
}

class AlignmentBuilder {
  private readonly edits: Edit[] = []
  private readonly nocallPending: number[] = []
  constructor(
    private readonly r: string,
    private readonly a: string,
  ) {}

  nocall(start: number, end: number): void {
    const s = Math.max(0, start)
    const e = Math.min(this.r.length, end)
    if (e > s) this.nocallPending.push(s, e)
  }

  snp(i: number, j: number): void {
    this.edits.push({ pos: i, ref: this.r[i]!, alt: this.a[j]! })
  }

  deletion(i: number, len: number): void {
    this.edits.push({ pos: i, ref: this.r.slice(i, i + len), alt: '' })
  }

  insertion(i: number, j: number, len: number): void {
    const seq = this.a.slice(j, j + len)
    this.edits.push({ pos: i, ref: '', alt: seq })
    if (seq.includes('N')) this.nocall(i - 1, i + 1)
  }

  finish(): TileAlignment {
    this.edits.sort((x, y) => x.pos - y.pos || x.ref.length - y.ref.length)
    // merge no-call intervals
    const pend = this.nocallPending
    const order = Array.from({ length: pend.length / 2 }, (_, k) => k).sort(
      (x, y) => pend[2 * x]! - pend[2 * y]!,
    )
    const nocalls: number[] = []
    for (const k of order) {
      const s = pend[2 * k]!
      const e = pend[2 * k + 1]!
      const last = nocalls.length
      if (last > 0 && s <= nocalls[last - 1]!) nocalls[last - 1] = Math.max(nocalls[last - 1]!, e)
      else nocalls.push(s, e)
    }
    return { edits: this.edits, nocalls }
  }
}

// Traceback bits: low two bits say where H came from; then whether E / F extended a gap.
const FROM_DIAG = 0
const FROM_E = 1
const FROM_F = 2
const E_EXT = 4
const F_EXT = 8

/** The operations of an optimal alignment of r[off, off + n) to a[off, off + m), right to left. */
function gotoh(
  r: string,
  a: string,
  off: number,
  n: number,
  m: number,
  opts: AlignOptions,
): number[] {
  const X = opts.mismatch ?? 4
  const O = opts.gapOpen ?? 6
  const G = opts.gapExtend ?? 1
  const d = m - n
  for (let w = Math.max(1, opts.band ?? 8); ; w *= 2) {
    // band of diagonals k = j - i in [lo, hi]
    const lo = Math.max(Math.min(0, d) - w, -n)
    const hi = Math.min(Math.max(0, d) + w, m)
    const full = lo === -n && hi === m
    const W = hi - lo + 1
    const size = (n + 1) * W
    const H = new Int32Array(size).fill(INF)
    const E = new Int32Array(size).fill(INF)
    const F = new Int32Array(size).fill(INF)
    const T = new Uint8Array(size)
    for (let i = 0; i <= n; i++) {
      const jFrom = Math.max(0, i + lo)
      const jTo = Math.min(m, i + hi)
      const row = i * W - lo - i // cell (i, j) at row + j
      const up = row - W + 1 // cell (i - 1, j) at up + j
      const rc = i > 0 ? r.charCodeAt(off + i - 1) : 0
      for (let j = jFrom; j <= jTo; j++) {
        const c = row + j
        if (i === 0 && j === 0) {
          H[c] = 0
          continue
        }
        let t = 0
        // E: a deletion ending at ref i (from cell (i - 1, j), on diagonal k + 1)
        let e = INF
        if (i > 0 && j - i + 1 <= hi) {
          const u = up + j
          const open = H[u]! + O + G
          const ext = E[u]! + G
          if (ext <= open) {
            e = ext
            t |= E_EXT
          } else e = open
        }
        // F: an insertion ending at alt j (from cell (i, j - 1), on diagonal k - 1)
        let f = INF
        if (j > 0 && j - 1 - i >= lo) {
          const l = c - 1
          const open = H[l]! + O + G
          const ext = F[l]! + G
          if (ext <= open) {
            f = ext
            t |= F_EXT
          } else f = open
        }
        let h = INF
        if (i > 0 && j > 0) {
          const ac = a.charCodeAt(off + j - 1)
          h = H[up + j - 1]! + (ac === rc || isNocall(ac) ? 0 : X)
        }
        if (e < h) {
          h = e
          t = (t & ~3) | FROM_E
        }
        if (f < h) {
          h = f
          t = (t & ~3) | FROM_F
        }
        H[c] = h
        E[c] = e
        F[c] = f
        T[c] = t
      }
    }
    // traceback from (n, m) in state H, collecting operations right to left
    const ops: number[] = [] // 0 = diagonal, 1 = deletion (ref base), 2 = insertion (alt base)
    let i = n
    let j = m
    // any path outside the band reaches a diagonal beyond it and comes back to d: two gaps
    if (!full && H[n * W - lo - n + m]! > 2 * O + G * (2 * w + 2 + Math.abs(d))) continue
    let state = 0
    while (i > 0 || j > 0) {
      const t = T[i * W - lo - i + j]!
      if (state === 0) {
        const from = i === 0 ? FROM_F : j === 0 ? FROM_E : t & 3
        if (from === FROM_DIAG) {
          ops.push(0)
          i--
          j--
        } else state = from
      } else if (state === FROM_E) {
        ops.push(1)
        if (!(t & E_EXT) && i > 0) state = 0
        i--
      } else {
        ops.push(2)
        if (!(t & F_EXT) && j > 0) state = 0
        j--
      }
    }
    return ops
  }
}

/** Turn the operations (left to right) into edits: SNPs one by one, gap runs as one indel. */
function emit(r: string, a: string, ops: Uint8Array): TileAlignment {
  const out = new AlignmentBuilder(r, a)
  let i = 0
  let j = 0
  for (let k = 0; k < ops.length;) {
    const op = ops[k]!
    if (op === OP_DIAG) {
      const ac = a.charCodeAt(j)
      if (isNocall(ac)) out.nocall(i, i + 1)
      else if (ac !== r.charCodeAt(i)) out.snp(i, j)
      i++
      j++
      k++
      continue
    }
    let len = 0
    while (k < ops.length && ops[k] === op) {
      len++
      k++
    }
    if (op === OP_DEL) {
      out.deletion(i, len)
      i += len
    } else {
      out.insertion(i, j, len)
      j += len
    }
  }
  return out.finish()
}

/**
 * Map an interval of the variant sequence `[start, end)` to the reference interval it covers,
 * given the alignment's edits: bases inside an edit map to the whole reference span of the edit,
 * bases in an insertion to the reference bases on both sides of it.
 */
export function altToRef(edits: readonly Edit[], start: number, end: number): [number, number] {
  let shift = 0 // alt position - ref position, before the current edit
  let rs = -1
  let re = -1
  for (const ed of edits) {
    const altPos = ed.pos + shift
    const altEnd = altPos + ed.alt.length
    if (rs < 0) {
      if (start < altPos) rs = start - shift
      else if (start < altEnd) rs = ed.ref.length === 0 ? ed.pos - 1 : ed.pos
    }
    if (re < 0) {
      if (end <= altPos) re = end - shift
      else if (end <= altEnd) re = ed.ref.length === 0 ? ed.pos + 1 : ed.pos + ed.ref.length
    }
    shift += ed.alt.length - ed.ref.length
  }
  if (rs < 0) rs = start - shift
  if (re < 0) re = end - shift
  return [Math.max(0, rs), Math.max(rs, re)]
}
