/**
 * Optional structured logger. The SDK never passes key material, session data or plaintext prompts/answers to
 * it — only frame types, ids, sizes, indices and error codes.
 */
export interface Logger {
  /** Diagnostics such as ignored inbound frames. Optional: omitted levels are skipped. */
  debug?(message: string, context?: Record<string, unknown>): void
  /** Notable but expected events (e.g. a failed reconnect attempt, a rate-limit retry). */
  info?(message: string, context?: Record<string, unknown>): void
  /** Problems the SDK handled (e.g. a session failed, a plaintext fallback). */
  warn?(message: string, context?: Record<string, unknown>): void
  /** Unexpected failures (currently unused: failures reach callers as typed `FabstirError`s). */
  error?(message: string, context?: Record<string, unknown>): void
}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({})
