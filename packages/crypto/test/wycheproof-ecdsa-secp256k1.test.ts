import { describe, expect, it } from 'vitest'
import { CryptoError, equalBytes, hexToBytes, recoverPublicKey, sha256, verifyDigest } from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'
import { DerError, parseDerSignature, toFixedBytes } from './helpers/der.js'
import { CURVE_ORDER, HALF_ORDER, noncePointX } from './helpers/secp256k1.js'
import {
  allCases,
  caseName,
  describeWycheproof,
  type WycheproofCase,
  type WycheproofFile,
} from './helpers/vectors.js'

interface EcdsaCase extends WycheproofCase {
  msg: string
  sig: string
}
interface EcdsaGroup {
  publicKey: { curve: string; uncompressed: string }
  sha: string
  tests: EcdsaCase[]
}

const BITCOIN_CASES = 463
const P1363_CASES = 252
/** Valid cases whose nonce point has x ≥ n ("k*G has a large x-coordinate", "x = n + 2"): not recoverable with v 0/1. */
const BITCOIN_OVERFLOWED_R = [346]
const P1363_OVERFLOWED_R = [115, 247]

/** True when `recoverPublicKey(digest, r‖s‖v)` yields `publicKey` for v = 0 or v = 1. Only CryptoErrors may escape. */
function recoversKey(digest: Uint8Array, rs: Uint8Array, publicKey: Uint8Array): boolean {
  let found = false
  for (const v of [0, 1]) {
    const signature = new Uint8Array(65)
    signature.set(rs)
    signature[64] = v
    try {
      if (equalBytes(recoverPublicKey(digest, signature), publicKey)) found = true
    } catch (error) {
      expect(error).toBeInstanceOf(CryptoError)
    }
  }
  return found
}

/** `r‖s` as 64 bytes, or undefined when either value does not fit in 32 bytes. */
function compact(r: bigint, s: bigint): Uint8Array | undefined {
  const rb = toFixedBytes(r, 32)
  const sb = toFixedBytes(s, 32)
  if (!rb || !sb) return undefined
  const out = new Uint8Array(64)
  out.set(rb, 0)
  out.set(sb, 32)
  return out
}

/**
 * What a valid signature must do: verify, and recover the signer for v = 0 or 1 — except when the nonce point's x is
 * ≥ n (r = x − n, recovery id 2/3), which the 65-byte r‖s‖v format with v ∈ {0, 1} cannot express. Those must still
 * verify, must not recover the signer, and are reported back so the suite can pin exactly which cases they are.
 */
function expectValid(
  digest: Uint8Array,
  r: bigint,
  s: bigint,
  rs: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  expect(verifyDigest(publicKey, digest, rs)).toBe(true)
  const x = noncePointX(digest, r, s, publicKey)
  const overflowed = x >= CURVE_ORDER
  if (overflowed) expect(x).toBe(r + CURVE_ORDER)
  expect(recoversKey(digest, rs, publicKey)).toBe(!overflowed)
  return overflowed
}

function checkGroupHeader(group: EcdsaGroup): Uint8Array {
  expect(group.publicKey.curve).toBe('secp256k1')
  expect(group.sha).toBe('SHA-256')
  return hexToBytes(group.publicKey.uncompressed)
}

