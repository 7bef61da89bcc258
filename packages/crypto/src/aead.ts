import { getCryptoBackend } from './backend/active.js'
import { expectBytes, toBytes } from './bytes.js'
import { CryptoError, isCryptoError } from './errors.js'
import { randomBytes } from './random.js'

/** XChaCha20-Poly1305 key size in bytes (32). */
export const KEY_SIZE = 32
/** XChaCha20-Poly1305 nonce size in bytes (24 — not ChaCha20's 12). */
export const NONCE_SIZE = 24
/** Poly1305 tag size in bytes (16), appended to every ciphertext. */
export const TAG_SIZE = 16

/** Output of {@link seal}: the random nonce and the ciphertext, both needed to open it. */
export interface Sealed {
  /** The fresh 24-byte random nonce (public; send it with the ciphertext). */
  nonce: Uint8Array
  /** Encrypted bytes followed by the 16-byte Poly1305 tag. */
  ciphertext: Uint8Array
}

// Nonces are public, so they are drawn from a buffer refilled from the CSPRNG 170 nonces at a time: one
// getRandomValues call costs about as much as a whole small seal in Node, whatever its size. Every nonce is handed
// out once and wiped from the buffer.
const NONCES_PER_REFILL = 170
let noncePool: Uint8Array | undefined
let nonceOffset = 0

function freshNonce(): Uint8Array {
  if (noncePool === undefined || nonceOffset >= noncePool.length) {
    noncePool = randomBytes(NONCE_SIZE * NONCES_PER_REFILL)
    nonceOffset = 0
  }
  const end = nonceOffset + NONCE_SIZE
  const nonce = noncePool.slice(nonceOffset, end)
  noncePool.fill(0, nonceOffset, end)
  nonceOffset = end
  return nonce
}

/**
 * Encrypt with a fresh 24-byte CSPRNG nonce. Strings are UTF-8 encoded. Runs on the active backend
 * ({@link getCryptoBackend}); every backend produces the same bytes.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array | string, aad: Uint8Array | string): Sealed {
  expectBytes(key, KEY_SIZE, 'INVALID_KEY', 'key')
  const nonce = freshNonce()
  return { nonce, ciphertext: sealWithNonce(key, nonce, plaintext, aad) }
}

/**
 * Encrypt with a caller-chosen nonce. Only for test vectors and cross-implementation checks: reusing a nonce with
 * the same key destroys confidentiality and integrity. Use {@link seal} everywhere else.
 */
export function sealWithNonce(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array | string,
  aad: Uint8Array | string,
): Uint8Array {
  expectBytes(key, KEY_SIZE, 'INVALID_KEY', 'key')
  expectBytes(nonce, NONCE_SIZE, 'INVALID_NONCE_SIZE', 'nonce')
  const aadBytes = toBytes(aad, 'aad')
  return getCryptoBackend().xchachaSeal(key, nonce, toBytes(plaintext, 'plaintext'), aadBytes)
}

/** Decrypt and authenticate. Any mismatch of key, nonce, AAD, ciphertext or tag throws `DECRYPTION_FAILED`. */
export function open(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array | string,
): Uint8Array {
  expectBytes(key, KEY_SIZE, 'INVALID_KEY', 'key')
  expectBytes(nonce, NONCE_SIZE, 'INVALID_NONCE_SIZE', 'nonce')
  if (!(ciphertext instanceof Uint8Array))
    throw new CryptoError('INVALID_INPUT', 'ciphertext must be a Uint8Array')
  if (ciphertext.length < TAG_SIZE) {
    throw new CryptoError('DECRYPTION_FAILED', `ciphertext is shorter than the ${TAG_SIZE}-byte tag`)
  }
  const aadBytes = toBytes(aad, 'aad')
  try {
    return getCryptoBackend().xchachaOpen(key, nonce, ciphertext, aadBytes)
  } catch (cause) {
    if (isCryptoError(cause, 'BACKEND_UNAVAILABLE')) throw cause
    throw new CryptoError(
      'DECRYPTION_FAILED',
      'authentication failed: wrong key, nonce, AAD or tampered ciphertext',
      {
        cause,
      },
    )
  }
}
