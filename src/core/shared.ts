// Loads shared by several callers (a manifest, an index, a header, a tar member, a BGZF block):
// the load runs once, with no caller's signal, and each caller races its own signal against it,
// so one caller's abort rejects that caller only (as GMOD tabix-js does through
// @gmod/abortable-promise-cache). A failed load is forgotten, so the next call retries.
// Written here rather than taken from abortable-promise-cache: that one aborts the shared load
// once every caller has aborted, and its callers only learn of their abort when the load settles.
// Browser-safe.
import { AbortError } from './errors.js'
import type { AbortOptions } from './errors.js'
import { Lru } from './lru.js'

/**
 * `shared`, or an AbortError as soon as `signal` aborts (then `shared` goes on for its other
 * callers). Without a signal, `shared` itself.
 */
export function abortable<T>(shared: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return shared
  if (signal.aborted) return Promise.reject(new AbortError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError())
    signal.addEventListener('abort', onAbort, { once: true })
    shared.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}

export interface MemoOptions<V> extends AbortOptions {
  /** The weight of a loaded value in a weighted Lru (e.g. its bytes); it weighs 0 while loading. */
  weigh?: ((value: V) => number) | undefined
}

/**
 * The shared load of `key`, started by `make` (which gets no signal) when absent, raced against
 * `opts.signal`. A rejected load is dropped (if still the cached one) so the next call retries.
 */
export function memo<K, V>(
  cache: Lru<K, Promise<V>> | Map<K, Promise<V>>,
  key: K,
  make: () => Promise<V>,
  opts: MemoOptions<V> = {},
): Promise<V> {
  const lru = cache instanceof Lru ? cache : undefined
  const peek = () => (lru ? lru.peek(key) : cache.get(key))
  let p = cache.get(key)
  if (!p) {
    const made = make()
    p = made
    const weigh = opts.weigh
    if (lru) lru.set(key, made, weigh ? 0 : 1)
    else cache.set(key, made)
    made.then(
      (value) => {
        if (lru && weigh && peek() === made) lru.reweigh(key, weigh(value))
      },
      () => {
        if (peek() === made) cache.delete(key)
      },
    )
  }
  return abortable(p, opts.signal)
}

/** One value loaded on first use and shared by every caller (a `memo` of one key). */
export class Lazy<T> {
  private loading: Promise<T> | undefined

  constructor(private readonly load: () => Promise<T>) {}

  /** The value, loading it if no load is under way or done; `opts.signal` aborts this call only. */
  get(opts: AbortOptions = {}): Promise<T> {
    if (!this.loading) {
      const made = this.load()
      this.loading = made
      made.catch(() => {
        if (this.loading === made) this.loading = undefined
      })
    }
    return abortable(this.loading, opts.signal)
  }
}
