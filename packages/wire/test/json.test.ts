import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJson, stringifyJson, WireJsonError } from '../src/index.js'
import { jsonishText, jsonParseOutcome } from './json-oracle.js'

/** Equal to what JSON.parse returns, except that integer literals beyond 2^53 − 1 are exact bigints. */
function sameAsJsonParse(lossless: unknown, lossy: unknown): boolean {
  if (typeof lossless === 'bigint') {
    return typeof lossy === 'number' && !Number.isSafeInteger(lossy) && Number(lossless) === lossy
  }
  if (typeof lossless === 'number') return Object.is(lossless, lossy)
  if (Array.isArray(lossless)) {
    return (
      Array.isArray(lossy) &&
      lossless.length === lossy.length &&
      lossless.every((v, i) => sameAsJsonParse(v, lossy[i]))
    )
  }
  if (typeof lossless === 'object' && lossless !== null) {
    if (typeof lossy !== 'object' || lossy === null || Array.isArray(lossy)) return false
    if (Object.getPrototypeOf(lossless) !== Object.getPrototypeOf(lossy)) return false
    const a = Object.keys(lossless)
    const b = Object.keys(lossy)
    const ra = lossless as Record<string, unknown>
    const rb = lossy as Record<string, unknown>
    return a.length === b.length && a.every((k, i) => k === b[i] && sameAsJsonParse(ra[k], rb[k]))
  }
  return Object.is(lossless, lossy)
}

function expectJsonError(text: string, position?: number): WireJsonError {
  try {
    parseJson(text)
  } catch (e) {
    expect(e).toBeInstanceOf(WireJsonError)
    const error = e as WireJsonError
    expect(error.code).toBe('INVALID_JSON')
    if (position !== undefined) expect(error.position).toBe(position)
    return error
  }
  throw new TypeError(`expected parseJson to throw on ${text}`)
}

