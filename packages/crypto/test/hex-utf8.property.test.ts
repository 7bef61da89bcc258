import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToUtf8, hexToBytes, isCryptoError, utf8ToBytes } from '../src/index.js'

const HEX_DIGITS = '0123456789abcdefABCDEF'
const hexDigit = fc.constantFrom(...HEX_DIGITS)
/** Every character outside [0-9a-fA-F], from the whole BMP and beyond. */
const nonHexChar = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 1 })
  .filter((c) => !HEX_DIGITS.includes(c))

function hexErrorOf(fn: () => unknown): boolean {
  try {
    fn()
  } catch (error) {
    return isCryptoError(error, 'INVALID_HEX')
  }
  return false
}

/** Each character of `hex` upper- or lower-cased according to `upper`. */
function mixCase(hex: string, upper: boolean[]): string {
  return [...hex].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('')
}

describe('bytesToHex / hexToBytes', () => {
  it('round trip: hexToBytes(bytesToHex(b)) = b, output is lowercase, 2 digits a byte, no prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
        const hex = bytesToHex(b)
        expect(hex).toMatch(/^[0-9a-f]*$/)
        expect(hex).toHaveLength(b.length * 2)
        expect(hex).toBe(Buffer.from(b).toString('hex'))
        expect(hexToBytes(hex)).toEqual(b)
      }),
    )
  })

  it('accepts a lowercase 0x prefix and digits in any mix of cases', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 128 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.boolean(),
        (b, upper, prefixed) => {
          const hex = `${prefixed ? '0x' : ''}${mixCase(bytesToHex(b), upper)}`
          expect(hexToBytes(hex)).toEqual(b)
        },
      ),
    )
    expect(hexToBytes('0x')).toEqual(new Uint8Array(0))
    expect(hexToBytes('')).toEqual(new Uint8Array(0))
    expect(hexToBytes('0xDeadBEEF')).toEqual(Uint8Array.of(0xde, 0xad, 0xbe, 0xef))
  })

  it('rejects an odd number of digits, with or without 0x', () => {
    fc.assert(
      fc.property(
        fc.array(hexDigit, { maxLength: 64 }).filter((d) => d.length % 2 === 1),
        fc.boolean(),
        (digits, prefixed) => {
          expect(hexErrorOf(() => hexToBytes(`${prefixed ? '0x' : ''}${digits.join('')}`))).toBe(true)
        },
      ),
    )
  })

  it('rejects any non-hex character anywhere (never truncates or skips)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), nonHexChar, fc.nat(), (b, bad, n) => {
        const hex = bytesToHex(b)
        const at = n % hex.length
        const broken = hex.slice(0, at) + bad + hex.slice(at + 1)
        expect(hexErrorOf(() => hexToBytes(broken))).toBe(true)
        expect(hexErrorOf(() => hexToBytes(`0x${broken}`))).toBe(true)
      }),
    )
    for (const bad of [' 00', '00 ', '0x 00', '00\n', '0g', '+1', '-1', '0x0x00', '１２']) {
      expect(hexErrorOf(() => hexToBytes(bad))).toBe(true)
    }
  })

  it('rejects the 0X prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(hexErrorOf(() => hexToBytes(`0X${bytesToHex(b)}`))).toBe(true)
      }),
    )
  })

  it('accepts exactly the strings matching /^(0x)?([0-9a-fA-F]{2})*$/ and decodes them like Buffer does', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...HEX_DIGITS, 'x', 'X', 'g', ' ', '0'), maxLength: 20 })
    fc.assert(
      fc.property(fc.oneof(hexish, fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        const valid = /^(0x)?([0-9a-fA-F]{2})*$/.test(s)
        if (!valid) {
          expect(hexErrorOf(() => hexToBytes(s))).toBe(true)
          return
        }
        expect(hexToBytes(s)).toEqual(new Uint8Array(Buffer.from(s.replace(/^0x/, ''), 'hex')))
      }),
      { numRuns: 1000 },
    )
  })
})

describe('utf8ToBytes / bytesToUtf8', () => {
  it('round trips any Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 256 }), (s) => {
        expect(bytesToUtf8(utf8ToBytes(s))).toBe(s)
        expect(utf8ToBytes(s)).toEqual(new Uint8Array(Buffer.from(s, 'utf8')))
      }),
    )
  })

  it('gives TextEncoder’s bytes for any string around the short-ASCII fast path (lone surrogates included)', () => {
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xffff }).map((c) => String.fromCharCode(c)) },
    )
    const encoder = new TextEncoder()
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (s) => {
        expect(utf8ToBytes(s)).toEqual(encoder.encode(s))
      }),
      { numRuns: 2000 },
    )
    for (const n of [0, 63, 64, 65]) expect(utf8ToBytes('a'.repeat(n))).toEqual(encoder.encode('a'.repeat(n)))
  })

  it('decodes bytes exactly or throws INVALID_INPUT — never replaces or drops anything', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        let decoded: string
        try {
          decoded = bytesToUtf8(b)
        } catch (error) {
          expect(isCryptoError(error, 'INVALID_INPUT')).toBe(true)
          return
        }
        expect(utf8ToBytes(decoded)).toEqual(b)
      }),
      { numRuns: 2000 },
    )
  })

  it('rejects malformed UTF-8 and keeps a leading byte-order mark', () => {
    const malformed = [
      [0xff],
      [0x80],
      [0xc0, 0x80], // overlong NUL
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // UTF-16 surrogate encoded in UTF-8
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
    ]
    for (const seq of malformed) {
      expect(() => bytesToUtf8(Uint8Array.from(seq))).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      )
    }
    expect(bytesToUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe('\uFEFFA')
  })
})
