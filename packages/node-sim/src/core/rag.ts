/**
 * The node's plaintext RAG vector store (PROTOCOL-SURFACE §9): `uploadVectors` / `searchVectors`, one store per
 * session record, 384-dimensional f32 vectors, capacity 100,000, metadata ≤ 10,240 bytes of compact JSON.
 * @module
 */
import { asStr, getField, JsonNumber, JsonObject, type JsonValue, stringifyJson } from '../json-lossless.js'
import type { OutFrame } from './frames.js'
import { decodeStruct, type StructSpec } from './serde-like.js'
import { f64 } from './wire-values.js'

/** Vector dimensions the node accepts. */
export const RAG_DIMENSIONS = 384
/** Vectors per store. */
export const RAG_CAPACITY = 100_000
/** Metadata limit in bytes of compact JSON. */
export const RAG_METADATA_MAX_BYTES = 10_240
/** The store key of a socket that sent no session init. */
export const DEFAULT_RAG_SESSION = 'default-rag-session'

const UPLOAD: StructSpec = {
  name: 'UploadVectorsRequest',
  fields: [
    { name: 'requestId', kind: 'string', optional: true },
    {
      name: 'vectors',
      kind: {
        seq: {
          struct: {
            name: 'VectorUpload',
            fields: [
              { name: 'id', kind: 'string' },
              { name: 'vector', kind: { seq: 'f32' } },
              { name: 'metadata', kind: 'json' },
            ],
          },
        },
      },
    },
    { name: 'replace', kind: 'bool' },
  ],
}

const SEARCH: StructSpec = {
  name: 'SearchVectorsRequest',
  fields: [
    { name: 'requestId', kind: 'string', optional: true },
    { name: 'queryVector', kind: { seq: 'f32' } },
    { name: 'k', kind: 'usize' },
    { name: 'threshold', kind: 'f32', optional: true },
    { name: 'metadataFilter', kind: 'json', optional: true },
  ],
}

interface Entry {
  vector: Float32Array
  metadata: JsonValue
}

/** A session record as far as RAG is concerned: its vector store, once `uploadVectors` enabled it. */
export interface SessionRecord {
  rag: Map<string, Entry> | null
}

/** Node-wide session records (created by either init or by `uploadVectors`; replaced by plaintext `session_init`). */
export class SessionRecords {
  private readonly records = new Map<string, SessionRecord>()

  /** Plaintext `session_init`: a fresh record (history and vectors wiped). */
  replace(sid: string): void {
    this.records.set(sid, { rag: null })
  }

  /** `encrypted_session_init`: create the record only if missing. */
  ensure(sid: string): SessionRecord {
    let r = this.records.get(sid)
    if (!r) {
      r = { rag: null }
      this.records.set(sid, r)
    }
    return r
  }

  get(sid: string): SessionRecord | undefined {
    return this.records.get(sid)
  }

  clear(): void {
    this.records.clear()
  }
}

/** The shortest decimal that reads back as the same f32, written as a float (serde prints f32 with ryu's f32 mode). */
function f32Number(x: number): JsonNumber {
  for (let p = 1; p <= 9; p++) {
    const text = x.toPrecision(p)
    if (Math.fround(Number(text)) === x) return f64(Number(text))
  }
  return f64(x)
}

function plain(error: string): OutFrame {
  return { type: 'error', error }
}

/** Handle `uploadVectors` for the store keyed `sid`; returns the one reply. */
export function uploadVectors(
  records: SessionRecords,
  sid: string,
  frame: JsonValue,
  capacity: number = RAG_CAPACITY,
): OutFrame {
  const decoded = decodeStruct(frame, UPLOAD)
  if (!decoded.ok) return plain(`Invalid uploadVectors request: ${decoded.message}`)
  const req = decoded.value
  const record = records.ensure(sid)
  if (record.rag === null || req.replace === true) record.rag = new Map()
  const store = record.rag
  let uploaded = 0
  const errors: string[] = []
  for (const raw of req.vectors as { id: string; vector: number[]; metadata: JsonValue }[]) {
    const reason = rejectReason(store, raw, capacity)
    if (reason !== undefined) {
      errors.push(`${raw.id}: ${reason}`)
      continue
    }
    store.set(raw.id, { vector: Float32Array.from(raw.vector), metadata: raw.metadata })
    uploaded++
  }
  const rejected = errors.length
  return {
    type: 'uploadVectorsResponse',
    requestId: req.requestId as string | undefined,
    status: rejected === 0 ? 'success' : uploaded === 0 ? 'error' : 'partial',
    uploaded,
    rejected,
    errors,
  }
}

