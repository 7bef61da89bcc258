/**
 * Helpers called by the generated validators (`src/generated/validators.ts`). Plain functions, no dynamic code.
 * @internal
 */
import type { WireIssue } from './issues.js'
import { stringifyJson } from './json.js'

/** A generated validator: appends every issue of `value` (located under `path`) to `out`. */
export type Validator = (value: unknown, path: string, out: WireIssue[]) => void

/**
 * A leaf check of a scalar value (never `undefined`): the problem as a message completing the path, or `undefined`
 * when the value is fine. Leaf checks are built once per distinct rule (module-level constants) and shared.
 */
export type Leaf = (value: unknown) => string | undefined

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

/**
 * Checks the property `key` of an object at `path`, whose value (already read by the caller) is `x`: reports
 * `is required` when it is missing and `req`, else the leaf's problem. The pointer is built only on failure.
 */
export function field(x: unknown, path: string, key: string, out: WireIssue[], req: 0 | 1, leaf: Leaf): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
    return
  }
  const m = leaf(x)
  if (m !== undefined) out.push({ path: `${path}/${key}`, message: m })
}

/** {@link field} specialised for a plain string (the commonest leaf; a direct call the engine can inline). */
export function str(x: unknown, path: string, key: string, out: WireIssue[], req: 0 | 1): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
  } else if (typeof x !== 'string') out.push({ path: `${path}/${key}`, message: mustBe('a string', x) })
}

/** {@link field} specialised for a boolean. */
export function bool(x: unknown, path: string, key: string, out: WireIssue[], req: 0 | 1): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
  } else if (typeof x !== 'boolean') out.push({ path: `${path}/${key}`, message: mustBe('a boolean', x) })
}

/** {@link field} specialised for a constant (e.g. the `type` of a frame): reports `message` unless `x === value`. */
export function eq(
  x: unknown,
  path: string,
  key: string,
  out: WireIssue[],
  req: 0 | 1,
  value: string | number | boolean,
  message: string,
): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
  } else if (x !== value) out.push({ path: `${path}/${key}`, message })
}

/** {@link field} specialised for a hex string (see {@link hexIssue}). */
export function hex(
  x: unknown,
  path: string,
  key: string,
  out: WireIssue[],
  req: 0 | 1,
  sizes: readonly number[] | undefined,
  minBytes: number,
): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
    return
  }
  const m = typeof x === 'string' ? hexIssue(x, sizes, minBytes) : mustBe('a string', x)
  if (m !== undefined) out.push({ path: `${path}/${key}`, message: m })
}

/** {@link field} specialised for an integer in `[min, max]` (see {@link integerIssue}). */
export function int(
  x: unknown,
  path: string,
  key: string,
  out: WireIssue[],
  req: 0 | 1,
  min: number,
  max: number,
): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
    return
  }
  const m = integerIssue(x, min, max)
  if (m !== undefined) out.push({ path: `${path}/${key}`, message: m })
}

/** Like {@link field} for a structured value (object, array, union), validated by `validate`. */
export function sub(
  x: unknown,
  path: string,
  key: string,
  out: WireIssue[],
  req: 0 | 1,
  validate: Validator,
): void {
  if (x === undefined) {
    if (req) out.push({ path: `${path}/${key}`, message: 'is required' })
    return
  }
  validate(x, `${path}/${key}`, out)
}

/** Reports a value that should be an object (the first statement of every object validator). */
export function notObject(value: unknown, path: string, out: WireIssue[]): void {
  out.push({ path, message: mustBe('an object', value) })
}

/** A validator for a named schema whose root is a leaf (e.g. a string enum). */
export function leafValidator(leaf: Leaf): Validator {
  return (value, path, out) => {
    const m = value === undefined ? mustBe('a JSON value', value) : leaf(value)
    if (m !== undefined) out.push({ path, message: m })
  }
}

/** Leaf: any string. */
export const isString: Leaf = (x) => (typeof x === 'string' ? undefined : mustBe('a string', x))
/** Leaf: a boolean. */
export const isBoolean: Leaf = (x) => (typeof x === 'boolean' ? undefined : mustBe('a boolean', x))
/** Leaf: `null`. */
export const isNull: Leaf = (x) => (x === null ? undefined : mustBe('null', x))
/** Leaf: any JSON value. */
export const isAny: Leaf = () => undefined

/** Leaf: exactly `value`; `message` is the complete problem ("must be 'x'"). */
export function literal(value: string | number | boolean, message: string): Leaf {
  return (x) => (x === value ? undefined : message)
}

/** Leaf: one of `values`. */
export function oneOf(values: readonly unknown[], message: string): Leaf {
  const set = new Set(values)
  return (x) => (set.has(x) ? undefined : message)
}

/**
 * Leaf: a string with optional code-point length bounds and pattern (`re`, `phrase` completing "must be …"). The
 * length is counted only when the UTF-16 length is not already decisive.
 */
