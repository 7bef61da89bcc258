import { FabstirError } from '../errors.js'

/** Default number of session handshakes (connect + greeting + init + ack) that run at once in one process. */
export const DEFAULT_MAX_CONCURRENT_HANDSHAKES = 32

/** Gives a handshake slot back; calling it more than once has no further effect. */
export type ReleaseSlot = () => void

/** A place in the admission queue ({@link HandshakeGate.enqueue}). */
export interface AdmissionTicket {
  /** Resolves with the function that gives the slot back, once the handshake is admitted. */
  promise: Promise<ReleaseSlot>
  /** Leave the queue: `promise` rejects with `error`. No effect once admitted. */
  withdraw: (error: FabstirError) => void
}

interface Waiter {
  grant: (release: ReleaseSlot) => void
  refuse: (error: FabstirError) => void
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new FabstirError('INVALID_CONFIG', 'maxConcurrentHandshakes must be a positive integer', {
      details: { field: 'maxConcurrentHandshakes' },
    })
  }
  return limit
}

/**
 * Admission control for session handshakes: at most `limit` run at once, the others wait in a FIFO queue. A
 * handshake's deadlines start only once it is admitted, so time spent queued here never counts against them. One
 * gate is shared by every client of the process ({@link handshakeGate}), which keeps a burst of `startSession()`
 * calls from running hundreds of key agreements and signatures in one event-loop turn.
 */
export class HandshakeGate {
  #_limit: number
  #_active = 0
  #_peak = 0
  readonly #queue: Waiter[] = []

  constructor(limit: number = DEFAULT_MAX_CONCURRENT_HANDSHAKES) {
    this.#_limit = checkLimit(limit)
  }

  /** Most handshakes admitted at once. */
  get limit(): number {
    return this.#_limit
  }

  /** Handshakes admitted and not yet released. */
  get active(): number {
    return this.#_active
  }

  /** Handshakes waiting for a slot. */
  get queued(): number {
    return this.#queue.length
  }

  /** Highest number of handshakes that were admitted at the same time (since creation or {@link resetPeak}). */
  get peak(): number {
    return this.#_peak
  }

  /** Start counting {@link peak} afresh from the current number of active handshakes. */
  resetPeak(): void {
    this.#_peak = this.#_active
  }

  /** Change the limit; a higher limit admits queued handshakes at once, a lower one takes effect as slots free up. */
  setLimit(limit: number): void {
    this.#_limit = checkLimit(limit)
    this.#admit()
  }

  /** Wait for a slot; resolves with the function that gives it back (call it however the handshake ended). */
  acquire(): Promise<ReleaseSlot> {
    return this.enqueue().promise
  }

  /**
   * A cancellable place in the queue: `promise` resolves with the release function once admitted; `withdraw`
   * rejects it with `error` if it is still queued (and does nothing once admitted).
   */
  enqueue(): AdmissionTicket {
    if (this.#_active < this.#_limit && this.#queue.length === 0) {
      return { promise: Promise.resolve(this.#take()), withdraw: () => {} }
    }
    let waiter: Waiter | undefined
    const promise = new Promise<ReleaseSlot>((grant, refuse) => {
      waiter = { grant, refuse }
      this.#queue.push(waiter)
    })
    return {
      promise,
      withdraw: (error) => {
        const i = waiter ? this.#queue.indexOf(waiter) : -1
        if (i < 0) return
        this.#queue.splice(i, 1)
        waiter!.refuse(error)
      },
    }
  }

  #take(): ReleaseSlot {
    this.#_active++
    if (this.#_active > this.#_peak) this.#_peak = this.#_active
    let released = false
    return () => {
      if (released) return
      released = true
      this.#_active--
      this.#admit()
    }
  }

  #admit(): void {
    while (this.#_active < this.#_limit && this.#queue.length > 0) {
      this.#queue.shift()!.grant(this.#take())
    }
  }
}

let shared: HandshakeGate | undefined

/** The process-wide gate every client uses unless given its own (`ClientOptions.handshakeGate`). */
export function handshakeGate(): HandshakeGate {
  shared ??= new HandshakeGate()
  return shared
}

/**
 * Set how many session handshakes may run at once across every client of this process (default
 * {@link DEFAULT_MAX_CONCURRENT_HANDSHAKES}). Throws `INVALID_CONFIG` unless `limit` is a positive integer.
 */
export function setMaxConcurrentHandshakes(limit: number): void {
  handshakeGate().setLimit(limit)
}
