import { cancelFlow, endFlowLocally, expireFlow, flowDeadline } from '../../actions/slot.js'
import type { EncryptedSession } from '../../encrypted-session.js'
import { FabstirError } from '../../errors.js'
import type { ProtocolEvent } from '../../events.js'
import type { PlaintextSession } from '../../plaintext-session.js'
import type { ResolvedOptions } from '../options.js'
import type { TimerHandle, Timers } from '../timers.js'

/** @internal What a {@link ClientSession} lends its flow host: the live protocol object and a few levers. */
export interface FlowPort {
  /** The session's current sans-IO protocol object. */
  protocol(): EncryptedSession | PlaintextSession
  /** True when the connection is open, no chat prompt is active or queued, and the protocol is ready. */
  idle(): boolean
  /** Send a frame (throws `CONNECTION_LOST` when the socket is not open). */
  send(frame: object): void
  /** Let the session start its next queued chat prompt (or flow). */
  pump(): void
  /** Drop the connection (the session reconnects and re-keys the same session id). */
  recycle(): void
  /** The client's resolved options. */
  opts: ResolvedOptions
  /** The client's clock and deadlines. */
  timers: Timers
}

/** @internal One queued or running flow of a {@link FlowHost}. */
export interface FlowJob {
  /** Build the request frame with the sans-IO start function (throws a typed error when refused). */
  start(protocol: EncryptedSession | PlaintextSession, now: number): object
  /** A progress value of the flow. */
  progress(value: unknown): void
  /** The flow's result. */
  resolve(value: unknown): void
  /** The flow's typed error. */
  reject(error: FabstirError): void
  /** Drop the connection after this flow ends without an answer (uncorrelated replies could follow: RAG). */
  recycleOnAbandon?: boolean
  /** Request id once started. */
  id?: string
}

/**
 * @internal Runs a session's action flows one at a time, after any chat prompt (the node drops frames sent while it
 * streams or runs a transcode/LTX loop, PROTOCOL-SURFACE §3.3): queued flows wait, nothing is sent into a busy
 * connection. Arms the flow's deadline (computed by the sans-IO core from `now`) as a timer.
 */
export class FlowHost {
  private readonly queue: FlowJob[] = []
  private active: FlowJob | undefined
  private timer: TimerHandle | undefined

  constructor(private readonly port: FlowPort) {}

  /** The client's resolved options (e.g. the plaintext-RAG opt-in). */
  get opts(): ResolvedOptions {
    return this.port.opts
  }

  /** Queue a flow; it starts once the connection is idle. */
  enqueue(job: FlowJob): void {
    const state = this.port.protocol().state
    if (state === 'closed' || state === 'failed') {
      job.reject(new FabstirError('SESSION_CLOSED', 'the session is closed'))
      return
    }
    this.queue.push(job)
    this.kick()
  }

  /** Cancel a queued or running flow: running transcode/LTX flows send their cancel frame; no reply is awaited. */
  cancel(job: FlowJob, reason?: unknown): void {
    const i = this.queue.indexOf(job)
    if (i >= 0) {
      this.queue.splice(i, 1)
      job.reject(
        new FabstirError('ABORTED', 'the request was cancelled before it was sent', { cause: reason }),
      )
      return
    }
    if (this.active !== job) return
    this.apply(cancelFlow(this.port.protocol(), reason))
  }

  /** Start the next flow if the connection is idle (called by the session when it has nothing else to send). */
  kick(): void {
    if (this.active || !this.port.idle()) return
    const job = this.queue.shift()
    if (!job) return
    const protocol = this.port.protocol()
    let frame: object
    try {
      frame = job.start(protocol, this.port.timers.now())
    } catch (e) {
      job.reject(e instanceof FabstirError ? e : new FabstirError('INVALID_PROMPT', String(e), { cause: e }))
      queueMicrotask(() => this.kick())
      return
    }
    this.active = job
    job.id = protocol.inFlightId
    try {
      this.port.send(frame)
    } catch (e) {
      const lost =
        e instanceof FabstirError
          ? e
          : new FabstirError('CONNECTION_LOST', 'the connection is not open', { cause: e })
      this.apply(
        endFlowLocally(
          protocol,
          new FabstirError(lost.code, lost.message, {
            cause: lost.cause,
            requestId: job.id,
            sessionId: protocol.sessionId,
          }),
        ),
      )
      return
    }
    const deadline = flowDeadline(protocol)
    if (deadline !== undefined) {
      this.timer = this.port.timers.at(deadline, (now) => {
        this.timer = undefined
        if (this.active === job) this.apply(expireFlow(protocol, Math.max(now, deadline)))
      })
    }
  }

  /** Route a protocol event: true when it belonged to the running flow and the session has nothing more to do. */
  onEvent(ev: ProtocolEvent): boolean {
    const job = this.active
    if (!job) return false
    switch (ev.type) {
      case 'send':
        try {
          this.port.send(ev.frame)
        } catch {
          // The connection is gone: the node left its loop with it.
        }
        return true
      case 'progress':
        if (ev.id !== job.id) return false
        job.progress(ev.progress)
        return true
      case 'result':
        if (ev.id !== job.id) return false
        this.finish()
        job.resolve(ev.result)
        this.port.pump()
        return true
      case 'error':
        if (ev.error.requestId !== job.id) return false
        this.finish()
        job.reject(ev.error)
        if (
          ev.error.code === 'SESSION_KEY_NOT_FOUND' ||
          (job.recycleOnAbandon && (ev.error.code === 'TIMEOUT' || ev.error.code === 'ABORTED'))
        ) {
          // The node lost the session key (restart): a new connection re-keys the same session id. RAG: a late,
          // uncorrelated reply of the abandoned request must not reach the next one.
          this.port.recycle()
        } else if (!ev.error.fatal) this.port.pump()
        return !ev.error.fatal
      default:
        return false
    }
  }

  /** The session closed or failed: every queued and running flow fails with `error`. */
  close(error: FabstirError): void {
    const active = this.active
    this.finish()
    active?.reject(error)
    for (const job of this.queue.splice(0)) job.reject(error)
  }

  private apply(events: ProtocolEvent[]): void {
    for (const ev of events) this.onEvent(ev)
  }

  private finish(): void {
    this.timer?.cancel()
    this.timer = undefined
    this.active = undefined
  }
}
