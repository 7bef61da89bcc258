import type { EncryptedSession } from '../../encrypted-session.js'
import { FabstirError } from '../../errors.js'
import type { PlaintextSession } from '../../plaintext-session.js'
import type { ClientSession } from '../client-session.js'
import { type FlowHost, type FlowJob, FlowHost as Host } from './host.js'

/** Per-call options of the action flows. */
export interface FlowOptions {
  /** Aborting cancels the request (transcode/LTX: the node's cancel frame is sent) and rejects with `ABORTED`. */
  signal?: AbortSignal
  /** Override the deadline (default: the node's own limit — image 120 s, transcode and LTX 1,800 s, RAG 60 s). */
  timeoutMs?: number
}

/**
 * A running transcode or LTX job: iterate it for progress, await `result` for the outcome, `cancel()` to stop it.
 * Iteration ends when the job ends (and throws its error, like `result`).
 */
export interface JobHandle<P, R> extends AsyncIterable<P> {
  /** Resolves with the job's result; rejects with a typed `FabstirError` (node code, `ABORTED`, `TIMEOUT`, …). */
  readonly result: Promise<R>
  /** Request id, once the job was sent. */
  readonly id: string | undefined
  /** Cancel: a queued job never leaves; a running one sends the node's cancel frame and settles at once (`ABORTED`). */
  cancel(): void
}

/** @internal Use the flow host of `session` (created on first use); the session acts on what it did. */
export function withHost<R>(session: ClientSession, use: (host: FlowHost) => R): R {
  return session.flows((port) => new Host(port), use)
}

/** @internal A {@link FlowJob} whose progress and outcome feed a {@link JobHandle}. */
export class ProgressJob<P, R> implements JobHandle<P, R>, FlowJob {
  readonly result: Promise<R>
  id: string | undefined
  private readonly buffer: P[] = []
  private wake: (() => void) | undefined
  private ended = false
  private failure: FabstirError | undefined
  private resolveResult!: (r: R) => void
  private rejectResult!: (e: FabstirError) => void
  private session: ClientSession | undefined
  private detach: () => void = () => {}
  recycleOnAbandon?: boolean

  constructor(
    readonly start: (protocol: EncryptedSession | PlaintextSession, now: number) => object,
    options: FlowOptions,
  ) {
    this.result = new Promise<R>((resolve, reject) => {
      this.resolveResult = resolve
      this.rejectResult = reject
    })
    this.result.catch(() => {})
    const signal = options.signal
    if (signal) {
      const onAbort = () => this.cancel(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.detach = () => signal.removeEventListener('abort', onAbort)
    }
  }

  /** @internal Queue on `session` (or fail at once when `signal` is already aborted). */
  submit(session: ClientSession, signal: AbortSignal | undefined): this {
    if (signal?.aborted) {
      this.reject(new FabstirError('ABORTED', 'the request was aborted', { cause: signal.reason }))
      return this
    }
    this.session = session
    withHost(session, (host) => host.enqueue(this))
    return this
  }

  cancel(reason?: unknown): void {
    if (!this.ended && this.session) withHost(this.session, (host) => host.cancel(this, reason))
  }

  progress(value: unknown): void {
    if (this.ended) return
    this.buffer.push(value as P)
    this.notify()
  }

  resolve(value: unknown): void {
    if (this.ended) return
    this.ended = true
    this.detach()
    this.resolveResult(value as R)
    this.notify()
  }

  reject(error: FabstirError): void {
    if (this.ended) return
    this.ended = true
    this.failure = error
    this.detach()
    this.rejectResult(error)
    this.notify()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<P> {
    for (;;) {
      const next = this.buffer.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      if (this.ended) {
        if (this.failure) throw this.failure
        return
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
