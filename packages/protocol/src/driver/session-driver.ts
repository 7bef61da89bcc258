import type { ResolvedClientOptions } from '../client/options.js'
import type { ConnectionClosed } from '../client/shell.js'
import { createSession, type EncryptedSession } from '../encrypted-session.js'
import { FabstirError } from '../errors.js'
import type { ProtocolEvent } from '../events.js'
import type { PromptInput } from '../options.js'
import type { PlaintextSession } from '../plaintext-session.js'
import { asFabstirError, backoffDelay, connectFailure } from './failures.js'
import type { ClientStatus, DriverOutput, SignResult } from './outputs.js'
import type { Reply } from './replies.js'
import type { AnyProtocol, FlowHostHooks, FlowPort, StartSessionOptions } from './types.js'

export { asFabstirError, backoffDelay } from './failures.js'
export type { AnyProtocol, FlowHostHooks, FlowPort, StartSessionOptions } from './types.js'

interface Request {
  key: number
  prompt: PromptInput
  /** The caller's request id (default: a fresh one per send, also when resent). */
  requestedId: string | undefined
  /** The id the prompt was sent with. */
  id?: string | undefined
  phase: 'queued' | 'active' | 'abandoned'
  text: string[]
  finishReason?: string | undefined
  /** Resent once already after `SESSION_KEY_NOT_FOUND`. */
  keyRetryUsed?: boolean
  /** Retries after `RATE_LIMITED` so far. */
  rateRetries: number
}

type Phase = 'new' | 'handshake' | 'open' | 'backoff' | 'closed' | 'failed'
type Step = 'slot' | 'connected' | 'signed' | 'ready'
type Purpose = 'start' | 'reconnect' | 'reinit'
type TimerPhase = 'first-chunk' | 'idle' | 'cancel'

/**
 * The session policy as a pure state machine: the client's prompt queue, per-phase deadlines, reconnects with
 * backoff and re-init, resend-once after `SESSION_KEY_NOT_FOUND`, rate-limit retries, re-keying, plaintext
 * fallback, cancellation and close. It owns no socket, timer or clock: every input carries `now`, every decision
 * comes out of {@link poll} ({@link DriverOutput}), and {@link nextDeadline} says when {@link handleTimeout} is due.
 * The one async step (the wallet signing the init) is an output (`sign`) whose result comes back as an input.
 */
export class SessionDriver {
  #protocol: AnyProtocol
  readonly #out: DriverOutput[] = []
  #phase: Phase = 'new'
  #purpose: Purpose = 'start'
  #step: Step | undefined
  /** Deadline of the handshake step (connect, sign, ack). */
  #stepDeadline: { at: number; ms: number; phase: string } | undefined
  #holdsSlot = false
  #connection: 'none' | 'connecting' | 'open' = 'none'
  #signAttempt = 0
  #fallbackTried = false
  #attempt = 0
  #lastFailure: FabstirError | undefined
  #backoffAt: number | undefined
  #pausedUntil: number | undefined
  readonly #queue: Request[] = []
  #active: Request | undefined
  #timer: { at: number; phase: TimerPhase; ms: number } | undefined
  #nextKey = 1
  #_status: ClientStatus = 'connecting'
  #_now = 0
  #flowHost: FlowHostHooks | undefined
  #flowDeadlineAt: number | undefined

  readonly #opts: ResolvedClientOptions
  readonly #start: StartSessionOptions

  constructor(opts: ResolvedClientOptions, start: StartSessionOptions) {
    this.#opts = opts
    this.#start = start
    this.#protocol = opts.encryption
      ? createSession({
          ...start,
          nodePublicKey: opts.nodePublicKey!,
          expectedNodeAddress: opts.expectedNodeAddress,
          signer: opts.signer!,
          logger: opts.logger,
        })
      : this.#plaintextProtocol(start.sessionId)
  }

  // ── state ─────────────────────────────────────────────────────────────────────────────────────────────────

  /** The session id; it stays the same across reconnects and re-keys. */
  get sessionId(): string {
    return this.#protocol.sessionId
  }

  /** True while traffic is end-to-end encrypted; false on the plaintext path. */
  get encrypted(): boolean {
    return this.#protocol.encrypted
  }

  /** Current status; `closed` and `failed` are final. */
  get status(): ClientStatus {
    return this.#_status
  }

