/** A parsed frame as the test sees it (JSON.parse; the tests only read small numbers). */
// biome-ignore lint/suspicious/noExplicitAny: test frames are inspected dynamically
export type Frame = Record<string, any>

/** Collects frames and hands them out in order; `next` waits (with a short timeout) for the next one. */
export class FrameQueue {
  private readonly frames: Frame[] = []
  private waiter:
    | { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
    | undefined
  /** Raw texts received, in order. */
  readonly texts: string[] = []

  push(text: string): void {
    this.texts.push(text)
    const frame = JSON.parse(text) as Frame
    if (this.waiter) {
      const w = this.waiter
      this.waiter = undefined
      clearTimeout(w.timer)
      w.resolve(frame)
    } else {
      this.frames.push(frame)
    }
  }

  /** The next frame, or a rejection after `timeoutMs`. */
  next(timeoutMs = 3000): Promise<Frame> {
    const f = this.frames.shift()
    if (f) return Promise.resolve(f)
    if (this.waiter) return Promise.reject(new Error('FrameQueue.next called twice concurrently'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        reject(new Error(`no frame within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiter = { resolve, reject, timer }
    })
  }

  /** Frames received but not yet taken. */
  get pending(): number {
    return this.frames.length
  }
}
