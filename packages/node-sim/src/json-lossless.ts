/**
 * A small, strict JSON parser and serializer that behave like Rust's `serde_json` (default features), which is what
 * the real node uses. Numbers keep their source text so that u64 values above 2^53 are exact, and integer literals are
 * told apart from floats (`1` is an integer, `1.0` and `1e3` are floats) exactly as serde does.
 *
 * Differences from `JSON.parse` that matter for fidelity: lone UTF-16 surrogate escapes are rejected, nesting deeper
 * than serde's recursion limit is rejected, numbers overflowing f64 are rejected, and duplicate object keys are
 * recorded (the last value wins, as in `serde_json::Value`, while struct deserialization treats known duplicates as
 * errors).
 * @module
 */
import {
  FabstirBaseError,
  type JsonBuilder,
  type JsonLimits,
  JsonRejection,
  MAX_JSON_DEPTH,
  parseJsonWith,
  U64_MAX,
} from '@fabstir/wire'

/** Largest value of a Rust `u64` (`@fabstir/wire`'s constant). */
export { U64_MAX }
/** Largest value of a Rust `u32`. */
export const U32_MAX = 4294967295n
/**
 * serde_json's default recursion limit: at most 127 nested arrays/objects are accepted (its depth budget of
 * {@link MAX_JSON_DEPTH} runs out on the 128th).
 */
export const MAX_DEPTH = MAX_JSON_DEPTH - 1

/** A JSON number with its source text, classified the way serde_json classifies it. */
export class JsonNumber {
  /** The exact source text of the number. */
  readonly raw: string
  /**
   * `'u64'` for a non-negative integer literal that fits u64, `'i64'` for a negative integer literal that fits i64,
   * `'f64'` for everything else (fractions, exponents, `-0`, integers out of range).
   */
  readonly kind: 'u64' | 'i64' | 'f64'
  /** The exact integer for `u64`/`i64` numbers, otherwise `undefined`. */
  readonly integer: bigint | undefined
  /** The value as an IEEE double (what serde's `as_f64` returns). */
  readonly float: number

  constructor(raw: string) {
    this.raw = raw
    this.float = Number(raw)
    const isIntegerLiteral = /^-?(0|[1-9][0-9]*)$/.test(raw)
    if (isIntegerLiteral && raw !== '-0') {
      const n = BigInt(raw)
      if (n >= 0n && n <= U64_MAX) {
        this.kind = 'u64'
        this.integer = n
        return
      }
      if (n < 0n && n >= -(2n ** 63n)) {
        this.kind = 'i64'
        this.integer = n
        return
      }
    }
    this.kind = 'f64'
    this.integer = undefined
  }
}

/** A JSON object: entries in source order with the last duplicate winning, plus the set of duplicated keys. */
export class JsonObject {
  /** Key → value (the last occurrence of a duplicated key wins). */
  readonly entries: Map<string, JsonValue>
  /** Keys that occurred more than once. */
  readonly duplicateKeys: ReadonlySet<string>

  constructor(entries: Map<string, JsonValue>, duplicateKeys: ReadonlySet<string> = new Set()) {
    this.entries = entries
    this.duplicateKeys = duplicateKeys
  }

  /** The value under `key`, or `undefined` when the key is absent (a JSON `null` is returned as `null`). */
  get(key: string): JsonValue | undefined {
    return this.entries.get(key)
  }

  /** True when the key is present (even with a `null` value). */
  has(key: string): boolean {
    return this.entries.has(key)
  }
}

/** Any parsed JSON value. Strings and booleans are native, arrays are native arrays. */
export type JsonValue = null | boolean | string | JsonNumber | JsonObject | JsonValue[]

/** Raised by {@link parseJsonLossless} for any input serde_json would reject. The message never quotes the input. */
export class JsonSyntaxError extends FabstirBaseError {
  /** Always `'JsonSyntaxError'`. */
  override readonly name: string = 'JsonSyntaxError'
  /** Stable error code. */
  declare readonly code: 'INVALID_JSON'
  /** Character offset where parsing failed. */
  readonly position: number

  constructor(message: string, position: number) {
    super('INVALID_JSON', `${message} at position ${position}`)
    this.position = position
  }
}

/** Builds {@link JsonValue}s with serde_json's rules on top of `@fabstir/wire`'s exact reader. */
const SERDE_BUILDER: JsonBuilder<JsonObject> = {
  number(raw) {
    const n = new JsonNumber(raw)
    if (!Number.isFinite(n.float)) throw new JsonRejection('number out of range')
    return n
  },
  startObject: () => new JsonObject(new Map(), new Set()),
  setProperty(object, key, value) {
    const { entries } = object
    if (entries.has(key)) {
      ;(object.duplicateKeys as Set<string>).add(key)
      entries.delete(key) // re-inserted last, as serde_json::Value's map keeps the last value
    }
    entries.set(key, value as JsonValue)
  },
  endObject: (object) => object,
  rejectLoneSurrogates: true,
}