  /** Address the node recovered from the init signature (encrypted sessions). */
  get clientAddress(): string | undefined {
    return this.#protocol.encrypted ? (this.#protocol as EncryptedSession).clientAddress : undefined
  }

  /** True once the session is closed or failed. */
  get ended(): boolean {
    return this.#phase === 'closed' || this.#phase === 'failed'
  }

  /** The next output, or `undefined` when there is none (until the next input). */
  poll(): DriverOutput | undefined {
    return this.#out.shift()
  }

  /** When {@link handleTimeout} must be called next, or `undefined` when nothing waits for time. */
  nextDeadline(): number | undefined {
    let min: number | undefined
    for (const at of [
      this.#stepDeadline?.at,
      this.#timer?.at,
      this.#backoffAt,
      this.#pausedUntil,
      this.#flowDeadlineAt,
    ]) {
      if (at !== undefined && (min === undefined || at < min)) min = at
    }
    return min
  }

  // ── inputs: lifecycle ─────────────────────────────────────────────────────────────────────────────────────

  /** Open the session: wait for a handshake slot, then connect and initialise. */
  open(now: number): void {
    this.#_now = now
    if (this.#phase !== 'new') return
    this.#beginHandshake('start')
  }

  /** The handshake slot asked for with `{ type: 'slot', want: true }` was granted. */
  slotGranted(now: number): void {
    this.#_now = now
    if (this.#step !== 'slot') {
      // Granted after the session stopped waiting (closed meanwhile): give it straight back.
      this.#emit({ type: 'slot', want: false })
      return
    }
    this.#holdsSlot = true
    if (this.#purpose === 'reinit') this.#sign()
    else this.#connect()
  }

  /** The connection asked for with `connect` is open (the node's greeting is still awaited). */
  connected(now: number): void {
    this.#_now = now
    if (this.#connection === 'connecting') this.#connection = 'open'
  }

  /** One inbound text frame. */
  receive(text: string, now: number): void {
    this.#_now = now
    if (this.#connection === 'none' || this.ended) return
    for (const ev of this.#protocol.receive(text)) this.#handle(ev)
  }

  /** The connection closed (or could not be opened: then with `failure` when the carrier can tell why). */
  connectionClosed(info: ConnectionClosed, now: number): void {
    this.#_now = now
    if (this.#connection === 'none') return
    this.#connection = 'none'
    this.#timer = undefined
    // Closed before the node's greeting: the node was never reached — say why, instead of "connection lost".
    const lost =
      this.#step === 'connected'
        ? connectFailure(info)
        : new FabstirError('CONNECTION_LOST', `the connection closed (code ${info.code})`, {
            sessionId: this.sessionId,
          })
    if (this.ended) return
    if (this.#phase === 'handshake') {
      if (this.#step !== 'slot') {
        this.#handshakeFailed(lost, true)
        return
      }
      // A re-key still waiting for its slot: leave the line; reconnecting re-keys anyway.
      this.#step = undefined
      this.#emit({ type: 'slot', want: false })
      this.#phase = 'open'
    }
    for (const ev of this.#protocol.connectionLost()) this.#handle(ev)
    this.#failActive(lost)
    if (this.#phase === 'open') this.#reconnect()
  }

  /** The result of the `sign` output `attempt`: the init frame, or why it could not be built. */
  signed(attempt: number, result: SignResult, now: number): void {
    this.#_now = now
    if (attempt !== this.#signAttempt || this.#step !== 'signed') return
    if ('error' in result) {
      this.#handshakeFailed(asFabstirError(result.error))
      return
    }
    if (this.#connection !== 'open') {
      this.#handshakeFailed(this.#notOpen())
      return
    }
    this.#waitFor('ready', this.#opts.timeouts.ackMs, 'ack')
    this.#send(result.frame)
  }

  /** Time passed: act on every deadline due at `now`. */
  handleTimeout(now: number): void {
    this.#_now = now
    const step = this.#stepDeadline
    if (step && step.at <= now) {
      this.#stepDeadline = undefined
      this.#handshakeFailed(
        new FabstirError(
          'TIMEOUT',
          step.phase === 'sign'
            ? `the wallet did not sign the session init within ${step.ms} ms`
            : `timed out after ${step.ms} ms waiting for the node (${step.phase})`,
          {
            sessionId: this.sessionId,
            details: { phase: step.phase, ms: step.ms, lateMs: Math.round(now - step.at) },
          },
        ),
      )
    }
    if (this.#backoffAt !== undefined && this.#backoffAt <= now) {
      this.#backoffAt = undefined
      if (this.#phase === 'backoff') this.#beginHandshake('reconnect')
    }
    if (this.#pausedUntil !== undefined && this.#pausedUntil <= now) {
      this.#pausedUntil = undefined
      this.#pump()
    }
    const timer = this.#timer
    if (timer && timer.at <= now) {
      this.#timer = undefined
      this.#requestTimedOut(timer.phase, timer.ms)
    }
    if (this.#flowDeadlineAt !== undefined && this.#flowDeadlineAt <= now) {
      this.#flowDeadlineAt = undefined
      this.#flowHost?.expire(now)
    }
  }

  /** Close the session: the connection closes (the node settles the job), keys are zeroed, everything pending fails. */
  close(now: number): void {
    this.#_now = now
    this.#shutdown(
      'closed',
      new FabstirError('SESSION_CLOSED', 'the session was closed', { sessionId: this.sessionId }),
    )
  }

  // ── inputs: requests ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Queue a prompt (FIFO: one is in flight per connection). Returns the request's key, which names it in the
   * `delta`, `reply` and `failed` outputs.
   */
  prompt(prompt: PromptInput, options: { id?: string }, now: number): number {
    this.#_now = now
    const req: Request = {
      key: this.#nextKey++,
      prompt,
      requestedId: options.id,
      phase: 'queued',
      text: [],
      rateRetries: 0,
    }
    if (this.ended) {
      this.#emit({ type: 'failed', request: req.key, error: this.#closedError() })
      return req.key
    }
    this.#queue.push(req)
    this.#pump()
    return req.key
  }

  /**
   * Stop a request (abort, early break): a queued one leaves the queue; the answer in flight is cancelled on the
   * node, keeping the connection's slot until it ends. The request fails with `error`.
   */
  abandon(key: number, error: FabstirError, now: number): void {
    this.#_now = now
    const queued = this.#queue.findIndex((r) => r.key === key)
    if (queued >= 0) {
      const [req] = this.#queue.splice(queued, 1)
      this.#settle(req!, error)
      return
    }
    if (this.#active?.key === key) this.#abandonActive(this.#active, error)
  }

  /** @internal The action-flow host of this session, created on first use by `create` (flows ship only with apps using them). */
  flows<H extends FlowHostHooks>(create: (port: FlowPort) => H, now: number): H {
    this.#_now = now
    this.#flowHost ??= create({
      protocol: () => this.#protocol,
      idle: () =>
        this.#phase === 'open' &&
        !this.#active &&
        this.#queue.length === 0 &&
        this.#protocol.state === 'ready',
      send: (frame) => {
        if (this.#connection !== 'open') {
          throw this.#notOpen()
        }
        this.#send(frame)
      },
      pump: () => this.#pump(),
      recycle: () => this.#recycle(),
      opts: this.#opts,
      now: () => this.#_now,
      deadline: (at) => {
        this.#flowDeadlineAt = at
      },
    })
    return this.#flowHost as H
  }

  // ── handshake ─────────────────────────────────────────────────────────────────────────────────────────────

  #beginHandshake(purpose: Purpose): void {
    this.#phase = 'handshake'
    this.#purpose = purpose
    this.#step = 'slot'
    this.#emit({ type: 'slot', want: true })
  }

  #connect(): void {
    this.#setStatus(this.#purpose === 'reconnect' ? 'reconnecting' : 'connecting')
    this.#connection = 'connecting'
    this.#waitFor('connected', this.#opts.timeouts.connectMs, 'connect')
    this.#emit({ type: 'connect' })
  }

  #sign(): void {
    const attempt = ++this.#signAttempt
    const protocol = this.#protocol
    this.#waitFor('signed', this.#opts.timeouts.ackMs, 'sign')
    const init = () => {
      // Run late (after other work): the session may have moved on meanwhile; then start nothing.
      if (attempt !== this.#signAttempt || this.#step !== 'signed') throw this.#closedError()
      return protocol.init()
    }
    this.#emit({ type: 'sign', attempt, init })
  }

  #waitFor(step: Step, ms: number, phase: string): void {
    this.#step = step
    this.#stepDeadline = { at: this.#_now + ms, ms, phase }
  }

  #handshakeSucceeded(): void {
    this.#endStep()
    this.#phase = 'open'
    if (this.#purpose !== 'reinit') this.#setStatus(this.encrypted ? 'encrypted' : 'plaintext')
    if (this.#purpose === 'start') this.#emit({ type: 'opened' })
    this.#pump()
  }

  #endStep(): void {
    this.#step = undefined
    this.#stepDeadline = undefined
    if (this.#holdsSlot) {
      this.#holdsSlot = false
      this.#emit({ type: 'slot', want: false })
    }
  }

  /** A handshake step failed; `connectionGone` when the connection closed (no need to drop it). */
  #handshakeFailed(error: FabstirError, connectionGone = false): void {
    if (this.#phase !== 'handshake') return
    if (this.#step === 'signed') {
      // The signature in flight (if it ever comes) belongs to an abandoned init: drop it, zero its key.
      this.#signAttempt++
      ;(this.#protocol as Partial<EncryptedSession>).abandonInit?.()
    }
    const purpose = this.#purpose
    if (
      purpose === 'start' &&
      error.code === 'ENCRYPTION_NOT_SUPPORTED' &&
      this.#opts.allowPlaintextFallback &&
      this.#protocol.encrypted &&
      !this.#fallbackTried
    ) {
      this.#fallbackTried = true
      this.#opts.logger.warn?.('node has no encryption key: falling back to plaintext as allowed', {
        sessionId: this.sessionId,
      })
      this.#protocol = this.#plaintextProtocol(this.sessionId)
      this.#sign()
      return
    }
    this.#endStep()
    if (purpose === 'reinit' && connectionGone) {
      // The connection closed during a re-key: the prompt in flight (none) is lost; reconnect re-keys anyway.
      for (const ev of this.#protocol.connectionLost()) this.#handle(ev)
      this.#phase = 'open'
      this.#reconnect()
      return
    }
    if (purpose !== 'reconnect') {
      this.#shutdown('failed', error)
      return
    }
    this.#opts.logger.info?.('reconnect attempt failed', { attempt: this.#attempt + 1, code: error.code })
    this.#lastFailure = error
    this.#dropConnection()
    for (const ev of this.#protocol.connectionLost()) this.#handle(ev)
    this.#attempt++
    // A fatal error, or a node that cannot be reached by trying again (DNS, TLS, HTTP 4xx): stop now.
    const hopeless = error.fatal || (error.code === 'CONNECTION_FAILED' && !error.retryable)
    const policy = this.#opts.reconnect
    if (!hopeless && policy && this.#attempt < policy.attempts) this.#scheduleAttempt()
    else this.#giveUp()
  }

  #reconnect(): void {
    if (!this.#opts.reconnect) {
      this.#shutdown(
        'failed',
        new FabstirError('CONNECTION_LOST', 'the connection closed and reconnect is off', {
          sessionId: this.sessionId,
        }),
      )
      return
    }
    this.#attempt = 0
    this.#lastFailure = undefined
    this.#scheduleAttempt()
  }

  #scheduleAttempt(): void {
    const policy = this.#opts.reconnect
    if (!policy || this.#attempt >= policy.attempts) {
      this.#giveUp()
      return
    }
    this.#phase = 'backoff'
    this.#setStatus('reconnecting')
    this.#backoffAt = this.#_now + backoffDelay(policy, this.#attempt, this.#opts.random)
  }

  #giveUp(): void {
    const last = this.#lastFailure
    this.#shutdown(
      'failed',
      new FabstirError(
        'CONNECTION_LOST',
        `could not reconnect to the node${last ? `: ${last.message}` : ''}`,
        // Retrying later makes sense only if the last attempt failed for a reason that can pass.
        { sessionId: this.sessionId, cause: last, retryable: last?.retryable ?? true },
      ),
    )
  }

  #reinit(): void {
    this.#beginHandshake('reinit')
  }

