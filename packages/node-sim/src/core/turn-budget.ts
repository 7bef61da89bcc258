/**
 * Fair scheduling of inbound work for a server shell that shares its event loop with other work (its clients, in a
 * one-process load test): a task runs at once while the current event-loop turn has spent less than `budgetMs` on
 * such tasks; later ones wait, in arrival order, for the next turns. The time a task's promise chain takes right
 * after it (an answer streamed without delays) counts towards the turn's budget, so no turn runs hundreds of answer
 * bursts back to back. Order is kept: a task never overtakes one that arrived before it.
 */
export class TurnBudget {
  private readonly tasks: (() => void)[] = []
  private sliceStart: number | undefined
  private draining = false

  constructor(
    /** Time per turn for queued work, ms. */
    private readonly budgetMs: number,
    /** Monotonic clock, ms. */
    private readonly now: () => number,
    /** Run a function in a later turn, after pending I/O (`setImmediate`). */
    private readonly defer: (f: () => void) => void,
  ) {}

  /** Tasks waiting for a later turn. */
  get queued(): number {
    return this.tasks.length
  }

  /** Run `task` now if this turn has budget left and nothing is queued before it, else queue it. */
  run(task: () => void): void {
    if (this.tasks.length === 0 && this.withinSlice()) {
      task()
      return
    }
    this.enqueue(task)
  }

  /** Run a cheap `task` (a close) now unless something is queued before it, whatever the turn has spent. */
  runCheap(task: () => void): void {
    if (this.tasks.length === 0) task()
    else this.enqueue(task)
  }

  private enqueue(task: () => void): void {
    this.tasks.push(task)
    if (!this.draining) {
      this.draining = true
      this.defer(() => this.drain())
    }
  }

  private withinSlice(): boolean {
    const t = this.now()
    if (this.sliceStart === undefined) {
      this.sliceStart = t
      // The slice ends with this turn.
      this.defer(() => {
        this.sliceStart = undefined
      })
      return true
    }
    return t - this.sliceStart < this.budgetMs
  }

  private drain(): void {
    const start = this.now()
    const step = (): void => {
      if (this.tasks.length === 0) {
        this.draining = false
        return
      }
      if (this.now() - start >= this.budgetMs) {
        this.defer(() => this.drain())
        return
      }
      this.tasks.shift()!()
      // The next task starts after this one's promise chain (already queued) has run, and the clock is read again.
      queueMicrotask(step)
    }
    step()
  }
}
