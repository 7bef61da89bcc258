import { afterEach, describe, expect, it } from 'vitest'
import { upstreamResponder } from '../src/index.js'
import { type Behaviour, startOpenAiServer } from '../src/testing.js'
import { chatCompletionsUrl } from '../src/upstream/openai-responder.js'
import { sseData } from '../src/upstream/sse.js'
import { collectEncrypted, openWith, promptFrame } from './helpers/protocol-client.js'
import { useSims, waitFor } from './helpers/sim.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const sims = useSims()
const servers: Awaited<ReturnType<typeof startOpenAiServer>>[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function setup(behaviour: Behaviour, model?: string) {
  const upstream = await startOpenAiServer()
  servers.push(upstream)
  upstream.set(behaviour)
  const sim = await sims.start({
    responder: upstreamResponder({ url: upstream.url, ...(model ? { model } : {}), apiKey: 'sk-test' }),
  })
  const session = await sims.session(sim)
  return { upstream, sim, ...session }
}

describe('upstream responder (OpenAI-compatible /chat/completions with SSE)', () => {
  it('forwards the decrypted prompt and streams the real tokens back, encrypted, with the upstream usage', async () => {
    const { upstream, client, init, sid } = await setup(
      {
        kind: 'stream',
        tokens: ['Hello', ',', ' world', '!'],
        usage: { prompt_tokens: 11, completion_tokens: 4 },
      },
      'llama3.2:1b',
    )
    const prompt = JSON.stringify({ prompt: 'Say hello', max_tokens: 50, temperature: 0.2 })
    client.send(promptFrame(sid, init.sessionKey, prompt, { id: 'u1' }))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['Hello', ',', ' world', '!', ''])
    expect(r.chunks.slice(0, 4).map((c) => c.tokens)).toEqual([1, 1, 1, 1])
    expect(r.finishReason).toBe('stop')
    expect(r.end).toEqual({
      type: 'stream_end',
      reason: 'complete',
      tokens_used: 4,
      id: 'u1',
      session_id: sid,
      finish_reason: 'stop',
      usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15, context_window_size: 8192 },
    })
    expect(upstream.requests).toHaveLength(1)
    const req = upstream.requests[0]!
    expect(req.path).toBe('/v1/chat/completions')
    expect(req.headers.authorization).toBe('Bearer sk-test')
    expect(req.body).toEqual({
      model: 'llama3.2:1b',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
    })
    // The prompt and the answer never travel in the clear on the node's socket.
    const wire = client.q.texts.join('\n')
    for (const secret of ['Say hello', 'Hello', 'world']) expect(wire).not.toContain(secret)
  })

  it('sends the prompt model when none is configured, reports "length", and counts chunks without usage', async () => {
    const { upstream, client, init, sid } = await setup({
      kind: 'stream',
      tokens: ['a', 'b'],
      finish: 'length',
    })
    client.send(promptFrame(sid, init.sessionKey, 'hi'))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['a', 'b', ''])
    expect(r.end).toMatchObject({ tokens_used: 2, finish_reason: 'length' })
    expect(r.end.usage).toMatchObject({ completion_tokens: 2, total_tokens: r.end.usage.prompt_tokens + 2 })
    expect(upstream.requests[0]!.body).toMatchObject({
      model: 'tiny-vicuna',
      max_tokens: 4000,
      temperature: 0.7,
    })
  })

  it('maps an upstream HTTP error to the node engine error: shape B, then stream_end reason error', async () => {
    const { upstream, client, init, sid } = await setup({
      kind: 'status',
      status: 500,
      body: JSON.stringify({ error: { message: 'model "x" not found', type: 'invalid_request_error' } }),
    })
    client.send(promptFrame(sid, init.sessionKey, 'hi', { id: 'e1' }))
    expect(await client.q.next()).toEqual({
      type: 'error',
      error: 'Internal error: Streaming inference failed: upstream answered HTTP 500: model "x" not found',
      id: 'e1',
    })
    expect(await client.q.next()).toEqual({ type: 'stream_end', reason: 'error', tokens_used: 0, id: 'e1' })
    await expectNoReplyBefore(client)
    // The session stays usable: the next prompt is answered once the upstream recovers.
    upstream.set({ kind: 'stream', tokens: ['ok'] })
    client.send(promptFrame(sid, init.sessionKey, 'again', { id: 'e2', n: 1 }))
    expect((await collectEncrypted(client.q, init.sessionKey)).text).toBe('ok')
  })

  it('maps an unreachable upstream to the same engine error, with a bounded message', async () => {
    const upstream = await startOpenAiServer()
    const url = upstream.url
    await upstream.close()
    const sim = await sims.start({ responder: upstreamResponder({ url }) })
    const { client, init, sid } = await sims.session(sim)
    client.send(promptFrame(sid, init.sessionKey, 'hi', { id: 'e3' }))
    const error = await client.q.next()
    expect(error).toMatchObject({ type: 'error', id: 'e3' })
    expect(error.error).toMatch(
      /^Internal error: Streaming inference failed: upstream http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions is unreachable: /,
    )
    expect(error.error.length).toBeLessThan(400)
    expect(error.code).toBeUndefined()
    expect(await client.q.next()).toEqual({ type: 'stream_end', reason: 'error', tokens_used: 0, id: 'e3' })
  })

  it('an upstream error after tokens were streamed ends the answer like a node generation error', async () => {
    const { client, init, sid } = await setup({
      kind: 'error-event-after',
      tokens: ['Hel'],
      message: 'CUDA out of memory',
    })
    client.send(promptFrame(sid, init.sessionKey, 'hi'))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['Hel', 'Error: upstream error: CUDA out of memory'])
    expect(r.finishReason).toBe('error')
    expect(r.end).toMatchObject({ reason: 'complete', tokens_used: 1 })
    expect(r.end.finish_reason).toBeUndefined()
  })

  it('stream_cancel aborts the upstream request at once', async () => {
    const { upstream, client, init, sid } = await setup({ kind: 'hang-after', tokens: ['one', ' two'] })
    client.send(promptFrame(sid, init.sessionKey, 'go', { id: 'c1' }))
    const c0 = await client.q.next()
    expect(openWith(init.sessionKey, c0.payload, 'chunk_0')).toBe('one')
    await client.q.next()
    expect(upstream.requests[0]!.aborted).toBe(false)
    const end = await client.request({ type: 'stream_cancel', session_id: sid })
    expect(end).toMatchObject({ type: 'stream_end', reason: 'cancelled', tokens_used: 2, id: 'c1' })
    await waitFor(() => upstream.requests[0]!.aborted)
    await expectNoReplyBefore(client)
  })

  it('max_tokens and a closed connection also close the upstream request', async () => {
    const { upstream, client, init, sid } = await setup({ kind: 'hang-after', tokens: ['a', 'b', 'c'] })
    client.send(promptFrame(sid, init.sessionKey, JSON.stringify({ prompt: 'go', max_tokens: 2 })))
    const r = await collectEncrypted(client.q, init.sessionKey)
    expect(r.texts).toEqual(['a', 'b', ''])
    expect(r.end.finish_reason).toBe('length')
    await waitFor(() => upstream.requests[0]!.aborted)

    client.send(promptFrame(sid, init.sessionKey, 'go again', { n: 1 }))
    await client.q.next()
    await client.close()
    await waitFor(() => upstream.requests[1]?.aborted === true)
  })
})

