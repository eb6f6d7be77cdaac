// Input and output of the l7g toolbox commands: a file or standard input (plain, gzip or BGZF,
// detected by the readers), and standard output or `-o FILE` written atomically (BGZF + .gzi for a
// `.gz` name, as the l7g tools write their text files).
import type { GenericFilehandle } from 'generic-filehandle2'
import { writeFileAtomic } from '../../core/atomicWrite.js'
import { ArgumentError } from '../../core/errors.js'
import type { NamedFile } from '../../core/filehandle.js'
import { openFile } from '../../core/nodeFile.js'
import { write } from '../io.js'

/** Bytes of standard input kept for a reader that looks at the start, then reads from it again. */
const HEAD = 1 << 16

/**
 * Standard input as a handle the streaming readers take: they read it front to back in ranged
 * reads, which this serves in order from the stream. Only the first 64 KiB are kept, so that a
 * reader may look at the start (a signature) and then read from the start again.
 */
class StdinHandle implements GenericFilehandle {
  private pending = Buffer.alloc(0)
  private head = Buffer.alloc(0)
  private position = 0
  private ended = false
  private readonly chunks = process.stdin[Symbol.asyncIterator]()

  async read(length: number, position: number): Promise<Uint8Array<ArrayBuffer>> {
    const rewind = position < this.position
    if (position > this.position || (rewind && this.head.length < this.position))
      throw new ArgumentError('standard input can only be read once, front to back')
    const kept = rewind ? this.head.subarray(position, this.position) : Buffer.alloc(0)
    if (kept.length >= length) return Uint8Array.from(kept.subarray(0, length))
    const want = length - kept.length
    while (this.pending.length < want && !this.ended) {
      const next = await this.chunks.next()
      if (next.done) this.ended = true
      else this.pending = Buffer.concat([this.pending, next.value as Buffer])
    }
    const fresh = this.pending.subarray(0, want)
    this.pending = this.pending.subarray(fresh.length)
    if (this.head.length === this.position && this.position < HEAD)
      this.head = Buffer.concat([this.head, fresh.subarray(0, HEAD - this.position)])
    this.position += fresh.length
    return Uint8Array.from(Buffer.concat([kept, fresh]))
  }

  readFile(): Promise<Uint8Array<ArrayBuffer>>
  readFile(options: BufferEncoding | { encoding: BufferEncoding }): Promise<string>
  async readFile(
    options?: BufferEncoding | { encoding?: BufferEncoding },
  ): Promise<Uint8Array<ArrayBuffer> | string> {
    const parts: Uint8Array[] = []
    for (;;) {
      const chunk = await this.read(1 << 20, this.position)
      if (chunk.length === 0) break
      parts.push(chunk)
    }
    const all = Buffer.concat(parts)
    const encoding = typeof options === 'string' ? options : options?.encoding
    return encoding ? all.toString(encoding) : Uint8Array.from(all)
  }

  stat(): Promise<{ size: number }> {
    throw new ArgumentError('standard input has no size: give a file name')
  }

  async close(): Promise<void> {}
}

/** A file name, or standard input for none or '-'. */
export function inputFile(name: string | undefined): NamedFile {
  if (name === undefined || name === '-') return { name: 'stdin', handle: new StdinHandle() }
  return { name, handle: openFile(name) }
}

/** A file that must be seekable (indexed formats): standard input is refused. */
export function seekableFile(name: string, what: string): NamedFile {
  if (name === '-') throw new ArgumentError(`${what} must be a file, not standard input`)
  return { name, handle: openFile(name) }
}

/** The whole of a (small) input as text. */
export async function readInputText(name: string | undefined): Promise<string> {
  const file = inputFile(name)
  const { decompressedChunks } = await import('../../container/stream.js')
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of decompressedChunks(file))
    text += decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}

let pipeWatched = false

/**
 * A reader that stops early (`| head`, `| cmp`) closes standard output: end quietly with the
 * status a process killed by SIGPIPE has (128 + 13), as Unix text tools do, not with a stack trace.
 */
function watchPipe(): void {
  if (pipeWatched) return
  pipeWatched = true
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141)
    throw err
  })
}

/**
 * Send text to standard output, or to `output` through a temporary file renamed into place:
 * BGZF with a `.gzi` for a `.gz` name, plain otherwise.
 */
export async function emitText(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  output: string | undefined,
): Promise<void> {
  if (output === undefined || output === '-') {
    watchPipe()
    for await (const c of chunks) await write(c)
    return
  }
  const { compressionFor, writeTextFile } = await import('../../formats/text-writer.js')
  async function* all() {
    for await (const c of chunks) yield c
  }
  await writeTextFile(output, all(), compressionFor(output))
}

/** Binary output (CGF, 2bit): standard output, or `output` written atomically. */
export async function emitBytes(bytes: Uint8Array, output: string | undefined): Promise<void> {
  if (output === undefined || output === '-') {
    watchPipe()
    await write(bytes)
  } else await writeFileAtomic(output, bytes)
}
