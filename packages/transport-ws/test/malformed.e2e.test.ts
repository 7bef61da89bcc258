import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { FabstirError } from '../src/index.js'
import { collect, StatusLog, useHarness } from './helpers/harness.js'
import { rewritingSocketFactory } from './helpers/rewriting-socket.js'
import { SHELLS } from './helpers/shells.js'

const PROMPT = 'What is 2+2?'

/** Rewrites the first node frame of `type` with `rewrite` (later frames pass unchanged). */
function onceOfType(type: string, rewrite: (text: string) => string | string[]) {
  let done = false
  return (text: string): string | string[] => {
    if (done || (JSON.parse(text) as { type?: string }).type !== type) return text
    done = true
    return rewrite(text)
  }
}

describe.each(SHELLS)('unusable frames from the node (man in the middle) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('a non-JSON frame in the middle of an answer fails that answer; the queue goes on', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, {
      socketFactory: rewritingSocketFactory({
        inbound: onceOfType('encrypted_chunk', (t) => [t, '{not json']),
      }),
    })
    const first = collect(session.stream(PROMPT))
    const second = session.send('the queued prompt')
    const got = await first
    expect(got.error).toBeInstanceOf(FabstirError)
    expect((got.error as FabstirError).code).toBe('INVALID_FRAME')
    expect('2 + 2 = 4.'.startsWith(got.text)).toBe(true)
    expect((await second).text).toBe(expectedAnswer('the queued prompt'))
  })

  it.each([
    ['does not match the schema', (t: string) => JSON.stringify({ ...JSON.parse(t), tokens_used: 'many' })],
    ['is truncated JSON', (t: string) => t.slice(0, t.length - 5)],
  ])(
    'a stream_end that %s after a valid encrypted_response keeps the authenticated answer (issue 15 #4)',
    async (_, mangle) => {
      const sim = await h.startSim()
      const { session } = await h.session(sim, {
        timeouts: { idleMs: 500 },
        socketFactory: rewritingSocketFactory({ inbound: onceOfType('stream_end', mangle) }),
      })
      const warnings: FabstirError[] = []
      session.on('warning', (w) => warnings.push(w))
      const statuses = new StatusLog(session)
      const reply = await session.send(PROMPT)
      expect(statuses.seen).toEqual([])
      expect(reply.text).toBe('2 + 2 = 4.')
      expect(reply.finishReason).toBe('stop')
      expect(warnings.map((w) => w.code)).toEqual(['INVALID_FRAME'])
      expect((await session.send('next prompt')).text).toBe(expectedAnswer('next prompt'))
      expect(session.status).toBe('encrypted')
    },
  )

  it('frames of unknown type are ignored', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, {
      socketFactory: rewritingSocketFactory({
        inbound: onceOfType('encrypted_chunk', (t) => [JSON.stringify({ type: 'future_feature', x: 1 }), t]),
      }),
    })
    expect((await session.send(PROMPT)).text).toBe('2 + 2 = 4.')
  })
})