export function stringOf(min: number, max: number, re: RegExp | undefined, phrase: string): Leaf {
  return (x) => {
    if (typeof x !== 'string') return mustBe('a string', x)
    // UTF-16 length ≥ code points ≥ UTF-16 length / 2: count code points only when that can change the answer.
    if (x.length > max || x.length < 2 * min) {
      const n = codePointLength(x)
      if (n < min) return `must have at least ${min} character${min === 1 ? '' : 's'}`
      if (n > max) return `must have at most ${max} character${max === 1 ? '' : 's'}`
    }
    if (re !== undefined && !re.test(x)) return `must be ${phrase}`
    return undefined
  }
}

/** Leaf: a hex string with the node's rules (see {@link hexIssue}). */
export function hexOf(sizes: readonly number[] | undefined, minBytes: number): Leaf {
  return (x) => (typeof x === 'string' ? hexIssue(x, sizes, minBytes) : mustBe('a string', x))
}

/** Leaf: a safe integer in `[min, max]`. */
export function integerOf(min: number, max: number): Leaf {
  return (x) => integerIssue(x, min, max)
}

/** Leaf: a finite number in `[min, max]`. */
export function numberOf(min: number, max: number): Leaf {
  return (x) => numberIssue(x, min, max)
}

/** Largest unsigned 64-bit integer (2^64 − 1): the bound of every u64 field of the protocol. The one constant for it. */
export const U64_MAX = 18446744073709551615n
/** Leaf: an unsigned 64-bit integer (safe-integer number or bigint). */
export const isU64: Leaf = (x) => u64Issue(x, U64_MAX)

/** Leaf: `message` unless one of `leaves` accepts the value (unions of scalar types). */
export function either(leaves: readonly Leaf[], message: string): Leaf {
  return (x) => {
    for (const leaf of leaves) if (leaf(x) === undefined) return undefined
    return message
  }
}

const encoder = /*#__PURE__*/ new TextEncoder()

/** Leaf: any JSON value whose compact JSON encoding is at most `max` UTF-8 bytes. */
export function jsonBytesAtMost(max: number): Leaf {
  return (x) => {
    let text: string
    try {
      text = stringifyJson(x)
    } catch {
      return 'must be a JSON value'
    }
    // Each UTF-16 unit encodes to at most 3 UTF-8 bytes: skip the encoding when the answer is already known.
    const bytes = text.length * 3 <= max ? text.length : encoder.encode(text).byteLength
    return bytes <= max ? undefined : `must be at most ${max} bytes as compact JSON (got ${bytes})`
  }
}

/** Validator: an array with optional length bounds whose items are leaves. */
export function arrayOfLeaves(leaf: Leaf, min: number, max: number): Validator {
  return (value, path, out) => {
    if (!Array.isArray(value)) return void out.push({ path, message: mustBe('an array', value) })
    if (value.length < min) out.push({ path, message: `must have at least ${min} items` })
    if (value.length > max) out.push({ path, message: `must have at most ${max} items` })
    for (let i = 0; i < value.length; i++) {
      const m = leaf(value[i])
      if (m !== undefined) out.push({ path: `${path}/${i}`, message: m })
    }
  }
}

/** Validator: an array with optional length bounds whose items are structured values. */
export function arrayOf(validate: Validator, min: number, max: number): Validator {
  return (value, path, out) => {
    if (!Array.isArray(value)) return void out.push({ path, message: mustBe('an array', value) })
    if (value.length < min) out.push({ path, message: `must have at least ${min} items` })
    if (value.length > max) out.push({ path, message: `must have at most ${max} items` })
    for (let i = 0; i < value.length; i++) validate(value[i], `${path}/${i}`, out)
  }
}

/** Validator: a union tried branch by branch (see {@link anyOf}). */
export function union(branches: readonly Validator[], message: string | undefined): Validator {
  return (value, path, out) => anyOf(value, path, out, branches, message)
}

/** Reports the discriminator `tag` of a tagged union that selected no branch (missing, not a string, unknown). */
export function badTag(tag: unknown, path: string, key: string, out: WireIssue[], known: string): void {
  out.push({
    path: `${path}/${key}`,
    message:
      tag === undefined
        ? 'is required'
        : typeof tag === 'string'
          ? `must be a known ${key === 'type' ? 'frame type' : key}: one of ${known}`
          : mustBe('a string', tag),
  })
}

/**
 * Validator: a union discriminated by the string property `key` (`type` or `action`): dispatches to the branch
 * registered for its value, else reports the key (missing, not a string, or unknown; `known` lists the values).
 */
export function tagged(key: string, branches: Readonly<Record<string, Validator>>, known: string): Validator {
  return (value, path, out) => {
    if (!isRecord(value)) return notObject(value, path, out)
    const tag = value[key]
    if (typeof tag === 'string' && Object.hasOwn(branches, tag)) return branches[tag]!(value, path, out)
    badTag(tag, path, key, out, known)
  }
}
