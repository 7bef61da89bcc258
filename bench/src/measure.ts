import { Bench, type Fn, type FnOptions } from 'tinybench'

/** How long and how often to measure. `--quick` shortens everything (noisier, for smoke runs). */
export interface Profile {
  name: 'full' | 'quick'
  /** Measured time budget per task and round, in ms (time-based tasks). */
  timeMs: number
  warmupMs: number
  /** Rounds per comparison; tasks alternate their order each round and ratios are taken per round. */
  rounds: number
  /** Iterations per round for tasks that consume pre-built inputs (chunk frames). */
  frameIterations: number
  /** Messages for the heap-growth check. */
  heapMessages: number
}

export const FULL: Profile = {
  name: 'full',
  timeMs: 1000,
  warmupMs: 250,
  rounds: 3,
  frameIterations: 20_000,
  heapMessages: 100_000,
}
export const QUICK: Profile = {
  name: 'quick',
  timeMs: 150,
  warmupMs: 50,
  rounds: 1,
  frameIterations: 3_000,
  heapMessages: 10_000,
}

/** A task to time: one call of `fn` is one sample. Hooks run outside the timed window. */
export interface TaskSpec {
  name: string
  fn: Fn
  options?: FnOptions
  /** Whether `fn` returns a promise (default false; tinybench would otherwise call `fn` once to find out). */
  async?: boolean
  /** Prepare state before a round (not timed), e.g. record the frames this round will consume. */
  prepare?: () => Promise<void> | void
}

/** Median per-call latency of one task over the rounds. */
export interface Timing {
  name: string
  /** Median of the per-round median latencies, in milliseconds. */
  medianMs: number
  /** Per-round median latencies, in milliseconds. */
  roundsMs: number[]
  /** Samples taken in total. */
  samples: number
}

/** Warm-up samples taken before `iterations` measured ones in fixed-iteration mode (they consume inputs too). */
export function warmupIterationsFor(iterations: number): number {
  return Math.max(16, iterations >> 4)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Time several tasks in the same process, round by round. Within a round every task runs once (warm-up first),
 * in an order that rotates between rounds so that no task always runs on a warmer or quieter machine.
 * `fixedIterations` switches from a time budget to an exact number of samples per round (for tasks that consume
 * prepared inputs).
 */
export async function timeTasks(
  tasks: TaskSpec[],
  profile: Profile,
  fixedIterations?: number,
): Promise<Map<string, Timing>> {
  const perTask = new Map<string, { rounds: number[]; samples: number }>()
  for (const t of tasks) perTask.set(t.name, { rounds: [], samples: 0 })
  for (let round = 0; round < profile.rounds; round++) {
    const order = tasks.map((_, i) => tasks[(i + round) % tasks.length]!)
    for (const task of order) {
      await task.prepare?.()
      const bench = new Bench({
        time: fixedIterations === undefined ? profile.timeMs : 0,
        iterations: fixedIterations ?? 64,
        warmupTime: fixedIterations === undefined ? profile.warmupMs : 0,
        warmupIterations: fixedIterations === undefined ? 16 : warmupIterationsFor(fixedIterations),
        throws: true,
        subtractTimerOverhead: true,
      })
      bench.add(task.name, task.fn, { async: task.async ?? false, ...task.options })
      const [done] = await bench.run()
      const result = done!.result
      if (!('latency' in result)) throw new Error(`benchmark task "${task.name}" ended as ${result.state}`)
      const entry = perTask.get(task.name)!
      entry.rounds.push(result.latency.p50)
      entry.samples += result.latency.samplesCount
    }
  }
  const out = new Map<string, Timing>()
  for (const [name, { rounds, samples }] of perTask) {
    out.set(name, { name, medianMs: median(rounds), roundsMs: rounds, samples })
  }
  return out
}

/** The median over rounds of `ours / baseline` (per-round ratios, so slow rounds hit both sides). */
export function ratio(ours: Timing, baseline: Timing): number {
  return median(ours.roundsMs.map((v, i) => v / baseline.roundsMs[i]!))
}

export { median }

/** Median microseconds per call of each task, one short round each (a breakdown of where time goes). */
export async function breakdown(tasks: TaskSpec[], profile: Profile): Promise<Record<string, number>> {
  const timings = await timeTasks(tasks, { ...profile, rounds: 1, timeMs: Math.min(profile.timeMs, 300) })
  const out: Record<string, number> = {}
  for (const [name, t] of timings) out[name] = Number((t.medianMs * 1000).toFixed(2))
  return out
}

/** Where benchmark bodies put their results, so that no body can be optimised away. */
export const blackhole: { value: unknown } = { value: undefined }

/** Keep a result alive (see {@link blackhole}). */
export function keep(value: unknown): void {
  blackhole.value = value
}
