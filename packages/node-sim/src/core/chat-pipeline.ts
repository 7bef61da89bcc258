import { zeroize } from '@fabstir/crypto'
import { ActiveStream } from './active-stream.js'
import type { ConnectionHost } from './core-context.js'
import { errorFrame, errorStreamEndFrame, plainErrorFrame, type RequestId } from './frames.js'
import { type BuildResult, type InferenceRequest, validateRequest } from './inference-request.js'
import { runStream } from './stream-runner.js'
import { estimateTokens } from './tokens.js'
import { type SearchRequest, searchQueriesFor, withSearchResults } from './web-search.js'

const RATE_LIMITED = 'Rate limit exceeded, retry after 60 seconds'

/** What the chat pipeline learned before admission: VLM tokens spent and the request's search settings. */
export interface ChatExtras {
  vlmTokens?: number | undefined
  search?: SearchRequest
}

/**
 * Admit a chat request (encrypted when `key` is set; `key` is a copy this function owns): validation → rate limit →
 * web search → optional pre-processing time → context window → stream, as the node orders them.
 */
export function admitChat(
  host: ConnectionHost,
  built: BuildResult,
  key: Uint8Array | null,
  sid: string | null,
  id: RequestId,
  extras: ChatExtras = {},
): void {
  const { ctx } = host
  const release = (): void => {
    if (key) zeroize(key)
  }
  if (!built.ok) {
    release()
    ctx.logger?.info('request dropped without reply (does not deserialize)', {
      connection: host.connectionId,
    })
    return
  }
  const request: InferenceRequest = built.request
  const invalid = validateRequest(request)
  const refused = invalid ?? (ctx.rateLimiter.tryAcquire() ? undefined : RATE_LIMITED)
  if (refused !== undefined) {
    release()
    ctx.logger?.info('request refused', { connection: host.connectionId, reason: refused })
    host.send(plainErrorFrame(refused, id))
    host.send(errorStreamEndFrame(id))
    return
  }
  let searched = false
  if (ctx.sidecars.webSearch && extras.search) {
    const queries = searchQueriesFor(request.prompt, extras.search)
    if (queries.length > 0) {
      searched = true
      request.prompt = withSearchResults(request.prompt, queries)
      request.responderRequest.prompt = request.prompt
    }
  }
  const delay = ctx.sidecars.chatPreprocessingMs
  if (delay > 0 && (searched || extras.vlmTokens !== undefined)) {
    // Chat pre-processing (VLM analysis, web search) blocks the loop: frames queue and are then read by the
    // streaming loop, so a queued stream_cancel cancels the stream as soon as it starts (PROTOCOL-SURFACE §3.3).
    host.beginInline()
    host.track(ctx.sleep(delay), () => {
      if (host.isClosed()) release()
      else startStream(host, request, key, sid, id, extras.vlmTokens)
      host.endInline()
    })
    return
  }
  startStream(host, request, key, sid, id, extras.vlmTokens)
}

/** Context window check, then stream the response. */
function startStream(
  host: ConnectionHost,
  request: InferenceRequest,
  key: Uint8Array | null,
  sid: string | null,
  id: RequestId,
  vlmTokens: number | undefined,
): void {
  const { ctx } = host
  const release = (): void => {
    if (key) zeroize(key)
  }
  const promptTokens = estimateTokens(request.prompt)
  const window = ctx.contextWindowSize
  if (promptTokens > window) {
    release()
    ctx.logger?.info('prompt exceeds context window', { connection: host.connectionId, promptTokens, window })
    host.send(
      errorFrame(
        'TOKEN_LIMIT_EXCEEDED',
        `Prompt too long: ${promptTokens} tokens exceed the context window of ${window} tokens`,
        {
          sessionId: sid ?? undefined,
          id,
          extra: { prompt_tokens: promptTokens, context_window_size: window },
        },
      ),
    )
    host.send(errorStreamEndFrame(id))
    return
  }
  const stream = new ActiveStream(id, sid, key !== null)
  host.enterStream(stream)
  ctx.logger?.info('prompt accepted', {
    connection: host.connectionId,
    session: sid,
    encrypted: key !== null,
    maxTokens: request.maxTokens,
  })
  const task = runStream({
    stream,
    key,
    request: request.responderRequest,
    maxTokens: request.maxTokens,
    promptTokens,
    contextWindowSize: window,
    responder: ctx.responder,
    chunkDelayMs: ctx.chunkDelayMs,
    faults: key ? ctx.faults() : {},
    send: (frame) => {
      if (!stream.isStopped) host.send(frame)
    },
    closeTransport: () => host.closeTransport(),
    sleep: ctx.sleep,
    logger: ctx.logger,
    vlmTokens,
  })
  host.track(
    task,
    () => {
      release()
      host.leaveStream(stream)
    },
    'stream failed',
  )
}
