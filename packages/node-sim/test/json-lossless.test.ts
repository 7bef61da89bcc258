import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  asF64,
  asI64,
  asU64,
  type JsonNumber,
  JsonObject,
  JsonSyntaxError,
  parseJsonLossless,
  parseU64Decimal,
  stringifyJson,
  toPlain,
} from '../src/json-lossless.js'

function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(normalize)
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]))
  return v
}

describe('parseJsonLossless (serde_json rules)', () => {
  it('agrees with JSON.parse on every JSON document JSON.stringify can produce', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        expect(normalize(toPlain(parseJsonLossless(text)))).toEqual(JSON.parse(text))
      }),
    )
  })

  it('round-trips through stringifyJson', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = stringifyJson(parseJsonLossless(JSON.stringify(value)))
        expect(stringifyJson(parseJsonLossless(once))).toBe(once)
      }),
    )
  })

  it('classifies numbers like serde: u64, i64 or f64', () => {
    const n = (t: string) => parseJsonLossless(t) as JsonNumber
    expect(n('0').kind).toBe('u64')
    expect(n('18446744073709551615').integer).toBe(18446744073709551615n)
    expect(n('18446744073709551616').kind).toBe('f64')
    expect(n('-9223372036854775808').kind).toBe('i64')
    expect(n('-9223372036854775809').kind).toBe('f64')
    expect(n('-0').kind).toBe('f64')
    expect(n('1.0').kind).toBe('f64')
    expect(n('1e3').kind).toBe('f64')
    expect(asU64(n('42'))).toBe(42n)
    expect(asU64(n('-1'))).toBeUndefined()
    expect(asI64(n('-1'))).toBe(-1n)
    expect(asI64(n('9223372036854775808'))).toBeUndefined()
    expect(asF64(n('12'))).toBe(12)
    expect(asU64('5')).toBeUndefined()
  })

  it('rejects what serde_json rejects', () => {
    const bad = [
      '',
      ' ',
      '01',
      '1.',
      '.5',
      '1e',
      '+1',
      '-',
      'NaN',
      'Infinity',
      '1e400',
      '[1,]',
      '{"a":1,}',
      "{'a':1}",
      '{"a" 1}',
      '"\\ud800"',
      '"\\udc00"',
      '"\\ud800\\u0041"',
      '"a\nb"',
      '"\\x41"',
      '"\\u12"',
      'tru',
      'nul',
      '[1] 2',
      '{"a":1}}',
      '"unterminated',
      `${'['.repeat(128)}${']'.repeat(128)}`,
    ]
    for (const text of bad)
      expect(() => parseJsonLossless(text), JSON.stringify(text)).toThrow(JsonSyntaxError)
    expect(() => parseJsonLossless(`${'['.repeat(127)}${']'.repeat(127)}`)).not.toThrow()
    expect(parseJsonLossless(' \t\r\n{"a" : [ true , false , null ] }\n')).toBeInstanceOf(JsonObject)
    expect(parseJsonLossless('"\\ud83d\\ude00 \\u00e9 \\/"')).toBe('😀 é /')
  })

  it('rejects everything JSON.parse rejects, and agrees with it elsewhere except on lone surrogates (property)', () => {
    const jsonish = fc.string({
      unit: fc.constantFrom(...'{}[],:"\\ 0123456789-+.eEtruefalsn\n\tud8'),
      maxLength: 30,
    })
    fc.assert(
      fc.property(jsonish, (text) => {
        let expected: unknown
        try {
          expected = JSON.parse(text)
        } catch {
          expect(() => parseJsonLossless(text), text).toThrow(JsonSyntaxError)
          return
        }
        let parsed: unknown
        try {
          parsed = toPlain(parseJsonLossless(text))
        } catch (error) {
          expect(error, text).toBeInstanceOf(JsonSyntaxError)
          expect((error as Error).message, text).toMatch(/lone surrogate|out of range/)
          return
        }
        expect(normalize(parsed), text).toEqual(expected)
      }),
      { numRuns: 3000 },
    )
  })

  it('keeps the last duplicate and records duplicated keys', () => {
    const o = parseJsonLossless('{"a":1,"b":2,"a":3}') as JsonObject
    expect(toPlain(o)).toEqual({ b: 2, a: 3 })
    expect([...o.duplicateKeys]).toEqual(['a'])
    expect(o.has('b')).toBe(true)
    expect(o.get('zz')).toBeUndefined()
  })

  it('never quotes the input in its error messages', () => {
    try {
      parseJsonLossless('{"secret": tru}')
      expect.unreachable()
    } catch (e) {
      expect((e as JsonSyntaxError).message).not.toContain('secret')
      expect((e as JsonSyntaxError).code).toBe('INVALID_JSON')
      expect((e as JsonSyntaxError).position).toBe(11)
    }
  })
})

describe('stringifyJson', () => {
  it('writes bigints exactly, omits undefined, and echoes parsed numbers in serde formatting', () => {
    expect(stringifyJson({ a: 18446744073709551615n, b: undefined, c: null, d: [1, 'x', true] })).toBe(
      '{"a":18446744073709551615,"c":null,"d":[1,"x",true]}',
    )
    expect(stringifyJson(parseJsonLossless('[1, -2, 1.5, 1e3, 1.0, 18446744073709551616, "\\u0001"]'))).toBe(
      '[1,-2,1.5,1000.0,1.0,1.8446744073709552e19,"\\u0001"]',
    )
    expect(stringifyJson(Number.NaN)).toBe('null')
    const floats: Array<[string, string]> = [
      ['0.0', '0.0'],
      ['-0', '-0.0'],
      ['1e16', '1e16'],
      ['1234567890123456.0', '1234567890123456.0'],
      ['12.34', '12.34'],
      ['0.001234', '0.001234'],
      ['0.00001', '0.00001'],
      ['0.000001', '1e-6'],
      ['1.5e-7', '1.5e-7'],
      ['-2.5e30', '-2.5e30'],
    ]
    for (const [input, output] of floats) expect(stringifyJson(parseJsonLossless(input)), input).toBe(output)
  })
})

describe('parseU64Decimal (Rust str::parse::<u64>)', () => {
  it('accepts digits with an optional plus sign and rejects everything else', () => {
    expect(parseU64Decimal('42')).toBe(42n)
    expect(parseU64Decimal('+7')).toBe(7n)
    expect(parseU64Decimal('007')).toBe(7n)
    expect(parseU64Decimal('18446744073709551615')).toBe(18446744073709551615n)
    for (const bad of ['', '+', '-1', ' 1', '1 ', '1.0', '0x10', '18446744073709551616', '1e3']) {
      expect(parseU64Decimal(bad), bad).toBeUndefined()
    }
  })

  it('keeps a "__proto__" key as an own property (no prototype change), like JSON.parse', () => {
    const text = '{"__proto__":{"polluted":1},"a":1}'
    const parsed = toPlain(parseJsonLossless(text)) as Record<string, unknown>
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true)
    expect(parsed).toEqual(JSON.parse(text))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
