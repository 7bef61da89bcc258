import type { ClientStatus, DriverOutput } from '../driver/outputs.js'
import type { Reply } from '../driver/replies.js'
import {
  type FlowHostHooks,
  type FlowPort,
  SessionDriver,
  type StartSessionOptions,
} from '../driver/session-driver.js'
import { FabstirError } from '../errors.js'
import type { PromptInput } from '../options.js'
import type { AdmissionTicket, ReleaseSlot } from './admission.js'
import { Emitter } from './emitter.js'
import type { ResolvedOptions } from './options.js'
import { ResponseStream } from './response-stream.js'
import type { Carrier, Connection } from './shell.js'
import type { TimerHandle, Timers } from './timers.js'

export type { ClientStatus, StartSessionOptions }

/** Per-prompt options of {@link ClientSession.stream} and {@link ClientSession.send}. */
export interface PromptOptions {
  /** Aborting sends `stream_cancel` and fails the stream with `ABORTED`. */
  signal?: AbortSignal
  /** Request id (default: a fresh random id). */
  id?: string
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
 * One encrypted (or plaintext) session over its own connection: the promise and async-iterator face of a
 * {@link SessionDriver}, which makes every decision. This class only carries the driver's outputs out (frames to the
 * carrier, the one deadline to the clock, answers to their streams) and its inputs in. Closing the session closes
 * the connection, which makes the node settle the session's job on-chain.
 */
export class ClientSession extends Emitter<SessionEvents> {
  readonly #driver: SessionDriver
  readonly #streams = new Map<number, { stream: ResponseStream; detach: () => void }>()
  #conn: Connection | undefined
  /** Names the live connection: events of a dropped one are ignored. */
  #connToken: object | undefined
  #ticket: AdmissionTicket | undefined
  #release: ReleaseSlot | undefined
  #timer: TimerHandle | undefined
  #opening: { resolve: () => void; reject: (e: FabstirError) => void } | undefined
  #flushing = false

  /** @internal use `client.startSession()` */
  readonly #opts: ResolvedOptions
  readonly #shell: SessionShell

  constructor(opts: ResolvedOptions, start: StartSessionOptions, shell: SessionShell) {
    super()
    this.#opts = opts
    this.#shell = shell
    this.#driver = new SessionDriver(opts, start)
  }

  /** The session id; it stays the same across reconnects and re-keys (the node keeps history under it). */
  get sessionId(): string {
    return this.#driver.sessionId
  }

  /** True while traffic is end-to-end encrypted; false on the plaintext path. The status indicator's truth. */
  get encrypted(): boolean {
    return this.#driver.encrypted
  }

  /** Current connection status; `closed` and `failed` are final. Changes are emitted as `status` events. */
  get status(): ClientStatus {
    return this.#driver.status
  }

  /** Address the node recovered from the init signature (encrypted sessions). */
  get clientAddress(): string | undefined {
    return this.#driver.clientAddress
  }

