// A least-recently-used map bounded by a total weight: by count when every entry weighs 1 (the
// default), by bytes when each entry is set with its size. Browser-safe.

export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>()
  private total = 0

  /** `capacity`: the most total weight kept (entries, or bytes when set with their sizes). */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`)
  }

  /** Entries held. */
  get size(): number {
    return this.map.size
  }

  /** Total weight of the entries held. */
  get weight(): number {
    return this.total
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const e = this.map.get(key)
    if (e !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first key is the oldest.
      this.map.delete(key)
      this.map.set(key, e)
    }
    return e?.value
  }

  /** The value of `key` without touching its recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value
  }

  /**
   * Set `key` (the most recently used) with `weight`, then drop the least recently used entries
   * until the total fits. The entry just set stays even when it alone is heavier than the capacity.
   */
  set(key: K, value: V, weight = 1): void {
    this.delete(key)
    this.map.set(key, { value, weight })
    this.total += weight
    this.evict(key)
  }

  /** Change the weight of `key` (e.g. once a pending load has resolved) without touching it. */
  reweigh(key: K, weight: number): void {
    const e = this.map.get(key)
    if (!e) return
    this.total += weight - e.weight
    e.weight = weight
    this.evict(key)
  }

  /** Drop the oldest entries until the total fits, but never `keep`. */
  private evict(keep: K): void {
    for (const [k, e] of this.map) {
      if (this.total <= this.capacity) return
      if (k === keep) continue
      this.map.delete(k)
      this.total -= e.weight
    }
  }

  delete(key: K): void {
    const e = this.map.get(key)
    if (!e) return
    this.map.delete(key)
    this.total -= e.weight
  }
}
