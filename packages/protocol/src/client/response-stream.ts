import type { Reply, StreamDelta } from '../driver/replies.js'
import type { FabstirError } from '../errors.js'

/**
 * The async iterable returned by `session.stream()`. Iterate it for deltas; `result` resolves with the whole
 * answer (or rejects with the same typed error the iteration throws). Breaking out of the loop cancels the answer.
 */
export class ResponseStream implements AsyncIterable<StreamDelta> {
  /**
   * Resolves with the complete {@link Reply} once the answer ended; rejects with the typed `FabstirError`
   * that ended it (`ABORTED`, `TIMEOUT`, `CONNECTION_LOST`, …). Rejections are pre-handled: leaving it
   * unobserved is safe.
   */
  readonly result: Promise<Reply>
  readonly #buffer: StreamDelta[] = []
  #waiting: { resolve: (r: IteratorResult<StreamDelta>) => void; reject: (e: unknown) => void } | undefined
  #done = false
  #error: FabstirError | undefined
  #resolveResult!: (r: Reply) => void
  #rejectResult!: (e: unknown) => void
  #iterated = false

  /** @param onCancel called when the consumer stops iterating before the end. */
  constructor(private readonly onCancel: () => void) {
    this.result = new Promise<Reply>((resolve, reject) => {
      this.#resolveResult = resolve
      this.#rejectResult = reject
    })
    // The caller may only iterate; a rejection then must not also surface as an unhandled rejection.
    this.result.catch(() => {})
  }

  /** @internal */
  push(delta: StreamDelta): void {
    if (this.#done) return
    if (this.#waiting) {
      const w = this.#waiting
      this.#waiting = undefined
      w.resolve({ value: delta, done: false })
    } else {
      this.#buffer.push(delta)
    }
  }

  /** @internal */
  finish(reply: Reply): void {
    if (this.#done) return
    this.#done = true
    this.#resolveResult(reply)
    if (this.#waiting) {
      const w = this.#waiting
      this.#waiting = undefined
      w.resolve({ value: undefined, done: true })
    }
  }

  /** @internal */
  fail(error: FabstirError): void {
    if (this.#done) return
    this.#done = true
    this.#error = error
    this.#rejectResult(error)
    if (this.#waiting) {
      const w = this.#waiting
      this.#waiting = undefined
      w.reject(error)
    }
  }

  /** Whether the answer has ended (completed or failed). */
  get settled(): boolean {
    return this.#done
  }

  /**
   * The iterator over the deltas. Only one iteration is allowed (a second call throws a `TypeError`);
   * `next()` rejects with the stream's `FabstirError` after the deltas received before it. Returning early
   * (`break`) cancels the answer on the node (`stream_cancel`) and fails `result` with `ABORTED`.
   */
  [Symbol.asyncIterator](): AsyncIterator<StreamDelta> {
    if (this.#iterated) throw new TypeError('a response stream can be iterated only once')
    this.#iterated = true
    return {
      next: () => {
        const value = this.#buffer.shift()
        if (value) return Promise.resolve({ value, done: false })
        if (this.#error) return Promise.reject(this.#error)
        if (this.#done) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve, reject) => {
          this.#waiting = { resolve, reject }
        })
      },
      return: () => {
        if (!this.#done) this.onCancel()
        this.#buffer.length = 0
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }
}
