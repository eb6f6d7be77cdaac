// Bounded concurrency for many small reads (stat over HTTP, one CGF per sample): enough requests
// in flight to hide latency, never one open file per item. Browser-safe.
import { checkAbort } from './errors.js'

/** `fn` over `items` with at most `limit` calls in flight; results in item order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      checkAbort(signal)
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
