import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToBigInt } from './der.js'

/** Order of the secp256k1 group (the "n" of SEC 2). Written out here so tests do not trust the code under test. */
export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** Largest low-S value: ⌊n / 2⌋. */
export const HALF_ORDER = CURVE_ORDER >> 1n

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
    e >>= 1n
  }
  return result
}

/**
 * The affine x-coordinate of the ECDSA nonce point R = (z·s⁻¹)·G + (r·s⁻¹)·Q of a signature that verifies. When it
 * is ≥ n, then r = x − n and the recovery id is 2 or 3: not expressible with Ethereum's v ∈ {0, 1}.
 * Computed with noble's raw point arithmetic, independently of the SDK's verify/recover code.
 */
export function noncePointX(digest: Uint8Array, r: bigint, s: bigint, publicKey: Uint8Array): bigint {
  const w = modPow(s, CURVE_ORDER - 2n, CURVE_ORDER)
  const z = bytesToBigInt(digest) % CURVE_ORDER
  const u1 = (z * w) % CURVE_ORDER
  const u2 = (r * w) % CURVE_ORDER
  const q = secp256k1.Point.fromBytes(publicKey)
  return secp256k1.Point.BASE.multiplyUnsafe(u1).add(q.multiplyUnsafe(u2)).toAffine().x
}
