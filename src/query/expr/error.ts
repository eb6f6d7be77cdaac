import { ArgumentError } from '../../core/errors.js'

/**
 * A malformed expression, an unknown key or a type mismatch: one line that names the column
 * (1-based) and repeats the expression, e.g. `expected ')' at column 20: pop=="FIN" && (AC>0`.
 * `caretOffset` is the index in `message` of the character the column points at, so a CLI can
 * print a `^` under it.
 */
export class ExpressionError extends ArgumentError {
  override name = 'ExpressionError'
  readonly caretOffset: number

  constructor(
    readonly reason: string,
    readonly expression: string,
    readonly column: number,
    /** what the expression was for, e.g. `group 2` (message prefix) */
    readonly context = '',
    /** more detail after the expression, e.g. the known keys */
    readonly detail = '',
  ) {
    const head = `${context ? `${context}: ` : ''}${reason} at column ${column}: `
    super(`${head}${expression}${detail ? ` (${detail})` : ''}`)
    this.caretOffset = head.length + column - 1
  }

  /** The same error prefixed by `context` (e.g. `group 2`), keeping the caret aligned. */
  within(context: string): ExpressionError {
    const ctx = this.context ? `${context}: ${this.context}` : context
    return new ExpressionError(this.reason, this.expression, this.column, ctx, this.detail)
  }

  /** A line with `^` under the column, for output right below `prefix + message`. */
  caret(prefix = ''): string {
    return `${' '.repeat(prefix.length + this.caretOffset)}^`
  }
}
