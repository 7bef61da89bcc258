import * as wire from '@fabstir/wire'
import fc from 'fast-check'
import { ReliabilityError } from '../../common/errors.js'
import type { Corpus } from '../corpus.js'
import { type MutationLimits, mutatedTextArb } from '../mutations.js'
import { judgeCheckResult, secretLikeStrings } from '../oracles.js'
import type { Tally } from '../tally.js'
import type { FuzzTarget, PreparedTarget } from '../target.js'

type Checker = (value: unknown) => unknown

const NODE_CHECKERS: Record<string, Checker> = {
  connected: wire.checkConnectedFrame,
  session_init_ack: wire.checkSessionInitAckFrame,
  encrypted_chunk: wire.checkEncryptedChunkFrame,
  encrypted_response: wire.checkEncryptedResponseFrame,
  stream_end: wire.checkStreamEndFrame,
  stream_chunk: wire.checkStreamChunkFrame,
  error: wire.checkErrorFrame,
}

const CLIENT_CHECKERS: Record<string, Checker> = {
  encrypted_session_init: wire.checkEncryptedSessionInitFrame,
  encrypted_message: wire.checkEncryptedMessageFrame,
  stream_cancel: wire.checkStreamCancelFrame,
  session_init: wire.checkSessionInitFrame,
  prompt: wire.checkPromptFrame,
}

/** Every `check*` validator exported by `@fabstir/wire`. */
export const ALL_CHECKERS: [string, Checker][] = Object.entries(wire)
  .filter(([name, fn]) => name.startsWith('check') && typeof fn === 'function')
  .map(([name, fn]) => [name, fn as Checker])

/** A validator input: a value as is, or mutated JSON text to be parsed inside the case (so its cost is timed). */
type WireInput = { value: unknown } | { text: string }

/**
 * The value of an input. Mutated text is parsed with the platform's `JSON.parse` (the validators are the target
 * here, not the parser); text that is no longer JSON is validated as the string itself.
 */
function inputValue(input: WireInput): unknown {
  if ('value' in input) return input.value
  try {
    return JSON.parse(input.text)
  } catch {
    return input.text
  }
}

/** Inputs for a union validator: anything, JSON values, real frames, mutated real frames, typed random frames. */
function frameInputs(
  frames: readonly unknown[],
  types: readonly string[],
  limits: MutationLimits,
): fc.Arbitrary<WireInput> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.anything().map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.constantFrom(...frames).map((f) => ({ value: structuredClone(f) })) },
    { weight: 6, arbitrary: mutatedTextArb(frames, frames, limits).map((text) => ({ text })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...types),
          fc.dictionary(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 2 })),
        )
        .map(([type, rest]) => ({ value: { ...rest, type } })),
    },
  )
}

function unionTarget(
  name: string,
  description: string,
  union: Checker,
  checkers: Record<string, Checker>,
  frames: (c: Corpus) => readonly unknown[],
): FuzzTarget {
  return {
    name,
    description,
    weight: name === 'wire-node-frame' ? 0.2 : 0.12,
    ciRuns: 3_000,
    async prepare(corpus, limits): Promise<PreparedTarget<unknown>> {
      const real = frames(corpus)
      const realSet = new Set(real)
      for (const f of real) {
        if ((union(f) as { ok: boolean }).ok !== true) {
          throw new ReliabilityError(
            'HARNESS_SETUP',
            `${name}: a real frame is rejected by the union validator`,
          )
        }
      }
      return {
        arbitrary: fc.oneof(
          frameInputs(real, Object.keys(checkers), limits),
          fc.constantFrom(...real).map((value) => ({ value })),
        ) as fc.Arbitrary<unknown>,
        check(raw: unknown, tally: Tally): void {
          const input = inputValue(raw as WireInput)
          let result: unknown
          try {
            result = union(input)
          } catch (e) {
            tally.find('uncaught', `${name} threw: ${e instanceof Error ? e.message : String(e)}`, input)
            return
          }
          const accepted = judgeCheckResult(name, result, input, tally, secretLikeStrings(input))
          if (accepted === undefined) return
          if (realSet.has(input) && !accepted) tally.find('invariant', `${name} rejected a real frame`, input)
          // Differential: the union accepts exactly what the validator of the frame's own type accepts.
          const type = (input as { type?: unknown } | null)?.type
          const own = typeof type === 'string' && Object.hasOwn(checkers, type) ? checkers[type] : undefined
          const ownOk = own ? (own(input) as { ok: boolean }).ok : false
          if (ownOk !== accepted) {
            tally.find(
              'invariant',
              `${name} disagrees with the validator of type ${String(type).slice(0, 30)}`,
              input,
            )
            return
          }
          tally.outcome(accepted ? 'accepted' : 'rejected', accepted ? undefined : 'issues')
        },
      }
    },
  }
}

/** `checkChatNodeFrame` (what a chat session dispatches on) against every chat node frame validator. */
export const wireNodeFrameTarget: FuzzTarget = unionTarget(
  'wire-node-frame',
  'checkChatNodeFrame (+ differential against each node frame validator)',
  wire.checkChatNodeFrame,
  NODE_CHECKERS,
  (c) => c.nodeFrames,
)

/** `checkChatClientFrame` against every chat client frame validator. */
export const wireClientFrameTarget: FuzzTarget = unionTarget(
  'wire-client-frame',
  'checkChatClientFrame (+ differential against each client frame validator)',
  wire.checkChatClientFrame,
  CLIENT_CHECKERS,
  (c) => c.clientFrames,
)

/** Every exported `check*` validator on the same input. */
export const wireCheckersTarget: FuzzTarget = {
  name: 'wire-checkers',
  description: `all ${ALL_CHECKERS.length} exported check* validators on each input`,
  weight: 0.1,
  ciRuns: 1_500,
  async prepare(corpus, limits): Promise<PreparedTarget<unknown>> {
    const values: unknown[] = [
      ...corpus.nodeFrames,
      ...corpus.clientFrames,
      ...corpus.sessionData.map((t) => wire.parseJson(t)),
      ...corpus.promptRequests,
      ...corpus.nodeFrames.map((f) => (f as { payload?: unknown }).payload).filter((p) => p !== undefined),
    ]
    return {
      arbitrary: frameInputs(
        values,
        ['connected', 'error', 'prompt', 'encrypted_chunk'],
        limits,
      ) as fc.Arbitrary<unknown>,
      check(raw: unknown, tally: Tally): void {
        const input = inputValue(raw as WireInput)
        const secrets = secretLikeStrings(input)
        let accepted = 0
        for (const [name, check] of ALL_CHECKERS) {
          let result: unknown
          try {
            result = check(input)
          } catch (e) {
            tally.find('uncaught', `${name} threw: ${e instanceof Error ? e.message : String(e)}`, input)
            return
          }
          const ok = judgeCheckResult(name, result, input, tally, secrets)
          if (ok === undefined) return
          if (ok) accepted++
        }
        tally.outcome(accepted > 0 ? 'accepted' : 'rejected', accepted > 0 ? undefined : 'issues')
      },
    }
  },
}
