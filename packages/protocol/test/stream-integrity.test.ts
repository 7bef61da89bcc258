import { bytesToHex, randomBytes, seal, utf8ToBytes } from '@fabstir/crypto'
import { answerChunks } from '@fabstir/node-sim'
import { parseJson } from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import type { FabstirErrorCode, ProtocolEvent } from '../src/index.js'
import { errorsOf, expectWellFormedEvent } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { isZeroed } from './helpers/random-capture.js'

const PROMPT = 'What is 2+2?'
const PIECES = [...answerChunks(PROMPT), '']

type Frame = Record<string, unknown> & { type: string; payload?: Record<string, unknown> }

/** Ready session, one prompt sent; the node's answer frames are held back and returned parsed. */
async function heldAnswer() {
  const setup = setupEncrypted()
  const tracked = await initAndWait(setup)
  setup.link.holding = true
  const prompt = setup.session.prompt(PROMPT, { id: 'p-1' })
  setup.link.send(prompt)
  await setup.link.idle()
  const frames = setup.link.held.splice(0).map((t) => parseJson(t) as Frame)
  const chunks = frames.filter((f) => f.type === 'encrypted_chunk')
  const response = frames.find((f) => f.type === 'encrypted_response')!
  const end = frames.find((f) => f.type === 'stream_end')!
  expect(chunks).toHaveLength(PIECES.length)
  const key = tracked.sessionKeyCopy
  /** A frame sealed with the real session key, as a malicious or buggy relay with the key could forge it. */
  const forge = (
    base: Frame,
    plaintext: Uint8Array | string,
    aad: string,
    extra: Record<string, unknown> = {},
  ) => {
    const sealed = seal(key, plaintext, aad)
    return {
      ...base,
      payload: {
        ...base.payload,
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
        aadHex: bytesToHex(utf8ToBytes(aad)),
        ...extra,
      },
    }
  }
  const deliver = (...fs: Array<object | string>): ProtocolEvent[] => fs.flatMap((f) => setup.link.deliver(f))
  return { setup, tracked, chunks, response, end, forge, deliver }
}

function expectFatal(
  events: ProtocolEvent[],
  code: FabstirErrorCode,
  ctx: Awaited<ReturnType<typeof heldAnswer>>,
  responses = 0,
) {
  for (const e of events) expectWellFormedEvent(e)
  for (const e of events) if (e.type === 'chunk') expect(e.text).toBe(PIECES[e.index])
  const errors = errorsOf(events)
  expect(errors.map((e) => e.code)).toEqual([code])
  expect(errors[0]!.fatal).toBe(true)
  expect(errors[0]!.requestId).toBe('p-1')
  expect(events.at(-1)?.type).toBe('error')
  expect(events.filter((e) => e.type === 'response')).toHaveLength(responses)
  expect(events.some((e) => e.type === 'end')).toBe(false)
  expect(ctx.setup.session.state).toBe('failed')
  expect(isZeroed(ctx.tracked.sessionKey)).toBe(true)
}

