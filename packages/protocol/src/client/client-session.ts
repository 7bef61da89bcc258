import { createSession, type EncryptedSession, type EncryptedSessionOptions } from '../encrypted-session.js'
import { FabstirError } from '../errors.js'
import type { ProtocolEvent } from '../events.js'
import type { PromptInput } from '../options.js'
import { createPlaintextSession, type PlaintextSession } from '../plaintext-session.js'
import type { ReleaseSlot } from './admission.js'
import { Emitter } from './emitter.js'
import type { FlowHost, FlowPort } from './flows/host.js'
import { backoffDelay, type ResolvedOptions } from './options.js'
import { type Reply, ResponseStream } from './response-stream.js'
import type { Carrier, Connection, ConnectionClosed } from './shell.js'
import type { TimerHandle, Timers } from './timers.js'

/** What `client.on('status')` reports; `session.encrypted` is the source of truth for the indicator. */
export type ClientStatus =
  | 'connecting'
  | 'connected'
  | 'encrypted'
  | 'plaintext'
  | 'reconnecting'
  | 'closed'
  | 'failed'

/**
 * What {@link FabstirClient.startSession} needs to open one session: the session fields of
 * {@link EncryptedSessionOptions} (the plaintext path uses only `jobId`, `chainId` and `sessionId`). Invalid values
 * make it reject with `INVALID_CONFIG` (with `details.field`) before anything is sent.
 */
export type StartSessionOptions = Pick<
  EncryptedSessionOptions,
  'jobId' | 'chainId' | 'modelName' | 'pricePerToken' | 'sessionId' | 'vectorDatabase' | 'recoveryPublicKey'
>

/** Per-prompt options of {@link ClientSession.stream} and {@link ClientSession.send}. */
export interface PromptOptions {
  /** Aborting sends `stream_cancel` and fails the stream with `ABORTED`. */
  signal?: AbortSignal
  /** Request id (default: a fresh random id). */
  id?: string
}

interface Request {
  prompt: PromptInput
  options: PromptOptions
  stream: ResponseStream
  id: string | undefined
  phase: 'queued' | 'active' | 'abandoned'
  text: string[]
  finishReason: string | undefined
  keyRetryUsed: boolean
  rateRetries: number
  detachAbort: () => void
}

type Waiter = {
  kind: 'connected' | 'signed' | 'ready'
  resolve: () => void
  reject: (e: FabstirError) => void
}

/** Events of a {@link ClientSession} (listener arguments per event name). */
export type SessionEvents = {
  /** The session's {@link ClientStatus} changed; the argument is the new status. */
  status: [ClientStatus]
  /**
   * The node sent something wrong that cost nothing (e.g. an unauthenticated field contradicting its authenticated
   * twin — the authenticated value was kept): a faulty node or tampering on the way. Also logged as a warning.
   */
  warning: [FabstirError]
}

/** What a session gets from its client: the carrier of its connections and the client's timers. */
export interface SessionShell {
  carrier: Carrier
  timers: Timers
}

/**
 * One encrypted (or plaintext) session over its own connection. Owns the connection, the deadlines, the FIFO queue
 * of prompts and the reconnect policy; the frames are the sans-IO session's. Closing the connection makes the node
 * settle the session's job on-chain.
 */
export class ClientSession extends Emitter<SessionEvents> {
  private protocol: EncryptedSession | PlaintextSession
  private conn: Connection | undefined
  /** The connection's carrier reported it open and not yet closed. */
  private connOpen = false
  private waiter: Waiter | undefined
  private readonly queue: Request[] = []
  private active: Request | undefined
  private timer: TimerHandle | undefined
  private timerPhase: 'first-chunk' | 'idle' | 'cancel' | undefined
  /** Leaves the admission queue while this session waits there for a handshake slot. */
  private withdrawAdmission: ((error: FabstirError) => void) | undefined
  private phase: 'starting' | 'open' | 'reinit' | 'reconnecting' | 'closed' | 'failed' = 'starting'
  private _status: ClientStatus = 'connecting'
  /** Action flows (image, transcode, LTX, RAG): created on first use by `src/actions/` so chat apps do not ship them. */
  private flowHost: FlowHost | undefined

