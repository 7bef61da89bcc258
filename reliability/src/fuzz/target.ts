import type fc from 'fast-check'
import type { Corpus } from './corpus.js'
import type { MutationLimits } from './mutations.js'
import type { Tally } from './tally.js'

/** A prepared fuzz target: inputs and the oracle that judges one case. */
export interface PreparedTarget<T> {
  arbitrary: fc.Arbitrary<T>
  /** Run one case, record its outcome or findings in `tally`. Must not throw. */
  check(input: T, tally: Tally): void
}

/** A fuzz target of the suite. */
export interface FuzzTarget {
  /** Stable name (CLI `--targets`). */
  name: string
  /** What is fuzzed, for the report. */
  description: string
  /** Share of `pnpm fuzz`'s total case budget. */
  weight: number
  /** Cases in the CI test. */
  ciRuns: number
  /** Build fixtures once (corpus-derived inputs, session templates). */
  prepare(corpus: Corpus, limits: MutationLimits): Promise<PreparedTarget<unknown>>
}
