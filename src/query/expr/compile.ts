// Type-check a parsed expression against the keys a caller offers and compile it into closures,
// once, so that a site filter costs a few function calls per site.
//
// Types: numbers, strings, and conditions (what comparisons, `&&`, `||`, `!` and `in` give). As in
// BGT's kexpr, a condition counts as 1 or 0 in arithmetic and a number as a condition when it is
// not 0 (NaN, as from 0/0, is false; kexpr rounds a real first, so 0.3 is false there). Numbers
// are doubles throughout (kexpr keeps integers apart and rounds `2**-1` to 1). Strings never mix
// with numbers: `pop == 3` or `pop + 1` is an error at compile time, not a silent false. A record
// that lacks the value of a key the expression names does not match (kexpr reports an unset
// variable and BGT skips the record).

import { ExpressionError } from './error.js'
import { parseExpression } from './parse.js'
import type { BinaryOp, ExprNode } from './parse.js'

export type ValueType = 'number' | 'string'
export type ExprType = ValueType | 'boolean'
export type ExprValue = number | string | boolean

/** How an expression reads one key from a record of type R. */
export interface Variable<R> {
  type: ValueType
  /** the value in `record`; undefined when the record has none (only if `optional`) */
  get(record: R): number | string | undefined
  /** some records lack the value (checked before evaluating) */
  optional?: boolean
}

/** The keys an expression may name. */
export interface Scope<R> {
  variable(name: string): Variable<R> | undefined
  /** listed in the error for an unknown key */
  describeKeys?(): string
}

export interface CompiledExpression<R> {
  readonly text: string
  readonly type: ExprType
  /** the keys it names, each once */
  readonly keys: readonly string[]
  /** its value for `record`, undefined when the record lacks a key it names */
  value(record: R): ExprValue | undefined
}

export interface CompiledCondition<R> {
  readonly text: string
  readonly keys: readonly string[]
  /** true when `record` has every key named and the condition holds */
  test(record: R): boolean
}

type Fn<R, T> = (r: R) => T
type Typed<R> =
  | { type: 'number'; fn: Fn<R, number>; constant: boolean }
  | { type: 'string'; fn: Fn<R, string>; constant: boolean }
  | { type: 'boolean'; fn: Fn<R, boolean>; constant: boolean }

const FUNCTIONS: Record<string, { min: number; max: number; fn: (...a: number[]) => number }> = {
  log: { min: 1, max: 1, fn: Math.log },
  log10: { min: 1, max: 1, fn: Math.log10 },
  exp: { min: 1, max: 1, fn: Math.exp },
  sqrt: { min: 1, max: 1, fn: Math.sqrt },
  abs: { min: 1, max: 1, fn: Math.abs },
  pow: { min: 2, max: 2, fn: Math.pow },
  min: { min: 1, max: Infinity, fn: Math.min },
  max: { min: 1, max: Infinity, fn: Math.max },
}

const TYPE_NAME: Record<ExprType, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a condition',
}

class Compiler<R> {
  readonly keys: string[] = []
  readonly optional: Variable<R>[] = []

  constructor(
    private readonly text: string,
    private readonly scope: Scope<R>,
  ) {}

  fail(reason: string, node: { pos: number }, detail = ''): never {
    throw new ExpressionError(reason, this.text, node.pos + 1, '', detail)
  }

  /** A closure giving a number (a condition counts as 1 or 0). */
  num(t: Typed<R>, node: { pos: number }, what: string): Fn<R, number> {
    if (t.type === 'number') return t.fn
    if (t.type === 'boolean') {
      const f = t.fn
      return (r) => (f(r) ? 1 : 0)
    }
    return this.fail(`${what} needs numbers, not a string`, node)
  }

  /** A closure giving a condition (a number is true when not 0 and not NaN). */
  bool(t: Typed<R>, node: { pos: number }, what: string): Fn<R, boolean> {
    if (t.type === 'boolean') return t.fn
    if (t.type === 'number') {
      const f = t.fn
      return (r) => !!f(r)
    }
    return this.fail(`${what} needs conditions or numbers, not a string`, node)
  }

