import { answerChunks } from '@fabstir/node-sim'
import { parseJson, stringifyJson } from '@fabstir/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ProtocolEvent } from '../src/index.js'
import { expectWellFormedEvent, SESSION_STATES } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'

const PROMPT = 'What is 2+2?'
/** The true plaintext of each chunk index of the answer. */
const PIECES = [...answerChunks(PROMPT), '']

type Obj = Record<string, unknown>
const PATHS = [
  'type',
  'id',
  'session_id',
  'tokens',
  'final',
  'reason',
  'tokens_used',
  'finish_reason',
  'usage',
  'usage.total_tokens',
  'payload',
  'payload.ciphertextHex',
  'payload.nonceHex',
  'payload.aadHex',
  'payload.index',
] as const
const NODE_TYPES = [
  'connected',
  'session_init_ack',
  'encrypted_chunk',
  'encrypted_response',
  'stream_end',
  'stream_chunk',
  'error',
] as const
const HUGE = [
  2 ** 53,
  2 ** 53 + 2,
  2 ** 64,
  1e308,
  Number.MAX_VALUE,
  -1,
  -(2 ** 53),
  1.5,
  (1n << 64n) - 1n,
  1n << 70n,
]

type Mutation =
  | { kind: 'flipHex'; field: 'ciphertextHex' | 'nonceHex' | 'aadHex'; pos: number }
  | { kind: 'setIndex'; value: unknown }
  | { kind: 'remove'; path: (typeof PATHS)[number] }
  | { kind: 'set'; path: (typeof PATHS)[number]; value: unknown }
  | { kind: 'retype'; value: (typeof NODE_TYPES)[number] }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flipHex' as const),
    field: fc.constantFrom('ciphertextHex' as const, 'nonceHex' as const, 'aadHex' as const),
    pos: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('setIndex' as const),
    value: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constantFrom(...HUGE)),
  }),
  fc.record({ kind: fc.constant('remove' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({
    kind: fc.constant('set' as const),
    path: fc.constantFrom(...PATHS),
    value: fc.oneof(fc.anything(), fc.constantFrom(...HUGE), fc.string()),
  }),
  fc.record({ kind: fc.constant('retype' as const), value: fc.constantFrom(...NODE_TYPES) }),
)

/** One inbound frame: a (mutated) real node frame, or arbitrary junk. */
type Step =
  | { kind: 'real'; pick: 'next' | number; mutations: Mutation[]; asText: boolean }
  | { kind: 'junk'; value: unknown }
  | { kind: 'jsonText'; text: string }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('real' as const),
      pick: fc.oneof(fc.constant('next' as const), fc.nat({ max: 20 })),
      mutations: fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutationArb, { minLength: 1, maxLength: 3 })),
      asText: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('junk' as const), value: fc.anything() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('jsonText' as const), text: fc.oneof(fc.json(), fc.string()) }),
  },
)

function parentOf(frame: Obj, path: string): [Obj | undefined, string] {
  const parts = path.split('.')
  let node: unknown = frame
  for (const p of parts.slice(0, -1))
    node = node !== null && typeof node === 'object' ? (node as Obj)[p] : undefined
  return [
    node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Obj) : undefined,
    parts.at(-1)!,
  ]
}

function flipHexDigit(hex: string, pos: number): string {
  if (hex.length === 0) return hex
  const i = pos % hex.length
  const v = Number.parseInt(hex[i]!, 16)
  const c = Number.isNaN(v) ? '0' : (v ^ 1).toString(16)
  return `${hex.slice(0, i)}${c}${hex.slice(i + 1)}`
}

function mutate(frame: Obj, m: Mutation): void {
  switch (m.kind) {
    case 'flipHex': {
      const payload = frame.payload as Obj | undefined
      if (payload && typeof payload[m.field] === 'string')
        payload[m.field] = flipHexDigit(payload[m.field] as string, m.pos)
      return
    }
    case 'setIndex': {
      const payload = frame.payload as Obj | undefined
      if (payload && typeof payload === 'object') payload.index = m.value
      return
    }
    case 'remove': {
      const [parent, key] = parentOf(frame, m.path)
      if (parent) delete parent[key]
      return
    }
    case 'set': {
      const [parent, key] = parentOf(frame, m.path)
      if (parent) parent[key] = m.value
      return
    }
    case 'retype':
      frame.type = m.value
  }
}

function toText(value: unknown): string | undefined {
  try {
    return stringifyJson(value)
  } catch {
    return undefined
  }
}

describe('receive() on a streaming session never throws and never releases unauthenticated text', () => {
  it('holds for random and mutated frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 14 }), async (steps) => {
        const setup = setupEncrypted()
        await initAndWait(setup)
        setup.link.holding = true
        setup.link.send(setup.session.prompt(PROMPT, { id: 'p-1' }))
        await setup.link.idle()
        const real = setup.link.held.splice(0).map((t) => parseJson(t) as Obj)
        expect(real).toHaveLength(PIECES.length + 2)

        const session = setup.session
        let cursor = 0
        let failed = false
        let responded = false
        for (const step of steps) {
          let input: unknown
          if (step.kind === 'real') {
            const index = step.pick === 'next' ? cursor++ % real.length : step.pick % real.length
            const frame = structuredClone(real[index]!)
            for (const m of step.mutations) mutate(frame, m)
            input = step.asText ? (toText(frame) ?? frame) : frame
          } else if (step.kind === 'junk') {
            input = step.value
          } else {
            input = step.text
          }

          let events: ProtocolEvent[] = []
          expect(() => {
            events = session.receive(input as string | object)
          }).not.toThrow()
          expect(Array.isArray(events)).toBe(true)
          for (const e of events) {
            expectWellFormedEvent(e)
            if (e.type === 'chunk') expect(e.text).toBe(PIECES[e.index])
            if (e.type === 'response') {
              expect(e.finishReason).toBe('stop')
              responded = true
            }
            // an answer only completes after its authenticated encrypted_response
            if (e.type === 'end') expect(responded).toBe(true)
            if (e.type === 'error' && e.error.fatal) expect(session.state).toBe('failed')
          }
          if (failed) expect(events).toEqual([])
          expect(SESSION_STATES).toContain(session.state)
          if (session.state === 'failed') failed = true
        }
      }),
      { numRuns: 150 },
    )
  })

  it('holds for arbitrary values on a ready session too', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.string()), (value) => {
        const events = setup.session.receive(value as string | object)
        expect(Array.isArray(events)).toBe(true)
        for (const e of events) expectWellFormedEvent(e)
        expect(SESSION_STATES).toContain(setup.session.state)
      }),
      { numRuns: 500 },
    )
  })
})