describe('answer integrity (expected-AAD decryption, final chunk + encrypted_response completeness)', () => {
  it('delivers the untouched answer', async () => {
    const ctx = await heldAnswer()
    const events = ctx.deliver(...ctx.chunks, ctx.response, ctx.end)
    expect(errorsOf(events)).toEqual([])
    expect(events.map((e) => e.type)).toEqual([...PIECES.map(() => 'chunk'), 'response', 'end'])
  })

  it('encrypted_response before the final chunk → STREAM_TRUNCATED', async () => {
    const ctx = await heldAnswer()
    expectFatal(ctx.deliver(...ctx.chunks.slice(0, -1), ctx.response, ctx.end), 'STREAM_TRUNCATED', ctx)
  })

  it('a middle chunk relabelled final, the rest dropped, then encrypted_response → STREAM_TRUNCATED', async () => {
    const ctx = await heldAnswer()
    const relabelled = { ...ctx.chunks[2]!, final: true, tokens: 0 }
    const events = ctx.deliver(...ctx.chunks.slice(0, 2), relabelled, ctx.response, ctx.end)
    expectFatal(events, 'STREAM_TRUNCATED', ctx)
    expect(events.filter((e) => e.type === 'chunk')).toHaveLength(2)
  })

  it("a final chunk carrying the node's `Error: …` text is accepted as the terminal chunk", async () => {
    const ctx = await heldAnswer()
    const last = ctx.chunks.at(-1)!
    const errorFinal = ctx.forge(last, 'Error: model crashed', `chunk_${PIECES.length - 1}`)
    const events = ctx.deliver(...ctx.chunks.slice(0, -1), errorFinal, ctx.response, ctx.end)
    expect(errorsOf(events)).toEqual([])
    const chunks = events.filter((e) => e.type === 'chunk')
    expect(chunks.at(-1)).toMatchObject({ text: 'Error: model crashed', final: true })
    expect(events.at(-1)?.type).toBe('end')
  })

  it('stream_end after the final chunk but without encrypted_response → STREAM_TRUNCATED', async () => {
    const ctx = await heldAnswer()
    expectFatal(ctx.deliver(...ctx.chunks, ctx.end), 'STREAM_TRUNCATED', ctx)
  })

  it('stream_end right away → STREAM_TRUNCATED', async () => {
    const ctx = await heldAnswer()
    expectFatal(ctx.deliver(ctx.end), 'STREAM_TRUNCATED', ctx)
  })

  it('a second encrypted_response → STREAM_TRUNCATED', async () => {
    const ctx = await heldAnswer()
    const again = ctx.forge(ctx.response, 'stop', 'encrypted_response_final')
    expectFatal(ctx.deliver(...ctx.chunks, ctx.response, again), 'STREAM_TRUNCATED', ctx, 1)
  })

  it('encrypted_response sealed with the seed guide AAD "final" → DECRYPTION_FAILED', async () => {
    const ctx = await heldAnswer()
    const wrong = ctx.forge(ctx.response, 'stop', 'final')
    expectFatal(ctx.deliver(...ctx.chunks, wrong), 'DECRYPTION_FAILED', ctx)
  })

  it('a tampered encrypted_response → DECRYPTION_FAILED', async () => {
    const ctx = await heldAnswer()
    const p = ctx.response.payload as { ciphertextHex: string }
    const flipped = {
      ...ctx.response,
      payload: {
        ...p,
        ciphertextHex: `${p.ciphertextHex[0] === 'a' ? 'b' : 'a'}${p.ciphertextHex.slice(1)}`,
      },
    }
    expectFatal(ctx.deliver(...ctx.chunks, flipped), 'DECRYPTION_FAILED', ctx)
  })

  it('an empty finish reason → INVALID_FRAME', async () => {
    const ctx = await heldAnswer()
    const empty = ctx.forge(ctx.response, '', 'encrypted_response_final')
    expectFatal(ctx.deliver(...ctx.chunks, empty), 'INVALID_FRAME', ctx)
  })

  it('a chunk after the final chunk → CHUNK_OUT_OF_ORDER', async () => {
    const ctx = await heldAnswer()
    const base = { ...ctx.chunks[0]! }
    delete base.final
    const extra = ctx.forge(base, 'injected', 'chunk_6', { index: 6 })
    const events = ctx.deliver(...ctx.chunks, extra)
    expectFatal(events, 'CHUNK_OUT_OF_ORDER', ctx)
    expect(events.some((e) => e.type === 'chunk' && e.text === 'injected')).toBe(false)
  })

  it('a chunk whose announced AAD matches its index but which was sealed for another index → DECRYPTION_FAILED', async () => {
    const ctx = await heldAnswer()
    // chunk 1 relabelled as chunk 0, aadHex rewritten too: the client decrypts with the AAD it expects (chunk_0)
    const relabelled = {
      ...ctx.chunks[1]!,
      payload: { ...ctx.chunks[1]!.payload, index: 0, aadHex: bytesToHex(utf8ToBytes('chunk_0')) },
    }
    expectFatal(ctx.deliver(relabelled), 'DECRYPTION_FAILED', ctx)
  })

  it('decrypts with the AAD it expects, whatever aadHex announces', async () => {
    const ctx = await heldAnswer()
    const relabelled = ctx.chunks.map((c) => ({
      ...c,
      payload: { ...c.payload, aadHex: bytesToHex(utf8ToBytes('chunk_999')) },
    }))
    const events = ctx.deliver(...relabelled, ctx.response, ctx.end)
    expect(errorsOf(events)).toEqual([])
    expect(events.filter((e) => e.type === 'chunk').map((e) => (e as { text: string }).text)).toEqual(PIECES)
  })

  it('a chunk sealed with another key → DECRYPTION_FAILED', async () => {
    const ctx = await heldAnswer()
    const sealed = seal(randomBytes(32), 'forged', 'chunk_0')
    const forged = {
      ...ctx.chunks[0]!,
      payload: {
        ...ctx.chunks[0]!.payload,
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
      },
    }
    expectFatal(ctx.deliver(forged), 'DECRYPTION_FAILED', ctx)
  })

  it('a chunk that decrypts to invalid UTF-8 → INVALID_UTF8', async () => {
    const ctx = await heldAnswer()
    const bad = ctx.forge(ctx.chunks[0]!, new Uint8Array([0xc3, 0x28]), 'chunk_0')
    expectFatal(ctx.deliver(bad), 'INVALID_UTF8', ctx)
  })

  it('a malformed chunk mid-stream (nonce not 24 bytes) → INVALID_FRAME', async () => {
    const ctx = await heldAnswer()
    const p = ctx.chunks[1]!.payload as { nonceHex: string }
    const bad = { ...ctx.chunks[1]!, payload: { ...p, nonceHex: p.nonceHex.slice(0, 24) } }
    expectFatal(ctx.deliver(ctx.chunks[0]!, bad), 'INVALID_FRAME', ctx)
  })

  it('frames of another request are ignored and the real answer still completes', async () => {
    const ctx = await heldAnswer()
    const stale = ctx.chunks.map((c) => ({ ...c, id: 'p-0' }))
    expect(ctx.deliver(...stale, { ...ctx.response, id: 'p-0' }, { ...ctx.end, id: 'p-0' })).toEqual([])
    expect(ctx.setup.session.state).toBe('streaming')
    const events = ctx.deliver(...ctx.chunks, ctx.response, ctx.end)
    expect(errorsOf(events)).toEqual([])
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'complete' })
  })

  it('after a fatal error every later frame is ignored', async () => {
    const ctx = await heldAnswer()
    ctx.deliver(ctx.end)
    expect(ctx.setup.session.state).toBe('failed')
    expect(ctx.deliver(...ctx.chunks, ctx.response, ctx.end, 'not json', { type: 'connected' })).toEqual([])
  })
})
