import {
  assertPrivateKey,
  getPublicKey,
  keccak256,
  publicKeyToAddress,
  randomBytes,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import type { DigestSigner } from '../../src/index.js'

/** A {@link DigestSigner} backed by a private key the test knows. */
export interface TestSigner extends DigestSigner {
  readonly privateKey: Uint8Array
  /** How many digests it signed. */
  readonly calls: number
}

/** A fresh random secp256k1 private key. */
export function randomPrivateKey(): Uint8Array {
  for (;;) {
    const key = randomBytes(32)
    try {
      return assertPrivateKey(key)
    } catch {
      // zero or above the curve order: draw again
    }
  }
}

/** The real thing: raw secp256k1 ECDSA over the 32-byte digest, as the node expects (PROTOCOL.md §4). */
export function createTestSigner(privateKey: Uint8Array = randomPrivateKey()): TestSigner {
  const address = publicKeyToAddress(getPublicKey(privateKey))
  let calls = 0
  return {
    address,
    privateKey,
    get calls() {
      return calls
    },
    async signDigest(digest: Uint8Array): Promise<Uint8Array> {
      calls++
      return signDigest(privateKey, digest)
    },
  }
}

/**
 * The mistake of the seed guide: `personal_sign` (EIP-191) over the digest. The signature is valid, but over
 * `keccak256("\x19Ethereum Signed Message:\n32" ‖ digest)`, so raw-digest recovery yields another address.
 */
export function createEip191Signer(privateKey: Uint8Array = randomPrivateKey()): TestSigner {
  const address = publicKeyToAddress(getPublicKey(privateKey))
  const prefix = utf8ToBytes('\x19Ethereum Signed Message:\n32')
  let calls = 0
  return {
    address,
    privateKey,
    get calls() {
      return calls
    },
    async signDigest(digest: Uint8Array): Promise<Uint8Array> {
      calls++
      const message = new Uint8Array(prefix.length + digest.length)
      message.set(prefix, 0)
      message.set(digest, prefix.length)
      const signature = signDigest(privateKey, keccak256(message))
      signature[64] = signature[64]! + 27
      return signature
    },
  }
}

/** A wallet that refuses to sign (user rejected, hardware wallet unplugged, …). */
export function createThrowingSigner(error: unknown = new Error('user rejected the request')): TestSigner {
  const privateKey = randomPrivateKey()
  let calls = 0
  return {
    address: publicKeyToAddress(getPublicKey(privateKey)),
    privateKey,
    get calls() {
      return calls
    },
    async signDigest(): Promise<Uint8Array> {
      calls++
      throw error
    },
  }
}
