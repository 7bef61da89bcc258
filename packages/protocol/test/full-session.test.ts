import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import type { ChunkEvent, EndEvent, ProtocolEvent, ResponseEvent } from '../src/index.js'
import { errorsOf, expectWellFormedEvent, textOf } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { announcedAad, openMessage } from './helpers/node-view.js'

const chunksOf = (events: readonly ProtocolEvent[]) =>
  events.filter((e): e is ChunkEvent => e.type === 'chunk')

describe('encrypted session against the node core', () => {
  it('runs init → ready → prompt → ordered chunks → response → end', async () => {
    const { session, link, signer } = setupEncrypted()
    expect(link.events).toEqual([{ type: 'connected' }])
    expect(session.state).toBe('new')

    const init = await session.init()
    expect(session.state).toBe('initializing')
    link.send(init)
    const ready = await link.waitFor((e) => e.type === 'ready' || e.type === 'error')
    expect(ready).toEqual({
      type: 'ready',
      sessionId: session.sessionId,
      clientAddress: signer.address.toLowerCase(),
    })
    expect(session.clientAddress).toBe(signer.address.toLowerCase())
    expect(session.state).toBe('ready')

    const prompt = session.prompt('What is 2+2?')
    expect(session.state).toBe('streaming')
    expect(session.inFlightId).toBe(prompt.id)
    const events = await link.exchange(prompt)
    for (const e of events) expectWellFormedEvent(e)
    expect(errorsOf(events)).toEqual([])

    const chunks = chunksOf(events)
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i))
    expect(chunks.every((c) => c.id === prompt.id)).toBe(true)
    expect(textOf(chunks)).toBe('2 + 2 = 4.')
    expect(chunks.at(-1)).toMatchObject({ final: true, text: '', tokens: 0 })
    expect(chunks.slice(0, -1).every((c) => !c.final && c.tokens === 1)).toBe(true)

    // chunks first, then the authenticated response, then the end — nothing else
    expect(events.map((e) => e.type)).toEqual([...chunks.map(() => 'chunk'), 'response', 'end'])
    expect(events.at(-2) as ResponseEvent).toEqual({ type: 'response', id: prompt.id, finishReason: 'stop' })
    const end = events.at(-1) as EndEvent
    const completion = chunks.length - 1
    expect(end).toMatchObject({ type: 'end', id: prompt.id, reason: 'complete', tokensUsed: completion })
    expect(end.finishReason).toBe('stop')
    expect(end.usage).toBeDefined()
    expect(end.usage!.completionTokens).toBe(completion)
    expect(end.usage!.promptTokens).toBeGreaterThan(0)
    expect(end.usage!.totalTokens).toBe(end.usage!.promptTokens + completion)
    expect(end.usage!.contextWindowSize).toBe(8192)

    expect(session.state).toBe('ready')
    expect(session.inFlightId).toBeUndefined()
  })

  it('never puts the prompt or the answer on the wire in clear', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const events = await setup.link.exchange(setup.session.prompt('What is 2+2?'))
    expect(textOf(events)).toBe('2 + 2 = 4.')
    const wire = [...setup.link.outbound, ...setup.link.inbound].join('\n')
    expect(wire).not.toContain('What is 2+2?')
    expect(wire).not.toContain('2 + 2')
    expect(wire).not.toContain('sessionKey')
  })

  it('runs several prompts: the prompt AAD is message_N, the chunk index restarts at 0 for each answer', async () => {
    const setup = setupEncrypted()
    const { session, link } = setup
    const { outcome, sessionKeyCopy } = await initAndWait(setup)
    expect(outcome.type).toBe('ready')

    const prompts = ['What is 2+2?', 'Tell me about the sea', 'What is 2+2?', 'Why is the sky blue at noon']
    for (const [n, text] of prompts.entries()) {
      const frame = session.prompt(text)
      expect(announcedAad(frame)).toBe(`message_${n}`)
      expect(JSON.parse(openMessage(frame, sessionKeyCopy, `message_${n}`))).toEqual({ prompt: text })
      expect(() => openMessage(frame, sessionKeyCopy, `message_${n + 1}`)).toThrow()

      const events = await link.exchange(frame)
      expect(errorsOf(events)).toEqual([])
      const chunks = chunksOf(events)
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i))
      expect(chunks.every((c) => c.id === frame.id)).toBe(true)
      expect(textOf(chunks)).toBe(expectedAnswer(text))
      expect(events.at(-1)).toMatchObject({
        type: 'end',
        id: frame.id,
        reason: 'complete',
        finishReason: 'stop',
      })
      expect(session.state).toBe('ready')
    }
    // every request had its own id
    const ids = link.outbound.map((t) => JSON.parse(t).id as string)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('honours max_tokens: the answer stops after that many chunks with finish reason length', async () => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const prompt = 'Tell me everything about the deep blue sea'
    const frame = setup.session.prompt({ prompt, max_tokens: 3, temperature: 0 })
    const events = await setup.link.exchange(frame)
    expect(errorsOf(events)).toEqual([])
    expect(textOf(events)).toBe(expectedAnswer(prompt, 3))
    expect(events.find((e) => e.type === 'response')).toEqual({
      type: 'response',
      id: frame.id,
      finishReason: 'stop',
    })
    expect(events.at(-1)).toMatchObject({
      type: 'end',
      reason: 'complete',
      finishReason: 'length',
      tokensUsed: 3,
    })
  })

  it('uses the caller-chosen request ids', async () => {
    const setup = setupEncrypted()
    const { outcome } = await initAndWait(setup, { id: 'init-1' })
    expect(outcome.type).toBe('ready')
    expect(JSON.parse(setup.link.inbound.find((t) => t.includes('session_init_ack'))!).id).toBe('init-1')
    const events = await setup.link.exchange(setup.session.prompt('What is 2+2?', { id: 'p-1' }))
    expect(chunksOf(events).every((c) => c.id === 'p-1')).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'end', id: 'p-1' })
  })
})
