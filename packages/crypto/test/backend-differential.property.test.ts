import { secp256k1 } from '@noble/curves/secp256k1.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isNodeBackendAvailable, nodeBackend, opensslEcdhX } from '../src/backend/node.js'
import {
  bytesToHex,
  type CryptoBackend,
  deriveInitKey,
  ecdhSharedX,
  generateEphemeralKey,
  getPublicKey,
  isCryptoError,
  nobleBackend,
  open,
  sealWithNonce,
  setCryptoBackend,
  sha256,
} from '../src/index.js'
import { nodeInitKey } from './helpers/node-side.js'
import { CURVE_ORDER } from './helpers/secp256k1.js'

// The Node backend must be byte-for-byte interchangeable with the noble reference: same ciphertexts, same shared
// secrets, same hashes, and through the public API the same error codes for the same bad input.

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 })
/** Lengths around ChaCha's 64-byte blocks and Poly1305's 16-byte blocks are where implementations differ. */
const message = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -2, max: 2 })).chain(([blocks, delta]) => {
    const length = Math.max(0, blocks * 64 + delta)
    return fc.uint8Array({ minLength: length, maxLength: length })
  }),
)
const aadBytes = fc.uint8Array({ maxLength: 100 })
const scalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }).map((k) => {
  const out = new Uint8Array(32)
  let v = k
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
})

type Outcome = { ok: string } | { code: string }

/** The result as hex, or the CryptoError code (anything else thrown is reported as such and fails the comparison). */
function outcome(fn: () => Uint8Array): Outcome {
  try {
    return { ok: bytesToHex(fn()) }
  } catch (error) {
    return { code: isCryptoError(error) ? error.code : `non-CryptoError ${String(error)}` }
  }
}

function withBackend<T>(backend: CryptoBackend, fn: () => T): T {
  const previous = setCryptoBackend(backend)
  try {
    return fn()
  } finally {
    setCryptoBackend(previous)
  }
}

/** Run `fn` through the public API once per backend and return both outcomes. */
function onBoth(fn: () => Uint8Array): [Outcome, Outcome] {
  return [withBackend(nobleBackend, () => outcome(fn)), withBackend(nodeBackend, () => outcome(fn))]
}

/** A copy of `data` placed at byte offset `offset` of a larger buffer (unaligned views must work). */
function atOffset(data: Uint8Array, offset: number): Uint8Array {
  const backing = new Uint8Array(data.length + offset + 3)
  backing.set(data, offset)
  return backing.subarray(offset, offset + data.length)
}

const describeDifferential = isNodeBackendAvailable() ? describe : describe.skip
if (!isNodeBackendAvailable()) {
  console.warn('[skip] backend differential: this Node build lacks chacha20-poly1305 or secp256k1 in OpenSSL')
}

