import { FabstirBaseError } from '@fabstir/wire'
import { JsonNumber, JsonObject, type JsonValue, parseJsonLossless } from '../json-lossless.js'

/** The decrypted session data after the node's serde deserialization (camelCase struct, unknown keys ignored). */
export interface SessionData {
  /** `jobId`: a JSON string (decimal job id by convention; the node does not check the format here). */
  jobId: string
  /** `modelName`: required, informational. */
  modelName: string
  /** `sessionKey`: hex text as sent (decoded separately). */
  sessionKey: string
  /** `pricePerToken`: exact u64. */
  pricePerToken: bigint
  /** Optional RAG database. */
  vectorDatabase: { manifestPath: string; userAddress: string } | null
  /** Optional compressed recovery public key hex. */
  recoveryPublicKey: string | null
}

/** Why deserialization failed, phrased like serde but without quoting any value from the plaintext. */
export class SessionDataError extends FabstirBaseError {
  override readonly name: string = 'SessionDataError'
  /** Stable code. */
  declare readonly code: 'INVALID_SESSION_DATA'

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_SESSION_DATA', message, options)
  }
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'boolean'
  if (v instanceof JsonNumber) {
    if (v.kind === 'f64') return 'floating point'
    return 'integer'
  }
  if (v instanceof JsonObject) return 'map'
  return 'sequence'
}

function expectString(v: JsonValue, field: string): string {
  if (typeof v !== 'string')
    throw new SessionDataError(`invalid type for \`${field}\`: ${typeName(v)}, expected a string`)
  return v
}

function expectU64(v: JsonValue, field: string): bigint {
  if (v instanceof JsonNumber) {
    if (v.kind === 'u64') return v.integer!
    if (v.kind === 'i64')
      throw new SessionDataError(`invalid value for \`${field}\`: negative integer, expected u64`)
  }
  throw new SessionDataError(`invalid type for \`${field}\`: ${typeName(v)}, expected u64`)
}

// serde's derived struct visitor rejects a known field given twice; unknown keys (even duplicated) are ignored.
function expectStruct(v: JsonValue, what: string, fields: readonly string[]): JsonObject {
  if (!(v instanceof JsonObject)) {
    throw new SessionDataError(`invalid type: ${typeName(v)}, expected struct ${what}`)
  }
  for (const key of v.duplicateKeys) {
    if (fields.includes(key)) throw new SessionDataError(`duplicate field \`${key}\``)
  }
  return v
}

const SESSION_FIELDS = [
  'jobId',
  'modelName',
  'sessionKey',
  'pricePerToken',
  'vectorDatabase',
  'recoveryPublicKey',
]
const VECTOR_DB_FIELDS = ['manifestPath', 'userAddress']

function required<T>(obj: JsonObject, field: string, read: (v: JsonValue, field: string) => T): T {
  const v = obj.get(field)
  if (v === undefined) throw new SessionDataError(`missing field \`${field}\``)
  return read(v, field)
}

function optional<T>(obj: JsonObject, field: string, read: (v: JsonValue, field: string) => T): T | null {
  const v = obj.get(field)
  return v === undefined || v === null ? null : read(v, field)
}

/**
 * Deserialize the decrypted session-data JSON the way the node's serde struct does: camelCase keys, `jobId`,
 * `modelName`, `sessionKey` strings, `pricePerToken` a u64 integer literal (no string, float, negative or > 2^64−1),
 * optional `vectorDatabase {manifestPath, userAddress}` and `recoveryPublicKey`, unknown keys ignored. Throws
 * {@link SessionDataError} (or a JSON syntax error) on anything serde would reject.
 */
export function parseSessionData(text: string): SessionData {
  const root = expectStruct(parseJsonLossless(text), 'SessionDataJson', SESSION_FIELDS)
  const jobId = required(root, 'jobId', expectString)
  const modelName = required(root, 'modelName', expectString)
  const sessionKey = required(root, 'sessionKey', expectString)
  const pricePerToken = required(root, 'pricePerToken', expectU64)
  const vectorDatabase = optional(root, 'vectorDatabase', (v) => {
    const o = expectStruct(v, 'VectorDatabaseInfo', VECTOR_DB_FIELDS)
    return {
      manifestPath: required(o, 'manifestPath', expectString),
      userAddress: required(o, 'userAddress', expectString),
    }
  })
  const recoveryPublicKey = optional(root, 'recoveryPublicKey', expectString)
  return { jobId, modelName, sessionKey, pricePerToken, vectorDatabase, recoveryPublicKey }
}
