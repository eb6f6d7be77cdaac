import { ArgumentError } from './errors.js'

/** Lowercase hex, zero-padded to `width` (a value too large for the width prints more digits). */
export function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0')
}

const HEX_RE = /^[0-9a-f]+$/

/** Parse lowercase/uppercase hex digits; throws ArgumentError on anything else. */
export function parseHex(text: string, what = 'hex number'): number {
  if (!HEX_RE.test(text.toLowerCase())) throw new ArgumentError(`expected ${what}, got '${text}'`)
  return parseInt(text, 16)
}
