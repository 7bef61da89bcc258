import type { Clock } from './shell.js'

/** Schedule `f` after the current event-loop turn has read its pending I/O (`setImmediate` where it exists). */
const nextTurn: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0)

/**
 * The default {@link Clock}: `Date.now()` and one `setTimeout`. A due timer fires one event-loop turn late on
 * purpose: Node runs overdue timers before it reads the sockets, so after a stalled turn an answer may sit unread in
 * a buffer when the timer fires; the extra turn lets it be read first, and a deadline whose data arrived never fails.
 */
export function systemClock(): Clock {
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0
  return {
    now: () => Date.now(),
    arm(at, fire) {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      const armed = ++generation
      if (at === undefined) return
      timer = setTimeout(
        () => {
          timer = undefined
          nextTurn(() => {
            if (armed === generation) fire()
          })
        },
        Math.max(0, at - Date.now()),
      )
    },
  }
}

interface Entry {
  at: number
  run: (now: number) => void
}

/** One scheduled deadline of {@link Timers}. */
export interface TimerHandle {
  /** It will not run. */
  cancel(): void
  /** Due at `at` instead (a touched idle deadline); cheap: the clock is re-armed only when it must fire earlier. */
  move(at: number): void
}

/**
 * Many deadlines over the one timer of a {@link Clock}: the clock is armed for the earliest. Also hands out
 * "turns" ({@link Timers.turn}): one waiter per firing, so bursts of CPU work (handshake key agreements) are spread
 * over separate event-loop turns on the system clock, and stay deterministic on a virtual one.
 */
export class Timers {
  readonly #entries = new Set<Entry>()
  readonly #turns: (() => void)[] = []
  #armedAt: number | undefined

  constructor(readonly clock: Clock) {}

  /** The clock's current time. */
  now(): number {
    return this.clock.now()
  }

  /** Run `run(now)` once the clock reaches `at`. */
  at(at: number, run: (now: number) => void): TimerHandle {
    const entry: Entry = { at, run }
    this.#entries.add(entry)
    this.#rearm()
    return {
      cancel: () => {
        if (this.#entries.delete(entry)) this.#rearm()
      },
      move: (to) => {
        if (!this.#entries.has(entry)) return
        entry.at = to
        this.#rearm()
      },
    }
  }

  /** Resolves in a later firing of its own (FIFO). */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#turns.push(resolve)
      this.#rearm()
    })
  }

  /** The earliest due time, or `undefined` when nothing waits. */
  next(): number | undefined {
    let min: number | undefined = this.#turns.length > 0 ? this.now() : undefined
    for (const e of this.#entries) if (min === undefined || e.at < min) min = e.at
    return min
  }

  #rearm(): void {
    const next = this.next()
    // An earlier timer still armed fires, finds nothing due, and re-arms: no new timer per touched deadline.
    if (next !== undefined && this.#armedAt !== undefined && this.#armedAt <= next) return
    this.#armedAt = next
    this.clock.arm(next, () => this.#fire())
  }

  #fire(): void {
    this.#armedAt = undefined
    const now = this.now()
    this.#turns.shift()?.()
    for (const e of [...this.#entries]) {
      if (e.at <= now && this.#entries.delete(e)) e.run(now)
    }
    this.#rearm()
  }
}
