// Check a whole store end to end and collect every problem (not only the first): the files the
// manifest names exist; per path the counts file, the SGLF and the 2bit-tar library agree tile by
// tile (IDs, order, spans, md5 of every sequence), and the path and library versions recompute;
// the span file, tagset and assembly agree with the manifest; every CGF decodes fully against the
// library, and the haplotypes it holds add up to the counts file. Browser-safe: every file comes
// through the Store; problems name files by their path in the store.
import { parseUstarHeader } from '../container/tar/reader.js'
import type { TarIndex } from '../container/tar/reader.js'
import { LightningError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import { md5Hex } from '../core/md5.js'
import type { ProgressCallback } from '../core/progress.js'
import { formatPath, formatStepId, formatTileId } from '../core/tileId.js'
import type { DecodedPath } from '../formats/cgf/pathStruct.js'
import { PathVersionHasher, libraryVersion, readSglfTiles } from '../formats/sglf/reader.js'
import { readSpans } from '../formats/span/reader.js'
import { parseTwoBit } from '../formats/twobit/reader.js'
import { NO_REF_VARIANT } from '../library/counts.js'
import type { LoadedCounts } from '../library/counts.js'
import { storeFileList, storeFiles } from '../store/layout.js'
import type { ManifestPath, StoreManifest } from '../store/manifest.js'
import type { Store } from '../store/Store.js'
import { statStoreFiles } from './stats.js'
import { checkFileHashes } from '../store/fileHashes.js'
import { checkSkipped, readSkippedText } from '../store/skipped.js'

/** One thing wrong with a store: the file, where in it (byte offset or 1-based line), and what. */
export interface VerifyProblem {
  file: string
  offset?: number
  line?: number
  message: string
}

/** What `verifyStore` found and what it checked. */
export interface VerifyResult {
  problems: VerifyProblem[]
  /** problems past the per-file limit, counted but not listed */
  suppressed: number
  /** what was checked */
  checked: {
    files: number
    /** files whose size and md5 were checked against the manifest (0: it records none) */
    hashed: number
    paths: number
    steps: number
    tiles: number
    samples: number
  }
}

/** Options of `verifyStore`. */
export interface VerifyOptions extends AbortOptions {
  onProgress?: ProgressCallback
  /** problems listed per file before the rest are only counted (default 20) */
  maxProblemsPerFile?: number
}

/** `file, line N, offset N: message`, as FormatError messages read. */
export function formatProblem(p: VerifyProblem): string {
  const where = [p.file]
  if (p.line !== undefined) where.push(`line ${p.line}`)
  if (p.offset !== undefined) where.push(`offset ${p.offset}`)
  return `${where.join(', ')}: ${p.message}`
}

const hex3 = (v: number) => v.toString(16).padStart(3, '0')
/** Uncompressed bytes read from a library tar at a time. */
const TAR_WINDOW = 4 << 20

/** What the SGLF said about each variant of a path, by index stepStart[step] + variant. */
interface SglfPathInfo {
  md5: (string | undefined)[]
  line: Uint32Array
}

class Verifier {
  readonly problems: VerifyProblem[] = []
  suppressed = 0
  private readonly perFile = new Map<string, number>()
  readonly checked = { files: 0, hashed: 0, paths: 0, steps: 0, tiles: 0, samples: 0 }
  /** files that could not be stat'ed; their checks are skipped */
  readonly absent = new Set<string>()

  constructor(
    readonly store: Store,
    readonly opts: VerifyOptions,
  ) {}

  problem(file: string, message: string, place: { offset?: number; line?: number } = {}): void {
    const n = (this.perFile.get(file) ?? 0) + 1
    this.perFile.set(file, n)
    if (n > (this.opts.maxProblemsPerFile ?? 20)) {
      this.suppressed++
      return
    }
    const p: VerifyProblem = { file, message }
    if (place.offset !== undefined) p.offset = place.offset
    if (place.line !== undefined) p.line = place.line
    this.problems.push(p)
  }

  /**
   * Record an error raised while checking `file`. I/O errors (file system, HTTP) and a reader's
   * RangeError on damaged bytes become problems; an abort or a programming error propagates.
   */
  caught(file: string, err: unknown): void {
    if (!(err instanceof LightningError)) {
      const e = err as Error
      if (
        !(e instanceof Error) ||
        e.name === 'AbortError' ||
        e instanceof TypeError ||
        e instanceof ReferenceError ||
        e instanceof SyntaxError
      )
        throw err
      this.problem(file, `${e.name}: ${e.message}`)
      return
    }
    const e = err as LightningError & { reason?: string; file?: string; offset?: number }
    const place: { offset?: number; line?: number } = {}
    if ('offset' in e && typeof e.offset === 'number') place.offset = e.offset
    if ('line' in e && typeof (e as { line?: unknown }).line === 'number')
      place.line = (e as { line: number }).line
    this.problem(
      e.file === undefined ? file : this.store.relative(e.file),
      e.reason ?? e.message,
      place,
    )
  }

  report(phase: string, done: number, total: number): void {
    this.opts.onProgress?.({ phase, done, total })
  }
}

/** The manifest, or undefined after recording why it cannot be read. */
async function loadManifest(v: Verifier): Promise<StoreManifest | undefined> {
  try {
    return await v.store.manifest({ signal: v.opts.signal })
  } catch (err) {
    v.caught(storeFiles.manifest, err)
    return undefined
  }
}

async function checkFilesExist(v: Verifier, m: StoreManifest): Promise<void> {
  const files = storeFileList(m)
  const stats = await statStoreFiles(v.store, files, {
    signal: v.opts.signal,
    onFile: (done) => v.report('checking files', done, files.length),
  })
  files.forEach((f, i) => {
    const st = stats[i]!
    if (!('error' in st)) {
      v.checked.files++
      return
    }
    v.absent.add(f.rel)
    if (f.required)
      v.problem(
        f.rel,
        `missing or unreadable (${st.error.message}); manifest.json names it as ${f.role}`,
      )
  })
}

/**
 * Every file against the size and md5 the manifest records (first, so that a damaged file is named
 * by its own bytes), and skipped.tsv.gz against the manifest's counts of what the build skipped.
 */
async function checkHashesAndSkipped(v: Verifier, m: StoreManifest): Promise<void> {
  if (m.files) {
    const files = m.files
    const problems = await checkFileHashes((rel) => v.store.file(rel).handle, files, {
      signal: v.opts.signal,
      onFile: (done, total) => v.report('hashing files', done, total),
    })
    for (const p of problems) if (!v.absent.has(p.file)) v.problem(p.file, p.message)
    v.checked.hashed = Object.keys(files).length
  }
  if (v.absent.has(storeFiles.skipped)) return
  try {
    const text = await readSkippedText(
      v.store.file(storeFiles.skipped).handle,
      v.opts.signal ? { signal: v.opts.signal } : {},
    )
    for (const p of checkSkipped(m, text))
      v.problem(storeFiles.skipped, p.message, p.line === undefined ? {} : { line: p.line })
  } catch (err) {
    v.caught(storeFiles.skipped, err)
  }
}

/** The counts file of a path, checked against the manifest; undefined if unusable. */
async function checkCounts(v: Verifier, p: ManifestPath): Promise<LoadedCounts | undefined> {
  const file = storeFiles.libraryCounts(p.path)
  if (v.absent.has(file)) return undefined
  let c: LoadedCounts
  try {
    c = await v.store.counts(p.path, { signal: v.opts.signal })
  } catch (err) {
    v.caught(file, err)
    return undefined
  }
  if (c.nSteps !== p.steps)
    v.problem(
      file,
      `${c.nSteps} steps, manifest.json says path ${formatPath(p.path)} has ${p.steps}`,
      {
        offset: 8,
      },
    )
  if (c.nVariants !== p.variants)
    v.problem(
      file,
      `${c.nVariants} variants, manifest.json says path ${formatPath(p.path)} has ${p.variants}`,
      { offset: 12 },
    )
  for (let s = 0; s < c.nSteps; s++) {
    const first = c.stepStart[s]!
    const n = c.stepStart[s + 1]! - first
    const ref = c.refVariant[s]!
    if (ref !== NO_REF_VARIANT && ref >= n)
      v.problem(
        file,
        `step ${formatStepId(p.path, s)}: the reference tile is variant ${hex3(ref)}, the step has ${n} variants`,
      )
    for (let i = first; i < first + n; i++) {
      const span = c.span[i]!
      if (span < 1 || s + span > c.nSteps)
        v.problem(
          file,
          `${formatTileId({ path: p.path, version: 0, step: s, variant: i - first })} has span ${span}, expected 1..${c.nSteps - s}`,
        )
    }
  }
  return c
}

/**
 * Read the SGLF of a path and check every line against the counts file: one line per variant, in
 * step and variant order, spans equal, md5 column = md5 of the sequence, only a/c/g/t. Returns the
 * md5s and the recomputed path version.
 */
async function checkSglf(
  v: Verifier,
  p: ManifestPath,
  c: LoadedCounts,
): Promise<{ info: SglfPathInfo; version: string } | undefined> {
  const file = storeFiles.sglf(p.path)
  if (v.absent.has(file)) return undefined
  const info: SglfPathInfo = { md5: new Array(c.nVariants), line: new Uint32Array(c.nVariants) }
  const hasher = new PathVersionHasher()
  let expected = 0
  let lines = 0
  try {
    for await (const t of readSglfTiles(v.store.file(file), { signal: v.opts.signal })) {
      lines++
      const id = formatTileId({ ...t })
      const place = { line: t.line }
      hasher.add(t)
      const md5 = md5Hex(t.seq)
      if (md5 !== t.md5)
        v.problem(file, `${id}: md5 of the sequence is ${md5}, the line says ${t.md5}`, place)
      const bad = /[^acgt]/.exec(t.seq)
      if (bad)
        v.problem(
          file,
          `${id}: sequence holds '${bad[0]}' at position ${bad.index} (only a, c, g, t)`,
          place,
        )
      if (t.path !== p.path || t.version !== 0) {
        v.problem(file, `${id}: expected path ${formatPath(p.path)} version 00`, place)
        continue
      }
      const n = t.step < c.nSteps ? c.stepStart[t.step + 1]! - c.stepStart[t.step]! : 0
      if (t.variant >= n) {
        v.problem(
          file,
          `${id}: the counts file has ${n} variants at step ${formatStepId(p.path, t.step)}`,
          place,
        )
        continue
      }
      const i = c.stepStart[t.step]! + t.variant
      if (i !== expected) {
        const want = stepVariantOf(c, expected)
        v.problem(
          file,
          want
            ? `${id}: out of order, expected ${formatTileId({ path: p.path, version: 0, step: want[0], variant: want[1] })} here`
            : `${id}: out of order, every variant of the path was already listed`,
          place,
        )
      }
      expected = i + 1
      if (info.md5[i] !== undefined) {
        v.problem(file, `${id}: listed again (first on line ${info.line[i]})`, place)
        continue
      }
      info.md5[i] = t.md5
      info.line[i] = t.line
      if (c.span[i] !== t.span)
        v.problem(file, `${id}: span ${t.span}, the counts file says ${c.span[i]}`, place)
    }
  } catch (err) {
    v.caught(file, err)
    return undefined
  }
  let unlisted = 0
  for (let i = 0; i < c.nVariants; i++)
    if (info.md5[i] === undefined) {
      const [s, k] = stepVariantOf(c, i)!
      if (unlisted++ < 3)
        v.problem(
          file,
          `no line for ${formatTileId({ path: p.path, version: 0, step: s, variant: k })} (the counts file lists it)`,
        )
    }
  if (unlisted > 3) v.problem(file, `${unlisted} variants of the counts file have no line in all`)
  if (lines !== p.variants)
    v.problem(
      file,
      `${lines} lines, manifest.json says path ${formatPath(p.path)} has ${p.variants} variants`,
    )
  return { info, version: hasher.digest() }
}

/** Step and variant of the variant with index `i` in a counts file (binary search). */
function stepVariantOf(c: LoadedCounts, i: number): [number, number] | undefined {
  if (i >= c.nVariants) return undefined
  let lo = 0
  let hi = c.nSteps - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (c.stepStart[mid]! <= i) lo = mid
    else hi = mid - 1
  }
  return [lo, i - c.stepStart[lo]!]
}

