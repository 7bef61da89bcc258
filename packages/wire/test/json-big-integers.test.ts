import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type JsonBuilder, parseJson, parseJsonUnlocated, parseJsonWith } from '../src/index.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** The reference: the exact reader, integer literals beyond ±(2^53 − 1) as bigints. */
const EXACT: JsonBuilder<Record<string, unknown>> = {
  number(raw, integer) {
    if (integer) {
      const big = BigInt(raw)
      if (big > MAX_SAFE || big < -MAX_SAFE) return big
    }
    return Number(raw)
  },
  startObject: () => ({}),
  setProperty(target, key, value) {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  },
  endObject: (object) => object,
}
const UNBOUNDED = { maxDepth: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY }
const exact = (text: string) => parseJsonWith(text, EXACT, UNBOUNDED)

// NUL-led strings (a marker-based restore would confuse them with rewritten literals), and numbers at every edge
// of the safe range.
const strings = fc.oneof(
  fc.string(),
  fc.constantFrom('\u0000', '\u0000\u0000', '\u00001', '\u0000\u000018446744073709551616', '__proto__'),
)
const bigs = fc.oneof(
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
  fc.constantFrom(MAX_SAFE, MAX_SAFE + 1n, -MAX_SAFE, -MAX_SAFE - 1n, 1n << 64n, -(1n << 63n)),
)
const leaf = fc.oneof(
  strings.map((s) => JSON.stringify(s)),
  bigs.map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('true', 'false', 'null', '1e400', '9007199254740993.0', '12345678901234567e3'),
)
const { json } = fc.letrec<{ json: string }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(strings, tie('json')), { maxLength: 4 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}))

describe('integers beyond the safe range', () => {
  it('parse to exactly what the exact reader builds, NUL-led strings and __proto__ keys included (property)', () => {
    fc.assert(
      fc.property(json, (text) => {
        const expected = exact(text)
        expect(parseJson(text)).toStrictEqual(expected)
        expect(parseJsonUnlocated(text)).toStrictEqual(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('keep a string that starts with NULs a string, next to a bigint', () => {
    const text = '["\\u0000\\u00001", 18446744073709551615, {"k": "\\u0000"}, -9007199254740993]'
    expect(parseJson(text)).toStrictEqual([
      '\u0000\u00001',
      18446744073709551615n,
      { k: '\u0000' },
      -9007199254740993n,
    ])
  })

  it('work at any depth when the limits are lifted (no recursion)', () => {
    const depth = 100_000
    let value = parseJson(`${'['.repeat(depth)}18446744073709551615${']'.repeat(depth)}`, UNBOUNDED)
    for (let i = 0; i < depth; i++) value = (value as unknown[])[0]
    expect(value).toBe(18446744073709551615n)
  })

  it('stay linear when long NUL-led strings meet many big integers (no marker grows with the strings)', () => {
    const nuls = '\\u0000'.repeat(100_000)
    const text = `{"s":"${nuls}x","n":[${Array(10_000).fill('18446744073709551615').join(',')}]}`
    const value = parseJson(text, UNBOUNDED) as { s: string; n: bigint[] }
    expect(value.s).toBe(`${'\u0000'.repeat(100_000)}x`)
    expect(value.n).toHaveLength(10_000)
    expect(value.n.every((n) => n === 18446744073709551615n)).toBe(true)
  })

  it('a __proto__ key holding a bigint stays an own data property', () => {
    const value = parseJson('{"__proto__": 18446744073709551615}') as object
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(18446744073709551615n)
  })
})
