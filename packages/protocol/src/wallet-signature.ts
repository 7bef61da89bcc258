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

/** secp256k1 group order, and the low-S bound the node enforces. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_CURVE_ORDER = CURVE_ORDER >> 1n

/**
 * Public keys of addresses that signed before, learnt from a full recovery, so that later signatures are checked
 * against them cheaply. Public information; a few entries (an app has one wallet, sometimes a few).
 */
const knownKeys = new Map<string, Uint8Array>()
const KNOWN_KEYS = 8

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n
}

/** Why a signature failed {@link verifyDigestSignature}; messages never hold key material. */
export type SignatureProblem =
  /** Not a well-formed recoverable signature, or no key can be recovered from it. */
  | { kind: 'malformed'; message: string; cause?: unknown; context?: Readonly<Record<string, number>> }
  /** Well formed, but signed by another key than the expected address's. */
  | { kind: 'mismatch'; recovered: string }

/**
 * Format check of a recoverable secp256k1 signature in the node's form: 65 bytes `r ‖ s ‖ v`, r and s in range, s
 * low, v 0, 1, 27 or 28. Returns a copy with v normalised to 0/1, or why it is not one.
 */
export function toWireSignature(bytes: Uint8Array): Uint8Array | SignatureProblem {
  if (bytes.length !== 65) {
    return {
      kind: 'malformed',
      message: `the signer returned ${bytes.length} bytes; a recoverable signature r‖s‖v is 65 bytes`,
      context: { length: bytes.length },
    }
  }
  const r = bytesToBigInt(bytes.subarray(0, 32))
  const s = bytesToBigInt(bytes.subarray(32, 64))
  if (r === 0n || r >= CURVE_ORDER || s === 0n || s >= CURVE_ORDER) {
    return { kind: 'malformed', message: 'the signature r or s value is out of range' }
  }
  if (s > HALF_CURVE_ORDER) {
    return { kind: 'malformed', message: 'the signature has a high S value; the node accepts only low-S' }
  }
  const v = bytes[64]!
  if (v !== 0 && v !== 1 && v !== 27 && v !== 28) {
    return { kind: 'malformed', message: `the signature v must be 0, 1, 27 or 28; got ${v}`, context: { v } }
  }
  const signature = bytes.slice()
  if (v >= 27) signature[64] = v - 27
  return signature
}

/**
 * The SDK's one signer-verification check — used by the session before a session-init signature leaves
 * ({@link checkWalletSignature}) and by wallet adapters after their wallet signed (`assertRecoversTo`): `bytes`
 * must be a recoverable signature ({@link toWireSignature}) whose public key, recovered over the raw 32-byte
 * `digest` the way the node recovers it, belongs to `address` (compared case-insensitively). A full recovery the
 * first time an address signs; a known-key check (about a third of the cost, see the `session-init` bench) after
 * that. Returns the signature with v normalised to 0/1, or the problem.
 */
export function verifyDigestSignature(
  digest: Uint8Array,
  bytes: Uint8Array,
  address: string,
): Uint8Array | SignatureProblem {
  const signature = toWireSignature(bytes)
  if (!(signature instanceof Uint8Array)) return signature
  const expected = address.toLowerCase()
  const known = knownKeys.get(expected)
  if (known !== undefined && recoversToPublicKey(known, digest, signature)) return signature
  let publicKey: Uint8Array
  try {
    publicKey = recoverPublicKey(digest, signature)
  } catch (cause) {
    return { kind: 'malformed', message: 'no public key can be recovered from the signature', cause }
  }
  const recovered = publicKeyToAddress(publicKey)
  if (recovered !== expected) return { kind: 'mismatch', recovered }
  knownKeys.delete(expected)
  knownKeys.set(expected, publicKey)
  if (knownKeys.size > KNOWN_KEYS) knownKeys.delete(knownKeys.keys().next().value!)
  return signature
}

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
 * The check every session-init signature passes before it is sent (`verifyDigestSignature`, the SDK's one signer
 * check), on every init, since a wallet can switch accounts between sessions and the node would store the session
 * key for whichever address it recovers. Returns the signature with v normalised to 0/1. Throws `UNSUPPORTED_SIGNER` for a malformed
 * or EIP-191 signature and `CLIENT_ADDRESS_MISMATCH` (never retryable) for a signature by another key.
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
  const checked = verifyDigestSignature(digest, returned, signer.address)
  if (checked instanceof Uint8Array) return checked
  if (checked.kind === 'malformed') {
    throw new FabstirError(
      'UNSUPPORTED_SIGNER',
      `the signer returned an invalid signature: ${checked.message}`,
      {
        cause: checked.cause,
      },
    )
  }
  const expected = signer.address.toLowerCase()
  const { recovered } = checked
  if (signsPersonalMessages(digest, toWireSignature(returned) as Uint8Array, expected)) {
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
