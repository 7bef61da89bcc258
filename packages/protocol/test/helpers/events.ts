import { ERROR_CODES } from '@fabstir/wire'
import { expect } from 'vitest'
import { FabstirError, type ProtocolEvent, type SessionState } from '../../src/index.js'

/** The six states of a session. */
export const SESSION_STATES: readonly SessionState[] = [
  'new',
  'initializing',
  'ready',
  'streaming',
  'closed',
  'failed',
]

const EVENT_KEYS: Record<ProtocolEvent['type'], { required: string[]; optional: string[] }> = {
  connected: { required: ['type'], optional: [] },
  ready: { required: ['type', 'sessionId', 'clientAddress'], optional: [] },
  chunk: { required: ['type', 'id', 'index', 'text', 'tokens', 'final'], optional: [] },
  response: { required: ['type', 'id', 'finishReason'], optional: [] },
  end: {
    required: ['type', 'id', 'reason', 'tokensUsed'],
    optional: ['finishReason', 'usage', 'vlmTokens', 'image'],
  },
  error: { required: ['type', 'error'], optional: [] },
  warning: { required: ['type', 'id', 'warning'], optional: [] },
  // Action flows (src/actions/).
  progress: { required: ['type', 'id', 'kind', 'progress'], optional: [] },
  result: { required: ['type', 'id', 'kind', 'result'], optional: [] },
  send: { required: ['type', 'frame'], optional: [] },
}

/** Assert that `event` is one of the six event shapes, with the right field types and no unexpected keys. */
export function expectWellFormedEvent(event: unknown): asserts event is ProtocolEvent {
  expect(event).toBeTypeOf('object')
  const e = event as Record<string, unknown>
  const spec = EVENT_KEYS[e.type as ProtocolEvent['type']]
  expect(spec, `unknown event type ${String(e.type)}`).toBeDefined()
  for (const key of spec!.required) expect(e, `event ${String(e.type)} lacks ${key}`).toHaveProperty(key)
  for (const key of Object.keys(e)) expect([...spec!.required, ...spec!.optional]).toContain(key)
  switch (e.type) {
    case 'ready':
      expect(e.sessionId).toBeTypeOf('string')
      if (e.clientAddress !== undefined) expect(e.clientAddress).toMatch(/^0x[0-9a-f]{40}$/)
      break
    case 'chunk':
      expect(e.id).toBeTypeOf('string')
      expect(Number.isSafeInteger(e.index) && (e.index as number) >= 0).toBe(true)
      expect(e.text).toBeTypeOf('string')
      expect(Number.isSafeInteger(e.tokens) && (e.tokens as number) >= 0).toBe(true)
      expect(e.final).toBeTypeOf('boolean')
      break
    case 'response':
      expect(e.id).toBeTypeOf('string')
      expect(e.finishReason).toBeTypeOf('string')
      break
    case 'end':
      expect(e.id).toBeTypeOf('string')
      expect(e.reason).toBeTypeOf('string')
      expect(Number.isSafeInteger(e.tokensUsed)).toBe(true)
      break
    case 'error': {
      const error = e.error as FabstirError
      expect(error).toBeInstanceOf(FabstirError)
      expect(Object.keys(ERROR_CODES)).toContain(error.code)
      expect(error.message).toBeTypeOf('string')
      expect(error.fatal).toBeTypeOf('boolean')
      expect(error.retryable).toBeTypeOf('boolean')
      break
    }
  }
}

/** The error events among `events`. */
export function errorsOf(events: readonly ProtocolEvent[]): FabstirError[] {
  return events.flatMap((e) => (e.type === 'error' ? [e.error] : []))
}

/** The concatenated text of the chunk events among `events`. */
export function textOf(events: readonly ProtocolEvent[]): string {
  return events.map((e) => (e.type === 'chunk' ? e.text : '')).join('')
}

/** The code of the `FabstirError` that `fn` throws (asserting it is one), or `undefined` when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FabstirError)
    return (e as FabstirError).code
  }
  return undefined
}
