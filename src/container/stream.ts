// Browser-safe streaming of a whole file that is plain, gzip or BGZF, in bounded memory.
// BGZF is split into blocks here and inflated block-wise: browsers' DecompressionStream rejects
// data after the first gzip member (Chromium: "Junk found after end of compressed data"), and
// BGZF is multi-member gzip. Other gzip goes through DecompressionStream, which in Node also
// reads multi-member files; in a browser only single-member gzip that is not BGZF works there.
import { concatBytes } from '../core/bytes.js'
import { ArgumentError, FormatError, checkAbort } from '../core/errors.js'
import type { AbortOptions } from '../core/errors.js'
import type { NamedFile } from '../core/filehandle.js'
import { bgzfBlockAt, inflateBgzfBlocks } from './bgzf/reader.js'
import type { BgzfBlockInfo } from './bgzf/reader.js'

export interface StreamOptions extends AbortOptions {
  /** Bytes per ranged read of the file (default 1 MiB). */
  chunkSize?: number
}

export interface LineOptions extends StreamOptions {
  /** Longest line accepted, in UTF-16 code units (default 256 Mi); a longer one is a FormatError. */
  maxLineLength?: number
}

const DEFAULT_CHUNK = 1 << 20

/** The bytes of `file` in ranged reads of `chunkSize`, until the file ends. */
async function* rawChunks(file: NamedFile, opts: StreamOptions): AsyncGenerator<Uint8Array> {
  const size = opts.chunkSize ?? DEFAULT_CHUNK
  // The first chunk must hold a whole gzip header to tell BGZF from other gzip.
  if (!Number.isSafeInteger(size) || size < 512)
    throw new ArgumentError(`chunkSize must be an integer of at least 512, got ${size}`)
  const readOpts = opts.signal ? { signal: opts.signal } : {}
  for (let pos = 0; ;) {
    checkAbort(opts.signal)
    const chunk = await file.handle.read(size, pos, readOpts)
    if (chunk.length > 0) yield chunk
    if (chunk.length < size) return
    pos += chunk.length
  }
}

function isGzip(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b
}

/** Does the gzip member at the start of `b` carry the BGZF `BC` extra subfield? */
function isBgzf(b: Uint8Array): boolean {
  if (b.length < 18 || b[2] !== 8 || (b[3]! & 4) === 0) return false
  const xlen = b[10]! | (b[11]! << 8)
  for (let p = 12; p + 4 <= 12 + xlen && p + 4 <= b.length; p += 4 + (b[p + 2]! | (b[p + 3]! << 8)))
    if (b[p] === 66 && b[p + 1] === 67) return true
  return false
}

/**
 * The uncompressed content of `file` (plain, gzip or BGZF, detected from its first bytes) as a
 * sequence of chunks. Memory stays bounded by the chunk size plus one BGZF block. A BGZF file must
 * end with the EOF block; a truncated or corrupt file raises a FormatError naming it.
 */
export async function* decompressedChunks(
  file: NamedFile,
  opts: StreamOptions = {},
): AsyncGenerator<Uint8Array> {
  const source = rawChunks(file, opts)
  const first = await source.next()
  if (first.done) return
  const head = first.value
  if (!isGzip(head)) {
    yield head
    yield* source
  } else if (isBgzf(head)) {
    yield* bgzfChunks(file.name, head, source, opts)
  } else {
    yield* gzipChunks(file.name, head, source, opts)
  }
}

