import { secp256k1 } from '@noble/curves/secp256k1.js'
import { getCryptoBackend } from './backend/active.js'
import { bytesToHex, expectBytes, toBytes } from './bytes.js'
import { assertPrivateKey, parsePublicKey, parseUncompressedPublicKey } from './ecdh.js'
import { CryptoError } from './errors.js'
import { keccak256Bytes } from './keccak.js'

/** A `0x`-prefixed Ethereum address (lowercase when produced by this package). */
export type Address = `0x${string}`

/** SHA-256 of bytes (or of a string's UTF-8 bytes), on the active backend. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return getCryptoBackend().sha256(toBytes(data, 'data'))
}

/** Keccak-256 (Ethereum's hash). */
export function keccak256(data: Uint8Array | string): Uint8Array {
  return keccak256Bytes(toBytes(data, 'data'))
}

/**
 * Raw secp256k1 ECDSA over a 32-byte digest (no EIP-191 prefix, no extra hashing), deterministic (RFC 6979), low-S.
 * Returns 65 bytes `r(32) ‖ s(32) ‖ v(1)` with v ∈ {0, 1} — the format the node recovers.
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  assertPrivateKey(privateKey)
  expectBytes(digest, 32, 'INVALID_DIGEST', 'digest')
  const rec = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' })
  // noble's 'recovered' layout is v ‖ r ‖ s; the wire layout is r ‖ s ‖ v.
  const out = new Uint8Array(65)
  out.set(rec.subarray(1), 0)
  out[64] = rec[0]!
  return out
}

function parseRecoverable(signature: Uint8Array) {
  expectBytes(signature, 65, 'INVALID_SIGNATURE', 'signature')
  let v = signature[64]!
  if (v === 27 || v === 28) v -= 27
  if (v !== 0 && v !== 1)
    throw new CryptoError('INVALID_SIGNATURE', `signature v must be 0, 1, 27 or 28; got ${v}`)
  let sig: ReturnType<typeof secp256k1.Signature.fromBytes>
  try {
    sig = secp256k1.Signature.fromBytes(signature.subarray(0, 64), 'compact')
  } catch (cause) {
    throw new CryptoError('INVALID_SIGNATURE', 'signature r or s is out of range', { cause })
  }
  if (sig.hasHighS())
    throw new CryptoError('INVALID_SIGNATURE', 'signature has a high S value (not canonical)')
  return sig.addRecoveryBit(v)
}

/**
 * The format check of a recoverable signature, as {@link recoverPublicKey} and the node apply it: 65 bytes
 * `r ‖ s ‖ v`, v 0, 1, 27 or 28, r and s in range, s low. Returns a copy with v normalised to 0/1 (the wire form);
 * throws `INVALID_SIGNATURE` saying what is wrong.
 */
export function checkRecoverableSignature(signature: Uint8Array): Uint8Array {
  parseRecoverable(signature)
  const out = signature.slice()
  if (out[64]! >= 27) out[64] = out[64]! - 27
  return out
}

/** Recover the 65-byte uncompressed public key that produced `signature` (r‖s‖v) over `digest`. */
export function recoverPublicKey(digest: Uint8Array, signature: Uint8Array): Uint8Array {
  expectBytes(digest, 32, 'INVALID_DIGEST', 'digest')
  const sig = parseRecoverable(signature)
  try {
    return sig.recoverPublicKey(digest).toBytes(false)
  } catch (cause) {
    throw new CryptoError('INVALID_SIGNATURE', 'no public key can be recovered from this signature', {
      cause,
    })
  }
}

/** The lowercase `0x` Ethereum address that signed `digest` (raw digest signature r‖s‖v, v 0/1/27/28, low-S). */
export function recoverAddress(digest: Uint8Array, signature: Uint8Array): Address {
  return publicKeyToAddress(recoverPublicKey(digest, signature))
}

/** `0x` + last 20 bytes of keccak256(uncompressed key without its 04 byte), lowercase. */
export function publicKeyToAddress(publicKey: Uint8Array | string): Address {
  const uncompressed = parseUncompressedPublicKey(publicKey)
  return `0x${bytesToHex(keccak256Bytes(uncompressed.subarray(1)).subarray(12))}`
}

/**
 * The public key of a secret key: 33-byte compressed SEC1 by default, 65-byte uncompressed with
 * `compressed = false`. Throws `INVALID_KEY` for a bad secret key and `INVALID_INPUT` for a non-boolean flag.
 */
export function getPublicKey(privateKey: Uint8Array, compressed = true): Uint8Array {
  assertPrivateKey(privateKey)
  if (typeof compressed !== 'boolean') throw new CryptoError('INVALID_INPUT', 'compressed must be a boolean')
  return secp256k1.getPublicKey(privateKey, compressed)
}

/**
 * Verify a raw-digest ECDSA signature (64-byte r‖s, or 65-byte r‖s‖v whose v is ignored) against a public key.
 * High-S signatures are rejected, as the node and Ethereum do. Returns false for any invalid input.
 */
export function verifyDigest(
  publicKey: Uint8Array | string,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    expectBytes(digest, 32, 'INVALID_DIGEST', 'digest')
    if (!(signature instanceof Uint8Array) || (signature.length !== 64 && signature.length !== 65))
      return false
    const key = parsePublicKey(publicKey)
    return secp256k1.verify(signature.subarray(0, 64), digest, key, {
      prehash: false,
      lowS: true,
      format: 'compact',
    })
  } catch {
    return false
  }
}
