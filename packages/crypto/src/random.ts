import { CryptoError } from './errors.js'

/**
 * `n` bytes from the platform CSPRNG (`crypto.getRandomValues`, in Node and browsers), any size: the 65,536-byte
 * per-call limit of `getRandomValues` is handled internally. `n` must be a non-negative safe integer
 * (`INVALID_INPUT`); a missing or failing CSPRNG throws `RANDOM_UNAVAILABLE`.
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CryptoError('INVALID_INPUT', 'randomBytes length must be a non-negative safe integer')
  }
  const c = (globalThis as { crypto?: Crypto }).crypto
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new CryptoError('RANDOM_UNAVAILABLE', 'crypto.getRandomValues is not available on this platform')
  }
  let out: Uint8Array
  try {
    out = new Uint8Array(n)
  } catch (cause) {
    throw new CryptoError('INVALID_INPUT', `cannot allocate ${n} random bytes`, { cause })
  }
  try {
    // getRandomValues fills at most 65536 bytes per call.
    for (let off = 0; off < n; off += 65536) c.getRandomValues(out.subarray(off, Math.min(n, off + 65536)))
  } catch (cause) {
    throw new CryptoError('RANDOM_UNAVAILABLE', 'crypto.getRandomValues failed', { cause })
  }
  return out
}
