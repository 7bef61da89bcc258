import {
  asBool,
  asF64,
  asStr,
  asU64,
  getField,
  JsonObject,
  type JsonValue,
  toPlain,
  tryParseJsonLossless,
  U32_MAX,
} from '../json-lossless.js'
import { decodeStruct, type StructSpec } from './serde-like.js'
import type { ResponderRequest } from './types.js'

/** The node's default model id when the request names none. */
export const DEFAULT_MODEL = 'tiny-vicuna'
/** The node's default `max_tokens`. */
export const DEFAULT_MAX_TOKENS = 4000
/** The node's default temperature. */
export const DEFAULT_TEMPERATURE = 0.7

/** A request that passed deserialization (it may still fail validation). */
export interface InferenceRequest {
  prompt: string
  model: string
  /** Fits u32. */
  maxTokens: number
  /** As the node sees it: an f32. */
  temperature: number
  /** What the responder receives. */
  responderRequest: ResponderRequest
}

/** Outcome of building a request: `undeliverable` means the node silently drops it (e.g. `max_tokens` > u32). */
export type BuildResult = { ok: true; request: InferenceRequest } | { ok: false; reason: 'undeliverable' }

function finish(
  prompt: string,
  model: string,
  maxTokens: bigint,
  temperature: number,
  extra: Record<string, unknown>,
): BuildResult {
  // serde fails to put the value into the u32 field; the node has no else-branch, so there is no reply at all.
  if (maxTokens > U32_MAX) return { ok: false, reason: 'undeliverable' }
  const f32 = Math.fround(temperature)
  const max = Number(maxTokens)
  return {
    ok: true,
    request: {
      prompt,
      model,
      maxTokens: max,
      temperature: f32,
      responderRequest: { ...extra, prompt, model, max_tokens: max, temperature },
    },
  }
}

/**
 * Build the inference request of an `encrypted_message` like the node: the plaintext is parsed as JSON if it can be
 * (else it is the bare prompt); `prompt` must be a string field or the whole plaintext is the prompt; `model`,
 * `max_tokens`, `temperature` come from the decrypted object, else from the outer frame, else the defaults (values of
 * the wrong JSON type count as absent, exactly like serde's `as_u64`/`as_f64`/`as_str`).
 */
export function buildEncryptedRequest(
  plaintext: string,
  frame: JsonValue,
  /** The prompt after VLM augmentation, when images were analysed. */
  promptOverride?: string,
): BuildResult {
  const decrypted = tryParseJsonLossless(plaintext)
  const prompt = promptOverride ?? asStr(getField(decrypted, 'prompt')) ?? plaintext
  const model = asStr(getField(decrypted, 'model')) ?? asStr(getField(frame, 'model')) ?? DEFAULT_MODEL
  const maxTokens =
    asU64(getField(decrypted, 'max_tokens')) ??
    asU64(getField(frame, 'max_tokens')) ??
    BigInt(DEFAULT_MAX_TOKENS)
  const temperature =
    asF64(getField(decrypted, 'temperature')) ?? asF64(getField(frame, 'temperature')) ?? DEFAULT_TEMPERATURE
  const extra: Record<string, unknown> = {}
  if (decrypted instanceof JsonObject) Object.assign(extra, toPlain(decrypted))
  const webSearch = asBool(getField(decrypted, 'web_search')) ?? asBool(getField(frame, 'web_search'))
  if (webSearch !== undefined) extra.web_search = webSearch
  return finish(prompt, model, maxTokens, temperature, extra)
}

/**
 * Build the request of a plaintext `prompt` frame: either its nested `request` object (which must deserialize:
 * `model` and `prompt` strings, `max_tokens` u32, optional numeric `temperature`) or the frame's own fields with
 * defaults (`prompt` defaults to the empty string, which then fails validation).
 */