  // ── inbound frames ────────────────────────────────────────────────────────────────────────────────────────

  #handle(ev: ProtocolEvent): void {
    if (this.#flowHost?.onEvent(ev)) return
    switch (ev.type) {
      case 'connected':
        if (this.#step === 'connected') {
          if (this.#purpose === 'start') this.#setStatus('connected')
          this.#sign()
        }
        return
      case 'ready':
        if (this.#step === 'ready') this.#handshakeSucceeded()
        return
      case 'chunk': {
        const req = this.#active
        if (!req || req.id !== ev.id) return
        this.#armTimer('idle')
        if (ev.text.length === 0) return
        req.text.push(ev.text)
        if (req.phase === 'active') {
          this.#emit({
            type: 'delta',
            request: req.key,
            delta: { text: ev.text, index: ev.index, tokens: ev.tokens },
          })
        }
        return
      }
      case 'response':
        if (this.#active && this.#active.id === ev.id) {
          this.#active.finishReason = ev.finishReason
          this.#armTimer('idle')
        }
        return
      case 'end': {
        const req = this.#active
        if (!req || req.id !== ev.id) return
        this.#finishActive()
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
        if (req.phase === 'active') this.#emit({ type: 'reply', request: req.key, reply })
        this.#pump()
        return
      }
      case 'error':
        this.#onError(ev.error)
        return
      case 'warning':
        this.#opts.logger.warn?.('the node sent a contradicting or unusable frame; nothing was lost', {
          code: ev.warning.code,
          requestId: ev.id,
          sessionId: this.sessionId,
        })
        this.#emit({ type: 'warning', warning: ev.warning })
        return
    }
  }

  #onError(error: FabstirError): void {
    if (this.#step === 'ready' && !this.#active) {
      this.#handshakeFailed(error)
      return
    }
    const req = this.#active
    if (req && (error.requestId === undefined || error.requestId === req.id)) {
      if (!error.fatal && this.#protocol.state === 'streaming') {
        // The answer is still in flight on the node (e.g. an unusable frame arrived in the middle of it): fail it for
        // the caller, cancel it on the node and keep the slot until it ends or the connection is recycled.
        this.#abandonActive(req, error)
        return
      }
      this.#finishActive()
      if (error.code === 'SESSION_KEY_NOT_FOUND' && !req.keyRetryUsed && req.phase === 'active') {
        // The node restarted and lost its keys; it never processed this prompt: re-key once and resend it.
        req.keyRetryUsed = true
        req.phase = 'queued'
        this.#queue.unshift(req)
        this.#reinit()
        return
      }
      const rl = this.#opts.retryOnRateLimit
      if (error.code === 'RATE_LIMITED' && rl && req.phase === 'active' && req.rateRetries < rl.attempts) {
        const wait = error.retryAfterMs ?? 60_000
        if (wait <= rl.maxWaitMs) {
          req.rateRetries++
          req.phase = 'queued'
          this.#queue.unshift(req)
          this.#opts.logger.info?.('rate limited: retrying later', { retryAfterMs: wait })
          this.#pausedUntil = this.#_now + wait
          return
        }
      }
      this.#settle(req, error)
      if (error.fatal) this.#shutdown('failed', error)
      // The node lost the key again right after a re-key: re-key once more so that later prompts can go out.
      else if (error.code === 'SESSION_KEY_NOT_FOUND' && this.#phase === 'open') this.#reinit()
      else this.#pump()
      return
    }
    if (error.fatal) {
      this.#shutdown('failed', error)
      return
    }
    this.#opts.logger.warn?.('node reported an error outside any request', { code: error.code })
  }

  // ── requests ──────────────────────────────────────────────────────────────────────────────────────────────

  #pump(): void {
    while (this.#phase === 'open' && !this.#active && this.#protocol.state === 'ready') {
      if (this.#pausedUntil !== undefined) return
      if (this.#queue.length === 0) {
        this.#flowHost?.kick()
        return
      }
      if (
        this.#protocol.encrypted &&
        (this.#protocol as EncryptedSession).replayCacheSize >= this.#opts.rekeyAfterFrames
      ) {
        // Bound the replay detector's memory: a fresh session key between answers (the node keeps the history).
        this.#opts.logger.debug?.('re-keying the session', { sessionId: this.sessionId })
        this.#reinit()
        return
      }
      const req = this.#queue.shift()!
      try {
        const frame = this.#protocol.prompt(
          req.prompt,
          req.requestedId === undefined ? {} : { id: req.requestedId },
        )
        req.id = frame.id
        req.phase = 'active'
        this.#active = req
        if (this.#connection !== 'open') {
          throw this.#notOpen()
        }
        this.#send(frame)
        this.#armTimer('first-chunk')
      } catch (e) {
        if (this.#active === req) this.#finishActive()
        this.#settle(req, asFabstirError(e))
      }
    }
  }

  #abandonActive(req: Request, error: FabstirError): void {
    if (req.phase !== 'active') return
    this.#settle(req, error)
    const cancel = this.#protocol.cancel()
    if (cancel && this.#connection === 'open') {
      this.#send(cancel)
      // The node answers stream_end at once; if it does not, the connection is recycled (reconnect re-keys it).
      this.#armTimer('cancel')
    } else {
      this.#recycle()
    }
  }

  #requestTimedOut(phase: TimerPhase, ms: number): void {
    const req = this.#active
    if (!req) return
    if (phase === 'cancel' || req.phase === 'abandoned') {
      this.#recycle()
      return
    }
    this.#abandonActive(
      req,
      new FabstirError('TIMEOUT', `no answer frame from the node for ${ms} ms (${phase})`, {
        requestId: req.id,
        sessionId: this.sessionId,
        details: { phase, ms },
      }),
    )
  }

  #settle(req: Request, error: FabstirError): void {
    if (req.phase === 'abandoned') return
    req.phase = 'abandoned'
    this.#emit({ type: 'failed', request: req.key, error })
  }

  #finishActive(): void {
    this.#timer = undefined
    this.#active = undefined
  }

  #failActive(error: FabstirError): void {
    const req = this.#active
    if (!req) return
    this.#finishActive()
    this.#settle(req, error)
  }

  #armTimer(phase: TimerPhase): void {
    const ms = phase === 'first-chunk' ? this.#opts.timeouts.firstChunkMs : this.#opts.timeouts.idleMs
    this.#timer = { at: this.#_now + ms, phase, ms }
  }

  // ── connection and lifecycle ──────────────────────────────────────────────────────────────────────────────

  #send(frame: object): void {
    this.#emit({ type: 'send', text: JSON.stringify(frame) })
  }

  /** Drop a connection whose state is unknown (the node may still be streaming); reconnect re-keys the session. */
  #recycle(): void {
    if (this.#connection !== 'none')
      this.#emit({ type: 'disconnect', code: 4000, reason: 'recycle', drop: false })
  }

  #dropConnection(): void {
    if (this.#connection === 'none') return
    this.#connection = 'none'
    this.#emit({ type: 'disconnect', code: 1000, reason: '', drop: true })
  }

  #shutdown(final: 'closed' | 'failed', error: FabstirError): void {
    if (this.ended) return
    const wasWaiting = this.#step === 'slot'
    if (this.#step === 'signed') (this.#protocol as Partial<EncryptedSession>).abandonInit?.()
    this.#phase = final
    this.#step = undefined
    this.#stepDeadline = undefined
    this.#timer = undefined
    this.#backoffAt = undefined
    this.#pausedUntil = undefined
    this.#flowDeadlineAt = undefined
    if (this.#holdsSlot || wasWaiting) this.#emit({ type: 'slot', want: false })
    this.#holdsSlot = false
    this.#failActive(error)
    for (const req of this.#queue.splice(0)) this.#settle(req, error)
    this.#flowHost?.close(error)
    this.#protocol.close()
    this.#dropConnection()
    this.#setStatus(final)
    this.#emit({ type: 'ended', status: final, error })
  }

  #notOpen(): FabstirError {
    return new FabstirError('CONNECTION_LOST', 'the connection is not open', { sessionId: this.sessionId })
  }

  #closedError(): FabstirError {
    return new FabstirError('SESSION_CLOSED', `the session is ${this.#phase}`, { sessionId: this.sessionId })
  }

  #setStatus(status: ClientStatus): void {
    if (this.#_status === status) return
    this.#_status = status
    this.#emit({ type: 'status', status })
  }

  #emit(output: DriverOutput): void {
    this.#out.push(output)
  }

  #plaintextProtocol(sessionId: string | undefined): PlaintextSession {
    // resolveClientOptions refused plaintext use without the protocol passed in.
    return this.#opts.plaintext!({
      jobId: this.#start.jobId,
      chainId: this.#start.chainId,
      sessionId,
      logger: this.#opts.logger,
    })
  }
}