  /** @internal connect, initialise (falling back to plaintext only if allowed and the node has no key). */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#opening = { resolve, reject }
      this.#input((now) => this.#driver.open(now))
    })
  }

  /**
   * Stream the answer to a prompt. Prompts queue FIFO: one is in flight per connection (the node drops frames that
   * arrive while it streams). Deltas are authenticated before they are yielded.
   */
  stream(prompt: PromptInput, options: PromptOptions = {}): ResponseStream {
    let key = 0
    const stream = new ResponseStream(() =>
      this.#input((now) =>
        this.#driver.abandon(key, new FabstirError('ABORTED', 'the stream was not read to the end'), now),
      ),
    )
    const signal = options.signal
    if (!this.#driver.ended && signal?.aborted) {
      stream.fail(abortError(signal))
      return stream
    }
    key = this.#driver.prompt(
      prompt,
      options.id === undefined ? {} : { id: options.id },
      this.#shell.timers.now(),
    )
    let detach = () => {}
    if (signal) {
      const onAbort = () => this.#input((now) => this.#driver.abandon(key, abortError(signal), now))
      signal.addEventListener('abort', onAbort, { once: true })
      detach = () => signal.removeEventListener('abort', onAbort)
    }
    this.#streams.set(key, { stream, detach })
    this.#flush()
    return stream
  }

  /** Send a prompt and wait for the whole answer. */
  send(prompt: PromptInput, options: PromptOptions = {}): Promise<Reply> {
    return this.stream(prompt, options).result
  }

  /** @internal Use the action-flow host of this session (`flows/`, created on first use by `create`). */
  flows<H extends FlowHostHooks, R>(create: (port: FlowPort) => H, use: (host: H) => R): R {
    let result!: R
    this.#input((now) => {
      result = use(this.#driver.flows(create, now))
    })
    return result
  }

  /** Close the connection (the node settles the job) and zero every key. Pending prompts fail `SESSION_CLOSED`. */
  async close(): Promise<void> {
    this.#input((now) => this.#driver.close(now))
  }

  // ── the shell: inputs in, outputs out ─────────────────────────────────────────────────────────────────────

  #input(feed: (now: number) => void): void {
    feed(this.#shell.timers.now())
    this.#flush()
  }

  #flush(): void {
    if (this.#flushing) return
    this.#flushing = true
    try {
      for (let output = this.#driver.poll(); output; output = this.#driver.poll()) this.#execute(output)
    } finally {
      this.#flushing = false
    }
    this.#rearm()
  }

  /** Keep the one deadline of this session at the driver's next one. */
  #rearm(): void {
    const at = this.#driver.nextDeadline()
    if (at === undefined) {
      this.#timer?.cancel()
      this.#timer = undefined
    } else if (this.#timer) {
      this.#timer.move(at)
    } else {
      this.#timer = this.#shell.timers.at(at, () => {
        this.#timer = undefined
        this.#input((now) => this.#driver.handleTimeout(now))
      })
    }
  }

  #execute(o: DriverOutput): void {
    switch (o.type) {
      case 'send':
        try {
          this.#conn?.send(o.text)
        } catch {
          // The connection is going away: its close event follows.
        }
        return
      case 'delta':
        this.#streams.get(o.request)?.stream.push(o.delta)
        return
      case 'reply':
      case 'failed': {
        const entry = this.#streams.get(o.request)
        this.#streams.delete(o.request)
        entry?.detach()
        if (o.type === 'reply') entry?.stream.finish(o.reply)
        else entry?.stream.fail(o.error)
        return
      }
      case 'connect':
        this.#connect()
        return
      case 'disconnect': {
        const conn = this.#conn
        if (o.drop) {
          this.#conn = undefined
          this.#connToken = undefined
        }
        try {
          conn?.close(o.code, o.reason)
        } catch {
          // already closed
        }
        return
      }
      case 'sign': {
        const { attempt, init } = o
        // One handshake's crypto per turn: a burst of sessions never runs its key agreements back to back.
        this.#shell.timers
          .turn()
          .then(init)
          .then(
            (frame) => this.#input((now) => this.#driver.signed(attempt, { frame }, now)),
            (error: unknown) => this.#input((now) => this.#driver.signed(attempt, { error }, now)),
          )
        return
      }
      case 'slot':
        if (o.want) this.#queueForSlot()
        else this.#leaveSlot()
        return
      case 'status':
        this.emit('status', o.status)
        return
      case 'warning':
        this.emit('warning', o.warning)
        return
      case 'opened':
        this.#opening?.resolve()
        this.#opening = undefined
        return
      case 'ended':
        this.#opening?.reject(o.error)
        this.#opening = undefined
        queueMicrotask(() => this.removeAllListeners())
        return
    }
  }

  #connect(): void {
    const token = {}
    this.#connToken = token
    const live = () => this.#connToken === token
    try {
      this.#conn = this.#shell.carrier.connect({
        open: () => {
          if (live()) this.#input((now) => this.#driver.connected(now))
        },
        message: (text) => {
          if (live()) this.#input((now) => this.#driver.receive(text, now))
        },
        closed: (info) => {
          if (!live()) return
          this.#conn = undefined
          this.#connToken = undefined
          this.#input((now) => this.#driver.connectionClosed(info, now))
        },
      })
    } catch (e) {
      if (!live()) return
      this.#connToken = undefined
      const failure =
        e instanceof FabstirError
          ? e
          : new FabstirError('CONNECTION_FAILED', 'cannot open a connection to the node', {
              cause: e,
              retryable: false,
              details: { cause: 'unknown' },
            })
      this.#driver.connectionClosed(
        { code: 1006, reason: '', opened: false, failure },
        this.#shell.timers.now(),
      )
    }
  }

  #queueForSlot(): void {
    const ticket = this.#opts.handshakeGate.enqueue()
    this.#ticket = ticket
    ticket.promise.then(
      (release) => {
        if (this.#ticket !== ticket) {
          release()
          return
        }
        this.#ticket = undefined
        this.#release = release
        this.#input((now) => this.#driver.slotGranted(now))
      },
      () => {},
    )
  }

  #leaveSlot(): void {
    const ticket = this.#ticket
    this.#ticket = undefined
    ticket?.withdraw(new FabstirError('SESSION_CLOSED', 'the session left the admission queue'))
    const release = this.#release
    this.#release = undefined
    release?.()
  }
}

function abortError(signal: AbortSignal): FabstirError {
  return new FabstirError('ABORTED', 'the request was aborted', { cause: signal.reason })
}
