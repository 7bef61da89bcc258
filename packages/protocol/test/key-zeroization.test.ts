import { describe, expect, it } from 'vitest'
import { textOf } from './helpers/events.js'
import { initAndWait, setupEncrypted, trackedInit } from './helpers/harness.js'
import { isZeroed } from './helpers/random-capture.js'

describe('key zeroization (keys are drawn with crypto.getRandomValues and wiped in place)', () => {
  it('wipes the ephemeral private key before init() resolves, and keeps the session key alive while in use', async () => {
    const setup = setupEncrypted()
    const tracked = await trackedInit(setup)
    expect(isZeroed(tracked.ephemeralKey)).toBe(true)
    expect(isZeroed(tracked.sessionKey)).toBe(false)
    expect(tracked.sessionKey).toEqual(tracked.opened.sessionKey)
    setup.link.send(tracked.frame)
    await setup.link.waitFor((e) => e.type === 'ready')
    expect(textOf(await setup.link.exchange(setup.session.prompt('What is 2+2?')))).toBe('2 + 2 = 4.')
    expect(isZeroed(tracked.sessionKey)).toBe(false)
  })

  it('wipes the session key on close()', async () => {
    const setup = setupEncrypted()
    const { sessionKey } = await initAndWait(setup)
    setup.session.close()
    expect(isZeroed(sessionKey)).toBe(true)
  })

  it('wipes the session key on close() mid-stream and ignores the rest of the answer', async () => {
    const setup = setupEncrypted()
    const { sessionKey } = await initAndWait(setup)
    setup.link.holding = true
    setup.link.send(setup.session.prompt('What is 2+2?'))
    await setup.link.idle()
    setup.session.close()
    expect(isZeroed(sessionKey)).toBe(true)
    expect(setup.link.releaseHeld()).toEqual([])
    expect(setup.session.state).toBe('closed')
  })

  it('wipes the session key of an init that was built but never acknowledged, on close()', async () => {
    const setup = setupEncrypted()
    const tracked = await trackedInit(setup)
    expect(setup.session.state).toBe('initializing')
    setup.session.close()
    expect(isZeroed(tracked.sessionKey)).toBe(true)
  })

  it('replaces and wipes the old key when a session re-initialises', async () => {
    const setup = setupEncrypted()
    const first = await initAndWait(setup)
    setup.session.connectionLost()
    const second = await initAndWait(setup)
    expect(isZeroed(first.sessionKey)).toBe(true)
    expect(isZeroed(second.sessionKey)).toBe(false)
    expect(second.sessionKey).not.toBe(first.sessionKey)
  })
})
