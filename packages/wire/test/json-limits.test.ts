import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { FRAME_JSON_LIMITS, MAX_JSON_DEPTH, MAX_JSON_VALUES, parseJson, WireJsonError } from '../src/index.js'
import { findJsonSyntaxError } from '../src/json-scan.js'

function thrown(run: () => unknown): WireJsonError {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(WireJsonError)
    return e as WireJsonError
  }
  throw new Error('expected a WireJsonError')
}

const UNBOUNDED = { maxDepth: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY }

describe('parseJson limits (issue 15 #1)', () => {
  it('defaults to the frame limits: nesting ≤ 128 (serde_json), ≤ 2^20 values', () => {
    expect(FRAME_JSON_LIMITS).toEqual({ maxDepth: 128, maxValues: 1 << 20 })
    expect(MAX_JSON_DEPTH).toBe(128)
    expect(MAX_JSON_VALUES).toBe(1 << 20)
  })

  it('accepts nesting of exactly 128 and refuses 129 before JSON.parse runs', () => {
    expect(parseJson(`${'['.repeat(128)}${']'.repeat(128)}`)).toBeInstanceOf(Array)
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const e = thrown(() => parseJson(`${'['.repeat(129)}${']'.repeat(129)}`))
      expect([e.code, e.position]).toEqual(['JSON_LIMIT_EXCEEDED', 128])
      expect(parse).not.toHaveBeenCalled()
    } finally {
      parse.mockRestore()
    }
  })

  it('refuses a million-value frame at the value that breaks the bound', () => {
    const ok = `[${'0,'.repeat(MAX_JSON_VALUES - 2)}0]`
    expect((parseJson(ok) as unknown[]).length).toBe(MAX_JSON_VALUES - 1)
    const e = thrown(() => parseJson(`[${'[],'.repeat(MAX_JSON_VALUES)}0]`))
    expect(e.code).toBe('JSON_LIMIT_EXCEEDED')
    expect(e.message).toMatch(/more than 1048576 values/)
  })

  it('ignores brackets, braces and commas inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `${'[{,'.repeat(100_000)}\\"[[[` })
    expect(parseJson(text)).toEqual(JSON.parse(text))
  })

  it('unbounded limits restore JSON.parse parity for deep input', () => {
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`
    expect(() => parseJson(text)).toThrow(WireJsonError)
    expect(parseJson(text, UNBOUNDED)).toBeInstanceOf(Array)
  })

  it('an unterminated 1 MB string or escape run is located at its opening quote', () => {
    expect(thrown(() => parseJson(`{"a":"${'x'.repeat(1 << 20)}`)).position).toBe(5)
    expect(thrown(() => parseJson(`{"a":"${'\\n'.repeat(1 << 19)}`)).position).toBe(5)
    expect(thrown(() => parseJson(`{"a":"${'\\n'.repeat(1 << 19)}\\`)).position).toBe(5)
  })
})

describe('findJsonSyntaxError (the allocation-free error locator)', () => {
  it('finds an error exactly when JSON.parse throws (property)', () => {
    const jsonish = fc.string({
      unit: fc.constantFrom(...'{}[],:"\\ 0123456789-+.eEtruefalsnu\n\tabcdefABCDEF'),
      maxLength: 40,
    })
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.json(), fc.string()), (text) => {
        let failed = false
        try {
          JSON.parse(text)
        } catch {
          failed = true
        }
        const found = findJsonSyntaxError(text)
        expect(found !== undefined).toBe(failed)
        if (found) expect(found.position >= 0 && found.position <= text.length).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})
