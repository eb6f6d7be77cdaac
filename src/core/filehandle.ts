import type { BufferEncoding, FilehandleOptions, GenericFilehandle } from 'generic-filehandle2'
import { RemoteFile } from 'generic-filehandle2'
import { AbortError, LightningError, NetworkError, NotFoundError, checkAbort } from './errors.js'
import type { AbortOptions } from './errors.js'

/** A file name (for error messages) with the handle that reads it. */
export interface NamedFile {
  name: string
  handle: GenericFilehandle
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** Join a store location (directory path or URL) and a relative member path. */
export function joinLocation(base: string, rel: string): string {
  return base.endsWith('/') ? base + rel : `${base}/${rel}`
}

/**
 * `length` bytes at `position` (fewer at the end of the file), as `fh.read` gives them; an abort
 * of `opts.signal` cancels the request and rejects with our AbortError (fetch's is a DOMException).
 */
export async function readAt(
  fh: GenericFilehandle,
  length: number,
  position: number,
  opts: AbortOptions = {},
): Promise<Uint8Array> {
  const { signal } = opts
  checkAbort(signal)
  let bytes: Uint8Array
  try {
    bytes = await fh.read(length, position, signal ? { signal } : {})
  } catch (err) {
    checkAbort(signal)
    throw err
  }
  checkAbort(signal)
  return bytes
}

/** Read a whole (small) file as text; `opts.signal` as for readAt. */
export async function readText(fh: GenericFilehandle, opts: AbortOptions = {}): Promise<string> {
  const { signal } = opts
  checkAbort(signal)
  try {
    return new TextDecoder().decode(await fh.readFile(signal ? { signal } : {}))
  } catch (err) {
    checkAbort(signal)
    throw err
  }
}

/** Rethrow a file system or HTTP error as a NotFoundError naming the file (ours pass through). */
export function unreadable(file: string, err: unknown): never {
  if (err instanceof LightningError || err instanceof AbortError) throw err
  throw new NotFoundError(`cannot be read (${(err as Error).message})`, { file })
}

/** Default for RemoteOptions.timeout: 30 s per request. */
export const DEFAULT_TIMEOUT_MS = 30_000

export interface RemoteOptions {
  /** Milliseconds a request (answer and body) may take before it fails (default 30 000). */
  timeout?: number | undefined
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof fetch | undefined
}

/**
 * Open a URL for range reads (browser-safe). Every request has a timeout, and every failure is a
 * NetworkError naming the URL and what failed: connection refused, DNS, TLS, an HTTP status or the
 * timeout. An abort by the caller's signal stays an abort. Local paths go through core/nodeFile.
 */
export function openRemote(url: string, opts: RemoteOptions = {}): GenericFilehandle {
  return new TimedRemoteFile(url, opts)
}

/** The first byte of a `Range: bytes=B-E` request, 0 without one. */
function rangeStart(init: RequestInit | undefined): number {
  const headers = (init?.headers ?? {}) as Record<string, string>
  const m = /^bytes=(\d+)-/.exec(headers.range ?? '')
  return m ? Number(m[1]) : 0
}

/** The errors an error wraps, outermost first (`cause` chains and AggregateError members). */
function causes(err: unknown): unknown[] {
  const out: unknown[] = []
  const todo = [err]
  while (todo.length && out.length < 16) {
    const e = todo.shift()
    if (e === undefined || e === null) continue
    out.push(e)
    if (typeof e === 'object') {
      const o = e as { cause?: unknown; errors?: unknown }
      todo.push(o.cause)
      if (Array.isArray(o.errors)) todo.push(...(o.errors as unknown[]))
    }
  }
  return out
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'])
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/**
 * What a failed fetch says about itself, as a NetworkError; undefined for an error that does not
 * come from the network (a bug, or a bad argument), which is passed on as it is. Node's fetch
 * (undici) puts the system error code in `cause`; browsers give only "Failed to fetch".
 */
function networkError(url: string, err: unknown): NetworkError | undefined {
  const chain = causes(err)
  const known = chain.find((e): e is NetworkError => e instanceof NetworkError)
  if (known) return known
  const codes = chain.map((e) => String((e as { code?: unknown }).code ?? ''))
  const messages = chain.map((e) => (e instanceof Error ? e.message : String(e)))
  const innermost = messages[messages.length - 1] ?? ''
  if (codes.includes('ECONNREFUSED')) return new NetworkError(url, 'refused', 'connection refused')
  if (codes.some((c) => DNS_CODES.has(c))) {
    const host = new URL(url).hostname
    return new NetworkError(url, 'dns', `host ${host} not found (DNS lookup failed)`)
  }
  if (
    codes.some((c) => TLS_CODE.test(c)) ||
    messages.some((m) => /\b(SSL|TLS)\b|certificate/i.test(m))
  )
    return new NetworkError(url, 'tls', `TLS failed: ${tlsReason(innermost)}`)
  if (codes.some((c) => TIMEOUT_CODES.has(c)))
    return new NetworkError(url, 'timeout', `timed out (${innermost})`)
  if (codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'EPIPE'))
    return new NetworkError(url, 'network', 'the server closed the connection')
  if (codes.some((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH'))
    return new NetworkError(url, 'network', 'host unreachable')
  if (messages.some((m) => /Failed to fetch|NetworkError when attempting/i.test(m)))
    return new NetworkError(
      url,
      'network',
      'network error (refused, DNS, TLS or CORS: the browser gives no detail)',
    )
  if (messages.some((m) => /^fetch failed|fetching /.test(m)))
    return new NetworkError(url, 'network', innermost)
  return undefined
}

/** OpenSSL's `...:SSL routines:FUNC:REASON:file:line:` as REASON; other messages' first line. */
function tlsReason(message: string): string {
  const m = /SSL routines:[^:]*:([^:]+):/.exec(message)
  return m ? m[1]! : (message.split('\n')[0] ?? message)
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`

/** RemoteFile with a timeout per request and NetworkErrors (see openRemote). */
class TimedRemoteFile extends RemoteFile {
  private readonly timeout: number

  constructor(url: string, opts: RemoteOptions) {
    const base = opts.fetch ?? globalThis.fetch.bind(globalThis)
    super(url, {
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        const res = await base(input, init)
        // 416 is a range past the end, which RemoteFile reads as an empty result
        if (!res.ok && res.status !== 416)
          throw new NetworkError(
            url,
            'status',
            `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
            res.status,
          )
        if (res.status === 200 && rangeStart(init) > 0)
          throw new NetworkError(
            url,
            'status',
            'the server ignores range requests (HTTP 200 for a byte range); serve the store with one that answers them',
            200,
          )
        return res
      },
    })
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT_MS
    if (!(timeout > 0)) throw new RangeError(`timeout must be positive, got ${timeout}`)
    this.timeout = timeout
  }

  /** Run one request under the timeout and the caller's signal; name what failed. */
  private async timed<T>(
    signal: AbortSignal | undefined,
    request: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timer = AbortSignal.timeout(this.timeout)
    try {
      return await request(signal ? AbortSignal.any([signal, timer]) : timer)
    } catch (err) {
      if (signal?.aborted) throw new AbortError()
      if (timer.aborted)
        throw new NetworkError(this.url, 'timeout', `timed out after ${seconds(this.timeout)}`)
      throw networkError(this.url, err) ?? err
    }
  }

  override read(
    length: number,
    position: number,
    opts: FilehandleOptions = {},
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.timed(opts.signal, (signal) => super.read(length, position, { ...opts, signal }))
  }

  override readFile(options?: Omit<FilehandleOptions, 'encoding'>): Promise<Uint8Array<ArrayBuffer>>
  override readFile(
    options: BufferEncoding | (Omit<FilehandleOptions, 'encoding'> & { encoding: BufferEncoding }),
  ): Promise<string>
  override readFile(
    options: BufferEncoding | FilehandleOptions = {},
  ): Promise<Uint8Array<ArrayBuffer> | string> {
    const opts = typeof options === 'string' ? { encoding: options } : options
    return this.timed(opts.signal, (signal) =>
      super.readFile({ ...opts, signal } as FilehandleOptions & { encoding: BufferEncoding }),
    )
  }
}
