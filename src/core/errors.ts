/** Where in an input a problem was found: a file (or URL) and a byte offset or 1-based line. */
export interface Place {
  file?: string | undefined
  offset?: number | undefined
  line?: number | undefined
}

function describe(place: Place): string {
  const parts: string[] = []
  if (place.file !== undefined) parts.push(place.file)
  if (place.line !== undefined) parts.push(`line ${place.line}`)
  if (place.offset !== undefined) parts.push(`offset ${place.offset}`)
  return parts.length ? `${parts.join(', ')}: ` : ''
}

/** Base class of every error this library raises on purpose. */
export class LightningError extends Error {
  override name = 'LightningError'
}

/** Input that does not follow its format: names the file, the position and what was expected. */
export class FormatError extends LightningError {
  override name = 'FormatError'
  /** The file (or URL) the problem is in, when known. */
  readonly file: string | undefined
  /** Byte offset of the problem in the file, when known. */
  readonly offset: number | undefined
  /** 1-based line of the problem, when known. */
  readonly line: number | undefined
  /** What was wrong, without the place. */
  readonly reason: string

  constructor(reason: string, place: Place = {}) {
    super(`${describe(place)}${reason}`)
    this.reason = reason
    this.file = place.file
    this.offset = place.offset
    this.line = place.line
  }
}

/** A well-formed input that fails a consistency rule (bad md5, steps out of order, ...). */
export class ValidationError extends FormatError {
  override name = 'ValidationError'
}

/** A ValidationError naming the rule of a format's spec that the input breaks. */
export class RuleError<R extends string> extends ValidationError {
  override name = 'RuleError'
  readonly rule: R
  constructor(format: string, rule: R, reason: string, place: Place) {
    super(`${reason} [${format} rule: ${rule}]`, place)
    this.rule = rule
  }
}

/**
 * A lookup for something the store or file does not hold (tile, member, sample, path), or a file
 * that cannot be read at all (then `file` names it).
 */
export class NotFoundError extends LightningError {
  override name = 'NotFoundError'
  /** The file that cannot be read, when that is the problem. */
  readonly file: string | undefined
  /** What was not found, without the file. */
  readonly reason: string

  constructor(reason: string, place: Pick<Place, 'file'> = {}) {
    super(`${describe(place)}${reason}`)
    this.reason = reason
    this.file = place.file
  }
}

/** A caller asked for something out of range or malformed (bad tile ID string, bad region). */
export class ArgumentError extends LightningError {
  override name = 'ArgumentError'
}

/** How an HTTP request failed. */
export type NetworkFailure = 'refused' | 'dns' | 'tls' | 'status' | 'timeout' | 'network'

/** An HTTP request that failed: names the URL and what went wrong (`failure`, `status`). */
export class NetworkError extends LightningError {
  override name = 'NetworkError'
  constructor(
    readonly url: string,
    readonly failure: NetworkFailure,
    reason: string,
    /** the HTTP status, when the server answered with an error */
    readonly status?: number,
  ) {
    super(`${url}: ${reason}`)
  }
}

/** Thrown by checkAbort; its name is 'AbortError' as DOM and Node code expect. */
export class AbortError extends Error {
  override name = 'AbortError'
  constructor(message = 'the operation was aborted') {
    super(message)
  }
}

/** Every async method takes these options last. */
export interface AbortOptions {
  signal?: AbortSignal | undefined
}

export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError()
}
