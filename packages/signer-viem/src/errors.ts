/** Stable codes of every error `@fabstir/signer-viem` throws. */
export type SignerErrorCode =
  /** The account cannot produce raw digest signatures (json-rpc / browser wallets, smart accounts). */
  | 'UNSUPPORTED_SIGNER'
  /** The value passed as an account is not a viem account (not an object, or no valid address). */
  | 'INVALID_SIGNER'
  /** The private key given to {@link privateKeyToDigestSigner} is not a valid secp256k1 secret key. */
  | 'INVALID_PRIVATE_KEY'
  /** The digest to sign is not a 32-byte `Uint8Array`. */
  | 'INVALID_DIGEST'
  /** The account's `sign` threw or rejected. */
  | 'SIGNING_FAILED'
  /** The account returned something that is not a 65-byte, low-S, recoverable r‖s‖v signature. */
  | 'INVALID_SIGNATURE'
  /** The signature recovers to an address other than the account's. */
  | 'SIGNER_MISMATCH'

/** Non-secret facts about a failure (sizes, addresses, account types), for programs and logs. */
export type SignerErrorContext = Readonly<Record<string, string | number | boolean>>

/**
 * The only error class thrown by `@fabstir/signer-viem`. `code` is stable and meant for programs; `message` is for
 * people; `context` carries non-secret details. Neither ever contains key material.
 */
export class SignerError extends Error {
  /** Always `'SignerError'`. */
  override readonly name = 'SignerError'
  /** Stable machine-readable code; branch on this, never on `message`. */
  readonly code: SignerErrorCode
  /** Non-secret details of the failure (empty object when there are none). */
  readonly context: SignerErrorContext

  constructor(
    code: SignerErrorCode,
    message: string,
    options: { cause?: unknown; context?: SignerErrorContext } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.context = options.context ?? {}
  }
}

/** True when `e` is a {@link SignerError}, optionally with the given code. */
export function isSignerError(e: unknown, code?: SignerErrorCode): e is SignerError {
  return e instanceof SignerError && (code === undefined || e.code === code)
}
