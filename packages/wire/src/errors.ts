/**
 * The one error model of the SDK: every error any `@fabstir/*` package throws is a {@link FabstirBaseError} — a
 * {@link FabstirError} (sessions and transports) or a package's own subclass that keeps its name (`CryptoError`,
 * `SignerError`, `WireJsonError`, …) — with a stable `code`, a documented entry (`docsUrl`), a retryability that comes
 * from the error table, and a `cause` chain to {@link FabstirBaseError.walk}.
 */
import type { FabstirBaseErrorCode } from './generated/error-policy.js'
import { isRetryableCode } from './generated/error-policy.js'
import type { ErrorCode } from './generated/types.js'
import { capNodeText } from './node-text.js'

/** Longest `message` a {@link FabstirError} keeps (node text inside it is capped at 1 KB already). */
export const MAX_ERROR_MESSAGE_CHARS = 4096

/**
 * The per-code documentation page (`docs/troubleshooting.md`): one entry per error code — what it means, the likely
 * causes, what to do. `docs/errors.md` is the table of all codes and links to these entries.
 */
export const TROUBLESHOOTING_URL =
  'https://github.com/fabstir/fabstir-e2e-sdk/blob/main/docs/troubleshooting.md'

/**
 * The link to `code`'s entry in the troubleshooting guide. Each entry is a heading `` ### `CODE` ``, whose anchor
 * (GitHub's rule: lowercase, backticks dropped, `_` kept) is the lowercased code.
 */
export function troubleshootingUrl(code: string): string {
  return `${TROUBLESHOOTING_URL}#${code.toLowerCase()}`
}

/** Every code a {@link FabstirError} (a session or transport error) can carry: the protocol's error codes. */
export type FabstirErrorCode = ErrorCode

/** Optional context for a {@link FabstirBaseError}; every field is copied onto the error as-is. */
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
  /**
   * `false` marks this error not retryable although its code may be (the cause cannot pass). It can only lower the
   * table's value: a code the table calls non-retryable (a signer or address mismatch, say) never becomes retryable.
   */
  retryable?: boolean
  /** Extra structured context (sizes, indices, field paths) — never key material or plaintext. */
  details?: Readonly<Record<string, unknown>>
}

/**
 * The base class of every error the SDK throws (viem's `BaseError` idea). `code` is stable and documented
 * (`docsUrl`); `retryable` comes from the same table. `message` (= `shortMessage`) is for people, bounded to 4 KB;
 * text the node chose is kept apart in `nodeMessage`, capped at 1 KB. Catch this class to catch everything; catch
 * {@link FabstirError} for the errors of sessions and transports.
 */
export class FabstirBaseError extends Error {
  /** The class's name: `'FabstirError'`, `'CryptoError'`, `'SignerError'`, … */
  override readonly name: string = 'FabstirBaseError'
  /** Stable machine-readable code; branch on this, never on `message`. */
  readonly code: FabstirBaseErrorCode
  /** The one-line human description, without the documentation link (the same text as `message`). */
  readonly shortMessage: string
  /**
   * Whether retrying the same operation may succeed: the error table's value for `code` (false for codes not in
   * the table), unless lowered by the `retryable: false` option.
   */
  readonly retryable: boolean
  /** The code's entry in the troubleshooting guide: what it means, the likely causes, what to do. */
  readonly docsUrl: string
  /** The request `id` the error belongs to, when it belongs to one. */
  readonly requestId: string | undefined
  /** The session the error belongs to, when known. */
  readonly sessionId: string | undefined
  /**
   * The node's own message text when the error came from the node, capped at 1 KB with a `…(N more chars)` tail
   * (the node chooses it; it must not flood logs). The full text: {@link nodeMessageRaw}.
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
   * @param code - Stable error code; also selects `retryable` from the error table.
   * @param message - Human-readable description. Must not contain key material or plaintext.
   * @param options - Optional context (cause, ids, node message, details).
   */
  constructor(code: FabstirBaseErrorCode, message: string, options: FabstirErrorOptions = {}) {
    const short = capNodeText(String(message), MAX_ERROR_MESSAGE_CHARS)
    super(short, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = short
    this.retryable = options.retryable !== false && isRetryableCode(code)
    this.docsUrl = troubleshootingUrl(code)
    this.requestId = options.requestId
    this.sessionId = options.sessionId
    this.nodeMessage = options.nodeMessage === undefined ? undefined : capNodeText(options.nodeMessage)
    this.#nodeMessageRaw = options.nodeMessage
    this.retryAfterMs = options.retryAfterMs
    this.fatal = options.fatal ?? false
    this.details = options.details
  }

  /**
   * Walks the `cause` chain (viem `BaseError.walk`): without `predicate`, the deepest error of the chain (this one when
   * it has no cause); with it, the first error of the chain, starting with this one, that `predicate` accepts, or
   * `null` when none does.
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    return walkCauses(this, predicate)
  }
}

/**
 * `error`'s `cause` chain, viem `BaseError.walk` style: without `predicate` the deepest cause (or `error` itself);
 * with it, the first link (starting with `error`) it accepts, else `null`. A chain that loops ends where it would
 * repeat.
 */
export function walkCauses(error: unknown, predicate?: (error: unknown) => boolean): unknown {
  const seen = new Set<unknown>()
  let current = error
  for (;;) {
    if (predicate?.(current)) return current
    seen.add(current)
    const next =
      typeof current === 'object' && current !== null && 'cause' in current ? current.cause : undefined
    if (next === undefined || seen.has(next)) return predicate ? null : current
    current = next
  }
}

/**
 * The error of `@fabstir/protocol` and `@fabstir/transport-ws` (re-exported by both): a {@link FabstirBaseError}
 * whose code is one of the protocol's error codes.
 */
export class FabstirError extends FabstirBaseError {
  /** Always `'FabstirError'`. */
  override readonly name: string = 'FabstirError'
  /** Stable machine-readable code; branch on this, never on `message`. */
  declare readonly code: FabstirErrorCode

  /**
   * @param code - Stable error code; also selects `retryable` from the error table.
   * @param message - Human-readable description. Must not contain key material or plaintext.
   * @param options - Optional context (cause, ids, node message, details).
   */
  constructor(code: FabstirErrorCode, message: string, options: FabstirErrorOptions = {}) {
    super(code, message, options)
  }
}

/** True when `e` is a {@link FabstirError}, optionally with one of the given codes. */
export function isFabstirError(e: unknown, ...codes: FabstirErrorCode[]): e is FabstirError {
  return e instanceof FabstirError && (codes.length === 0 || codes.includes(e.code))
}

/** True when `e` is any error of the SDK ({@link FabstirBaseError} or a subclass), optionally with one of the codes. */
export function isFabstirBaseError(e: unknown, ...codes: FabstirBaseErrorCode[]): e is FabstirBaseError {
  return e instanceof FabstirBaseError && (codes.length === 0 || codes.includes(e.code))
}
