import { ResponderStartError } from '../core/responder-start-error.js'
import type { Responder, ResponderResult } from '../core/types.js'
import { sseData } from './sse.js'
import { UpstreamError } from './upstream-error.js'

/** Options of {@link upstreamResponder}. */
export interface UpstreamOptions {
  /**
   * Base URL of an OpenAI-compatible API (llama.cpp server, Ollama, vLLM, …), e.g. `http://127.0.0.1:11434/v1`;
   * prompts go to `POST <url>/chat/completions` with `stream: true`.
   */
  url: string
  /** Model name sent upstream. Default: the prompt's `model` (the node's default is `tiny-vicuna`). */
  model?: string
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  apiKey?: string
  /** The `fetch` to use. Default: the global one. */
  fetch?: typeof fetch
}

/** Longest upstream error text passed on to the client. */
const MAX_DETAIL_CHARS = 200

function bounded(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_DETAIL_CHARS ? `${flat.slice(0, MAX_DETAIL_CHARS)}…` : flat
}

function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown }
    const e = parsed.error
    if (typeof e === 'string') return bounded(e)
    if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
      return bounded((e as { message: string }).message)
    }
    if (typeof parsed.message === 'string') return bounded(parsed.message)
  } catch {
    // not JSON: use the text
  }
  return bounded(body)
}

function causeText(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e
  return cause instanceof Error ? cause.message : String(cause)
}

/** The endpoint for a base URL: `<base>/chat/completions` (a trailing slash is ignored). */
export function chatCompletionsUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/chat/completions`
}

interface StreamEvent {
  error?: unknown
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[]
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }
}

/**
 * A responder that forwards each decrypted prompt to an OpenAI-compatible `/chat/completions` endpoint and yields
 * the streamed tokens, so the simulator fronts a real model. `max_tokens` and `temperature` are passed on; `usage`
 * (requested with `stream_options.include_usage`) and `finish_reason: "length"` are reported back to the node.
 *
 * - The upstream cannot be reached, or answers with an HTTP error: {@link ResponderStartError} (the client sees the
 *   node's `Internal error: Streaming inference failed: …` error).
 * - The stream breaks or carries an `error` event after it started: an ordinary error (the node's last chunk reads
 *   `Error: …`).
 * - Cancel, close and `max_tokens` abort the upstream request.
 */
export function upstreamResponder(options: UpstreamOptions): Responder {
  const endpoint = chatCompletionsUrl(options.url)
  const fetchImpl = options.fetch ?? globalThis.fetch
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' }
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`

  return async function* upstream(request, { signal }): AsyncGenerator<string, ResponderResult> {
    const body = JSON.stringify({
      model: options.model ?? request.model,
      messages: [{ role: 'user', content: request.prompt }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.max_tokens,
      temperature: request.temperature,
    })
    let response: Response
    try {
      response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal })
    } catch (e) {
      throw new ResponderStartError(`upstream ${endpoint} is unreachable: ${bounded(causeText(e))}`, {
        cause: e,
      })
    }
    if (!response.ok || response.body === null) {
      const text = await response.text().catch(() => '')
      const detail = errorDetail(text)
      throw new ResponderStartError(`upstream answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`)
    }
    const result: ResponderResult = {}
    for await (const data of sseData(response.body)) {
      if (data.trim() === '[DONE]') break
      let event: StreamEvent
      try {
        event = JSON.parse(data) as StreamEvent
      } catch {
        throw new UpstreamError('upstream sent an event that is not JSON')
      }
      if (typeof event !== 'object' || event === null)
        throw new UpstreamError('upstream sent an event that is not an object')
      if (event.error !== undefined)
        throw new UpstreamError(`upstream error: ${errorDetail(JSON.stringify(event))}`)
      const choice = event.choices?.[0]
      const content = choice?.delta?.content
      if (typeof content === 'string' && content !== '') yield content
      if (choice?.finish_reason === 'length') result.finishReason = 'length'
      const usage = event.usage
      if (
        usage &&
        Number.isSafeInteger(usage.prompt_tokens) &&
        Number.isSafeInteger(usage.completion_tokens)
      ) {
        result.usage = {
          prompt_tokens: usage.prompt_tokens as number,
          completion_tokens: usage.completion_tokens as number,
        }
      }
    }
    return result
  }
}
