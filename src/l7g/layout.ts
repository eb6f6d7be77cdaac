// Node-only: the files of an l7g dataset directory, as the upstream pipeline lays them out and as
// export-l7g writes them:
//
//   tagset.2bit | tagset.fa[.gz] | PPPP.tagset …        the tags (spec §2.1, any form)
//   assembly.00.BUILD.fw.gz (+ .gzi, .fw.fwi or .fw.gz.fwi)   the assembly (§6)
//   sglf/PPPP.sglf.gz (or PPPP.sglf[.gz] at the top)     the library as SGLF (§7) …
//   library/PPPP.tar.gz (+ .gzi, PPPP.tar.tai), library/span.gz   … and/or as 2bit tar (§5.3)
//   cgf/SAMPLE.cgf3 (or SAMPLE.cgf3 at the top)          genomes as CGF (§10) …
//   fastj/SAMPLE/PPPP.fj[.gz]                            … or as FastJ (§8)
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ArgumentError } from '../core/errors.js'

export interface L7gLayout {
  dir: string
  tagset: { kind: 'file'; file: string } | { kind: 'lists'; files: Map<number, string> }
  assembly: { gz: string; gzi: string | undefined; fwi: string | undefined; build: string }
  /** SGLF per path */
  sglf: Map<number, string>
  /** 2bit tar per path, and the span file */
  tars: Map<number, string>
  span: string | undefined
  /** CGF per sample */
  cgf: Map<string, string>
  /** FastJ per sample, per path */
  fastj: Map<string, Map<number, string>>
}

/** What export-l7g writes, relative to the dataset directory. */
export const l7gFiles = {
  tagset: 'tagset.2bit',
  assembly: (build: string) => `assembly.00.${build}.fw.gz`,
  sglf: (path: string) => `sglf/${path}.sglf.gz`,
  libraryDir: 'library',
  span: 'library/span.gz',
  cgf: (sample: string) => `cgf/${encodeURIComponent(sample)}.cgf3`,
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

const PPPP = '([0-9a-f]{4})'

function byPath(dir: string, names: string[], re: RegExp, into: Map<number, string>): void {
  for (const n of names) {
    const m = re.exec(n)
    if (!m) continue
    const path = parseInt(m[1]!, 16)
    if (into.has(path))
      throw new ArgumentError(`${dir}: path ${m[1]} has two files: ${into.get(path)} and ${n}`)
    into.set(path, join(dir, n))
  }
}

/** Find the dataset's files; ArgumentError naming what is missing or ambiguous. */
export async function findL7gLayout(dir: string): Promise<L7gLayout> {
  const top = await list(dir)
  if (top.length === 0) throw new ArgumentError(`${dir} is not a directory holding an l7g dataset`)
  const at = (n: string) => join(dir, n)

  const tagsetFile = ['tagset.2bit', 'tagset.fa.gz', 'tagset.fa'].find((n) => top.includes(n))
  const lists = new Map<number, string>()
  byPath(dir, top, new RegExp(`^${PPPP}\\.tagset(\\.gz)?$`), lists)
  if (!tagsetFile && lists.size === 0)
    throw new ArgumentError(
      `${dir} has no tagset: expected tagset.2bit, tagset.fa[.gz] or PPPP.tagset files`,
    )

  const asm = top.filter((n) => /^assembly\.\d\d\.[\w.-]+\.fw\.gz$/.test(n))
  if (asm.length !== 1)
    throw new ArgumentError(
      `${dir} must hold exactly one assembly.00.BUILD.fw.gz, found ${asm.length ? asm.join(', ') : 'none'}`,
    )
  const gz = asm[0]!
  const fwi = [`${gz}.fwi`, `${gz.replace(/\.gz$/, '')}.fwi`].find((n) => top.includes(n))
  const assembly = {
    gz: at(gz),
    gzi: top.includes(`${gz}.gzi`) ? at(`${gz}.gzi`) : undefined,
    fwi: fwi ? at(fwi) : undefined,
    build: /^assembly\.\d\d\.([\w.-]+)\.fw\.gz$/.exec(gz)![1]!,
  }

  const sglf = new Map<number, string>()
  const sglfRe = new RegExp(`^${PPPP}\\.sglf(\\.gz)?$`)
  byPath(dir, top, sglfRe, sglf)
  byPath(at('sglf'), await list(at('sglf')), sglfRe, sglf)

  const tars = new Map<number, string>()
  const libNames = await list(at('library'))
  byPath(at('library'), libNames, new RegExp(`^${PPPP}\\.tar\\.gz$`), tars)
  const spanName = ['span.gz', 'span.csv.gz'].find((n) => libNames.includes(n))
  if (tars.size > 0 && !spanName)
    throw new ArgumentError(`${at('library')} holds 2bit tars but no span.gz`)

  const cgf = new Map<string, string>()
  const cgfRe = /^(.+)\.cgf3?$/
  for (const [d, names] of [
    [dir, top],
    [at('cgf'), await list(at('cgf'))],
  ] as const)
    for (const n of names) {
      const m = cgfRe.exec(n)
      if (!m) continue
      const sample = decodeURIComponent(m[1]!)
      if (cgf.has(sample)) throw new ArgumentError(`${dir}: sample ${sample} has two CGF files`)
      cgf.set(sample, join(d, n))
    }

  const fastj = new Map<string, Map<number, string>>()
  for (const s of await list(at('fastj'))) {
    const files = new Map<number, string>()
    byPath(
      join(at('fastj'), s),
      await list(join(at('fastj'), s)),
      new RegExp(`^${PPPP}\\.fj(\\.gz)?$`),
      files,
    )
    if (files.size) fastj.set(decodeURIComponent(s), files)
  }
  if (cgf.size === 0 && fastj.size === 0)
    throw new ArgumentError(
      `${dir} has no genomes: expected cgf/SAMPLE.cgf3 or fastj/SAMPLE/PPPP.fj.gz`,
    )
  if (cgf.size > 0 && fastj.size > 0)
    throw new ArgumentError(`${dir} holds both CGF and FastJ genomes: keep one kind`)
  if (sglf.size === 0 && tars.size === 0 && cgf.size > 0)
    throw new ArgumentError(
      `${dir} has CGF genomes but no tile library (sglf/PPPP.sglf.gz or library/PPPP.tar.gz)`,
    )
  return {
    dir,
    tagset: tagsetFile ? { kind: 'file', file: at(tagsetFile) } : { kind: 'lists', files: lists },
    assembly,
    sglf,
    tars,
    span:
      spanName && existsSync(join(at('library'), spanName))
        ? join(at('library'), spanName)
        : undefined,
    cgf,
    fastj,
  }
}
