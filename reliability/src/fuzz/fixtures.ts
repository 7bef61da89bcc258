import { withDeterministicRandom } from '../common/deterministic-random.js'
import { type Corpus, captureCorpus } from './corpus.js'
import type { MutationLimits } from './mutations.js'
import type { FuzzTarget, PreparedTarget } from './target.js'

/** Capture the corpus with deterministic randomness: the same frames (keys, nonces, ids) on every run. */
export function deterministicCorpus(): Promise<Corpus> {
  return withDeterministicRandom('fabstir-reliability-corpus', captureCorpus)
}

/** Prepare a target with deterministic randomness (its session templates are then reproducible too). */
export function prepareDeterministic(
  target: FuzzTarget,
  corpus: Corpus,
  limits: MutationLimits,
): Promise<PreparedTarget<unknown>> {
  return withDeterministicRandom(`fabstir-reliability-${target.name}`, () => target.prepare(corpus, limits))
}