describe('sseData', () => {
  function bodyOf(pieces: string[]): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder()
    return new ReadableStream({
      start(controller) {
        for (const p of pieces) controller.enqueue(encoder.encode(p))
        controller.close()
      },
    })
  }
  async function all(pieces: string[]): Promise<string[]> {
    const out: string[] = []
    for await (const d of sseData(bodyOf(pieces))) out.push(d)
    return out
  }

  it('parses events split anywhere, with LF, CRLF and CR line ends, comments and multi-line data', async () => {
    const text =
      ': keep-alive\r\ndata: {"a":1}\r\n\r\nevent: x\ndata:two\ndata:  lines\n\ndata: é€\r\rdata: last'
    const expected = ['{"a":1}', 'two\n lines', 'é€', 'last']
    expect(await all([text])).toEqual(expected)
    const bytes = new TextEncoder().encode(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, cut))
          controller.enqueue(bytes.slice(cut))
          controller.close()
        },
      })
      const out: string[] = []
      for await (const d of sseData(body)) out.push(d)
      expect(out, `cut at ${cut}`).toEqual(expected)
    }
  })

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\ndata: 2\n\n'))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const d of sseData(body)) {
      expect(d).toBe('1')
      break
    }
    expect(cancelled).toBe(true)
  })

  it('chatCompletionsUrl appends the route to a base URL', () => {
    expect(chatCompletionsUrl('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434/v1/chat/completions')
    expect(chatCompletionsUrl('http://h/v1/')).toBe('http://h/v1/chat/completions')
  })
})
