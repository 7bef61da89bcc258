import {
  CHAT_NODE_FRAME_TYPES,
  type ChatNodeFrame,
  checkChatNodeFrame,
  type ErrorFrame,
  MAX_FRAME_BYTES,
  parseJsonUnlocated,
  type SessionInitAckFrame,
  type StreamCancelFrame,
  type StreamEndFrame,
  WireJsonError,
} from '@fabstir/wire'
import type { Flow, FlowOutcome } from './actions/flow.js'
import { FabstirError, type FabstirErrorCode, type FabstirErrorOptions } from './errors.js'
import type { EndEvent, ProtocolEvent, SessionState, Usage } from './events.js'
import { newRequestId } from './ids.js'
import type { Logger } from './logger.js'
import { errorFromNodeFrame } from './node-errors.js'
import { capNodeText } from './node-text.js'

/** Validation issues kept in an `INVALID_FRAME` error's details (a hostile frame can have a million). */
const MAX_ISSUES = 10

/** Bookkeeping of the one request that may be in flight on a session. */
export interface InFlight {
  id: string
  nextIndex: number
  sawFinal: boolean
  /** Finish reason from a valid `encrypted_response` (encrypted mode only). */
  finishReason: string | undefined
  cancelRequested: boolean
  /** An action flow (image, transcode, LTX, RAG: `src/actions/`) holding the request slot instead of a chat prompt. */
  flow?: Flow
}

const nodeFrameTypes: ReadonlySet<string> = new Set(CHAT_NODE_FRAME_TYPES)

/**
 * What encrypted and plaintext sessions share: frame parsing and validation, error mapping, `stream_end`
 * handling and state bookkeeping. Subclasses handle the acknowledgement and their data frames.
 * `receive` never throws: every problem becomes an `error` event or an ignored frame.
 */
export abstract class BaseSession {
  /** The session id sent as `session_id` on every frame; stays the same across re-inits and reconnects. */
  readonly sessionId: string
  protected _state: SessionState = 'new'
  protected inflight: InFlight | undefined
  protected initRequestId: string | undefined
  protected readonly log: Logger
  /** Random per-session prefix of request ids; a counter makes each id unique without a CSPRNG call per prompt. */
  private readonly idPrefix = newRequestId()
  private idCounter = 0

  protected constructor(sessionId: string, logger: Logger | undefined) {
    this.sessionId = sessionId
    this.log = logger ?? {}
  }

  /** Current state: `new` → `initializing` → `ready` ⇄ `streaming`; `closed` / `failed` are final. */
  get state(): SessionState {
    return this._state
  }

  /** Id of the request in flight, if any. */
  get inFlightId(): string | undefined {
    return this.inflight?.id
  }

  /** A fresh request id: unguessable (random per-session prefix) and never repeated within the session. */
  protected nextRequestId(): string {
    return `${this.idPrefix}-${(this.idCounter++).toString(36)}`
  }

  /**
   * The request id a caller chose (it goes on the wire as is, so it must be a string), or a fresh one. The frames
   * built from it need no re-validation: every other field was checked when the session or the prompt was made.
   */
  protected requestId(given: string | undefined): string {
    if (given === undefined) return this.nextRequestId()
    if (typeof given !== 'string') {
      throw new FabstirError('INVALID_FRAME', 'a request id must be a string', { sessionId: this.sessionId })
    }
    return given
  }

  /**
   * Throws unless a prompt may be sent now: `PROMPT_IN_FLIGHT` while one streams (the node silently drops frames
   * that arrive meanwhile), `SESSION_CLOSED` once the session is over, `INVALID_STATE` before it is ready.
   */
  protected assertCanPrompt(): void {
    if (this._state === 'ready') return
    if (this._state === 'streaming') {
      throw new FabstirError(
        'PROMPT_IN_FLIGHT',
        'a prompt is already streaming on this session; wait for its end or cancel it',
        {
          sessionId: this.sessionId,
          requestId: this.inflight?.id,
        },
      )
    }
    if (this._state === 'closed' || this._state === 'failed') {
      throw new FabstirError('SESSION_CLOSED', `the session is ${this._state}`, { sessionId: this.sessionId })
    }
    throw new FabstirError('INVALID_STATE', `prompt() needs a ready session; state is "${this._state}"`, {
      sessionId: this.sessionId,
    })
  }
  /** Whether this session encrypts its traffic. */
  abstract readonly encrypted: boolean

  /**
   * Feed one inbound frame (the raw text, or an already parsed object). Returns the events it produced, in order.
   * Never throws. Frames of unknown type, and frames that belong to no current request, are ignored.
   */
  receive(frame: string | object): ProtocolEvent[] {
    try {
      return this.receiveFrame(frame)
    } catch (cause) {
      // Defensive: a bug must not escape into the transport's event loop; it ends the session cleanly.
      return this.failWith('INVALID_FRAME', 'internal error while handling an inbound frame', { cause })
    }
  }

