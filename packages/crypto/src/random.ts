import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js'
import { CryptoError } from './errors.js'

/** The most bytes one `crypto.getRandomValues` call may fill (Web Crypto quota); noble enforces it per call. */
const MAX_PER_CALL = 65536

/**
 * `n` bytes from the platform CSPRNG (`crypto.getRandomValues`, in Node and browsers), any size: the 65,536-byte
 * per-call limit of `getRandomValues` is handled internally. `n` must be a non-negative safe integer
 * (`INVALID_INPUT`); a missing or failing CSPRNG throws `RANDOM_UNAVAILABLE`.
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CryptoError('INVALID_INPUT', 'randomBytes length must be a non-negative safe integer')
  }
  if (n <= MAX_PER_CALL) return fromCsprng(n)
  let out: Uint8Array
  try {
    out = new Uint8Array(n)
  } catch (cause) {
    throw new CryptoError('INVALID_INPUT', `cannot allocate ${n} random bytes`, { cause })
  }
  for (let off = 0; off < n; off += MAX_PER_CALL) out.set(fromCsprng(Math.min(MAX_PER_CALL, n - off)), off)
  return out
}

function fromCsprng(n: number): Uint8Array {
  try {
    return nobleRandomBytes(n)
  } catch (cause) {
    throw new CryptoError('RANDOM_UNAVAILABLE', 'crypto.getRandomValues is missing or failed', { cause })
  }
}
