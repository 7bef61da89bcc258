import { nextTurn } from './turns.js'

/** What to do when a deadline's timer fires (or after the extra turn it asked for). */
export type DeadlineStep =
  /** Not due yet (a timer fired early): wait `ms` more. */
  | { action: 'wait'; ms: number }
  /** Due: let one event-loop turn read the I/O that may already have arrived, then ask again. */
  | { action: 'drain' }
  /** Due, and nothing arrived during the extra turn: fail. `lateMs` is how late the timer fired. */
  | { action: 'expire'; lateMs: number }

/**
 * A lag-tolerant deadline as a pure state machine: time is an input (`now`, in ms on any monotonic clock). A
 * deadline is due `ms` after `startedAt`. When its timer fires, the verdict is deferred by one event-loop turn
 * (`drain`): Node runs overdue timers before it reads the sockets, so after a stalled turn an answer may be sitting
 * in a buffer, unread, when the timer fires; it would be wrong to fail a session whose data has arrived. Whoever
 * waits settles the deadline when the data is read; only a deadline still unsettled after the drained turn expires.
 */
export class Deadline {
  private state: 'armed' | 'draining' | 'settled' | 'expired' = 'armed'
  private firedAt = 0
  private _startedAt: number

  constructor(
    /** How long to wait, ms. */
    readonly ms: number,
    /** When the wait started (the handshake was admitted, the frame was sent), ms. */
    startedAt: number,
  ) {
    this._startedAt = startedAt
  }

  /** When the current wait started. */
  get startedAt(): number {
    return this._startedAt
  }

  /** When the deadline is due. */
  get dueAt(): number {
    return this._startedAt + this.ms
  }

  /**
   * Progress at `now` (e.g. an answer frame arrived while waiting for the next): the wait starts again from `now`
   * without a new timer — the running one finds the deadline not yet due and waits the difference.
   */
  touch(now: number): void {
    if (this.state === 'armed' || this.state === 'draining') this._startedAt = now
  }

  /** Whether the awaited event arrived or the deadline expired (no further steps). */
  get done(): boolean {
    return this.state === 'settled' || this.state === 'expired'
  }

  /** The awaited event arrived: the deadline will never expire. */
  settle(): void {
    if (this.state !== 'expired') this.state = 'settled'
  }

  /** The timer fired at `now`. */
  onTimer(now: number): DeadlineStep | undefined {
    if (this.state !== 'armed') return undefined
    if (now < this.dueAt) return { action: 'wait', ms: this.dueAt - now }
    this.state = 'draining'
    this.firedAt = now
    return { action: 'drain' }
  }

  /** The drained turn passed, at `now`, without the deadline being settled. */
  onDrained(now: number): DeadlineStep | undefined {
    if (this.state !== 'draining') return undefined
    if (now < this.dueAt) {
      // Touched during the drained turn: wait again.
      this.state = 'armed'
      return { action: 'wait', ms: this.dueAt - now }
    }
    this.state = 'expired'
    return { action: 'expire', lateMs: Math.max(0, this.firedAt - this.dueAt) }
  }
}

/** A monotonic clock in ms. */
export type Clock = () => number

const monotonic: Clock = () => performance.now()

/** A running {@link Deadline} on real timers. */
export interface DeadlineTimer {
  /** The awaited event arrived: stop (the expiry callback will not run). */
  cancel(): void
  /** Progress: the wait starts again from now (see {@link Deadline.touch}). */
  touch(): void
}

/**
 * The shell around {@link Deadline}: runs it on real timers. `onExpire` is called at most once, and never after
 * `cancel`.
 */
export function startDeadline(
  ms: number,
  onExpire: (lateMs: number) => void,
  clock: Clock = monotonic,
): DeadlineTimer {
  const deadline = new Deadline(ms, clock())
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = (step: DeadlineStep | undefined): void => {
    timer = undefined
    if (!step) return
    if (step.action === 'wait') timer = setTimeout(() => run(deadline.onTimer(clock())), step.ms)
    else if (step.action === 'drain') nextTurn(() => run(deadline.onDrained(clock())))
    else onExpire(step.lateMs)
  }
  timer = setTimeout(() => run(deadline.onTimer(clock())), ms)
  return {
    cancel() {
      deadline.settle()
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
    },
    touch() {
      deadline.touch(clock())
    },
  }
}
