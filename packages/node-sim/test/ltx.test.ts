import { describe, expect, it } from 'vitest'
import { LTX_TEMPLATES } from '../src/core/actions/ltx-allowlist.js'
import { decodeCapabilityCid } from '../src/core/cid.js'
import { createNodeCore, fakeCapabilityCid, type NodeCoreOptions } from '../src/index.js'
import { aadOf, type CoreSession, coreSession, openAction, SteppedClock, settle } from './helpers/actions.js'

const LTX = 'encrypted_ltx_response'
const T2V = LTX_TEMPLATES['ltx-t2v-hdr']!.hash
const JOB = {
  action: 'ltx_generate',
  requestId: 'r-1',
  templateId: 'ltx-t2v-hdr',
  templateHash: T2V,
  prompt: 'a slow pan over a misty forest',
  seed: '42',
  frames: 121,
  fps: 24,
  resolution: { w: 1280, h: 720 },
  lora: 'none',
  output: 'exr-sequence',
}

async function setup(
  options: NodeCoreOptions = {},
  jobId?: string,
  core?: ReturnType<typeof createNodeCore>,
) {
  const clock = new SteppedClock()
  const s = await coreSession(
    { comfyui: { samplerSteps: [2, 2], stepDelayMs: 100 }, ...options, now: clock.now, sleep: clock.sleep },
    { ...(jobId === undefined ? {} : { jobId }), ...(core ? { core } : {}) },
  )
  return { clock, s }
}

async function probe(s: CoreSession): Promise<'answered' | 'dropped'> {
  s.send({ type: 'encrypted_message', id: 'probe', session_id: 'nope' })
  await settle()
  if (s.q.pending === 0) return 'dropped'
  expect(await s.q.next()).toMatchObject({ code: 'SESSION_KEY_NOT_FOUND', id: 'probe' })
  return 'answered'
}

async function submit(s: CoreSession, inner: Record<string, unknown> = JOB) {
  s.act(inner, 'ltx-1')
  const frame = await s.q.next()
  expect(frame.id).toBe('ltx-1')
  expect(aadOf(frame)).toBe(LTX)
  return openAction(s.key, frame, LTX)
}

async function rest(s: CoreSession) {
  const out: Record<string, unknown>[] = []
  while (s.q.pending > 0) {
    const f = await s.q.next()
    expect(f).not.toHaveProperty('id')
    out.push(openAction(s.key, f, LTX))
  }
  return out
}