function rejectReason(
  store: Map<string, Entry>,
  v: { id: string; vector: number[]; metadata: JsonValue },
  capacity: number,
): string | undefined {
  if (v.vector.length !== RAG_DIMENSIONS) {
    return `Invalid vector dimensions: expected ${RAG_DIMENSIONS}, got ${v.vector.length}`
  }
  if (v.vector.some((x) => !Number.isFinite(x))) {
    return 'Invalid vector values: contains NaN or Infinity (all values must be finite numbers)'
  }
  const bytes = new TextEncoder().encode(stringifyJson(v.metadata)).length
  if (bytes > RAG_METADATA_MAX_BYTES) {
    return `Metadata too large: ${bytes} bytes (max: ${RAG_METADATA_MAX_BYTES} bytes / ~10KB)`
  }
  if (!store.has(v.id) && store.size >= capacity) {
    return `Maximum vector capacity reached: ${store.size} vectors (max: ${capacity})`
  }
  return undefined
}

/** `serde_json::Value` equality: integers and floats never compare equal. */
function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    if (!(a instanceof JsonNumber && b instanceof JsonNumber)) return false
    if ((a.kind === 'f64') !== (b.kind === 'f64')) return false
    return a.kind === 'f64' ? a.float === b.float : a.integer === b.integer
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!))
    )
  }
  if (a instanceof JsonObject || b instanceof JsonObject) {
    if (!(a instanceof JsonObject && b instanceof JsonObject) || a.entries.size !== b.entries.size)
      return false
    for (const [k, v] of a.entries) {
      const w = b.entries.get(k)
      if (w === undefined || !jsonEqual(v, w)) return false
    }
    return true
  }
  return a === b
}

function matches(filter: JsonValue, metadata: JsonValue): boolean {
  if (!(filter instanceof JsonObject)) return true
  for (const [field, condition] of filter.entries) {
    if (!(condition instanceof JsonObject)) continue
    const value = getField(metadata, field) ?? null
    for (const [op, operand] of condition.entries) {
      if (op === '$eq' && !jsonEqual(value, operand)) return false
      if (op === '$in' && !(Array.isArray(operand) && operand.some((x) => jsonEqual(value, x)))) return false
    }
  }
  return true
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  if (na === 0 || nb === 0) return 0
  return Math.fround(dot / (Math.sqrt(na) * Math.sqrt(nb)))
}

/** Handle `searchVectors` for the store keyed `sid`; returns the one reply. */
export function searchVectors(
  records: SessionRecords,
  sid: string,
  frame: JsonValue,
  now: () => number,
): OutFrame {
  const decoded = decodeStruct(frame, SEARCH)
  if (!decoded.ok) return plain(`Invalid searchVectors request: ${decoded.message}`)
  const req = decoded.value
  const record = records.get(sid)
  if (!record) return plain(`Session ${sid} not found. Upload vectors first.`)
  if (record.rag === null) return plain(`Session ${sid} found but RAG not enabled. Upload vectors first.`)
  const query = Float32Array.from(req.queryVector as number[])
  if (query.length !== RAG_DIMENSIONS) {
    return plain(
      `Search vectors failed: Invalid query dimensions: expected ${RAG_DIMENSIONS}, got ${query.length}`,
    )
  }
  const started = now()
  const filter = getField(frame, 'metadataFilter')
  const hasFilter = filter !== undefined && filter !== null
  const threshold = req.threshold as number | undefined
  const ranked = [...record.rag]
    .map(([id, e]) => ({ id, score: cosine(query, e.vector), metadata: e.metadata }))
    .sort((x, y) => y.score - x.score)
    .filter((r) =>
      hasFilter ? matches(filter, r.metadata) : threshold === undefined || r.score >= threshold,
    )
  const k = req.k as bigint
  const results = ranked.slice(0, k > BigInt(ranked.length) ? ranked.length : Number(k))
  return {
    type: 'searchVectorsResponse',
    requestId: asStr(getField(frame, 'requestId')),
    results: results.map((r) => ({ id: r.id, score: f32Number(r.score), metadata: r.metadata })),
    totalVectors: record.rag.size,
    searchTimeMs: f64(Math.max(0, now() - started)),
  }
}
