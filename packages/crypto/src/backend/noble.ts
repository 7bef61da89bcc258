import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { createPointCache, multiplyX } from './precomputed.js'
import type { CryptoBackend } from './types.js'

const reused = createPointCache()

/**
 * The portable backend: pure JavaScript from the audited noble libraries. Runs everywhere (browsers, Deno, Bun,
 * Node) and is the reference every other backend is tested against. A public key used again (the node's static key,
 * once per session init) gets a precomputed multiplication table, which makes its ECDH about 6× faster.
 */
export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble',
  xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  },
  xchachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed)
  },
  ecdhX(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    const hot = publicKey.length === 65 ? reused.hot(publicKey) : undefined
    if (hot !== undefined) return multiplyX(hot, privateKey)
    const shared = secp256k1.getSharedSecret(privateKey, publicKey, true)
    const x = shared.slice(1)
    shared.fill(0)
    return x
  },
  sha256(data: Uint8Array): Uint8Array {
    return sha256(data)
  },
})
