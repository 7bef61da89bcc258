import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type JsonBuilder, JsonRejection, parseJsonWith, WireJsonError } from '../src/index.js'
import { jsonishText, jsonParseOutcome } from './json-oracle.js'

const UNBOUNDED = { maxDepth: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY }

/** Keeps every number as its source text and every object as its entries in source order, duplicates included. */
const RAW: JsonBuilder<Array<[string, unknown]>> = {
  number: (raw, _integer, at) => ({ raw, at }),
  startObject: () => [],
  setProperty: (object, key, value) => {
    object.push([key, value])
  },
  endObject: (object) => ({ entries: object }),
}

/** What JSON.parse builds, from a RAW result. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) {
    if ('raw' in value) return Number((value as { raw: string }).raw)
    const out: Record<string, unknown> = {}
    for (const [k, v] of (value as { entries: Array<[string, unknown]> }).entries) {
      Object.defineProperty(out, k, { value: plain(v), writable: true, enumerable: true, configurable: true })
    }
    return out
  }
  return value
}

describe('parseJsonWith (the exact reader behind parseJson and node-sim)', () => {
  it('hands numbers over as source text with their offset, objects through the hooks in source order', () => {
    expect(parseJsonWith('{"a": 1.50, "b": [-0, 1e3], "a": 18446744073709551616}', RAW)).toEqual({
      entries: [
        ['a', { raw: '1.50', at: 6 }],
        [
          'b',
          [
            { raw: '-0', at: 18 },
            { raw: '1e3', at: 22 },
          ],
        ],
        ['a', { raw: '18446744073709551616', at: 33 }],
      ],
    })
  })

  it('rejects exactly what JSON.parse rejects, on its own, without the JSON.parse fast path (property)', () => {
    fc.assert(
      fc.property(jsonishText, (text) => {
        const oracle = jsonParseOutcome(text)
        if (oracle.failed) expect(() => parseJsonWith(text, RAW, UNBOUNDED), text).toThrow(WireJsonError)
        else expect(plain(parseJsonWith(text, RAW, UNBOUNDED))).toEqual(oracle.value)
      }),
      { numRuns: 3000 },
    )
  })

  it('equals JSON.parse on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1)
        expect(plain(parseJsonWith(text, RAW))).toEqual(JSON.parse(text))
      }),
      { numRuns: 500 },
    )
  })

  it('a JsonRejection from the number hook is a syntax error at the literal', () => {
    const finite: JsonBuilder<Array<[string, unknown]>> = {
      ...RAW,
      number(raw) {
        if (!Number.isFinite(Number(raw))) throw new JsonRejection('number out of range')
        return Number(raw)
      },
    }
    expect(parseJsonWith('[1e308]', finite)).toEqual([1e308])
    const error = (() => {
      try {
        parseJsonWith('[1, 1e400]', finite)
      } catch (e) {
        return e as WireJsonError
      }
    })()
    expect(error).toBeInstanceOf(WireJsonError)
    expect(error?.position).toBe(4)
    expect(error?.message).toContain('number out of range')
  })

  it('rejects lone surrogate escapes only when the builder asks', () => {
    const strict = { ...RAW, rejectLoneSurrogates: true }
    for (const text of ['"\\ud800"', '"\\udc00"', '"\\ud800\\u0041"', '"x\\n\\udbff"', '{"\\udc00":1}']) {
      expect(parseJsonWith(text, RAW), text).toBeDefined()
      expect(() => parseJsonWith(text, strict), text).toThrow(WireJsonError)
    }
    expect(parseJsonWith('"\\ud83d\\ude00\\n"', strict)).toBe('😀\n')
    expect(parseJsonWith('"😀"', strict)).toBe('😀')
  })

  it('makes its errors with toError when given one, limits included', () => {
    const toError = (problem: string, position: number) => new RangeError(`${problem} @${position}`)
    expect(() => parseJsonWith('[1,]', RAW, UNBOUNDED, toError)).toThrow(
      new RangeError('unexpected character @3'),
    )
    expect(() => parseJsonWith('[[[]]]', RAW, { maxDepth: 2, maxValues: 10 }, toError)).toThrow(
      new RangeError('nesting deeper than 2 @2'),
    )
  })
})
