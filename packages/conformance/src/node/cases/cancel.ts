import type { NodeCase } from '../case.js'
import { check, Inconclusive, type Probe } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { ask, expectType, initEncrypted, type OpenSession, readAnswer } from '../steps.js'

const needs = ['encryption'] as const
/** A prompt that makes any model (and the simulator's echo) answer at length. */
const LONG_PROMPT =
  'Please count slowly from one to sixty in English words, one number per line, and add a short remark after each ' +
  'number about why it is interesting: one two three four five six seven eight nine ten eleven twelve thirteen.'

/** Send the long prompt and wait for its first chunk; throws Inconclusive when the whole answer is already done. */
async function startLongAnswer(probe: Probe, s: OpenSession, id: string): Promise<void> {
  probe.send(buildMessage(s.sessionKey, s.sessionId, LONG_PROMPT, { id }))
  const first = await expectType(probe, 'encrypted_chunk', 'the first chunk of a long answer')
  check(first.id === id, `chunk echoes id ${JSON.stringify(first.id)}, expected ${JSON.stringify(id)}`)
  if (first.final === true) throw new Inconclusive('the answer was a single chunk; nothing to interrupt')
}

/** Read frames up to the next `stream_end`; none of them may answer request `forbiddenId`. */
async function drainUntilStreamEnd(probe: Probe, what: string, forbiddenId?: string): Promise<void> {
  for (;;) {
    const frame = await probe.next(what)
    const f = frame.json
    check(
      forbiddenId === undefined || f?.id !== forbiddenId,
      `the node answered a prompt sent while streaming: ${frame.text.slice(0, 200)}`,
    )
    if (f?.type === 'stream_end') return
  }
}

export const cancelCases: NodeCase[] = [
  {
    id: '6.01',
    group: 'cancel',
    title: 'stream_cancel mid-stream ends the answer with stream_end "cancelled" and no encrypted_response',
    spec: 'PROTOCOL §7',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await startLongAnswer(probe, s, 'long')
      probe.send({ type: 'stream_cancel', session_id: s.sessionId })
      for (;;) {
        const frame = await probe.next('stream_end after stream_cancel')
        const f = frame.json
        if (f?.type === 'encrypted_chunk' && f.final !== true) continue // chunks already in flight
        if (f?.type === 'encrypted_chunk' || f?.type === 'encrypted_response') {
          throw new Inconclusive('the answer completed before the cancel landed (use a slower node or model)')
        }
        check(
          f?.type === 'stream_end',
          `expected stream_end after stream_cancel, got ${frame.text.slice(0, 200)}`,
        )
        check(f.reason === 'cancelled', `stream_end.reason ${JSON.stringify(f.reason)}, expected "cancelled"`)
        check(
          f.finish_reason === 'cancelled',
          `stream_end.finish_reason ${JSON.stringify(f.finish_reason)}, expected "cancelled"`,
        )
        break
      }
      await probe.expectSilence(
        ctx.target.silenceMs,
        'the cancelled answer (no final chunk or encrypted_response)',
      )
    },
  },
  {
    id: '6.02',
    group: 'cancel',
    title: 'after a cancel the session answers the next prompt',
    spec: 'PROTOCOL §7',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await startLongAnswer(probe, s, 'long')
      probe.send({ type: 'stream_cancel', session_id: s.sessionId })
      await drainUntilStreamEnd(probe, 'stream_end after stream_cancel')
      await ask(probe, s, 'Short one: what is 1+1?', { id: 'after-cancel', aad: 'message_1' })
    },
  },
  {
    id: '6.03',
    group: 'cancel',
    title: 'a second prompt sent while an answer streams is dropped without a reply',
    spec: 'PROTOCOL §1: while a response is streaming, every inbound frame except stream_cancel is dropped',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      await startLongAnswer(probe, s, 'first')
      probe.send(buildMessage(s.sessionKey, s.sessionId, 'Am I dropped?', { id: 'second', aad: 'message_1' }))
      // Drain the first answer; nothing for "second" may appear, during it or after it.
      await drainUntilStreamEnd(probe, 'the rest of the first answer', 'second')
      await probe.expectSilence(ctx.target.silenceMs, 'a prompt sent while streaming')
    },
  },
  {
    id: '6.04',
    group: 'cancel',
    title: 'an unknown frame sent while an answer streams does not disturb it',
    spec: 'PROTOCOL §1',
    needs: [...needs],
    async run(ctx) {
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      probe.send(buildMessage(s.sessionKey, s.sessionId, LONG_PROMPT, { id: 'steady' }))
      probe.send({ type: 'no_such_type' })
      await readAnswer(probe, s.sessionKey, 'steady')
    },
  },
]
