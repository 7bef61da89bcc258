import { createDecipheriv, createECDH, hkdfSync } from 'node:crypto'

/**
 * An independent model of what the node does with an `encrypted_session_init` (PROTOCOL.md §2–4), built only on
 * Node's OpenSSL bindings — no noble code — so that agreement with the SDK is a real interoperability check:
 * ECDH(node static key × client ephemeral key) → 32-byte x → HKDF-SHA256(no salt, empty info, 32) →
 * XChaCha20-Poly1305 open. Throws (a plain OpenSSL error) when authentication fails.
 */

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0
}

function quarterRound(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) >>> 0
  s[d] = rotl(s[d]! ^ s[a]!, 16)
  s[c] = (s[c]! + s[d]!) >>> 0
  s[b] = rotl(s[b]! ^ s[c]!, 12)
  s[a] = (s[a]! + s[b]!) >>> 0
  s[d] = rotl(s[d]! ^ s[a]!, 8)
  s[c] = (s[c]! + s[d]!) >>> 0
  s[b] = rotl(s[b]! ^ s[c]!, 7)
}

/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): 32-byte key + 16-byte nonce → 32-byte subkey. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const kv = new DataView(key.buffer, key.byteOffset, 32)
  const nv = new DataView(nonce16.buffer, nonce16.byteOffset, 16)
  const s = new Uint32Array(16)
  s.set(SIGMA, 0)
  for (let i = 0; i < 8; i++) s[4 + i] = kv.getUint32(i * 4, true)
  for (let i = 0; i < 4; i++) s[12 + i] = nv.getUint32(i * 4, true)
  for (let round = 0; round < 10; round++) {
    quarterRound(s, 0, 4, 8, 12)
    quarterRound(s, 1, 5, 9, 13)
    quarterRound(s, 2, 6, 10, 14)
    quarterRound(s, 3, 7, 11, 15)
    quarterRound(s, 0, 5, 10, 15)
    quarterRound(s, 1, 6, 11, 12)
    quarterRound(s, 2, 7, 8, 13)
    quarterRound(s, 3, 4, 9, 14)
  }
  const out = new Uint8Array(32)
  const ov = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) ov.setUint32(i * 4, s[i]!, true)
  for (let i = 0; i < 4; i++) ov.setUint32(16 + i * 4, s[12 + i]!, true)
  return out
}

/** XChaCha20-Poly1305 decryption via HChaCha20 + OpenSSL's IETF ChaCha20-Poly1305. */
export function xchachaOpenOpenSsl(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const subkey = hchacha20(key, nonce.subarray(0, 16))
  const iv = new Uint8Array(12)
  iv.set(nonce.subarray(16, 24), 4)
  const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: 16 })
  decipher.setAAD(aad, { plaintextLength: sealed.length - 16 })
  decipher.setAuthTag(sealed.subarray(sealed.length - 16))
  const head = decipher.update(sealed.subarray(0, sealed.length - 16))
  return new Uint8Array(Buffer.concat([head, decipher.final()]))
}

/** ECDH x-coordinate with OpenSSL: `privateKey × publicKey` (SEC1 compressed or uncompressed). */
export function ecdhXOpenSsl(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(privateKey)
  return new Uint8Array(ecdh.computeSecret(publicKey))
}

/** HKDF-SHA256 with OpenSSL. An empty salt is the RFC 5869 default (HashLen zero bytes). */
export function hkdfOpenSsl(ikm: Uint8Array, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), new Uint8Array(0), length))
}

/** The node's session-init key derivation: HKDF(ECDH x). */
export function nodeInitKey(nodePrivateKey: Uint8Array, ephemeralPublicKey: Uint8Array): Uint8Array {
  return hkdfOpenSsl(ecdhXOpenSsl(nodePrivateKey, ephemeralPublicKey))
}
