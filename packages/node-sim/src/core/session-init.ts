import {
  bytesToUtf8,
  deriveInitKey,
  hexToBytes,
  open,
  recoverAddress,
  sha256,
  zeroize,
} from '@fabstir/crypto'
import { FabstirBaseError } from '@fabstir/wire'
import { parseSessionData, type SessionData } from './session-data.js'

/** The five decoded fields of an `encrypted_session_init` payload. */
export interface InitPayloadBytes {
  ephPub: Uint8Array
  ciphertext: Uint8Array
  signature: Uint8Array
  nonce: Uint8Array
  aad: Uint8Array
}

/** A successfully decrypted session init. */
export interface DecryptedInit {
  /** The 32-byte session key for all later traffic. The caller owns (and must zero) it. */
  sessionKey: Uint8Array
  /** The deserialized session data. */
  data: SessionData
  /** Lowercase address recovered from the signature over sha256(ciphertext). */
  clientAddress: `0x${string}`
}

/** Any init failure; the node reports all of them as `DECRYPTION_FAILED`. Messages never contain secrets. */
export class InitDecryptionError extends FabstirBaseError {
  override readonly name: string = 'InitDecryptionError'
  /** Stable code (the wire code the node sends). */
  declare readonly code: 'DECRYPTION_FAILED'

  constructor(message: string, options?: { cause?: unknown }) {
    super('DECRYPTION_FAILED', message, options)
  }
}

function step<T>(what: string, fn: () => T): T {
  try {
    return fn()
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : 'unknown error'
    throw new InitDecryptionError(`${what}: ${detail}`, { cause })
  }
}

/**
 * The node's `decrypt_session_init`: size checks, ECDH (x-only) + HKDF-SHA256 with the node key, XChaCha20-Poly1305
 * open with the AAD exactly as sent, strict UTF-8, serde deserialization of the session data, `sessionKey` hex → 32
 * bytes, then recovery of the signer of sha256(ciphertext) (65-byte r‖s‖v, v 0/1/27/28, low-S). Nothing else is
 * checked: the recovered address is only echoed.
 */
export function decryptSessionInit(payload: InitPayloadBytes, nodePrivateKey: Uint8Array): DecryptedInit {
  if (payload.ephPub.length === 0) throw new InitDecryptionError('Ephemeral public key is empty')
  if (payload.ciphertext.length === 0) throw new InitDecryptionError('Ciphertext is empty')
  if (payload.signature.length !== 65) {
    throw new InitDecryptionError(
      `Invalid signature size: expected 65 bytes, got ${payload.signature.length}`,
    )
  }
  const initKey = step('ECDH key derivation failed', () => deriveInitKey(nodePrivateKey, payload.ephPub))
  let plaintext: Uint8Array
  try {
    plaintext = step('Decryption failed', () => open(initKey, payload.nonce, payload.ciphertext, payload.aad))
  } finally {
    zeroize(initKey)
  }
  try {
    const text = step('Decrypted data is not valid UTF-8', () => bytesToUtf8(plaintext))
    const data = step('Failed to parse session data JSON', () => parseSessionData(text))
    const sessionKey = step('Failed to decode session key hex', () => hexToBytes(data.sessionKey))
    if (sessionKey.length !== 32) {
      zeroize(sessionKey)
      throw new InitDecryptionError(`Invalid session key length: expected 32 bytes, got ${sessionKey.length}`)
    }
    try {
      const clientAddress = step('Signature verification failed', () =>
        recoverAddress(sha256(payload.ciphertext), payload.signature),
      )
      return { sessionKey, data, clientAddress }
    } catch (e) {
      zeroize(sessionKey)
      throw e
    }
  } finally {
    zeroize(plaintext)
  }
}
