import { describe, expect, it } from 'vitest'
import type { Frame } from './helpers/frame-queue.js'
import { collectEncrypted, openWith, promptFrame } from './helpers/protocol-client.js'
import { gatedResponder, useSims, waitFor } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const sims = useSims()

describe('one request at a time per connection', () => {
  it('stream_cancel mid-stream ends with stream_end cancelled and no final chunk or encrypted_response', async () => {
    const gate = gatedResponder(['a', 'b'], ['never'])
    const sim = await sims.start({ responder: gate.responder })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'go', { id: 'c1' }))
    const c0 = await client.q.next()
    const c1 = await client.q.next()
    expect([
      openWith(init.sessionKey, c0.payload, 'chunk_0'),
      openWith(init.sessionKey, c1.payload, 'chunk_1'),
    ]).toEqual(['a', 'b'])
    const end = await client.request({ type: 'stream_cancel', session_id: sid })
    expect(end).toEqual({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 2,
      id: 'c1',
      session_id: sid,
      finish_reason: 'cancelled',
    })
    gate.release()
    await expectNoReplyBefore(client)
    await waitFor(() => gate.wasFinalized())
    // The connection accepts the next prompt right away, with indices from 0 again.
    const next = gatedResponder([])
    next.release()
    client.send(promptFrame(sid, init.sessionKey, 'again', { id: 'c2', n: 1 }))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.chunks[0]?.payload.index).toBe(0)
    expect(r.end.id).toBe('c2')
  })

  it('stream_cancel while idle is ignored', async () => {
    const sim = await sims.start()
    const { client, sid } = await sims.session(sim)
    client.send({ type: 'stream_cancel', session_id: sid })
    client.send({ type: 'stream_cancel' })
    await expectNoReplyBefore(client)
  })

  it('silently drops every other frame while a response streams', async () => {
    const gate = gatedResponder(['x'], ['y', 'z'])
    let inbound = 0
    const sim = await sims.start({
      responder: gate.responder,
      onFrame: (dir) => {
        if (dir === 'in') inbound++
      },
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'first', { id: 'p1' }))
    await client.q.next()
    client.send(promptFrame(sid, init.sessionKey, 'second', { id: 'p2', n: 1 }))
    client.send({ type: 'encrypted_session_init', id: 'init-during' })
    client.send({ type: 'session_init', id: 'plain-during' })
    client.send({ type: 'encrypted_message', id: 'probe-during', session_id: 'none' })
    client.send('garbage')
    // Release the model only once the node has seen (and dropped) all five frames.
    await waitFor(() => inbound === 7)
    gate.release()
    const rest = await collectRest(client, init.sessionKey)
    expect(rest.texts).toEqual(['y', 'z', ''])
    expect(rest.end).toMatchObject({ type: 'stream_end', id: 'p1', tokens_used: 3 })
    await expectNoReplyBefore(client)
    expect(client.q.pending).toBe(0)
  })

  it('a responder error ends the stream with an "Error: …" final chunk and encrypted_response "error"', async () => {
    const sim = await sims.start({
      responder: async function* () {
        yield 'partial'
        throw new Error('model crashed')
      },
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'hi', { id: 'e1' }))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['partial', 'Error: model crashed'])
    expect(r.chunks.at(-1)).toMatchObject({ final: true, tokens: 0 })
    expect(r.finishReason).toBe('error')
    expect(r.end).toMatchObject({ type: 'stream_end', reason: 'complete', tokens_used: 1, id: 'e1' })
    expect(r.end.finish_reason).toBeUndefined()
  })

  it('a responder that throws before yielding, or yields a non-string, also ends with an error chunk', async () => {
    let mode = 0
    const sim = await sims.start({
      responder: (() => {
        mode++
        if (mode === 1) throw new Error('no model loaded')
        return (async function* () {
          yield 42 as unknown as string
        })()
      }) as never,
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'hi'))
    const a = await collectEncrypted(client.q, init.sessionKey)
    expect(a.texts).toEqual(['Error: no model loaded'])
    client.send(promptFrame(sid, init.sessionKey, 'hi', { n: 1 }))
    const b = await collectEncrypted(client.q, init.sessionKey)
    expect(b.texts).toEqual(['Error: responder yielded a non-string chunk'])
    expect(b.finishReason).toBe('error')
  })

  it('empty chunks are legal and count as tokens', async () => {
    const sim = await sims.start({
      responder: async function* () {
        yield ''
        yield 'a'
      },
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'hi'))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['', 'a', ''])
    expect(r.end.tokens_used).toBe(2)
  })

  it('chunkDelayMs uses the injected sleep before each chunk', async () => {
    const sleeps: number[] = []
    const sim = await sims.start({
      chunkDelayMs: 25,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'What is 2+2?'))
    await collectEncrypted(client.q, init.sessionKey)
    expect(sleeps).toEqual([25, 25, 25, 25, 25])
  })
})

async function collectRest(client: { q: { next(): Promise<Frame> } }, key: Uint8Array) {
  const texts: string[] = []
  for (let i = 1; ; i++) {
    const f = await client.q.next()
    expect(f.type).toBe('encrypted_chunk')
    texts.push(openWith(key, f.payload, `chunk_${i}`))
    if (f.final) break
  }
  expect((await client.q.next()).type).toBe('encrypted_response')
  return { texts, end: await client.q.next() }
}
