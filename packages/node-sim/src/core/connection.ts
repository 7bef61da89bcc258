import { hexToBytes, open, zeroize } from '@fabstir/crypto'
import {
  asStr,
  asU64,
  getField,
  type JsonValue,
  parseU64Decimal,
  stringifyJson,
  tryParseJsonLossless,
} from '../json-lossless.js'
import { ActiveStream } from './active-stream.js'
import {
  connectedFrame,
  errorFrame,
  errorStreamEndFrame,
  type OutFrame,
  plainErrorFrame,
  type RequestId,
  streamEndFrame,
} from './frames.js'
import {
  type BuildResult,
  buildEncryptedRequest,
  buildNestedRequest,
  buildPlaintextRequest,
  type InferenceRequest,
  validateRequest,
} from './inference-request.js'
import type { SessionKeyStore } from './key-store.js'
import type { RateLimiter } from './rate-limiter.js'
import { decryptSessionInit } from './session-init.js'
import { runStream } from './stream-runner.js'
import { estimateTokens } from './tokens.js'
import type { Faults, Logger, NodeConnection, Responder, SettledJob } from './types.js'

/** State shared by every connection of one node. */
export interface CoreContext {
  readonly keyStore: SessionKeyStore
  readonly rateLimiter: RateLimiter
  /** `null` when the node has no encryption key configured. */
  readonly nodePrivateKey: Uint8Array | null
  readonly responder: Responder
  readonly chunkDelayMs: number
  readonly contextWindowSize: number
  readonly logger: Logger | undefined
  readonly onFrame: ((direction: 'in' | 'out', text: string, connectionId: number) => void) | undefined
  readonly sleep: (ms: number) => Promise<void>
  faults(): Readonly<Faults>
  settle(job: SettledJob): void
}

/** Default chain (Base Sepolia) when an encrypted init names none. */
const DEFAULT_CHAIN_ID = 84532n
const INIT_FIELDS = ['ephPubHex', 'ciphertextHex', 'signatureHex', 'nonceHex', 'aadHex'] as const
const MESSAGE_FIELDS = ['ciphertextHex', 'nonceHex', 'aadHex'] as const
const RATE_LIMITED = 'Rate limit exceeded, retry after 60 seconds'

function sessionIdOf(frame: JsonValue): string | undefined {
  return asStr(getField(frame, 'session_id')) ?? asStr(getField(frame, 'sessionId'))
}

function chainIdOf(frame: JsonValue): bigint | undefined {
  return asU64(getField(frame, 'chain_id')) ?? asU64(getField(frame, 'chainId'))
}

/** `job_id`/`jobId` as a u64 number or a decimal string, like the node's plaintext handlers read it. */
function jobIdOf(frame: JsonValue): bigint | undefined {
  for (const key of ['job_id', 'jobId']) {
    const v = getField(frame, key)
    const n = asU64(v) ?? (typeof v === 'string' ? parseU64Decimal(v) : undefined)
    if (n !== undefined) return n
  }
  return undefined
}

