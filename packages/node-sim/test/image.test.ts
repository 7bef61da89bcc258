import { crc32, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createNodeCore } from '../src/index.js'
import { aadOf, coreSession, openAction, openActionText, SteppedClock, settle } from './helpers/actions.js'
import { expectNoReplyBefore } from './helpers/ws-client.js'

const IMG = 'encrypted_image_response'

/** Parse a PNG strictly: signature, chunk CRCs, IHDR, inflated IDAT size. */
function parsePng(b64: string): { width: number; height: number } {
  const bytes = Buffer.from(b64, 'base64')
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  let o = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  const types: string[] = []
  while (o < bytes.length) {
    const len = bytes.readUInt32BE(o)
    const type = bytes.subarray(o + 4, o + 8).toString('latin1')
    const data = bytes.subarray(o + 8, o + 8 + len)
    const crc = bytes.readUInt32BE(o + 8 + len)
    expect(crc32(bytes.subarray(o + 4, o + 8 + len))).toBe(crc)
    types.push(type)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      expect([...data.subarray(8)]).toEqual([8, 2, 0, 0, 0])
    }
    if (type === 'IDAT') idat.push(data)
    o += 12 + len
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND'])
  expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * 3))
  return { width, height }
}

describe('image_generation (PROTOCOL-SURFACE §5)', () => {
  it('happy path: one encrypted_response under encrypted_image_response with id and session_id', async () => {
    const s = await coreSession()
    s.act({ action: 'image_generation', prompt: 'a lighthouse at dusk', size: '512x512', steps: 4 }, 'img-1')
    const frame = await s.q.next()
    expect(Object.keys(frame)).toEqual(['type', 'payload', 'session_id', 'id'])
    expect(frame).toMatchObject({ type: 'encrypted_response', id: 'img-1', session_id: s.sid })
    expect(aadOf(frame)).toBe(IMG)
    const r = openAction(s.key, frame, IMG)
    expect(r).toEqual({
      type: 'image_generation_result',
      image: expect.any(String),
      model: 'flux-klein',
      size: '512x512',
      steps: 4,
      seed: 0,
      processingTimeMs: expect.any(Number),
      safety: { promptSafe: true, outputSafe: true, safetyLevel: 'strict' },
      billing: { generationUnits: 0.05, modelMultiplier: 1, megapixels: 0.25, steps: 4 },
      provider: 'host',
      chainId: 84532,
      chainName: 'Base Sepolia',
      nativeToken: 'ETH',
    })
    expect(r.image.startsWith('data:')).toBe(false)
    expect(parsePng(r.image)).toEqual({ width: 8, height: 8 })
    await expectNoReplyBefore({
      request: async (f) => {
        s.send(f)
        return s.q.next()
      },
    })
  })

  it('writes f64 billing fields with a decimal point (serde formatting), integers without', async () => {
    const s = await coreSession()
    s.act({ action: 'image_generation', prompt: 'x y z', size: '1024x1024', steps: 20 })
    const text = openActionText(s.key, await s.q.next(), IMG)
    expect(text).toContain(
      '"billing":{"generationUnits":1.0,"modelMultiplier":1.0,"megapixels":1.0,"steps":20},"provider":"host","chainId":84532,',
    )
  })

  it('the image is deterministic in prompt+seed+size; seed echoes the request seed or 0', async () => {
    const s = await coreSession()
    const gen = async (inner: Record<string, unknown>) => {
      s.act({ action: 'image_generation', ...inner })
      return s.reply(IMG)
    }
    const a = await gen({ prompt: 'cat', seed: 7, size: '1024x768' })
    const b = await gen({ prompt: 'cat', seed: 7, size: '1024x768' })
    const c = await gen({ prompt: 'cat', seed: 8, size: '1024x768' })
    expect(a.image).toBe(b.image)
    expect(c.image).not.toBe(a.image)
    expect(a.seed).toBe(7)
    expect(parsePng(a.image)).toEqual({ width: 16, height: 12 })
  })

  it('echoes safetyLevel and maps chain ids: 5611 → opBNB, unknown → Base Sepolia', async () => {
    const s = await coreSession({ imageRateLimit: 100 })
    const gen = async (inner: Record<string, unknown>) => {
      s.act({ action: 'image_generation', prompt: 'p', ...inner })
      return s.reply(IMG)
    }
    expect((await gen({ safetyLevel: 'relaxed' })).safety.safetyLevel).toBe('relaxed')
    expect(await gen({ chainId: 5611 })).toMatchObject({
      chainId: 5611,
      chainName: 'opBNB Testnet',
      nativeToken: 'BNB',
    })
    expect(await gen({ chainId: 1 })).toMatchObject({
      chainId: 1,
      chainName: 'Base Sepolia',
      nativeToken: 'ETH',
    })
    expect((await gen({ model: 'sdxl', steps: null })).model).toBe('sdxl')
  })

  it('bills ceil(units × 1000) to the connection job, reproducing the 151 artefact for 1024×768×4', async () => {
    const s = await coreSession({ imageRateLimit: 100 }, { jobId: '77' })
    const cases: [string, number, number, number][] = [
      ['1024x1024', 4, 0.2, 200],
      ['512x512', 4, 0.05, 50],
      ['1024x768', 4, 0.15000000000000002, 151],
    ]
    for (const [size, steps, units] of cases) {
      s.act({ action: 'image_generation', prompt: 'p', size, steps })
      expect((await s.reply(IMG)).billing.generationUnits).toBe(units)
    }
    expect(s.core.billing).toEqual(
      cases.map(([, , , tokens]) => ({ jobId: '77', sessionId: s.sid, kind: 'image', tokens })),
    )
  })

  it('every validation error with its exact code and text', async () => {
    const s = await coreSession()
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, 'VALIDATION_FAILED', 'Invalid request: missing field `prompt`'],
      [
        { prompt: 'p', steps: '4' },
        'VALIDATION_FAILED',
        'Invalid request: invalid type: string "4", expected u32',
      ],
      [
        { prompt: 'p', jobId: '5' },
        'VALIDATION_FAILED',
        'Invalid request: invalid type: string "5", expected u64',
      ],
      [
        { prompt: 'p', seed: -1 },
        'VALIDATION_FAILED',
        'Invalid request: invalid value: integer `-1`, expected u64',
      ],
      [{ prompt: 5 }, 'VALIDATION_FAILED', 'Invalid request: invalid type: integer `5`, expected a string'],
      [{ prompt: '  \n ' }, 'VALIDATION_FAILED', 'prompt must not be empty'],
      [
        { prompt: 'p', size: '640x480' },
        'VALIDATION_FAILED',
        "invalid size '640x480'; allowed: 256x256, 512x512, 768x768, 1024x1024, 1024x768, 768x1024",
      ],
      [{ prompt: 'p', steps: 0 }, 'VALIDATION_FAILED', 'steps must be between 1 and 100, got 0'],
      [{ prompt: 'p', steps: 101 }, 'VALIDATION_FAILED', 'steps must be between 1 and 100, got 101'],
      [{ prompt: 'A portrait of Al Gore' }, 'PROMPT_BLOCKED', 'Blocked keyword detected: gore'],
      [{ prompt: 'a DENUDED hillside' }, 'PROMPT_BLOCKED', 'Blocked keyword detected: nude'],
      [{ prompt: 'Self-Harm' }, 'PROMPT_BLOCKED', 'Blocked keyword detected: self-harm'],
    ]
    for (const [inner, code, message] of cases) {
      s.act({ action: 'image_generation', ...inner }, 'v')
      const frame = await s.q.next()
      expect(frame.id).toBe('v')
      expect(openAction(s.key, frame, IMG), JSON.stringify(inner)).toEqual({
        type: 'image_generation_error',
        error: { code, message },
      })
    }
    // the negative prompt is not safety-checked
    s.act({ action: 'image_generation', prompt: 'a meadow', negativePrompt: 'nude gore' })
    expect((await s.reply(IMG)).type).toBe('image_generation_result')
  })

  it('without a diffusion sidecar: DIFFUSION_SERVICE_UNAVAILABLE (after validation and the blocklist)', async () => {
    const s = await coreSession({ diffusion: false })
    s.act({ action: 'image_generation', prompt: 'nude' })
    expect((await s.reply(IMG)).error.code).toBe('PROMPT_BLOCKED')
    s.act({ action: 'image_generation', prompt: 'a cat' })
    expect((await s.reply(IMG)).error).toEqual({
      code: 'DIFFUSION_SERVICE_UNAVAILABLE',
      message: 'Image generation service is not available on this host',
    })
  })

  it('a failing sidecar: IMAGE_GENERATION_FAILED, not counted against the rate limit', async () => {
    const s = await coreSession({ diffusion: { failWith: 'sidecar returned 500' }, imageRateLimit: 1 })
    for (let i = 0; i < 3; i++) {
      s.act({ action: 'image_generation', prompt: 'a cat' })
      expect((await s.reply(IMG)).error).toEqual({
        code: 'IMAGE_GENERATION_FAILED',
        message: 'Generation failed: sidecar returned 500',
      })
    }
  })

  it('a sidecar slower than the 120 s HTTP timeout fails after 120 s', async () => {
    const clock = new SteppedClock()
    const s = await coreSession({ diffusion: { delayMs: 200_000 }, now: clock.now, sleep: clock.sleep })
    s.act({ action: 'image_generation', prompt: 'p' })
    await clock.tick()
    expect(clock.t - 1_000_000).toBe(120_000)
    expect((await s.reply(IMG)).error).toEqual({
      code: 'IMAGE_GENERATION_FAILED',
      message: 'Generation failed: sidecar request timed out after 120 s',
    })
  })

  it('rate limit: checked before validation, counts successes only, per session, sliding 60 s', async () => {
    let now = 5_000_000
    const core = createNodeCore({ imageRateLimit: 2, now: () => now })
    const a = await coreSession({}, { core, sessionId: 'a' })
    const b = await coreSession({}, { core, sessionId: 'b' })
    const ok = { action: 'image_generation', prompt: 'p', size: '256x256' }
    a.act({ action: 'image_generation', prompt: '' }) // failure: not counted
    expect((await a.reply(IMG)).error.code).toBe('VALIDATION_FAILED')
    a.act(ok)
    expect((await a.reply(IMG)).type).toBe('image_generation_result')
    now += 30_000
    a.act(ok)
    expect((await a.reply(IMG)).type).toBe('image_generation_result')
    // over the limit: even an invalid request gets RATE_LIMIT_EXCEEDED (checked first)
    a.act({ action: 'image_generation', steps: 'bad' })
    expect((await a.reply(IMG)).error).toEqual({
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Image generation rate limit exceeded',
    })
    b.act(ok) // another session id has its own window
    expect((await b.reply(IMG)).type).toBe('image_generation_result')
    now += 30_001 // the first success left the window
    a.act(ok)
    expect((await a.reply(IMG)).type).toBe('image_generation_result')
  })

  it('busy: frames queue during generation and run afterwards in order; stream_cancel there has no effect', async () => {
    const clock = new SteppedClock()
    const s = await coreSession({ diffusion: { delayMs: 2500 }, now: clock.now, sleep: clock.sleep })
    s.act({ action: 'image_generation', prompt: 'slow one' }, 'img')
    await settle()
    expect(s.conn.state).toBe('inline')
    s.send({ type: 'stream_cancel' })
    s.send({ type: 'encrypted_message', id: 'probe-1', session_id: 'nope' })
    s.send({ type: 'ping' })
    s.send({ type: 'encrypted_message', id: 'probe-2', session_id: 'nope' })
    await settle()
    expect(s.q.pending).toBe(0)
    await clock.tick()
    const r = openAction(s.key, await s.q.next(), IMG)
    expect(r.type).toBe('image_generation_result')
    expect(r.processingTimeMs).toBe(2500)
    expect((await s.q.next()).id).toBe('probe-1')
    expect((await s.q.next()).id).toBe('probe-2')
    expect(s.q.pending).toBe(0)
    expect(s.conn.state).toBe('idle')
  })

  it('queued frames that start new inline work keep their order', async () => {
    const clock = new SteppedClock()
    const s = await coreSession({ diffusion: { delayMs: 10 }, now: clock.now, sleep: clock.sleep })
    s.act({ action: 'image_generation', prompt: 'one' }, 'i1')
    s.act({ action: 'image_generation', prompt: 'two' }, 'i2')
    s.send({ type: 'encrypted_message', id: 'probe', session_id: 'nope' })
    await clock.tick()
    expect((await s.q.next()).id).toBe('i1')
    await settle()
    expect(s.q.pending).toBe(0)
    await clock.tick()
    expect((await s.q.next()).id).toBe('i2')
    expect((await s.q.next()).id).toBe('probe')
  })

  it('disconnect mid-generation: generation and billing still complete, nothing is sent', async () => {
    const clock = new SteppedClock()
    const s = await coreSession(
      { diffusion: { delayMs: 100 }, now: clock.now, sleep: clock.sleep },
      { jobId: '9' },
    )
    s.act({ action: 'image_generation', prompt: 'p', size: '256x256' })
    await settle()
    s.conn.close()
    await clock.tick()
    await s.conn.idle
    expect(s.q.pending).toBe(0)
    expect(s.core.billing).toEqual([{ jobId: '9', sessionId: s.sid, kind: 'image', tokens: 13 }])
    expect(s.core.settledJobs.map((j) => j.jobId)).toEqual(['9'])
  })

  it('without a job id nothing is billed; errors never close the socket', async () => {
    const s = await coreSession()
    s.send({ type: 'session_init', session_id: s.sid }) // plaintext re-init: no job id on the connection
    await s.q.next()
    s.act({ action: 'image_generation', prompt: 'p' })
    expect((await s.reply(IMG)).type).toBe('image_generation_result')
    s.act({ action: 'image_generation' })
    expect((await s.reply(IMG)).type).toBe('image_generation_error')
    expect(s.core.billing).toEqual([])
    expect(s.transportClosed()).toBe(false)
    expect(s.conn.closed).toBe(false)
  })

  it('faults: wrong AAD family, tampered reply, replayed reply, missing reply (also for auto-routed chat)', async () => {
    const wrong = await coreSession({ faults: { wrongActionAad: true } })
    wrong.act({ action: 'image_generation', prompt: 'p' })
    const w = await wrong.q.next()
    expect(aadOf(w)).toBe('encrypted_transcode_response')
    expect(() => openAction(wrong.key, w, IMG)).toThrow()
    expect(openAction(wrong.key, w, 'encrypted_transcode_response').type).toBe('image_generation_result')

    const tamper = await coreSession({ faults: { tamperActionReply: 0 } })
    tamper.act({ prompt: 'draw a cat' }, 'routed')
    const t = await tamper.q.next()
    expect(t.id).toBe('routed')
    expect(aadOf(t)).toBe(IMG)
    expect(() => openAction(tamper.key, t, IMG)).toThrow()

    const replay = await coreSession({ faults: { replayActionReply: 0 } })
    replay.act({ action: 'image_generation', prompt: 'p' })
    const first = await replay.q.next()
    expect(await replay.q.next()).toEqual(first)

    const drop = await coreSession({ faults: { dropActionCompletion: true } })
    drop.act({ action: 'image_generation', prompt: 'p' }, 'gone')
    await expectNoReplyBefore({
      request: async (f) => {
        drop.send(f)
        return drop.q.next()
      },
    })
  })
})
