import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bytesToHex,
  bytesToUtf8,
  CryptoError,
  isCryptoError,
  NONCE_SIZE,
  open,
  seal,
  sealWithNonce,
  TAG_SIZE,
  utf8ToBytes,
} from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const bytes = fc.uint8Array({ maxLength: 1024 })
/** Any Unicode text (no lone surrogates, which UTF-8 cannot carry), empty included. */
const text = fc.string({ unit: 'binary', maxLength: 256 })

/** A copy of `data` with bit `bit` inverted. */
function flipBit(data: Uint8Array, bit: number): Uint8Array {
  const out = data.slice()
  out[bit >> 3]! ^= 1 << (bit & 7)
  return out
}

function expectDecryptionFailed(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    expect(isCryptoError(error, 'DECRYPTION_FAILED')).toBe(true)
    return
  }
  expect.unreachable('open accepted tampered input')
}

describeEachBackend('XChaCha20-Poly1305 properties', () => {
  describe('seal/open round trip', () => {
    it('returns the plaintext bytes for any key, plaintext and AAD bytes (empty included)', () => {
      fc.assert(
        fc.property(key32, bytes, bytes, (key, plaintext, aad) => {
          const { nonce, ciphertext } = seal(key, plaintext, aad)
          expect(nonce).toHaveLength(NONCE_SIZE)
          expect(ciphertext).toHaveLength(plaintext.length + TAG_SIZE)
          expect(open(key, nonce, ciphertext, aad)).toEqual(plaintext)
        }),
      )
    })

    it('returns the plaintext string for any Unicode plaintext and AAD strings (empty included)', () => {
      fc.assert(
        fc.property(key32, text, text, (key, plaintext, aad) => {
          const { nonce, ciphertext } = seal(key, plaintext, aad)
          expect(bytesToUtf8(open(key, nonce, ciphertext, aad))).toBe(plaintext)
          // A string AAD means exactly its UTF-8 bytes.
          expect(bytesToUtf8(open(key, nonce, ciphertext, utf8ToBytes(aad)))).toBe(plaintext)
        }),
      )
    })

    it('handles the empty plaintext and empty AAD explicitly', () => {
      const key = new Uint8Array(32).fill(7)
      for (const empty of ['', new Uint8Array(0)]) {
        const { nonce, ciphertext } = seal(key, empty, empty)
        expect(ciphertext).toHaveLength(TAG_SIZE)
        expect(open(key, nonce, ciphertext, '')).toEqual(new Uint8Array(0))
        expect(open(key, nonce, ciphertext, new Uint8Array(0))).toEqual(new Uint8Array(0))
      }
    })

    it('sealWithNonce is deterministic and agrees with seal', () => {
      fc.assert(
        fc.property(key32, bytes, bytes, (key, plaintext, aad) => {
          const { nonce, ciphertext } = seal(key, plaintext, aad)
          expect(sealWithNonce(key, nonce, plaintext, aad)).toEqual(ciphertext)
        }),
      )
    })
  })

  describe('tampering makes open throw DECRYPTION_FAILED', () => {
    const sealedCase = fc
      .record({ key: key32, plaintext: bytes, aad: fc.uint8Array({ minLength: 1, maxLength: 64 }) })
      .map(({ key, plaintext, aad }) => ({ key, aad, ...seal(key, plaintext, aad) }))

    it('flipping any bit of the ciphertext (tag included)', () => {
      fc.assert(
        fc.property(sealedCase, fc.nat(), ({ key, aad, nonce, ciphertext }, n) => {
          const bit = n % (ciphertext.length * 8)
          expectDecryptionFailed(() => open(key, nonce, flipBit(ciphertext, bit), aad))
        }),
      )
    })

    it('flipping any bit of the nonce', () => {
      fc.assert(
        fc.property(
          sealedCase,
          fc.nat({ max: NONCE_SIZE * 8 - 1 }),
          ({ key, aad, nonce, ciphertext }, bit) => {
            expectDecryptionFailed(() => open(key, flipBit(nonce, bit), ciphertext, aad))
          },
        ),
      )
    })

    it('flipping any bit of the AAD', () => {
      fc.assert(
        fc.property(sealedCase, fc.nat(), ({ key, aad, nonce, ciphertext }, n) => {
          expectDecryptionFailed(() => open(key, nonce, ciphertext, flipBit(aad, n % (aad.length * 8))))
        }),
      )
    })

    it('flipping any bit of the key', () => {
      fc.assert(
        fc.property(sealedCase, fc.nat({ max: 255 }), ({ key, aad, nonce, ciphertext }, bit) => {
          expectDecryptionFailed(() => open(flipBit(key, bit), nonce, ciphertext, aad))
        }),
      )
    })

    it('truncating or extending the ciphertext', () => {
      fc.assert(
        fc.property(sealedCase, fc.integer({ min: 1, max: 32 }), ({ key, aad, nonce, ciphertext }, n) => {
          const extended = new Uint8Array(ciphertext.length + n)
          extended.set(ciphertext)
          expectDecryptionFailed(() => open(key, nonce, extended, aad))
          expectDecryptionFailed(() =>
            open(key, nonce, ciphertext.subarray(0, Math.max(0, ciphertext.length - n)), aad),
          )
        }),
      )
    })

    it('a ciphertext shorter than the tag is DECRYPTION_FAILED, not a crash', () => {
      const key = new Uint8Array(32)
      const nonce = new Uint8Array(NONCE_SIZE)
      for (let len = 0; len < TAG_SIZE; len++) {
        expect(() => open(key, nonce, new Uint8Array(len), '')).toThrow(CryptoError)
        expectDecryptionFailed(() => open(key, nonce, new Uint8Array(len), ''))
      }
    })
  })

  describe('seal nonces', () => {
    it('10,000 seals under one key use 10,000 distinct 24-byte nonces', () => {
      const key = new Uint8Array(32).fill(1)
      const seen = new Set<string>()
      for (let i = 0; i < 10_000; i++) {
        const { nonce } = seal(key, 'x', 'message_0')
        expect(nonce).toBeInstanceOf(Uint8Array)
        expect(nonce.length).toBe(NONCE_SIZE)
        seen.add(bytesToHex(nonce))
      }
      expect(seen.size).toBe(10_000)
    })

    it('sealing the same message twice gives different ciphertexts', () => {
      const key = new Uint8Array(32).fill(2)
      const a = seal(key, 'same prompt', 'message_0')
      const b = seal(key, 'same prompt', 'message_0')
      expect(bytesToHex(a.ciphertext)).not.toBe(bytesToHex(b.ciphertext))
    })
  })
})
