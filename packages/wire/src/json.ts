/**
 * Lossless JSON for the wire: integer literals outside the safe-integer range become `bigint` on parse, and `bigint`
 * values are written back as exact integer literals. Everything else behaves like `JSON.parse`/`JSON.stringify`.
 */
import { FabstirBaseError } from './errors.js'
import { type JsonBuilder, type JsonFail, readJsonExact } from './json-exact.js'
import {
  checkJsonShape,
  FRAME_JSON_LIMITS,
  findJsonSyntaxError,
  type JsonLimits,
  type JsonProblem,
  stringEnd,
} from './json-scan.js'

/** Codes of {@link WireJsonError}: malformed text, or well-formed so far but over a {@link JsonLimits} bound. */
export type WireJsonErrorCode = 'INVALID_JSON' | 'JSON_LIMIT_EXCEEDED'

/**
 * Thrown by {@link parseJson} on malformed JSON and by {@link stringifyJson} on values JSON cannot represent. A
 * {@link FabstirBaseError}.
 */
export class WireJsonError extends FabstirBaseError {
  /** Always `'WireJsonError'`. */
  override readonly name: string = 'WireJsonError'
  /** Stable code: `INVALID_JSON`, or `JSON_LIMIT_EXCEEDED` when the text nests too deep or holds too many values. */
  declare readonly code: WireJsonErrorCode
  /** UTF-16 offset in the parsed text where the problem was found, when parsing. */
  readonly position: number | undefined

  constructor(message: string, options?: { position?: number; cause?: unknown; code?: WireJsonErrorCode }) {
    super(options?.code ?? 'INVALID_JSON', message, { cause: options?.cause })
    this.position = options?.position
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = -MAX_SAFE

/**
 * Parses JSON text like `JSON.parse` (same grammar; duplicate keys: the last wins), except that integer literals
 * (no fraction, no exponent) outside `[-(2^53 − 1), 2^53 − 1]` become exact `bigint` values. Throws
 * {@link WireJsonError} with the position of the first problem on malformed input (`INVALID_JSON`), and before
 * parsing anything when the text breaks `limits` (`JSON_LIMIT_EXCEEDED`; default {@link FRAME_JSON_LIMITS}: nesting
 * ≤ 128, ≤ 2^20 values — pass `Infinity` bounds to lift them). Error messages never quote the input text.
 *
 * Cost: one allocation-free pass for the limits, then `JSON.parse`; a malformed text gets one more allocation-free
 * pass to locate the error, a text with an unsafe integer a rewrite of those literals and one more `JSON.parse`.
 * Time and memory are linear in the length of the text, and the values built are bounded by `limits.maxValues`.
 */
export function parseJson(text: string, limits: JsonLimits = FRAME_JSON_LIMITS): unknown {
  return parseRefusing(text, limits, (over, cause) => {
    // Locate a syntax error without building anything (a second full parse could allocate per character).
    const found = over ?? findJsonSyntaxError(text)
    return found
      ? problemError(text, found, cause)
      : new WireJsonError('invalid JSON', { cause, position: undefined })
  })
}

/**
 * {@link parseJson} for readers that never show where a malformed text goes wrong (a session turns every syntax
 * error into the same `INVALID_FRAME`): same values, same limits, same codes, but an `INVALID_JSON` error has no
 * `position` and a generic message, and a `JSON_LIMIT_EXCEEDED` message gives the offset without line and column,
 * so the syntax locator is not shipped to browsers that only need this.
 * @internal
 */
export function parseJsonUnlocated(text: string, limits: JsonLimits = FRAME_JSON_LIMITS): unknown {
  return parseRefusing(text, limits, refuseUnlocated)
}

function refuseUnlocated(over: JsonProblem | undefined, cause?: unknown): WireJsonError {
  return over
    ? new WireJsonError(`JSON over the limit: ${over.problem} at position ${over.position}`, {
        position: over.position,
        code: 'JSON_LIMIT_EXCEEDED',
      })
    : new WireJsonError('invalid JSON', { cause, position: undefined })
}

/**
 * The parse behind {@link parseJson} and {@link parseJsonUnlocated}; `refuse` makes the error for a text over the
 * limits (`over`) or, when `over` is undefined, for one `JSON.parse` refused (`cause`).
 */
function parseRefusing(
  text: string,
  limits: JsonLimits,
  refuse: (over: JsonProblem | undefined, cause?: unknown) => WireJsonError,
): unknown {
  if (typeof text !== 'string') throw new WireJsonError('invalid JSON: expected a string')
  const over = checkJsonShape(text, limits)
  if (over) throw refuse(over)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw refuse(undefined, cause)
  }
  // Fast path: JSON.parse is exact unless it produced an unsafe integer, which every integer literal beyond
  // 2^53 − 1 becomes (it rounds to at least 2^53). Only then is the text parsed again, with those literals restored exactly.
  return hasUnsafeInteger(value) ? withExactIntegers(text, value) : value
}

/** `position (line L, column C)` of a UTF-16 offset; one pass over the text before it. */
function where(text: string, at: number): string {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return `at position ${at} (line ${line}, column ${at - lineStart + 1})`
}

function problemError(text: string, found: JsonProblem, cause?: unknown): WireJsonError {
  const at = found.position
  const message =
    found.kind === 'limit'
      ? `JSON over the limit: ${found.problem} ${where(text, at)}`
      : at >= text.length
        ? `invalid JSON: unexpected end of input ${where(text, at)}`
        : `invalid JSON: ${found.problem} ${where(text, at)}`
  return new WireJsonError(message, {
    position: at,
    cause,
    code: found.kind === 'limit' ? 'JSON_LIMIT_EXCEEDED' : 'INVALID_JSON',
  })
}

function isUnsafeInteger(v: unknown): boolean {
  return typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)
}

