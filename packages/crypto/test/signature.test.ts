import fc from 'fast-check'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import {
  bytesToHex,
  type CryptoErrorCode,
  checkRecoverableSignature,
  getPublicKey,
  hexToBytes,
  isCryptoError,
  keccak256,
  publicKeyToAddress,
  recoverAddress,
  recoverPublicKey,
  sha256,
  signDigest,
  verifyDigest,
} from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'
import { bytesToBigInt, toFixedBytes } from './helpers/der.js'
import { CURVE_ORDER, HALF_ORDER } from './helpers/secp256k1.js'

const ONE = hexToBytes('0000000000000000000000000000000000000000000000000000000000000001')
/** Ethereum address of private key 1 (a well-known test vector). */
const ADDRESS_OF_ONE = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf'

/** A valid secp256k1 secret key: 32 random bytes reduced into [1, n − 1]. */
const privateKeyArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => toFixedBytes((bytesToBigInt(b) % (CURVE_ORDER - 1n)) + 1n, 32)!)
const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 })

function errorCode(fn: () => unknown): CryptoErrorCode | 'no error' | 'not a CryptoError' {
  try {
    fn()
  } catch (error) {
    return isCryptoError(error) ? error.code : 'not a CryptoError'
  }
  return 'no error'
}

function withV(signature: Uint8Array, v: number): Uint8Array {
  const out = signature.slice()
  out[64] = v
  return out
}

function rsv(r: bigint, s: bigint, v: number): Uint8Array {
  const out = new Uint8Array(65)
  out.set(toFixedBytes(r, 32)!, 0)
  out.set(toFixedBytes(s, 32)!, 32)
  out[64] = v
  return out
}

describeEachBackend('hashes', () => {
  describe('sha256 / keccak256 known answers', () => {
    it('sha256("abc") and keccak256("") match their standard values', () => {
      expect(bytesToHex(sha256('abc'))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      )
      expect(bytesToHex(keccak256(''))).toBe(
        'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
      )
      expect(bytesToHex(sha256(new Uint8Array(0)))).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      )
    })
  })
})

describe('signDigest', () => {
  it('matches the published RFC 6979 secp256k1 vectors (private key 1)', () => {
    const vectors = [
      {
        msg: 'Satoshi Nakamoto',
        rs: '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d82442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
      },
      {
        msg: 'All those moments will be lost in time, like tears in rain. Time to die...',
        rs: '8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21',
      },
    ]
    for (const { msg, rs } of vectors) {
      const digest = sha256(msg)
      const signature = signDigest(ONE, digest)
      expect(bytesToHex(signature.subarray(0, 64))).toBe(rs)
      expect(recoverAddress(digest, signature)).toBe(ADDRESS_OF_ONE)
    }
  })

  it('is deterministic, low-S, v ∈ {0, 1}, verifies, and recovers the signer', () => {
    fc.assert(
      fc.property(privateKeyArb, digestArb, (privateKey, digest) => {
        const signature = signDigest(privateKey, digest)
        expect(signature).toHaveLength(65)
        expect(bytesToHex(signDigest(privateKey, digest))).toBe(bytesToHex(signature))
        const s = bytesToBigInt(signature.subarray(32, 64))
        expect(s >= 1n && s <= HALF_ORDER).toBe(true)
        expect([0, 1]).toContain(signature[64])
        expect(verifyDigest(getPublicKey(privateKey), digest, signature)).toBe(true)
        expect(verifyDigest(getPublicKey(privateKey, false), digest, signature.subarray(0, 64))).toBe(true)
        expect(recoverPublicKey(digest, signature)).toEqual(getPublicKey(privateKey, false))
        expect(recoverAddress(digest, signature)).toBe(publicKeyToAddress(getPublicKey(privateKey)))
      }),
      { numRuns: 200 },
    )
  })

  it('signs the raw digest: a different digest does not verify', () => {
    fc.assert(
      fc.property(privateKeyArb, digestArb, fc.nat({ max: 255 }), (privateKey, digest, bit) => {
        const signature = signDigest(privateKey, digest)
        const other = digest.slice()
        other[bit >> 3]! ^= 1 << (bit & 7)
        expect(verifyDigest(getPublicKey(privateKey), other, signature)).toBe(false)
        expect(recoverAddress(other, signature)).not.toBe(publicKeyToAddress(getPublicKey(privateKey)))
      }),
      { numRuns: 50 },
    )
  })

  it('verifyDigest rejects another key and accepts the public key as hex', () => {
    const digest = sha256('x')
    const signature = signDigest(ONE, digest)
    expect(verifyDigest(bytesToHex(getPublicKey(ONE)), digest, signature)).toBe(true)
    expect(verifyDigest(`0x${bytesToHex(getPublicKey(ONE))}`, digest, signature)).toBe(true)
    expect(verifyDigest(getPublicKey(hexToBytes(`${'00'.repeat(31)}02`)), digest, signature)).toBe(false)
  })
})

