import {
  assertPrivateKey,
  CryptoError,
  getPublicKey,
  publicKeyToAddress,
  randomBytes,
  signDigest,
  zeroize,
} from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/transport-ws'

/** A {@link DigestSigner} whose key lives only in this page's memory; `dispose()` zeroes it. */
export interface ThrowawaySigner extends DigestSigner {
  /** Zero the private key. Later `signDigest` calls reject. */
  dispose(): void
}

const MAX_KEY_ATTEMPTS = 8

function freshPrivateKey(): Uint8Array {
  // A random 32-byte string is a valid secp256k1 scalar with probability 1 − 2⁻¹²⁸; retry on the rare miss.
  for (let attempt = 1; ; attempt++) {
    const key = randomBytes(32)
    try {
      assertPrivateKey(key)
      return key
    } catch (e) {
      zeroize(key)
      if (attempt >= MAX_KEY_ATTEMPTS) throw e
    }
  }
}

/**
 * A tiny raw-digest signer for the demo: a random secp256k1 key from Web Crypto `getRandomValues` (via
 * `@fabstir/crypto`), never stored or shown. The node only echoes the recovered address, so any key works for
 * opening a session against the simulator; a real deployment signs with the wallet that owns the job.
 */
export function createThrowawaySigner(): ThrowawaySigner {
  let key: Uint8Array | undefined = freshPrivateKey()
  const address = publicKeyToAddress(getPublicKey(key))
  return {
    address,
    async signDigest(digest: Uint8Array): Promise<Uint8Array> {
      if (!key) throw new CryptoError('INVALID_KEY', 'the throw-away signer was disposed')
      return signDigest(key, digest)
    },
    dispose(): void {
      if (key) zeroize(key)
      key = undefined
    },
  }
}