  /**
   * Build `stream_cancel` for the answer in flight (undefined when nothing streams). The answer then ends with
   * `end {reason: 'cancelled'}` once the node confirms; send the frame as is.
   */
  cancel(): StreamCancelFrame | undefined {
    if (this._state !== 'streaming' || !this.inflight || this.inflight.flow) return undefined
    this.inflight.cancelRequested = true
    return { type: 'stream_cancel', session_id: this.sessionId }
  }

  /** Zero every key and end the session. Idempotent. */
  close(): void {
    if (this._state === 'closed') return
    this.zeroizeKeys()
    this.inflight = undefined
    this._state = 'closed'
  }

  /**
   * The transport lost its connection. Fails the request in flight with `CONNECTION_LOST` (it may have been partly
   * processed, so it is never replayed), zeroes the session key and returns to `new`, so that `init()` re-keys
   * the same `session_id` on a new connection.
   */
  connectionLost(): ProtocolEvent[] {
    if (this._state === 'closed' || this._state === 'failed') return []
    const events: ProtocolEvent[] = []
    const lost = this.inflight
    if (lost) {
      events.push({
        type: 'error',
        error: new FabstirError('CONNECTION_LOST', 'the connection closed while the answer was streaming', {
          requestId: lost.id,
          sessionId: this.sessionId,
        }),
      })
    }
    this.inflight = undefined
    this.zeroizeKeys()
    this._state = 'new'
    return events
  }

  protected abstract zeroizeKeys(): void
  /**
   * Whether the init frame exists yet (an encrypted init waits for the wallet's signature first): an acknowledgement
   * that arrives before it cannot be for it.
   */
  protected initSent(): boolean {
    return true
  }
  protected abstract onAck(frame: SessionInitAckFrame): ProtocolEvent[]
  /** Mode-specific data frames (`encrypted_chunk`/`encrypted_response` or `stream_chunk`). */
  protected abstract onDataFrame(frame: ChatNodeFrame): ProtocolEvent[]
  /** Whether a `stream_end` may complete the request in flight without being a truncation. */
  protected abstract endIsAuthentic(inflight: InFlight, frame: StreamEndFrame): boolean

  // ── action flows (`src/actions/`): the hooks they need, nothing more ──

  /** @internal The action flow holding the request slot, if any. */
  get flowInFlight(): Flow | undefined {
    return this.inflight?.flow
  }

  /** @internal A fresh request id for an action flow (same scheme as prompts). */
  newFlowId(): string {
    return this.nextRequestId()
  }

  /** @internal Hand the (free) request slot to an action flow; `actions/` checks the state first. */
  beginFlow(id: string, flow: Flow): void {
    this.inflight = {
      id,
      nextIndex: 0,
      sawFinal: false,
      finishReason: undefined,
      cancelRequested: false,
      flow,
    }
    this._state = 'streaming'
  }

  /** @internal Apply a flow's outcome: when it is done the slot is freed and the session is ready again. */
  flowOutcome(outcome: FlowOutcome): ProtocolEvent[] {
    if (outcome.done && this.inflight?.flow && this._state === 'streaming') {
      this.inflight = undefined
      this._state = 'ready'
    }
    return outcome.send ? [{ type: 'send', frame: outcome.send }, ...outcome.events] : outcome.events
  }

  /** End the session because of `error`: keys zeroed, state `failed`. Returns the event to emit. */
  protected fail(error: FabstirError): ProtocolEvent {
    this.zeroizeKeys()
    this.inflight = undefined
    this._state = 'failed'
    const fatal = error.fatal
      ? error
      : new FabstirError(error.code, error.message, {
          cause: error.cause,
          requestId: error.requestId,
          sessionId: error.sessionId ?? this.sessionId,
          nodeMessage: error.nodeMessageRaw,
          retryAfterMs: error.retryAfterMs,
          details: error.details,
          fatal: true,
        })
    this.log.warn?.('session failed', { code: fatal.code, sessionId: this.sessionId })
    return { type: 'error', error: fatal }
  }

  /** {@link fail} with a new error (its `sessionId` defaults to this session's): the events to emit. */
  protected failWith(
    code: FabstirErrorCode,
    message: string,
    options?: FabstirErrorOptions,
  ): ProtocolEvent[] {
    return [this.fail(new FabstirError(code, message, options))]
  }

  protected ignore(reason: string, frameType?: string): ProtocolEvent[] {
    this.log.debug?.('inbound frame ignored', { reason, frameType })
    return []
  }

  /** The id of the init request awaiting its acknowledgement, if any. */
  private pendingInitId(): string | undefined {
    return this._state === 'initializing' ? this.initRequestId : undefined
  }

