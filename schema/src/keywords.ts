import { type SchemaOptions, type TSchema, type TString, type TUnsafe, Type } from '@sinclair/typebox'

/**
 * Custom keywords understood by the generator (`tools/codegen`). They refine error messages and TypeScript types;
 * the emitted JSON Schema keeps the standard keywords (`pattern`, `minimum`, …) and drops every `x-fabstir-*` key.
 */
export const HEX_KEYWORD = 'x-fabstir-hex'
/** Marks an unsigned 64-bit integer: a safe-integer `number` or a `bigint` at runtime. */
export const U64_KEYWORD = 'x-fabstir-u64'
/** Human phrase used when a string does not match its `pattern` (e.g. "a 0x-prefixed 20-byte address"). */
export const PATTERN_MESSAGE_KEYWORD = 'x-fabstir-message'

/** Prefix of every `$id`: a URN, because the schemas are not served from any URL. */
export const ID_PREFIX = 'urn:fabstir:wire:'

/** Largest u64 value, 2^64 − 1. */
export const U64_MAX = 18446744073709551615n
/** Largest u32 value, 2^32 − 1. */
export const U32_MAX = 4294967295

/** Size rules of a hex field, stored under {@link HEX_KEYWORD}. */
export interface HexRule {
  /** Allowed exact byte lengths; absent means any length. */
  sizes?: number[]
  /** Minimum byte length. */
  minBytes?: number
}

const HEX_DIGIT = '[0-9a-fA-F]'

function hexPattern(rule: HexRule): string {
  if (rule.sizes !== undefined) {
    const alternatives = rule.sizes.map((n) => `${HEX_DIGIT}{${n * 2}}`)
    const body = alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`
    return `^(?:0x)?${body}$`
  }
  return `^(?:0x)?(?:${HEX_DIGIT}{2}){${rule.minBytes ?? 0},}$`
}

/**
 * A hex string as the node parses it: an optional lowercase `0x` prefix, digits in either case, an even number of
 * digits, and optionally an exact byte size or a minimum size.
 */
export function Hex(description: string, rule: HexRule = {}, options: SchemaOptions = {}): TString {
  return Type.String({ ...options, description, pattern: hexPattern(rule), [HEX_KEYWORD]: rule })
}

/** A string that must match `pattern`; `phrase` completes "must be …" in error messages. */
export function Pattern(
  description: string,
  pattern: string,
  phrase: string,
  options: SchemaOptions = {},
): TString {
  return Type.String({ ...options, description, pattern, [PATTERN_MESSAGE_KEYWORD]: phrase })
}

/**
 * An unsigned 64-bit JSON integer. JSON Schema: `{"type":"integer","minimum":0,"maximum":18446744073709551615}`.
 * At runtime a safe-integer `number` or a `bigint` (as produced by `parseJson` for literals above 2^53 − 1).
 */
export function U64(description: string, options: SchemaOptions = {}): TUnsafe<number | bigint> {
  return Type.Unsafe<number | bigint>({
    ...options,
    description,
    type: 'integer',
    minimum: 0,
    maximum: U64_MAX,
    [U64_KEYWORD]: true,
  })
}

/** A non-negative safe integer (a JSON number at runtime). */
export function Count(description: string, options: SchemaOptions = {}) {
  return Type.Integer({ ...options, description, minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
}

/** Gives a schema its registry name: `$id` (URN) and `title`. */
export function named<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, $id: `${ID_PREFIX}${name}`, title: name }
}

/** A copy of `schema` with another `description` (for reusing a field schema with context-specific wording). */
export function describe<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description }
}

/** Marks a JSON value whose compact JSON encoding is limited to this many UTF-8 bytes (e.g. RAG metadata). */
export const MAX_JSON_BYTES_KEYWORD = 'x-fabstir-max-json-bytes'

/** A non-negative integer that fits the node's u32 (0 … 2^32 − 1). */
export function U32(description: string, options: SchemaOptions = {}) {
  return Type.Integer({ ...options, description, minimum: 0, maximum: U32_MAX })
}

/** Any JSON value (object, array, string, number, boolean or null); optionally bounded in compact-JSON bytes. */
export function AnyJson(description: string, maxJsonBytes?: number): TUnsafe<unknown> {
  return Type.Unsafe<unknown>(
    maxJsonBytes === undefined ? { description } : { description, [MAX_JSON_BYTES_KEYWORD]: maxJsonBytes },
  )
}
