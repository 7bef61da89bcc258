import { getPublicKey } from '@fabstir/crypto'
import {
  type EncryptedMessageFrame,
  type EncryptedSessionInitFrame,
  ERROR_CODES,
  type ErrorCode,
  parseJson,
} from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import { type FabstirError, type FabstirErrorCode, isFabstirError } from '../src/index.js'
import { errorsOf, expectWellFormedEvent, textOf } from './helpers/events.js'
import { type EncryptedSetup, initAndWait, setupEncrypted } from './helpers/harness.js'
import { announcedAad, sealPayload } from './helpers/node-view.js'
import { capture32, isZeroed } from './helpers/random-capture.js'
import { randomPrivateKey } from './helpers/signers.js'

const PROMPT = 'What is 2+2?'
const ANSWER = '2 + 2 = 4.'

/** The raw node error frame that answered request `id`. */
function nodeErrorFrame(setup: EncryptedSetup, id: string): Record<string, unknown> {
  const frames = setup.link.inbound.map((t) => parseJson(t) as Record<string, unknown>)
  const frame = frames.find((f) => f.type === 'error' && f.id === id)
  expect(frame, `no error frame with id ${id}`).toBeDefined()
  return frame!
}

/** The error fields that come from the shared error table. */
function expectTableFields(error: FabstirError, code: FabstirErrorCode): void {
  expect(error.code).toBe(code)
  const info = ERROR_CODES[code as ErrorCode]
  expect(info).toBeDefined()
  expect(error.retryable).toBe(error.code === 'RATE_LIMITED' ? true : info.retryable)
  expect(error.docsUrl.endsWith(`#${code.toLowerCase()}`)).toBe(true)
}

function flipHexDigit(hex: string, at = 0): string {
  const c = hex[at]!
  return `${hex.slice(0, at)}${c === '0' ? '1' : '0'}${hex.slice(at + 1)}`
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] } & Record<string, unknown>

describe('node init errors (shape A, id echoed) → typed errors on the initializing session', () => {
  const cases: Array<[FabstirErrorCode, (f: Mutable<EncryptedSessionInitFrame>) => void]> = [
    [
      'MISSING_PAYLOAD',
      (f) => {
        delete (f as Record<string, unknown>).payload
      },
    ],
    [
      'INVALID_PAYLOAD',
      (f) => {
        delete (f.payload as unknown as Record<string, unknown>).aadHex
      },
    ],
    [
      'INVALID_HEX_ENCODING',
      (f) => {
        f.payload.ciphertextHex = `zz${f.payload.ciphertextHex.slice(2)}`
      },
    ],
    [
      'INVALID_NONCE_SIZE',
      (f) => {
        f.payload.nonceHex = f.payload.nonceHex.slice(0, 24)
      },
    ],
    [
      'DECRYPTION_FAILED',
      (f) => {
        f.payload.ciphertextHex = flipHexDigit(f.payload.ciphertextHex, 10)
      },
    ],
  ]

  it.each(cases)('%s', async (code, mutate) => {
    const setup = setupEncrypted()
    const { settled, draws } = await captureInit(setup)
    const frame = structuredClone(settled) as Mutable<EncryptedSessionInitFrame>
    mutate(frame)
    setup.link.send(frame)
    const event = await setup.link.waitFor((e) => e.type === 'error' || e.type === 'ready')
    expectWellFormedEvent(event)
    expect(event.type).toBe('error')
    const error = (event as { error: FabstirError }).error
    expectTableFields(error, code)
    const raw = nodeErrorFrame(setup, 'init-7')
    expect(raw.code).toBe(code)
    expect(error.nodeMessage).toBe(raw.message)
    expect(error.requestId).toBe('init-7')
    expect(error.sessionId).toBe(setup.session.sessionId)
    // a retryable init error returns to `new`; anything else ends the session. The key is gone either way.
    expect(error.fatal).toBe(!error.retryable)
    expect(setup.session.state).toBe(error.retryable ? 'new' : 'failed')
    for (const d of draws) expect(isZeroed(d)).toBe(true)
  })

  it('ENCRYPTION_NOT_SUPPORTED from a keyless node is a fatal init error', async () => {
    const setup = setupEncrypted({
      core: { encryption: false },
      session: { nodePublicKey: getPublicKey(randomPrivateKey()) },
    })
    const init = await setup.session.init({ id: 'init-1' })
    setup.link.send(init)
    const event = await setup.link.waitFor((e) => e.type === 'error' || e.type === 'ready')
    expect(event.type).toBe('error')
    const error = (event as { error: FabstirError }).error
    expectTableFields(error, 'ENCRYPTION_NOT_SUPPORTED')
    expect(error.fatal).toBe(true)
    expect(error.requestId).toBe('init-1')
    expect(error.nodeMessage).toBe(nodeErrorFrame(setup, 'init-1').message)
    expect(setup.session.state).toBe('failed')
    expect(() => setup.session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }))
  })
})

