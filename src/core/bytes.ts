// Byte-array helpers that work in the browser (no Buffer).

/** The parts one after another in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * Does `bytes` hold `value` (0–255)? Four bytes at a time: a wide record's 40,000 genotype codes
 * are scanned for a no-call on every record, and TypedArray.includes goes a byte at a time.
 */
export function hasByte(bytes: Uint8Array, value: number): boolean {
  const n = bytes.length
  // a few samples' codes: a view of words (or a call of includes) would cost more than it saves
  if (n < 64) {
    for (let h = 0; h < n; h++) if (bytes[h] === value) return true
    return false
  }
  const head = Math.min(n, (4 - (bytes.byteOffset % 4)) % 4)
  for (let h = 0; h < head; h++) if (bytes[h] === value) return true
  const words = wordsOf(bytes, head)
  const pattern = value * 0x01010101
  for (let i = 0; i < words.length; i++) {
    // a zero byte of w ^ pattern is a byte equal to value (the classic has-zero-byte test)
    const x = words[i]! ^ pattern
    if ((x - 0x01010101) & ~x & 0x80808080) return true
  }
  for (let h = head + 4 * words.length; h < n; h++) if (bytes[h] === value) return true
  return false
}

/** What `wordsOf` gives when there are none: one array for every call (a few samples' records). */
const NO_WORDS = new Uint32Array(0)

/**
 * The whole 32-bit words of `bytes` from `head` (where its address is a multiple of 4), as a view:
 * for scans four bytes at a time (the bytes before `head` and after the last word are the caller's).
 */
export function wordsOf(bytes: Uint8Array | Int8Array, head: number): Uint32Array {
  const count = Math.max(0, (bytes.length - head) >> 2)
  return count ? new Uint32Array(bytes.buffer, bytes.byteOffset + head, count) : NO_WORDS
}
