/**
 * Linear, allocation-free passes over JSON text that run before (or instead of) building any value: a shape check
 * that bounds nesting depth and value count, and a syntax check that finds the position of the first error. Neither
 * allocates per character, so a hostile text (64 MiB of `[`, an unterminated string, a million escapes) costs one pass
 * over its characters and constant memory.
 */

/**
 * The node's WebSocket message size limit (PROTOCOL.md §1: 64 MiB, tungstenite's `max_message_size`, which refuses a
 * message only when it is *larger*). The one constant for this limit: `receive()` refuses longer text and the Node
 * socket refuses longer frames at their header (`maxPayload`). A message of exactly this size is accepted, as the
 * node accepts it.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/** Bounds on the structure of a JSON text, checked in one pass before it is parsed. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects allowed (`Infinity`: unbounded). */
  readonly maxDepth: number
  /**
   * Most values allowed, counted as 1 + arrays and objects + commas outside strings (at least the number of values,
   * at most twice it). `Infinity`: unbounded.
   */
  readonly maxValues: number
}

/**
 * The nesting limit of the node's JSON parser (serde_json's default recursion limit): nothing the node accepts or
 * sends nests deeper.
 */
export const MAX_JSON_DEPTH = 128

/**
 * Most values (containers and elements) in one inbound frame. Real frames hold a few dozen; the bound keeps what
 * `JSON.parse` allocates for a hostile frame to tens of megabytes whatever its length.
 */
export const MAX_JSON_VALUES = 1 << 20

/** The limits {@link parseJson} applies unless told otherwise. */
export const FRAME_JSON_LIMITS: JsonLimits = Object.freeze({
  maxDepth: MAX_JSON_DEPTH,
  maxValues: MAX_JSON_VALUES,
})

/** Where and why a text breaks a limit or the JSON grammar. */
export interface JsonProblem {
  position: number
  problem: string
  /** `limit`: well-formed so far but over a {@link JsonLimits} bound; `syntax`: not JSON. */
  kind: 'limit' | 'syntax'
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Index of the closing quote of the string opening at `start`, or `-1` when it never closes. Jumps from quote to
 * quote with `indexOf` and counts the backslashes before each one; every character is looked at at most twice.
 */
export function stringEnd(text: string, start: number): number {
  let from = start + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return -1
    let k = quote - 1
    while (k >= from && text.charCodeAt(k) === BACKSLASH) k--
    if ((quote - 1 - k) % 2 === 0) return quote
    from = quote + 1
  }
}

/**
 * One pass over `text` counting nesting depth and values outside strings; reports the first bound broken. Says
 * nothing about syntax (a malformed text within the bounds passes).
 */
export function checkJsonShape(text: string, limits: JsonLimits): JsonProblem | undefined {
  const { maxDepth, maxValues } = limits
  if (maxDepth === Number.POSITIVE_INFINITY && maxValues === Number.POSITIVE_INFINITY) return undefined
  const n = text.length
  let depth = 0
  let values = 1
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      if (end < 0) return undefined
      i = end
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth)
        return { position: i, problem: `nesting deeper than ${maxDepth}`, kind: 'limit' }
      if (++values > maxValues)
        return { position: i, problem: `more than ${maxValues} values`, kind: 'limit' }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--
    } else if (c === 0x2c /* , */ && ++values > maxValues) {
      return { position: i, problem: `more than ${maxValues} values`, kind: 'limit' }
    }
  }
  return undefined
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}
/** A growable stack of bits (1 = object, 0 = array): one bit per nesting level. */
class BitStack {
  private bits = new Uint8Array(16)
  size = 0
  push(isObject: boolean): void {
    if (this.size >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2)
      grown.set(this.bits)
      this.bits = grown
    }
    const byte = this.size >> 3
    const mask = 1 << (this.size & 7)
    this.bits[byte] = isObject ? this.bits[byte]! | mask : this.bits[byte]! & ~mask
    this.size++
  }
  pop(): void {
    this.size--
  }
  topIsObject(): boolean {
    const i = this.size - 1
    return ((this.bits[i >> 3]! >> (i & 7)) & 1) === 1
  }
}

