// The privacy guard's guarantee checked by linear algebra, independently of how the guard works:
// whatever sequence of groups it admits, no private sample's value is a linear combination of
// the admitted groups' sums and the public samples' own values (shown individually), i.e. adding
// its unit vector to the span of those raises the rank. Random cohorts and random group
// sequences (fast-check); the guard must also admit every group it is asked twice.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PrivacyError, PrivacyGuard } from '../src/server/privacy.js'
import { SampleTable } from '../src/samples/table.js'

/** Rank of 0/1 row vectors (Gaussian elimination; small integer matrices, exact enough). */
function rank(rows: number[][]): number {
  const m = rows.map((r) => [...r])
  let r = 0
  const cols = m[0]?.length ?? 0
  for (let c = 0; c < cols && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9)
    if (p < 0) continue
    ;[m[r], m[p]] = [m[p]!, m[r]!]
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue
      const f = m[i]![c]! / m[r]![c]!
      if (f !== 0) m[i] = m[i]!.map((v, j) => v - f * m[r]![j]!)
    }
    r++
  }
  return r
}

function table(mgs: number[]): SampleTable {
  const names = mgs.map((_, i) => `S${i}`)
  return new SampleTable(
    names,
    [
      { key: 'k', type: 'int' },
      { key: '_mgs', type: 'int' },
    ],
    [names.map((_, i) => i), mgs],
  )
}

describe('PrivacyGuard', () => {
  it('never lets the answered groups determine a private sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(1, 1, 2, 3), { minLength: 4, maxLength: 10 }),
        fc.array(fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), { maxLength: 8 }),
        (mgs, asks) => {
          const n = mgs.length
          let guard: PrivacyGuard
          try {
            guard = new PrivacyGuard(table(mgs))
          } catch (err) {
            expect(err).toBeInstanceOf(PrivacyError) // the cohort itself is too small
            return
          }
          const answered: number[][] = [mgs.map(() => 1)] // the whole cohort
          for (const ask of asks) {
            const rows = Int32Array.from(ask.slice(0, n).flatMap((b, i) => (b ? [i] : [])))
            if (rows.length === 0) continue
            try {
              guard.admit([{ spec: 'g', rows }])
            } catch (err) {
              expect(err).toBeInstanceOf(PrivacyError)
              continue
            }
            answered.push(mgs.map((_, i) => (rows.includes(i) ? 1 : 0)))
            guard.admit([{ spec: 'again', rows }]) // asking again is always answered
          }
          const unit = (i: number) => mgs.map((_, j) => (j === i ? 1 : 0))
          const known = [...answered, ...mgs.flatMap((m, i) => (m <= 1 ? [unit(i)] : []))]
          const base = rank(known)
          mgs.forEach((m, i) => {
            if (m > 1) expect(rank([...known, unit(i)])).toBe(base + 1)
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuses a difference of one private sample and keeps nothing of a refused query', () => {
    const guard = new PrivacyGuard(table([2, 2, 2, 2, 2, 2]))
    guard.admit([{ spec: 'first four', rows: Int32Array.from([0, 1, 2, 3]) }])
    expect(() => guard.admit([{ spec: 'first three', rows: Int32Array.from([0, 1, 2]) }])).toThrow(
      /by subtraction/,
    )
    expect(guard.atomCount).toBe(2)
    guard.admit([{ spec: 'first two', rows: Int32Array.from([0, 1]) }])
    expect(guard.atomCount).toBe(3)
  })
})