/**
 * Read every member of a path's 2bit-tar (in windows of consecutive members, so every BGZF block
 * holding them is inflated and CRC-checked once), and check each against its `.tai` entry, the
 * counts file and the SGLF: one member per step named PPPP.00.SSSS.2bit, its ustar header, the
 * sequence names PPPP.00.SSSS.VVV in variant order, and the md5 of every sequence. Returns the
 * path version recomputed from the tar sequences.
 */
async function checkTar(
  v: Verifier,
  p: ManifestPath,
  c: LoadedCounts,
  sglf: SglfPathInfo | undefined,
  tags: string[] | undefined,
  onStep: (done: number) => void,
): Promise<string | undefined> {
  const file = storeFiles.libraryTar(p.path)
  const taiFile = storeFiles.libraryTai(p.path)
  if ([file, taiFile, storeFiles.libraryGzi(p.path)].some((f) => v.absent.has(f))) return undefined
  const signal = v.opts.signal
  const tar = v.store.library(p.path)
  let index: TarIndex
  try {
    index = await tar.index({ signal })
  } catch (err) {
    v.caught(taiFile, err)
    return undefined
  }
  const hasher = new PathVersionHasher()
  let complete = true
  // the members in step order, as the .tai must list them
  const entries: { step: number; offset: number; size: number }[] = []
  for (let s = 0; s < c.nSteps; s++) {
    const name = `${formatStepId(p.path, s)}.2bit`
    const e = index.get(name)
    if (!e) {
      v.problem(taiFile, `no member ${name} (step ${s} of ${c.nSteps})`)
      complete = false
    } else entries.push({ step: s, offset: e.offset, size: e.size })
  }
  if (index.length !== entries.length)
    v.problem(taiFile, `${index.length} members, expected one per step (${c.nSteps})`)
  for (let i = 1; i < entries.length; i++)
    if (entries[i]!.offset < entries[i - 1]!.offset + entries[i - 1]!.size + 512) {
      v.problem(
        taiFile,
        `member of step ${formatStepId(p.path, entries[i]!.step)} at ${entries[i]!.offset} overlaps the one before`,
        { line: i + 1 },
      )
      return undefined
    }

  let at = 0
  let done = 0
  while (at < entries.length) {
    checkAbort(signal)
    // a window from the previous member's end (or 0) over as many members as fit
    const from = at === 0 ? 0 : entries[at - 1]!.offset + entries[at - 1]!.size
    let to = at + 1
    while (to < entries.length && entries[to]!.offset + entries[to]!.size - from <= TAR_WINDOW) to++
    const last = entries[to - 1]!
    let bytes: Uint8Array
    try {
      bytes = await tar.bgzf.read(last.offset + last.size - from, from, { signal })
    } catch (err) {
      v.caught(file, err)
      complete = false
      // skip the members of this window, try the next
      at = to
      continue
    }
    for (let k = at; k < to; k++) {
      const e = entries[k]!
      const name = `${formatStepId(p.path, e.step)}.2bit`
      const where = `member ${name} (data at uncompressed offset ${e.offset})`
      const header = parseUstarHeader(bytes.subarray(e.offset - 512 - from, e.offset - from))
      if (!header || header.name !== name || header.size !== e.size)
        v.problem(
          file,
          `${where}: the tar header before it is ${header ? `'${header.name}' of ${header.size} bytes` : 'not a ustar header (or its checksum is wrong)'}, the .tai says '${name}' of ${e.size} bytes`,
        )
      const first = c.stepStart[e.step]!
      const n = c.stepStart[e.step + 1]! - first
      let records
      try {
        records = parseTwoBit(
          bytes.subarray(e.offset - from, e.offset - from + e.size),
          `${file} member ${name}`,
          {
            lowercase: true,
          },
        )
      } catch (err) {
        v.caught(file, err)
        complete = false
        continue
      }
      if (records.length !== n)
        v.problem(
          file,
          `${where}: ${records.length} sequences, the counts file has ${n} variants at this step`,
        )
      records.forEach((r, j) => {
        const id = formatTileId({ path: p.path, version: 0, step: e.step, variant: j })
        if (r.name !== id)
          v.problem(file, `${where}: sequence ${j} is named '${r.name}', expected '${id}'`)
        if (j >= n) return
        const span = c.span[first + j]!
        const startTag = tags?.[e.step - 1]
        const endTag = tags?.[e.step + span - 1]
        if (startTag !== undefined && !r.sequence.startsWith(startTag))
          v.problem(
            file,
            `${where}: ${id} does not start with tag ${e.step - 1} of ${storeFiles.tagset} (${startTag})`,
          )
        if (endTag !== undefined && !r.sequence.endsWith(endTag))
          v.problem(
            file,
            `${where}: ${id}+${span.toString(16)} does not end with tag ${e.step + span - 1} of ${storeFiles.tagset} (${endTag})`,
          )
        const md5 = md5Hex(r.sequence)
        hasher.add({
          path: p.path,
          version: 0,
          step: e.step,
          variant: j,
          span: c.span[first + j]!,
          md5,
          seq: r.sequence,
        })
        v.checked.tiles++
        const want = sglf?.md5[first + j]
        if (want !== undefined && want !== md5)
          v.problem(
            file,
            `${where}: ${id} has md5 ${md5}, ${storeFiles.sglf(p.path)} line ${sglf!.line[first + j]} says ${want}`,
          )
      })
      if (records.length < n) complete = false
      onStep(++done)
    }
    at = to
  }
  return complete ? hasher.digest() : undefined
}