  /** True when `frameId` (possibly absent) refers to the request in flight. */
  protected isCurrent(frameId: string | undefined): boolean {
    return this.inflight !== undefined && (frameId === undefined || frameId === this.inflight.id)
  }

  private receiveFrame(input: string | object): ProtocolEvent[] {
    if (this._state === 'closed' || this._state === 'failed') return this.ignore('session is over')
    let value: unknown = input
    if (typeof input === 'string') {
      // UTF-16 length ≤ UTF-8 byte length, so no frame the node's limit admits is refused here; longer text is
      // refused before any parsing. Parsing itself is linear and bounded (nesting ≤ 128, ≤ 2^20 values).
      if (input.length > MAX_FRAME_BYTES) {
        return this.malformed(undefined, `frame of ${input.length} characters exceeds the 64 MiB limit`)
      }
      try {
        value = parseJsonUnlocated(input)
      } catch (e) {
        const limit = e instanceof WireJsonError && e.code === 'JSON_LIMIT_EXCEEDED'
        return this.malformed(
          undefined,
          limit ? `frame is too complex to parse (${e.message})` : 'frame is not valid JSON',
        )
      }
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.malformed(undefined, 'frame is not a JSON object')
    }
    const type = (value as { type?: unknown }).type
    const flow = this.inflight?.flow
    if (flow && typeof type === 'string' && flow.plainTypes.includes(type)) {
      return this.flowOutcome(flow.onPlain(value as Record<string, unknown>))
    }
    if (typeof type !== 'string' || !nodeFrameTypes.has(type)) return this.ignore('unknown frame type')
    const checked = checkChatNodeFrame(value)
    if (!checked.ok) {
      // A frame that names a request which is no longer (or never was) in flight belongs to no current request:
      // ignored like its well-formed twin (e.g. the trailing `stream_end` after a refused prompt).
      const frameId = (value as { id?: unknown }).id
      if (typeof frameId === 'string' && frameId !== this.inflight?.id && frameId !== this.pendingInitId()) {
        return this.ignore('invalid frame for no current request', type)
      }
      const issue = checked.issues[0]
      return this.malformed(
        type,
        `invalid ${type} frame${issue ? ` at ${capNodeText(issue.path || '/', 200)}: ${capNodeText(issue.message, 200)}` : ''}`,
        checked.issues.slice(0, MAX_ISSUES),
      )
    }
    return this.dispatch(checked.value)
  }

  /**
   * A frame that cannot be used. When it would have carried part of the answer in flight, the answer can no longer
   * be authenticated as complete: the session fails. Otherwise it is reported and the session goes on.
   */
  private malformed(type: string | undefined, message: string, issues?: unknown): ProtocolEvent[] {
    const error = new FabstirError('INVALID_FRAME', message, {
      requestId: this.inflight?.id,
      sessionId: this.sessionId,
      details: issues === undefined ? { frameType: type } : { frameType: type, issues },
    })
    const carriesAnswer =
      type === 'encrypted_chunk' || type === 'encrypted_response' || type === 'stream_chunk'
    const inflight = this.inflight
    if (this._state === 'streaming' && inflight?.finishReason !== undefined && !carriesAnswer) {
      // The answer is complete and authenticated (encrypted_response arrived); only its plaintext stream_end was
      // still due, and what came is unusable. An unauthenticated frame cannot take the answer away: end it, and say
      // why.
      return [{ type: 'warning', id: inflight.id, warning: error }, ...this.end(inflight, undefined)]
    }
    if (this._state === 'streaming' && carriesAnswer && this.encrypted) return [this.fail(error)]
    return [{ type: 'error', error }]
  }

  private dispatch(frame: ChatNodeFrame): ProtocolEvent[] {
    switch (frame.type) {
      case 'connected':
        return [{ type: 'connected' }]
      case 'session_init_ack':
        if (this._state !== 'initializing')
          return this.ignore('acknowledgement while not initializing', frame.type)
        if (frame.id !== undefined && frame.id !== this.initRequestId)
          return this.ignore('ack for another request', frame.type)
        if (!this.initSent()) return this.ignore('acknowledgement before the init was built', frame.type)
        if (frame.status !== 'success') return [this.fail(ackRefused(frame, this.sessionId))]
        return this.onAck(frame)
      case 'error':
        return this.onError(frame)
      case 'stream_end':
        return this.onStreamEnd(frame)
      default:
        return this.onDataFrame(frame)
    }
  }