describeWycheproof<WycheproofFile<EcdsaGroup>>(
  'Wycheproof ECDSA secp256k1 SHA-256 bitcoin (DER, low-S) → verifyDigest / recoverPublicKey',
  'ecdsa_secp256k1_sha256_bitcoin_test.json',
  (file) => {
    describeEachBackend('Wycheproof ECDSA secp256k1', () => {
      const cases = allCases(file)

      it(`has exactly ${BITCOIN_CASES} cases`, () => {
        expect(file.numberOfTests).toBe(BITCOIN_CASES)
        expect(cases).toHaveLength(BITCOIN_CASES)
        expect(cases.filter(({ test }) => test.result === 'acceptable')).toHaveLength(0)
      })

      it('routes 162 valid + 69 invalid signatures into the SDK; the strict DER helper stops the rest', () => {
        const routes: Record<string, number> = {}
        for (const { test } of cases) {
          let route = 'sdk'
          try {
            const { r, s } = parseDerSignature(hexToBytes(test.sig))
            if (!compact(r, s)) route = 'over 32 bytes'
          } catch {
            route = 'not DER'
          }
          const key = `${test.result} → ${route}`
          routes[key] = (routes[key] ?? 0) + 1
        }
        expect(routes).toEqual({
          'valid → sdk': 162,
          'invalid → sdk': 69,
          'invalid → not DER': 217,
          'invalid → over 32 bytes': 15,
        })
      })

      describe.each(['valid', 'invalid'] as const)('%s cases', (result) => {
        const subset = cases.filter(({ test }) => test.result === result)
        it.each(subset.map(({ group, test }) => [caseName(test), group, test] as const))(
          '%s',
          (_name, group, test) => {
            const publicKey = checkGroupHeader(group)
            const digest = sha256(hexToBytes(test.msg))
            let parsed: { r: bigint; s: bigint }
            try {
              parsed = parseDerSignature(hexToBytes(test.sig))
            } catch (error) {
              // Non-DER (BER, truncated, wrong types…) never reaches the SDK: the case must be an invalid one.
              expect(error).toBeInstanceOf(DerError)
              expect(test.result).toBe('invalid')
              return
            }
            const rs = compact(parsed.r, parsed.s)
            if (!rs) {
              // r or s ≥ 2^256 cannot be expressed in the 65-byte wire format at all.
              expect(test.result).toBe('invalid')
              return
            }
            if (test.result === 'valid') {
              const overflowed = expectValid(digest, parsed.r, parsed.s, rs, publicKey)
              expect(overflowed).toBe(BITCOIN_OVERFLOWED_R.includes(test.tcId))
              return
            }
            expect(verifyDigest(publicKey, digest, rs)).toBe(false)
            expect(recoversKey(digest, rs, publicKey)).toBe(false)
          },
        )
      })
    })
  },
)

describeWycheproof<WycheproofFile<EcdsaGroup>>(
  'Wycheproof ECDSA secp256k1 SHA-256 P1363 (r‖s) → verifyDigest / recoverPublicKey',
  'ecdsa_secp256k1_sha256_p1363_test.json',
  (file) => {
    describeEachBackend('Wycheproof ECDSA secp256k1', () => {
      const cases = allCases(file)

      it(`has exactly ${P1363_CASES} cases`, () => {
        expect(file.numberOfTests).toBe(P1363_CASES)
        expect(cases).toHaveLength(P1363_CASES)
        expect(cases.filter(({ test }) => test.result === 'acceptable')).toHaveLength(0)
      })

      // P1363 accepts high-S signatures; the SDK (like the node and Ethereum) does not. So a valid high-S case must be
      // rejected as given and accepted once normalised to (r, n − s). Every other valid case must verify and recover.
      describe.each(['valid', 'invalid'] as const)('%s cases', (result) => {
        const subset = cases.filter(({ test }) => test.result === result)
        it.each(subset.map(({ group, test }) => [caseName(test), group, test] as const))(
          '%s',
          (_name, group, test) => {
            const publicKey = checkGroupHeader(group)
            const digest = sha256(hexToBytes(test.msg))
            const sig = hexToBytes(test.sig)
            // The raw bytes go straight into the SDK, whatever their length.
            const verified = verifyDigest(publicKey, digest, sig)
            if (test.result === 'invalid') {
              expect(verified).toBe(false)
              if (sig.length === 64) expect(recoversKey(digest, sig, publicKey)).toBe(false)
              return
            }
            expect(sig).toHaveLength(64)
            const r = BigInt(`0x${test.sig.slice(0, 64)}`)
            const s = BigInt(`0x${test.sig.slice(64)}`)
            let overflowed: boolean
            if (s > HALF_ORDER) {
              expect(verified).toBe(false)
              expect(recoversKey(digest, sig, publicKey)).toBe(false)
              overflowed = expectValid(digest, r, CURVE_ORDER - s, compact(r, CURVE_ORDER - s)!, publicKey)
            } else {
              overflowed = expectValid(digest, r, s, sig, publicKey)
            }
            expect(overflowed).toBe(P1363_OVERFLOWED_R.includes(test.tcId))
          },
        )
      })
    })
  },
)
