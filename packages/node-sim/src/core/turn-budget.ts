/**
 * Fair scheduling of inbound work for a server shell that shares its event loop with other work (its clients, in a
 * one-process load test): a task runs at once while the current event-loop turn has spent less than `budgetMs` on
 * such tasks; later ones wait, in arrival order, for the next turns, which give them at most `budgetMs` each. The time a task's promise chain takes right
 * after it (an answer streamed without delays) counts towards the turn's budget, so no turn runs hundreds of answer
 * bursts back to back. Order is kept: a task never overtakes one that arrived before it.
 */
export class TurnBudget {
  private readonly tasks: { key: unknown; run: () => void }[] = []
  /** When this turn's first task ran (undefined: none yet). */
  private sliceStart: number | undefined
  private turnEndScheduled = false

  constructor(
    /** Time per turn for inbound work, ms. */
    private readonly budgetMs: number,
    /** Monotonic clock, ms. */
    private readonly now: () => number,
    /** Run a function at the end of this turn, after pending I/O (`setImmediate`). */
    private readonly defer: (f: () => void) => void,
  ) {}

  /** Tasks waiting for a later turn. */
  get queued(): number {
    return this.tasks.length
  }

  /**
   * Run `task` now if this turn has budget left and nothing is queued before it, else queue it. `key` names the
   * source (a connection): tasks of one key always run in order.
   */
  run(key: unknown, task: () => void): void {
    if (this.tasks.length === 0 && this.withinSlice()) {
      task()
      return
    }
    this.tasks.push({ key, run: task })
    this.scheduleTurnEnd()
  }

  /**
   * Run `task` (a close) now, whatever the turn has spent: first the tasks of the same `key` still queued, in order,
   * so that nothing of that source is overtaken; other sources' tasks stay queued (no order between sources).
   */
  runNow(key: unknown, task: () => void): void {
    const own = this.tasks.filter((t) => t.key === key)
    if (own.length > 0) {
      const rest = this.tasks.filter((t) => t.key !== key)
      this.tasks.length = 0
      this.tasks.push(...rest)
      for (const t of own) t.run()
    }
    task()
  }

  private withinSlice(): boolean {
    const t = this.now()
    if (this.sliceStart === undefined) {
      this.sliceStart = t
      this.scheduleTurnEnd()
      return true
    }
    return t - this.sliceStart < this.budgetMs
  }

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return
    this.turnEndScheduled = true
    this.defer(() => this.turnEnd())
  }

  /** End of a turn: queued tasks get what is left of its budget; a turn that spent it all drains nothing. */
  private turnEnd(): void {
    this.turnEndScheduled = false
    const spent = this.sliceStart === undefined ? 0 : this.now() - this.sliceStart
    this.sliceStart = undefined
    if (this.tasks.length === 0) return
    if (spent >= this.budgetMs) this.scheduleTurnEnd()
    else this.drain(this.budgetMs - spent)
  }

  private drain(budgetMs: number): void {
    const start = this.now()
    const step = (): void => {
      if (this.tasks.length === 0) return
      if (this.now() - start >= budgetMs) {
        this.scheduleTurnEnd()
        return
      }
      this.tasks.shift()!.run()
      // The next task starts after this one's promise chain (already queued) has run, and the clock is read again.
      queueMicrotask(step)
    }
    step()
  }
}
