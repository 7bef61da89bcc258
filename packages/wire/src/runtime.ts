/**
 * Helpers called by the generated validators (`src/generated/validators.ts`). Plain functions, no dynamic code.
 * @internal
 */
import type { WireIssue } from './issues.js'

/** A generated validator: appends every issue of `value` (located under `path`) to `out`. */
export type Validator = (value: unknown, path: string, out: WireIssue[]) => void

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Short type description of `value` for messages ("null", "array", "bigint", …). Never the value itself. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (!Number.isFinite(value)) return 'non-finite number'
    return Number.isInteger(value) ? 'integer' : 'non-integer number'
  }
  return typeof value
}

/** `must be <expected> (got <type>)`. */
export function mustBe(expected: string, value: unknown): string {
  return `must be ${expected} (got ${typeOf(value)})`
}

/** Records an issue. */
export function issue(out: WireIssue[], path: string, message: string): void {
  out.push({ path, message })
}

/** Length of `s` in Unicode code points, as JSON Schema `minLength`/`maxLength` count it. */
export function codePointLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // A high surrogate followed by a low surrogate is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

const HEX_STRING = /^(?:0x)?[0-9a-fA-F]*$/

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

function bytesPhrase(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'} (${n * 2} hex digits)`
}

/**
 * Checks a hex string with the node's rules (optional lowercase `0x`, either case, even length) and an optional set
 * of exact byte sizes or a minimum size. Returns the problem, or `undefined` when the string is fine.
 */
export function hexIssue(
  s: string,
  sizes: readonly number[] | undefined,
  minBytes: number,
): string | undefined {
  const start = s.startsWith('0x') ? 2 : 0
  const digits = s.length - start
  if (!HEX_STRING.test(s)) {
    let at = start
    while (at < s.length && isHexDigit(s.charCodeAt(at))) at++
    return `must be hex (optional lowercase 0x prefix, digits 0-9a-f/A-F): invalid character at offset ${at}`
  }
  if (digits % 2 !== 0) return `must have an even number of hex digits (got ${digits})`
  const bytes = digits / 2
  if (sizes !== undefined && !sizes.includes(bytes)) {
    const expected = sizes.map(String).join(' or ')
    const first = sizes[0]!
    const digitsNote = sizes.length === 1 ? ` (${first * 2} hex digits)` : ''
    return `must be ${expected} bytes${digitsNote}, got ${bytesPhrase(bytes)}`
  }
  if (bytes < minBytes) return `must be at least ${bytesPhrase(minBytes)}, got ${bytesPhrase(bytes)}`
  return undefined
}

/** Checks an integer schema value: a safe-integer `number` within `[min, max]`. */
export function integerIssue(value: unknown, min: number, max: number): string | undefined {
  if (typeof value === 'bigint')
    return `must be an integer between ${min} and ${max} (got a bigint out of range)`
  if (typeof value !== 'number' || !Number.isInteger(value)) return mustBe('an integer', value)
  if (!Number.isSafeInteger(value)) return 'must be a safe integer (the value has lost precision)'
  if (value < min) return `must be ≥ ${min}`
  if (value > max) return `must be ≤ ${max}`
  return undefined
}

/** Checks a number schema value: a finite `number` within `[min, max]`. */
export function numberIssue(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return mustBe('a finite number', value)
  if (value < min) return `must be ≥ ${min}`
  if (value > max) return `must be ≤ ${max}`
  return undefined
}

/**
 * Checks an unsigned 64-bit integer: a safe-integer `number`, or a `bigint` in `[0, max]`. Floats, negatives,
 * strings and unsafe-integer numbers (whose precision is already lost) are rejected.
 */
export function u64Issue(value: unknown, max: bigint): string | undefined {
  if (typeof value === 'bigint') {
    if (value < 0n) return 'must be ≥ 0'
    if (value > max) return `must be ≤ ${max}`
    return undefined
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return mustBe('a non-negative integer (number or bigint)', value)
  }
  if (!Number.isSafeInteger(value)) {
    return 'must be an exact integer: this number exceeds 2^53 − 1 and has lost precision (parse with parseJson to get a bigint)'
  }
  if (value < 0) return 'must be ≥ 0'
  return undefined
}

/**
 * Validates `value` against alternatives. Succeeds when one branch has no issue; otherwise records `message` when
 * given (for unions of simple types), else the issues of the branch with the fewest issues (the first on a tie).
 */
export function anyOf(
  value: unknown,
  path: string,
  out: WireIssue[],
  branches: readonly Validator[],
  message: string | undefined,
): void {
  let best: WireIssue[] | undefined
  for (const branch of branches) {
    const found: WireIssue[] = []
    branch(value, path, found)
    if (found.length === 0) return
    if (best === undefined || found.length < best.length) best = found
  }
  if (message !== undefined || best === undefined)
    out.push({ path, message: message ?? 'matches no alternative' })
  else for (const i of best) out.push(i)
}