/** The tags of each path: one fewer than its steps. Returns the tags of the paths that agree. */
async function checkTagset(v: Verifier, m: StoreManifest): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>()
  const file = storeFiles.tagset
  if (v.absent.has(file)) return out
  const signal = v.opts.signal
  try {
    const reader = await v.store.tagset({ signal })
    const paths = await reader.paths({ signal })
    const want = m.paths.map((p) => p.path)
    if (paths.join() !== want.join())
      v.problem(
        file,
        `holds paths ${paths.map(formatPath).join(' ')}, manifest.json lists ${want.map(formatPath).join(' ')}`,
      )
    for (const p of m.paths) {
      if (!paths.includes(p.path) || p.steps === 0) continue
      const tags = await reader.tags(p.path, { signal })
      if (tags.length !== p.steps - 1)
        v.problem(
          file,
          `path ${formatPath(p.path)} has ${tags.length} tags, expected ${p.steps - 1} (manifest.json: ${p.steps} steps)`,
        )
      else out.set(p.path, tags)
    }
  } catch (err) {
    v.caught(file, err)
  }
  return out
}

/** Each path's block: build and chromosome, last step, and the reference interval it covers. */
async function checkAssembly(v: Verifier, m: StoreManifest): Promise<void> {
  const file = storeFiles.assembly(m.build)
  const gzi = storeFiles.assemblyGzi(m.build)
  const fwi = storeFiles.assemblyFwi(m.build)
  if ([file, gzi, fwi].some((f) => v.absent.has(f))) return
  const signal = v.opts.signal
  try {
    const reader = await v.store.assembly(m.build, { signal })
    const infos = await reader.paths({ signal })
    const got = infos.map((i) => i.path)
    const want = m.paths.map((p) => p.path)
    if (got.join() !== want.join())
      v.problem(
        fwi,
        `lists paths ${got.map(formatPath).join(' ')}, manifest.json lists ${want.map(formatPath).join(' ')}`,
      )
    for (const p of m.paths) {
      const info = infos.find((i) => i.path === p.path)
      if (!info || p.steps === 0) continue
      const id = formatPath(p.path)
      if (info.build !== m.build || info.chrom !== p.chrom)
        v.problem(fwi, `path ${id} is '${info.name}', expected '${m.build}:${p.chrom}:${id}'`)
      const tiles = await reader.pathTiles(p.path, { signal })
      const first = tiles[0]
      const last = tiles[tiles.length - 1]
      if (!first || !last) {
        v.problem(file, `path ${id} has no steps, manifest.json says ${p.steps}`, {
          offset: info.offset,
        })
        continue
      }
      if (last.step + last.span !== p.steps)
        v.problem(
          file,
          `path ${id} ends at step ${formatPath(last.step + last.span - 1)}, expected ${formatPath(p.steps - 1)} (manifest.json: ${p.steps} steps)`,
          { offset: info.offset },
        )
      if (first.start !== p.start || last.end !== p.end)
        v.problem(
          file,
          `path ${id} covers ${p.chrom}:[${first.start}, ${last.end}), manifest.json says [${p.start}, ${p.end})`,
          { offset: info.offset },
        )
    }
  } catch (err) {
    v.caught(file, err)
  }
}

