import type { JsonValue, Serializable } from '../json-lossless.js'

/** A frame under construction; `undefined` properties are left out when serialized. */
export type OutFrame = { readonly [key: string]: Serializable | undefined }

/** An echoed request id: whatever JSON value the request carried under `id`. */
export type RequestId = JsonValue | undefined

/** The greeting sent right after the WebSocket upgrade. */
export function connectedFrame(): OutFrame {
  return { type: 'connected', message: 'WebSocket connected successfully' }
}

/** Error shape A: `{type:"error", code, message, session_id?, id?, …extra}`. */
export function errorFrame(
  code: string,
  message: string,
  opts: { sessionId?: string | undefined; id?: RequestId; extra?: OutFrame } = {},
): OutFrame {
  return { type: 'error', code, message, ...opts.extra, session_id: opts.sessionId, id: opts.id }
}

/** Error shape B (engine/validation/rate-limit errors): `{type:"error", error, id?}`. */
export function plainErrorFrame(error: string, id: RequestId): OutFrame {
  return { type: 'error', error, id }
}

/**
 * `stream_end {reason:"error", tokens_used}` that follows shape B errors, `TOKEN_LIMIT_EXCEEDED` (`tokens_used: 0`)
 * and `ENCRYPTION_FAILED` (the tokens streamed so far). Never carries `session_id`.
 */
export function errorStreamEndFrame(id: RequestId, tokensUsed = 0): OutFrame {
  return { type: 'stream_end', reason: 'error', tokens_used: tokensUsed, id }
}

/** Token usage reported in `stream_end`. */
export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  context_window_size: number
}

/** The plaintext `stream_end` that closes a completed or cancelled response. */
export function streamEndFrame(opts: {
  reason: 'complete' | 'cancelled'
  tokensUsed: number
  id: RequestId
  sessionId: string | null
  finishReason?: 'stop' | 'length' | 'cancelled' | undefined
  usage?: Usage | undefined
  /** VLM tokens spent on vision `images`; written only when > 0. */
  vlmTokens?: number | undefined
}): OutFrame {
  return {
    type: 'stream_end',
    reason: opts.reason,
    tokens_used: opts.tokensUsed,
    id: opts.id,
    session_id: opts.sessionId ?? undefined,
    vlm_tokens: opts.vlmTokens !== undefined && opts.vlmTokens > 0 ? opts.vlmTokens : undefined,
    finish_reason: opts.finishReason,
    usage: opts.usage ? { ...opts.usage } : undefined,
  }
}