  compile(node: ExprNode): Typed<R> {
    const t = this.typed(node)
    if (!t.constant) return t
    // evaluate constant parts once
    switch (t.type) {
      case 'number': {
        const v = t.fn(undefined as R)
        return { type: 'number', fn: () => v, constant: true }
      }
      case 'string': {
        const v = t.fn(undefined as R)
        return { type: 'string', fn: () => v, constant: true }
      }
      case 'boolean': {
        const v = t.fn(undefined as R)
        return { type: 'boolean', fn: () => v, constant: true }
      }
    }
  }

  private typed(node: ExprNode): Typed<R> {
    switch (node.kind) {
      case 'number': {
        const v = node.value
        return { type: 'number', fn: () => v, constant: true }
      }
      case 'string': {
        const v = node.value
        return { type: 'string', fn: () => v, constant: true }
      }
      case 'var':
        return this.variable(node)
      case 'call':
        return this.call(node)
      case 'unary': {
        const a = this.compile(node.arg)
        if (node.op === '!') {
          const f = this.bool(a, node, "'!'")
          return { type: 'boolean', fn: (r) => !f(r), constant: a.constant }
        }
        const f = this.num(a, node, `unary '${node.op}'`)
        return node.op === '-'
          ? { type: 'number', fn: (r) => -f(r), constant: a.constant }
          : { type: 'number', fn: f, constant: a.constant }
      }
      case 'binary':
        return this.binary(node.op, node, this.compile(node.left), this.compile(node.right))
      case 'in':
        return this.inList(node)
    }
  }

  private variable(node: Extract<ExprNode, { kind: 'var' }>): Typed<R> {
    const v = this.scope.variable(node.name)
    if (!v) this.fail(`unknown key '${node.name}'`, node, this.scope.describeKeys?.() ?? '')
    if (!this.keys.includes(node.name)) {
      this.keys.push(node.name)
      if (v.optional) this.optional.push(v)
    }
    const get = v.get as Fn<R, never>
    return v.type === 'number'
      ? { type: 'number', fn: get, constant: false }
      : { type: 'string', fn: get, constant: false }
  }

  private call(node: Extract<ExprNode, { kind: 'call' }>): Typed<R> {
    const f = FUNCTIONS[node.name]
    if (!f)
      this.fail(
        `unknown function '${node.name}'`,
        node,
        `functions: ${Object.keys(FUNCTIONS).join(', ')}`,
      )
    const n = node.args.length
    if (n < f.min || n > f.max) {
      const want = f.max === Infinity ? `at least ${f.min}` : `${f.min}`
      this.fail(`${node.name}() takes ${want} argument${f.min === 1 ? '' : 's'}, not ${n}`, node)
    }
    const args = node.args.map((a) => this.compile(a))
    const fns = args.map((a, i) => this.num(a, node.args[i]!, `${node.name}()`))
    const constant = args.every((a) => a.constant)
    const g = f.fn
    if (fns.length === 1) {
      const a = fns[0]!
      return { type: 'number', fn: (r) => g(a(r)), constant }
    }
    if (fns.length === 2) {
      const [a, b] = fns as [Fn<R, number>, Fn<R, number>]
      return { type: 'number', fn: (r) => g(a(r), b(r)), constant }
    }
    return { type: 'number', fn: (r) => g(...fns.map((a) => a(r))), constant }
  }

  private binary(op: BinaryOp, node: ExprNode, a: Typed<R>, b: Typed<R>): Typed<R> {
    const constant = a.constant && b.constant
    const what = `'${op}'`
    switch (op) {
      case '&&':
      case '||': {
        const x = this.bool(a, node, what)
        const y = this.bool(b, node, what)
        const fn: Fn<R, boolean> = op === '&&' ? (r) => x(r) && y(r) : (r) => x(r) || y(r)
        return { type: 'boolean', fn, constant }
      }
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { type: 'boolean', fn: this.compare(op, node, a, b), constant }
      default: {
        const x = this.num(a, node, what)
        const y = this.num(b, node, what)
        return { type: 'number', fn: arithmetic(op, x, y), constant }
      }
    }
  }