/** True when a JSON.parse result holds an integer number outside the safe range. Iterative: no depth limit. */
function hasUnsafeInteger(root: unknown): boolean {
  if (typeof root !== 'object' || root === null) return isUnsafeInteger(root)
  const stack: object[] = [root]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const record = node as Record<string, unknown>
    for (const key in record) {
      const v = record[key]
      if (typeof v === 'object' && v !== null) stack.push(v)
      else if (isUnsafeInteger(v)) return true
    }
  }
  return false
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y

/**
 * `text` (valid JSON, already parsed by `JSON.parse` into `parsed`) parsed again with every integer literal outside
 * the safe range as an exact `bigint`: such literals are rewritten as strings of their digits, the text is parsed
 * again, and each value that is a number in `parsed` but a string in the second parse is one of them. Linear in the
 * text: strings are skipped from quote to quote, and only a literal of 16+ characters can lie outside the safe range.
 */
function withExactIntegers(text: string, parsed: unknown): unknown {
  let out = ''
  let copied = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      i = stringEnd(text, i)
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i
      const m = NUMBER.exec(text) as RegExpExecArray
      const raw = m[0]
      if (m[1] === undefined && m[2] === undefined && raw.length >= 16) {
        const big = BigInt(raw)
        if (big > MAX_SAFE || big < MIN_SAFE) {
          out += `${text.slice(copied, i)}"${raw}"`
          copied = i + raw.length
        }
      }
      i += raw.length - 1
    }
  }
  if (copied === 0) return parsed
  return restoreIntegers(parsed, JSON.parse(out + text.slice(copied)))
}

type JsonRecord = Record<string, unknown>

/**
 * `rewritten` (the same text parsed again, the big literals as strings, so of the same shape as `parsed`) with each
 * such string turned into its bigint: exactly where `parsed` holds a number and `rewritten` a string. Iterative (no
 * depth limit, like `JSON.parse`).
 */
