import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { type ChunkEvent, createPlaintextSession, FabstirError } from '../src/index.js'
import { errorsOf, expectWellFormedEvent, textOf } from './helpers/events.js'
import { ManualSleep, setupPlaintext } from './helpers/harness.js'

const PROMPT = 'What is 2+2?'

describe('plaintext session (deprecated path) against the node core', () => {
  it('runs init → ready, prompt → chunks → end', async () => {
    const { session, link } = setupPlaintext()
    expect(session.encrypted).toBe(false)
    const init = await session.init({ id: 'init-1' })
    expect(init).toEqual({
      type: 'session_init',
      id: 'init-1',
      session_id: session.sessionId,
      chain_id: 84532,
      job_id: 12345,
    })
    link.send(init)
    const ready = await link.waitFor((e) => e.type === 'ready' || e.type === 'error')
    expect(ready).toEqual({ type: 'ready', sessionId: session.sessionId, clientAddress: undefined })
    expect(session.state).toBe('ready')

    const frame = session.prompt(PROMPT)
    expect(frame).toEqual({ type: 'prompt', id: frame.id, session_id: session.sessionId, prompt: PROMPT })
    expect(session.state).toBe('streaming')
    const events = await link.exchange(frame)
    for (const e of events) expectWellFormedEvent(e)
    expect(errorsOf(events)).toEqual([])
    const chunks = events.filter((e): e is ChunkEvent => e.type === 'chunk')
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i))
    expect(textOf(chunks)).toBe('2 + 2 = 4.')
    expect(chunks.at(-1)).toMatchObject({ final: true, text: '', tokens: 0 })
    expect(events.map((e) => e.type)).toEqual([...chunks.map(() => 'chunk'), 'end'])
    expect(events.at(-1)).toMatchObject({
      type: 'end',
      id: frame.id,
      reason: 'complete',
      tokensUsed: chunks.length - 1,
    })
    expect(session.state).toBe('ready')

    // a second prompt with options
    const second = session.prompt({
      prompt: 'Tell me about the sea and the sky',
      max_tokens: 2,
      temperature: 0.5,
    })
    expect(second).toMatchObject({ max_tokens: 2, temperature: 0.5 })
    const more = await link.exchange(second)
    expect(textOf(more)).toBe(expectedAnswer('Tell me about the sea and the sky', 2))
    expect(more.at(-1)).toMatchObject({ type: 'end', finishReason: 'length' })
  })

  it('enforces the same prompt rules', async () => {
    const { session, link } = setupPlaintext()
    expect(() => session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }))
    link.send(await session.init())
    await link.waitFor((e) => e.type === 'ready')
    expect(() => session.prompt({ prompt: 'x', max_tokens: 2 ** 32 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PROMPT' }),
    )
    const frame = session.prompt(PROMPT)
    expect(() => session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'PROMPT_IN_FLIGHT' }))
    await link.exchange(frame)
    session.close()
    expect(() => session.prompt(PROMPT)).toThrow(expect.objectContaining({ code: 'SESSION_CLOSED' }))
  })

  it('cancels mid-stream', async () => {
    const pacer = new ManualSleep()
    const { session, link } = setupPlaintext({ core: { chunkDelayMs: 1, sleep: pacer.sleep } })
    link.send(await session.init())
    await link.waitFor((e) => e.type === 'ready')
    const frame = session.prompt(PROMPT)
    const from = link.events.length
    link.send(frame)
    await pacer.untilPending()
    pacer.releaseAll()
    await link.waitFor((e) => e.type === 'chunk', from)
    await pacer.untilPending()
    link.send(session.cancel()!)
    const end = await link.waitFor((e) => e.type === 'end', from)
    pacer.releaseAll()
    await link.idle()
    expect(end).toMatchObject({ id: frame.id, reason: 'cancelled' })
    expect(session.state).toBe('ready')
  })

  it('ignores encrypted frames', async () => {
    const { session, link } = setupPlaintext()
    link.send(await session.init())
    await link.waitFor((e) => e.type === 'ready')
    const frame = session.prompt(PROMPT, { id: 'p-1' })
    link.holding = true
    link.send(frame)
    await link.idle()
    const chunk = {
      type: 'encrypted_chunk',
      id: 'p-1',
      session_id: session.sessionId,
      tokens: 1,
      payload: { ciphertextHex: '00'.repeat(17), nonceHex: '00'.repeat(24), aadHex: '00', index: 0 },
    }
    expect(link.deliver(chunk)).toEqual([])
    expect(textOf(link.releaseHeld())).toBe('2 + 2 = 4.')
  })

  it('validates its options', () => {
    expect(() => createPlaintextSession({ jobId: 'abc' })).toThrow(FabstirError)
    expect(() => createPlaintextSession({ jobId: 1, chainId: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => createPlaintextSession({ jobId: 1, sessionId: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })
})
