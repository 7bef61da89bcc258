// Building blocks for wallet adapters that implement `DigestSigner` (their error class is in signer-error.ts): digest
// and signature checks, and recovery of the signing address. `@fabstir/signer-viem` and `@fabstir/signer-ethers` are built from
// them; so can an adapter for any other wallet library.
import { hexToBytes } from '@fabstir/crypto'
import { SignerError } from './signer-error.js'
import { type SignatureProblem, toWireSignature, verifyDigestSignature } from './wallet-signature.js'

/**
 * Why wallets limited to EIP-191 `personal_sign` are refused. Shared by every `UNSUPPORTED_SIGNER` message.
 */
export const RAW_DIGEST_REQUIREMENT =
  'The Fabstir node verifies a raw secp256k1 signature over sha256(ciphertext), with no EIP-191 prefix. ' +
  'A wallet that can only personal_sign signs a prefixed message instead: the node would recover a different ' +
  'address and the session would silently belong to someone else. Use a local account or wallet holding a ' +
  'dedicated session key instead.'

/**
 * Check that `digest` is a 32-byte `Uint8Array` and return a private copy (the caller may reuse its buffer while
 * the signature is pending).
 */
export function copyDigest(digest: unknown): Uint8Array {
  if (!(digest instanceof Uint8Array)) {
    throw new SignerError('INVALID_DIGEST', 'the digest to sign must be a Uint8Array', {
      context: { type: digest === null ? 'null' : typeof digest },
    })
  }
  if (digest.length !== 32) {
    throw new SignerError('INVALID_DIGEST', `the digest to sign must be 32 bytes; got ${digest.length}`, {
      context: { length: digest.length },
    })
  }
  return digest.slice()
}

function decodeSignature(signature: unknown): Uint8Array {
  if (signature instanceof Uint8Array) return signature // toWireSignature copies it
  if (typeof signature === 'string') {
    try {
      return hexToBytes(signature)
    } catch (cause) {
      throw new SignerError('INVALID_SIGNATURE', 'the signer returned a string that is not hex', { cause })
    }
  }
  throw new SignerError('INVALID_SIGNATURE', 'the signer returned neither a hex string nor bytes', {
    context: { type: signature === null ? 'null' : typeof signature },
  })
}

/**
 * Turn whatever a signer returned (hex string or bytes) into the wire form: 65 bytes `r ‖ s ‖ v` with v ∈ {0, 1}.
 * v 27/28 is normalised; r and s must be in range and s must be low (the node rejects high-S signatures).
 */
export function normaliseSignature(signature: unknown): Uint8Array {
  const checked = toWireSignature(decodeSignature(signature))
  if (checked instanceof Uint8Array) return checked
  throw signatureError(checked)
}

function signatureError(problem: SignatureProblem, expected = ''): SignerError {
  if (problem.kind === 'malformed') {
    return new SignerError('INVALID_SIGNATURE', problem.message, {
      cause: problem.cause,
      context: problem.context ?? {},
    })
  }
  return new SignerError(
    'SIGNER_MISMATCH',
    `the signature recovers to ${problem.recovered}, not to the signer's address ${expected}; ` +
      'the account signs with a different key than its address claims, or does not sign raw digests',
    { context: { expected, recovered: problem.recovered } },
  )
}

/**
 * Recover the signer of `signature` over `digest` and require it to be `expected` (compared case-insensitively):
 * the same check the session runs before a session-init signature leaves (`verifyDigestSignature`).
 */
export function assertRecoversTo(digest: Uint8Array, signature: Uint8Array, expected: string): void {
  const checked = verifyDigestSignature(digest, signature, expected)
  if (!(checked instanceof Uint8Array)) throw signatureError(checked, expected)
}
