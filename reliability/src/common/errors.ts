/** Stable codes of the suite's own failures (harness problems, never findings about the SDK). */
export type ReliabilityErrorCode =
  | 'HARNESS_SETUP'
  | 'INVALID_ARGUMENT'
  | 'TIMEOUT'
  | 'WORKER_FAILED'
  | 'RAW_SERVER'

/** The error class of `@fabstir/reliability`'s own code: a harness that cannot run says why, with a stable code. */
export class ReliabilityError extends Error {
  override readonly name = 'ReliabilityError'
  /** Stable machine-readable code. */
  readonly code: ReliabilityErrorCode
  /** Extra context (names, counts, seeds — never key material or plaintext). */
  readonly context: Readonly<Record<string, unknown>>

  constructor(
    code: ReliabilityErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.code = code
    this.context = context
  }
}