/**
 * The first syntax error in `text` (same grammar as `JSON.parse`), or `undefined` when it is valid JSON. Builds no
 * values: memory is one bit per nesting level. Positions: a string's problems other than a raw control character are
 * reported at its opening quote.
 */
export function findJsonSyntaxError(text: string): JsonProblem | undefined {
  const n = text.length
  const stack = new BitStack()
  let pos = 0
  const fail = (problem: string, at: number = pos): JsonProblem => ({ position: at, problem, kind: 'syntax' })
  const skipWhitespace = (): void => {
    let c = text.charCodeAt(pos)
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++pos)
  }
  /** Checks the string at `pos` and moves past it. */
  const readString = (): JsonProblem | undefined => {
    const start = pos
    let i = start + 1
    for (;;) {
      if (i >= n) return fail('unterminated string', start)
      let c = text.charCodeAt(i)
      if (c !== QUOTE && c !== BACKSLASH && c >= 0x20) {
        // Skip the run of ordinary characters in one regex step (no match object is built).
        PLAIN_RUN.lastIndex = i
        PLAIN_RUN.test(text)
        i = PLAIN_RUN.lastIndex
        if (i >= n) return fail('unterminated string', start)
        c = text.charCodeAt(i)
      }
      if (c === QUOTE) break
      if (c < 0x20) return fail('control character in string', i)
      if (c === BACKSLASH) {
        const e = text.charCodeAt(i + 1)
        if (e === 0x75 /* u */) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text.charCodeAt(i + k))) return fail('invalid escape sequence in string', start)
          }
          i += 6
          continue
        }
        if (
          e !== QUOTE &&
          e !== BACKSLASH &&
          e !== 0x2f /* / */ &&
          e !== 0x62 /* b */ &&
          e !== 0x66 /* f */ &&
          e !== 0x6e /* n */ &&
          e !== 0x72 /* r */ &&
          e !== 0x74 /* t */
        ) {
          return i + 1 >= n
            ? fail('unterminated string', start)
            : fail('invalid escape sequence in string', start)
        }
        i += 2
        continue
      }
      i++
    }
    pos = i + 1
    return undefined
  }
  const readKey = (): JsonProblem | undefined => {
    if (text.charCodeAt(pos) !== QUOTE) return fail('expected a property name string')
    const bad = readString()
    if (bad) return bad
    skipWhitespace()
    if (text.charCodeAt(pos) !== 0x3a /* : */) return fail("expected ':' after a property name")
    pos++
    return undefined
  }
  for (;;) {
    // A value starts here.
    skipWhitespace()
    const c = text.charCodeAt(pos)
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      pos++
      skipWhitespace()
      const close = c === 0x7b ? 0x7d : 0x5d
      if (text.charCodeAt(pos) !== close) {
        stack.push(c === 0x7b)
        if (c === 0x7b) {
          const bad = readKey()
          if (bad) return bad
        }
        continue
      }
      pos++
    } else if (c === QUOTE) {
      const bad = readString()
      if (bad) return bad
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = pos
      const m = NUMBER.exec(text)
      if (m === null) return fail('invalid number')
      pos += m[0].length
    } else if (text.startsWith('true', pos)) pos += 4
    else if (text.startsWith('false', pos)) pos += 5
    else if (text.startsWith('null', pos)) pos += 4
    else return pos >= n ? fail('unexpected end of input') : fail('unexpected character')
    // The value is complete: close every container that ends here.
    for (;;) {
      skipWhitespace()
      if (stack.size === 0) {
        return pos < n ? fail('unexpected data after the JSON value') : undefined
      }
      const next = text.charCodeAt(pos)
      const inObject = stack.topIsObject()
      if (next === 0x2c /* , */) {
        pos++
        if (inObject) {
          skipWhitespace()
          const bad = readKey()
          if (bad) return bad
        }
        break
      }
      if (next !== (inObject ? 0x7d : 0x5d)) {
        return fail(inObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
      }
      pos++
      stack.pop()
    }
  }
}