/** Every entry of the span file is a variant with that span ≠ 1, and every such variant is listed. */
async function checkSpanFile(
  v: Verifier,
  m: StoreManifest,
  counts: Map<number, LoadedCounts>,
): Promise<void> {
  const paths = new Set(m.paths.map((p) => p.path))
  const file = storeFiles.span
  if (v.absent.has(file)) return
  const seen = new Map<number, Uint8Array>()
  for (const [path, c] of counts) seen.set(path, new Uint8Array(c.nVariants))
  try {
    let line = 0
    for await (const e of readSpans(v.store.file(file), { signal: v.opts.signal })) {
      line++
      const id = formatTileId({
        path: e.path,
        version: e.version,
        step: e.step,
        variant: e.variant,
      })
      const c = counts.get(e.path)
      // a path whose counts file is unusable was reported already
      if (!c && paths.has(e.path)) continue
      const n = c && e.step < c.nSteps ? c.stepStart[e.step + 1]! - c.stepStart[e.step]! : 0
      if (!c || e.version !== 0 || e.variant >= n) {
        v.problem(file, `${id} is not a variant of the library`, { line })
        continue
      }
      const i = c.stepStart[e.step]! + e.variant
      seen.get(e.path)![i] = 1
      if (c.span[i] !== e.span)
        v.problem(file, `${id} has span ${e.span}, the counts file says ${c.span[i]}`, { line })
    }
  } catch (err) {
    v.caught(file, err)
    return
  }
  for (const [path, c] of counts) {
    const s = seen.get(path)!
    for (let i = 0; i < c.nVariants; i++)
      if (!s[i] && c.span[i] !== 1) {
        const [step, k] = stepVariantOf(c, i)!
        v.problem(
          file,
          `no line for ${formatTileId({ path, version: 0, step, variant: k })} (span ${c.span[i]} in the counts file)`,
        )
      }
  }
}

