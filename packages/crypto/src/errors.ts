import { FabstirBaseError } from '@fabstir/wire'

/** Stable codes of every error `@fabstir/crypto` throws (documented in docs/troubleshooting.md). */
export type CryptoErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_HEX'
  | 'INVALID_KEY'
  | 'INVALID_PUBLIC_KEY'
  | 'INVALID_NONCE_SIZE'
  | 'INVALID_DIGEST'
  | 'INVALID_SIGNATURE'
  | 'DECRYPTION_FAILED'
  | 'RANDOM_UNAVAILABLE'
  | 'BACKEND_UNAVAILABLE'

/**
 * The only error class thrown by `@fabstir/crypto`: a `FabstirBaseError` (from `@fabstir/wire`) named `'CryptoError'`.
 * `code` is stable and meant for programs; `message` is for people. Messages describe sizes and formats only: they
 * never contain key material or plaintext.
 */
export class CryptoError extends FabstirBaseError {
  /** Always `'CryptoError'`. */
  override readonly name: string = 'CryptoError'
  /** Stable machine-readable reason, see {@link CryptoErrorCode}. */
  declare readonly code: CryptoErrorCode

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause })
  }
}

/** True when `e` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code)
}