  private compare(op: BinaryOp, node: ExprNode, a: Typed<R>, b: Typed<R>): Fn<R, boolean> {
    if ((a.type === 'string') !== (b.type === 'string'))
      this.fail(`'${op}' compares ${TYPE_NAME[a.type]} with ${TYPE_NAME[b.type]}`, node)
    // strings compare as strings (kexpr: strcmp), anything else as numbers
    const [x, y] =
      a.type === 'string' && b.type === 'string'
        ? [a.fn, b.fn]
        : [this.num(a, node, ''), this.num(b, node, '')]
    const f = x as Fn<R, number>
    const g = y as Fn<R, number>
    switch (op) {
      case '==':
        return (r) => f(r) === g(r)
      case '!=':
        return (r) => f(r) !== g(r)
      case '<':
        return (r) => f(r) < g(r)
      case '<=':
        return (r) => f(r) <= g(r)
      case '>':
        return (r) => f(r) > g(r)
      default:
        return (r) => f(r) >= g(r)
    }
  }

  private inList(node: Extract<ExprNode, { kind: 'in' }>): Typed<R> {
    const v = this.compile(node.value)
    const items = node.list.map((item) => {
      const t = this.compile(item)
      if ((t.type === 'string') !== (v.type === 'string'))
        this.fail(
          `'in' looks for ${TYPE_NAME[v.type]} in a list holding ${TYPE_NAME[t.type]}`,
          item,
        )
      return t
    })
    const constant = v.constant && items.every((t) => t.constant)
    if (v.type === 'string') {
      const x = v.fn
      const fns = items.map((t) => t.fn as Fn<R, string>)
      if (items.every((t) => t.constant)) {
        const set = new Set(fns.map((f) => f(undefined as R)))
        return { type: 'boolean', fn: (r) => set.has(x(r)), constant }
      }
      const fn: Fn<R, boolean> = (r) => {
        const y = x(r)
        return fns.some((f) => f(r) === y)
      }
      return { type: 'boolean', fn, constant }
    }
    const x = this.num(v, node, "'in'")
    const fns = items.map((t, i) => this.num(t, node.list[i]!, "'in'"))
    if (items.every((t) => t.constant)) {
      const set = new Set(fns.map((f) => f(undefined as R)))
      // Set.has finds NaN; `==` never does
      const fn: Fn<R, boolean> = (r) => {
        const y = x(r)
        return y === y && set.has(y)
      }
      return { type: 'boolean', fn, constant }
    }
    const fn: Fn<R, boolean> = (r) => {
      const y = x(r)
      return fns.some((f) => f(r) === y)
    }
    return { type: 'boolean', fn, constant }
  }
}

function arithmetic<R>(op: BinaryOp, x: Fn<R, number>, y: Fn<R, number>): Fn<R, number> {
  switch (op) {
    case '+':
      return (r) => x(r) + y(r)
    case '-':
      return (r) => x(r) - y(r)
    case '*':
      return (r) => x(r) * y(r)
    case '/':
      return (r) => x(r) / y(r)
    case '%':
      return (r) => x(r) % y(r)
    default:
      return (r) => x(r) ** y(r)
  }
}

function build<R>(text: string, scope: Scope<R>): { c: Compiler<R>; t: Typed<R> } {
  const c = new Compiler(text, scope)
  return { c, t: c.compile(parseExpression(text)) }
}

/** A guard that is true when the record has a value for every optional key named. */
function presence<R>(optional: Variable<R>[]): Fn<R, boolean> | undefined {
  if (optional.length === 0) return undefined
  return (r) => optional.every((v) => v.get(r) !== undefined)
}

/** Compile `text` to a function of a record; errors name the column. */
export function compileExpression<R>(text: string, scope: Scope<R>): CompiledExpression<R> {
  const { c, t } = build(text, scope)
  const present = presence(c.optional)
  const f = t.fn as Fn<R, ExprValue>
  return {
    text,
    type: t.type,
    keys: c.keys,
    value: present ? (r) => (present(r) ? f(r) : undefined) : f,
  }
}

/** Compile a condition (a filter): like compileExpression, but a string result is an error. */
export function compileCondition<R>(text: string, scope: Scope<R>): CompiledCondition<R> {
  const { c, t } = build(text, scope)
  if (t.type === 'string') c.fail('expected a condition, not a string', { pos: 0 })
  const f = c.bool(t, { pos: 0 }, '')
  const present = presence(c.optional)
  return { text, keys: c.keys, test: present ? (r) => present(r) && f(r) : f }
}