describe('ltx_generate (PROTOCOL-SURFACE §8)', () => {
  it('happy path: ack, generating → encrypting → uploading → finalising, complete; loop released', async () => {
    const { clock, s } = await setup(
      { comfyui: { samplerSteps: [2, 4], stepDelayMs: 50, outputFiles: 2 } },
      '21',
    )
    expect(await submit(s)).toEqual({
      type: 'ltx_accepted',
      status: 'processing',
      sessionId: s.sid,
      allowListVersion: 16,
      requestId: 'r-1',
    })
    expect(s.conn.state).toBe('ltx-loop')
    await clock.drain()
    const frames = await rest(s)
    const progress = frames.slice(0, -1).map((f) => [f.stage, f.pct])
    expect(progress).toEqual([
      ['generating', 50],
      ['generating', 100],
      ['generating', 25],
      ['generating', 50],
      ['generating', 75],
      ['generating', 100],
      ['encrypting', 0],
      ['encrypting', 50],
      ['encrypting', 100],
      ['uploading', 0],
      ['finalising', 0],
    ])
    for (const f of frames.slice(0, -1)) expect(f).toMatchObject({ type: 'ltx_progress', requestId: 'r-1' })
    const done = frames.at(-1)!
    expect(done).toEqual({
      type: 'ltx_complete',
      outputCID: expect.stringMatching(/^u/),
      proofCID: expect.stringMatching(/^u/),
      frames: [expect.stringMatching(/^u/), expect.stringMatching(/^u/)],
      manifest: {
        frameCount: 2,
        fps: 24,
        resolution: { w: 1280, h: 720 },
        colourEncoding: 'linear-HDR-from-LogC3',
        frameHashes: [expect.stringMatching(/^0x[0-9a-f]{64}$/), expect.stringMatching(/^0x[0-9a-f]{64}$/)],
        merkleRoot: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      },
      billing: { unit: 'megapixel-frame', tokens: 111514, pricePerToken: '0' },
      requestId: 'r-1',
    })
    for (const cid of done.frames as string[]) expect(decodeCapabilityCid(cid)).not.toHaveProperty('error')
    expect(s.core.billing).toEqual([{ jobId: '21', sessionId: s.sid, kind: 'ltx', tokens: 111514 }])
    // unlike transcode, the LTX loop ends by itself
    expect(s.conn.state).toBe('idle')
    expect(await probe(s)).toBe('answered')
  })

  it('one output file by default; no requestId when none was sent; pricePerToken configurable', async () => {
    const { clock, s } = await setup({ comfyui: { samplerSteps: [1], pricePerToken: '1000' } })
    const { requestId: _omit, ...job } = JOB
    const ack = await submit(s, { ...job, frames: 361, fps: 24, resolution: { w: 3840, h: 2176 } })
    expect(ack).not.toHaveProperty('requestId')
    await clock.drain()
    const done = (await rest(s)).at(-1)!
    expect(done.frames).toHaveLength(1)
    expect(done.billing).toEqual({
      unit: 'megapixel-frame',
      tokens: Math.ceil((361 * 3840 * 2176) / 1000),
      pricePerToken: '1000',
    })
    expect(done).not.toHaveProperty('requestId')
  })

  it('every pre-accept validation error in the order of §8.3, with id and exact text', async () => {
    const { s } = await setup({ ltxRateLimit: 100 })
    const img = (size: number) => fakeCapabilityCid(`img-${size}`, size)
    const vid = (size: number) => fakeCapabilityCid(`vid-${size}`, size)
    const I2V = LTX_TEMPLATES['ltx-i2v-hdr']!.hash
    const IC = LTX_TEMPLATES['ltx-iclora-hdr']!.hash
    const cases: [Record<string, unknown>, string][] = [
      [{ templateId: undefined }, 'invalid ltx job: missing field `templateId`'],
      [{ seed: 42 }, 'invalid ltx job: invalid type: integer `42`, expected a string'],
      [{ frames: 121.5 }, 'invalid ltx job: invalid type: floating point `121.5`, expected u32'],
      [{ frames: -1 }, 'invalid ltx job: invalid value: integer `-1`, expected u32'],
      [{ output: 'mp4' }, 'invalid ltx job: unknown variant `mp4`, expected `exr-sequence`'],
      [{ resolution: { w: 1280 } }, 'invalid ltx job: missing field `h`'],
      [
        { resolution: [1280] },
        'invalid ltx job: invalid length 1, expected struct Resolution with 2 elements',
      ],
      [{ resolution: 'hd' }, 'invalid ltx job: invalid type: string "hd", expected struct Resolution'],
      [
        { output: { 'exr-sequence': 1 } },
        'invalid ltx job: invalid type: integer `1`, expected unit variant',
      ],
      [{ images: 'u' }, 'invalid ltx job: invalid type: string "u", expected a sequence'],
      [{ templateId: 'ltx-nope' }, 'template rejected: unknown templateId "ltx-nope"'],
      [{ templateHash: `0x${'0'.repeat(64)}` }, 'template rejected: templateHash mismatch for "ltx-t2v-hdr"'],
      [{ templateHash: T2V.slice(2) }, 'template rejected: templateHash mismatch for "ltx-t2v-hdr"'],
      [{ frames: 120 }, 'job params out of allow-list bounds'],
      [{ frames: 752 }, 'job params out of allow-list bounds'],
      [{ fps: 30, frames: 151 }, 'job params out of allow-list bounds'],
      [{ resolution: { w: 1280, h: 721 } }, 'job params out of allow-list bounds'],
      [{ frames: 122 }, 'frames 122 is not a whole number of seconds at 24 fps'],
      [{ frames: 751, fps: 24 }, 'frames 751 is not a whole number of seconds at 24 fps'],
      [{ frames: 721, fps: 24 }, 'clip duration 30s is out of range (must be 5..=15s)'],
      [{ frames: 201, fps: 50 }, 'clip duration 4s is out of range (must be 5..=15s)'],
      [{ images: [img(1)] }, 'template "ltx-t2v-hdr" expects 0 input image(s), got 1'],
      [
        { templateId: 'ltx-i2v-hdr', templateHash: I2V },
        'template "ltx-i2v-hdr" expects 1 input image(s), got 0',
      ],
      [
        { templateId: 'ltx-i2v-hdr', templateHash: I2V, images: ['zNotCapability'] },
        'invalid image capability CID: expected a base64url CID starting with "u"',
      ],
      [
        { templateId: 'ltx-i2v-hdr', templateHash: I2V, images: ['u!!'] },
        'invalid image capability CID: invalid base64url',
      ],
      [
        { templateId: 'ltx-i2v-hdr', templateHash: I2V, images: [img(33_554_433)] },
        'input image is 33554433 bytes, exceeds imageMaxBytes 33554432',
      ],
      [
        { templateId: 'ltx-iclora-hdr', templateHash: IC, images: [img(33_554_432)] },
        'template "ltx-iclora-hdr" expects 1 input video(s), got 0',
      ],
      [
        { templateId: 'ltx-iclora-hdr', templateHash: IC, images: [img(5)], videos: [vid(134_217_729)] },
        'input video is 134217729 bytes, exceeds videoMaxBytes 134217728',
      ],
      [{ seed: '' }, 'patch failed: invalid seed "": cannot parse integer from empty string'],
      [{ seed: '0x2a' }, 'patch failed: invalid seed "0x2a": invalid digit found in string'],
      [{ seed: '-1' }, 'patch failed: invalid seed "-1": invalid digit found in string'],
      [
        { seed: '18446744073709551616' },
        "patch failed: seed 18446744073709551616 exceeds the sampler's u64 range",
      ],
      [
        { seed: '9'.repeat(40) },
        `patch failed: invalid seed "${'9'.repeat(40)}": number too large to fit in target type`,
      ],
    ]
    for (const [patch, message] of cases) {
      const inner = { ...JOB, ...patch }
      for (const k of Object.keys(patch))
        if (patch[k] === undefined) delete (inner as Record<string, unknown>)[k]
      const r = await submit(s, inner)
      expect(r, JSON.stringify(patch)).toMatchObject({
        type: 'ltx_error',
        error: { code: 'VALIDATION_FAILED', message },
      })
      expect(await probe(s)).toBe('answered')
    }
    // accepted edge values: seed 2^64-1, upper-case hash, an ignored unknown key
    const ok = await submit(s, {
      ...JOB,
      seed: '18446744073709551615',
      templateHash: T2V.toUpperCase().replace('0X', '0x'),
      extra: 1,
    })
    expect(ok.type).toBe('ltx_accepted')
  })

  it('SIDECAR_UNAVAILABLE, template store missing, CAPACITY (rate limit, slots, settlement)', async () => {
    expect((await submit((await setup({ comfyui: false })).s)).error).toEqual({
      code: 'SIDECAR_UNAVAILABLE',
      message: 'LTX sidecar not configured (503)',
    })
    expect((await submit((await setup({ comfyui: { templateStore: false } })).s)).error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'LTX template store not configured',
    })
    // rate limit comes before everything but parsing
    const rl = await setup({ ltxRateLimit: 1, comfyui: { samplerSteps: [1] } })
    expect((await submit(rl.s)).type).toBe('ltx_accepted')
    await rl.clock.drain()
    await rest(rl.s)
    expect(await submit(rl.s, { ...JOB, templateId: 'nope' })).toEqual({
      type: 'ltx_error',
      error: { code: 'CAPACITY', message: 'LTX generation rate limit exceeded' },
      requestId: 'r-1',
    })
    // one render slot per node
    const clock = new SteppedClock()
    const core = createNodeCore({ now: clock.now, sleep: clock.sleep, comfyui: { stepDelayMs: 10 } })
    const a = await coreSession({}, { core, sessionId: 'a', jobId: '50' })
    const b = await coreSession({}, { core, sessionId: 'b' })
    expect((await submit(a)).type).toBe('ltx_accepted')
    expect((await submit(b)).error).toEqual({ code: 'CAPACITY', message: 'all generation slots are in use' })
    // a disconnect with the clip in flight: settlement is deferred to the clip, then latches the job for 120 s
    a.conn.close()
    expect(core.settledJobs).toEqual([])
    await clock.drain()
    expect(core.settledJobs.map((j) => j.jobId)).toEqual(['50'])
    expect(core.billing).toEqual([])
    const c = await coreSession({}, { core, sessionId: 'c', jobId: '50' })
    expect((await submit(c)).error).toEqual({
      code: 'CAPACITY',
      message: 'session settlement in progress — retry shortly',
    })
    clock.t += 120_001
    expect((await submit(c)).type).toBe('ltx_accepted')
  })

  it('the sidecar vanishing between accept and spawn: ack, then SIDECAR_UNAVAILABLE with id, no loop', async () => {
    const { s } = await setup({ comfyui: { vanishesAfterAccept: true } })
    expect((await submit(s)).type).toBe('ltx_accepted')
    const f = await s.q.next()
    expect(f.id).toBe('ltx-1')
    expect(openAction(s.key, f, LTX)).toEqual({
      type: 'ltx_error',
      error: { code: 'SIDECAR_UNAVAILABLE', message: 'LTX sidecar became unavailable' },
      requestId: 'r-1',
    })
    expect(s.conn.state).toBe('idle')
    expect(await probe(s)).toBe('answered')
  })

  it('busy: frames are dropped in the LTX loop; ltx_cancel leaves it without confirmation and bills nothing', async () => {
    const { clock, s } = await setup({}, '7')
    await submit(s)
    await clock.tick()
    expect((await s.reply(LTX)).stage).toBe('generating')
    s.send({ type: 'transcode_cancel' })
    s.send({ type: 'stream_cancel' })
    s.send({ type: 'searchVectors', queryVector: [], k: 1 })
    expect(await probe(s)).toBe('dropped')
    s.send({ type: 'ltx_cancel', session_id: s.sid })
    await clock.drain()
    await s.conn.idle
    expect(s.q.pending).toBe(0)
    expect(s.conn.state).toBe('idle')
    expect(s.core.billing).toEqual([])
    expect(await probe(s)).toBe('answered')
    // outside the loop ltx_cancel is ignored
    s.send({ type: 'ltx_cancel' })
    expect(await probe(s)).toBe('answered')
  })

  it('ltx_cancel is sidecar-global: another session still generating fails with GENERATION_FAILED', async () => {
    const clock = new SteppedClock()
    const core = createNodeCore({
      now: clock.now,
      sleep: clock.sleep,
      comfyui: { maxConcurrentGenerations: 2, samplerSteps: [10], stepDelayMs: 10 },
    })
    const a = await coreSession({}, { core, sessionId: 'a' })
    const b = await coreSession({}, { core, sessionId: 'b' })
    await submit(a)
    await submit(b)
    await clock.tick()
    await clock.tick()
    expect((await a.reply(LTX)).stage).toBe('generating')
    expect((await b.reply(LTX)).stage).toBe('generating')
    a.send({ type: 'ltx_cancel' })
    await clock.drain()
    expect(a.q.pending).toBe(0)
    expect(await b.reply(LTX)).toEqual({
      type: 'ltx_error',
      error: { code: 'GENERATION_FAILED', message: 'generation failed: execution interrupted' },
      requestId: 'r-1',
    })
    expect(b.conn.state).toBe('idle')
    expect(core.billing).toEqual([])
  })

  it('a cancel after the finalising gate still bills, but ltx_complete is never delivered', async () => {
    const { clock, s } = await setup({ comfyui: { samplerSteps: [1], stepDelayMs: 10 } }, '8')
    await submit(s)
    for (;;) {
      await clock.tick()
      if (s.q.pending > 0 && (await s.reply(LTX)).stage === 'finalising') break
    }
    s.send({ type: 'ltx_cancel' })
    await clock.drain()
    await s.conn.idle
    expect(s.q.pending).toBe(0)
    expect(s.core.billing).toEqual([{ jobId: '8', sessionId: s.sid, kind: 'ltx', tokens: 111514 }])
  })

  it('post-accept failures: GENERATION_FAILED, or TIMEOUT when the text says "timed out"; without id', async () => {
    const f = await setup({
      comfyui: { samplerSteps: [3], failure: { afterEvents: 2, message: 'submit failed: HTTP 500' } },
    })
    await submit(f.s)
    await f.clock.drain()
    const frames = await rest(f.s)
    expect(frames.map((x) => x.type)).toEqual(['ltx_progress', 'ltx_progress', 'ltx_error'])
    expect(frames[2]).toEqual({
      type: 'ltx_error',
      error: { code: 'GENERATION_FAILED', message: 'submit failed: HTTP 500' },
      requestId: 'r-1',
    })
    expect(f.s.conn.state).toBe('idle')
    const t = await setup({
      comfyui: { failure: { afterEvents: 0, message: 'generation failed: watch timed out after 1800s' } },
    })
    await submit(t.s)
    await t.clock.drain()
    expect((await rest(t.s))[0]).toMatchObject({ error: { code: 'TIMEOUT' } })
  })

  it('faults: wrong AAD family, tampered progress, close mid-flow, missing completion', async () => {
    const wrong = await setup({ faults: { wrongActionAad: true } })
    wrong.s.act(JOB)
    const f = await wrong.s.q.next()
    expect(aadOf(f)).toBe('encrypted_image_response')
    expect(() => openAction(wrong.s.key, f, LTX)).toThrow()
    const tamper = await setup({ faults: { tamperActionReply: 2 } })
    await submit(tamper.s) // reply 0
    await tamper.clock.drain()
    expect(await tamper.s.reply(LTX)).toMatchObject({ stage: 'generating', pct: 50 }) // reply 1
    const bad = await tamper.s.q.next() // reply 2: tampered
    expect(() => openAction(tamper.s.key, bad, LTX)).toThrow()
    expect(await tamper.s.reply(LTX)).toMatchObject({ stage: 'generating', pct: 50 }) // reply 3 (second stage)
    const closed = await setup({ faults: { closeAfterActionReply: 1 } }, '66')
    await submit(closed.s)
    await closed.clock.drain()
    expect((await closed.s.reply(LTX)).stage).toBe('generating')
    expect(closed.s.transportClosed()).toBe(true)
    expect(closed.s.q.pending).toBe(0)
    expect(closed.s.core.settledJobs.map((j) => j.jobId)).toEqual(['66'])
    expect(closed.s.core.billing).toEqual([])
    const drop = await setup({ faults: { dropActionCompletion: true } })
    await submit(drop.s)
    await drop.clock.drain()
    const all = await rest(drop.s)
    expect(all.at(-1)).toMatchObject({ stage: 'finalising' })
  })
})
