import { answerChunks } from '@fabstir/node-sim'
import { parseJson } from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import type { ProtocolEvent } from '../src/index.js'
import { errorsOf } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { isZeroed } from './helpers/random-capture.js'

type Frame = Record<string, unknown> & { type: string; id?: string; payload?: Record<string, unknown> }

const FIRST = 'Short question?'
const SECOND = 'And another long one about truncation of streamed answers, please.'

/** Two answers on one session: the first delivered normally, the second held back for tampering. */
async function twoAnswers() {
  const setup = setupEncrypted()
  const tracked = await initAndWait(setup)
  setup.link.holding = true
  setup.link.send(setup.session.prompt(FIRST, { id: 'p-1' }))
  await setup.link.idle()
  const first = setup.link.held.map((t) => parseJson(t) as Frame)
  setup.link.releaseHeld()
  expect(setup.session.state).toBe('ready')
  setup.link.send(setup.session.prompt(SECOND, { id: 'p-2' }))
  await setup.link.idle()
  const second = setup.link.held.splice(0).map((t) => parseJson(t) as Frame)
  const chunks = (fs: Frame[]) => fs.filter((f) => f.type === 'encrypted_chunk')
  const deliver = (...fs: object[]): ProtocolEvent[] => fs.flatMap((f) => setup.link.deliver(f))
  return { setup, tracked, first, second, chunks, deliver }
}

function deliveredText(events: ProtocolEvent[]): string {
  return events.map((e) => (e.type === 'chunk' ? e.text : '')).join('')
}

describe('replay across answers of one session (nonce replay detection)', () => {
  it('a chunk of an earlier answer, relabelled with the current id and index, is rejected', async () => {
    const ctx = await twoAnswers()
    const old = { ...ctx.chunks(ctx.first)[2]!, id: 'p-2' }
    const now = ctx.chunks(ctx.second)
    const events = ctx.deliver(now[0]!, now[1]!, old)
    const errors = errorsOf(events)
    expect(errors.map((e) => e.code)).toEqual(['CHUNK_OUT_OF_ORDER'])
    expect(errors[0]!.fatal).toBe(true)
    expect(deliveredText(events)).toBe(answerChunks(SECOND).slice(0, 2).join(''))
    expect(ctx.setup.session.state).toBe('failed')
    expect(isZeroed(ctx.tracked.sessionKey)).toBe(true)
  })

  it("an earlier answer's final chunk and encrypted_response cannot end the current answer early", async () => {
    const ctx = await twoAnswers()
    const oldChunks = ctx.chunks(ctx.first)
    const oldFinal = { ...oldChunks.at(-1)!, id: 'p-2' }
    const oldResponse = { ...ctx.first.find((f) => f.type === 'encrypted_response')!, id: 'p-2' }
    const index = (oldFinal.payload as { index: number }).index
    const now = ctx.chunks(ctx.second)
    expect(now.length).toBeGreaterThan(index + 1)
    const events = ctx.deliver(...now.slice(0, index), oldFinal, oldResponse)
    expect(errorsOf(events).map((e) => e.code)).toEqual(['CHUNK_OUT_OF_ORDER'])
    expect(events.some((e) => e.type === 'response' || e.type === 'end')).toBe(false)
  })

  it('the untouched second answer still completes (nonces differ across answers)', async () => {
    const ctx = await twoAnswers()
    const rest = ctx.second.filter((f) => f.type !== 'encrypted_chunk')
    const events = ctx.deliver(...ctx.chunks(ctx.second), ...rest)
    expect(errorsOf(events)).toEqual([])
    expect(deliveredText(events)).toBe(answerChunks(SECOND).join(''))
    expect(events.at(-1)?.type).toBe('end')
  })
})
