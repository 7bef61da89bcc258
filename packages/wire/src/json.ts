/**
 * Lossless JSON for the wire: integer literals outside the safe-integer range become `bigint` on parse, and `bigint`
 * values are written back as exact integer literals. Everything else behaves like `JSON.parse`/`JSON.stringify`.
 */
import { FabstirBaseError } from './errors.js'
import {
  checkJsonShape,
  FRAME_JSON_LIMITS,
  findJsonSyntaxError,
  type JsonLimits,
  type JsonProblem,
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

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings
const CONTROL_CHAR = /[\u0000-\u001f]/
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
 * pass to locate the error, a text with an unsafe integer one more exact parse. Time and memory are linear in the
 * length of the text, and the values built are bounded by `limits.maxValues`.
 */
export function parseJson(text: string, limits: JsonLimits = FRAME_JSON_LIMITS): unknown {
  if (typeof text !== 'string') throw new WireJsonError('invalid JSON: expected a string')
  const over = checkJsonShape(text, limits)
  if (over) throw problemError(text, over)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    // Locate the error without building anything (a second full parse could allocate per character).
    const found = findJsonSyntaxError(text)
    throw found
      ? problemError(text, found, cause)
      : new WireJsonError('invalid JSON', { cause, position: undefined })
  }
  // Fast path: JSON.parse is exact unless it produced an unsafe integer, which every integer literal beyond
  // 2^53 − 1 becomes (it rounds to at least 2^53). Only then is the text parsed again, exactly.
  return hasUnsafeInteger(value) ? new LosslessParser(text).parse() : value
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

type Container = { array: unknown[] } | { object: Record<string, unknown>; key: string }

function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    // Like JSON.parse: an own data property, not a prototype change.
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/**
 * Iterative recursive-descent parser (no recursion: nesting depth is limited only by memory). Runs only on text
 * `JSON.parse` accepted, so its error paths are a safety net.
 */
class LosslessParser {
  private pos = 0
  private nextBackslash = -1
  private nextQuote = -1

  constructor(private readonly text: string) {}

  parse(): unknown {
    const stack: Container[] = []
    let value: unknown
    for (;;) {
      this.skipWhitespace()
      const c = this.text.charCodeAt(this.pos)
      if (c === 0x7b /* { */) {
        this.pos++
        this.skipWhitespace()
        if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
          this.pos++
          value = {}
        } else {
          stack.push({ object: {}, key: this.readKey() })
          continue
        }
      } else if (c === 0x5b /* [ */) {
        this.pos++
        this.skipWhitespace()
        if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
          this.pos++
          value = []
        } else {
          stack.push({ array: [] })
          continue
        }
      } else {
        value = this.readScalar(c)
      }
      // Attach the completed value to its parents, closing every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1]
        if (top === undefined) {
          this.skipWhitespace()
          if (this.pos < this.text.length) this.fail('unexpected data after the JSON value')
          return value
        }
        this.skipWhitespace()
        const next = this.text.charCodeAt(this.pos)
        if ('array' in top) {
          top.array.push(value)
          if (next === 0x2c /* , */) {
            this.pos++
            break
          }
          if (next !== 0x5d /* ] */) this.fail("expected ',' or ']' in array")
          this.pos++
          value = top.array
        } else {
          setProperty(top.object, top.key, value)
          if (next === 0x2c /* , */) {
            this.pos++
            this.skipWhitespace()
            top.key = this.readKey()
            break
          }
          if (next !== 0x7d /* } */) this.fail("expected ',' or '}' in object")
          this.pos++
          value = top.object
        }
        stack.pop()
      }
    }
  }

  /** Reads `"key" :` and leaves the position at the value. */
  private readKey(): string {
    if (this.text.charCodeAt(this.pos) !== 0x22 /* " */) this.fail('expected a property name string')
    const key = this.readString()
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) this.fail("expected ':' after a property name")
    this.pos++
    return key
  }

  private readScalar(c: number): unknown {
    if (c === 0x22 /* " */) return this.readString()
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.readNumber()
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true)
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false)
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null)
    if (this.pos >= this.text.length) this.fail('unexpected end of input')
    return this.fail('unexpected character')
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.pos += length
    return value
  }

  private readNumber(): number | bigint {
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    if (m === null) return this.fail('invalid number')
    const token = m[0]
    this.pos += token.length
    const isInteger = m[1] === undefined && m[2] === undefined
    // 16+ characters (with sign) is the only way past the safe range; shorter literals are always safe.
    if (isInteger && token.length >= 16) {
      const big = BigInt(token)
      if (big > MAX_SAFE || big < MIN_SAFE) return big
    }
    return Number(token)
  }

  private readString(): string {
    const text = this.text
    const start = this.pos
    let i = start + 1
    let escaped = false
    for (;;) {
      // Both positions are cached across escapes (and strings): rescanning to the closing quote after every escape
      // would make a string of many escapes quadratic.
      if (this.nextQuote < i) this.nextQuote = text.indexOf('"', i)
      const quote = this.nextQuote
      if (quote < 0) this.fail('unterminated string', start)
      if (this.nextBackslash < i) this.nextBackslash = text.indexOf('\\', i)
      if (this.nextBackslash < 0) this.nextBackslash = text.length
      if (this.nextBackslash > quote) {
        i = quote
        break
      }
      // Skip the escape: `\"` must not end the string. The escape itself is checked by JSON.parse below.
      escaped = true
      i = this.nextBackslash + 2
    }
    const raw = text.slice(start, i + 1)
    const control = raw.search(CONTROL_CHAR)
    if (control >= 0) this.fail('control character in string', start + control)
    this.pos = i + 1
    if (!escaped) return raw.slice(1, -1)
    try {
      return JSON.parse(raw) as string
    } catch (cause) {
      return this.fail('invalid escape sequence in string', start, cause)
    }
  }

  private skipWhitespace(): void {
    const text = this.text
    let c = text.charCodeAt(this.pos)
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos)
  }

  private fail(problem: string, at: number = this.pos, cause?: unknown): never {
    throw problemError(this.text, { position: at, problem, kind: 'syntax' }, cause)
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
