import type { Faults } from '@fabstir/node-sim'
import { answerChunks } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import type { ChunkEvent, FabstirErrorCode, SessionState } from '../src/index.js'
import { errorsOf, expectWellFormedEvent, textOf } from './helpers/events.js'
import { initAndWait, Link, setupEncrypted } from './helpers/harness.js'
import { isZeroed } from './helpers/random-capture.js'

const PROMPT = 'What is 2+2?'
const ANSWER = '2 + 2 = 4.'
/** The true plaintext of each chunk index: the word pieces, then the empty final chunk. */
const PIECES = [...answerChunks(PROMPT), '']

interface FaultCase {
  name: string
  faults: Faults
  code: FabstirErrorCode
  fatal: boolean
  state: SessionState
  /** How many authenticated chunks reach the caller before the error. */
  delivered: number
}

const cases: FaultCase[] = [
  {
    name: 'tamperChunk',
    faults: { tamperChunk: 2 },
    code: 'DECRYPTION_FAILED',
    fatal: true,
    state: 'failed',
    delivered: 2,
  },
  {
    name: 'tamperChunk on the final chunk',
    faults: { tamperChunk: 5 },
    code: 'DECRYPTION_FAILED',
    fatal: true,
    state: 'failed',
    delivered: 5,
  },
  {
    name: 'wrongAadChunk',
    faults: { wrongAadChunk: 1 },
    code: 'DECRYPTION_FAILED',
    fatal: true,
    state: 'failed',
    delivered: 1,
  },
  {
    name: 'reorderChunks',
    faults: { reorderChunks: [1, 3] },
    code: 'CHUNK_OUT_OF_ORDER',
    fatal: true,
    state: 'failed',
    delivered: 1,
  },
  {
    name: 'reorderChunks of neighbours',
    faults: { reorderChunks: [0, 1] },
    code: 'CHUNK_OUT_OF_ORDER',
    fatal: true,
    state: 'failed',
    delivered: 0,
  },
  {
    name: 'replayChunk',
    faults: { replayChunk: 1 },
    code: 'CHUNK_OUT_OF_ORDER',
    fatal: true,
    state: 'failed',
    delivered: 2,
  },
  {
    name: 'replayChunk of the final chunk',
    faults: { replayChunk: 5 },
    code: 'CHUNK_OUT_OF_ORDER',
    fatal: true,
    state: 'failed',
    delivered: 6,
  },
  {
    name: 'dropChunk',
    faults: { dropChunk: 2 },
    code: 'CHUNK_OUT_OF_ORDER',
    fatal: true,
    state: 'failed',
    delivered: 2,
  },
  {
    name: 'dropChunk of the final chunk',
    faults: { dropChunk: 5 },
    code: 'STREAM_TRUNCATED',
    fatal: true,
    state: 'failed',
    delivered: 5,
  },
  {
    name: 'forgeStreamEnd',
    faults: { forgeStreamEnd: true },
    code: 'STREAM_TRUNCATED',
    fatal: true,
    state: 'failed',
    delivered: 1,
  },
  {
    name: 'encryptionFailureAtChunk',
    faults: { encryptionFailureAtChunk: 2 },
    code: 'ENCRYPTION_FAILED',
    fatal: false,
    state: 'ready',
    delivered: 2,
  },
]

