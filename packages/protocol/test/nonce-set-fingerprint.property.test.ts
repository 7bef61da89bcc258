import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NonceSet } from '../src/nonce-set.js'

/** The fingerprint as first written: `parseInt` of the first two groups of 8 hex digits. */
function referenceFingerprint(nonceHex: string): string {
  const start = nonceHex.startsWith('0x') ? 2 : 0
  const hi = Number.parseInt(nonceHex.slice(start, start + 8), 16) >>> 0
  const lo = Number.parseInt(nonceHex.slice(start + 8, start + 16), 16) >>> 0
  return `${hi === 0 ? 1 : hi}:${lo}`
}

const hexChars = fc.constantFrom(...'0123456789abcdefABCDEF')
const nonce = fc
  .tuple(fc.boolean(), fc.array(hexChars, { minLength: 48, maxLength: 48 }))
  .map(([prefix, digits]) => `${prefix ? '0x' : ''}${digits.join('')}`)
/** Also strings the wire layer would have rejected: short, odd, with non-hex characters. */
const odd = fc.string({ maxLength: 30 })

describe('NonceSet fingerprints (allocation-free parsing)', () => {
  it('a set answers has() exactly like a set keyed by the reference fingerprint', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: nonce }, { weight: 1, arbitrary: odd }), {
          maxLength: 200,
        }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (inputs, picks) => {
          const set = new NonceSet()
          const reference = new Set<string>()
          for (const [i, input] of inputs.entries()) {
            // Re-query earlier inputs too (in other spellings), so that hits are exercised, not only misses.
            const earlier = inputs[(picks[i] ?? 0) % (i + 1)]!
            for (const q of [input, earlier, earlier.toUpperCase().replace(/^0X/, '0x')]) {
              if (set.has(q) !== reference.has(referenceFingerprint(q))) return false
            }
            set.add(input)
            reference.add(referenceFingerprint(input))
          }
          return set.size === reference.size
        },
      ),
      { numRuns: 300 },
    )
  })

  it('the 0x prefix and hex case do not change the fingerprint', () => {
    const set = new NonceSet()
    set.add('00000000ABCDEF01aa')
    expect(set.has('0x00000000abcdef01ff')).toBe(true)
    expect(set.has('0x00000001abcdef01ff')).toBe(true) // hi 0 and hi 1 share a fingerprint (0 marks empty)
    expect(set.has('0x00000002abcdef01ff')).toBe(false)
  })
})
