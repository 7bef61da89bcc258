import { ERROR_POLICY, type ErrorCode } from '@fabstir/wire'
import { capNodeText } from './node-text.js'

/** Longest `message` a {@link FabstirError} keeps (a safety net: node text inside it is capped at 1 KB already). */
const MAX_MESSAGE_CHARS = 4096

/** Every code a {@link FabstirError} can carry: the node's codes and the SDK's own (see `ERROR_CODES`). */
export type FabstirErrorCode = ErrorCode

/** The published troubleshooting guide (`docs/troubleshooting.md`): one entry per error code. */
export const TROUBLESHOOTING_URL =
  'https://github.com/fabstir/fabstir-e2e-sdk/blob/main/docs/troubleshooting.md'

/**
 * The link to `code`'s entry in the troubleshooting guide. Each entry is a heading `` ### `CODE` ``, whose anchor
 * (GitHub's rule: lowercase, backticks dropped, `_` kept) is the lowercased code.
 */
export function troubleshootingUrl(code: string): string {
  return `${TROUBLESHOOTING_URL}#${code.toLowerCase()}`
}

/** Optional context for a {@link FabstirError}; every field is copied onto the error as-is. */
export interface FabstirErrorOptions {
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown
  /** The request `id` the error belongs to (echoed by the node, or the SDK's own). */
  requestId?: string
  /** The session the error belongs to. */
  sessionId?: string
  /**
   * The node's own message text, verbatim (never contains secrets: the node does not echo plaintext). Stored capped
   * in `nodeMessage`; the full text stays reachable through `nodeMessageRaw`.
   */
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
  /** Always `'FabstirError'`. */
  override readonly name = 'FabstirError'
  /** Stable machine-readable code; branch on this, never on `message`. */
  readonly code: FabstirErrorCode
  /**
   * Whether retrying the same operation may succeed: the error table's value for `code` (false for codes not
   * in the table), unless overridden by the `retryable` option.
   */
  readonly retryable: boolean
  /** What a caller should do about it (from the error table). */
  readonly action: string
  /** The code's entry in the troubleshooting guide: what it means, the likely causes, what to do. */
  readonly docsUrl: string
  /** The request `id` the error belongs to, when it belongs to one. */
  readonly requestId: string | undefined
  /** The session the error belongs to, when known. */
  readonly sessionId: string | undefined
  /**
   * The node's own message text when the error came from a node `error` frame, capped at 1 KB with a
   * `…(N more chars)` tail (the node chooses it; it must not flood logs). The full text: {@link nodeMessageRaw}.
   */
  readonly nodeMessage: string | undefined
  /** For `RATE_LIMITED`: milliseconds to wait before retrying (60 000 when the node names no delay). */
  readonly retryAfterMs: number | undefined
  /** True when the session can no longer be used: its keys have been zeroed. Default `false`. */
  readonly fatal: boolean
  /** Extra structured context (sizes, indices, field paths, issues) — never key material or plaintext. */
  readonly details: Readonly<Record<string, unknown>> | undefined

  readonly #nodeMessageRaw: string | undefined

  /**
   * The node's message text exactly as received, uncapped, only for callers that ask for it (not an own enumerable
   * property, so loggers that serialise errors do not copy it).
   */
  get nodeMessageRaw(): string | undefined {
    return this.#nodeMessageRaw
  }

  /**
   * @param code - Stable error code; also selects `retryable` and `action` from the error table.
   * @param message - Human-readable description. Must not contain key material or plaintext.
   * @param options - Optional context (cause, ids, node message, details).
   */
  constructor(code: FabstirErrorCode, message: string, options: FabstirErrorOptions = {}) {
    super(
      capNodeText(message, MAX_MESSAGE_CHARS),
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    const info = ERROR_POLICY[code]
    this.code = code
    this.retryable = options.retryable ?? info?.retryable ?? false
    this.action = info?.action ?? ''
    this.docsUrl = troubleshootingUrl(code)
    this.requestId = options.requestId
    this.sessionId = options.sessionId
    this.nodeMessage = options.nodeMessage === undefined ? undefined : capNodeText(options.nodeMessage)
    this.#nodeMessageRaw = options.nodeMessage
    this.retryAfterMs = options.retryAfterMs
    this.fatal = options.fatal ?? false
    this.details = options.details
  }
}

/** True when `e` is a {@link FabstirError}, optionally with one of the given codes. */
export function isFabstirError(e: unknown, ...codes: FabstirErrorCode[]): e is FabstirError {
  return e instanceof FabstirError && (codes.length === 0 || codes.includes(e.code))
}
