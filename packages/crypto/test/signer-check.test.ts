import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../src/bytes.js'
import { getPublicKey, randomBytes, recoverPublicKey, recoversToPublicKey, signDigest } from '../src/index.js'

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

function key(): Uint8Array {
  for (;;) {
    const k = randomBytes(32)
    try {
      getPublicKey(k)
      return k
    } catch {
      // out of range: draw again
    }
  }
}

describe('recoversToPublicKey (the cheap per-init signer check, issue 15 #9)', () => {
  const secret = key()
  const publicKey = getPublicKey(secret, false)

  it('accepts the key’s own signatures (v 0/1 and 27/28), on first and later uses', () => {
    for (let i = 0; i < 5; i++) {
      const digest = randomBytes(32)
      const sig = signDigest(secret, digest)
      expect(recoversToPublicKey(publicKey, digest, sig)).toBe(true)
      const v27 = sig.slice()
      v27[64] = v27[64]! + 27
      expect(recoversToPublicKey(getPublicKey(secret, true), digest, v27)).toBe(true)
    }
  })

  it('refuses another key, a flipped v, another digest, high-S, out-of-range r/s and bad lengths', () => {
    const digest = randomBytes(32)
    const sig = signDigest(secret, digest)
    expect(recoversToPublicKey(getPublicKey(key(), false), digest, sig)).toBe(false)
    const flipped = sig.slice()
    flipped[64] = flipped[64]! ^ 1
    expect(recoversToPublicKey(publicKey, digest, flipped)).toBe(false)
    expect(recoversToPublicKey(publicKey, randomBytes(32), sig)).toBe(false)
    const high = sig.slice()
    const s = BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`)
    high.set(Uint8Array.from(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')), 32)
    high[64] = high[64]! ^ 1
    expect(recoversToPublicKey(publicKey, digest, high)).toBe(false)
    expect(recoversToPublicKey(publicKey, digest, new Uint8Array(65))).toBe(false)
    expect(recoversToPublicKey(publicKey, digest, sig.subarray(0, 64))).toBe(false)
    const v2 = sig.slice()
    v2[64] = 2
    expect(recoversToPublicKey(publicKey, digest, v2)).toBe(false)
  })

  it('agrees with full recovery on arbitrary signatures (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        (digest, sig) => {
          let recovered: string | undefined
          try {
            recovered = bytesToHex(recoverPublicKey(digest, sig))
          } catch {
            recovered = undefined
          }
          expect(recoversToPublicKey(publicKey, digest, sig)).toBe(recovered === bytesToHex(publicKey))
          if (recovered !== undefined) {
            expect(recoversToPublicKey(`0x${recovered}`, digest, sig)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
