import fc from 'fast-check'
import { ReliabilityError } from '../common/errors.js'
import { deterministicCorpus, prepareDeterministic } from './fixtures.js'
import type { MutationLimits } from './mutations.js'
import { preview, Tally } from './tally.js'
import { FUZZ_TARGETS } from './targets/index.js'

/** One regenerated fuzz case. */
export interface ReplayResult {
  target: string
  seed: number
  run: number
  /** A bounded rendering of the input. */
  input: string
  /** Set when the case was executed: its duration and what the oracle recorded. */
  ms?: number
  tally?: Tally
}

/**
 * Regenerate case `run` (1-based) of the batch with seed `seed` of `target` — fast-check generates the same value
 * for the same seed and run, and the fixtures are deterministic — and optionally run it again.
 */
export async function replayCase(
  target: string,
  seed: number,
  run: number,
  limits: MutationLimits,
  execute: boolean,
): Promise<ReplayResult> {
  const t = FUZZ_TARGETS.find((x) => x.name === target)
  if (!t) throw new ReliabilityError('INVALID_ARGUMENT', `unknown target ${target}`)
  const corpus = await deterministicCorpus()
  const prepared = await prepareDeterministic(t, corpus, limits)
  const input = fc.sample(prepared.arbitrary, { seed, numRuns: run })[run - 1]
  const result: ReplayResult = { target, seed, run, input: preview(input) }
  if (execute) {
    const tally = new Tally()
    const started = performance.now()
    prepared.check(input, tally)
    result.ms = Math.round(performance.now() - started)
    result.tally = tally
  }
  return result
}
