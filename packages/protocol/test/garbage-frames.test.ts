import { describe, expect, it, vi } from 'vitest'
import { MAX_FRAME_BYTES } from '../src/index.js'
import { errorsOf, textOf } from './helpers/events.js'
import { type EncryptedSetup, initAndWait, setupEncrypted } from './helpers/harness.js'

async function ready(): Promise<EncryptedSetup> {
  const setup = setupEncrypted()
  await initAndWait(setup)
  return setup
}

async function streaming(): Promise<EncryptedSetup> {
  const setup = await ready()
  setup.link.holding = true
  setup.link.send(setup.session.prompt('What is 2+2?'))
  await setup.link.idle()
  return setup
}

describe('garbage inbound frames', () => {
  it.each([
    ['a non-JSON string', 'this is not json {'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['a JSON string', '"encrypted_chunk"'],
    ['an empty string', ''],
  ])('%s → INVALID_FRAME, the session goes on', async (_, text) => {
    for (const setup of [await ready(), await streaming()]) {
      const state = setup.session.state
      const events = setup.link.deliver(text)
      expect(errorsOf(events).map((e) => [e.code, e.fatal])).toEqual([['INVALID_FRAME', false]])
      expect(setup.session.state).toBe(state)
      if (state === 'streaming') expect(textOf(setup.link.releaseHeld())).toBe('2 + 2 = 4.')
    }
  })

  it.each([
    ['an unknown type', { type: 'totally_new_frame', data: 1 }],
    ['a client frame type echoed back', { type: 'stream_cancel', session_id: 'x' }],
    ['no type at all', { hello: 'world' }],
    ['a numeric type', { type: 7 }],
  ])('%s → ignored: no event', async (_, frame) => {
    for (const setup of [await ready(), await streaming()]) {
      const state = setup.session.state
      expect(setup.link.deliver(frame)).toEqual([])
      expect(setup.link.deliver(JSON.stringify(frame))).toEqual([])
      expect(setup.session.state).toBe(state)
    }
  })

  it('a known type with a bad shape outside an answer → INVALID_FRAME, not fatal', async () => {
    const setup = await ready()
    const events = setup.link.deliver({ type: 'stream_end', reason: 42 })
    expect(errorsOf(events).map((e) => [e.code, e.fatal])).toEqual([['INVALID_FRAME', false]])
    expect(errorsOf(events)[0]!.details).toMatchObject({ frameType: 'stream_end' })
    expect(setup.session.state).toBe('ready')
  })

  it('ignores a malformed frame that names another request, even mid-answer', async () => {
    const setup = await streaming()
    const stale = { type: 'encrypted_chunk', id: 'req-old', tokens: 1, payload: 'not a payload' }
    expect(setup.link.deliver(stale)).toEqual([])
    expect(setup.link.deliver({ type: 'stream_end', id: 'req-old', reason: 7 })).toEqual([])
    expect(setup.session.state).toBe('streaming')
    expect(textOf(setup.link.releaseHeld())).toBe('2 + 2 = 4.')
  })

  it(`rejects a string over ${MAX_FRAME_BYTES} characters with INVALID_FRAME without parsing it`, async () => {
    expect(MAX_FRAME_BYTES).toBe(64 * 1024 * 1024)
    const setup = await streaming()
    // valid JSON: if it were parsed it would be a string, i.e. a different error
    const huge = `"${'x'.repeat(MAX_FRAME_BYTES)}"`
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const events = setup.link.deliver(huge)
      expect(parse).not.toHaveBeenCalled()
      const errors = errorsOf(events)
      expect(errors.map((e) => [e.code, e.fatal])).toEqual([['INVALID_FRAME', false]])
      expect(errors[0]!.message).toMatch(/64 MiB/)
      expect(errors[0]!.message.length).toBeLessThan(200)
    } finally {
      parse.mockRestore()
    }
    expect(setup.session.state).toBe('streaming')
    expect(textOf(setup.link.releaseHeld())).toBe('2 + 2 = 4.')
  })

  it('accepts a frame of exactly the limit for parsing', async () => {
    const setup = await ready()
    const padded = JSON.stringify({ type: 'connected', message: '' })
    const exact = padded.replace('""', `"${'x'.repeat(MAX_FRAME_BYTES - padded.length)}"`)
    expect(exact.length).toBe(MAX_FRAME_BYTES)
    expect(setup.link.deliver(exact)).toEqual([{ type: 'connected' }])
  })

  it('ignores acknowledgements when not initializing', async () => {
    const setup = await ready()
    const ack = {
      type: 'session_init_ack',
      status: 'success',
      session_id: setup.session.sessionId,
      client_address: `0x${'22'.repeat(20)}`,
    }
    expect(setup.link.deliver(ack)).toEqual([])
    expect(setup.session.state).toBe('ready')
    expect(setup.session.clientAddress).toBe(setup.signer.address.toLowerCase())
  })

  it('ignores an acknowledgement for another init request', async () => {
    const setup = setupEncrypted()
    const init = await setup.session.init({ id: 'init-2' })
    const ack = {
      type: 'session_init_ack',
      status: 'success',
      session_id: setup.session.sessionId,
      client_address: setup.signer.address.toLowerCase(),
      id: 'init-1',
    }
    expect(setup.link.deliver(ack)).toEqual([])
    expect(setup.session.state).toBe('initializing')
    setup.link.send(init)
    expect(await setup.link.waitFor((e) => e.type === 'ready')).toMatchObject({ type: 'ready' })
  })

  it('fails on an acknowledgement for another session id', async () => {
    const setup = setupEncrypted()
    await setup.session.init({ id: 'init-3' })
    const ack = {
      type: 'session_init_ack',
      status: 'success',
      session_id: 'someone-else',
      client_address: setup.signer.address.toLowerCase(),
      id: 'init-3',
    }
    const events = setup.link.deliver(ack)
    expect(errorsOf(events).map((e) => [e.code, e.fatal])).toEqual([['INVALID_FRAME', true]])
    expect(setup.session.state).toBe('failed')
  })
})
