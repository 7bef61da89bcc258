import { beforeAll, describe, expect, it } from 'vitest'
import type { Corpus } from '../src/fuzz/corpus.js'
import { deterministicCorpus, prepareDeterministic } from '../src/fuzz/fixtures.js'
import type { MutationLimits } from '../src/fuzz/mutations.js'
import { runPrepared } from '../src/fuzz/run-target.js'
import { FUZZ_TARGETS } from '../src/fuzz/targets/index.js'

/**
 * CI-sized fuzzing of every inbound path (the documented `pnpm fuzz` runs ≥ 1,000,000 cases). Fixed seeds: a
 * failure reproduces. Strings written by mutations are capped at 8,192 characters here to keep the run short; the
 * long run goes to 1 MiB.
 */
const CI_LIMITS: MutationLimits = { maxLongString: 8_192 }
const SEED = 4_242

let corpus: Corpus
beforeAll(async () => {
  corpus = await deterministicCorpus()
}, 60_000)

describe('fuzzing (CI size): zero uncaught exceptions, zero hangs, every rejection typed', () => {
  for (const [i, target] of FUZZ_TARGETS.entries()) {
    it(`${target.name}: ${target.description}`, async () => {
      const prepared = await prepareDeterministic(target, corpus, CI_LIMITS)
      const report = runPrepared(target.name, prepared, {
        runs: target.ciRuns,
        seed: SEED + 1000 * i,
        caseLimitMs: 5_000,
      })
      expect(report.cases).toBe(target.ciRuns)
      expect(report.accepted + report.rejected + report.ignored + report.findingCount).toBeGreaterThanOrEqual(
        report.cases,
      )
      expect(report.findings).toEqual([])
      // Non-vacuous: the target both accepted and rejected inputs.
      expect(report.accepted).toBeGreaterThan(0)
      expect(report.rejected + report.ignored).toBeGreaterThan(0)
    }, 120_000)
  }
})