function decodeAll(hexes: readonly string[]): Uint8Array[] | undefined {
  try {
    return hexes.map((h) => hexToBytes(h))
  } catch {
    return undefined
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : 'unknown error'
}

/** One connection's state machine (see {@link NodeConnection}). */
export class Connection implements NodeConnection {
  private currentSessionId: string | null = null
  private job: bigint | null = null
  private active: ActiveStream | null = null
  private readonly tasks = new Set<Promise<void>>()
  private isClosed = false

  constructor(
    readonly id: number,
    private readonly ctx: CoreContext,
    private readonly transportSend: (text: string) => void,
    private readonly transportClose: (() => void) | undefined,
  ) {
    this.send(connectedFrame())
  }

  get sessionId(): string | null {
    return this.currentSessionId
  }

  get jobId(): string | null {
    return this.job === null ? null : this.job.toString()
  }

  get closed(): boolean {
    return this.isClosed
  }

  get idle(): Promise<void> {
    return Promise.all([...this.tasks]).then(() => undefined)
  }

  receive(text: string): void {
    if (this.isClosed) return
    try {
      this.ctx.onFrame?.('in', text, this.id)
    } catch (e) {
      this.ctx.logger?.error('onFrame tap threw', { error: message(e) })
    }
    try {
      this.dispatch(text)
    } catch (e) {
      this.ctx.logger?.error('internal error while handling a frame', {
        connection: this.id,
        error: message(e),
      })
    }
  }

  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.active?.stop()
    this.active = null
    if (this.job !== null) {
      const settled = { jobId: this.job.toString(), sessionId: this.currentSessionId, connectionId: this.id }
      this.ctx.logger?.info('settling job', {
        connection: this.id,
        jobId: settled.jobId,
        session: settled.sessionId,
      })
      this.ctx.settle(settled)
    }
  }

  private send(frame: OutFrame): void {
    if (this.isClosed) return
    const text = stringifyJson(frame)
    try {
      this.ctx.onFrame?.('out', text, this.id)
    } catch (e) {
      this.ctx.logger?.error('onFrame tap threw', { error: message(e) })
    }
    try {
      this.transportSend(text)
    } catch (e) {
      this.ctx.logger?.warn('send failed', { connection: this.id, error: message(e) })
    }
  }

  private dispatch(text: string): void {
    if (this.ctx.faults().silent === true) return
    const frame = tryParseJsonLossless(text)
    if (frame === undefined) {
      this.ctx.logger?.debug('ignored a frame that is not JSON', { connection: this.id })
      return
    }
    const type = asStr(getField(frame, 'type'))
    if (this.active) {
      if (type === 'stream_cancel') this.cancel()
      else this.ctx.logger?.debug('dropped a frame while streaming', { connection: this.id, type })
      return
    }
    let reply: OutFrame | undefined
    switch (type) {
      case 'encrypted_session_init':
        reply = this.onEncryptedInit(frame)
        break
      case 'encrypted_message':
        reply = this.onEncryptedMessage(frame)
        break
      case 'session_init':
        reply = this.onPlainInit(frame)
        break
      case 'prompt':
      case 'inference':
        this.onPlainPrompt(frame, type)
        break
      default:
        // stream_cancel while idle, unknown types and non-object frames get no reply.
        this.ctx.logger?.debug('ignored frame', { connection: this.id, type })
    }
    if (reply) this.send(reply)
  }

  private cancel(): void {
    const s = this.active
    if (!s) return
    s.stop()
    this.active = null
    this.ctx.logger?.info('stream cancelled', { connection: this.id, session: s.sessionId })
    this.send(
      streamEndFrame({
        reason: 'cancelled',
        tokensUsed: s.tokensUsed,
        id: s.requestId,
        sessionId: s.sessionId,
        finishReason: 'cancelled',
      }),
    )
  }

  /** Returns the reply: an error frame or the ack. */
  private onEncryptedInit(frame: JsonValue): OutFrame {
    const sid = sessionIdOf(frame) ?? null
    this.currentSessionId = sid
    const chainId = chainIdOf(frame) ?? DEFAULT_CHAIN_ID
    const id = getField(frame, 'id')
    const fail = (code: string, msg: string): OutFrame => {
      this.ctx.logger?.info('session init rejected', { connection: this.id, session: sid, code })
      return errorFrame(code, msg, { sessionId: sid ?? 'unknown', id })
    }
    const nodeKey = this.ctx.nodePrivateKey
    if (nodeKey === null) {
      return fail(
        'ENCRYPTION_NOT_SUPPORTED',
        'Node does not have encryption key configured. Please use plaintext session_init or configure HOST_PRIVATE_KEY.',
      )
    }
    const payload = getField(frame, 'payload')
    if (payload === undefined)
      return fail('MISSING_PAYLOAD', 'encrypted_session_init must include payload object')
    const hexes = INIT_FIELDS.map((k) => asStr(getField(payload, k)))
    if (hexes.some((h) => h === undefined)) {
      return fail(
        'INVALID_PAYLOAD',
        'Missing required fields in encrypted session init payload (ephPubHex, ciphertextHex, signatureHex, nonceHex, aadHex)',
      )
    }
    const bytes = decodeAll(hexes as string[])
    if (!bytes)
      return fail('INVALID_HEX_ENCODING', 'Failed to decode hex fields in encrypted session init payload')
    const [ephPub, ciphertext, signature, nonce, aad] = bytes as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ]
    if (nonce.length !== 24) {
      return fail('INVALID_NONCE_SIZE', `Invalid nonce size: expected 24 bytes, got ${nonce.length}`)
    }
    let result: ReturnType<typeof decryptSessionInit>
    try {
      result = decryptSessionInit({ ephPub, ciphertext, signature, nonce, aad }, nodeKey)
    } catch (e) {
      return fail('DECRYPTION_FAILED', `Failed to decrypt session init payload: ${message(e)}`)
    }
    this.job = parseU64Decimal(result.data.jobId) ?? null
    if (sid !== null) this.ctx.keyStore.set(sid, result.sessionKey)
    else this.ctx.logger?.warn('no string session_id: session key not stored', { connection: this.id })
    zeroize(result.sessionKey)
    this.ctx.logger?.info('encrypted session initialised', {
      connection: this.id,
      session: sid,
      jobId: this.jobId,
      chainId: chainId.toString(),
    })
    return {
      type: 'session_init_ack',
      status: 'success',
      session_id: sid ?? 'unknown',
      job_id: this.job,
      chain_id: chainId,
      client_address: this.ctx.faults().wrongClientAddress ?? result.clientAddress,
      message: 'Encrypted session initialized successfully',
      id,
    }
  }

  /** Returns an error frame, or `undefined` when the request went on to {@link admit}. */
  private onEncryptedMessage(frame: JsonValue): OutFrame | undefined {
    const id = getField(frame, 'id')
    const fail = (code: string, msg: string): OutFrame => {
      this.ctx.logger?.info('prompt rejected', { connection: this.id, code })
      return errorFrame(code, msg, { id })
    }
    const sid = sessionIdOf(frame) ?? this.currentSessionId
    if (sid === null) return fail('MISSING_SESSION_ID', 'encrypted_message requires session_id')
    const storedKey = this.ctx.keyStore.get(sid)
    if (!storedKey) return fail('SESSION_KEY_NOT_FOUND', `No session key found for session_id: ${sid}`)
    const payload = getField(frame, 'payload')
    if (payload === undefined) return fail('MISSING_PAYLOAD', 'encrypted_message must include payload object')
    const hexes = MESSAGE_FIELDS.map((k) => asStr(getField(payload, k)))
    if (hexes.some((h) => h === undefined)) {
      return fail('MISSING_PAYLOAD_FIELDS', 'Payload must contain ciphertextHex, nonceHex, and aadHex')
    }
    const bytes = decodeAll(hexes as string[])
    if (!bytes) return fail('INVALID_HEX_ENCODING', 'Failed to decode hex fields in payload')
    const [ciphertext, nonce, aad] = bytes as [Uint8Array, Uint8Array, Uint8Array]
    if (nonce.length !== 24) {
      return fail('INVALID_NONCE_SIZE', `Invalid nonce size: expected 24 bytes, got ${nonce.length}`)
    }
    let plaintext: Uint8Array
    try {
      plaintext = open(storedKey, nonce, ciphertext, aad)
    } catch {
      return fail('DECRYPTION_FAILED', 'Failed to decrypt message: aead::Error')
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext)
    } catch {
      return fail('INVALID_UTF8', 'Decrypted plaintext is not valid UTF-8')
    } finally {
      zeroize(plaintext)
    }
    this.admit(buildEncryptedRequest(text, frame), storedKey.slice(), sid, id)
    return undefined
  }

  private onPlainInit(frame: JsonValue): OutFrame {
    const sid = sessionIdOf(frame) ?? null
    this.currentSessionId = sid
    this.job = jobIdOf(frame) ?? null
    this.ctx.logger?.warn('deprecated plaintext session_init', { connection: this.id, session: sid })
    return {
      type: 'session_init_ack',
      status: 'success',
      session_id: sid ?? 'unknown',
      job_id: this.job,
      chain_id: chainIdOf(frame) ?? null,
      message: 'Session initialized successfully',
      id: getField(frame, 'id'),
    }
  }

  private onPlainPrompt(frame: JsonValue, type: 'prompt' | 'inference'): void {
    if (this.job === null) this.job = jobIdOf(frame) ?? null
    this.ctx.logger?.warn('deprecated plaintext prompt', {
      connection: this.id,
      session: this.currentSessionId,
    })
    const built =
      type === 'inference' ? buildNestedRequest(getField(frame, 'request')) : buildPlaintextRequest(frame)
    this.admit(built, null, this.currentSessionId, getField(frame, 'id'))
  }

  /** Validation → rate limit → context window → stream, as the node orders them. */
  private admit(built: BuildResult, key: Uint8Array | null, sid: string | null, id: RequestId): void {
    const release = (): void => {
      if (key) zeroize(key)
    }
    if (!built.ok) {
      release()
      this.ctx.logger?.info('request dropped without reply (does not deserialize)', { connection: this.id })
      return
    }
    const request: InferenceRequest = built.request
    const invalid = validateRequest(request)
    const refused = invalid ?? (this.ctx.rateLimiter.tryAcquire() ? undefined : RATE_LIMITED)
    if (refused !== undefined) {
      release()
      this.ctx.logger?.info('request refused', { connection: this.id, reason: refused })
      this.send(plainErrorFrame(refused, id))
      this.send(errorStreamEndFrame(id))
      return
    }
    const promptTokens = estimateTokens(request.prompt)
    const window = this.ctx.contextWindowSize
    if (promptTokens > window) {
      release()
      this.ctx.logger?.info('prompt exceeds context window', { connection: this.id, promptTokens, window })
      this.send(
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
      // The node follows TOKEN_LIMIT_EXCEEDED with stream_end {reason:"error"} (PROTOCOL-SURFACE §2.1).
      this.send(errorStreamEndFrame(id))
      return
    }
    const stream = new ActiveStream(id, sid)
    this.active = stream
    this.ctx.logger?.info('prompt accepted', {
      connection: this.id,
      session: sid,
      encrypted: key !== null,
      maxTokens: request.maxTokens,
    })
    const task: Promise<void> = runStream({
      stream,
      key,
      request: request.responderRequest,
      maxTokens: request.maxTokens,
      promptTokens,
      contextWindowSize: window,
      responder: this.ctx.responder,
      chunkDelayMs: this.ctx.chunkDelayMs,
      faults: key ? this.ctx.faults() : {},
      send: (frame) => {
        if (!stream.isStopped) this.send(frame)
      },
      closeTransport: () => this.closeTransport(),
      sleep: this.ctx.sleep,
      logger: this.ctx.logger,
    })
      .catch((e: unknown) => {
        this.ctx.logger?.error('stream failed', { connection: this.id, error: message(e) })
      })
      .finally(() => {
        release()
        if (this.active === stream) this.active = null
        this.tasks.delete(task)
      })
    this.tasks.add(task)
  }

  private closeTransport(): void {
    this.close()
    try {
      this.transportClose?.()
    } catch (e) {
      this.ctx.logger?.warn('closing the transport failed', { connection: this.id, error: message(e) })
    }
  }
}