/**
 * One allele of a decoded path against the library: every variant exists at its step, the steps a
 * spanning tile covers are -1 and only those; tallies the haplotypes per variant.
 */
function checkAllele(
  v: Verifier,
  file: string,
  variants: Int32Array,
  allele: string,
  p: ManifestPath,
  c: LoadedCounts,
  tally: Uint32Array,
): void {
  let coveredTo = 0
  let anchor = -1
  for (let s = 0; s < variants.length; s++) {
    const x = variants[s]!
    const step = formatStepId(p.path, s)
    if (x === -1) {
      if (s >= coveredTo)
        v.problem(
          file,
          `path ${formatPath(p.path)} allele ${allele}: step ${step} is a non-anchor step (-1) that no spanning tile covers`,
        )
      continue
    }
    if (s < coveredTo)
      v.problem(
        file,
        `path ${formatPath(p.path)} allele ${allele}: step ${step} holds variant ${hex3(x)} inside the spanning tile anchored at ${formatStepId(p.path, anchor)}`,
      )
    const first = c.stepStart[s]!
    const n = c.stepStart[s + 1]! - first
    if (x < 0 || x >= n) {
      v.problem(
        file,
        `path ${formatPath(p.path)} allele ${allele}: step ${step} holds variant ${hex3(x)}, the library has ${n} there`,
      )
      coveredTo = s + 1
      continue
    }
    tally[first + x]!++
    anchor = s
    coveredTo = s + c.span[first + x]!
  }
  if (coveredTo > variants.length)
    v.problem(
      file,
      `path ${formatPath(p.path)} allele ${allele}: the last tile runs past step ${formatStepId(p.path, variants.length - 1)}`,
    )
}

