// A small LRU map for memoised promises (decoded tar members, per-path state). Browser-safe.

export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`)
  }

  get size(): number {
    return this.map.size
  }

  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first key is the oldest.
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K)
  }

  delete(key: K): void {
    this.map.delete(key)
  }
}

/**
 * The memoised promise for `key`, made by `make` when absent; a rejected promise is dropped (only
 * if still the cached one) so the next call retries.
 */
export function memo<K, V>(
  cache: Lru<K, Promise<V>> | Map<K, Promise<V>>,
  key: K,
  make: () => Promise<V>,
): Promise<V> {
  let p = cache.get(key)
  if (!p) {
    const made = make()
    p = made
    cache.set(key, made)
    made.catch(() => {
      if (cache.get(key) === made) cache.delete(key)
    })
  }
  return p
}
