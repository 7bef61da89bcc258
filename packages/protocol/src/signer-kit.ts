// Building blocks for wallet adapters that implement `DigestSigner` (their error class is in signer-error.ts): digest
// and signature checks, and recovery of the signing address. `@fabstir/signer-viem` and `@fabstir/signer-ethers` are built from
// them; so can an adapter for any other wallet library.
import { CryptoError, hexToBytes, recoverAddress } from '@fabstir/crypto'
import { SignerError } from './signer-error.js'

/** secp256k1 group order. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_CURVE_ORDER = CURVE_ORDER >> 1n

/**
 * Why wallets limited to EIP-191 `personal_sign` are refused. Shared by every `UNSUPPORTED_SIGNER` message.
 */
export const RAW_DIGEST_REQUIREMENT =
  'The Fabstir node verifies a raw secp256k1 signature over sha256(ciphertext), with no EIP-191 prefix. ' +
  'A wallet that can only personal_sign signs a prefixed message instead: the node would recover a different ' +
  'address and the session would silently belong to someone else. Use a local account or wallet holding a ' +
  'dedicated session key instead.'

/**
 * Check that `digest` is a 32-byte `Uint8Array` and return a private copy (the caller may reuse its buffer while
 * the signature is pending).
 */
export function copyDigest(digest: unknown): Uint8Array {
  if (!(digest instanceof Uint8Array)) {
    throw new SignerError('INVALID_DIGEST', 'the digest to sign must be a Uint8Array', {
      context: { type: digest === null ? 'null' : typeof digest },
    })
  }
  if (digest.length !== 32) {
    throw new SignerError('INVALID_DIGEST', `the digest to sign must be 32 bytes; got ${digest.length}`, {
      context: { length: digest.length },
    })
  }
  return digest.slice()
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n
}

function decodeSignature(signature: unknown): Uint8Array {
  if (signature instanceof Uint8Array) return signature.slice()
  if (typeof signature === 'string') {
    try {
      return hexToBytes(signature)
    } catch (cause) {
      throw new SignerError('INVALID_SIGNATURE', 'the signer returned a string that is not hex', { cause })
    }
  }
  throw new SignerError('INVALID_SIGNATURE', 'the signer returned neither a hex string nor bytes', {
    context: { type: signature === null ? 'null' : typeof signature },
  })
}

/**
 * Turn whatever a signer returned (hex string or bytes) into the wire form: 65 bytes `r ‖ s ‖ v` with v ∈ {0, 1}.
 * v 27/28 is normalised; r and s must be in range and s must be low (the node rejects high-S signatures).
 */
export function normaliseSignature(signature: unknown): Uint8Array {
  const bytes = decodeSignature(signature)
  if (bytes.length !== 65) {
    throw new SignerError(
      'INVALID_SIGNATURE',
      `the signer returned ${bytes.length} bytes; a recoverable signature r‖s‖v is 65 bytes`,
      { context: { length: bytes.length } },
    )
  }
  const r = bytesToBigInt(bytes.subarray(0, 32))
  const s = bytesToBigInt(bytes.subarray(32, 64))
  if (r === 0n || r >= CURVE_ORDER || s === 0n || s >= CURVE_ORDER) {
    throw new SignerError('INVALID_SIGNATURE', 'the signature r or s value is out of range')
  }
  if (s > HALF_CURVE_ORDER) {
    throw new SignerError(
      'INVALID_SIGNATURE',
      'the signature has a high S value; the node accepts only low-S',
    )
  }
  const v = bytes[64]!
  if (v === 27 || v === 28) bytes[64] = v - 27
  else if (v !== 0 && v !== 1) {
    throw new SignerError('INVALID_SIGNATURE', `the signature v must be 0, 1, 27 or 28; got ${v}`, {
      context: { v },
    })
  }
  return bytes
}

/**
 * Recover the signer of `signature` over `digest` and require it to be `expected` (compared case-insensitively).
 */
export function assertRecoversTo(digest: Uint8Array, signature: Uint8Array, expected: string): void {
  let recovered: string
  try {
    recovered = recoverAddress(digest, signature)
  } catch (cause) {
    const reason = cause instanceof CryptoError ? `: ${cause.message}` : ''
    throw new SignerError('INVALID_SIGNATURE', `no address can be recovered from the signature${reason}`, {
      cause,
    })
  }
  if (recovered !== expected.toLowerCase()) {
    throw new SignerError(
      'SIGNER_MISMATCH',
      `the signature recovers to ${recovered}, not to the signer's address ${expected}; ` +
        'the account signs with a different key than its address claims, or does not sign raw digests',
      { context: { expected, recovered } },
    )
  }
}
