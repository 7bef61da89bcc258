/**
 * Deserialize a parsed JSON value into a Rust-like struct the way `serde_json::from_value` does, with serde's error
 * messages (`missing field \`x\``, `invalid type: string "4", expected u32`, …). The node parses a decrypted action
 * payload into a `serde_json::Value` first, whose map is a BTreeMap: keys are visited in sorted order, so the first
 * reported type error is that of the alphabetically first bad key; missing fields are reported afterwards, in
 * declaration order. Unknown keys are ignored and `null` counts as absent for optional fields.
 * @module
 */
import { FabstirBaseError } from '@fabstir/wire'
import { JsonNumber, JsonObject, type JsonValue, U32_MAX, U64_MAX } from '../json-lossless.js'

/** The field types the node's request structs use. */
export type SerdeKind =
  | 'string'
  | 'u32'
  | 'u64'
  | 'usize'
  | 'f32'
  /** `serde_json::Value`: any JSON, but the key must be present (`null` allowed). Decodes to the raw value. */
  | 'json'
  | 'bool'
  | { readonly struct: StructSpec }
  | { readonly seq: SerdeKind }
  | { readonly unitEnum: readonly string[] }

/** One struct field. */
export interface FieldSpec {
  readonly name: string
  readonly kind: SerdeKind
  /** `Option<T>`: absent or `null` → `undefined`. */
  readonly optional?: boolean
}

/** A struct: its Rust name (used in `expected struct <name>`) and fields in declaration order. */
export interface StructSpec {
  readonly name: string
  readonly fields: readonly FieldSpec[]
}

/** Decoded value: strings, booleans, numbers (u32/f32), bigints (u64), arrays and plain objects. */
export type Decoded = string | boolean | number | bigint | Decoded[] | { [key: string]: Decoded | undefined }

/** serde's `Unexpected` display of a `serde_json::Value`. */
export function unexpected(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return `boolean \`${v}\``
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`
  if (v instanceof JsonNumber) {
    if (v.kind !== 'f64') return `integer \`${v.integer}\``
    const f = v.float
    return `floating point \`${Number.isInteger(f) && Math.abs(f) < 1e16 ? `${f}.0` : String(f)}\``
  }
  if (Array.isArray(v)) return 'sequence'
  return 'map'
}

/** A serde-style deserialization failure (the simulator's own control flow; reported as a session-data error). */
class SerdeError extends FabstirBaseError {
  override readonly name: string = 'SerdeError'

  constructor(message: string) {
    super('INVALID_SESSION_DATA', message)
  }
}

function fail(message: string): never {
  throw new SerdeError(message)
}

function invalidType(v: JsonValue, expected: string): never {
  fail(`invalid type: ${unexpected(v)}, expected ${expected}`)
}

function decodeKind(v: JsonValue, kind: SerdeKind): Decoded {
  if (kind === 'string') return typeof v === 'string' ? v : invalidType(v, 'a string')
  if (kind === 'bool') return typeof v === 'boolean' ? v : invalidType(v, 'a boolean')
  if (kind === 'json') return v as unknown as Decoded
  if (kind === 'u32' || kind === 'u64' || kind === 'usize') {
    if (!(v instanceof JsonNumber) || v.kind === 'f64') return invalidType(v, kind)
    const n = v.integer!
    if (n < 0n || (kind === 'u32' && n > U32_MAX)) fail(`invalid value: integer \`${n}\`, expected ${kind}`)
    if (kind === 'usize' && n > U64_MAX) fail(`invalid value: integer \`${n}\`, expected usize`)
    return kind === 'u32' ? Number(n) : n
  }
  if (kind === 'f32') return v instanceof JsonNumber ? Math.fround(v.float) : invalidType(v, 'f32')
  if ('seq' in kind) {
    if (!Array.isArray(v)) return invalidType(v, 'a sequence')
    return v.map((item) => decodeKind(item, kind.seq))
  }
  if ('unitEnum' in kind) {
    let variant: string
    if (typeof v === 'string') variant = v
    else if (v instanceof JsonObject && v.entries.size === 1) {
      const [key, content] = [...v.entries][0]!
      variant = key
      if (kind.unitEnum.includes(key) && content !== null) invalidType(content, 'unit variant')
    } else return invalidType(v, 'string or map')
    if (!kind.unitEnum.includes(variant)) {
      const list = kind.unitEnum.map((n) => `\`${n}\``)
      fail(
        `unknown variant \`${variant}\`, expected ${list.length === 1 ? list[0] : `one of ${list.join(', ')}`}`,
      )
    }
    return variant
  }
  return decodeStructValue(v, kind.struct)
}

function decodeStructValue(v: JsonValue, spec: StructSpec): { [key: string]: Decoded | undefined } {
  if (Array.isArray(v)) {
    // serde's derived visitor also accepts a struct as a sequence of its fields, in declaration order.
    const n = spec.fields.length
    const out: { [key: string]: Decoded | undefined } = {}
    spec.fields.forEach((f, i) => {
      if (i >= v.length) fail(`invalid length ${v.length}, expected struct ${spec.name} with ${n} elements`)
      const item = v[i]!
      if (!(f.optional && item === null)) out[f.name] = decodeKind(item, f.kind)
    })
    if (v.length > n) fail(`invalid length ${v.length}, expected fewer elements in array`)
    return out
  }
  if (!(v instanceof JsonObject)) return invalidType(v, `struct ${spec.name}`)
  const out: { [key: string]: Decoded | undefined } = {}
  const byName = new Map(spec.fields.map((f) => [f.name, f]))
  for (const key of [...v.entries.keys()].sort()) {
    const field = byName.get(key)
    if (!field) continue
    const value = v.entries.get(key)!
    if (field.optional && value === null) continue
    out[key] = decodeKind(value, field.kind)
  }
  for (const f of spec.fields) {
    if (!f.optional && !(f.name in out)) fail(`missing field \`${f.name}\``)
  }
  return out
}

/** Deserialize `value` as `spec`; on failure returns serde's message. */
export function decodeStruct(
  value: JsonValue | undefined,
  spec: StructSpec,
): { ok: true; value: { [key: string]: Decoded | undefined } } | { ok: false; message: string } {
  return decodeAs(value, { struct: spec }) as
    | { ok: true; value: { [key: string]: Decoded | undefined } }
    | { ok: false; message: string }
}

/** Deserialize `value` as any {@link SerdeKind}; on failure returns serde's message. */
export function decodeAs(
  value: JsonValue | undefined,
  kind: SerdeKind,
): { ok: true; value: Decoded } | { ok: false; message: string } {
  try {
    return { ok: true, value: decodeKind(value === undefined ? null : value, kind) }
  } catch (e) {
    if (e instanceof SerdeError) return { ok: false, message: e.message }
    throw e
  }
}
