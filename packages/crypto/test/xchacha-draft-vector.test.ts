import { describe, expect, it } from 'vitest'
import { bytesToHex, bytesToUtf8, CryptoError, hexToBytes, open, sealWithNonce } from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'

/** draft-irtf-cfrg-xchacha-03, Appendix A.3.1: AEAD_XChaCha20_Poly1305 test vector. */
const KEY = '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'
const NONCE = '404142434445464748494a4b4c4d4e4f5051525354555657'
const AAD = '50515253c0c1c2c3c4c5c6c7'
const PLAINTEXT =
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
const CIPHERTEXT =
  'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb' +
  '731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452' +
  '2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9' +
  '21f9664c97637da9768812f615c68b13b52e'
const TAG = 'c0875924c1c7987947deafd8780acf49'

describeEachBackend('draft vector', () => {
  describe('XChaCha20-Poly1305 — draft-irtf-cfrg-xchacha A.3.1', () => {
    const key = hexToBytes(KEY)
    const nonce = hexToBytes(NONCE)
    const aad = hexToBytes(AAD)

    it('sealWithNonce produces the draft ciphertext followed by its tag', () => {
      const sealed = sealWithNonce(key, nonce, PLAINTEXT, aad)
      expect(sealed).toHaveLength(PLAINTEXT.length + 16)
      expect(bytesToHex(sealed)).toBe(CIPHERTEXT + TAG)
    })

    it('open recovers the plaintext', () => {
      expect(bytesToUtf8(open(key, nonce, hexToBytes(CIPHERTEXT + TAG), aad))).toBe(PLAINTEXT)
    })

    it('open rejects the draft ciphertext under a different AAD', () => {
      expect(() => open(key, nonce, hexToBytes(CIPHERTEXT + TAG), 'session_init')).toThrow(CryptoError)
    })
  })
})