/** init() with id `init-7`, keeping the live 32-byte buffers it drew. */
async function captureInit(setup: EncryptedSetup) {
  const { settled, draws } = await capture32(() => setup.session.init({ id: 'init-7' }))
  if (settled.status === 'rejected') throw settled.reason
  return { settled: settled.value, draws: draws.map((d) => d.live) }
}

describe('node message errors (shape A, id echoed) → typed errors for the request in flight', () => {
  const cases: Array<[FabstirErrorCode, (f: Mutable<EncryptedMessageFrame>, key: Uint8Array) => void]> = [
    [
      'MISSING_PAYLOAD',
      (f) => {
        delete (f as Record<string, unknown>).payload
      },
    ],
    [
      'MISSING_PAYLOAD_FIELDS',
      (f) => {
        delete (f.payload as unknown as Record<string, unknown>).nonceHex
      },
    ],
    [
      'INVALID_HEX_ENCODING',
      (f) => {
        f.payload.nonceHex = `${f.payload.nonceHex.slice(0, 46)}zz`
      },
    ],
    [
      'INVALID_NONCE_SIZE',
      (f) => {
        f.payload.nonceHex = f.payload.nonceHex.slice(0, 24)
      },
    ],
    [
      'DECRYPTION_FAILED',
      (f) => {
        f.payload.ciphertextHex = flipHexDigit(f.payload.ciphertextHex)
      },
    ],
    [
      'INVALID_UTF8',
      (f, key) => {
        f.payload = sealPayload(key, new Uint8Array([0xff, 0xfe, 0xfd]), 'message_0')
      },
    ],
  ]

  it.each(cases)('%s', async (code, mutate) => {
    const setup = setupEncrypted()
    const { sessionKey, sessionKeyCopy } = await initAndWait(setup)
    const prompt = setup.session.prompt(PROMPT, { id: 'p-1' })
    const frame = structuredClone(prompt) as Mutable<EncryptedMessageFrame>
    mutate(frame, sessionKeyCopy)
    const events = await setup.link.exchange(frame)
    expect(events).toHaveLength(1)
    const error = errorsOf(events)[0]!
    expectTableFields(error, code)
    const raw = nodeErrorFrame(setup, 'p-1')
    expect(raw.code).toBe(code)
    expect(error.nodeMessage).toBe(raw.message)
    expect(error.requestId).toBe('p-1')
    expect(error.fatal).toBe(false)
    // the node refused this request only: the session goes on
    expect(setup.session.state).toBe('ready')
    expect(isZeroed(sessionKey)).toBe(false)
    const next = setup.session.prompt(PROMPT)
    expect(announcedAad(next)).toBe('message_1')
    expect(textOf(await setup.link.exchange(next))).toBe(ANSWER)
  })

  it('MISSING_SESSION_ID (a connection that never initialised, a frame without session_id)', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const prompt = setup.session.prompt(PROMPT, { id: 'p-2' })
    const frame = structuredClone(prompt) as Mutable<EncryptedMessageFrame>
    delete (frame as Record<string, unknown>).session_id
    const replies: string[] = []
    const other = setup.core.openConnection((text) => replies.push(text))
    other.receive(JSON.stringify(frame))
    const reply = replies.map((t) => JSON.parse(t) as Record<string, unknown>).find((f) => f.type === 'error')
    expect(reply).toMatchObject({ code: 'MISSING_SESSION_ID', id: 'p-2' })
    const events = setup.link.deliver(JSON.stringify(reply))
    expect(events).toHaveLength(1)
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'MISSING_SESSION_ID')
    expect(error.requestId).toBe('p-2')
    expect(error.nodeMessage).toBe(reply!.message)
    expect(setup.session.state).toBe('ready')
  })

  it('SESSION_KEY_NOT_FOUND after a node restart → state new; re-init with the same session id; next prompt works', async () => {
    const setup = setupEncrypted()
    const first = await initAndWait(setup)
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)

    setup.core.restart()
    expect(setup.core.sessionCount).toBe(0)
    const lost = setup.session.prompt(PROMPT, { id: 'p-3' })
    const events = await setup.link.exchange(lost)
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'SESSION_KEY_NOT_FOUND')
    expect(error.requestId).toBe('p-3')
    expect(error.nodeMessage).toBe(nodeErrorFrame(setup, 'p-3').message)
    expect(error.fatal).toBe(false)
    expect(setup.session.state).toBe('new')
    expect(isZeroed(first.sessionKey)).toBe(true)
    expect(() => setup.session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }))

    const again = await initAndWait(setup)
    expect(again.outcome).toMatchObject({ type: 'ready', sessionId: setup.session.sessionId })
    expect(again.frame.session_id).toBe(first.frame.session_id)
    expect(again.opened.sessionKey).not.toEqual(first.opened.sessionKey)
    const next = setup.session.prompt(PROMPT)
    expect(announcedAad(next)).toBe('message_0')
    const answer = await setup.link.exchange(next)
    expect(errorsOf(answer)).toEqual([])
    expect(textOf(answer)).toBe(ANSWER)
  })

  it('SESSION_KEY_NOT_FOUND for an unknown session id', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const frame = { ...setup.session.prompt(PROMPT, { id: 'p-4' }), session_id: 'no-such-session' }
    const error = errorsOf(await setup.link.exchange(frame))[0]!
    expectTableFields(error, 'SESSION_KEY_NOT_FOUND')
    expect(error.requestId).toBe('p-4')
    expect(setup.session.state).toBe('new')
  })

  it('TOKEN_LIMIT_EXCEEDED carries prompt_tokens and context_window_size as details', async () => {
    const setup = setupEncrypted({ core: { contextWindowSize: 8 } })
    await initAndWait(setup)
    const long = 'Tell me a long story about the deep blue sea'
    const events = await setup.link.exchange(setup.session.prompt(long, { id: 'p-5' }))
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'TOKEN_LIMIT_EXCEEDED')
    const raw = nodeErrorFrame(setup, 'p-5')
    expect(raw.context_window_size).toBe(8)
    expect(raw.prompt_tokens).toBeGreaterThan(8)
    expect(error.details).toEqual({ promptTokens: raw.prompt_tokens, contextWindowSize: 8 })
    expect(error.requestId).toBe('p-5')
    expect(error.nodeMessage).toBe(raw.message)
    expect(setup.session.state).toBe('ready')
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)
  })
})

