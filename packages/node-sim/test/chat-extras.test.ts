import { describe, expect, it } from 'vitest'
import { expectedAnswer, type NodeCoreOptions, type Responder } from '../src/index.js'
import { actionFrame, coreSession, SteppedClock, settle } from './helpers/actions.js'
import type { Frame } from './helpers/frame-queue.js'
import { collectEncrypted } from './helpers/protocol-client.js'
import { gatedResponder } from './helpers/sim.js'

/** A responder that answers with the prompt it was given (what the "model" saw). */
const echo: Responder = async function* (req) {
  yield req.prompt
}

async function plainAnswer(
  s: Awaited<ReturnType<typeof coreSession>>,
): Promise<{ text: string; end: Frame }> {
  let text = ''
  for (;;) {
    const f = await s.q.next()
    if (f.type === 'stream_chunk') text += f.content
    else if (f.type === 'stream_end') return { text, end: f }
    else throw new Error(`unexpected ${JSON.stringify(f)}`)
  }
}

async function silent(s: Awaited<ReturnType<typeof coreSession>>): Promise<void> {
  s.send({ type: 'encrypted_message', id: 'probe', session_id: 'nope' })
  expect(await s.q.next()).toMatchObject({ code: 'SESSION_KEY_NOT_FOUND', id: 'probe' })
}

const IMAGE = { data: 'iVBORw0KGgo=', format: 'png' }

