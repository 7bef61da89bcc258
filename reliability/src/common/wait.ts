import { ReliabilityError } from './errors.js'

/** Resolve `promise`, or reject with a `TIMEOUT` {@link ReliabilityError} naming `what` after `ms` milliseconds. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReliabilityError('TIMEOUT', `timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/**
 * Poll `condition` on every macrotask turn (plus a short sleep) until it holds; `TIMEOUT` after `ms` milliseconds.
 * For conditions that have no event to wait on (a socket count reaching zero on the far side).
 */
export async function waitUntil(condition: () => boolean, ms: number, what: string): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > ms) throw new ReliabilityError('TIMEOUT', `timed out after ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/** Let pending I/O callbacks and microtasks run once. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
