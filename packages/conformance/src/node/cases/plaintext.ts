import { bytesToHex, randomBytes } from '@fabstir/crypto'
import type { CaseContext, NodeCase } from '../case.js'
import { CaseFailure, check, NotServed, type Probe } from '../probe.js'
import { expectType } from '../steps.js'

/** Open a plaintext session; "not served" when the node does not answer session_init. */
async function plainSession(ctx: CaseContext, probe: Probe, jobId = 9): Promise<string> {
  const sessionId = `conf-plain-${bytesToHex(randomBytes(6))}`
  probe.send({
    type: 'session_init',
    id: 'plain-init',
    session_id: sessionId,
    job_id: jobId,
    chain_id: 84532,
  })
  const frame = await probe.tryNext(ctx.target.timeoutMs)
  if (!frame) throw new NotServed('no reply to a plaintext session_init')
  check(frame.json?.type === 'session_init_ack', `expected session_init_ack, got ${frame.text.slice(0, 200)}`)
  const ack = frame.json
  check(ack.status === 'success', `session_init_ack.status ${JSON.stringify(ack.status)}, expected "success"`)
  check(
    ack.session_id === sessionId,
    `ack.session_id ${JSON.stringify(ack.session_id)} does not echo the init`,
  )
  check(ack.id === 'plain-init', `ack.id ${JSON.stringify(ack.id)} does not echo the request id`)
  return sessionId
}

/** Read a plaintext answer: stream_chunk… (last: empty content, tokens 0), then stream_end complete. */
async function readPlainAnswer(probe: Probe, id: string): Promise<string> {
  let text = ''
  let sawLast = false
  for (;;) {
    const frame = await probe.next(sawLast ? 'stream_end' : 'stream_chunk')
    const f = frame.json
    if (f?.type === 'stream_end') {
      check(sawLast, 'stream_end arrived before the last (empty) stream_chunk')
      check(f.reason === 'complete', `stream_end.reason ${JSON.stringify(f.reason)}, expected "complete"`)
      check(Number.isInteger(f.tokens_used), 'stream_end.tokens_used is not an integer')
      return text
    }
    if (f?.type !== 'stream_chunk')
      throw new CaseFailure(`expected stream_chunk, got ${frame.text.slice(0, 200)}`)
    check(f.id === id, `stream_chunk echoes id ${JSON.stringify(f.id)}, expected ${JSON.stringify(id)}`)
    check(typeof f.content === 'string', 'stream_chunk.content is not a string')
    if (f.tokens === 0 && f.content === '') sawLast = true
    else text += f.content as string
  }
}

export const plaintextCases: NodeCase[] = [
  {
    id: '7.01',
    group: 'plaintext',
    title: 'session_init is acknowledged without client_address',
    spec: 'PROTOCOL §10',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      await plainSession(ctx, probe)
      const ack = JSON.parse(probe.frames.filter((f) => f.dir === '←').at(-1)!.text) as Record<
        string,
        unknown
      >
      check(!('client_address' in ack), 'a plaintext ack carries client_address')
      check(ack.job_id === 9, `ack.job_id ${JSON.stringify(ack.job_id)}, expected 9`)
    },
  },
  {
    id: '7.02',
    group: 'plaintext',
    title: 'a prompt streams stream_chunk frames, an empty last chunk, then stream_end',
    spec: 'PROTOCOL §10',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      const sid = await plainSession(ctx, probe)
      probe.send({ type: 'prompt', id: 'pp-1', session_id: sid, prompt: 'What is 2+2?', max_tokens: 32 })
      const text = await readPlainAnswer(probe, 'pp-1')
      check(text.length > 0, 'the plaintext answer is empty')
    },
  },
  {
    id: '7.03',
    group: 'plaintext',
    title: 'a prompt with a nested request object is answered',
    spec: 'SURFACE §10.3',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      await plainSession(ctx, probe)
      probe.send({
        type: 'prompt',
        id: 'pp-2',
        request: { model: 'default', prompt: 'Name a fruit.', max_tokens: 16 },
      })
      await readPlainAnswer(probe, 'pp-2')
    },
  },
  {
    id: '7.04',
    group: 'plaintext',
    title: 'an inference frame with a request object is answered',
    spec: 'SURFACE §10.2',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      await plainSession(ctx, probe)
      probe.send({
        type: 'inference',
        id: 'inf-1',
        request: { model: 'default', prompt: 'Name a tree.', max_tokens: 16 },
      })
      await readPlainAnswer(probe, 'inf-1')
    },
  },
  {
    id: '7.05',
    group: 'plaintext',
    title: 'an inference frame without a valid request gets no reply',
    spec: 'SURFACE §10.6',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      await plainSession(ctx, probe)
      probe.send({ type: 'inference', id: 'inf-bad', request: { prompt: 'no model or max_tokens' } })
      await probe.expectSilence(ctx.target.silenceMs, 'an inference frame without model/max_tokens')
    },
  },
  {
    id: '7.06',
    group: 'plaintext',
    title: 'a plaintext prompt with max_tokens above u32 gets no reply',
    spec: 'SURFACE §10.6',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      const sid = await plainSession(ctx, probe)
      probe.send({ type: 'prompt', id: 'pp-u32', session_id: sid, prompt: 'hi', max_tokens: 4294967296 })
      await probe.expectSilence(ctx.target.silenceMs * 2, 'max_tokens 2^32')
    },
  },
  {
    id: '7.07',
    group: 'plaintext',
    title: 'an empty plaintext prompt gets "Validation error for prompt", then stream_end error',
    spec: 'SURFACE §10.3: a missing prompt becomes "" → Validation error for prompt',
    needs: ['plaintext'],
    async run(ctx) {
      const probe = await ctx.connect()
      const sid = await plainSession(ctx, probe)
      probe.send({ type: 'prompt', id: 'pp-empty', session_id: sid, prompt: '' })
      const error = await expectType(probe, 'error', 'a validation error')
      check(
        typeof error.error === 'string' && error.error.startsWith('Validation error for prompt'),
        `expected "Validation error for prompt…", got ${JSON.stringify(error.error ?? error.code)}`,
      )
      const end = await expectType(probe, 'stream_end', 'stream_end after the validation error')
      check(end.reason === 'error', `stream_end.reason ${JSON.stringify(end.reason)}, expected "error"`)
    },
  },
]