  /** @internal use `client.startSession()` */
  constructor(
    private readonly opts: ResolvedOptions,
    private readonly start: StartSessionOptions,
    private readonly shell: SessionShell,
  ) {
    super()
    this.protocol = opts.encryption
      ? createSession({
          nodePublicKey: opts.nodePublicKey!,
          expectedNodeAddress: opts.expectedNodeAddress,
          signer: opts.signer!,
          jobId: start.jobId,
          chainId: start.chainId,
          modelName: start.modelName,
          pricePerToken: start.pricePerToken,
          sessionId: start.sessionId,
          vectorDatabase: start.vectorDatabase,
          recoveryPublicKey: start.recoveryPublicKey,
          logger: opts.logger,
        })
      : this.plaintextProtocol(start.sessionId)
  }

  /** The session id; it stays the same across reconnects and re-keys (the node keeps history under it). */
  get sessionId(): string {
    return this.protocol.sessionId
  }

  /** True while traffic is end-to-end encrypted; false on the plaintext path. The status indicator's truth. */
  get encrypted(): boolean {
    return this.protocol.encrypted
  }

  /** Current connection status; `closed` and `failed` are final. Changes are emitted as `status` events. */
  get status(): ClientStatus {
    return this._status
  }

  /** Address the node recovered from the init signature (encrypted sessions). */
  get clientAddress(): string | undefined {
    return this.protocol.encrypted ? (this.protocol as EncryptedSession).clientAddress : undefined
  }

  /** @internal connect, initialise (falling back to plaintext only if allowed and the node has no key). */
  async open(): Promise<void> {
    try {
      await this.admitted(async () => {
        await this.handshake()
        this.phase = 'open'
        this.setStatus(this.encrypted ? 'encrypted' : 'plaintext')
      })
    } catch (e) {
      this.shutdown('failed', asFabstirError(e))
      throw e
    }
  }

  private async handshake(): Promise<void> {
    await this.connect()
    try {
      await this.initialize()
    } catch (e) {
      if (
        !(e instanceof FabstirError) ||
        e.code !== 'ENCRYPTION_NOT_SUPPORTED' ||
        !this.opts.allowPlaintextFallback
      ) {
        throw e
      }
      this.opts.logger.warn?.('node has no encryption key: falling back to plaintext as allowed', {
        sessionId: this.sessionId,
      })
      this.protocol = this.plaintextProtocol(this.sessionId)
      await this.initialize()
    }
  }

  /**
   * Run one handshake inside a slot of the admission gate (shared by every client of the process). Its deadlines
   * start only once it is admitted; a session closed while queued leaves the queue with the close error.
   */
  private async admitted(handshake: () => Promise<void>): Promise<void> {
    const ticket = this.opts.handshakeGate.enqueue()
    this.withdrawAdmission = ticket.withdraw
    let release: ReleaseSlot
    try {
      release = await ticket.promise
    } finally {
      this.withdrawAdmission = undefined
    }
    if (this.phase === 'closed' || this.phase === 'failed') {
      // Closed between admission and this continuation: give the slot back and open nothing.
      release()
      throw new FabstirError('SESSION_CLOSED', `the session is ${this.phase}`, { sessionId: this.sessionId })
    }
    try {
      await handshake()
    } finally {
      release()
    }
  }