describe('node faults', () => {
  it('has the answer the fault table assumes', () => {
    expect(PIECES.join('')).toBe(ANSWER)
    expect(PIECES).toHaveLength(6)
  })

  it.each(cases)('$name → $code', async (c) => {
    const setup = setupEncrypted({ core: { faults: c.faults } })
    const { outcome, sessionKey } = await initAndWait(setup)
    expect(outcome.type).toBe('ready')
    const frame = setup.session.prompt(PROMPT)
    const events = await setup.link.exchange(frame)
    for (const e of events) expectWellFormedEvent(e)

    // exactly one error, with the expected code and its request
    const errors = errorsOf(events)
    expect(errors.map((e) => e.code)).toEqual([c.code])
    const error = errors[0]!
    expect(error.fatal).toBe(c.fatal)
    expect(error.requestId).toBe(frame.id)
    expect(error.sessionId ?? setup.session.sessionId).toBe(setup.session.sessionId)

    // only authenticated text was delivered: each chunk is the true piece of its index, in order
    const chunks = events.filter((e): e is ChunkEvent => e.type === 'chunk')
    expect(chunks.map((ch) => ch.index)).toEqual(chunks.map((_, i) => i))
    for (const ch of chunks) expect(ch.text).toBe(PIECES[ch.index])
    expect(chunks).toHaveLength(c.delivered)
    expect(ANSWER.startsWith(textOf(events))).toBe(true)
    expect(events.some((e) => e.type === 'response' || e.type === 'end')).toBe(false)
    // nothing after the error is surfaced (the node's remaining frames are ignored)
    expect(events.at(-1)).toEqual({ type: 'error', error })

    expect(setup.session.state).toBe(c.state)
    expect(setup.session.inFlightId).toBeUndefined()
    expect(isZeroed(sessionKey)).toBe(c.fatal)
    if (c.fatal) {
      expect(() => setup.session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }))
    } else {
      // a non-fatal node error leaves the session usable
      setup.core.setFaults({})
      const again = await setup.link.exchange(setup.session.prompt(PROMPT))
      expect(errorsOf(again)).toEqual([])
      expect(textOf(again)).toBe(ANSWER)
    }
  })

  it('closeMidStream → CONNECTION_LOST for the request in flight, keys zeroed, re-init on a new connection', async () => {
    const setup = setupEncrypted({ core: { faults: { closeMidStream: 2 } } })
    const { outcome, sessionKey } = await initAndWait(setup)
    expect(outcome.type).toBe('ready')
    const frame = setup.session.prompt(PROMPT)
    const events = await setup.link.exchange(frame)
    expect(setup.link.transportClosed).toBe(true)
    const errors = errorsOf(events)
    expect(errors.map((e) => e.code)).toEqual(['CONNECTION_LOST'])
    expect(errors[0]!.requestId).toBe(frame.id)
    expect(textOf(events)).toBe(PIECES.slice(0, 3).join(''))
    expect(setup.session.state).toBe('new')
    expect(isZeroed(sessionKey)).toBe(true)

    // a transport reconnects: same session object and id, new connection, new key
    setup.core.setFaults({})
    const relink = new Link(setup.session, setup.core)
    const init = await setup.session.init()
    expect(init.session_id).toBe(setup.session.sessionId)
    relink.send(init)
    expect(await relink.waitFor((e) => e.type === 'ready' || e.type === 'error')).toMatchObject({
      type: 'ready',
    })
    const again = await relink.exchange(setup.session.prompt(PROMPT))
    expect(textOf(again)).toBe(ANSWER)
    expect(announcedAadOf(relink.outbound.at(-1)!)).toBe('message_0')
  })

  it('delayMs only delays: the answer is unchanged', async () => {
    const setup = setupEncrypted({ core: { faults: { delayMs: 1 } } })
    await initAndWait(setup)
    const events = await setup.link.exchange(setup.session.prompt(PROMPT))
    expect(errorsOf(events)).toEqual([])
    expect(textOf(events)).toBe(ANSWER)
  })

  it('silent: an unanswered init leaves the session initializing (timeouts belong to the transport)', async () => {
    const setup = setupEncrypted({ core: { faults: { silent: true } } })
    const init = await setup.session.init()
    setup.link.send(init)
    await setup.link.idle()
    await new Promise((resolve) => setImmediate(resolve))
    expect(setup.link.inbound).toHaveLength(1) // only the greeting
    expect(setup.session.state).toBe('initializing')
    // the transport gives up: the session can re-init later
    expect(setup.session.connectionLost()).toEqual([])
    expect(setup.session.state).toBe('new')
  })
})

function announcedAadOf(text: string): string {
  const frame = JSON.parse(text) as { payload: { aadHex: string } }
  return Buffer.from(frame.payload.aadHex, 'hex').toString('utf8')
}
