import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { getCryptoBackend } from './backend/active.js'
import { equalBytes, expectBytes, hexToBytes, zeroize } from './bytes.js'
import { CryptoError } from './errors.js'
import { randomBytes } from './random.js'

/** A secp256k1 key pair as returned by {@link generateEphemeralKey}. */
export interface KeyPair {
  /** 32-byte secp256k1 secret scalar. Zeroize it when done. */
  privateKey: Uint8Array
  /** 33-byte compressed SEC1 public key. */
  publicKey: Uint8Array
}

const EMPTY = new Uint8Array(0)

/** A fresh secp256k1 key pair from the platform CSPRNG (one per session init). */
export function generateEphemeralKey(): KeyPair {
  // Rejection sampling: a uniformly random 32-byte string is a valid scalar with overwhelming probability.
  for (;;) {
    const privateKey = randomBytes(32)
    if (secp256k1.utils.isValidSecretKey(privateKey)) {
      return { privateKey, publicKey: secp256k1.getPublicKey(privateKey, true) }
    }
    zeroize(privateKey)
  }
}

/** Check a 32-byte secret scalar in [1, n-1]; throws `INVALID_KEY`. */
export function assertPrivateKey(privateKey: Uint8Array): Uint8Array {
  expectBytes(privateKey, 32, 'INVALID_KEY', 'private key')
  if (!secp256k1.utils.isValidSecretKey(privateKey)) {
    throw new CryptoError(
      'INVALID_KEY',
      'private key is not a valid secp256k1 scalar (zero or ≥ curve order)',
    )
  }
  return privateKey
}

type Point = ReturnType<typeof secp256k1.Point.fromBytes>

// The last public key parsed, as a copy of its SEC1 bytes and the point: sessions use one static node key over and
// over, and decompressing it costs a modular square root. Public data only.
let lastKey: { bytes: Uint8Array; point: Point; uncompressed: Uint8Array } | undefined

/**
 * Parse and validate a SEC1 public key (see {@link parsePublicKey}). `remember` keeps it as the cached key: only
 * for keys likely to come back (the node's static key), not for one-off keys such as recovered signers.
 */
function parsePoint(
  publicKey: Uint8Array | string,
  remember: boolean,
): { point: Point; uncompressed: Uint8Array } {
  let bytes: Uint8Array
  if (typeof publicKey === 'string') {
    try {
      bytes = hexToBytes(publicKey)
    } catch (cause) {
      throw new CryptoError('INVALID_PUBLIC_KEY', 'public key hex is malformed', { cause })
    }
  } else if (publicKey instanceof Uint8Array) {
    bytes = publicKey
  } else {
    throw new CryptoError('INVALID_PUBLIC_KEY', 'public key must be a Uint8Array or a hex string')
  }
  const ok =
    (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) || (bytes.length === 65 && bytes[0] === 4)
  if (!ok) {
    throw new CryptoError(
      'INVALID_PUBLIC_KEY',
      `public key must be 33 bytes (compressed, 02/03 prefix) or 65 bytes (uncompressed, 04 prefix); got ${bytes.length} bytes`,
    )
  }
  if (lastKey !== undefined && equalBytes(lastKey.bytes, bytes)) return lastKey
  let point: Point
  try {
    point = secp256k1.Point.fromBytes(bytes)
  } catch (cause) {
    throw new CryptoError('INVALID_PUBLIC_KEY', 'public key is not a point on secp256k1', { cause })
  }
  const parsed = { bytes: bytes.slice(), point, uncompressed: point.toBytes(false) }
  if (remember) lastKey = parsed
  return parsed
}

/**
 * Parse a SEC1 public key (33-byte compressed or 65-byte uncompressed, as bytes or hex with optional `0x`) and
 * check that it is a point on secp256k1. Returns the 33-byte compressed form. Throws `INVALID_PUBLIC_KEY`.
 */
export function parsePublicKey(publicKey: Uint8Array | string): Uint8Array {
  return parsePoint(publicKey, true).point.toBytes(true)
}

/**
 * Internal: the 65-byte uncompressed form of a SEC1 public key, validated like {@link parsePublicKey}
 * (`INVALID_PUBLIC_KEY`). Not cached.
 */
export function parseUncompressedPublicKey(publicKey: Uint8Array | string): Uint8Array {
  return parsePoint(publicKey, false).uncompressed.slice()
}

/**
 * Raw ECDH: the 32-byte x-coordinate of `privateKey × publicKey` (no prefix byte, no hashing). Inputs are checked
 * here (`INVALID_KEY`, `INVALID_PUBLIC_KEY`); the multiplication runs on the active backend.
 */
export function ecdhSharedX(privateKey: Uint8Array, publicKey: Uint8Array | string): Uint8Array {
  assertPrivateKey(privateKey)
  // A copy, so that no backend can alter the cached point.
  return getCryptoBackend().ecdhX(privateKey, parsePoint(publicKey, true).uncompressed.slice())
}

/** RFC 5869 limit on the HKDF output length: 255 × HashLen. */
const HKDF_MAX_LENGTH = 255 * 32

/**
 * HKDF-SHA256 (RFC 5869). Defaults are the protocol's parameters: no salt (= 32 zero bytes), empty info, 32-byte
 * output. Throws `INVALID_INPUT` for non-byte inputs or a length outside 0 … 8160 (255 × 32).
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt?: Uint8Array,
  info: Uint8Array = EMPTY,
  length = 32,
): Uint8Array {
  if (!(ikm instanceof Uint8Array))
    throw new CryptoError('INVALID_INPUT', 'HKDF input key material must be a Uint8Array')
  if (salt !== undefined && !(salt instanceof Uint8Array)) {
    throw new CryptoError('INVALID_INPUT', 'HKDF salt must be a Uint8Array or undefined')
  }
  if (!(info instanceof Uint8Array)) throw new CryptoError('INVALID_INPUT', 'HKDF info must be a Uint8Array')
  if (!Number.isSafeInteger(length) || length < 0 || length > HKDF_MAX_LENGTH) {
    throw new CryptoError(
      'INVALID_INPUT',
      `HKDF output length must be an integer from 0 to ${HKDF_MAX_LENGTH}`,
    )
  }
  return hkdf(nobleSha256, ikm, salt, info, length)
}

/**
 * The session-init key of PROTOCOL.md §2: HKDF-SHA256(IKM = ECDH x-coordinate, zero salt, empty info, 32 bytes).
 * The intermediate shared secret is zeroized before returning.
 */
export function deriveInitKey(
  ephemeralPrivateKey: Uint8Array,
  nodePublicKey: Uint8Array | string,
): Uint8Array {
  const x = ecdhSharedX(ephemeralPrivateKey, nodePublicKey)
  try {
    return hkdfSha256(x)
  } finally {
    zeroize(x)
  }
}
