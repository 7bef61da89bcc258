import { fakeCapabilityCid, LTX_TEMPLATES } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { generateVideo } from '../src/ltx.js'
import { expectCode, progressOf } from './helpers/flows.js'
import { eventually, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const T2V = {
  templateId: 'ltx-t2v-hdr',
  templateHash: LTX_TEMPLATES['ltx-t2v-hdr']!.hash,
  prompt: 'a river at dawn',
  seed: '42',
  frames: 121,
  fps: 24,
  resolution: { w: 1280, h: 720 },
}

describe.each(SHELLS)('generateVideo (LTX) over a real socket (node-sim) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('accepted → generating → encrypting → uploading → finalising → result with billing from the requested frames', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const job = generateVideo(session, T2V)
    const stages = (await progressOf(job)).map((p) => p.stage)
    const video = await job.result
    expect(stages[0]).toBe('accepted')
    expect([...new Set(stages.slice(1))]).toEqual(['generating', 'encrypting', 'uploading', 'finalising'])
    expect(video.frames).toHaveLength(1)
    expect(video.billing).toEqual({ unit: 'megapixel-frame', tokens: 111_514, pricePerToken: '0' })
    expect(video.manifest).toMatchObject({ fps: 24, resolution: { w: 1280, h: 720 } })
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it.each([
    [
      'unknown template',
      { templateId: 'ltx-nope' },
      {},
      'VALIDATION_FAILED',
      'template rejected: unknown templateId "ltx-nope"',
    ],
    [
      'hash mismatch',
      { templateHash: `0x${'0'.repeat(64)}` },
      {},
      'VALIDATION_FAILED',
      'template rejected: templateHash mismatch for "ltx-t2v-hdr"',
    ],
    ['bounds', { fps: 30 }, {}, 'VALIDATION_FAILED', 'job params out of allow-list bounds'],
    [
      'duration',
      { frames: 122 },
      {},
      'VALIDATION_FAILED',
      'frames 122 is not a whole number of seconds at 24 fps',
    ],
    [
      'clip too long',
      { frames: 409, fps: 24 },
      {},
      'VALIDATION_FAILED',
      /^clip duration 17s is out of range/,
    ],
    [
      'image count',
      { images: [fakeCapabilityCid('img', 10)] },
      {},
      'VALIDATION_FAILED',
      'template "ltx-t2v-hdr" expects 0 input image(s), got 1',
    ],
    [
      'no template store',
      {},
      { comfyui: { templateStore: false } },
      'VALIDATION_FAILED',
      'LTX template store not configured',
    ],
    [
      'no ComfyUI',
      {},
      { comfyui: false as const },
      'SIDECAR_UNAVAILABLE',
      'LTX sidecar not configured (503)',
    ],
    [
      'sidecar vanished after accept',
      {},
      { comfyui: { vanishesAfterAccept: true } },
      'SIDECAR_UNAVAILABLE',
      'LTX sidecar became unavailable',
    ],
    [
      'generation failure',
      {},
      { comfyui: { failure: { afterEvents: 2, message: 'generation failed: CUDA error' } } },
      'GENERATION_FAILED',
      'generation failed: CUDA error',
    ],
    [
      'node-side timeout',
      {},
      { comfyui: { failure: { afterEvents: 1, message: 'generation failed: watch timed out' } } },
      'TIMEOUT',
      'generation failed: watch timed out',
    ],
  ])('node error: %s → its code and message; session usable', async (_n, change, simOptions, code, text) => {
    const sim = await h.startSim(simOptions)
    const { session } = await h.session(sim)
    const e = await expectCode(generateVideo(session, { ...T2V, ...change }).result, code, text)
    expect(e.fatal).toBe(false)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('node error: CAPACITY from the per-session LTX rate limit', async () => {
    const sim = await h.startSim({ ltxRateLimit: 1 })
    const { session } = await h.session(sim)
    await generateVideo(session, T2V).result
    await expectCode(generateVideo(session, T2V).result, 'CAPACITY', 'LTX generation rate limit exceeded')
  })

  it('refuses a hex seed or a seed above u64 before sending (INVALID_PROMPT)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await expectCode(generateVideo(session, { ...T2V, seed: '0x2a' }).result, 'INVALID_PROMPT')
    await expectCode(
      generateVideo(session, { ...T2V, seed: (1n << 64n).toString() }).result,
      'INVALID_PROMPT',
    )
    expect((await generateVideo(session, { ...T2V, seed: (1n << 64n) - 1n }).result).frames).toHaveLength(1)
  })

  it('cancel: sends ltx_cancel, settles ABORTED at once (no confirmation); the next prompt is answered', async () => {
    const sim = await h.startSim({ comfyui: { samplerSteps: [20], stepDelayMs: 30 } })
    const { session } = await h.session(sim)
    const job = generateVideo(session, T2V)
    for await (const p of job) if (p.stage === 'generating') break
    job.cancel()
    await expectCode(job.result, 'ABORTED')
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'ltx_cancel')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('abort signal before start: the job never leaves', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const mark = sim.tap.mark
    await expectCode(generateVideo(session, T2V, { signal: AbortSignal.abort() }).result, 'ABORTED')
    expect(sim.tap.frames.slice(mark).filter((f) => f.direction === 'in')).toEqual([])
  })

  it('busy state: a chat prompt issued during a render waits for it, then is answered', async () => {
    const sim = await h.startSim({ comfyui: { samplerSteps: [5], stepDelayMs: 20 } })
    const { session } = await h.session(sim)
    const job = generateVideo(session, T2V)
    const chat = session.send('What is 2+2?')
    await job.result
    expect((await chat).text).toBe('2 + 2 = 4.')
  })

  it('disconnect mid-flow: CONNECTION_LOST; the session reconnects', async () => {
    const sim = await h.startSim({ comfyui: { samplerSteps: [20], stepDelayMs: 30 } })
    const proxy = await h.startProxy(sim)
    const { session } = await h.session({ ...sim, url: proxy.url })
    const job = generateVideo(session, T2V)
    for await (const p of job) if (p.stage === 'generating') break
    proxy.dropAll()
    await expectCode(job.result, 'CONNECTION_LOST')
    await eventually(() => session.status === 'encrypted', 'reconnected')
  })

  it('deadline: a completion that never comes ends in TIMEOUT and sends ltx_cancel', async () => {
    const sim = await h.startSim({ faults: { dropActionCompletion: true } })
    const { session } = await h.session(sim)
    await expectCode(generateVideo(session, T2V, { timeoutMs: 300 }).result, 'TIMEOUT')
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'ltx_cancel')
  })

  it.each([
    ['wrongActionAad', { wrongActionAad: true }, 'DECRYPTION_FAILED'],
    ['tamperActionReply of the ack', { tamperActionReply: 0 }, 'DECRYPTION_FAILED'],
    ['tamperActionReply of a progress', { tamperActionReply: 2 }, 'DECRYPTION_FAILED'],
    ['replayActionReply of a progress', { replayActionReply: 1 }, 'CHUNK_OUT_OF_ORDER'],
  ])('%s is detected: fatal typed error', async (_n, faults, code) => {
    const sim = await h.startSim({ faults })
    const { session } = await h.session(sim)
    const e = await expectCode(generateVideo(session, T2V).result, code)
    expect(e.fatal).toBe(true)
  })
})
