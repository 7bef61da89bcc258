import type {
  ChatNodeFrame,
  PromptFrame,
  SessionInitAckFrame,
  SessionInitFrame,
  StreamChunkFrame,
} from '@fabstir/wire'
import { BaseSession, type InFlight } from './base-session.js'
import { FabstirError } from './errors.js'
import type { ProtocolEvent } from './events.js'
import { newSessionId } from './ids.js'
import type { Logger } from './logger.js'
import {
  normalizeChainId,
  normalizeJobId,
  normalizePrompt,
  type PromptInput,
  requireNonEmptyString,
} from './options.js'

/** Options of {@link createPlaintextSession}. Invalid values throw `INVALID_CONFIG`. */
export interface PlaintextSessionOptions {
  /** On-chain job id: decimal string, safe non-negative number or bigint. */
  jobId: string | number | bigint
  /** 84532 (Base Sepolia, default) or 5611. */
  chainId?: number
  /** Defaults to a fresh UUID. */
  sessionId?: string
  /** Receives frame types, ids and error codes only — never prompts or answers. */
  logger?: Logger
}

/**
 * The deprecated plaintext path (PROTOCOL.md §10), with the same event model as {@link EncryptedSession}.
 * Nothing is confidential or authenticated here: use it only when the caller chose `encryption: false`, or allowed
 * a fallback and the node has no key (`ENCRYPTION_NOT_SUPPORTED`).
 */
export class PlaintextSession extends BaseSession {
  /** Always `false`: nothing on this path is encrypted or authenticated. */
  readonly encrypted = false
  /** Chain id sent in `session_init` (default 84532, Base Sepolia). */
  readonly chainId: number
  /** On-chain job id, normalised to a decimal string. */
  readonly jobId: string

  constructor(options: PlaintextSessionOptions) {
    super(
      options.sessionId === undefined
        ? newSessionId()
        : requireNonEmptyString(options.sessionId, 'sessionId'),
      options.logger,
    )
    this.jobId = normalizeJobId(options.jobId)
    this.chainId = normalizeChainId(options.chainId)
  }

  /** Build the plaintext `session_init` frame. */
  async init(options: { id?: string } = {}): Promise<SessionInitFrame> {
    if (this._state !== 'new') {
      throw new FabstirError('INVALID_STATE', `init() is not allowed in state "${this._state}"`, {
        sessionId: this.sessionId,
      })
    }
    const id = this.requestId(options.id)
    const frame: SessionInitFrame = {
      type: 'session_init',
      id,
      session_id: this.sessionId,
      chain_id: this.chainId,
    }
    const jobNumber = Number(this.jobId)
    if (Number.isSafeInteger(jobNumber)) frame.job_id = jobNumber
    this.initRequestId = id
    this._state = 'initializing'
    return frame
  }

  /** Build a plaintext `prompt` frame (one prompt in flight at a time). */
  prompt(prompt: PromptInput, options: { id?: string } = {}): PromptFrame {
    this.assertCanPrompt()
    const request = normalizePrompt(prompt)
    const id = this.requestId(options.id)
    const frame: PromptFrame = { type: 'prompt', id, session_id: this.sessionId, prompt: request.prompt }
    if (request.max_tokens !== undefined) frame.max_tokens = request.max_tokens
    if (request.temperature !== undefined) frame.temperature = request.temperature
    if (request.model !== undefined) frame.model = request.model
    this.inflight = { id, nextIndex: 0, sawFinal: false, finishReason: undefined, cancelRequested: false }
    this._state = 'streaming'
    return frame
  }

  protected zeroizeKeys(): void {
    // No keys on the plaintext path.
  }

  protected onAck(frame: SessionInitAckFrame): ProtocolEvent[] {
    if (frame.id !== undefined && frame.id !== this.initRequestId)
      return this.ignore('ack for another request', frame.type)
    this._state = 'ready'
    return [{ type: 'ready', sessionId: this.sessionId, clientAddress: undefined }]
  }

  protected onDataFrame(frame: ChatNodeFrame): ProtocolEvent[] {
    if (frame.type !== 'stream_chunk')
      return this.ignore('encrypted frame on a plaintext session', frame.type)
    return this.onChunk(frame)
  }

  protected endIsAuthentic(_inflight: InFlight): boolean {
    return true
  }

  private onChunk(frame: StreamChunkFrame): ProtocolEvent[] {
    const inflight = this.inflight
    if (this._state !== 'streaming' || !inflight || !this.isCurrent(frame.id)) {
      return this.ignore('chunk for no request in flight', frame.type)
    }
    const index = inflight.nextIndex++
    const final = frame.content === '' && frame.tokens === 0
    if (final) inflight.sawFinal = true
    return [{ type: 'chunk', id: inflight.id, index, text: frame.content, tokens: frame.tokens, final }]
  }
}

/** Create a plaintext session (deprecated protocol path). See {@link PlaintextSession}. */
export function createPlaintextSession(options: PlaintextSessionOptions): PlaintextSession {
  return new PlaintextSession(options)
}
