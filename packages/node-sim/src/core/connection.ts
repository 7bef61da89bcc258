import { hexToBytes, open, zeroize } from '@fabstir/crypto'
import {
  asBool,
  asStr,
  asU64,
  getField,
  type JsonValue,
  parseU64Decimal,
  stringifyJson,
  tryParseJsonLossless,
} from '../json-lossless.js'
import { ActionRouter } from './action-router.js'
import type { ActiveStream } from './active-stream.js'
import { admitChat } from './chat-pipeline.js'
import type { BusyLoop, ConnectionHost, CoreContext } from './core-context.js'
import { connectedFrame, errorFrame, type OutFrame, streamEndFrame } from './frames.js'
import { buildNestedRequest, buildPlaintextRequest } from './inference-request.js'
import { DEFAULT_RAG_SESSION, searchVectors, uploadVectors } from './rag.js'
import { decryptSessionInit } from './session-init.js'
import type { ConnectionState, NodeConnection } from './types.js'
import { analyseImages } from './vision.js'
import type { SearchRequest } from './web-search.js'

export type { CoreContext } from './core-context.js'

/** How long a disconnect-triggered settlement blocks new LTX jobs of the same job id. */
const SETTLEMENT_LATCH_MS = 120_000

/** Default chain (Base Sepolia) when an encrypted init names none. */
const DEFAULT_CHAIN_ID = 84532n
const INIT_FIELDS = ['ephPubHex', 'ciphertextHex', 'signatureHex', 'nonceHex', 'aadHex'] as const
const MESSAGE_FIELDS = ['ciphertextHex', 'nonceHex', 'aadHex'] as const

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
  /** Frames that arrived during inline work (image generation); handled in order afterwards. */
  private inlineQueue: string[] | null = null
  /** Inline jobs in progress (image generation, chat pre-processing); frames queue while > 0. */
  private inlineDepth = 0
  private loop: BusyLoop | null = null
  private readonly router: ActionRouter
  private readonly host: ConnectionHost

  constructor(
    readonly id: number,
    private readonly ctx: CoreContext,
    private readonly transportSend: (text: string) => void,
    private readonly transportClose: (() => void) | undefined,
  ) {
    this.host = {
      ctx,
      connectionId: id,
      isClosed: () => this.isClosed,
      job: () => this.job,
      send: (frame) => this.send(frame),
      closeTransport: () => this.closeTransport(),
      beginInline: () => this.beginInline(),
      endInline: () => this.endInline(),
      enterLoop: (loop) => {
        this.loop = loop
      },
      leaveLoop: (loop) => {
        if (this.loop === loop) this.loop = null
      },
      enterStream: (stream) => {
        this.active = stream
      },
      leaveStream: (stream) => {
        if (this.active === stream) this.active = null
      },
      track: (task, after, label) => this.track(task, after, label),
    }
    this.router = new ActionRouter({ ...this.host, billVlm: (tokens, sid) => this.billVlm(tokens, sid) })
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

  get state(): ConnectionState {
    if (this.inlineQueue !== null) return 'inline'
    if (this.loop !== null) return this.loop.kind
    return this.active !== null ? 'streaming' : 'idle'
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
    this.dispatchSafely(text)
  }

  private dispatchSafely(text: string): void {
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
    this.inlineQueue = null
    this.inlineDepth = 0
    const loop = this.loop
    this.loop = null
    loop?.detach()
    if (this.job !== null) {
      const settled = { jobId: this.job.toString(), sessionId: this.currentSessionId, connectionId: this.id }
      const settle = (): void => {
        this.ctx.logger?.info('settling job', {
          connection: this.id,
          jobId: settled.jobId,
          session: settled.sessionId,
        })
        this.ctx.ltx.settling.set(settled.jobId, this.ctx.now() + SETTLEMENT_LATCH_MS)
        this.ctx.settle(settled)
      }
      // With an LTX clip in flight, completion is deferred to the clip's task (it abandons at its next gate).
      if (loop?.kind === 'ltx-loop') void loop.done.then(settle)
      else settle()
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
    if (this.inlineQueue !== null) {
      // Inline work blocks the connection loop: frames wait in the socket and are handled in order afterwards.
      this.inlineQueue.push(text)
      return
    }
    const frame = tryParseJsonLossless(text)
    if (frame === undefined) {
      this.ctx.logger?.debug('ignored a frame that is not JSON', { connection: this.id })
      return
    }
    const type = asStr(getField(frame, 'type'))
    if (this.loop) {
      if (type === this.loop.cancelType) {
        // No confirmation frame; the loop is left at once.
        this.ctx.logger?.info('busy loop cancelled', { connection: this.id, type })
        const loop = this.loop
        this.loop = null
        if (loop.cancel) loop.cancel()
        else loop.detach()
      } else {
        this.ctx.logger?.debug('dropped a frame in a busy loop', {
          connection: this.id,
          loop: this.loop.kind,
          type,
        })
      }
      return
    }
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
      case 'uploadVectors':
        reply = uploadVectors(this.ctx.records, this.ragSession(), frame, this.ctx.sidecars.ragCapacity)
        break
      case 'searchVectors':
        reply = searchVectors(this.ctx.records, this.ragSession(), frame, this.ctx.now)
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
        // A cancelled plaintext stream_end carries the connection's session id and no id (PROTOCOL-SURFACE §10.7).
        id: s.encrypted ? s.requestId : undefined,
        sessionId: s.encrypted ? s.sessionId : this.currentSessionId,
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
    if (sid !== null) {
      this.ctx.keyStore.set(sid, result.sessionKey)
      this.ctx.records.ensure(sid)
    } else this.ctx.logger?.warn('no string session_id: session key not stored', { connection: this.id })
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
    this.router.route(text, frame, storedKey.slice(), sid, id)
    return undefined
  }

  /** The RAG store key: the connection's session id, else the shared default (PROTOCOL-SURFACE §9.1). */
  private ragSession(): string {
    return this.currentSessionId ?? DEFAULT_RAG_SESSION
  }

  private track(task: Promise<unknown>, after: () => void, label = 'action failed'): void {
    const t: Promise<void> = task
      .then(
        () => undefined,
        (e: unknown) => this.ctx.logger?.error(label, { connection: this.id, error: message(e) }),
      )
      .finally(() => {
        after()
        this.tasks.delete(t)
      })
    this.tasks.add(t)
  }

  /** Inline work starts: the connection loop is blocked and later frames wait in the socket. */
  private beginInline(): void {
    this.inlineDepth++
    this.inlineQueue ??= []
  }

  /** Inline work finished: handle the frames that queued meanwhile, in order, until one starts inline work again. */
  private endInline(): void {
    if (this.isClosed || this.inlineDepth === 0) return
    if (--this.inlineDepth > 0) return
    const queue = this.inlineQueue ?? []
    this.inlineQueue = null
    while (queue.length > 0) {
      if (this.inlineQueue !== null) {
        ;(this.inlineQueue as string[]).push(...queue)
        return
      }
      this.dispatchSafely(queue.shift()!)
    }
  }

  private billVlm(tokens: number, sid: string | null): void {
    if (this.job !== null && tokens > 0) {
      this.ctx.bill({ jobId: this.job.toString(), sessionId: sid, kind: 'vlm', tokens })
    }
  }

  private onPlainInit(frame: JsonValue): OutFrame {
    const sid = sessionIdOf(frame) ?? null
    this.currentSessionId = sid
    this.job = jobIdOf(frame) ?? null
    // Creates or replaces the node's session record: history and RAG vectors are wiped.
    if (sid !== null) this.ctx.records.replace(sid)
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
    const nested = getField(frame, 'request')
    if (this.job === null) this.job = jobIdOf(frame) ?? jobIdOf(nested ?? null) ?? null
    this.ctx.logger?.warn('deprecated plaintext prompt', {
      connection: this.id,
      session: this.currentSessionId,
    })
    const built = type === 'inference' ? buildNestedRequest(nested) : buildPlaintextRequest(frame)
    // Vision images of plaintext prompts are the outer `images`, never inside `request`.
    let vision: ReturnType<typeof analyseImages>
    if (built.ok && this.ctx.sidecars.vlm) {
      vision = analyseImages(getField(frame, 'images'), built.request.prompt)
      if (vision !== undefined) {
        built.request.prompt = vision.prompt
        built.request.responderRequest.prompt = vision.prompt
        this.billVlm(vision.vlmTokens, this.currentSessionId)
      }
    }
    const pick = (a: string, b: string): JsonValue | undefined => getField(nested, a) ?? getField(nested, b)
    const queries = pick('search_queries', 'searchQueries')
    const search: SearchRequest = {
      webSearch: asBool(pick('web_search', 'webSearch')),
      maxSearches: asU64(pick('max_searches', 'maxSearches')) ?? 5n,
      searchQueries:
        Array.isArray(queries) && queries.every((q) => typeof q === 'string')
          ? (queries as string[])
          : undefined,
    }
    admitChat(this.host, built, null, this.currentSessionId, getField(frame, 'id'), {
      vlmTokens: vision?.vlmTokens,
      search,
    })
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
