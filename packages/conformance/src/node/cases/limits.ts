import { NODE_MESSAGE_LIMIT } from '../../limits.js'
import type { NodeCase } from '../case.js'
import { check } from '../probe.js'
import { buildMessage } from '../session-crypto.js'
import { initEncrypted, stillUsable } from '../steps.js'

const RATE_LIMIT_TEXT = 'Rate limit exceeded, retry after 60 seconds'

export const limitCases: NodeCase[] = [
  {
    id: '8.01',
    group: 'limits',
    title: 'a 1 MiB frame of an unknown type is ignored and the connection stays usable',
    spec: 'PROTOCOL §1: unknown types ignored; the size is within every limit',
    async run(ctx) {
      const probe = await ctx.connect()
      probe.send(JSON.stringify({ type: 'no_such_type', filler: 'x'.repeat(1024 * 1024) }))
      await probe.expectSilence(ctx.target.silenceMs, 'a 1 MiB unknown frame')
      await stillUsable(ctx, probe)
    },
  },
  {
    id: '8.02',
    group: 'limits',
    title: 'a message over 64 MiB makes the node drop the connection',
    spec: 'PROTOCOL §1: message size limit 64 MiB; SURFACE §3.6: exceeding it is a read error and drops the socket',
    async run(ctx) {
      const probe = await ctx.connect()
      probe.send(`{"type":"no_such_type","filler":"${'x'.repeat(NODE_MESSAGE_LIMIT)}"}`)
      const closed = await probe.waitClosed(ctx.target.timeoutMs * 3)
      check(closed, 'the node kept the connection open after a message over 64 MiB')
    },
  },
  {
    id: '8.03',
    group: 'limits',
    title:
      'the shared chat rate limit answers the next prompt with the code-less rate-limit error and stream_end',
    spec: 'PROTOCOL §1, §8: 60 requests/minute shared by all clients; shape B + stream_end error',
    needs: ['encryption', 'rate-limit'],
    async run(ctx) {
      const limit = ctx.target.rateLimit ?? 60
      const probe = await ctx.connect()
      const s = await initEncrypted(ctx, probe)
      for (let i = 0; i <= limit; i++) {
        const id = `rl-${i}`
        probe.send(buildMessage(s.sessionKey, s.sessionId, 'ok', { id, aad: `message_${i}` }))
        for (;;) {
          const frame = await probe.next(`the answer to prompt ${i + 1} of ${limit + 1}`)
          const f = frame.json
          if (f?.type === 'error' && f.error === RATE_LIMIT_TEXT) {
            check(f.code === undefined, 'the rate-limit error carries a code (the node sends none)')
            const end = (await probe.next('stream_end after the rate-limit error')).json
            check(
              end?.type === 'stream_end' && end.reason === 'error',
              'no stream_end {reason:"error"} after it',
            )
            check(end.id === id, `stream_end.id ${JSON.stringify(end.id)}, expected ${JSON.stringify(id)}`)
            return
          }
          if (f?.type === 'stream_end') break
        }
      }
      check(false, `${limit + 1} prompts within a minute were all answered: no rate limit of ${limit}/min`)
    },
  },
]
