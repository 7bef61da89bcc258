import { hashString } from './prng.js'

/** A scheduled event; `cancel()` makes it a no-op. */
export interface Scheduled {
  readonly at: number
  cancel(): void
}

interface Entry {
  at: number
  seq: number
  label: string
  fn: () => void
  cancelled: boolean
}

/** Every executed event and observation, in order, with its virtual time: hashed, and kept in full when asked. */
export class Trace {
  private h = 0x811c9dc5
  private count = 0
  readonly lines: string[] | undefined

  constructor(keepLines: boolean) {
    this.lines = keepLines ? [] : undefined
  }

  record(now: number, line: string): void {
    this.h = hashString(line, hashString(String(now), this.h))
    this.count++
    this.lines?.push(`${now} ${line}`)
  }

  /** Order-sensitive digest of everything recorded. */
  get digest(): string {
    return `${this.h.toString(16).padStart(8, '0')}:${this.count}`
  }
}

/** Let every pending promise reaction run: with no real I/O in flight, one macrotask turn drains them all. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * The virtual clock: a queue of events ordered by (time, insertion). `run` pops the earliest, advances `now` to it,
 * runs it and lets the promise reactions it caused settle before the next one — so asynchronous code (the node's
 * streaming, a wallet's signature) takes zero virtual time unless it sleeps on this clock.
 */
export class VirtualScheduler {
  private current = 0
  private seq = 0
  private readonly heap: Entry[] = []
  executed = 0
  /** Errors thrown by event handlers (a client core's callback must not throw into its shell). */
  readonly thrown: { label: string; error: unknown }[] = []

  constructor(readonly trace: Trace) {}

  get now(): number {
    return this.current
  }

  /** Pending (not cancelled) events. */
  get pending(): number {
    return this.heap.reduce((n, e) => n + (e.cancelled ? 0 : 1), 0)
  }

  /** Pending events whose label starts with `prefix`. */
  pendingWith(prefix: string): number {
    return this.heap.reduce((n, e) => n + (!e.cancelled && e.label.startsWith(prefix) ? 1 : 0), 0)
  }

  at(at: number, label: string, fn: () => void): Scheduled {
    const entry: Entry = { at: Math.max(at, this.current), seq: this.seq++, label, fn, cancelled: false }
    this.push(entry)
    return {
      at: entry.at,
      cancel: () => {
        entry.cancelled = true
      },
    }
  }

  after(ms: number, label: string, fn: () => void): Scheduled {
    return this.at(this.current + Math.max(0, ms), label, fn)
  }

  /** A promise resolved `ms` from now on the virtual clock. */
  sleep(ms: number, label: string): Promise<void> {
    return new Promise((resolve) => this.after(ms, label, resolve))
  }

  /**
   * Run events until `stop()` holds, the queue is empty, `maxEvents` ran or virtual time would pass `maxTime`.
   * Returns why it stopped.
   */
  async run(stop: () => boolean, maxEvents: number, maxTime: number): Promise<'stopped' | 'empty' | 'limit'> {
    await drainMicrotasks()
    for (;;) {
      if (stop()) return 'stopped'
      const next = this.pop()
      if (next === undefined) return 'empty'
      if (next.at > maxTime || this.executed >= maxEvents) {
        this.push(next)
        return 'limit'
      }
      this.current = next.at
      this.executed++
      this.trace.record(this.current, next.label)
      try {
        next.fn()
      } catch (error) {
        this.thrown.push({ label: next.label, error })
      }
      await drainMicrotasks()
    }
  }

  private pop(): Entry | undefined {
    for (;;) {
      const top = this.heap[0]
      if (top === undefined) return undefined
      const last = this.heap.pop()!
      if (this.heap.length > 0) {
        this.heap[0] = last
        this.down(0)
      }
      if (!top.cancelled) return top
    }
  }

  private push(e: Entry): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private down(i: number): void {
    const h = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && before(h[l]!, h[m]!)) m = l
      if (r < h.length && before(h[r]!, h[m]!)) m = r
      if (m === i) return
      ;[h[i], h[m]] = [h[m]!, h[i]!]
      i = m
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
