import { answerChunks, type Responder } from '@fabstir/node-sim'

/** Prompts starting with this marker stream their first chunk, then wait for {@link Gate.release}. */
export const HOLD = 'HOLD'

/**
 * A deterministic "model" for tests that must act while an answer is half-way: prompts starting with `HOLD` stream
 * their first chunk and then block until `release()` (or until the node stops the stream: cancel or close). Every
 * other prompt streams the default answer at once. No timers are involved.
 */
export class Gate {
  private opened = false
  private readonly waiting: (() => void)[] = []
  /** The responder to pass to the simulator. */
  readonly responder: Responder

  constructor() {
    const wait = () => this.wait()
    this.responder = async function* (request) {
      const chunks = answerChunks(request.prompt)
      if (!request.prompt.startsWith(HOLD)) {
        yield* chunks
        return
      }
      const [first, ...rest] = chunks
      if (first !== undefined) yield first
      await wait()
      yield* rest
    }
  }

  /** Let every blocked (and future) held answer continue. */
  release(): void {
    this.opened = true
    for (const w of this.waiting.splice(0)) w()
  }

  private wait(): Promise<void> {
    if (this.opened) return Promise.resolve()
    return new Promise((resolve) => this.waiting.push(resolve))
  }
}
