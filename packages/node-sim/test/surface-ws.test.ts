import { describe, expect, it } from 'vitest'
import { LTX_TEMPLATES } from '../src/index.js'
import { aadOf, actionFrame, openAction } from './helpers/actions.js'
import type { Frame } from './helpers/frame-queue.js'
import { collectEncrypted } from './helpers/protocol-client.js'
import { useSims } from './helpers/sim.js'
import { expectNoReplyBefore, type WsClient } from './helpers/ws-client.js'

const sims = useSims()

/** Collect frames until `until` matches (inclusive). */
async function until(c: WsClient, pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame[]> {
  const out: Frame[] = []
  for (;;) {
    const f = await c.q.next(timeoutMs)
    out.push(f)
    if (pred(f)) return out
  }
}

/** Send a probe and expect no reply within `ms` (the socket is captured by a busy loop). */
async function expectDropped(c: WsClient, ms = 150): Promise<void> {
  c.send({ type: 'encrypted_message', id: 'probe', session_id: 'nope' })
  await expect(c.q.next(ms)).rejects.toThrow(/no frame/)
}

describe('the new flows over a real WebSocket (127.0.0.1)', () => {
  it('image generation and default auto-routing of a chat prompt', async () => {
    const sim = await sims.start()
    const s = await sims.session(sim)
    const key = s.init.sessionKey
    s.client.send(
      actionFrame(
        s.sid,
        key,
        { action: 'image_generation', prompt: 'a red fox', size: '256x256' },
        { id: 'i' },
      ),
    )
    const img = await s.client.q.next()
    expect(img).toMatchObject({ type: 'encrypted_response', id: 'i', session_id: s.sid })
    expect(aadOf(img)).toBe('encrypted_image_response')
    const r = openAction(key, img, 'encrypted_image_response')
    expect(Buffer.from(r.image, 'base64').subarray(1, 4).toString()).toBe('PNG')
    // auto routing is on by default in the simulator, as on a node with a diffusion sidecar
    s.client.send(actionFrame(s.sid, key, { prompt: 'Could you create an image of a boat?' }, { id: 'chat' }))
    const routed = await s.client.q.next()
    expect(routed.id).toBe('chat')
    expect(openAction(key, routed, 'encrypted_image_response').type).toBe('image_generation_result')
    await expectNoReplyBefore(s.client)
    // and off when asked
    const off = await sims.start({ autoImageRouting: false })
    const o = await sims.session(off)
    o.client.send(actionFrame(o.sid, o.init.sessionKey, { prompt: 'draw a boat' }, { id: 'c' }))
    expect((await collectEncrypted(o.client.q, o.init.sessionKey)).end.id).toBe('c')
  })

  it('inline image generation queues later frames (real timers)', async () => {
    const sim = await sims.start({ diffusion: { delayMs: 200 } })
    const s = await sims.session(sim)
    s.client.send(
      actionFrame(s.sid, s.init.sessionKey, { action: 'image_generation', prompt: 'slow' }, { id: 'slow' }),
    )
    s.client.send({ type: 'encrypted_message', id: 'after', session_id: 'nope' })
    const first = await s.client.q.next()
    expect(first.id).toBe('slow')
    expect(
      openAction(s.init.sessionKey, first, 'encrypted_image_response').processingTimeMs,
    ).toBeGreaterThanOrEqual(190)
    expect((await s.client.q.next()).id).toBe('after')
  })

  it('transcode: paced progress, complete, capture until transcode_cancel, then usable', async () => {
    const sim = await sims.start({ transcoder: { pollIntervalMs: 20, progress: [0, 30, 60, 100] } })
    const s = await sims.session(sim)
    const key = s.init.sessionKey
    s.client.send(
      actionFrame(
        s.sid,
        key,
        { action: 'transcode', sourceCid: 'z1', mediaFormats: [{ id: 1, ext: 'mp4' }] },
        { id: 't' },
      ),
    )
    const frames = await until(
      s.client,
      (f) => !('id' in f) && openAction(key, f, 'encrypted_transcode_response').type === 'transcode_complete',
    )
    const inner = frames.map((f) => openAction(key, f, 'encrypted_transcode_response'))
    expect(inner.map((m) => m.type)).toEqual([
      'transcode_accepted',
      'transcode_progress',
      'transcode_progress',
      'transcode_progress',
      'transcode_complete',
    ])
    expect(inner.slice(1, 4).map((m) => m.progress)).toEqual([30, 60, 100])
    expect(frames[0]!.id).toBe('t')
    await expectDropped(s.client)
    s.client.send({ type: 'transcode_cancel' })
    await expectNoReplyBefore(s.client)
  })

  it('transcode: disconnect mid-flow settles the job; another socket can start a transcode', async () => {
    const sim = await sims.start({
      transcoder: { pollIntervalMs: 30, progress: [10, 20, 30, 40, 100], maxConcurrent: 1 },
    })
    const s = await sims.session(sim)
    s.client.send(
      actionFrame(s.sid, s.init.sessionKey, {
        action: 'transcode',
        sourceCid: 'z',
        mediaFormats: [{ id: 1, ext: 'mp4' }],
      }),
    )
    await s.client.q.next() // accepted
    await s.client.q.next() // 10 %
    await s.client.close()
    const t = await sims.session(sim)
    const deadline = Date.now() + 3000
    for (;;) {
      t.client.send(
        actionFrame(t.sid, t.init.sessionKey, {
          action: 'transcode',
          sourceCid: 'z',
          mediaFormats: [{ id: 1, ext: 'mp4' }],
        }),
      )
      const m = openAction(t.init.sessionKey, await t.client.q.next(), 'encrypted_transcode_response')
      if (m.type === 'transcode_accepted') break
      expect(m.error.code).toBe('TRANSCODE_CAPACITY_FULL')
      if (Date.now() > deadline) throw new Error('slot never freed')
      await new Promise((r) => setTimeout(r, 30))
    }
    expect(sim.settledJobs.map((j) => j.jobId)).toContain('42')
  })

  it('LTX: ack, progress, ltx_cancel without confirmation; the socket is usable afterwards', async () => {
    const sim = await sims.start({ comfyui: { samplerSteps: [50], stepDelayMs: 20 } })
    const s = await sims.session(sim)
    const key = s.init.sessionKey
    s.client.send(
      actionFrame(
        s.sid,
        key,
        {
          action: 'ltx_generate',
          templateId: 'ltx-t2v-hdr',
          templateHash: LTX_TEMPLATES['ltx-t2v-hdr']!.hash,
          prompt: 'waves',
          seed: '1',
          frames: 121,
          fps: 24,
          resolution: { w: 768, h: 512 },
          lora: '',
          output: 'exr-sequence',
        },
        { id: 'l' },
      ),
    )
    const ack = await s.client.q.next()
    expect(ack.id).toBe('l')
    expect(openAction(key, ack, 'encrypted_ltx_response').type).toBe('ltx_accepted')
    const p = await s.client.q.next()
    expect(p).not.toHaveProperty('id')
    expect(openAction(key, p, 'encrypted_ltx_response')).toMatchObject({
      type: 'ltx_progress',
      stage: 'generating',
      pct: 2,
    })
    s.client.send({ type: 'ltx_cancel' })
    await expectNoReplyBefore(s.client)
    expect(sim.core.billing).toEqual([])
  })

  it('RAG over the socket: plaintext frames, shape-B errors, socket never closed by an error', async () => {
    const sim = await sims.start()
    const c = await sims.connect(sim)
    const v = Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0))
    expect(await c.request({ type: 'searchVectors', queryVector: v, k: 1 })).toEqual({
      type: 'error',
      error: 'Session default-rag-session not found. Upload vectors first.',
    })
    expect(
      (
        await c.request({
          type: 'uploadVectors',
          replace: true,
          vectors: [{ id: 'a', vector: v, metadata: { t: 'doc' } }],
        })
      ).status,
    ).toBe('success')
    expect((await c.request({ type: 'searchVectors', queryVector: v, k: 5 })).results).toEqual([
      { id: 'a', score: 1, metadata: { t: 'doc' } },
    ])
    expect(sim.connectionCount).toBe(1)
  })

  it('faults over the socket: a wrong AAD family is caught by opening with the expected label', async () => {
    const sim = await sims.start()
    const s = await sims.session(sim)
    sim.setFaults({ wrongActionAad: true })
    s.client.send(
      actionFrame(s.sid, s.init.sessionKey, { action: 'image_generation', prompt: 'p' }, { id: 'w' }),
    )
    const f = await s.client.q.next()
    expect(aadOf(f)).toBe('encrypted_transcode_response')
    expect(() => openAction(s.init.sessionKey, f, 'encrypted_image_response')).toThrow()
  })

  it('LTX: a disconnect mid-clip settles the job once the clip is abandoned, without billing', async () => {
    const sim = await sims.start({ comfyui: { samplerSteps: [20], stepDelayMs: 20 } })
    const s = await sims.session(sim, { jobId: '808' })
    s.client.send(
      actionFrame(s.sid, s.init.sessionKey, {
        action: 'ltx_generate',
        templateId: 'ltx-t2v-hdr',
        templateHash: LTX_TEMPLATES['ltx-t2v-hdr']!.hash,
        prompt: 'x',
        seed: '0',
        frames: 126,
        fps: 25,
        resolution: { w: 1024, h: 1024 },
        lora: '',
        output: 'exr-sequence',
      }),
    )
    await s.client.q.next() // accepted
    await s.client.q.next() // first progress
    await s.client.close()
    const deadline = Date.now() + 3000
    while (!sim.settledJobs.some((j) => j.jobId === '808')) {
      if (Date.now() > deadline) throw new Error('job never settled')
      await new Promise((r) => setTimeout(r, 10))
    }
    expect(sim.core.billing).toEqual([])
  })
})
