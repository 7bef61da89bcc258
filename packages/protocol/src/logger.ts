/**
 * Optional structured logger. The SDK never passes key material, session data or plaintext prompts/answers to
 * it — only frame types, ids, sizes, indices and error codes.
 */
export interface Logger {
  debug?(message: string, context?: Record<string, unknown>): void
  info?(message: string, context?: Record<string, unknown>): void
  warn?(message: string, context?: Record<string, unknown>): void
  error?(message: string, context?: Record<string, unknown>): void
}

/** A logger that drops everything. */
export const silentLogger: Logger = Object.freeze({})
