type AnyListener = (...args: unknown[]) => void

/** Minimal typed event emitter (no Node `events` import, so it runs in browsers). */
export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #listeners = new Map<keyof Events, Set<AnyListener>>()

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.#listeners.get(event)
    if (!set) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(listener as unknown as AnyListener)
    return () => this.off(event, listener)
  }

  /** Unsubscribe a listener added with `on`; unknown listeners are ignored. */
  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): void {
    this.#listeners.get(event)?.delete(listener as unknown as AnyListener)
  }

  /** Calls every listener; a throwing listener cannot break the client (its error goes to `onListenerError`). */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...args)
      } catch (e) {
        this.onListenerError(e)
      }
    }
  }

  protected onListenerError(_error: unknown): void {}

  protected removeAllListeners(): void {
    this.#listeners.clear()
  }
}