describe('chat extras (PROTOCOL-SURFACE §10)', () => {
  it('inference frame with a nested request; job id taken from the nested request', async () => {
    const s = await coreSession()
    s.send({ type: 'session_init', session_id: s.sid }) // plaintext: no job id yet
    await s.q.next()
    s.send({
      type: 'inference',
      id: 'inf',
      request: { model: 'm', prompt: 'What is 2+2?', max_tokens: 10, job_id: 99 },
    })
    const { text, end } = await plainAnswer(s)
    expect(text).toBe('2 + 2 = 4.')
    expect(end).toMatchObject({ type: 'stream_end', reason: 'complete', id: 'inf' })
    expect(s.conn.jobId).toBe('99')
    // without a valid request: no reply at all
    s.send({ type: 'inference', id: 'x' })
    s.send({ type: 'inference', id: 'y', request: { model: 'm', prompt: 'p' } })
    // optional fields are typed too: a wrong type, or a field under both of its names, fails the whole request
    const base = { model: 'm', prompt: 'p', max_tokens: 5 }
    for (const extra of [
      { max_searches: -1 },
      { maxSearches: 1.5 },
      { job_id: '7' },
      { web_search: 'yes' },
      { search_queries: [1] },
      { conversation_context: [{ role: 'user' }] },
      { job_id: 1, jobId: 1 },
    ]) {
      s.send({ type: 'inference', id: JSON.stringify(extra), request: { ...base, ...extra } })
    }
    await silent(s)
    s.send({
      type: 'inference',
      id: 'ok',
      request: { ...base, conversation_context: [{ role: 'user', content: 'x' }], maxSearches: 2 },
    })
    expect((await plainAnswer(s)).end.id).toBe('ok')
  })

  it('prompt with a nested request uses it; flat prompt without prompt → validation error', async () => {
    const s = await coreSession()
    s.send({
      type: 'prompt',
      id: 'n',
      prompt: 'ignored',
      request: { model: 'm', prompt: 'hello there', max_tokens: 50 },
    })
    expect((await plainAnswer(s)).text).toBe(expectedAnswer('hello there'))
    s.send({ type: 'prompt', id: 'e' })
    expect(await s.q.next()).toEqual({
      type: 'error',
      error: 'Validation error for prompt: Prompt cannot be empty',
      id: 'e',
    })
    expect(await s.q.next()).toEqual({ type: 'stream_end', reason: 'error', tokens_used: 0, id: 'e' })
  })

  it('silent failures: max_tokens > u32, max_searches < 0 or > u32 (encrypted), plaintext max_tokens > u32', async () => {
    const s = await coreSession()
    s.act({ prompt: 'hi', max_tokens: 4294967296 })
    s.act({ prompt: 'hi', max_searches: -1 })
    s.act({ prompt: 'hi', max_searches: 4294967296 })
    s.send({ type: 'prompt', id: 'p', prompt: 'hi', max_tokens: 4294967296 })
    await silent(s)
    // the outer frame is the fallback for max_searches too
    s.send({ ...actionFrame(s.sid, s.key, { prompt: 'hi' }), max_searches: -5 })
    await silent(s)
    s.act({ prompt: 'hi', max_searches: 20 }, 'ok')
    expect((await collectEncrypted(s.q, s.key)).end.id).toBe('ok')
  })

  it('vision: images cost VLM tokens, reported as vlm_tokens on the complete stream_end and billed', async () => {
    const s = await coreSession({ responder: echo }, { jobId: '4' })
    s.act(
      {
        prompt:
          '<<ATTACHMENTS>>a.png<</ATTACHMENTS>>Describe <<DISPLAY>>this<</DISPLAY>> [Attached image: a.png]',
        images: [IMAGE, { data: '' }, { format: 'gif' }],
      },
      'v',
    )
    const c = await collectEncrypted(s.q, s.key)
    expect(c.text).toMatch(/^\[Image analysis\]\nImage 1 \(data:image\/png;base64\): a png image/)
    expect(c.text.endsWith('Describe this ')).toBe(true)
    expect(c.text).not.toContain('ATTACHMENTS')
    expect(c.end.vlm_tokens).toBeGreaterThan(0)
    expect(Object.keys(c.end)).toEqual([
      'type',
      'reason',
      'tokens_used',
      'id',
      'session_id',
      'vlm_tokens',
      'finish_reason',
      'usage',
    ])
    expect(s.core.billing).toEqual([{ jobId: '4', sessionId: s.sid, kind: 'vlm', tokens: c.end.vlm_tokens }])
    // no images (or only empty ones, or a non-array) → no vlm_tokens, prompt unchanged
    s.act({ prompt: 'plain', images: [{ data: '' }] })
    const p = await collectEncrypted(s.q, s.key)
    expect(p.text).toBe('plain')
    expect(p.end).not.toHaveProperty('vlm_tokens')
    s.act({ prompt: 'plain', images: 'nope' })
    expect((await collectEncrypted(s.q, s.key)).end).not.toHaveProperty('vlm_tokens')
  })

  it('vision: plaintext prompts use the outer images; without a VLM sidecar images are ignored', async () => {
    const s = await coreSession({ responder: echo })
    s.send({ type: 'prompt', id: 'pi', prompt: 'look', images: [IMAGE] })
    const { text, end } = await plainAnswer(s)
    expect(text).toContain('[Image analysis]')
    expect(end.vlm_tokens).toBeGreaterThan(0)
    const off = await coreSession({ responder: echo, vlm: false })
    off.act({ prompt: 'look', images: [IMAGE] })
    const c = await collectEncrypted(off.q, off.key)
    expect(c.text).toBe('look')
    expect(c.end).not.toHaveProperty('vlm_tokens')
  })

  it('busy during chat pre-processing: frames queue, then the streaming loop reads them (a queued cancel cancels)', async () => {
    const clock = new SteppedClock()
    const s = await coreSession({ chatPreprocessingMs: 500, now: clock.now, sleep: clock.sleep })
    s.act({ prompt: 'look at this', images: [IMAGE] }, 'pre')
    await settle()
    expect(s.conn.state).toBe('inline')
    s.send({ type: 'encrypted_message', id: 'read-by-stream-loop', session_id: 'nope' })
    s.send({ type: 'stream_cancel' })
    s.send({ type: 'encrypted_message', id: 'after-cancel', session_id: 'nope' })
    await settle()
    expect(s.q.pending).toBe(0)
    await clock.tick()
    expect(await s.q.next()).toEqual({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 0,
      id: 'pre',
      session_id: s.sid,
      finish_reason: 'cancelled',
    })
    expect((await s.q.next()).id).toBe('after-cancel')
    await settle()
    expect(s.q.pending).toBe(0)
    // without images or search there is no pre-processing: the prompt streams at once
    s.act({ prompt: 'What is 2+2?' }, 'plain')
    expect((await collectEncrypted(s.q, s.key)).text).toBe('2 + 2 = 4.')
  })

  it('vision runs before auto image routing (the analysed prompt is what is tested)', async () => {
    const s = await coreSession()
    s.act({ prompt: 'draw a copy of it', images: [IMAGE] }, 'vi')
    const f = await s.q.next()
    expect(f.type).toBe('encrypted_response')
  })

  it('web search: requested inside the payload (or by auto-detection), no frames report it', async () => {
    const options: NodeCoreOptions = { responder: echo, webSearch: true }
    const s = await coreSession(options)
    s.act({ prompt: 'tell me about Rome', web_search: true, search_queries: ['rome history', 'rome food'] })
    const a = await collectEncrypted(s.q, s.key)
    expect(a.text).toContain('Result 1 for "rome history"')
    expect(a.text).toContain('Result 5 for "rome food"')
    expect(a.text.endsWith('tell me about Rome')).toBe(true)
    expect(Object.keys(a.end)).not.toContain('web_search_performed')
    // auto-detection by substring ("know" contains "now"); the query is the last user query
    s.act({ prompt: 'what do you know about cats' })
    expect((await collectEncrypted(s.q, s.key)).text).toContain('Result 1 for "what do you know about cats"')
    // max_searches: 0 disables it even when detection fires; max_searches caps the queries (≤ 20)
    s.act({ prompt: 'latest news', max_searches: 0 })
    expect((await collectEncrypted(s.q, s.key)).text).toBe('latest news')
    s.act({ prompt: 'x', web_search: true, max_searches: 1, search_queries: ['a', 'b'] })
    const one = (await collectEncrypted(s.q, s.key)).text
    expect(one).toContain('"a"')
    expect(one).not.toContain('"b"')
    // the outer frame is a fallback (a leak the SDK must avoid): the node still honours it
    const frame = actionFrame(s.sid, s.key, { prompt: 'y' })
    s.send({ ...frame, web_search: true })
    expect((await collectEncrypted(s.q, s.key)).text).toContain('Result 1 for "y"')
    // web search off (the default): the prompt is untouched
    const off = await coreSession({ responder: echo })
    off.act({ prompt: 'latest news', web_search: true })
    expect((await collectEncrypted(off.q, off.key)).text).toBe('latest news')
  })

  it('stream_end variants: encrypted cancelled; plaintext cancelled carries the connection session_id and no id', async () => {
    const gate = gatedResponder(['one'], ['two'])
    const s = await coreSession({ responder: gate.responder })
    s.act({ prompt: 'hi' }, 'e1')
    await s.q.next()
    s.send({ type: 'stream_cancel' })
    expect(await s.q.next()).toEqual({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 1,
      id: 'e1',
      session_id: s.sid,
      finish_reason: 'cancelled',
    })
    const g2 = gatedResponder(['one'], ['two'])
    const p = await coreSession({ responder: g2.responder })
    p.send({ type: 'session_init', session_id: 'plain-sid' })
    await p.q.next()
    p.send({ type: 'prompt', id: 'p1', prompt: 'hi' })
    await p.q.next()
    p.send({ type: 'stream_cancel' })
    expect(await p.q.next()).toEqual({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 1,
      session_id: 'plain-sid',
      finish_reason: 'cancelled',
    })
    gate.release()
    g2.release()
  })

  it('busy while streaming: everything but stream_cancel is dropped (RAG, actions, JSON ping)', async () => {
    const gate = gatedResponder(['one'], ['two'])
    const s = await coreSession({ responder: gate.responder })
    s.act({ prompt: 'hi' }, 'busy')
    await s.q.next()
    expect(s.conn.state).toBe('streaming')
    s.send({ type: 'uploadVectors', replace: true, vectors: [] })
    s.act({ action: 'image_generation', prompt: 'cat' })
    s.send({ type: 'ping' })
    await settle()
    expect(s.q.pending).toBe(0)
    gate.release()
    const rest: Frame[] = []
    for (;;) {
      const f = await s.q.next()
      rest.push(f)
      if (f.type === 'stream_end') break
    }
    expect(rest.map((f) => f.type)).toEqual([
      'encrypted_chunk',
      'encrypted_chunk',
      'encrypted_response',
      'stream_end',
    ])
    await silent(s)
  })

  it('JSON ping and the names of §1.3 are ignored without a reply', async () => {
    const s = await coreSession()
    for (const type of [
      'ping',
      'session_resume',
      'session_end',
      'auth',
      'signed_prompt',
      'batch_prompt',
      'LoadVectorDatabase',
    ]) {
      s.send({ type, session_id: s.sid })
    }
    await silent(s)
  })
})
