/**
 * The one exact JSON reader of the SDK: an iterative recursive-descent parser that hands every number to its caller
 * as source text and builds objects through the caller's hooks (`parseJsonWith`). `@fabstir/node-sim` uses it, with
 * serde_json's rules, for everything the simulated node reads; `parseJson` does not need it (integers beyond 2^53 are
 * restored after `JSON.parse`, see `json.ts`).
 */

/** How {@link parseJsonWith} builds values. Arrays are always plain arrays. */
export interface JsonBuilder<O = unknown> {
  /**
   * A number literal as its exact source text (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`) found at offset `at`;
   * `integer` when it has neither fraction nor exponent. Throwing a {@link JsonRejection} turns the literal into a
   * syntax error at `at`.
   */
  number(raw: string, integer: boolean, at: number): unknown
  /** A new, empty object. */
  startObject(): O
  /** Sets `key` (in source order; a duplicate key arrives again) on an object from {@link startObject}. */
  setProperty(object: O, key: string, value: unknown): void
  /** The value an object stands for once its `}` is read. */
  endObject(object: O): unknown
  /** Reject strings whose `\u` escapes leave a lone UTF-16 surrogate (serde_json does; `JSON.parse` does not). */
  readonly rejectLoneSurrogates?: boolean
}

/**
 * Thrown by {@link JsonBuilder.number} to reject the literal it was given. Never escapes {@link parseJsonWith}: it
 * becomes that parser's syntax error at the literal.
 */
export class JsonRejection {
  /** Why, without quoting the text (e.g. `number out of range`). */
  readonly problem: string

  constructor(problem: string) {
    this.problem = problem
  }
}

/** Reports a syntax problem at a UTF-16 offset; must throw. */
export type JsonFail = (problem: string, at: number, cause?: unknown) => never

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings
const CONTROL_CHAR = /[\u0000-\u001f]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

type Container = { array: unknown[] } | { object: unknown; key: string }

/** Parses a whole JSON document with `builder`; every problem goes to `fail` with its offset. */
export function readJsonExact<O>(text: string, builder: JsonBuilder<O>, fail: JsonFail): unknown {
  return new ExactReader(text, builder as JsonBuilder<unknown>, fail).parse()
}

/** No recursion: nesting depth is limited only by memory (callers bound it with `checkJsonShape` first). */
class ExactReader {
  private pos = 0
  private nextBackslash = -1
  private nextQuote = -1

  constructor(
    private readonly text: string,
    private readonly builder: JsonBuilder<unknown>,
    private readonly failAt: JsonFail,
  ) {}

  parse(): unknown {
    const stack: Container[] = []
    const builder = this.builder
    let value: unknown
    for (;;) {
      this.skipWhitespace()
      const c = this.text.charCodeAt(this.pos)
      if (c === 0x7b /* { */) {
        this.pos++
        this.skipWhitespace()
        if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
          this.pos++
          value = builder.endObject(builder.startObject())
        } else {
          stack.push({ object: builder.startObject(), key: this.readKey() })
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
          builder.setProperty(top.object, top.key, value)
          if (next === 0x2c /* , */) {
            this.pos++
            this.skipWhitespace()
            top.key = this.readKey()
            break
          }
          if (next !== 0x7d /* } */) this.fail("expected ',' or '}' in object")
          this.pos++
          value = builder.endObject(top.object)
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

  private readNumber(): unknown {
    const at = this.pos
    NUMBER.lastIndex = at
    const m = NUMBER.exec(this.text)
    if (m === null) return this.fail('invalid number')
    this.pos += m[0].length
    try {
      return this.builder.number(m[0], m[1] === undefined && m[2] === undefined, at)
    } catch (error) {
      if (error instanceof JsonRejection) return this.fail(error.problem, at)
      throw error
    }
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
    let decoded: string
    try {
      decoded = JSON.parse(raw) as string
    } catch (cause) {
      return this.fail('invalid escape sequence in string', start, cause)
    }
    // Only an escape can make a lone surrogate here: text decoded from UTF-8 holds none of its own.
    if (this.builder.rejectLoneSurrogates && LONE_SURROGATE.test(decoded))
      this.fail('lone surrogate in a \\u escape', start)
    return decoded
  }

  private skipWhitespace(): void {
    const text = this.text
    let c = text.charCodeAt(this.pos)
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos)
  }

  private fail(problem: string, at: number = this.pos, cause?: unknown): never {
    return this.failAt(problem, at, cause)
  }
}
