/** One validation problem: where it is (JSON Pointer, RFC 6901; `''` is the root) and what is wrong. */
export interface WireIssue {
  /** JSON Pointer to the offending value, e.g. `/payload/nonceHex`; `''` for the value itself. */
  path: string
  /** Human-readable description. Never contains the offending value itself, only its type or size. */
  message: string
}

/** Result of a checker: the value, typed, or every issue found. */
export type CheckResult<T> =
  | {
      /** The value is valid. */
      ok: true
      /** The checked value (the same object), now typed. */
      value: T
    }
  | {
      /** The value is invalid. */
      ok: false
      /** Every problem found, at least one. */
      issues: WireIssue[]
    }
