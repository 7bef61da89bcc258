import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJson, parseJsonUnlocated, WireJsonError } from '../src/index.js'

function outcome(parse: () => unknown): { value: unknown } | { code: string; position: number | undefined } {
  try {
    return { value: parse() }
  } catch (e) {
    expect(e).toBeInstanceOf(WireJsonError)
    return { code: (e as WireJsonError).code, position: (e as WireJsonError).position }
  }
}

// parseJsonUnlocated is what sessions parse frames with: parseJson without the syntax-error locator.
describe('parseJsonUnlocated', () => {
  it('builds the same values as parseJson, unsafe integers as exact bigints included', () => {
    const text = '{"a":[1,2.5,-0,1e3,"x\\n",true,null],"big":18446744073709551615,"neg":-9007199254740993}'
    expect(parseJsonUnlocated(text)).toEqual(parseJson(text))
    expect((parseJsonUnlocated(text) as { big: unknown }).big).toBe(18446744073709551615n)
  })

  it('refuses what parseJson refuses with the same code; limit errors keep their position', () => {
    const deep = `${'['.repeat(129)}${']'.repeat(129)}`
    const limit = outcome(() => parseJsonUnlocated(deep))
    expect(limit).toEqual(outcome(() => parseJson(deep)))
    expect(limit).toMatchObject({ code: 'JSON_LIMIT_EXCEEDED', position: 128 })
    expect(() => parseJsonUnlocated(deep)).toThrow(
      'JSON over the limit: nesting deeper than 128 at position 128',
    )
    for (const bad of ['', '{', '{"a":1,}', '"\\x"', '[1 2]', '{"a":1} x', 'nul']) {
      expect(outcome(() => parseJsonUnlocated(bad))).toEqual({ code: 'INVALID_JSON', position: undefined })
      expect(outcome(() => parseJson(bad))).toMatchObject({ code: 'INVALID_JSON' })
    }
  })

  it('agrees with parseJson on arbitrary text and JSON (property)', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    )
    fc.assert(
      fc.property(texts, (text) => {
        const a = outcome(() => parseJsonUnlocated(text))
        const b = outcome(() => parseJson(text))
        if ('value' in b) expect(a).toEqual(b)
        else expect(a).toMatchObject({ code: b.code })
      }),
      { numRuns: 500 },
    )
  })
})