/** serde_json's recursion limit, and no value count: the node's only other bound is its 64 MiB message limit. */
const SERDE_LIMITS: JsonLimits = { maxDepth: MAX_DEPTH, maxValues: Number.POSITIVE_INFINITY }

/**
 * Parse JSON text with serde_json's rules, keeping numbers exact. Throws {@link JsonSyntaxError} on any input that
 * serde_json would reject.
 */
export function parseJsonLossless(text: string): JsonValue {
  return parseJsonWith(
    text,
    SERDE_BUILDER,
    SERDE_LIMITS,
    (problem, position) => new JsonSyntaxError(problem, position),
  ) as JsonValue
}

/** Like {@link parseJsonLossless} but returns `undefined` instead of throwing. */
export function tryParseJsonLossless(text: string): JsonValue | undefined {
  try {
    return parseJsonLossless(text)
  } catch {
    return undefined
  }
}

// --- serde_json::Value accessors -------------------------------------------------------------------------------

/** `value[key]` when `value` is an object, else `undefined` (serde's `Value::get`). */
export function getField(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return value instanceof JsonObject ? value.get(key) : undefined
}

/** serde's `as_str`: the string, or `undefined` for any other type. */
export function asStr(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** serde's `as_u64`: only non-negative integer literals that fit u64. */
export function asU64(value: JsonValue | undefined): bigint | undefined {
  return value instanceof JsonNumber && value.kind === 'u64' ? value.integer : undefined
}

/** serde's `as_i64`: integer literals that fit i64. */
export function asI64(value: JsonValue | undefined): bigint | undefined {
  if (!(value instanceof JsonNumber) || value.integer === undefined) return undefined
  return value.integer <= 2n ** 63n - 1n ? value.integer : undefined
}

/** serde's `as_f64`: any number as a double. */
export function asF64(value: JsonValue | undefined): number | undefined {
  return value instanceof JsonNumber ? value.float : undefined
}

/** serde's `as_bool`. */
export function asBool(value: JsonValue | undefined): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined
}

/**
 * Rust's `str::parse::<u64>()`: an optional `+`, then one or more ASCII digits, no overflow. Returns `undefined`
 * where Rust returns `Err`.
 */
export function parseU64Decimal(text: string): bigint | undefined {
  if (!/^\+?[0-9]+$/.test(text)) return undefined
  const n = BigInt(text.startsWith('+') ? text.slice(1) : text)
  return n <= U64_MAX ? n : undefined
}

/** Convert a parsed value to plain JavaScript: numbers become `number`, or `bigint` for unsafe integers. */
export function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) {
    if (value.integer !== undefined && !Number.isSafeInteger(Number(value.integer))) return value.integer
    return value.float
  }
  if (value instanceof JsonObject) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value.entries) {
      // Like JSON.parse: `__proto__` becomes an own data property, never a prototype change.
      Object.defineProperty(out, k, {
        value: toPlain(v),
        writable: true,
        enumerable: true,
        configurable: true,
      })
    }
    return out
  }
  if (Array.isArray(value)) return value.map(toPlain)
  return value
}

// --- serialization ---------------------------------------------------------------------------------------------

/** Values {@link stringifyJson} accepts: plain JSON data, bigints (written as exact integers) and parsed values. */
export type Serializable =
  | null
  | boolean
  | string
  | number
  | bigint
  | JsonNumber
  | JsonObject
  | readonly Serializable[]
  | { readonly [key: string]: Serializable | undefined }

/** serde_json writes floats with ryu: shortest round-trip digits, laid out like ryu's `format64`. */
function formatF64(n: number): string {
  if (!Number.isFinite(n)) return 'null'
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  const sign = n < 0 ? '-' : ''
  const [mantissa = '', exp = '0'] = Math.abs(n).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const length = digits.length
  const kk = Number(exp) + 1 // 10^(kk-1) <= |n| < 10^kk
  const k = kk - length // exponent of the last digit
  if (k >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(k)}.0`
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`
  const head = length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`
  return `${sign}${head}e${kk - 1}`
}

function writeNumber(n: JsonNumber): string {
  if (n.kind !== 'f64') return n.integer!.toString()
  return formatF64(n.float)
}

/**
 * Serialize to compact JSON the way the node writes frames: bigints as exact integer literals, echoed
 * {@link JsonNumber}s in serde's formatting, keys in insertion order, `undefined` properties omitted.
 */
export function stringifyJson(value: Serializable): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'bigint':
      return value.toString()
  }
  if (value instanceof JsonNumber) return writeNumber(value)
  if (value instanceof JsonObject) {
    const parts: string[] = []
    for (const [k, v] of value.entries) parts.push(`${JSON.stringify(k)}:${stringifyJson(v)}`)
    return `{${parts.join(',')}}`
  }
  if (Array.isArray(value)) return `[${value.map((v: Serializable) => stringifyJson(v)).join(',')}]`
  const parts: string[] = []
  for (const [k, v] of Object.entries(value as { [key: string]: Serializable | undefined })) {
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyJson(v)}`)
  }
  return `{${parts.join(',')}}`
}
