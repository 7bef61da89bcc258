import fc from 'fast-check'
import type { MutationLimits } from './mutations.js'

/**
 * Inputs a hostile node (or anyone on a plaintext hop) can send, beyond random mutation (issue 15): frames that are
 * huge, unterminated, deeply nested or escape-heavy, and frames whose unauthenticated fields contradict their
 * authenticated twins (stream_end.finish_reason vs encrypted_response, an ack status that is not "success") or
 * carry oversized node text. Sizes scale with `limits.maxLongString` (8 KiB in CI, 1 MiB in `pnpm fuzz`).
 */

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.max(1, Math.floor(length / unit.length)))
}

/** Huge / unterminated / deeply nested / escape-heavy frame texts. */
export function hostileFrameArb(limits: MutationLimits): fc.Arbitrary<string> {
  const size = fc.integer({ min: 1, max: limits.maxLongString })
  const shapes: ((n: number) => string)[] = [
    (n) => repeatTo('[', n),
    (n) => repeatTo('{', n),
    (n) => repeatTo('{"a":', n),
    (n) => `${repeatTo('[', n / 2)}${repeatTo(']', n / 2)}`,
    (n) => `${repeatTo('{"a":', n / 2)}0${repeatTo('}', n / 10)}`,
    (n) => `{"type":"error","error":"${repeatTo('x', n)}`,
    (n) => `{"type":"error","error":"${repeatTo('\\u0041', n)}"}`,
    (n) => `{"type":"error","error":"${repeatTo('\\n', n)}`,
    (n) => `{"type":"error","error":"${repeatTo('\\\\', n)}\\`,
    (n) => `{"type":"error","error":"${repeatTo('\\"', n)}"}`,
    (n) => `{"type":"error","error":"${repeatTo('\\ud800', n)}"}`,
    (n) => `[${repeatTo('0,', n)}0]`,
    (n) => `[${repeatTo('[],', n)}[]]`,
    (n) => `{"type":"stream_end","x":[${repeatTo('{},', n)}{}]}`,
    (n) => `"${repeatTo('x', n)}"`,
  ]
  return fc.tuple(fc.nat({ max: shapes.length - 1 }), size).map(([i, n]) => shapes[i]!(n))
}

/** Node text: ordinary, empty, or far over the 1 KB display cap. */
function nodeTextArb(limits: MutationLimits): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer({ min: 1025, max: Math.max(1025, limits.maxLongString) }).map((n) => 'A'.repeat(n)),
    fc.integer({ min: 1, max: 600 }).map((n) => '😀'.repeat(n)),
  )
}

const FINISH_REASONS = ['stop', 'length', 'cancelled', 'error', '', 'STOP']

/**
 * Frames that disagree with an authenticated twin or carry oversized text, built from a template's real frames:
 * the answer's stream_end with another finish_reason / reason / tokens (or made unusable: truncated, schema-invalid,
 * not an object), acks with a status other than "success", and error frames with huge messages and codes.
 */
export function twinDisagreementArb(
  answerFrames: readonly string[],
  limits: MutationLimits,
): fc.Arbitrary<string> {
  const parsed = answerFrames.flatMap((t) => {
    try {
      return [JSON.parse(t) as Record<string, unknown>]
    } catch {
      return []
    }
  })
  const end = parsed.find((f) => f.type === 'stream_end')
  const ack = parsed.find((f) => f.type === 'session_init_ack')
  const text = nodeTextArb(limits)
  const options: fc.Arbitrary<string>[] = [
    fc
      .record({ code: fc.oneof(fc.constant('ENCRYPTION_FAILED'), text), message: text })
      .map((f) => JSON.stringify({ type: 'error', ...f })),
    text.map((error) => JSON.stringify({ type: 'error', error })),
  ]
  if (end) {
    options.push(
      fc
        .record({
          finish_reason: fc.oneof(fc.constantFrom(...FINISH_REASONS), fc.string({ maxLength: 20 }), text),
          reason: fc.constantFrom('complete', 'error', 'cancelled'),
        })
        .map((patch) => JSON.stringify({ ...end, ...patch })),
      fc.tuple(fc.nat(), fc.constantFrom('cut', 'tokens', 'array', 'usage')).map(([at, how]) => {
        const whole = JSON.stringify(end)
        if (how === 'cut') return whole.slice(0, at % whole.length)
        if (how === 'tokens') return JSON.stringify({ ...end, tokens_used: 'many' })
        if (how === 'usage') return JSON.stringify({ ...end, usage: { prompt_tokens: -1 } })
        return '[1,2,3]'
      }),
    )
  }
  if (ack) {
    options.push(
      fc
        .record({
          status: fc.oneof(fc.constantFrom('success', 'failure', 'error', '', 'Success'), text),
          message: text,
        })
        .map((patch) => JSON.stringify({ ...ack, ...patch })),
    )
  }
  return fc.oneof(...options)
}