describe('parseJson', () => {
  it('turns integer literals beyond the safe range into bigint, keeps the others numbers', () => {
    expect(parseJson('9007199254740991')).toBe(9007199254740991)
    expect(parseJson('9007199254740992')).toBe(9007199254740992n)
    expect(parseJson('-9007199254740991')).toBe(-9007199254740991)
    expect(parseJson('-9007199254740993')).toBe(-9007199254740993n)
    expect(parseJson('18446744073709551615')).toBe(18446744073709551615n)
    expect(parseJson('1000000000000000')).toBe(1000000000000000)
    expect(parseJson('123456789012345678901234567890')).toBe(123456789012345678901234567890n)
  })

  it('finds big integers in nested structures', () => {
    const text =
      '{"a":[1,{"b":-18446744073709551616}],"c":{"d":[[12345678901234567890]]},"e":"12345678901234567890"}'
    expect(parseJson(text)).toEqual({
      a: [1, { b: -18446744073709551616n }],
      c: { d: [[12345678901234567890n]] },
      e: '12345678901234567890',
    })
  })

  it('keeps floats and exponents as numbers, like JSON.parse', () => {
    for (const text of [
      '12345678901234567890.5',
      '12345678901234567890e0',
      '1e400',
      '-1E-400',
      '0.1',
      '-0',
      '1e2',
    ]) {
      const value = parseJson(`[${text}, 12345678901234567890]`) as unknown[]
      expect(Object.is(value[0], JSON.parse(text))).toBe(true)
    }
    expect(Object.is(parseJson('-0'), -0)).toBe(true)
  })

  it('decodes strings exactly like JSON.parse on both paths', () => {
    const strings = [
      'plain',
      'quote \\" and backslash \\\\',
      '\\u00e9\\ud83d\\ude00 \\n\\t\\/',
      '\\ud800 lone',
      'ü€😀',
    ]
    for (const s of strings) {
      const text = `{"k${s}":"${s}","n":12345678901234567890}`
      const expected = JSON.parse(text) as Record<string, unknown>
      const value = parseJson(text) as Record<string, unknown>
      expect(Object.keys(value)).toEqual(Object.keys(expected))
      expect(value[`k${JSON.parse(`"${s}"`)}`]).toBe(expected[`k${JSON.parse(`"${s}"`)}`])
    }
  })

  it('handles __proto__ keys and duplicate keys like JSON.parse', () => {
    for (const big of ['', ',"big":12345678901234567890']) {
      const text = `{"__proto__":{"polluted":true},"a":1,"b":2,"a":3${big}}`
      const value = parseJson(text) as Record<string, unknown>
      const expected = JSON.parse(text) as Record<string, unknown>
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
      expect(Object.hasOwn(value, '__proto__')).toBe(true)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.keys(value)).toEqual(Object.keys(expected))
      expect(value.a).toBe(3)
    }
  })

  it('accepts JSON whitespace only', () => {
    expect(parseJson(' \t\n\r{ "a" : [ 1 , 12345678901234567890 ] } \n')).toEqual({
      a: [1, 12345678901234567890n],
    })
    expectJsonError('\u00a0{"a":12345678901234567890}', 0)
    expectJsonError('\ufeff{}', 0)
  })

  it('handles very deep nesting without recursion', () => {
    const depth = 100_000
    const text = `${'['.repeat(depth)}12345678901234567890${']'.repeat(depth)}`
    let value = parseJson(text, { maxDepth: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY })
    for (let i = 0; i < depth; i++) value = (value as unknown[])[0]
    expect(value).toBe(12345678901234567890n)
  })

  it('throws WireJsonError with a position on malformed JSON (fast and exact paths)', () => {
    const cases: [string, number][] = [
      ['', 0],
      ['{', 1],
      ['[1,]', 3],
      ['{"a":1,}', 7],
      ['{"a" 1}', 5],
      ['01', 1],
      ['-', 0],
      ['1.', 1],
      ['"abc', 0],
      ['"a\\x"', 0],
      ['"a\u0001"', 2],
      ['nul', 0],
      ['{"a":1}x', 7],
      ["{'a':1}", 1],
      ['[1 2]', 3],
    ]
    for (const [text, position] of cases) {
      expectJsonError(text, position)
      // The same error on the exact path (a big integer forces it).
      expectJsonError(`[12345678901234567890,${text}]`, position + 22)
    }
  })

  it('gives line and column and never quotes the input', () => {
    const error = expectJsonError('{\n  "secret": "hunter2",\n  oops\n}')
    expect(error.message).toMatch(/line 3, column 3/)
    expect(error.message).not.toContain('hunter2')
    expect(error.message).not.toContain('oops')
  })

  it('rejects non-string input', () => {
    expect(() => parseJson(123 as unknown as string)).toThrow(WireJsonError)
  })

  it('equals JSON.parse on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)
        expect(sameAsJsonParse(parseJson(text), JSON.parse(text))).toBe(true)
        // Force the exact parser on the same text.
        const forced = `[${text},12345678901234567890]`
        expect(sameAsJsonParse(parseJson(forced), JSON.parse(forced))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('throws WireJsonError exactly when JSON.parse throws (property)', () => {
    fc.assert(
      fc.property(jsonishText, (text) => {
        const oracle = jsonParseOutcome(text)
        if (oracle.failed) expect(() => parseJson(text)).toThrow(WireJsonError)
        else expect(sameAsJsonParse(parseJson(text), oracle.value)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('stringifyJson', () => {
  it('writes bigint as exact bare integer literals', () => {
    expect(stringifyJson(18446744073709551615n)).toBe('18446744073709551615')
    expect(stringifyJson({ a: [1n, -123456789012345678901234567890n], b: 'x' })).toBe(
      '{"a":[1,-123456789012345678901234567890],"b":"x"}',
    )
    expect(stringifyJson(Object(5n))).toBe('5')
  })

  it('behaves like JSON.stringify otherwise', () => {
    const value = {
      u: undefined,
      f: () => 1,
      s: Symbol('x'),
      arr: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, -0],
      date: new Date(0),
      boxed: [Object('s'), Object(1), Object(true)],
      nested: { toJSON: (key: string) => `key:${key}` },
      big: 10n,
    }
    const { big: _big, ...rest } = value
    expect(stringifyJson(value)).toBe(`${JSON.stringify(rest).slice(0, -1)},"big":10}`)
  })

  it('throws WireJsonError for values without a JSON form', () => {
    expect(() => stringifyJson(undefined)).toThrow(WireJsonError)
    expect(() => stringifyJson(() => 1)).toThrow(WireJsonError)
    const cycle: Record<string, unknown> = { n: 1n }
    cycle.self = cycle
    expect(() => stringifyJson(cycle)).toThrow(WireJsonError)
    const plainCycle: unknown[] = []
    plainCycle.push(plainCycle)
    expect(() => stringifyJson(plainCycle)).toThrow(WireJsonError)
  })

  it('equals JSON.stringify on values without bigint, on both paths (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
        }),
        (value) => {
          const expected = JSON.stringify(value)
          if (expected === undefined) expect(() => stringifyJson(value)).toThrow(WireJsonError)
          else expect(stringifyJson(value)).toBe(expected)
          // A bigint sibling forces the exact serializer.
          expect(stringifyJson([value, 1n])).toBe(`[${expected ?? 'null'},1]`)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('round-trips values with bigints through parseJson (property)', () => {
    const wire = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
      ),
    })).value
    const normalize = (v: unknown): unknown => {
      if (typeof v === 'bigint')
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
      if (Array.isArray(v)) return v.map(normalize)
      if (typeof v === 'object' && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]))
      }
      return v
    }
    fc.assert(
      fc.property(wire, (value) => {
        const text = stringifyJson(value)
        const back = parseJson(text)
        expect(stringifyJson(back)).toBe(text)
        expect(back).toEqual(normalize(value))
      }),
      { numRuns: 500 },
    )
  })
})