describe('recoverAddress / recoverPublicKey signature checks', () => {
  const digest = sha256('session ciphertext')
  const signature = signDigest(ONE, digest)
  const r = bytesToBigInt(signature.subarray(0, 32))
  const s = bytesToBigInt(signature.subarray(32, 64))
  const v = signature[64]!

  it('accepts v = 27/28 like 0/1', () => {
    expect(recoverAddress(digest, withV(signature, v + 27))).toBe(ADDRESS_OF_ONE)
    expect(recoverAddress(digest, withV(signature, 1 - v))).not.toBe(ADDRESS_OF_ONE)
    expect(recoverAddress(digest, withV(signature, 28 - v))).not.toBe(ADDRESS_OF_ONE)
  })

  it('rejects any other v (2, 3, 26, 29, 255)', () => {
    for (const bad of [2, 3, 26, 29, 35, 255]) {
      expect(errorCode(() => recoverAddress(digest, withV(signature, bad)))).toBe('INVALID_SIGNATURE')
    }
  })

  it('rejects the high-S twin of a valid signature (recover and verify)', () => {
    const high = rsv(r, CURVE_ORDER - s, 1 - v)
    expect(CURVE_ORDER - s > HALF_ORDER).toBe(true)
    expect(errorCode(() => recoverAddress(digest, high))).toBe('INVALID_SIGNATURE')
    expect(errorCode(() => recoverPublicKey(digest, high))).toBe('INVALID_SIGNATURE')
    expect(verifyDigest(getPublicKey(ONE), digest, high)).toBe(false)
  })

  it('rejects r = 0, s = 0, r = n, s = n and r, s ≥ n', () => {
    const max = (1n << 256n) - 1n
    const cases = [
      rsv(0n, s, v),
      rsv(r, 0n, v),
      rsv(CURVE_ORDER, s, v),
      rsv(r, CURVE_ORDER, v),
      rsv(max, s, v),
      rsv(r, max, v),
    ]
    for (const bad of cases) {
      expect(errorCode(() => recoverAddress(digest, bad))).toBe('INVALID_SIGNATURE')
      expect(verifyDigest(getPublicKey(ONE), digest, bad)).toBe(false)
    }
  })

  it('checkRecoverableSignature is the same format check, alone: a v-normalised copy, or INVALID_SIGNATURE', () => {
    const v27 = withV(signature, v + 27)
    const wire = checkRecoverableSignature(v27)
    expect(wire).toEqual(signature)
    expect(wire).not.toBe(v27)
    expect(v27[64]).toBe(v + 27)
    const max = (1n << 256n) - 1n
    const bad = [
      withV(signature, 2),
      withV(signature, 29),
      rsv(r, CURVE_ORDER - s, 1 - v),
      rsv(0n, s, v),
      rsv(r, CURVE_ORDER, v),
      rsv(max, s, v),
      signature.subarray(0, 64),
      new Uint8Array(66),
    ]
    for (const sig of bad) {
      expect(errorCode(() => checkRecoverableSignature(sig))).toBe('INVALID_SIGNATURE')
      expect(errorCode(() => recoverPublicKey(digest, sig))).toBe('INVALID_SIGNATURE')
    }
  })

  it('rejects wrong signature and digest lengths', () => {
    for (const len of [0, 63, 64, 66, 130]) {
      expect(errorCode(() => recoverAddress(digest, new Uint8Array(len).fill(1)))).toBe('INVALID_SIGNATURE')
    }
    for (const len of [0, 20, 31, 33, 64]) {
      expect(errorCode(() => recoverAddress(new Uint8Array(len), signature))).toBe('INVALID_DIGEST')
      expect(errorCode(() => signDigest(ONE, new Uint8Array(len)))).toBe('INVALID_DIGEST')
    }
  })
})

describe('publicKeyToAddress', () => {
  it('private key 1 → 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf, from any key encoding', () => {
    const compressed = getPublicKey(ONE)
    const uncompressed = getPublicKey(ONE, false)
    for (const key of [compressed, uncompressed, bytesToHex(compressed), `0x${bytesToHex(uncompressed)}`]) {
      expect(publicKeyToAddress(key)).toBe(ADDRESS_OF_ONE)
    }
  })

  it("matches viem's privateKeyToAddress (lowercased) for random keys", () => {
    fc.assert(
      fc.property(privateKeyArb, (privateKey) => {
        const expected = privateKeyToAddress(`0x${bytesToHex(privateKey)}`).toLowerCase()
        expect(publicKeyToAddress(getPublicKey(privateKey))).toBe(expected)
        expect(publicKeyToAddress(getPublicKey(privateKey))).toMatch(/^0x[0-9a-f]{40}$/)
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a key that is not on the curve', () => {
    const offCurve = getPublicKey(ONE, false)
    offCurve[64]! ^= 1
    expect(errorCode(() => publicKeyToAddress(offCurve))).toBe('INVALID_PUBLIC_KEY')
  })
})
