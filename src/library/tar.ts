// Browser-safe: the SGLF tiles of a 2bit-tar tile library (spec §5.3, §5.4), one member (step)
// in memory at a time.
import type { TarReader } from '../container/tar/reader.js'
import { FormatError } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { SglfTileInput } from '../formats/sglf/writer.js'
import type { SpanTable } from '../formats/span/reader.js'
import { parseTwoBit } from '../formats/twobit/reader.js'

/**
 * The SGLF tiles of one path's 2bit tar (`PPPP.tar.gz` with `.gzi` and `PPPP.tar.tai`), in tar
 * order, spans from `spans` (1 where it has none).
 */
export async function* sglfTilesOfTar(
  tar: TarReader,
  spans: SpanTable,
  opts: AbortOptions = {},
): AsyncGenerator<SglfTileInput> {
  const tarGz = tar.files.tar.name
  for await (const m of tar.members(opts)) {
    for (const r of parseTwoBit(m.data, `${tarGz}:${m.name}`, { lowercase: true })) {
      const id = /^([0-9a-f]{4})\.([0-9a-f]{2})\.([0-9a-f]{4})\.([0-9a-f]{3,})$/.exec(r.name)
      if (!id)
        throw new FormatError(`2bit sequence '${r.name}' is not named PPPP.VV.SSSS.VVV`, {
          file: `${tarGz}:${m.name}`,
        })
      const [path, version, step, variant] = id.slice(1).map((x) => parseInt(x, 16)) as [
        number,
        number,
        number,
        number,
      ]
      yield {
        path,
        version,
        step,
        variant,
        span: spans.get(path, step, variant, version),
        seq: r.sequence,
      }
    }
  }
}
