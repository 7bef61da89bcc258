import {
  type EncryptedSession,
  FabstirError,
  type PlaintextSession,
  type ProtocolEvent,
} from '@fabstir/protocol'
import { ERROR_CODES, parseJson } from '@fabstir/wire'
import fc from 'fast-check'
import type { Corpus } from '../corpus.js'
import { hostileFrameArb, twinDisagreementArb } from '../hostile-inputs.js'
import { type MutationLimits, mutatedTextArb } from '../mutations.js'
import {
  buildEncryptedTemplates,
  buildPlaintextTemplates,
  cloneSession,
  type SessionTemplate,
  sessionKeyOf,
  TEMPLATE_SIGNER,
} from '../session-templates.js'
import type { Tally } from '../tally.js'
import type { FuzzTarget, PreparedTarget } from '../target.js'

type AnySession = EncryptedSession | PlaintextSession
/** One case: a template, and a frame given as is (text or value) or as text to be turned into an object first. */
type Case = { template: number; frame: unknown; asObject?: boolean }

const STATES = new Set(['new', 'initializing', 'ready', 'streaming', 'closed', 'failed'])

/** Object-mode input: the text parsed with `JSON.parse` (receive() then skips its own parser), or the text itself. */
function objectOr(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A copy of an earlier-answer frame relabelled with the current request id: the cross-prompt replay input. */
function relabel(text: string, requestId: string): string {
  const frame = JSON.parse(text) as { id?: unknown }
  frame.id = requestId
  return JSON.stringify(frame)
}

function inputsFor(
  t: SessionTemplate<AnySession>,
  corpus: Corpus,
  limits: MutationLimits,
): fc.Arbitrary<{ frame: unknown; asObject?: boolean }> {
  const own = [...t.answerFrames, ...t.earlierFrames]
  const poolTexts = [...own, ...corpus.nodeTexts]
  const pool = poolTexts.map((x) => parseJson(x))
  const plain = (a: fc.Arbitrary<unknown>) => a.map((frame) => ({ frame }))
  const options: fc.WeightedArbitrary<{ frame: unknown; asObject?: boolean }>[] = [
    { weight: 1, arbitrary: plain(fc.anything()) },
    { weight: 1, arbitrary: plain(fc.json()) },
    { weight: 1, arbitrary: plain(fc.string()) },
    { weight: 2, arbitrary: plain(fc.constantFrom(...poolTexts)) },
    { weight: 6, arbitrary: plain(mutatedTextArb(pool, pool, limits)) },
    { weight: 2, arbitrary: mutatedTextArb(pool, pool, limits).map((frame) => ({ frame, asObject: true })) },
    { weight: 2, arbitrary: plain(hostileFrameArb(limits)) },
    { weight: 3, arbitrary: plain(twinDisagreementArb([...t.answerFrames, ...corpus.nodeTexts], limits)) },
  ]
  if (own.length > 0) {
    const ownValues = own.map((x) => parseJson(x))
    options.push({ weight: 4, arbitrary: plain(mutatedTextArb(ownValues, pool, limits)) })
  }
  if (t.requestId !== undefined && t.earlierFrames.length > 0) {
    const requestId = t.requestId
    options.push({
      weight: 3,
      arbitrary: plain(fc.constantFrom(...t.earlierFrames).map((x) => relabel(x, requestId))),
    })
  }
  return fc.oneof(...options)
}

/** Longest message a FabstirError may carry, and longest capped node text (1 KB + the "…(N more chars)" tail). */
const MAX_MESSAGE = 4096
const MAX_NODE_MESSAGE = 1024 + 40

/** The parsed frame object of a case, when it is one (to judge what the session did with its fields). */
function frameObject(frame: unknown): Record<string, unknown> | undefined {
  if (typeof frame === 'object' && frame !== null) return frame as Record<string, unknown>
  if (typeof frame !== 'string') return undefined
  try {
    const v = JSON.parse(frame) as unknown
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function judgeEvents(
  t: SessionTemplate<AnySession>,
  clone: AnySession,
  stateBefore: string,
  keyBefore: Uint8Array | undefined,
  events: ProtocolEvent[],
  input: unknown,
  tally: Tally,
): void {
  if (!Array.isArray(events)) {
    tally.find('invariant', 'receive() did not return an array', input)
    return
  }
  if (!STATES.has(clone.state)) tally.find('invariant', `unknown state ${String(clone.state)}`, input)
  let code: string | undefined
  for (const ev of events) {
    switch (ev.type) {
      case 'error': {
        const e = ev.error
        if (
          !(e instanceof FabstirError) ||
          typeof e.code !== 'string' ||
          !Object.hasOwn(ERROR_CODES, e.code)
        ) {
          tally.find('untyped', 'error event without a typed FabstirError', input)
          return
        }
        if (e.message.length > MAX_MESSAGE || (e.nodeMessage?.length ?? 0) > MAX_NODE_MESSAGE) {
          tally.find('invariant', `error message not capped (${e.message.length} chars)`, input)
          return
        }
        if (e.message.startsWith('internal error')) {
          const cause =
            e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message.slice(0, 120)}` : 'no cause'
          tally.find('internal', `receive() hit its safety net: ${cause}`, input)
          return
        }
        if (e.fatal) {
          if (clone.state !== 'failed')
            tally.find('invariant', `fatal ${e.code} but state ${clone.state}`, input)
          if (keyBefore?.some((b) => b !== 0)) {
            tally.find('invariant', `fatal ${e.code} left the session key live`, input)
          }
        }
        // After the authenticated end of an answer, only a tampered answer frame may still fail it (fatally); an
        // unauthenticated frame must not take the answer away with a non-fatal error.
        if (
          clone.encrypted &&
          t.label === 'streaming:after-response' &&
          !e.fatal &&
          (e.requestId === undefined || e.requestId === t.requestId)
        ) {
          tally.find('unauthenticated', `non-fatal ${e.code} destroyed an authenticated answer`, input)
          return
        }
        code ??= e.code
        break
      }
      case 'chunk': {
        if (!clone.encrypted) break
        const authentic =
          ev.id === t.requestId && ev.index < t.chunks.length && t.chunks[ev.index] === ev.text
        if (!authentic) {
          const earlier = t.earlierFrames.length > 0 && ev.id === t.requestId
          tally.find(
            earlier ? 'replay' : 'unauthenticated',
            `chunk ${ev.index} delivered ${JSON.stringify(ev.text.slice(0, 40))}, the authentic text is ${JSON.stringify((t.chunks[ev.index] ?? '<none>').slice(0, 40))}`,
            input,
          )
          return
        }
        if (stateBefore !== 'streaming')
          tally.find('invariant', `chunk delivered in state ${stateBefore}`, input)
        break
      }
      case 'response':
        if (ev.id !== t.requestId || ev.finishReason !== 'stop') {
          tally.find(
            'unauthenticated',
            `response ${ev.finishReason.slice(0, 20)} accepted for ${ev.id}`,
            input,
          )
          return
        }
        break
      case 'ready':
        if (stateBefore !== 'initializing' || clone.state !== 'ready') {
          tally.find('invariant', `ready event from state ${stateBefore}`, input)
          return
        }
        if (frameObject((input as { frame?: unknown }).frame)?.status !== 'success') {
          tally.find('unauthenticated', 'ready from an acknowledgement whose status is not "success"', input)
          return
        }
        if (clone.encrypted && ev.clientAddress !== TEMPLATE_SIGNER.identity.address) {
          tally.find('unauthenticated', 'ready with a client address that is not the signer', input)
          return
        }
        break
      case 'end':
        if (stateBefore !== 'streaming') tally.find('invariant', `end event in state ${stateBefore}`, input)
        // The authenticated finish reason is "stop" in every encrypted template: an unauthenticated stream_end may
        // refine it to "length", never replace it.
        if (
          clone.encrypted &&
          t.label === 'streaming:after-response' &&
          ev.finishReason !== 'stop' &&
          ev.finishReason !== 'length'
        ) {
          tally.find(
            'unauthenticated',
            `end with finish reason ${String(ev.finishReason).slice(0, 20)} over the authenticated "stop"`,
            input,
          )
          return
        }
        break
      case 'warning': {
        const w = ev.warning
        if (!(w instanceof FabstirError) || !Object.hasOwn(ERROR_CODES, w.code) || w.fatal) {
          tally.find('untyped', 'warning event without a typed, non-fatal FabstirError', input)
          return
        }
        if (w.message.length > MAX_MESSAGE) {
          tally.find('invariant', `warning message not capped (${w.message.length} chars)`, input)
          return
        }
        break
      }
      case 'connected':
        break
      default:
        tally.find('invariant', 'unknown event type', input)
        return
    }
  }
  if ((clone.state === 'failed' || clone.state === 'closed') && keyBefore && keyBefore.some((b) => b !== 0)) {
    tally.find('invariant', `state ${clone.state} with a live session key`, input)
    return
  }
  if (events.length === 0) tally.outcome('ignored')
  else if (code !== undefined) tally.outcome('rejected', code)
  else tally.outcome('accepted')
}

function receiveTarget(
  name: string,
  description: string,
  weight: number,
  build: () => Promise<SessionTemplate<AnySession>[]>,
): FuzzTarget {
  return {
    name,
    description,
    weight,
    ciRuns: 3_000,
    async prepare(corpus, limits): Promise<PreparedTarget<unknown>> {
      const templates = await build()
      const arbitrary: fc.Arbitrary<Case> = fc
        .nat({ max: templates.length - 1 })
        .chain((i) => inputsFor(templates[i]!, corpus, limits).map((c) => ({ template: i, ...c })))
      return {
        arbitrary: arbitrary as fc.Arbitrary<unknown>,
        check(raw: unknown, tally: Tally): void {
          const c = raw as Case
          const t = templates[c.template]!
          const frame = c.asObject ? objectOr(c.frame as string) : c.frame
          const clone = cloneSession(t.snapshot)
          const stateBefore = clone.state
          const keyBefore = sessionKeyOf(clone)
          let events: ProtocolEvent[]
          try {
            events = clone.receive(frame as string | object)
          } catch (e) {
            tally.find(
              'uncaught',
              `receive() threw in state ${t.label}: ${e instanceof Error ? e.message : String(e)}`,
              frame,
            )
            return
          }
          judgeEvents(t, clone, stateBefore, keyBefore, events, { state: t.label, frame }, tally)
        },
      }
    },
  }
}

/** `EncryptedSession.receive` in every state. */
export const receiveEncryptedTarget: FuzzTarget = receiveTarget(
  'receive-encrypted',
  'EncryptedSession.receive() in 10 states (new … failed) with anything, JSON, real and mutated node frames',
  0.13,
  buildEncryptedTemplates as () => Promise<SessionTemplate<AnySession>[]>,
)

/** `PlaintextSession.receive` in every state. */
export const receivePlaintextTarget: FuzzTarget = receiveTarget(
  'receive-plaintext',
  'PlaintextSession.receive() in 7 states with anything, JSON, real and mutated node frames',
  0.09,
  buildPlaintextTemplates as () => Promise<SessionTemplate<AnySession>[]>,
)
