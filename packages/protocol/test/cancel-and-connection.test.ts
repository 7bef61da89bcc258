import { describe, expect, it } from 'vitest'
import type { ChunkEvent } from '../src/index.js'
import { errorsOf, textOf } from './helpers/events.js'
import { initAndWait, ManualSleep, setupEncrypted } from './helpers/harness.js'
import { isZeroed } from './helpers/random-capture.js'

const PROMPT = 'What is 2+2?'
const ANSWER = '2 + 2 = 4.'

describe('cancel()', () => {
  it('mid-stream: builds stream_cancel, ends with reason cancelled, the session is ready and the next prompt works', async () => {
    const pacer = new ManualSleep()
    const setup = setupEncrypted({ core: { chunkDelayMs: 1, sleep: pacer.sleep } })
    const { sessionKey } = await initAndWait(setup)
    const frame = setup.session.prompt(PROMPT)
    const from = setup.link.events.length
    setup.link.send(frame)

    // let exactly one chunk through, then cancel while the node waits before the next one
    await pacer.untilPending()
    pacer.releaseAll()
    await setup.link.waitFor((e) => e.type === 'chunk' && e.index === 0, from)
    await pacer.untilPending()
    const cancel = setup.session.cancel()
    expect(cancel).toEqual({ type: 'stream_cancel', session_id: setup.session.sessionId })
    expect(setup.session.state).toBe('streaming')
    setup.link.send(cancel!)
    const end = await setup.link.waitFor((e) => e.type === 'end', from)
    pacer.releaseAll()
    await setup.link.idle()

    expect(end).toMatchObject({
      type: 'end',
      id: frame.id,
      reason: 'cancelled',
      finishReason: 'cancelled',
      tokensUsed: 1,
    })
    const events = setup.link.events.slice(from)
    expect(events.map((e) => e.type)).toEqual(['chunk', 'end'])
    expect((events[0] as ChunkEvent).text).toBe('2')
    expect(setup.session.state).toBe('ready')
    expect(setup.session.inFlightId).toBeUndefined()
    expect(isZeroed(sessionKey)).toBe(false)

    pacer.autoRelease = true
    const next = await setup.link.exchange(setup.session.prompt(PROMPT))
    expect(errorsOf(next)).toEqual([])
    expect(textOf(next)).toBe(ANSWER)
    expect(next.at(-1)).toMatchObject({ type: 'end', reason: 'complete' })
  })

  it('returns undefined when nothing streams', async () => {
    const setup = setupEncrypted()
    expect(setup.session.cancel()).toBeUndefined()
    await initAndWait(setup)
    expect(setup.session.cancel()).toBeUndefined()
    await setup.link.exchange(setup.session.prompt(PROMPT))
    expect(setup.session.cancel()).toBeUndefined()
    expect(setup.session.state).toBe('ready')
  })

  it('a cancel that loses the race against a complete answer still ends with reason complete', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    setup.link.holding = true
    const frame = setup.session.prompt(PROMPT)
    setup.link.send(frame)
    await setup.link.idle()
    const cancel = setup.session.cancel()
    expect(cancel).toBeDefined()
    setup.link.send(cancel!) // the node is idle: ignored, no reply
    await setup.link.idle()
    const events = setup.link.releaseHeld()
    expect(textOf(events)).toBe(ANSWER)
    expect(events.at(-1)).toMatchObject({
      type: 'end',
      id: frame.id,
      reason: 'complete',
      finishReason: 'stop',
    })
    expect(setup.session.state).toBe('ready')
  })
})

describe('connectionLost()', () => {
  it('mid-stream: CONNECTION_LOST for the request in flight, state new, key zeroed, late frames ignored', async () => {
    const setup = setupEncrypted()
    const { sessionKey } = await initAndWait(setup)
    setup.link.holding = true
    const frame = setup.session.prompt(PROMPT)
    setup.link.send(frame)
    await setup.link.idle()

    const events = setup.session.connectionLost()
    expect(events).toHaveLength(1)
    const error = errorsOf(events)[0]!
    expect(error.code).toBe('CONNECTION_LOST')
    expect(error.requestId).toBe(frame.id)
    expect(error.sessionId).toBe(setup.session.sessionId)
    expect(error.fatal).toBe(false)
    expect(setup.session.state).toBe('new')
    expect(setup.session.inFlightId).toBeUndefined()
    expect(isZeroed(sessionKey)).toBe(true)
    expect(setup.link.releaseHeld()).toEqual([])
    expect(() => setup.session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }))
  })

  it('while idle: no event, but the key is dropped and the session must re-init', async () => {
    const setup = setupEncrypted()
    const first = await initAndWait(setup)
    expect(setup.session.connectionLost()).toEqual([])
    expect(setup.session.state).toBe('new')
    expect(isZeroed(first.sessionKey)).toBe(true)
    // re-init on the same connection (the node keeps the session id and replaces the key)
    const again = await initAndWait(setup)
    expect(again.outcome.type).toBe('ready')
    expect(textOf(await setup.link.exchange(setup.session.prompt(PROMPT)))).toBe(ANSWER)
  })
})
