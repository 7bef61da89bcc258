/** One text frame seen by the simulator: `in` = client → node, `out` = node → client. */
export interface TapFrame {
  direction: 'in' | 'out'
  text: string
  connectionId: number
  /** The parsed JSON object, or undefined when the text is not a JSON object. */
  json: Record<string, unknown> | undefined
}

type Predicate = (frame: TapFrame) => boolean

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The wire tap of a simulator (its `onFrame` hook): every frame in order, with event-based waiting. */
export class FrameTap {
  readonly frames: TapFrame[] = []
  private readonly waiters = new Set<{ predicate: Predicate; from: number; resolve: (f: TapFrame) => void }>()

  record(direction: 'in' | 'out', text: string, connectionId: number): void {
    const frame: TapFrame = { direction, text, connectionId, json: parse(text) }
    this.frames.push(frame)
    for (const w of [...this.waiters]) {
      if (this.frames.length > w.from && w.predicate(frame)) {
        this.waiters.delete(w)
        w.resolve(frame)
      }
    }
  }

  /** Frames of `type` (optionally only one direction). */
  ofType(type: string, direction?: 'in' | 'out'): TapFrame[] {
    return this.frames.filter(
      (f) => f.json?.type === type && (direction === undefined || f.direction === direction),
    )
  }

  /** Ids of every connection the node opened (each gets a `connected` greeting). */
  connectionIds(): number[] {
    return [...new Set(this.ofType('connected', 'out').map((f) => f.connectionId))]
  }

  /** Position to pass to {@link waitFor} to only consider frames recorded from now on. */
  get mark(): number {
    return this.frames.length
  }

  /** Resolves with the first frame at index ≥ `from` that matches; rejects after `timeoutMs`. */
  waitFor(predicate: Predicate, from = 0, timeoutMs = 3_000): Promise<TapFrame> {
    const found = this.frames.slice(from).find(predicate)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        from,
        resolve: (f: TapFrame) => {
          clearTimeout(timer)
          resolve(f)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        reject(new Error(`no matching frame within ${timeoutMs} ms (${this.frames.length} frames recorded)`))
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }

  /** Wait for a frame of `type` in `direction`. */
  waitForType(type: string, direction: 'in' | 'out', from = 0, timeoutMs = 3_000): Promise<TapFrame> {
    return this.waitFor((f) => f.direction === direction && f.json?.type === type, from, timeoutMs)
  }
}
