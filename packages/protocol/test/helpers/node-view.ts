import {
  bytesToHex,
  bytesToUtf8,
  ecdhSharedX,
  hexToBytes,
  hkdfSha256,
  open,
  seal,
  utf8ToBytes,
} from '@fabstir/crypto'
import type { EncryptedMessageFrame, EncryptedSessionInitFrame } from '@fabstir/wire'

/** What the node sees when it opens an `encrypted_session_init` (decrypted independently of the SDK). */
export interface OpenedInit {
  /** The exact session-data JSON text. */
  text: string
  ciphertext: Uint8Array
  signature: Uint8Array
  /** The AAD, as sent in `aadHex`. */
  aad: string
  /** The 32-byte session key announced in the session data. */
  sessionKey: Uint8Array
}

/**
 * Decrypt an init payload the way the node does (PROTOCOL.md §2 and §4): ECDH x-coordinate of
 * `nodePriv × ephPub`, HKDF-SHA256 (no salt, empty info), XChaCha20-Poly1305 with the AAD from `aadHex`.
 */
export function openInitPayload(frame: EncryptedSessionInitFrame, nodePrivateKey: Uint8Array): OpenedInit {
  const p = frame.payload
  const initKey = hkdfSha256(ecdhSharedX(nodePrivateKey, p.ephPubHex))
  const ciphertext = hexToBytes(p.ciphertextHex)
  const aadBytes = hexToBytes(p.aadHex)
  const text = bytesToUtf8(open(initKey, hexToBytes(p.nonceHex), ciphertext, aadBytes))
  const match = /"sessionKey":"([0-9a-fA-F]{64})"/.exec(text)
  if (!match) throw new Error('session data carries no 64-hex sessionKey')
  return {
    text,
    ciphertext,
    signature: hexToBytes(p.signatureHex),
    aad: bytesToUtf8(aadBytes),
    sessionKey: hexToBytes(match[1]!.toLowerCase()),
  }
}

/** Decrypt a prompt frame with the session key and the given AAD (throws when it does not authenticate). */
export function openMessage(frame: EncryptedMessageFrame, sessionKey: Uint8Array, aad: string): string {
  const p = frame.payload
  return bytesToUtf8(open(sessionKey, hexToBytes(p.nonceHex), hexToBytes(p.ciphertextHex), aad))
}

/** The AAD text a frame announces in `aadHex`. */
export function announcedAad(frame: { payload: { aadHex: string } }): string {
  return bytesToUtf8(hexToBytes(frame.payload.aadHex))
}

/** Seal arbitrary bytes into an `encrypted_message` payload (for frames the SDK would never build). */
export function sealPayload(
  sessionKey: Uint8Array,
  plaintext: Uint8Array | string,
  aad: string,
): EncryptedMessageFrame['payload'] {
  const sealed = seal(sessionKey, plaintext, aad)
  return {
    ciphertextHex: bytesToHex(sealed.ciphertext),
    nonceHex: bytesToHex(sealed.nonce),
    aadHex: bytesToHex(utf8ToBytes(aad)),
  }
}