  /**
   * Stream the answer to a prompt. Prompts queue FIFO: one is in flight per connection (the node drops frames that
   * arrive while it streams). Deltas are authenticated before they are yielded.
   */
  stream(prompt: PromptInput, options: PromptOptions = {}): ResponseStream {
    const req: Request = {
      prompt,
      options,
      stream: new ResponseStream(() =>
        this.abandon(req, new FabstirError('ABORTED', 'the stream was not read to the end')),
      ),
      id: undefined,
      phase: 'queued',
      text: [],
      finishReason: undefined,
      keyRetryUsed: false,
      rateRetries: 0,
      detachAbort: () => {},
    }
    if (this.phase === 'closed' || this.phase === 'failed') {
      req.stream.fail(
        new FabstirError('SESSION_CLOSED', `the session is ${this.phase}`, { sessionId: this.sessionId }),
      )
      return req.stream
    }
    const signal = options.signal
    if (signal) {
      if (signal.aborted) {
        req.stream.fail(abortError(signal))
        return req.stream
      }
      const onAbort = () => this.abandon(req, abortError(signal))
      signal.addEventListener('abort', onAbort, { once: true })
      req.detachAbort = () => signal.removeEventListener('abort', onAbort)
    }
    this.queue.push(req)
    this.pump()
    return req.stream
  }

  /** Send a prompt and wait for the whole answer. */
  send(prompt: PromptInput, options: PromptOptions = {}): Promise<Reply> {
    return this.stream(prompt, options).result
  }

  /** @internal The action-flow host of this session (`src/actions/`), created on first use. */
  flows(create: (port: FlowPort) => FlowHost): FlowHost {
    this.flowHost ??= create({
      protocol: () => this.protocol,
      idle: () =>
        this.phase === 'open' && !this.active && this.queue.length === 0 && this.protocol.state === 'ready',
      send: (frame) => this.sendFrame(frame),
      pump: () => this.pump(),
      recycle: () => this.recycleConnection(),
      opts: this.opts,
      timers: this.shell.timers,
    })
    return this.flowHost
  }

  /** Close the connection (the node settles the job) and zero every key. Pending prompts fail `SESSION_CLOSED`. */
  async close(): Promise<void> {
    this.shutdown(
      'closed',
      new FabstirError('SESSION_CLOSED', 'the session was closed', { sessionId: this.sessionId }),
    )
  }

  // ── connection ────────────────────────────────────────────────────────────────────────────────────────────

  private connect(): Promise<void> {
    this.setStatus(this.phase === 'reconnecting' ? 'reconnecting' : 'connecting')
    let conn: Connection | undefined
    const live = () => conn !== undefined && this.conn === conn
    try {
      conn = this.shell.carrier.connect({
        open: () => {
          if (live()) this.connOpen = true
        },
        message: (text) => {
          if (live()) this.onFrame(text)
        },
        closed: (info) => {
          if (live()) this.onConnectionClosed(info)
        },
      })
    } catch (cause) {
      return Promise.reject(
        cause instanceof FabstirError
          ? cause
          : new FabstirError('CONNECTION_FAILED', 'cannot open a connection to the node', {
              cause,
              retryable: false,
              details: { cause: 'unknown' },
            }),
      )
    }
    this.conn = conn
    this.connOpen = false
    return this.wait('connected', this.opts.timeouts.connectMs, 'connect').then(() => {
      if (this.phase === 'starting') this.setStatus('connected')
    })
  }

  private async initialize(): Promise<void> {
    // One handshake's crypto per event-loop turn: a burst of sessions never runs its key agreements back to back.
    await this.shell.timers.turn()
    const frame = await this.signed<object>(this.protocol.init())
    const ready = this.wait('ready', this.opts.timeouts.ackMs, 'ack')
    try {
      this.sendFrame(frame)
    } catch (e) {
      // The connection closed while the init was being built (e.g. a slow signer): end the wait now.
      this.settleWaiter('ready', asFabstirError(e))
    }
    await ready
  }

