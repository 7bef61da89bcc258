import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  assertPrivateKey,
  bytesToHex,
  type CryptoErrorCode,
  equalBytes,
  generateEphemeralKey,
  getPublicKey,
  hexToBytes,
  isCryptoError,
  parsePublicKey,
  randomBytes,
  zeroize,
} from '../src/index.js'
import { toFixedBytes } from './helpers/der.js'
import { CURVE_ORDER } from './helpers/secp256k1.js'

function errorCode(fn: () => unknown): CryptoErrorCode | 'no error' | 'not a CryptoError' {
  try {
    fn()
  } catch (error) {
    return isCryptoError(error) ? error.code : 'not a CryptoError'
  }
  return 'no error'
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0)

describe('zeroize', () => {
  it('overwrites every given buffer and skips null/undefined', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 5 }), (buffers) => {
        zeroize(...buffers, undefined, null)
        for (const b of buffers) expect(isZero(b)).toBe(true)
      }),
    )
  })

  it('zeroes only the view it is given (a subarray leaves the rest intact)', () => {
    const whole = new Uint8Array(8).fill(9)
    zeroize(whole.subarray(2, 5))
    expect([...whole]).toEqual([9, 9, 0, 0, 0, 9, 9, 9])
  })

  it('throws INVALID_INPUT before touching anything when one argument is not bytes', () => {
    const key = new Uint8Array(4).fill(5)
    expect(errorCode(() => zeroize(key, [1, 2] as unknown as Uint8Array))).toBe('INVALID_INPUT')
    expect([...key]).toEqual([5, 5, 5, 5])
  })
})

describe('equalBytes', () => {
  it('is true for equal contents and false when any single byte differs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (a, n, delta) => {
          expect(equalBytes(a, a.slice())).toBe(true)
          const b = a.slice()
          const i = n % b.length
          b[i] = (b[i]! + delta) & 0xff
          expect(equalBytes(a, b)).toBe(false)
        },
      ),
    )
  })

  it('is false on a length mismatch and true for two empty arrays', () => {
    expect(equalBytes(new Uint8Array(3), new Uint8Array(4))).toBe(false)
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false)
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })
})

describe('randomBytes', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it.each([0, 1, 16, 24, 32, 65_535, 65_536, 65_537, 200_000, 1_000_003])('returns exactly %i bytes', (n) => {
    const bytes = randomBytes(n)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(bytes).toHaveLength(n)
  })

  it('fills buffers above the 65,536-byte getRandomValues limit everywhere, including the last chunk', () => {
    const n = 3 * 65_536 + 100
    const bytes = randomBytes(n)
    // Every 4 KiB window of random data has (overwhelmingly) many distinct non-zero bytes.
    for (let off = 0; off < n; off += 4096) {
      const window = bytes.subarray(off, Math.min(n, off + 4096))
      expect(new Set(window).size).toBeGreaterThan(Math.min(50, window.length / 2))
    }
    expect(isZero(bytes.subarray(n - 100))).toBe(false)
  })

  it('two calls give different bytes', () => {
    expect(bytesToHex(randomBytes(32))).not.toBe(bytesToHex(randomBytes(32)))
  })

  it('rejects negative, fractional, non-finite and non-number sizes with INVALID_INPUT', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '32', null, undefined, 32n]) {
      expect(errorCode(() => randomBytes(bad as number))).toBe('INVALID_INPUT')
    }
  })

  it('throws RANDOM_UNAVAILABLE without a CSPRNG', () => {
    vi.stubGlobal('crypto', undefined)
    expect(errorCode(() => randomBytes(8))).toBe('RANDOM_UNAVAILABLE')
    vi.stubGlobal('crypto', {
      getRandomValues: () => {
        throw new Error('entropy source failed')
      },
    })
    expect(errorCode(() => randomBytes(8))).toBe('RANDOM_UNAVAILABLE')
  })
})

describe('keys', () => {
  it('generateEphemeralKey gives a fresh valid scalar and its 33-byte compressed public key', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const { privateKey, publicKey } = generateEphemeralKey()
      expect(privateKey).toHaveLength(32)
      expect(assertPrivateKey(privateKey)).toBe(privateKey)
      expect(publicKey).toHaveLength(33)
      expect([2, 3]).toContain(publicKey[0])
      expect(publicKey).toEqual(getPublicKey(privateKey))
      seen.add(bytesToHex(privateKey))
    }
    expect(seen.size).toBe(50)
  })

  it('assertPrivateKey accepts 1 and n − 1 and rejects 0, n, n + 1 and 2^256 − 1', () => {
    const scalar = (v: bigint) => toFixedBytes(v, 32)!
    expect(errorCode(() => assertPrivateKey(scalar(1n)))).toBe('no error')
    expect(errorCode(() => assertPrivateKey(scalar(CURVE_ORDER - 1n)))).toBe('no error')
    for (const bad of [0n, CURVE_ORDER, CURVE_ORDER + 1n, (1n << 256n) - 1n]) {
      expect(errorCode(() => assertPrivateKey(scalar(bad)))).toBe('INVALID_KEY')
      expect(errorCode(() => getPublicKey(scalar(bad)))).toBe('INVALID_KEY')
    }
  })

  it('parsePublicKey normalises every accepted encoding to the compressed form', () => {
    const priv = generateEphemeralKey().privateKey
    const compressed = getPublicKey(priv)
    const uncompressed = getPublicKey(priv, false)
    expect(uncompressed).toHaveLength(65)
    for (const key of [compressed, uncompressed, bytesToHex(uncompressed), `0x${bytesToHex(compressed)}`]) {
      expect(parsePublicKey(key)).toEqual(compressed)
    }
  })

  it('parsePublicKey rejects bad prefixes, sizes, hex and off-curve points with INVALID_PUBLIC_KEY', () => {
    const compressed = getPublicKey(generateEphemeralKey().privateKey)
    const uncompressed = getPublicKey(generateEphemeralKey().privateKey, false)
    const hybrid = uncompressed.slice()
    hybrid[0] = 6
    const wrongPrefix = compressed.slice()
    wrongPrefix[0] = 4
    const offCurve = uncompressed.slice()
    offCurve[64]! ^= 1
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0), // the point at infinity
      compressed.subarray(1), // raw x, 32 bytes
      uncompressed.subarray(1), // raw x‖y, 64 bytes
      hybrid,
      wrongPrefix,
      offCurve,
      hexToBytes(`02${'ff'.repeat(32)}`), // x ≥ p
      `0X${bytesToHex(compressed)}`,
      `${bytesToHex(compressed)}0`,
    ]
    for (const key of bad) expect(errorCode(() => parsePublicKey(key))).toBe('INVALID_PUBLIC_KEY')
  })
})