/** Every CGF: header, library version, path set and steps, every path decoded and checked. */
async function checkGenomes(
  v: Verifier,
  m: StoreManifest,
  counts: Map<number, LoadedCounts>,
): Promise<void> {
  const tallies = new Map<number, Uint32Array>()
  for (const [path, c] of counts) tallies.set(path, new Uint32Array(c.nVariants))
  let allRead = true
  const want = m.paths.map((p) => formatPath(p.path)).join(' ')
  for (const [k, s] of m.samples.entries()) {
    checkAbort(v.opts.signal)
    v.report('checking genomes', k, m.samples.length)
    const cgf = s.cgf
    if (cgf === undefined || v.absent.has(cgf)) {
      allRead = false
      continue
    }
    const reader = v.store.cgf(s)
    try {
      const header = await reader.getHeader({ signal: v.opts.signal })
      if (header.libraryVersion !== m.libraryVersion)
        v.problem(
          cgf,
          `LibraryVersion is '${header.libraryVersion}', manifest.json says '${m.libraryVersion}'`,
        )
      const entries = await reader.getPaths({ signal: v.opts.signal })
      const got = entries.map((e) => formatPath(e.path)).join(' ')
      if (got !== want)
        v.problem(cgf, `holds paths ${got || '(none)'}, manifest.json lists ${want}`)
      for (const p of m.paths) {
        const e = entries.find((x) => x.path === p.path)
        if (!e) {
          allRead = false
          continue
        }
        if (e.steps !== p.steps)
          v.problem(
            cgf,
            `path ${formatPath(p.path)} has NTileStep ${e.steps}, manifest.json says ${p.steps}`,
            { offset: e.offset },
          )
        const c = counts.get(p.path)
        let d: DecodedPath
        try {
          d = await reader.decodePath(p.path, { signal: v.opts.signal })
        } catch (err) {
          v.caught(cgf, err)
          allRead = false
          continue
        }
        if (!c || c.nSteps !== d.n) {
          allRead = false
          continue
        }
        const tally = tallies.get(p.path)!
        checkAllele(v, cgf, d.variantsA, 'A', p, c, tally)
        checkAllele(v, cgf, d.variantsB, 'B', p, c, tally)
      }
      if (!m.genotypes) v.checked.samples++
    } catch (err) {
      v.caught(cgf, err)
      allRead = false
    }
  }
  v.report('checking genomes', m.samples.length, m.samples.length)
  // The counts are the haplotypes of the cohort: they add up only when every genome was read.
  if (allRead) compareTallies(v, m, counts, tallies, 'genomes')
}