export function buildPlaintextRequest(frame: JsonValue): BuildResult {
  const nested = getField(frame, 'request')
  if (nested !== undefined) return buildNestedRequest(nested)
  const prompt = asStr(getField(frame, 'prompt')) ?? ''
  const model = asStr(getField(frame, 'model')) ?? DEFAULT_MODEL
  const maxTokens = asU64(getField(frame, 'max_tokens')) ?? BigInt(DEFAULT_MAX_TOKENS)
  const temperature = asF64(getField(frame, 'temperature')) ?? DEFAULT_TEMPERATURE
  return finish(prompt, model, maxTokens, temperature, {})
}

/**
 * Optional fields of the node's inference request (node src/api/handlers.rs:7–38) whose JSON type serde checks:
 * a wrong type makes the whole request fail to deserialize. Aliased fields are listed under both names.
 */
const NESTED_OPTIONAL: StructSpec = {
  name: 'InferenceRequest',
  fields: [
    { name: 'stream', kind: 'bool', optional: true },
    { name: 'request_id', kind: 'string', optional: true },
    {
      name: 'conversation_context',
      kind: {
        seq: {
          struct: {
            name: 'ConversationMessage',
            fields: [
              { name: 'role', kind: 'string' },
              { name: 'content', kind: 'string' },
            ],
          },
        },
      },
      optional: true,
    },
    ...(['job_id', 'jobId', 'chain_id', 'chainId'] as const).map((name) => ({
      name,
      kind: 'u64' as const,
      optional: true,
    })),
    { name: 'session_id', kind: 'string', optional: true },
    ...(['web_search', 'webSearch'] as const).map((name) => ({
      name,
      kind: 'bool' as const,
      optional: true,
    })),
    ...(['max_searches', 'maxSearches'] as const).map((name) => ({
      name,
      kind: 'u32' as const,
      optional: true,
    })),
    ...(['search_queries', 'searchQueries'] as const).map((name) => ({
      name,
      kind: { seq: 'string' as const },
      optional: true,
    })),
  ],
}
const ALIASES = [
  ['job_id', 'jobId'],
  ['chain_id', 'chainId'],
  ['web_search', 'webSearch'],
  ['max_searches', 'maxSearches'],
  ['search_queries', 'searchQueries'],
] as const

/** A nested `request` object (plaintext `prompt` with `request`, or an `inference` frame) deserialized strictly. */
export function buildNestedRequest(nested: JsonValue | undefined): BuildResult {
  if (!(nested instanceof JsonObject)) return { ok: false, reason: 'undeliverable' }
  // serde: a field given under both of its names is a duplicate; a wrong optional type fails the whole request.
  if (ALIASES.some(([a, b]) => nested.has(a) && nested.has(b))) return { ok: false, reason: 'undeliverable' }
  if (!decodeStruct(nested, NESTED_OPTIONAL).ok) return { ok: false, reason: 'undeliverable' }
  const prompt = asStr(nested.get('prompt'))
  const model = asStr(nested.get('model'))
  const maxTokens = asU64(nested.get('max_tokens'))
  const t = nested.get('temperature')
  const temperature = t === undefined || t === null ? DEFAULT_TEMPERATURE : asF64(t)
  if (prompt === undefined || model === undefined || maxTokens === undefined || temperature === undefined) {
    return { ok: false, reason: 'undeliverable' }
  }
  const extra = toPlain(nested) as Record<string, unknown>
  return finish(prompt, model, maxTokens, temperature, extra)
}

/** The node's request validation, in its order. Returns the shape-B error text, or `undefined` when valid. */
export function validateRequest(request: InferenceRequest): string | undefined {
  if (request.model === '') return 'Validation error for model: Model name cannot be empty'
  if (request.prompt === '') return 'Validation error for prompt: Prompt cannot be empty'
  if (request.maxTokens === 0) return 'Validation error for max_tokens: max_tokens must be greater than 0'
  if (request.temperature < 0 || request.temperature > 2) {
    return 'Validation error for temperature: Temperature must be between 0.0 and 2.0'
  }
  return undefined
}
