import { LTX_TEMPLATES } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import {
  actionError,
  batchVectors,
  cancelFlow,
  decodeImageReply,
  expireFlow,
  FabstirError,
  flowDeadline,
  type ProtocolEvent,
  startImage,
  startLtx,
  startRagSearch,
  startRagUpload,
  startTranscode,
} from '../src/index.js'
import { type EncryptedSetup, initAndWait, setupEncrypted, setupPlaintext } from './helpers/harness.js'

async function ready(options: Parameters<typeof setupEncrypted>[0] = {}): Promise<EncryptedSetup> {
  const setup = setupEncrypted(options)
  const { outcome } = await initAndWait(setup)
  expect(outcome.type).toBe('ready')
  return setup
}

const ended = (e: ProtocolEvent) => e.type === 'result' || e.type === 'error' || e.type === 'end'

/** Send `frame`, deliver the node's replies and return the events up to the flow's end; `send` events are sent on. */
async function run(setup: EncryptedSetup, frame: object): Promise<ProtocolEvent[]> {
  const from = setup.link.events.length
  setup.link.send(frame)
  await setup.link.waitFor(ended, from)
  const events = setup.link.events.slice(from)
  for (const e of events) if (e.type === 'send') setup.link.send(e.frame)
  return events
}

const T2V = {
  templateId: 'ltx-t2v-hdr',
  templateHash: LTX_TEMPLATES['ltx-t2v-hdr']!.hash,
  prompt: 'a river at dawn',
  seed: '42',
  frames: 121,
  fps: 24,
  resolution: { w: 1280, h: 720 },
}