describeDifferential('noble and node backends are interchangeable', () => {
  describe('XChaCha20-Poly1305', () => {
    it('seal gives identical bytes and each backend opens the other one’s ciphertext', () => {
      fc.assert(
        fc.property(key32, nonce24, message, aadBytes, (key, nonce, plaintext, aad) => {
          const a = nobleBackend.xchachaSeal(key, nonce, plaintext, aad)
          const b = nodeBackend.xchachaSeal(key, nonce, plaintext, aad)
          expect(b).toBeInstanceOf(Uint8Array)
          expect(bytesToHex(b)).toBe(bytesToHex(a))
          expect(bytesToHex(nodeBackend.xchachaOpen(key, nonce, a, aad))).toBe(bytesToHex(plaintext))
          expect(bytesToHex(nobleBackend.xchachaOpen(key, nonce, b, aad))).toBe(bytesToHex(plaintext))
        }),
        { numRuns: 300 },
      )
    })

    it('works on unaligned views and never modifies its arguments', () => {
      fc.assert(
        fc.property(
          key32,
          nonce24,
          message,
          aadBytes,
          fc.integer({ min: 1, max: 3 }),
          (key, nonce, plaintext, aad, offset) => {
            const expected = nobleBackend.xchachaSeal(key, nonce, plaintext, aad)
            const [k, n, p, a] = [key, nonce, plaintext, aad].map((x) => atOffset(x, offset)) as [
              Uint8Array,
              Uint8Array,
              Uint8Array,
              Uint8Array,
            ]
            const sealed = nodeBackend.xchachaSeal(k, n, p, a)
            expect(bytesToHex(sealed)).toBe(bytesToHex(expected))
            const sealedView = atOffset(sealed, offset)
            expect(bytesToHex(nodeBackend.xchachaOpen(k, n, sealedView, a))).toBe(bytesToHex(plaintext))
            for (const [view, original] of [
              [k, key],
              [n, nonce],
              [p, plaintext],
              [a, aad],
              [sealedView, sealed],
            ] as const) {
              expect(bytesToHex(view)).toBe(bytesToHex(original))
            }
          },
        ),
        { numRuns: 200 },
      )
    })

    it('agrees on large messages (64 KiB … 1 MiB + 17)', () => {
      fc.assert(
        fc.property(
          key32,
          nonce24,
          fc.constantFrom(65_536, 65_537, 1_048_576 + 17),
          fc.integer({ min: 0, max: 255 }),
          (key, nonce, length, fill) => {
            const plaintext = new Uint8Array(length).map((_, i) => (i * 31 + fill) & 0xff)
            const a = nobleBackend.xchachaSeal(key, nonce, plaintext, key)
            const b = nodeBackend.xchachaSeal(key, nonce, plaintext, key)
            expect(sha256(b)).toEqual(sha256(a))
            expect(sha256(nodeBackend.xchachaOpen(key, nonce, a, key))).toEqual(sha256(plaintext))
          },
        ),
        { numRuns: 4 },
      )
    })

    it('both reject every single-bit change of key, nonce, AAD or ciphertext, with the same code', () => {
      fc.assert(
        fc.property(
          key32,
          nonce24,
          message,
          fc.uint8Array({ minLength: 1, maxLength: 40 }),
          fc.constantFrom('key', 'nonce', 'aad', 'ciphertext'),
          fc.nat(),
          (key, nonce, plaintext, aad, field, n) => {
            const sealed = nobleBackend.xchachaSeal(key, nonce, plaintext, aad)
            const args = {
              key: key.slice(),
              nonce: nonce.slice(),
              aad: aad.slice(),
              ciphertext: sealed.slice(),
            }
            const target = args[field]
            const bit = n % (target.length * 8)
            target[bit >> 3]! ^= 1 << (bit & 7)
            const results = onBoth(() => open(args.key, args.nonce, args.ciphertext, args.aad))
            expect(results[0]).toEqual({ code: 'DECRYPTION_FAILED' })
            expect(results[1]).toEqual(results[0])
          },
        ),
        { numRuns: 300 },
      )
    })

    it('both give the same code for truncated, extended and wrongly sized inputs', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 40 }),
          fc.uint8Array({ minLength: 0, maxLength: 40 }),
          fc.uint8Array({ maxLength: 80 }),
          fc.string({ maxLength: 20 }),
          (key, nonce, ciphertext, aad) => {
            const results = onBoth(() => open(key, nonce, ciphertext, aad))
            expect(results[1]).toEqual(results[0])
            expect(results[0]).toHaveProperty('code')
            const sealedBoth = onBoth(() => sealWithNonce(key, nonce, ciphertext, aad))
            expect(sealedBoth[1]).toEqual(sealedBoth[0])
          },
        ),
        { numRuns: 300 },
      )
    })
  })

  describe('secp256k1 ECDH', () => {
    it('random key pairs give the same 32-byte x-coordinate, compressed or uncompressed', () => {
      fc.assert(
        fc.property(scalar, scalar, (a, b) => {
          const expected = nobleBackend.ecdhX(a, getPublicKey(b, false))
          expect(expected).toHaveLength(32)
          for (const pub of [getPublicKey(b, true), getPublicKey(b, false)]) {
            expect(bytesToHex(nodeBackend.ecdhX(a, pub))).toBe(bytesToHex(expected))
            expect(bytesToHex(nobleBackend.ecdhX(a, pub))).toBe(bytesToHex(expected))
          }
          // ECDH is symmetric: b × A gives the same x.
          expect(bytesToHex(nodeBackend.ecdhX(b, getPublicKey(a)))).toBe(bytesToHex(expected))
        }),
        { numRuns: 60 },
      )
    })

    it('ecdhSharedX and deriveInitKey give the same bytes or the same error code on both backends', () => {
      const prefix = fc.constantFrom(0, 2, 3, 4, 5, 6, 7)
      const candidateKey = fc.oneof(
        scalar.map((k) => getPublicKey(k, true)),
        scalar.map((k) => getPublicKey(k, false)),
        fc
          .tuple(prefix, fc.uint8Array({ minLength: 32, maxLength: 32 }))
          .map(([p, x]) => Uint8Array.of(p, ...x)),
        fc
          .tuple(prefix, fc.uint8Array({ minLength: 64, maxLength: 64 }))
          .map(([p, x]) => Uint8Array.of(p, ...x)),
        fc.uint8Array({ maxLength: 70 }),
      )
      const candidatePriv = fc.oneof(
        scalar,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constant(new Uint8Array(32)),
        fc.constant(new Uint8Array(32).fill(0xff)),
        fc.uint8Array({ maxLength: 40 }),
      )
      fc.assert(
        fc.property(candidatePriv, candidateKey, (priv, pub) => {
          const x = onBoth(() => ecdhSharedX(priv, pub))
          expect(x[1]).toEqual(x[0])
          const initKey = onBoth(() => deriveInitKey(priv, bytesToHex(pub)))
          expect(initKey[1]).toEqual(initKey[0])
        }),
        { numRuns: 150 },
      )
    })

    it('OpenSSL’s own ECDH (what the node backend uses for keys not seen before) matches noble exactly', () => {
      fc.assert(
        fc.property(scalar, scalar, (a, b) => {
          const pub = getPublicKey(b, false)
          expect(bytesToHex(opensslEcdhX(a, pub))).toBe(
            bytesToHex(secp256k1.getSharedSecret(a, pub, true).subarray(1)),
          )
        }),
        { numRuns: 60 },
      )
    })

    it('OpenSSL also refuses a point that is not on the curve (defence in depth behind the front’s check)', () => {
      const offCurve = getPublicKey(new Uint8Array(32).fill(7), false)
      offCurve[64]! ^= 1
      expect(() => opensslEcdhX(new Uint8Array(32).fill(9), offCurve)).toThrow()
    })
  })

  describe('precomputed tables for reused public keys', () => {
    /** Independent reference: noble's getSharedSecret, which never uses the SDK's tables. */
    const reference = (priv: Uint8Array, pub: Uint8Array) =>
      bytesToHex(secp256k1.getSharedSecret(priv, pub, true).subarray(1))

    it.each([
      ['noble', nobleBackend],
      ['node', nodeBackend],
    ] as const)(
      '%s: a key used again and again (table built on its second use) gives the same x',
      (_name, backend) => {
        const hot = getPublicKey(new Uint8Array(32).fill(11), false)
        fc.assert(
          fc.property(scalar, (priv) => {
            expect(bytesToHex(backend.ecdhX(priv, hot))).toBe(reference(priv, hot))
          }),
          { numRuns: 40 },
        )
      },
    )

    it.each([
      ['noble', nobleBackend],
      ['node', nodeBackend],
    ] as const)(
      '%s: stays exact when several keys take turns (more keys than cache entries)',
      (_name, backend) => {
        const keys = [12, 13, 14].map((b) => getPublicKey(new Uint8Array(32).fill(b), false))
        fc.assert(
          fc.property(scalar, fc.nat({ max: 2 }), (priv, which) => {
            const pub = keys[which]!
            expect(bytesToHex(backend.ecdhX(priv, pub))).toBe(reference(priv, pub))
          }),
          { numRuns: 60 },
        )
      },
    )

    it('deriveInitKey over many sessions with one node key matches an OpenSSL-only computation', () => {
      const nodePriv = new Uint8Array(32).fill(15)
      const nodePub = getPublicKey(nodePriv)
      for (const backend of [nobleBackend, nodeBackend]) {
        for (let i = 0; i < 6; i++) {
          const eph = generateEphemeralKey()
          const client = withBackend(backend, () => bytesToHex(deriveInitKey(eph.privateKey, nodePub)))
          expect(client).toBe(bytesToHex(nodeInitKey(nodePriv, eph.publicKey)))
        }
      }
    })
  })

  describe('SHA-256', () => {
    it('gives identical digests for any input, through the backends and through sha256()', () => {
      fc.assert(
        fc.property(message, fc.integer({ min: 0, max: 3 }), (data, offset) => {
          const expected = nobleBackend.sha256(data)
          expect(bytesToHex(nodeBackend.sha256(atOffset(data, offset)))).toBe(bytesToHex(expected))
          const viaApi = onBoth(() => sha256(data))
          expect(viaApi).toEqual([{ ok: bytesToHex(expected) }, { ok: bytesToHex(expected) }])
        }),
      )
    })

    it('returns plain Uint8Arrays, not Node Buffers', () => {
      const results = [
        nodeBackend.sha256(new Uint8Array(3)),
        nodeBackend.ecdhX(new Uint8Array(32).fill(1), getPublicKey(new Uint8Array(32).fill(2))),
        nodeBackend.xchachaSeal(new Uint8Array(32), new Uint8Array(24), new Uint8Array(5), new Uint8Array(0)),
        nodeBackend.xchachaOpen(
          new Uint8Array(32),
          new Uint8Array(24),
          nobleBackend.xchachaSeal(
            new Uint8Array(32),
            new Uint8Array(24),
            new Uint8Array(5),
            new Uint8Array(0),
          ),
          new Uint8Array(0),
        ),
      ]
      for (const r of results) expect(Object.getPrototypeOf(r)).toBe(Uint8Array.prototype)
    })
  })
})
