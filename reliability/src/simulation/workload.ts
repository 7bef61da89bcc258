import type { ClientUnderTest, SessionUnderTest } from './client-under-test.js'
import type { SchedulePlan } from './plan.js'
import type { VirtualScheduler } from './scheduler.js'

/** One user call and how it ended. */
export interface CallRecord {
  kind: 'start' | 'send' | 'session-close' | 'client-close'
  /** Session index in the plan (-1 for the client). */
  session: number
  /** `s0p1`-style name for the trace and reports. */
  name: string
  prompt?: string
  issuedAt: number
  /** The prompt sent before it on the same session: a queued prompt's deadline starts when that one settled. */
  queuedBehind?: CallRecord
  settledAt?: number
  outcome?: 'resolved' | 'rejected'
  text?: string
  error?: unknown
  /** Virtual time the user aborted it, if the abort came before it settled. */
  abortedAt?: number
  /** The text pieces surfaced while streaming, in order. */
  surfaced: string[]
  /** How many times it settled (a promise settles once; surfaced in case a callback API is used). */
  settles: number
}

export const SESSION_START = {
  jobId: '4242',
  modelName: 'tiny-vicuna',
  pricePerToken: 2_272_727_273,
} as const

function codeOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : `untyped:${String(e)}`
}

/** Drives one schedule's users: sessions start, send their prompts (some aborted), close, and the client closes. */
export class Workload {
  readonly calls: CallRecord[] = []
  private sessionsLeft: number
  private clientClose: CallRecord | undefined

  constructor(
    private readonly sched: VirtualScheduler,
    private readonly plan: SchedulePlan,
    private readonly client: ClientUnderTest,
  ) {
    this.sessionsLeft = plan.sessions.length
  }

  /** True once the client's close settled and every call settled. */
  get done(): boolean {
    return this.clientClose?.settledAt !== undefined && this.calls.every((c) => c.settledAt !== undefined)
  }

  start(): void {
    this.plan.sessions.forEach((s, i) => {
      this.sched.at(s.startAt, `user s${i} start`, () => this.startSession(i))
    })
    if (this.plan.clientCloseAt !== undefined)
      this.sched.at(this.plan.clientCloseAt, 'user client close (early)', () => this.closeClient())
    if (this.plan.sessions.length === 0) this.closeClient()
  }

  private call(kind: CallRecord['kind'], session: number, name: string): CallRecord {
    const rec: CallRecord = { kind, session, name, issuedAt: this.sched.now, surfaced: [], settles: 0 }
    this.calls.push(rec)
    return rec
  }

  private track<T>(rec: CallRecord, p: Promise<T>, after?: (value: T | undefined) => void): void {
    p.then(
      (value) => {
        this.settle(rec, 'resolved', value, undefined)
        after?.(value)
      },
      (error: unknown) => {
        this.settle(rec, 'rejected', undefined, error)
        after?.(undefined)
      },
    )
  }

  private settle(rec: CallRecord, outcome: 'resolved' | 'rejected', value: unknown, error: unknown): void {
    rec.settles++
    if (rec.settles > 1) return
    rec.settledAt = this.sched.now
    rec.outcome = outcome
    if (outcome === 'resolved' && typeof value === 'string') rec.text = value
    if (outcome === 'rejected') rec.error = error
    this.sched.trace.record(
      this.sched.now,
      `user ${rec.name} ${outcome === 'resolved' ? 'ok' : codeOf(error)}`,
    )
  }

  private startSession(i: number): void {
    const rec = this.call('start', i, `s${i}-start`)
    let started: Promise<SessionUnderTest>
    try {
      started = this.client.startSession({ ...SESSION_START })
    } catch (e) {
      started = Promise.reject(e)
    }
    this.track(rec, started, (session) => {
      if (session) this.runSession(i, session)
      else this.sessionDone()
    })
  }

  private runSession(i: number, session: SessionUnderTest): void {
    const plan = this.plan.sessions[i]!
    let open = plan.prompts.length
    let closed = false
    const close = (): void => {
      if (closed) return
      closed = true
      const rec = this.call('session-close', i, `s${i}-close`)
      let p: Promise<void>
      try {
        p = session.close()
      } catch (e) {
        p = Promise.reject(e)
      }
      this.track(rec, p, () => this.sessionDone())
    }
    let previous: CallRecord | undefined
    let t = this.sched.now
    plan.prompts.forEach((prompt, j) => {
      t += prompt.gapMs
      this.sched.at(t, `user s${i}p${j} send`, () => {
        const rec = this.call('send', i, `s${i}p${j}`)
        rec.prompt = prompt.text
        if (previous !== undefined) rec.queuedBehind = previous
        previous = rec
        const ctrl = prompt.abortAfterMs === undefined ? undefined : new AbortController()
        let p: Promise<string>
        try {
          p = session.send(prompt.text, {
            ...(ctrl ? { signal: ctrl.signal } : {}),
            onText: (text) => rec.surfaced.push(text),
          })
        } catch (e) {
          p = Promise.reject(e)
        }
        this.track(rec, p, () => {
          if (--open === 0 && plan.closeAfterMs === undefined) this.sched.after(0, `user s${i} close`, close)
        })
        if (ctrl) {
          this.sched.after(prompt.abortAfterMs!, `user s${i}p${j} abort`, () => {
            if (rec.settledAt !== undefined) return
            rec.abortedAt = this.sched.now
            ctrl.abort()
          })
        }
      })
    })
    if (plan.closeAfterMs !== undefined) this.sched.after(plan.closeAfterMs, `user s${i} close`, close)
  }

  private sessionDone(): void {
    if (--this.sessionsLeft === 0) this.sched.after(0, 'user client close', () => this.closeClient())
  }

  private closeClient(): void {
    if (this.clientClose !== undefined) return
    const rec = this.call('client-close', -1, 'client-close')
    this.clientClose = rec
    let p: Promise<void>
    try {
      p = this.client.close()
    } catch (e) {
      p = Promise.reject(e)
    }
    this.track(rec, p)
  }
}