describe('image flow (sans-IO)', () => {
  it('decrypts the single reply under encrypted_image_response and frees the slot', async () => {
    const setup = await ready()
    const events = await run(
      setup,
      startImage(setup.session, { prompt: 'a lighthouse', size: '512x512' }, { now: 0 }),
    )
    const result = events.find((e) => e.type === 'result')
    expect(result?.type === 'result' && result.kind).toBe('image')
    const image = (result as { result: { bytes: Uint8Array; mimeType: string; billing: { tokens: number } } })
      .result
    expect(image.mimeType).toBe('image/png')
    expect([...image.bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(image.billing.tokens).toBe(50)
    expect(setup.session.state).toBe('ready')
  })

  it('reports the node error code with the node message (PROMPT_BLOCKED), session stays usable', async () => {
    const setup = await ready()
    const events = await run(
      setup,
      startImage(setup.session, { prompt: 'graphic violence here' }, { now: 0 }),
    )
    const err = events.find((e) => e.type === 'error')
    expect(err?.type === 'error' && err.error.code).toBe('PROMPT_BLOCKED')
    expect(err?.type === 'error' && err.error.nodeMessage).toBe('Blocked keyword detected: graphic violence')
    expect(err?.type === 'error' && err.error.fatal).toBe(false)
    expect(setup.session.state).toBe('ready')
  })

  it('refuses an invalid request before sending (INVALID_PROMPT) and a second request while one is in flight', async () => {
    const setup = await ready()
    expect(() => startImage(setup.session, { prompt: 'x', size: '100x100' as never }, { now: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PROMPT' }),
    )
    startImage(setup.session, { prompt: 'a cat' }, { now: 0 })
    expect(() => setup.session.prompt('hello')).toThrow(expect.objectContaining({ code: 'PROMPT_IN_FLIGHT' }))
    expect(() =>
      startTranscode(setup.session, { sourceCid: 'u1', mediaFormats: [{ id: 1, ext: 'mp4' }] }, { now: 0 }),
    ).toThrow(expect.objectContaining({ code: 'PROMPT_IN_FLIGHT' }))
  })

  it('expresses the 120 s deadline from the passed-in now and expires it only once it is reached', async () => {
    const setup = await ready()
    startImage(setup.session, { prompt: 'a cat' }, { now: 1_000 })
    expect(flowDeadline(setup.session)).toBe(121_000)
    expect(expireFlow(setup.session, 120_999)).toEqual([])
    const events = expireFlow(setup.session, 121_000)
    expect(events).toHaveLength(1)
    expect(events[0]?.type === 'error' && events[0].error.code).toBe('TIMEOUT')
    expect(setup.session.state).toBe('ready')
  })

  it('a chat prompt the node routes to an image yields an image end event, never STREAM_TRUNCATED', async () => {
    const setup = await ready()
    const frame = setup.session.prompt('please draw a cat on a sofa')
    const events = await run(setup, frame)
    expect(events.map((e) => e.type)).toEqual(['end'])
    expect(events[0]?.type === 'end' && events[0].reason).toBe('image')
    const image = events[0]?.type === 'end' && events[0].image ? decodeImageReply(events[0].image) : undefined
    expect(image?.mimeType).toBe('image/png')
    expect(setup.session.state).toBe('ready')
  })

  it('a wrong AAD family is an authentication failure (fatal), not a result', async () => {
    const setup = await ready({ core: { faults: { wrongActionAad: true } } })
    const events = await run(setup, startImage(setup.session, { prompt: 'a cat' }, { now: 0 }))
    const err = events.find((e) => e.type === 'error')
    expect(err?.type === 'error' && err.error.code).toBe('DECRYPTION_FAILED')
    expect(err?.type === 'error' && err.error.fatal).toBe(true)
  })

  it('caps a long node message and keeps unknown codes as NODE_ERROR', () => {
    const e = actionError('image', { code: 'PROMPT_BLOCKED', message: 'x'.repeat(10_000) }, 'r', 's')
    expect(e.code).toBe('PROMPT_BLOCKED')
    expect(e.nodeMessage!.length).toBeLessThan(1100)
    expect(e.message.length).toBeLessThan(1200)
    const forged = actionError('image', { code: 'SESSION_CLOSED', message: 'm' }, 'r', 's')
    expect(forged.code).toBe('NODE_ERROR')
    expect(forged.details?.nodeCode).toBe('SESSION_CLOSED')
    expect(
      actionError('ltx', { code: 'TIMEOUT', message: 'generation failed: timed out' }, 'r', 's').code,
    ).toBe('TIMEOUT')
  })

  it('decodeImageReply rejects a reply that is not an image message', () => {
    expect(() => decodeImageReply('{"type":"image_generation_result"}')).toThrow(FabstirError)
    expect(() => decodeImageReply('not json')).toThrow(expect.objectContaining({ code: 'INVALID_FRAME' }))
  })
})

describe('transcode flow (sans-IO)', () => {
  it('ack, progress, complete, then transcode_cancel so the node leaves its loop; chat works after', async () => {
    const setup = await ready()
    const events = await run(
      setup,
      startTranscode(
        setup.session,
        { sourceCid: 'u-src', mediaFormats: [{ id: 1, ext: 'mp4', vf: 'scale=1280x720' }] },
        { now: 0 },
      ),
    )
    const types = events.map((e) =>
      e.type === 'progress' ? `progress:${(e.progress as { stage: string }).stage}` : e.type,
    )
    expect(types[0]).toBe('progress:accepted')
    expect(types.filter((t) => t === 'progress:transcoding').length).toBeGreaterThan(0)
    expect(types.slice(-2)).toEqual(['send', 'result'])
    const send = events.find((e) => e.type === 'send')
    expect(send?.type === 'send' && send.frame).toEqual({ type: 'transcode_cancel' })
    await setup.link.idle()
    const chat = await setup.link.exchange(setup.session.prompt('What is 2+2?'))
    expect(chat.some((e) => e.type === 'end')).toBe(true)
  })

  it('an immediate transcode_error ends the flow with its code and sends nothing', async () => {
    const setup = await ready({ core: { transcoder: false } })
    const events = await run(
      setup,
      startTranscode(setup.session, { sourceCid: 'u', mediaFormats: [{ id: 1, ext: 'mp4' }] }, { now: 0 }),
    )
    expect(events.map((e) => e.type)).toEqual(['error'])
    expect(events[0]?.type === 'error' && events[0].error.code).toBe('SIDECAR_UNAVAILABLE')
  })

  it('id-less progress still on the wire after a local cancel is dropped, not taken for the next answer', async () => {
    const setup = await ready({ core: { transcoder: { pollIntervalMs: 5 } } })
    const from = setup.link.events.length
    setup.link.send(
      startTranscode(setup.session, { sourceCid: 'u', mediaFormats: [{ id: 1, ext: 'mp4' }] }, { now: 0 }),
    )
    await setup.link.waitFor((e) => e.type === 'progress', from)
    setup.link.holding = true
    await new Promise((resolve) => setTimeout(resolve, 40)) // progress frames pile up on the wire
    const stale = setup.link.held.length
    const cancel = cancelFlow(setup.session)
    expect(cancel[0]?.type === 'send' && cancel[0].frame).toEqual({ type: 'transcode_cancel' })
    // The next prompt goes out before the stale frames are read (they were sent before the node saw the cancel).
    const prompt = setup.session.prompt('What is 2+2?')
    setup.link.send(cancel[0]!.type === 'send' ? cancel[0]!.frame : {})
    setup.link.send(prompt)
    await setup.link.idle()
    await new Promise((resolve) => setTimeout(resolve, 20))
    setup.link.holding = false
    const events = setup.link.releaseHeld()
    expect(stale).toBeGreaterThan(0)
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    expect(events.some((e) => e.type === 'end' && e.reason === 'complete')).toBe(true)
  })

  it('cancel settles locally and emits transcode_cancel once accepted', async () => {
    const setup = await ready({ core: { transcoder: { pollIntervalMs: 50 } } })
    const from = setup.link.events.length
    setup.link.send(
      startTranscode(setup.session, { sourceCid: 'u', mediaFormats: [{ id: 1, ext: 'mp4' }] }, { now: 0 }),
    )
    await setup.link.waitFor((e) => e.type === 'progress', from)
    const events = cancelFlow(setup.session)
    expect(events.map((e) => e.type)).toEqual(['send', 'error'])
    expect(events[1]?.type === 'error' && events[1].error.code).toBe('ABORTED')
    expect(setup.session.state).toBe('ready')
  })
})

describe('LTX flow (sans-IO)', () => {
  it('accepted, stages, complete; deadline 1,800 s; requestId is the flow id', async () => {
    const setup = await ready()
    const frame = startLtx(setup.session, T2V, { now: 5 })
    expect(flowDeadline(setup.session)).toBe(1_800_005)
    const events = await run(setup, frame)
    const stages = events.flatMap((e) =>
      e.type === 'progress' ? [(e.progress as { stage: string }).stage] : [],
    )
    expect(stages[0]).toBe('accepted')
    expect(stages).toContain('generating')
    expect(stages).toContain('finalising')
    const result = events.at(-1)
    expect(
      result?.type === 'result' && (result.result as { billing: { tokens: unknown } }).billing.tokens,
    ).toBe(111_514)
  })

  it('a node validation error keeps its code and message', async () => {
    const setup = await ready()
    const events = await run(setup, startLtx(setup.session, { ...T2V, frames: 122 }, { now: 0 }))
    expect(events[0]?.type === 'error' && events[0].error.code).toBe('VALIDATION_FAILED')
    expect(events[0]?.type === 'error' && events[0].error.nodeMessage).toBe(
      'frames 122 is not a whole number of seconds at 24 fps',
    )
  })

  it('refuses a non-decimal seed before sending', async () => {
    const setup = await ready()
    expect(() => startLtx(setup.session, { ...T2V, seed: '0x10' }, { now: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PROMPT' }),
    )
    expect(setup.session.state).toBe('ready')
  })
})

describe('RAG flow (sans-IO, plaintext by design)', () => {
  const vec = (x: number) => Array.from({ length: 384 }, (_, i) => (i === x ? 1 : 0))

  it('uploads with per-vector rejections and searches; works on a plaintext session too', async () => {
    const { session, link } = setupPlaintext({ core: { ragCapacity: 1 } })
    link.send(await session.init())
    await link.waitFor((e) => e.type === 'ready')
    const up = await run(
      { link, session } as unknown as EncryptedSetup,
      startRagUpload(
        session,
        [
          { id: 'a', vector: vec(0), metadata: { t: 'A' } },
          { id: 'full', vector: vec(1) },
        ],
        true,
        { now: 0 },
      ),
    )
    const r = up.at(-1)
    expect(r?.type === 'result' && r.result).toEqual({
      status: 'partial',
      uploaded: 1,
      rejected: 1,
      rejections: [{ id: 'full', reason: 'Maximum vector capacity reached: 1 vectors (max: 1)' }],
    })
    const found = await run(
      { link, session } as unknown as EncryptedSetup,
      startRagSearch(session, vec(0), { k: 3 }, { now: 0 }),
    )
    const s = found.at(-1)
    expect(
      s?.type === 'result' && (s.result as { results: { id: string }[] }).results.map((h) => h.id),
    ).toEqual(['a'])
  })

  it('maps an uncorrelated shape-B RAG error to a stable code for the request in flight', async () => {
    const setup = await ready()
    const events = await run(setup, startRagSearch(setup.session, vec(0), { k: 1 }, { now: 0 }))
    expect(events.at(-1)?.type === 'error' && (events.at(-1) as { error: FabstirError }).error.code).toMatch(
      /^RAG_/,
    )
    expect(setup.session.state).toBe('ready')
  })

  it('batches under the frame limit, keeping order', () => {
    const vectors = Array.from({ length: 10 }, (_, i) => ({ id: `v${i}`, vector: vec(i) }))
    const batches = batchVectors(vectors, 4_000)
    expect(batches.length).toBeGreaterThan(1)
    expect(batches.flat().map((v) => v.id)).toEqual(vectors.map((v) => v.id))
    expect(() => batchVectors(vectors, 100)).toThrow(expect.objectContaining({ code: 'INVALID_PROMPT' }))
  })
})

describe('chat extras', () => {
  it('vision images are validated before sending (format and 13,333,334-char limit)', async () => {
    const setup = await ready()
    expect(() =>
      setup.session.prompt({ prompt: 'what is this', images: [{ data: 'AAAA', format: 'bmp' as never }] }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_PROMPT' }))
    expect(() =>
      setup.session.prompt({
        prompt: 'what is this',
        images: [{ data: 'A'.repeat(13_333_335), format: 'png' }],
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_PROMPT' }))
    expect(setup.session.state).toBe('ready')
  })

  it('reports vlm_tokens of stream_end in the end event', async () => {
    const setup = await ready()
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
    const events = await setup.link.exchange(
      setup.session.prompt({ prompt: 'What is 2+2?', images: [{ data: png, format: 'png' }] }),
    )
    const end = events.find((e) => e.type === 'end')
    expect(end?.type === 'end' && end.vlmTokens).toBeGreaterThan(0)
  })

  it('web-search fields travel inside the ciphertext only', async () => {
    const setup = await ready()
    const frame = setup.session.prompt({
      prompt: 'latest news',
      web_search: true,
      max_searches: 2,
      search_queries: ['q'],
    })
    expect(JSON.stringify(frame)).not.toMatch(/web_search|max_searches|search_queries/)
  })
})
