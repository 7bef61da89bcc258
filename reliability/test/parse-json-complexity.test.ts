import { parseJsonLossless } from '@fabstir/node-sim'
import { parseJson } from '@fabstir/wire'
import { describe, expect, it } from 'vitest'

/**
 * Regression guard for a denial of service found by the fuzzer (receive-plaintext / parse-json targets): a frame
 * with a long string full of escapes made `parseJson` re-scan the rest of the string for its closing quote once per
 * escape — quadratic time (a 6 MB frame blocked the event loop for over a minute). Every inbound frame goes through
 * `parseJson` (`receive()`), so any peer could stall the client.
 *
 * The check is on work, not time: it counts how many characters `String.prototype.indexOf` scans while parsing and
 * requires it to stay within a small multiple of the text length.
 */
function charactersScanned(text: string, run: () => void): number {
  const original = String.prototype.indexOf
  let scanned = 0
  String.prototype.indexOf = function (this: string, search: string, position?: number): number {
    const found = original.call(this, search, position)
    if (this === text) scanned += (found < 0 ? this.length : found) - (position ?? 0)
    return found
  }
  try {
    run()
  } finally {
    String.prototype.indexOf = original
  }
  return scanned
}

const ESCAPES = 4_000

describe('parseJson work is linear in the input', () => {
  it('valid JSON on the lossless path (a 17-digit integer) with a long escaped string', () => {
    const text = `{"n":12345678901234567,"s":"${'\\u00e9'.repeat(ESCAPES)}"}`
    let value: unknown
    const scanned = charactersScanned(text, () => {
      value = parseJson(text)
    })
    expect((value as { s: string }).s).toBe('é'.repeat(ESCAPES))
    expect(scanned).toBeLessThanOrEqual(4 * text.length)
  })

  it('malformed JSON (position report re-parse) with a long escaped string', () => {
    const text = `{"type":"encrypted_chunk","s":"${'\\ud800'.repeat(ESCAPES)}" garbage`
    const scanned = charactersScanned(text, () => {
      expect(() => parseJson(text)).toThrow(/invalid JSON/)
    })
    expect(scanned).toBeLessThanOrEqual(4 * text.length)
  })

  it("the simulated node's serde-like parser (the same reader) on a long escaped string, valid and not", () => {
    const valid = `{"n":18446744073709551615,"s":"${'\\u00e9'.repeat(ESCAPES)}"}`
    expect(charactersScanned(valid, () => parseJsonLossless(valid))).toBeLessThanOrEqual(4 * valid.length)
    const bad = `{"s":"${'\\u00e9'.repeat(ESCAPES)}" garbage`
    const scanned = charactersScanned(bad, () => {
      expect(() => parseJsonLossless(bad)).toThrow(/expected ',' or '}'/)
    })
    expect(scanned).toBeLessThanOrEqual(4 * bad.length)
  })
})
