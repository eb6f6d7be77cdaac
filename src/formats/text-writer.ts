// Node-only output helpers shared by the text-format writers: CSV rows through @fast-csv/format,
// and writing a stream of chunks as plain, gzip or BGZF text through a temporary file.
import { format } from '@fast-csv/format'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createGzip } from 'node:zlib'
import { writeBgzfFile } from '../container/bgzf/writer.js'
import { createAtomicWriteStream } from '../core/atomicWrite.js'
import { ArgumentError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'

export type Compression = 'none' | 'gzip' | 'bgzf'

/**
 * The CSV text of `rows`, one `\n`-terminated line per row. The l7g CSV formats (SGLF, span,
 * FastJ-CSV) have no quoting, and upstream readers split on ','; so quoting is switched off and a
 * field holding ',', a newline or NUL (which fast-csv would quote or drop) is refused instead.
 */
export async function* csvChunks(
  rows: Iterable<string[]> | AsyncIterable<string[]>,
  opts: AbortOptions = {},
): AsyncGenerator<Uint8Array> {
  const stream = format<string[], string[]>({ quote: false, includeEndRowDelimiter: true })
  const waitDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done)
        stream.off('close', done)
        resolve()
      }
      stream.on('drain', done)
      stream.on('close', done)
    })
  const feed = (async () => {
    try {
      for await (const row of rows) {
        checkAbort(opts.signal)
        for (const field of row)
          if (/[,\n\r\0]/.test(field))
            throw new ArgumentError(`a CSV field may not hold ',', a newline or NUL: '${field}'`)
        if (stream.destroyed) return
        if (!stream.write(row)) await waitDrain()
      }
      stream.end()
    } catch (err) {
      stream.destroy(err as Error)
    }
  })()
  try {
    for await (const chunk of stream) yield chunk as Uint8Array
  } finally {
    if (!stream.destroyed) stream.destroy()
    await feed
  }
}

/** `.gz` means BGZF (the l7g default, with a `.gzi`) unless told otherwise; anything else plain. */
export function compressionFor(path: string, gz: Compression = 'bgzf'): Compression {
  return path.endsWith('.gz') ? gz : 'none'
}

/**
 * Write `chunks` to `path` through a temporary file renamed into place: plain, single-member gzip
 * (level 9, as `gzip -9`), or BGZF with a `.gzi` beside it.
 */
export async function writeTextFile(
  path: string,
  chunks: AsyncIterable<Uint8Array | string>,
  compression: Compression,
): Promise<void> {
  if (compression === 'bgzf') {
    await writeBgzfFile(path, chunks)
    return
  }
  const out = createAtomicWriteStream(path)
  try {
    const source = Readable.from(chunks, { objectMode: false })
    if (compression === 'gzip') {
      await pipeline(source, createGzip({ level: constants.Z_BEST_COMPRESSION }), out.stream, {
        end: false,
      })
    } else {
      await pipeline(source, out.stream, { end: false })
    }
    await out.commit()
  } catch (err) {
    await out.abort()
    throw err
  }
}
