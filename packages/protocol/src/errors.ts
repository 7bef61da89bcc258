import { ERROR_CODES, type ErrorCode } from '@fabstir/wire'

/** Every code a {@link FabstirError} can carry: the node's codes and the SDK's own (see `ERROR_CODES`). */
export type FabstirErrorCode = ErrorCode

export interface FabstirErrorOptions {
  cause?: unknown
  /** The request `id` the error belongs to (echoed by the node, or the SDK's own). */
  requestId?: string
  sessionId?: string
  /** The node's own message text, verbatim (never contains secrets: the node does not echo plaintext). */
  nodeMessage?: string
  /** For `RATE_LIMITED`: how long to wait before retrying. */
  retryAfterMs?: number
  /** True when the session can no longer be used: its keys have been zeroed. */
  fatal?: boolean
  /** Overrides the table's retryability. */
  retryable?: boolean
  /** Extra structured context (sizes, indices, field paths) — never key material or plaintext. */
  details?: Readonly<Record<string, unknown>>
}

/**
 * The error class of `@fabstir/protocol` and `@fabstir/transport-ws`. `code` is stable and documented in the
 * generated protocol reference; `retryable` and `action` come from the same table.
 */
export class FabstirError extends Error {
  override readonly name = 'FabstirError'
  readonly code: FabstirErrorCode
  readonly retryable: boolean
  /** What a caller should do about it (from the error table). */
  readonly action: string
  readonly requestId: string | undefined
  readonly sessionId: string | undefined
  readonly nodeMessage: string | undefined
  readonly retryAfterMs: number | undefined
  readonly fatal: boolean
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: FabstirErrorCode, message: string, options: FabstirErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    const info = ERROR_CODES[code]
    this.code = code
    this.retryable = options.retryable ?? info?.retryable ?? false
    this.action = info?.action ?? ''
    this.requestId = options.requestId
    this.sessionId = options.sessionId
    this.nodeMessage = options.nodeMessage
    this.retryAfterMs = options.retryAfterMs
    this.fatal = options.fatal ?? false
    this.details = options.details
  }
}

/** True when `e` is a {@link FabstirError}, optionally with one of the given codes. */
export function isFabstirError(e: unknown, ...codes: FabstirErrorCode[]): e is FabstirError {
  return e instanceof FabstirError && (codes.length === 0 || codes.includes(e.code))
}