/** Every path's counts against the haplotypes tallied from the genotypes (`from` names them). */
function compareTallies(
  v: Verifier,
  m: StoreManifest,
  counts: Map<number, LoadedCounts>,
  tallies: Map<number, Uint32Array>,
  from: string,
): void {
  for (const [path, c] of counts) {
    const tally = tallies.get(path)!
    const file = storeFiles.libraryCounts(path)
    for (let i = 0; i < c.nVariants; i++)
      if (tally[i] !== c.count[i]) {
        const [step, k] = stepVariantOf(c, i)!
        v.problem(
          file,
          `${formatTileId({ path, version: 0, step, variant: k })}: count ${c.count[i]}, the ${m.samples.length} ${from} carry it on ${tally[i]} haplotypes`,
        )
      }
  }
}

/**
 * Every path's cohort matrix: it decodes, its shape is the path's steps × the samples'
 * haplotypes, every haplotype's variants exist in the library with spanning tiles covering
 * exactly their -1 steps, and the haplotypes carrying each variant add up to the counts file.
 */
async function checkMatrices(
  v: Verifier,
  m: StoreManifest,
  counts: Map<number, LoadedCounts>,
): Promise<void> {
  const tallies = new Map<number, Uint32Array>()
  let allRead = true
  const sig = { signal: v.opts.signal }
  const nHaps = 2 * m.samples.length
  const segments = m.genotypes?.segments.length ?? 0
  for (const [k, p] of m.paths.entries()) {
    v.report('checking genotypes', k, m.paths.length)
    const file = storeFiles.genotypes(p.path)
    const c = counts.get(p.path)
    const files = Array.from({ length: segments }, (_, g) => storeFiles.genotypes(p.path, g))
    if (!c || files.some((f) => v.absent.has(f))) {
      allRead = false
      continue
    }
    const tally = new Uint32Array(c.nVariants)
    tallies.set(p.path, tally)
    try {
      const matrix = await v.store.matrix(p.path, sig)
      const info = await matrix.info(sig)
      if (info.path !== p.path || info.rows !== p.steps || info.haplotypes !== nHaps) {
        v.problem(
          file,
          `path ${formatPath(info.path)}, ${info.rows} rows × ${info.haplotypes} haplotypes; manifest.json says path ${formatPath(p.path)}, ${p.steps} steps × ${nHaps}`,
        )
        allRead = false
        continue
      }
      const allele = (h: number) => `sample ${m.samples[h >> 1]!.name} allele ${'AB'[h & 1]}`
      // per haplotype: the step its last tile covers to, and that tile's anchor
      const coveredTo = new Int32Array(nHaps)
      const anchor = new Int32Array(nHaps).fill(-1)
      for await (const slice of matrix.slices({ ...sig, reuse: true })) {
        checkAbort(v.opts.signal)
        for (let r = 0; r < slice.rows; r++) {
          const s = slice.start + r
          const first = c.stepStart[s]!
          const n = c.stepStart[s + 1]! - first
          const step = formatStepId(p.path, s)
          for (let h = 0; h < nHaps; h++) {
            const x = slice.values[r * nHaps + h]!
            if (x === -1) {
              if (s >= coveredTo[h]!)
                v.problem(
                  file,
                  `${allele(h)}: step ${step} is a non-anchor step (-1) that no spanning tile covers`,
                )
              continue
            }
            if (s < coveredTo[h]!)
              v.problem(
                file,
                `${allele(h)}: step ${step} holds variant ${hex3(x)} inside the spanning tile anchored at ${formatStepId(p.path, anchor[h]!)}`,
              )
            if (x < 0 || x >= n) {
              v.problem(
                file,
                `${allele(h)}: step ${step} holds variant ${hex3(x)}, the library has ${n} there`,
              )
              coveredTo[h] = s + 1
              continue
            }
            tally[first + x]!++
            anchor[h] = s
            coveredTo[h] = s + c.span[first + x]!
          }
        }
      }
      for (let h = 0; h < nHaps; h++)
        if (coveredTo[h]! > p.steps)
          v.problem(
            file,
            `${allele(h)}: the last tile runs past step ${formatStepId(p.path, p.steps - 1)}`,
          )
    } catch (err) {
      v.caught(file, err)
      allRead = false
    }
  }
  v.report('checking genotypes', m.paths.length, m.paths.length)
  if (allRead) v.checked.samples = m.samples.length
  if (allRead) compareTallies(v, m, counts, tallies, 'genomes of the cohort matrices')
}