async function* bgzfChunks(
  name: string,
  head: Uint8Array,
  rest: AsyncIterable<Uint8Array>,
  opts: AbortOptions,
): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(0)
  // File offset of pending[0].
  let base = 0
  let lastWasEmpty = false
  const take = async function* (chunk: Uint8Array) {
    const buf = pending.length ? concatBytes([pending, chunk]) : chunk
    const blocks: BgzfBlockInfo[] = []
    let at = 0
    for (let b = bgzfBlockAt(buf, 0, name, base); b; b = bgzfBlockAt(buf, at, name, base)) {
      blocks.push(b)
      at += b.size
      lastWasEmpty = b.dataSize === 0
      if (at === buf.length) break
    }
    if (blocks.length) {
      const data = await inflateBgzfBlocks(buf, blocks, name, base)
      checkAbort(opts.signal)
      if (data.length) yield data
    }
    // Copy the partial block so the chunk it came from can be freed.
    pending = buf.slice(at)
    base += at
  }
  yield* take(head)
  for await (const chunk of rest) yield* take(chunk)
  if (pending.length) {
    throw new FormatError(`truncated BGZF: the file ends ${pending.length} bytes into a block`, {
      file: name,
      offset: base,
    })
  }
  if (!lastWasEmpty) {
    throw new FormatError('BGZF file has no EOF block: it is probably truncated', {
      file: name,
      offset: base,
    })
  }
}

async function* gzipChunks(
  name: string,
  head: Uint8Array,
  rest: AsyncIterator<Uint8Array>,
  opts: AbortOptions,
): AsyncGenerator<Uint8Array> {
  let sentHead = false
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true
        controller.enqueue(head)
        return
      }
      try {
        const next = await rest.next()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      } catch (err) {
        controller.error(err)
      }
    },
  })
  const reader = input
    .pipeThrough(new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>)
    .getReader()
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (err) {
        if (err instanceof FormatError || (err as Error).name === 'AbortError') throw err
        // Node's zlib says so when the input ends inside the deflate data or before the trailer
        if ((err as { code?: unknown }).code === 'Z_BUF_ERROR')
          throw new FormatError('truncated gzip: the file ends inside the compressed data', {
            file: name,
          })
        throw new FormatError(
          `gzip data is corrupt, truncated or (in a browser) has more than one member: ${(err as Error).message}`,
          { file: name },
        )
      }
      if (next.done) return
      checkAbort(opts.signal)
      yield next.value
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

/** Size of the empty block that ends every BGZF file (SAM spec §4.1.2). */
const BGZF_EOF_SIZE = 28

/**
 * FormatError unless the BGZF `file` ends with the empty EOF block. For files read by index rather
 * than streamed to the end (an indexed reference): one cut at a block boundary reads as complete.
 */
export async function checkBgzfEof(file: NamedFile, opts: AbortOptions = {}): Promise<void> {
  const readOpts = opts.signal ? { signal: opts.signal } : {}
  const { size } = await file.handle.stat()
  const at = Math.max(0, size - BGZF_EOF_SIZE)
  const tail = await file.handle.read(size - at, at, readOpts)
  let eof = false
  try {
    const b = bgzfBlockAt(tail, 0, file.name, at)
    eof = b !== undefined && b.size === BGZF_EOF_SIZE && b.dataSize === 0
  } catch (err) {
    if (!(err instanceof FormatError)) throw err
  }
  if (!eof)
    throw new FormatError('BGZF file has no EOF block: it is probably truncated', {
      file: file.name,
      offset: size,
    })
}

/**
 * The lines of `file` (plain, gzip or BGZF) as UTF-8 text without their `\n` or `\r\n`, with
 * 1-based line numbers. A last line without a newline is returned too; an empty file has no lines.
 */
export async function* readLines(
  file: NamedFile,
  opts: LineOptions = {},
): AsyncGenerator<{ text: string; line: number }> {
  const max = opts.maxLineLength ?? 1 << 28
  const decoder = new TextDecoder()
  let carry = ''
  let line = 0
  const strip = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s)
  for await (const chunk of decompressedChunks(file, opts)) {
    const text = carry + decoder.decode(chunk, { stream: true })
    let from = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      line++
      yield { text: strip(text.slice(from, nl)), line }
      from = nl + 1
    }
    carry = text.slice(from)
    if (carry.length > max) {
      throw new FormatError(`line longer than ${max} characters`, {
        file: file.name,
        line: line + 1,
      })
    }
  }
  carry += decoder.decode()
  if (carry.length) yield { text: strip(carry), line: line + 1 }
}
