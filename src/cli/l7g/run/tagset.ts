// lightning-tiles tagset convert|tags|info: the three tagset forms of spec §2.1 and the tag lookup
// of §2.2.
import { ArgumentError } from '../../../core/errors.js'
import { formatPath } from '../../../core/tileId.js'
import { TagsetReader } from '../../../formats/tagset/reader.js'
import { encodeTagset2bit } from '../../../formats/tagset/writer.js'
import { emitBytes, emitText, inputFile, seekableFile } from '../io.js'

export type TagsetOutForm = '2bit' | 'fasta' | 'text'

/** The form an output name asks for: `.2bit`, a FASTA name, anything else one tag per line. */
export function formFor(output: string | undefined, form: string | undefined): TagsetOutForm {
  if (form !== undefined) {
    if (form !== '2bit' && form !== 'fasta' && form !== 'text')
      throw new ArgumentError(`--form must be 2bit, fasta or text, got '${form}'`)
    return form
  }
  if (output?.endsWith('.2bit')) return '2bit'
  if (output && /\.(fa|fasta)(\.gz)?$/.test(output)) return 'fasta'
  return 'text'
}

function reader(input: string, path: number | undefined): TagsetReader {
  // a 2bit tagset is read by ranged reads; the text forms may come on standard input
  const file = input === '-' ? inputFile(input) : seekableFile(input, 'the tagset')
  return new TagsetReader(file, { path })
}

/** Convert between tagset.2bit, a FASTA tag library (`>PPPP.00`, one tag per line) and a tag list. */
export async function convert(
  input: string,
  output: string | undefined,
  form: TagsetOutForm,
  path: number | undefined,
): Promise<void> {
  const r = reader(input, path)
  const paths = await r.paths()
  const wanted = path === undefined ? paths : paths.filter((p) => p === path)
  if (path !== undefined && wanted.length === 0)
    throw new ArgumentError(`${input} holds no tags for path ${formatPath(path)}`)
  if (form === '2bit') {
    const tags = new Map<number, string[]>()
    for (const p of wanted) tags.set(p, await r.tags(p))
    await emitBytes(encodeTagset2bit(tags), output)
    return
  }
  if (form === 'text' && wanted.length !== 1)
    throw new ArgumentError(
      `a one-tag-per-line list holds one path; ${input} has ${wanted.length}: choose one with --path`,
    )
  async function* text() {
    for (const p of wanted) {
      if (form === 'fasta') yield `>${formatPath(p)}.00\n`
      const tags = await r.tags(p)
      if (tags.length) yield `${tags.join('\n')}\n`
    }
  }
  await emitText(text(), output)
}

/** The tags of a path, or (with a step) the start and end tag of a tile. */
export async function tags(
  input: string,
  path: number,
  step: number | undefined,
  span: number,
): Promise<string> {
  const r = reader(input, path)
  if (step === undefined) return `${(await r.tags(path)).join('\n')}\n`
  const t = await r.tileTags(path, step, span)
  return `startTag\t${t.startTag}\nendTag\t${t.endTag}\n`
}

/** Form, tag length and the number of tags (steps − 1) of every path. */
export async function info(input: string): Promise<string> {
  const r = reader(input, undefined)
  const lines = [
    `form\t${await r.form()}`,
    `tagLength\t${await r.tagLength()}`,
    '#path\ttags\tsteps',
  ]
  for (const p of await r.paths()) {
    const n = await r.tagCount(p)
    lines.push(`${formatPath(p)}\t${n}\t${n + 1}`)
  }
  return `${lines.join('\n')}\n`
}
