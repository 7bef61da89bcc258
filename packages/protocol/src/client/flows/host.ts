import { cancelFlow, endFlowLocally, expireFlow, flowDeadline } from '../../actions/slot.js'
import type { FlowHostHooks, FlowPort } from '../../driver/session-driver.js'
import type { EncryptedSession } from '../../encrypted-session.js'
import { FabstirError } from '../../errors.js'
import type { ProtocolEvent } from '../../events.js'
import type { PlaintextSession } from '../../plaintext-session.js'
import type { ResolvedOptions } from '../options.js'

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
 * connection. Hands the flow's deadline (computed by the sans-IO core from `now`) to the session driver.
 */
export class FlowHost implements FlowHostHooks {
  private readonly queue: FlowJob[] = []
  private active: FlowJob | undefined

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
      frame = job.start(protocol, this.port.now())
    } catch (e) {
      job.reject(e instanceof FabstirError ? e : new FabstirError('INVALID_PROMPT', String(e), { cause: e }))
      this.kick()
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
      this.port.deadline(deadline)
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

  /** The flow's deadline passed at `now`. */
  expire(now: number): void {
    if (this.active) this.apply(expireFlow(this.port.protocol(), now))
  }

  private apply(events: ProtocolEvent[]): void {
    for (const ev of events) this.onEvent(ev)
  }

  private finish(): void {
    this.port.deadline(undefined)
    this.active = undefined
  }
}
