/** Marker returned by {@link StopSignal.race} when the signal fired first. */
export const HALTED: unique symbol = Symbol('halted')

/** A one-shot stop flag whose waits end early once it fires (cancel, disconnect). */
export class StopSignal {
  private fired = false
  private resolveStop!: (v: typeof HALTED) => void
  private readonly stopped = new Promise<typeof HALTED>((resolve) => {
    this.resolveStop = resolve
  })

  get isStopped(): boolean {
    return this.fired
  }

  stop(): void {
    if (this.fired) return
    this.fired = true
    this.resolveStop(HALTED)
  }

  /** Sleep `ms` via `sleep`, unless the signal fires first (then resolves to false). */
  async wait(sleep: (ms: number) => Promise<void>, ms: number): Promise<boolean> {
    if (this.fired) return false
    const p = sleep(ms)
    p.catch(() => {})
    return (await Promise.race([p, this.stopped])) !== HALTED
  }
}