describe('shape B errors', () => {
  it('rate limit (rateLimitPerMinute: 1) → RATE_LIMITED with retryAfterMs 60000; fine again a minute later', async () => {
    let now = 1_000_000
    const setup = setupEncrypted({ core: { rateLimitPerMinute: 1, now: () => now } })
    await initAndWait(setup)
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)

    const limited = setup.session.prompt(PROMPT, { id: 'p-6' })
    const events = await setup.link.exchange(limited)
    expect(events).toHaveLength(1)
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'RATE_LIMITED')
    expect(isFabstirError(error, 'RATE_LIMITED')).toBe(true)
    expect(error.retryAfterMs).toBe(60_000)
    expect(error.retryable).toBe(true)
    expect(error.fatal).toBe(false)
    expect(error.requestId).toBe('p-6')
    expect(error.nodeMessage).toBe('Rate limit exceeded, retry after 60 seconds')
    expect(setup.session.state).toBe('ready')
    // the trailing stream_end {reason:"error"} did not end anything else
    expect(setup.link.inbound.at(-1)).toContain('"reason":"error"')

    now += 60_001
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)
  })

  it('a node validation error (temperature out of range, forged past the SDK) → NODE_ERROR with the node text', async () => {
    const setup = setupEncrypted()
    const { sessionKeyCopy } = await initAndWait(setup)
    const prompt = setup.session.prompt(PROMPT, { id: 'p-7' })
    const forged = {
      ...prompt,
      payload: sealPayload(sessionKeyCopy, JSON.stringify({ prompt: PROMPT, temperature: 2.5 }), 'message_0'),
    }
    const events = await setup.link.exchange(forged)
    expect(events).toHaveLength(1)
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'NODE_ERROR')
    expect(error.nodeMessage).toMatch(/temperature/i)
    expect(error.requestId).toBe('p-7')
    expect(setup.session.state).toBe('ready')
  })

  it('a shape B error without an id is attributed to the request in flight', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    setup.link.holding = true
    const prompt = setup.session.prompt(PROMPT, { id: 'p-8' })
    setup.link.send(prompt)
    await setup.link.idle()
    const events = setup.link.deliver({ type: 'error', error: 'Inference engine unavailable' })
    const error = errorsOf(events)[0]!
    expectTableFields(error, 'NODE_ERROR')
    expect(error.requestId).toBe('p-8')
    expect(error.nodeMessage).toBe('Inference engine unavailable')
    expect(setup.session.state).toBe('ready')
    // the held answer frames for p-8 now belong to no request and are ignored
    expect(setup.link.releaseHeld()).toEqual([])
  })

  it('an error for a request that is not in flight changes nothing', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const events = setup.link.deliver({
      type: 'error',
      code: 'DECRYPTION_FAILED',
      message: 'late',
      id: 'old',
    })
    expect(errorsOf(events).map((e) => [e.code, e.requestId, e.fatal])).toEqual([
      ['DECRYPTION_FAILED', 'old', false],
    ])
    expect(setup.session.state).toBe('ready')
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)
  })
})
