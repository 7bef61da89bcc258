import { describe, expect, it } from 'vitest'
import { answerChunks, expectedAnswer } from '../src/index.js'
import type { Frame } from './helpers/frame-queue.js'
import { useSims, waitFor } from './helpers/sim.js'
import { expectNoReplyBefore, type WsClient } from './helpers/ws-client.js'

const sims = useSims()

async function readPlain(client: WsClient): Promise<{ chunks: Frame[]; end: Frame }> {
  const chunks: Frame[] = []
  for (;;) {
    const f = await client.q.next()
    if (f.type === 'stream_end') return { chunks, end: f }
    expect(f.type).toBe('stream_chunk')
    chunks.push(f)
  }
}

describe('plaintext fallback (deprecated, still served)', () => {
  it('session_init → session_init_ack without client_address', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    expect(
      await client.request({ type: 'session_init', id: 'i', session_id: 's', job_id: 77, chain_id: 5611 }),
    ).toEqual({
      type: 'session_init_ack',
      status: 'success',
      session_id: 's',
      job_id: 77,
      chain_id: 5611,
      message: 'Session initialized successfully',
      id: 'i',
    })
    // Job id as a decimal string (jobId spelling), no chain id (the plaintext path has no default).
    expect(await client.request({ type: 'session_init', sessionId: 't', jobId: '88' })).toEqual({
      type: 'session_init_ack',
      status: 'success',
      session_id: 't',
      job_id: 88,
      chain_id: null,
      message: 'Session initialized successfully',
    })
    expect(sim.core.sessionCount).toBe(0)
  })

  it('works on a node without encryption key too', async () => {
    const sim = await sims.start({ encryption: false })
    const client = await sims.connect(sim)
    await client.request({ type: 'session_init', id: 'i', session_id: 's', job_id: 1 })
    client.send({ type: 'prompt', id: 'q', session_id: 's', prompt: 'What is 2+2?' })
    const { chunks, end } = await readPlain(client)
    expect(chunks.map((c) => c.content).join('')).toBe('2 + 2 = 4.')
    expect(end.reason).toBe('complete')
  })

  it('prompt → stream_chunk {type, content, tokens, id} frames, an empty last one, then stream_end', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    await client.request({ type: 'session_init', id: 'i', session_id: 's', job_id: 5 })
    client.send({ type: 'prompt', id: 'q1', session_id: 's', prompt: 'What is 2+2?' })
    const { chunks, end } = await readPlain(client)
    expect(chunks).toEqual([
      ...answerChunks('What is 2+2?').map((content) => ({
        type: 'stream_chunk',
        content,
        tokens: 1,
        id: 'q1',
      })),
      { type: 'stream_chunk', content: '', tokens: 0, id: 'q1' },
    ])
    // PROTOCOL-SURFACE §10.7: a plaintext stream_end {reason:"complete"} carries no session_id.
    expect(end).toEqual({
      type: 'stream_end',
      reason: 'complete',
      tokens_used: 5,
      id: 'q1',
      finish_reason: 'stop',
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8, context_window_size: 8192 },
    })
  })

  it('honours max_tokens/temperature, the nested request object, and the inference type', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    client.send({ type: 'prompt', id: 'a', prompt: 'What is 2+2?', max_tokens: 3 })
    const a = await readPlain(client)
    expect(a.chunks.map((c) => c.content).join('')).toBe(expectedAnswer('What is 2+2?', 3))
    expect(a.end.finish_reason).toBe('length')
    client.send({ type: 'prompt', id: 'b', prompt: 'x', temperature: 9 })
    expect(await client.q.next()).toEqual({
      type: 'error',
      error: 'Validation error for temperature: Temperature must be between 0.0 and 2.0',
      id: 'b',
    })
    expect(await client.q.next()).toEqual({ type: 'stream_end', reason: 'error', tokens_used: 0, id: 'b' })
    client.send({ type: 'prompt', id: 'c' })
    expect((await client.q.next()).error).toBe('Validation error for prompt: Prompt cannot be empty')
    await client.q.next()
    client.send({ type: 'prompt', id: 'd', request: { model: 'm', prompt: 'hello there', max_tokens: 10 } })
    expect((await readPlain(client)).chunks.map((c) => c.content).join('')).toBe(
      expectedAnswer('hello there'),
    )
    client.send({
      type: 'inference',
      id: 'e',
      request: { model: 'm', prompt: 'What is 2+2?', max_tokens: 10 },
    })
    expect((await readPlain(client)).end.id).toBe('e')
    // Requests that do not deserialize get no reply.
    client.send({ type: 'prompt', id: 'f', request: { prompt: 'no model', max_tokens: 10 } })
    client.send({ type: 'inference', id: 'g' })
    client.send({ type: 'prompt', id: 'h', prompt: 'x', max_tokens: 4294967296 })
    await expectNoReplyBefore(client)
  })

  it('stream_cancel works for plaintext streams too', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const sim = await sims.start({
      responder: async function* () {
        yield 'one'
        await gate
        yield 'two'
      },
    })
    const client = await sims.connect(sim)
    client.send({ type: 'prompt', id: 'p', prompt: 'hi' })
    expect((await client.q.next()).content).toBe('one')
    // PROTOCOL-SURFACE §10.7: a cancelled plaintext stream_end has no id; session_id is the connection's (none here).
    expect(await client.request({ type: 'stream_cancel' })).toEqual({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 1,
      finish_reason: 'cancelled',
    })
    release()
    await expectNoReplyBefore(client)
  })

  it('closing a connection that carries a job id settles the job', async () => {
    const sim = await sims.start()
    const withJob = await sims.connect(sim)
    await withJob.request({ type: 'session_init', id: 'i', session_id: 'settle-me', job_id: '123' })
    const withoutJob = await sims.connect(sim)
    await withoutJob.request({ type: 'session_init', id: 'i', session_id: 'no-job' })
    await withJob.close()
    await withoutJob.close()
    await waitFor(() => sim.settledJobs.length === 1)
    expect(sim.settledJobs).toEqual([{ jobId: '123', sessionId: 'settle-me', connectionId: 1 }])
    // A prompt frame supplies the job id when the connection has none yet.
    const late = await sims.connect(sim)
    late.send({ type: 'prompt', id: 'p', prompt: 'What is 2+2?', job_id: 9 })
    await readPlain(late)
    await late.close()
    await waitFor(() => sim.settledJobs.length === 2)
    expect(sim.settledJobs[1]?.jobId).toBe('9')
  })
})