/** Check a store; resolves to every problem found (none: the store is intact). */
export async function verifyStore(store: Store, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const v = new Verifier(store, opts)
  const result = () => ({ problems: v.problems, suppressed: v.suppressed, checked: v.checked })
  const m = await loadManifest(v)
  if (!m) return result()
  await checkFilesExist(v, m)
  await checkHashesAndSkipped(v, m)

  const tags = await checkTagset(v, m)
  const counts = new Map<number, LoadedCounts>()
  const versions = new Map<number, string>()
  const totalSteps = m.paths.reduce((a, p) => a + p.steps, 0)
  let stepsDone = 0
  for (const p of m.paths) {
    checkAbort(opts.signal)
    const c = await checkCounts(v, p)
    v.checked.paths++
    if (!c) continue
    counts.set(p.path, c)
    v.checked.steps += c.nSteps
    const sglf = await checkSglf(v, p, c)
    const base = stepsDone
    const tarVersion = await checkTar(v, p, c, sglf?.info, tags.get(p.path), (done) =>
      v.report('checking library', base + done, totalSteps),
    )
    stepsDone += p.steps
    // The SGLF is optional; without it the version comes from the tar's sequences.
    const version = sglf?.version ?? tarVersion
    const id = formatPath(p.path)
    if (version !== undefined) {
      versions.set(p.path, version)
      if (version !== p.version)
        v.problem(
          storeFiles.manifest,
          `path ${id} has version ${p.version}, the ${sglf ? 'SGLF' : 'library tar'} gives ${version}`,
        )
    }
    if (sglf && tarVersion !== undefined && tarVersion !== sglf.version)
      v.problem(
        storeFiles.libraryTar(p.path),
        `path version from the tar is ${tarVersion}, from the SGLF ${sglf.version}`,
      )
  }
  const fromManifest = libraryVersion(m.paths.map((p) => [p.path, p.version] as [number, string]))
  if (fromManifest !== m.libraryVersion)
    v.problem(
      storeFiles.manifest,
      `libraryVersion is ${m.libraryVersion}, its path versions give ${fromManifest}`,
    )
  if (versions.size === m.paths.length) {
    const recomputed = libraryVersion(versions)
    if (recomputed !== m.libraryVersion && fromManifest === m.libraryVersion)
      v.problem(
        storeFiles.manifest,
        `libraryVersion is ${m.libraryVersion}, the library gives ${recomputed}`,
      )
  }

  await checkSpanFile(v, m, counts)
  await checkAssembly(v, m)
  if (m.genotypes) await checkMatrices(v, m, counts)
  // CGFs: the genotypes of a store without matrices, an export (`build --cgf`) beside them
  if (m.samples.some((s) => s.cgf !== undefined)) await checkGenomes(v, m, counts)
  return result()
}
