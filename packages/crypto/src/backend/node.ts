import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  getCiphers,
  getCurves,
  type KeyObject,
} from 'node:crypto'
import { hchacha } from '@noble/ciphers/chacha.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { CryptoError } from '../errors.js'
import { createPointCache, multiplyX } from './precomputed.js'
import type { CryptoBackend } from './types.js'

/**
 * The Node.js backend: OpenSSL through `node:crypto` for the bulk work. XChaCha20-Poly1305 is HChaCha20 (noble,
 * one 64-byte block) followed by OpenSSL's IETF ChaCha20-Poly1305 under the derived subkey with the 12-byte nonce
 * `0x00000000 ‖ nonce[16..24]` (draft-irtf-cfrg-xchacha §2.3); ECDH is OpenSSL's secp256k1. The bytes are identical
 * to {@link nobleBackend}'s — the test suite runs every vector and property against both and compares them. A public
 * key used again (the node's static key) takes noble's precomputed-table multiplication instead, which beats
 * OpenSSL's generic curve code.
 *
 * This module imports `node:crypto`; it is only reachable through the `node` export condition, never from a
 * browser bundle.
 */

const TAG_SIZE = 16
const CIPHER = 'chacha20-poly1305'
const CURVE = 'secp256k1'

// HChaCha20 works on 32-bit words in platform byte order (noble's `hchacha` normalises big-endian hosts itself),
// so inputs are copied into aligned scratch words. The scratch buffers are module-private, used synchronously and
// wiped before every return.
const SIGMA = new Uint32Array(Uint8Array.from(new TextEncoder().encode('expand 32-byte k')).buffer)
const keyWords = new Uint32Array(8)
const keyBytes = new Uint8Array(keyWords.buffer)
const nonceWords = new Uint32Array(4)
const nonceBytes = new Uint8Array(nonceWords.buffer)
const subkeyWords = new Uint32Array(8)
const subkeyBytes = new Uint8Array(subkeyWords.buffer)
const iv = new Uint8Array(12)

let available: boolean | undefined

/**
 * True when this Node.js build's OpenSSL offers both `chacha20-poly1305` and the `secp256k1` curve (some builds,
 * e.g. FIPS-restricted ones, lack them). Computed once.
 */
export function isNodeBackendAvailable(): boolean {
  if (available === undefined) {
    try {
      available = getCiphers().includes(CIPHER) && getCurves().includes(CURVE)
    } catch {
      available = false
    }
  }
  return available
}

function assertAvailable(): void {
  if (!isNodeBackendAvailable()) {
    throw new CryptoError(
      'BACKEND_UNAVAILABLE',
      `this Node.js build's OpenSSL lacks ${CIPHER} or the ${CURVE} curve; use the noble backend`,
    )
  }
}

/** Run `use` with the HChaCha20 subkey of (key, nonce[0..16]) and the 12-byte IETF nonce; wipes both after. */
function withSubkey<T>(
  key: Uint8Array,
  nonce: Uint8Array,
  use: (subkey: Uint8Array, iv: Uint8Array) => T,
): T {
  try {
    keyBytes.set(key)
    nonceBytes.set(nonce.subarray(0, 16))
    hchacha(SIGMA, keyWords, nonceWords, subkeyWords)
    keyWords.fill(0)
    iv.set(nonce.subarray(16, 24), 4)
    return use(subkeyBytes, iv)
  } finally {
    keyWords.fill(0)
    nonceWords.fill(0)
    subkeyWords.fill(0)
    iv.fill(0)
  }
}

// DER framing of secp256k1 keys for OpenSSL (RFC 5915 ECPrivateKey without the optional public key, and RFC 5480
// SubjectPublicKeyInfo with an uncompressed point). Only the key bytes vary.
const SEC1_HEAD = Buffer.from('302e0201010420', 'hex')
const SEC1_TAIL = Buffer.from('a00706052b8104000a', 'hex')
const SPKI_HEAD = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex')