  private onError(frame: ErrorFrame): ProtocolEvent[] {
    const flowOutcome = this._state === 'streaming' ? this.inflight?.flow?.onError(frame) : undefined
    if (flowOutcome) return this.flowOutcome(flowOutcome)
    const frameId = (frame as { id?: unknown }).id
    const id = typeof frameId === 'string' ? frameId : undefined
    if (this._state === 'initializing' && (id === undefined || id === this.initRequestId)) {
      const error = errorFromNodeFrame(frame, this.initRequestId)
      if (error.retryable) {
        this.zeroizeKeys()
        this._state = 'new'
        return [{ type: 'error', error }]
      }
      return [this.fail(error)]
    }
    if (this._state === 'streaming' && this.isCurrent(id)) {
      const error = errorFromNodeFrame(frame, this.inflight?.id)
      const done = this.inflight!
      if (done.finishReason !== undefined) {
        // An unauthenticated error after the authenticated end of the answer cannot take the answer away.
        return [{ type: 'warning', id: done.id, warning: error }, ...this.end(done, undefined)]
      }
      this.inflight = undefined
      if (error.code === 'SESSION_KEY_NOT_FOUND') {
        // The node lost its keys (restart): this session must be re-initialised before the next prompt.
        this.zeroizeKeys()
        this._state = 'new'
      } else {
        this._state = 'ready'
      }
      return [{ type: 'error', error }]
    }
    // Not about anything in flight (e.g. a late error for a finished request): report, change nothing.
    return [{ type: 'error', error: errorFromNodeFrame(frame) }]
  }

  private onStreamEnd(frame: StreamEndFrame): ProtocolEvent[] {
    const inflight = this.inflight
    if (this._state !== 'streaming' || !inflight || inflight.flow || !this.isCurrent(frame.id)) {
      return this.ignore('stream_end for no request in flight', frame.type)
    }
    if (!inflight.cancelRequested && !this.endIsAuthentic(inflight, frame)) {
      return this.failWith(
        'STREAM_TRUNCATED',
        'the answer ended without an authenticated encrypted_response: it may have been truncated',
        {
          requestId: inflight.id,
          details: { chunksReceived: inflight.nextIndex },
        },
      )
    }
    return this.end(inflight, frame)
  }

  /**
   * The `end` event of the request in flight (the session becomes ready), from its `stream_end` — or from nothing
   * when that frame was unusable after an authenticated `encrypted_response`. Fields of `stream_end` are
   * unauthenticated: they never override the authenticated finish reason, except to refine `stop` into `length`
   * (the node's cut at `max_tokens`); any other disagreement is kept authenticated and flagged in a `warning`.
   */
  private end(inflight: InFlight, frame: StreamEndFrame | undefined): ProtocolEvent[] {
    this.inflight = undefined
    this._state = 'ready'
    const events: ProtocolEvent[] = []
    const reason =
      inflight.cancelRequested && inflight.finishReason === undefined
        ? 'cancelled'
        : (frame?.reason ?? 'complete')
    const end: EndEvent = { type: 'end', id: inflight.id, reason, tokensUsed: frame?.tokens_used ?? 0 }
    const authenticated = inflight.finishReason
    const claimed = frame?.finish_reason
    let finishReason = authenticated ?? claimed
    if (authenticated !== undefined && claimed !== undefined && claimed !== authenticated) {
      if (authenticated === 'stop' && claimed === 'length') finishReason = claimed
      else {
        events.push({
          type: 'warning',
          id: inflight.id,
          warning: new FabstirError(
            'INVALID_FRAME',
            `stream_end.finish_reason "${capNodeText(claimed, 64)}" contradicts the authenticated finish reason "${capNodeText(authenticated, 64)}": the authenticated one is kept`,
            {
              requestId: inflight.id,
              sessionId: this.sessionId,
              details: {
                field: 'finish_reason',
                authenticated: capNodeText(authenticated, 64),
                unauthenticated: capNodeText(claimed, 64),
              },
            },
          ),
        })
      }
    }
    if (finishReason !== undefined) end.finishReason = finishReason
    if (frame?.vlm_tokens !== undefined) end.vlmTokens = frame.vlm_tokens
    const usage = frame ? toUsage(frame) : undefined
    if (usage) end.usage = usage
    events.push(end)
    return events
  }
}

/** The node answered the init with a `session_init_ack` whose status is not `success`: the init failed. */
function ackRefused(frame: SessionInitAckFrame, sessionId: string): FabstirError {
  const status = capNodeText(frame.status, 64)
  return new FabstirError(
    'NODE_ERROR',
    `the node did not accept the session init (status "${status}")${frame.message === undefined ? '' : `: ${capNodeText(frame.message)}`}`,
    { sessionId, nodeMessage: frame.message, details: { status } },
  )
}

function toUsage(frame: StreamEndFrame): Usage | undefined {
  const u = frame.usage
  if (!u) return undefined
  return {
    promptTokens: u.prompt_tokens,
    completionTokens: u.completion_tokens,
    totalTokens: u.total_tokens,
    contextWindowSize: u.context_window_size,
  }
}
