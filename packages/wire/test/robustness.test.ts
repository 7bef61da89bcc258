import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as wire from '../src/index.js'
import { FIXTURES } from './fixtures.js'

type Checker = (v: unknown) => wire.CheckResult<unknown>

const CHECKERS = Object.entries(wire).filter(
  (e): e is [string, Checker] => e[0].startsWith('check') && typeof e[1] === 'function',
)

/** Replaces the value at a random path of `value` by `replacement`. */
function mutate(value: unknown, pick: number, replacement: unknown): unknown {
  if (typeof value !== 'object' || value === null) return replacement
  const keys = Object.keys(value)
  if (keys.length === 0 || pick % 3 === 0) return replacement
  const key = keys[pick % keys.length]!
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ([...value] as unknown as Record<string, unknown>)
    : { ...value }
  copy[key] = mutate((value as Record<string, unknown>)[key], Math.floor(pick / 3), replacement)
  return copy
}

describe('checkers on arbitrary input', () => {
  it('exports one checker per schema', () => {
    expect(CHECKERS.map(([name]) => name).sort()).toContain('checkNodeFrame')
    expect(CHECKERS.length).toBeGreaterThanOrEqual(25)
  })

  it('never throw, and always return issues with string paths and messages (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withBoxedValues: true, withNullPrototype: true, withMap: true }),
        (value) => {
          for (const [, check] of CHECKERS) {
            const result = check(value)
            if (!result.ok) {
              expect(result.issues.length).toBeGreaterThan(0)
              for (const i of result.issues) {
                expect(typeof i.message).toBe('string')
                expect(i.path === '' || i.path.startsWith('/')).toBe(true)
              }
            } else {
              expect(result.value).toBe(value)
            }
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never throw on near-valid frames, and issues point into the frame (property)', () => {
    const frames = FIXTURES.map((f) => JSON.parse(f.text) as unknown)
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.nat(),
        fc.anything({ withBigInt: true }),
        (frame, pick, replacement) => {
          const mutated = mutate(frame, pick, replacement)
          for (const check of [wire.checkNodeFrame, wire.checkClientFrame]) {
            const result = check(mutated)
            if (!result.ok) {
              for (const i of result.issues) expect(i.path).toMatch(/^(\/[^/]+)*$/)
            }
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
