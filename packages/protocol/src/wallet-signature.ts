import {
  keccak256,
  publicKeyToAddress,
  recoverAddress,
  recoverPublicKey,
  recoversToPublicKey,
  utf8ToBytes,
} from '@fabstir/crypto'
import { FabstirError } from './errors.js'
import { capNodeText } from './node-text.js'
import type { DigestSigner } from './signer.js'

/**
 * Each wallet's public key, learnt from its first signature's full recovery: public information, kept so that
 * later signatures are checked against it cheaply.
 */
const signerKeys = new WeakMap<DigestSigner, { address: string; publicKey: Uint8Array }>()

const PERSONAL_PREFIX = utf8ToBytes('\x19Ethereum Signed Message:\n32')

/** True when `signature` is `address`'s EIP-191 personal_sign signature of `digest` (checked on failure only). */
function signsPersonalMessages(digest: Uint8Array, signature: Uint8Array, address: string): boolean {
  const message = new Uint8Array(PERSONAL_PREFIX.length + 32)
  message.set(PERSONAL_PREFIX)
  message.set(digest, PERSONAL_PREFIX.length)
  try {
    return recoverAddress(keccak256(message), signature) === address
  } catch {
    return false
  }
}

/** Short description of a value a wallet produced, for an error's details (never its contents). */
function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  return typeof value
}

/**
 * The error for a wallet whose `signDigest` threw or rejected — with anything at all: an Error, a string, `null`,
 * `undefined` or an object. `UNSUPPORTED_SIGNER` when the adapter said so, else `SIGNER_FAILED` with the cause.
 * Never throws.
 */
export function walletFailure(thrown: unknown): FabstirError {
  let code: unknown
  let said: string
  let kind: string
  try {
    kind = describeValue(thrown)
    code = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined
    said =
      thrown instanceof Error && typeof thrown.message === 'string'
        ? thrown.message
        : typeof thrown === 'string'
          ? thrown
          : `it rejected with ${kind}`
  } catch {
    // A hostile object (throwing getters, revoked proxy): nothing can be read from it.
    code = undefined
    kind = 'unreadable object'
    said = 'it rejected with an unreadable value'
  }
  if (code === 'UNSUPPORTED_SIGNER') {
    return new FabstirError('UNSUPPORTED_SIGNER', capNodeText(said, 512), { cause: thrown })
  }
  return new FabstirError(
    'SIGNER_FAILED',
    `the signer failed to sign the session-init digest: ${capNodeText(said, 512)}`,
    { cause: thrown, details: { thrown: kind } },
  )
}

/**
 * The one check every session-init signature passes before it is sent: what the wallet returned must be 65 bytes
 * r‖s‖v (v 0/1/27/28, low-S) that recover to `signer.address` — on every init, since a wallet can switch accounts
 * between sessions and the node would store the session key for whichever address it recovers. A full recovery the
 * first time a wallet signs; a known-key check (about a third of the cost, see the `session-init` bench) after that.
 * Returns the signature with v normalised to 0/1. Throws `UNSUPPORTED_SIGNER` for a malformed or EIP-191 signature
 * and `CLIENT_ADDRESS_MISMATCH` (never retryable) for a signature by another key.
 */
export function checkWalletSignature(
  digest: Uint8Array,
  returned: unknown,
  signer: DigestSigner,
  sessionId?: string,
): Uint8Array {
  if (!(returned instanceof Uint8Array) || returned.length !== 65) {
    throw new FabstirError('UNSUPPORTED_SIGNER', 'signDigest must resolve to 65 bytes r ‖ s ‖ v', {
      details: { received: describeValue(returned) },
    })
  }
  const expected = signer.address.toLowerCase()
  const signature = returned.slice()
  if (signature[64] === 27 || signature[64] === 28) signature[64] -= 27
  const known = signerKeys.get(signer)
  if (known?.address === expected && recoversToPublicKey(known.publicKey, digest, signature)) return signature
  let publicKey: Uint8Array
  try {
    publicKey = recoverPublicKey(digest, signature)
  } catch (cause) {
    throw new FabstirError('UNSUPPORTED_SIGNER', 'the signer returned an invalid or high-S signature', {
      cause,
    })
  }
  const recovered = publicKeyToAddress(publicKey)
  if (recovered !== expected) {
    if (signsPersonalMessages(digest, signature, expected)) {
      throw new FabstirError(
        'UNSUPPORTED_SIGNER',
        'the signer signed an EIP-191 personal_sign message instead of the raw 32-byte digest: the node would recover another address',
        { details: { expected, recovered } },
      )
    }
    throw new FabstirError(
      'CLIENT_ADDRESS_MISMATCH',
      `the init signature recovers to ${recovered}, not to signer.address ${expected}: the wallet switched accounts or returned a wrong signature; nothing was sent`,
      { sessionId, details: { expected, received: recovered, checkedBy: 'client' } },
    )
  }
  signerKeys.set(signer, { address: expected, publicKey })
  return signature
}
