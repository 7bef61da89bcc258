import { FabstirBaseError } from '@fabstir/wire'

/** Stable codes of the errors wallet adapters (`@fabstir/signer-viem`, `@fabstir/signer-ethers`, your own) throw. */
export type SignerErrorCode =
  /** The wallet cannot produce raw digest signatures (json-rpc / browser wallets, smart accounts, void signers). */
  | 'UNSUPPORTED_SIGNER'
  /** The value passed is not a supported account, wallet or signing key (or has no usable address/public key). */
  | 'INVALID_SIGNER'
  /** A private key given to an adapter is not a valid secp256k1 secret key. */
  | 'INVALID_PRIVATE_KEY'
  /** The digest to sign is not a 32-byte `Uint8Array`. */
  | 'INVALID_DIGEST'
  /** The wallet's signing call threw or rejected. */
  | 'SIGNING_FAILED'
  /** The wallet returned something that is not a 65-byte, low-S, recoverable r‖s‖v signature. */
  | 'INVALID_SIGNATURE'
  /** The signature (or the wallet's key) does not match the wallet's address. Never retryable. */
  | 'SIGNER_MISMATCH'

/** Non-secret facts about a failure (sizes, addresses, account types), for programs and logs. */
export type SignerErrorContext = Readonly<Record<string, string | number | boolean>>

/**
 * The error class of wallet adapters (`@fabstir/signer-viem`, `@fabstir/signer-ethers`): a `FabstirBaseError` named
 * `'SignerError'`. `code` is stable and meant for programs; `message` is for people; `context` (also `details`)
 * carries non-secret details. Neither ever contains key material.
 */
export class SignerError extends FabstirBaseError {
  /** Always `'SignerError'`. */
  override readonly name: string = 'SignerError'
  /** Stable machine-readable code; branch on this, never on `message`. */
  declare readonly code: SignerErrorCode
  /** Non-secret details of the failure (empty object when there are none); the same object as `details`. */
  readonly context: SignerErrorContext

  constructor(
    code: SignerErrorCode,
    message: string,
    options: { cause?: unknown; context?: SignerErrorContext } = {},
  ) {
    const context = options.context ?? {}
    super(code, message, { cause: options.cause, details: context })
    this.context = context
  }
}

/** True when `e` is a {@link SignerError}, optionally with the given code. */
export function isSignerError(e: unknown, code?: SignerErrorCode): e is SignerError {
  return e instanceof SignerError && (code === undefined || e.code === code)
}
