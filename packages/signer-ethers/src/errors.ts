/** Stable codes of every error `@fabstir/signer-ethers` throws. */
export type SignerErrorCode =
  /** The signer cannot produce raw digest signatures (JsonRpcSigner, browser wallets, VoidSigner, …). */
  | 'UNSUPPORTED_SIGNER'
  /** The value passed is neither an ethers wallet nor a SigningKey (or its public key is unusable). */
  | 'INVALID_SIGNER'
  /** The digest to sign is not a 32-byte `Uint8Array`. */
  | 'INVALID_DIGEST'
  /** The signing key's `sign` threw or rejected. */
  | 'SIGNING_FAILED'
  /** The signing key returned something that is not a 65-byte, low-S, recoverable r‖s‖v signature. */
  | 'INVALID_SIGNATURE'
  /** The signature (or the wallet's signing key) does not match the wallet's address. */
  | 'SIGNER_MISMATCH'

/** Non-secret facts about a failure (sizes, addresses, account types), for programs and logs. */
export type SignerErrorContext = Readonly<Record<string, string | number | boolean>>

/**
 * The only error class thrown by `@fabstir/signer-ethers`. `code` is stable and meant for programs; `message` is for
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
