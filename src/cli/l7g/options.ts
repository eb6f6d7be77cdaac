// What the toolbox's registration files need at start-up, kept free of heavy imports: the
// examples block of --help and the option parsers.
import { ArgumentError } from '../../core/errors.js'

/** The `Examples:` block every toolbox verb shows after its options in --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`
}

/** A tile path on the command line: hex, as in file names (`035e`). */
export function parsePathOption(text: string, option = '--path'): number {
  if (!/^[0-9a-f]{1,4}$/i.test(text))
    throw new ArgumentError(`${option} '${text}' is not a tile path (1–4 hex digits, e.g. 035e)`)
  return parseInt(text, 16)
}

/** A non-negative integer option. */
export function parseIntOption(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new ArgumentError(`${option} '${text}' is not an integer ≥ 0`)
  return Number(text)
}
