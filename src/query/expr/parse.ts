// The expression language of sample, site and genotype filters (`-s`, `-f`, `-a`): a small
// precedence-climbing parser that keeps the position of every node.
//
// Why hand-written: the npm parsers that fit the syntax (jsep, subscript) return trees without
// positions, so an unknown key or a type mismatch found after parsing could not name its column;
// jsep is also configured through global state. filtrex and expr-eval spell the logic operators
// `and`/`or`/`not`, not BGT's `&&`/`||`/`!`. The grammar below is BGT's kexpr (lh3/bgt kexpr.c) as
// far as filters use it — the same operators and precedence, unary operators binding tightest (so
// `-2**2` is 4) — plus `in` lists and string literals that keep their spaces.

import { ExpressionError } from './error.js'

export type UnaryOp = '-' | '+' | '!'
export type BinaryOp =
  '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '**'

/** A parsed expression; `pos` is the 0-based index in the text of what errors point at. */
export type ExprNode =
  | { kind: 'number'; pos: number; value: number }
  | { kind: 'string'; pos: number; value: string }
  | { kind: 'var'; pos: number; name: string }
  | { kind: 'call'; pos: number; name: string; args: ExprNode[] }
  | { kind: 'unary'; pos: number; op: UnaryOp; arg: ExprNode }
  | { kind: 'binary'; pos: number; op: BinaryOp; left: ExprNode; right: ExprNode }
  | { kind: 'in'; pos: number; value: ExprNode; list: ExprNode[] }

type Token =
  | { kind: 'number'; pos: number; value: number }
  | { kind: 'string'; pos: number; value: string }
  | { kind: 'name'; pos: number; name: string }
  | { kind: 'op'; pos: number; op: string }
  | { kind: 'end'; pos: number }

/** Binary operators by precedence, loosest first (kexpr's order; `in` sits with `==`). */
const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<>': 3,
  in: 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '**': 7,
}
const RIGHT_ASSOCIATIVE = new Set(['**'])
/** Longest first, so `**` wins over `*` and `<=` over `<`. */
const OPERATORS = [
  '**',
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '(',
  ')',
  ',',
]
const HINTS: Record<string, string> = {
  '=': "'=='",
  '&': "'&&'",
  '|': "'||'",
}

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:#\d+)?/y
const NAME_CHAR = /[A-Za-z0-9_.#]/

/** `, found X` for an error message; nothing at the end of the text (the column says so). */
function found(t: Token): string {
  return t.kind === 'end' ? '' : `, found ${describeToken(t)}`
}

function describeToken(t: Exclude<Token, { kind: 'end' }>): string {
  switch (t.kind) {
    case 'number':
      return `number ${t.value}`
    case 'string':
      return 'a string'
    case 'name':
      return `'${t.name}'`
    case 'op':
      return `'${t.op}'`
  }
}

class Parser {
  private pos = 0
  private token: Token

  constructor(private readonly text: string) {
    this.token = this.lex()
  }

  fail(reason: string, pos: number): never {
    throw new ExpressionError(reason, this.text, pos + 1)
  }

  private lex(): Token {
    const s = this.text
    while (this.pos < s.length && /\s/.test(s[this.pos]!)) this.pos++
    const pos = this.pos
    if (pos >= s.length) return { kind: 'end', pos }
    const c = s[pos]!
    if (/[\d.]/.test(c)) {
      NUMBER.lastIndex = pos
      const m = NUMBER.exec(s)
      if (!m) this.fail(`unexpected '${c}'`, pos)
      this.pos = pos + m[0].length
      if (this.pos < s.length && NAME_CHAR.test(s[this.pos]!))
        this.fail(`unexpected '${s[this.pos]}' after the number ${m[0]}`, this.pos)
      return { kind: 'number', pos, value: Number(m[0]) }
    }
    if (c === '"' || c === "'") {
      let value = ''
      let i = pos + 1
      for (; i < s.length && s[i] !== c; i++) {
        if (s[i] === '\\' && i + 1 < s.length) i++
        value += s[i]
      }
      if (i >= s.length) this.fail(`unterminated string`, pos)
      this.pos = i + 1
      return { kind: 'string', pos, value }
    }
    if (/[A-Za-z_]/.test(c)) {
      NAME.lastIndex = pos
      const name = NAME.exec(s)![0]
      this.pos = pos + name.length
      if (s[this.pos] === '#') this.fail(`expected a group number after '${name}#'`, this.pos + 1)
      return name === 'in' ? { kind: 'op', pos, op: 'in' } : { kind: 'name', pos, name }
    }
    const op = OPERATORS.find((o) => s.startsWith(o, pos))
    if (op === undefined) {
      const hint = HINTS[c]
      this.fail(`unexpected '${c}'${hint ? ` (did you mean ${hint}?)` : ''}`, pos)
    }
    this.pos = pos + op.length
    return { kind: 'op', pos, op }
  }

  private next(): Token {
    const t = this.token
    this.token = this.lex()
    return t
  }

  private isOp(op: string): boolean {
    return this.token.kind === 'op' && this.token.op === op
  }

  private expect(op: string, what = `'${op}'`): void {
    if (!this.isOp(op)) this.fail(`expected ${what}${found(this.token)}`, this.token.pos)
    this.next()
  }

  parse(): ExprNode {
    const node = this.binary(1)
    if (this.token.kind !== 'end')
      this.fail(
        this.isOp(')')
          ? "unexpected ')' (no '(' to close)"
          : `expected an operator${found(this.token)}`,
        this.token.pos,
      )
    return node
  }

  private binary(min: number): ExprNode {
    let left = this.unary()
    for (;;) {
      const t = this.token
      if (t.kind !== 'op') return left
      const prec = PRECEDENCE[t.op]
      if (prec === undefined || prec < min) return left
      this.next()
      if (t.op === 'in') {
        left = { kind: 'in', pos: t.pos, value: left, list: this.list() }
        continue
      }
      const right = this.binary(RIGHT_ASSOCIATIVE.has(t.op) ? prec : prec + 1)
      const op = (t.op === '<>' ? '!=' : t.op) as BinaryOp
      left = { kind: 'binary', pos: t.pos, op, left, right }
    }
  }

  private unary(): ExprNode {
    const t = this.token
    if (t.kind === 'op' && (t.op === '-' || t.op === '+' || t.op === '!')) {
      this.next()
      return { kind: 'unary', pos: t.pos, op: t.op, arg: this.unary() }
    }
    return this.primary()
  }

  /** `( a, b, ... )` after `in` or a function name. */
  private list(): ExprNode[] {
    this.expect('(', "'(' and a list")
    const items = [this.binary(1)]
    while (this.isOp(',')) {
      this.next()
      items.push(this.binary(1))
    }
    this.expect(')', "',' or ')'")
    return items
  }

  private primary(): ExprNode {
    const t = this.next()
    switch (t.kind) {
      case 'number':
      case 'string':
        return t
      case 'name':
        if (this.isOp('(')) return { kind: 'call', pos: t.pos, name: t.name, args: this.list() }
        return { kind: 'var', pos: t.pos, name: t.name }
      case 'op':
        if (t.op === '(') {
          const inner = this.binary(1)
          this.expect(')')
          return inner
        }
        return this.fail(`expected a value, found '${t.op}'`, t.pos)
      case 'end':
        return this.fail('expected a value', t.pos)
    }
  }
}

/** Parse `text` into a tree; an ExpressionError names the column of what is wrong. */
export function parseExpression(text: string): ExprNode {
  return new Parser(text).parse()
}