/** An OpenSSL key object for a valid scalar. The DER copy of the key is wiped. */
function privateKeyObject(privateKey: Uint8Array): KeyObject {
  const der = Buffer.alloc(SEC1_HEAD.length + 32 + SEC1_TAIL.length)
  der.set(SEC1_HEAD)
  der.set(privateKey, SEC1_HEAD.length)
  der.set(SEC1_TAIL, SEC1_HEAD.length + 32)
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'sec1' })
  } finally {
    der.fill(0)
  }
}

/** An OpenSSL key object for a 65-byte uncompressed point. */
function publicKeyObject(point: Uint8Array): KeyObject {
  const spki = Buffer.alloc(SPKI_HEAD.length + 65)
  spki.set(SPKI_HEAD)
  spki.set(point, SPKI_HEAD.length)
  return createPublicKey({ key: spki, format: 'der', type: 'spki' })
}

/** The 65-byte uncompressed form (the front always passes it; a 33-byte point is decompressed here). */
function uncompressed(publicKey: Uint8Array): Uint8Array {
  return publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false)
}

const reused = createPointCache()

/**
 * OpenSSL ECDH: the 32-byte x-coordinate of `privateKey × point` (valid scalar, 65-byte uncompressed point).
 * @internal Exported for the differential tests, which must reach OpenSSL whatever the cache of reused keys holds.
 */
export function opensslEcdhX(privateKey: Uint8Array, point: Uint8Array): Uint8Array {
  return plainBytes(
    diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(point) }),
  )
}

/**
 * A plain `Uint8Array` with the contents of a Node `Buffer`: the same memory when the Buffer owns its whole
 * ArrayBuffer (what OpenSSL results do), else a copy — the Buffer's bytes are then wiped.
 */
function plainBytes(buf: Buffer): Uint8Array {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return new Uint8Array(buf.buffer)
  const out = new Uint8Array(buf)
  buf.fill(0)
  return out
}

/** The Node.js (OpenSSL) backend. Check {@link isNodeBackendAvailable} before relying on it directly. */
export const nodeBackend: CryptoBackend = Object.freeze({
  name: 'node',
  isAvailable: isNodeBackendAvailable,
  xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    assertAvailable()
    return withSubkey(key, nonce, (subkey, iv12) => {
      const cipher = createCipheriv(CIPHER, subkey, iv12, { authTagLength: TAG_SIZE })
      cipher.setAAD(aad, { plaintextLength: plaintext.length })
      // Unpooled and uninitialised (every byte is written below): no zero-fill pass over large messages.
      const out = Buffer.allocUnsafeSlow(plaintext.length + TAG_SIZE)
      out.set(cipher.update(plaintext))
      cipher.final()
      out.set(cipher.getAuthTag(), plaintext.length)
      return new Uint8Array(out.buffer, out.byteOffset, out.length)
    })
  },
  xchachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    assertAvailable()
    const length = sealed.length - TAG_SIZE
    return withSubkey(key, nonce, (subkey, iv12) => {
      const decipher = createDecipheriv(CIPHER, subkey, iv12, { authTagLength: TAG_SIZE })
      decipher.setAAD(aad, { plaintextLength: length })
      decipher.setAuthTag(sealed.subarray(length))
      // OpenSSL decrypts before it checks the tag: the bytes are released only after final() authenticated them.
      const plaintext = decipher.update(sealed.subarray(0, length))
      try {
        decipher.final()
      } catch (cause) {
        plaintext.fill(0)
        throw cause
      }
      return plainBytes(plaintext)
    })
  },
  ecdhX(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    assertAvailable()
    const point = uncompressed(publicKey)
    // A reused key (the node's, once per session init) is faster with noble's precomputed table than with OpenSSL.
    const hot = reused.hot(point)
    return hot !== undefined ? multiplyX(hot, privateKey) : opensslEcdhX(privateKey, point)
  },
  sha256(data: Uint8Array): Uint8Array {
    assertAvailable()
    return plainBytes(createHash('sha256').update(data).digest())
  },
})
