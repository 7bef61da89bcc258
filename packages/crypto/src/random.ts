import { CryptoError } from './errors.js'

/** `n` bytes from the platform CSPRNG (`crypto.getRandomValues`, in Node and browsers). */
export function randomBytes(n: number): Uint8Array {
  const c = (globalThis as { crypto?: Crypto }).crypto
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new CryptoError('RANDOM_UNAVAILABLE', 'crypto.getRandomValues is not available on this platform')
  }
  const out = new Uint8Array(n)
  // getRandomValues fills at most 65536 bytes per call.
  for (let off = 0; off < n; off += 65536) c.getRandomValues(out.subarray(off, Math.min(n, off + 65536)))
  return out
}