function restoreIntegers(parsed: unknown, rewritten: unknown): unknown {
  if (typeof rewritten !== 'object' || rewritten === null) {
    return typeof rewritten === 'string' && typeof parsed === 'number' ? BigInt(rewritten) : rewritten
  }
  const stack: [JsonRecord, JsonRecord][] = [[parsed as JsonRecord, rewritten as JsonRecord]]
  for (let pair = stack.pop(); pair !== undefined; pair = stack.pop()) {
    const [before, after] = pair
    for (const key in after) {
      const v = after[key]
      if (typeof v === 'object' && v !== null) stack.push([before[key] as JsonRecord, v as JsonRecord])
      // An own data property (JSON.parse made it, `__proto__` included): assignment replaces it in place.
      else if (typeof v === 'string' && typeof before[key] === 'number') after[key] = BigInt(v)
    }
  }
  return rewritten
}

/**
 * Parses JSON text exactly, building values with `builder` (numbers arrive as their source text, objects through
 * its hooks) — for callers that need more than {@link parseJson}'s plain values, such as the serde_json-faithful
 * parser of `@fabstir/node-sim`. Same grammar, `limits` and {@link WireJsonError}s as {@link parseJson}, except
 * that `toError`, when given, makes the error instead (it receives the problem without the text, and its offset).
 * Unlike {@link parseJson} there is no `JSON.parse` fast path: every text is read by the exact parser.
 */
export function parseJsonWith<O>(
  text: string,
  builder: JsonBuilder<O>,
  limits: JsonLimits = FRAME_JSON_LIMITS,
  toError?: (problem: string, position: number, cause?: unknown) => Error,
): unknown {
  if (typeof text !== 'string') throw new WireJsonError('invalid JSON: expected a string')
  const over = checkJsonShape(text, limits)
  if (over) throw toError ? toError(over.problem, over.position) : problemError(text, over)
  const fail: JsonFail = toError
    ? (problem, position, cause) => {
        throw toError(problem, position, cause)
      }
    : syntaxFailure(text)
  return readJsonExact(text, builder, fail)
}

/** The reader's failures as {@link WireJsonError}s with the position, line and column in `text`. */
function syntaxFailure(text: string): JsonFail {
  return (problem, position, cause) => {
    throw problemError(text, { position, problem, kind: 'syntax' }, cause)
  }
}

/**
 * Serialises like `JSON.stringify(value)` (no replacer, no indentation), except that `bigint` values are written as
 * exact bare integer literals. Throws {@link WireJsonError} when the value has no JSON representation (`undefined`,
 * a function or a symbol at the top level) or is circular.
 */
export function stringifyJson(value: unknown): string {
  let out: string | undefined
  try {
    out = JSON.stringify(value)
  } catch (error) {
    // A bigint (or a cycle) somewhere: take the exact, slower path, which reports cycles itself.
    if (!(error instanceof TypeError)) throw error
    out = serialize('', value, [])
  }
  if (out === undefined)
    throw new WireJsonError('value has no JSON representation (undefined, function or symbol)')
  return out
}

function serialize(key: string, input: unknown, ancestors: object[]): string | undefined {
  let value = input
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') value = toJSON.call(value, key)
  }
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Number) value = Number(value)
    else if (value instanceof String) value = String(value)
    else if (value instanceof Boolean || value instanceof BigInt) value = value.valueOf()
  }
  switch (typeof value) {
    case 'string':
    case 'number':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'object': {
      if (value === null) return 'null'
      if (ancestors.includes(value))
        throw new WireJsonError('value is circular and has no JSON representation')
      ancestors.push(value)
      let out: string
      if (Array.isArray(value)) {
        const parts: string[] = []
        for (let i = 0; i < value.length; i++) parts.push(serialize(String(i), value[i], ancestors) ?? 'null')
        out = `[${parts.join(',')}]`
      } else {
        const record = value as Record<string, unknown>
        const parts: string[] = []
        for (const k of Object.keys(record)) {
          const s = serialize(k, record[k], ancestors)
          if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`)
        }
        out = `{${parts.join(',')}}`
      }
      ancestors.pop()
      return out
    }
    default:
      return undefined
  }
}