  /**
   * Wait for the session-init frame while the wallet signs — no longer than `timeouts.ackMs`, and no longer than the
   * session and its connection live (`close()` or a dropped socket ends the wait at once). A wallet that never
   * answers thus fails the init with `TIMEOUT` (`details.phase: 'sign'`); its late signature is dropped.
   */
  private async signed<T>(building: Promise<T>): Promise<T> {
    const deadline = this.wait('signed', this.opts.timeouts.ackMs, 'sign')
    const mine = this.waiter
    // Only this wait: a late signature of an abandoned init must not end the wait of a newer one.
    const settle = () => {
      if (this.waiter === mine) this.settleWaiter('signed')
    }
    building.then(settle, settle)
    try {
      await deadline
    } catch (e) {
      building.catch(() => {})
      const protocol = this.protocol as Partial<EncryptedSession>
      protocol.abandonInit?.()
      throw e
    }
    return building
  }

  private wait(kind: Waiter['kind'], ms: number, phase: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const due = this.shell.timers.now() + ms
      const deadline = this.shell.timers.at(due, (now) => {
        const lateMs = now - due
        this.waiter = undefined
        reject(
          new FabstirError(
            'TIMEOUT',
            phase === 'sign'
              ? `the wallet did not sign the session init within ${ms} ms`
              : `timed out after ${ms} ms waiting for the node (${phase})`,
            { sessionId: this.sessionId, details: { phase, ms, lateMs: Math.round(lateMs) } },
          ),
        )
      })
      this.waiter = {
        kind,
        resolve: () => {
          deadline.cancel()
          resolve()
        },
        reject: (e) => {
          deadline.cancel()
          reject(e)
        },
      }
    })
  }

  private settleWaiter(kind: Waiter['kind'] | undefined, error?: FabstirError): void {
    const w = this.waiter
    if (!w || (kind !== undefined && w.kind !== kind)) return
    this.waiter = undefined
    if (error) w.reject(error)
    else w.resolve()
  }

  private sendFrame(frame: object): void {
    if (!this.conn || !this.connOpen) {
      throw new FabstirError('CONNECTION_LOST', 'the connection is not open', { sessionId: this.sessionId })
    }
    this.conn.send(JSON.stringify(frame))
  }

  private onConnectionClosed(info: ConnectionClosed): void {
    this.conn = undefined
    this.connOpen = false
    this.clearTimer()
    // Closed before the node's greeting: the node was never reached — say why, instead of "connection lost".
    const failed = this.waiter?.kind === 'connected' ? connectFailure(info) : undefined
    const lost =
      failed ??
      new FabstirError('CONNECTION_LOST', `the connection closed (code ${info.code})`, {
        sessionId: this.sessionId,
      })
    this.settleWaiter(undefined, lost)
    if (this.phase === 'closed' || this.phase === 'failed') return
    for (const ev of this.protocol.connectionLost()) this.handle(ev)
    this.failActive(lost)
    if (this.phase === 'open' || this.phase === 'reinit') void this.reconnect()
  }

  private async reconnect(): Promise<void> {
    const policy = this.opts.reconnect
    if (!policy) {
      this.shutdown(
        'failed',
        new FabstirError('CONNECTION_LOST', 'the connection closed and reconnect is off', {
          sessionId: this.sessionId,
        }),
      )
      return
    }
    this.phase = 'reconnecting'
    let last: FabstirError | undefined
    for (let attempt = 0; attempt < policy.attempts; attempt++) {
      this.setStatus('reconnecting')
      await new Promise<void>((resolve) =>
        this.after(backoffDelay(policy, attempt, this.opts.random), resolve),
      )
      if (this.phase !== 'reconnecting') return
      try {
        await this.admitted(async () => {
          await this.connect()
          await this.initialize()
          this.phase = 'open'
          this.setStatus(this.encrypted ? 'encrypted' : 'plaintext')
        })
        this.pump()
        return
      } catch (e) {
        // Closed (or failed) while this attempt was connecting: nothing left to do.
        if (this.phase !== 'reconnecting') return
        this.opts.logger.info?.('reconnect attempt failed', {
          attempt: attempt + 1,
          code: asFabstirError(e).code,
        })
        last = asFabstirError(e)
        // A fatal error, or a node that cannot be reached by trying again (DNS, TLS, HTTP 4xx): stop now.
        if (last.fatal || (last.code === 'CONNECTION_FAILED' && !last.retryable)) break
        this.dropSocket()
        for (const ev of this.protocol.connectionLost()) this.handle(ev)
      }
    }
    this.shutdown(
      'failed',
      new FabstirError(
        'CONNECTION_LOST',
        `could not reconnect to the node${last ? `: ${last.message}` : ''}`,
        // Retrying later makes sense only if the last attempt failed for a reason that can pass.
        { sessionId: this.sessionId, cause: last, retryable: last?.retryable ?? true },
      ),
    )
  }

  private dropSocket(): void {
    const c = this.conn
    this.conn = undefined
    this.connOpen = false
    try {
      c?.close(1000, '')
    } catch {
      // already closed
    }
  }

  // ── inbound frames ────────────────────────────────────────────────────────────────────────────────────────

  private onFrame(text: string): void {
    for (const ev of this.protocol.receive(text)) this.handle(ev)
  }

  private handle(ev: ProtocolEvent): void {
    if (this.flowHost?.onEvent(ev)) return
    switch (ev.type) {
      case 'connected':
        this.settleWaiter('connected')
        return
      case 'ready':
        this.settleWaiter('ready')
        return
      case 'chunk': {
        const req = this.active
        if (!req || req.id !== ev.id) return
        this.armTimer('idle')
        if (ev.text.length === 0) return
        req.text.push(ev.text)
        if (req.phase === 'active') req.stream.push({ text: ev.text, index: ev.index, tokens: ev.tokens })
        return
      }
      case 'response':
        if (this.active && this.active.id === ev.id) {
          this.active.finishReason = ev.finishReason
          this.armTimer('idle')
        }
        return
      case 'end': {
        const req = this.active
        if (!req || req.id !== ev.id) return
        this.finishActive()
        const reply: Reply = {
          id: ev.id,
          text: req.text.join(''),
          finishReason: ev.finishReason ?? req.finishReason ?? ev.reason,
          tokensUsed: ev.tokensUsed,
          encrypted: this.encrypted,
        }
        if (ev.usage) reply.usage = ev.usage
        if (ev.vlmTokens !== undefined) reply.vlmTokens = ev.vlmTokens
        // The node answered the prompt with an image (auto-routing): one reply, no chunks, no stream_end.
        if (ev.image !== undefined) reply.image = { json: ev.image }
        if (req.phase === 'active') req.stream.finish(reply)
        this.pump()
        return
      }
      case 'error':
        this.onError(ev.error)
        return
      case 'warning':
        this.opts.logger.warn?.('the node sent a contradicting or unusable frame; nothing was lost', {
          code: ev.warning.code,
          requestId: ev.id,
          sessionId: this.sessionId,
        })
        this.emit('warning', ev.warning)
        return
    }
  }

  private onError(error: FabstirError): void {
    if (this.waiter?.kind === 'ready' && !this.active) {
      this.settleWaiter('ready', error)
      return
    }
    const req = this.active
    if (req && (error.requestId === undefined || error.requestId === req.id)) {
      if (!error.fatal && this.protocol.state === 'streaming') {
        // The answer is still in flight on the node (e.g. an unusable frame arrived in the middle of it): fail it for
        // the caller, cancel it on the node and keep the slot until it ends or the connection is recycled.
        this.abandon(req, error)
        return
      }
      this.finishActive()
      if (error.code === 'SESSION_KEY_NOT_FOUND' && !req.keyRetryUsed && req.phase === 'active') {
        // The node restarted and lost its keys; it never processed this prompt: re-key once and resend it.
        req.keyRetryUsed = true
        req.phase = 'queued'
        this.queue.unshift(req)
        void this.reinit()
        return
      }
      const rl = this.opts.retryOnRateLimit
      if (error.code === 'RATE_LIMITED' && rl && req.phase === 'active' && req.rateRetries < rl.attempts) {
        const wait = error.retryAfterMs ?? 60_000
        if (wait <= rl.maxWaitMs) {
          req.rateRetries++
          req.phase = 'queued'
          this.queue.unshift(req)
          this.opts.logger.info?.('rate limited: retrying later', { retryAfterMs: wait })
          this.pausedUntil = this.shell.timers.now() + wait
          this.after(wait, () => {
            this.pausedUntil = 0
            this.pump()
          })
          return
        }
      }
      this.settle(req, error)
      if (error.fatal) this.shutdown('failed', error)
      // The node lost the key again right after a re-key: re-key once more so that later prompts can go out.
      else if (error.code === 'SESSION_KEY_NOT_FOUND' && this.phase === 'open') void this.reinit()
      else this.pump()
      return
    }
    if (error.fatal) {
      this.shutdown('failed', error)
      return
    }
    this.opts.logger.warn?.('node reported an error outside any request', { code: error.code })
  }

  private pausedUntil = 0

  /** Deadlines besides the request's (reconnect backoff, rate-limit retry); `shutdown` cancels them all. */
  private readonly lifecycleTimers = new Set<() => void>()

  /** Run `fn` after `ms` unless the session is shut down first (no deadline may outlive the session). */
  private after(ms: number, fn: () => void): void {
    const { cancel } = this.shell.timers.at(this.shell.timers.now() + ms, () => {
      this.lifecycleTimers.delete(cancel)
      fn()
    })
    this.lifecycleTimers.add(cancel)
  }

  private async reinit(): Promise<void> {
    this.phase = 'reinit'
    try {
      await this.admitted(() => this.initialize())
      this.phase = 'open'
      this.pump()
    } catch (e) {
      if (this.phase === 'reinit') this.shutdown('failed', asFabstirError(e))
    }
  }

  // ── requests ──────────────────────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    if (this.phase !== 'open' || this.active || this.protocol.state !== 'ready') return
    if (this.shell.timers.now() < this.pausedUntil) return
    if (this.queue.length === 0) {
      this.flowHost?.kick()
      return
    }
    if (
      this.protocol.encrypted &&
      (this.protocol as EncryptedSession).replayCacheSize >= this.opts.rekeyAfterFrames
    ) {
      // Bound the replay detector's memory: a fresh session key between answers (the node keeps the history).
      this.opts.logger.debug?.('re-keying the session', { sessionId: this.sessionId })
      void this.reinit()
      return
    }
    const req = this.queue.shift()
    if (!req) return
    try {
      const frame = this.protocol.prompt(
        req.prompt,
        req.options.id === undefined ? {} : { id: req.options.id },
      )
      req.id = frame.id
      req.phase = 'active'
      this.active = req
      this.sendFrame(frame)
      this.armTimer('first-chunk')
    } catch (e) {
      if (this.active === req) this.finishActive()
      this.settle(req, asFabstirError(e))
      queueMicrotask(() => this.pump())
    }
  }

  /** Stop reading an answer (abort, timeout, early break): cancel it on the node, keep the slot until it ends. */
  private abandon(req: Request, error: FabstirError): void {
    if (req.phase === 'queued') {
      const i = this.queue.indexOf(req)
      if (i >= 0) this.queue.splice(i, 1)
      this.settle(req, error)
      return
    }
    if (req.phase !== 'active') return
    req.phase = 'abandoned'
    this.settle(req, error)
    const cancel = this.protocol.cancel()
    if (cancel && this.conn && this.connOpen) {
      this.conn.send(JSON.stringify(cancel))
      // The node answers stream_end at once; if it does not, the connection is recycled (reconnect re-keys it).
      this.armTimer('cancel')
    } else {
      this.recycleConnection()
    }
  }

  private settle(req: Request, error: FabstirError): void {
    req.detachAbort()
    if (req.phase !== 'abandoned') req.phase = 'abandoned'
    req.stream.fail(error)
  }

  private finishActive(): void {
    this.clearTimer()
    const req = this.active
    this.active = undefined
    req?.detachAbort()
  }

  private failActive(error: FabstirError): void {
    const req = this.active
    if (!req) return
    this.finishActive()
    if (req.phase === 'active') this.settle(req, error)
  }

  private armTimer(phase: 'first-chunk' | 'idle' | 'cancel'): void {
    const ms = phase === 'first-chunk' ? this.opts.timeouts.firstChunkMs : this.opts.timeouts.idleMs
    const timers = this.shell.timers
    const dueAt = timers.now() + ms
    if (phase === 'idle' && this.timerPhase === 'idle' && this.timer) {
      // Another frame of the same answer: move the running idle deadline (no new timer per chunk).
      this.timer.move(dueAt)
      return
    }
    this.clearTimer()
    this.timerPhase = phase
    this.timer = timers.at(dueAt, () => {
      this.timer = undefined
      this.timerPhase = undefined
      const req = this.active
      if (!req) return
      if (phase === 'cancel' || req.phase === 'abandoned') {
        this.recycleConnection()
        return
      }
      this.abandon(
        req,
        new FabstirError('TIMEOUT', `no answer frame from the node for ${ms} ms (${phase})`, {
          requestId: req.id,
          sessionId: this.sessionId,
          details: { phase, ms },
        }),
      )
    })
  }

  private clearTimer(): void {
    this.timer?.cancel()
    this.timer = undefined
    this.timerPhase = undefined
  }

  /** Drop a connection whose state is unknown (the node may still be streaming); reconnect re-keys the session. */
  private recycleConnection(): void {
    try {
      this.conn?.close(4000, 'recycle')
    } catch {
      // already closing
    }
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────────────

  private shutdown(final: 'closed' | 'failed', error: FabstirError): void {
    if (this.phase === 'closed' || this.phase === 'failed') return
    this.phase = final
    this.clearTimer()
    this.withdrawAdmission?.(error)
    for (const cancel of this.lifecycleTimers) cancel()
    this.lifecycleTimers.clear()
    this.settleWaiter(undefined, error)
    this.failActive(error)
    for (const req of this.queue.splice(0)) this.settle(req, error)
    this.flowHost?.close(error)
    this.protocol.close()
    this.dropSocket()
    this.setStatus(final)
    this.removeAllListenersLater()
  }

  private removeAllListenersLater(): void {
    queueMicrotask(() => this.removeAllListeners())
  }

  private setStatus(status: ClientStatus): void {
    if (this._status === status) return
    this._status = status
    this.emit('status', status)
  }

  private plaintextProtocol(sessionId: string | undefined): PlaintextSession {
    return createPlaintextSession({
      jobId: this.start.jobId,
      chainId: this.start.chainId,
      sessionId,
      logger: this.opts.logger,
    })
  }
}

function asFabstirError(e: unknown): FabstirError {
  return e instanceof FabstirError
    ? e
    : new FabstirError('CONNECTION_FAILED', 'unexpected failure', { cause: e })
}

function abortError(signal: AbortSignal): FabstirError {
  return new FabstirError('ABORTED', 'the request was aborted', { cause: signal.reason })
}

/** Why a connection closed before the node's greeting: the carrier's diagnosis, or what the core can tell. */
function connectFailure(info: ConnectionClosed): FabstirError {
  if (info.failure) return info.failure
  const why = info.opened
    ? {
        cause: 'closed-before-greeting',
        text: `opened but closed (code ${info.code}) before the node's greeting`,
      }
    : { cause: 'unknown', text: `failed before it opened (code ${info.code})` }
  return new FabstirError('CONNECTION_FAILED', `cannot connect to the node: the connection ${why.text}`, {
    details: { cause: why.cause },
  })
}
