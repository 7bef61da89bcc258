import { describe, expect, it } from 'vitest'
import { generateImage, imageOf } from '../src/image.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { expectCode } from './helpers/flows.js'
import { eventually, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const PNG = [0x89, 0x50, 0x4e, 0x47]

describe.each(SHELLS)('generateImage over a real socket (node-sim) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('returns PNG bytes, metadata and billing; the request and reply are encrypted on the wire', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const image = await generateImage(session, { prompt: 'a lighthouse at dusk', size: '512x512', seed: 7 })
    expect([...image.bytes.slice(0, 4)]).toEqual(PNG)
    expect(image).toMatchObject({
      mimeType: 'image/png',
      size: '512x512',
      steps: 4,
      seed: 7,
      provider: 'host',
    })
    expect(image.billing).toMatchObject({ megapixels: 0.25, steps: 4, tokens: 50 })
    expect(sim.tap.frames.some((f) => f.text.includes('lighthouse'))).toBe(false)
    // The session goes on with chat.
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it.each([
    ['blocked keyword', {}, { prompt: 'a nude statue' }, 'PROMPT_BLOCKED', 'Blocked keyword detected: nude'],
    [
      'no diffusion sidecar',
      { diffusion: false as const },
      { prompt: 'a cat' },
      'DIFFUSION_SERVICE_UNAVAILABLE',
      'Image generation service is not available on this host',
    ],
    [
      'sidecar failure',
      { diffusion: { failWith: 'out of memory' } },
      { prompt: 'a cat' },
      'IMAGE_GENERATION_FAILED',
      'Generation failed: out of memory',
    ],
  ])(
    'node error: %s → its code and message, session stays usable',
    async (_n, simOptions, request, code, text) => {
      const sim = await h.startSim(simOptions)
      const { session } = await h.session(sim)
      const e = await expectCode(generateImage(session, request), code, text)
      expect(e.fatal).toBe(false)
      expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    },
  )

  it('node error: RATE_LIMIT_EXCEEDED after the per-session limit of successes', async () => {
    const sim = await h.startSim({ imageRateLimit: 1 })
    const { session } = await h.session(sim)
    await generateImage(session, { prompt: 'a cat' })
    await expectCode(
      generateImage(session, { prompt: 'a dog' }),
      'RATE_LIMIT_EXCEEDED',
      'Image generation rate limit exceeded',
    )
  })

  it('refuses an out-of-schema request before sending (INVALID_PROMPT), nothing reaches the node', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const mark = sim.tap.mark
    await expectCode(generateImage(session, { prompt: 'a cat', steps: 101 }), 'INVALID_PROMPT')
    await expectCode(generateImage(session, { prompt: '   ' }), 'INVALID_PROMPT')
    await expectCode(generateImage(session, { prompt: 'a cat', size: '100x100' as never }), 'INVALID_PROMPT')
    expect(sim.tap.frames.slice(mark).filter((f) => f.direction === 'in')).toEqual([])
  })

  it('busy state: an image and a chat prompt issued together run one after the other, none lost', async () => {
    const sim = await h.startSim({ diffusion: { delayMs: 100 } })
    const { session } = await h.session(sim)
    const image = generateImage(session, { prompt: 'a cat' })
    const chat = session.send('What is 2+2?')
    const second = generateImage(session, { prompt: 'a dog' })
    expect((await chat).text).toBe('2 + 2 = 4.')
    expect((await image).bytes.length).toBeGreaterThan(0)
    expect((await second).bytes.length).toBeGreaterThan(0)
  })

  it('abort: rejects ABORTED at once; the late reply is ignored and the session goes on', async () => {
    const sim = await h.startSim({ diffusion: { delayMs: 150 } })
    const { session } = await h.session(sim)
    const ac = new AbortController()
    const pending = generateImage(session, { prompt: 'a cat' }, { signal: ac.signal })
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'encrypted_message')
    ac.abort()
    await expectCode(pending, 'ABORTED')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    expect(session.status).toBe('encrypted')
  })

  it('disconnect mid-flow: CONNECTION_LOST, then the session reconnects and works', async () => {
    const sim = await h.startSim({ diffusion: { delayMs: 200 } })
    const proxy = await h.startProxy(sim)
    const { session } = await h.session({ ...sim, url: proxy.url })
    const pending = generateImage(session, { prompt: 'a cat' })
    await sim.tap.waitFor((f) => f.direction === 'in' && f.json?.type === 'encrypted_message')
    proxy.dropAll()
    await expectCode(pending, 'CONNECTION_LOST')
    await eventually(() => session.status === 'encrypted', 'reconnected')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('a plaintext session cannot generate images (the node has no plaintext action): INVALID_STATE', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { encryption: false, plaintext: plaintextProtocol })
    await expectCode(generateImage(session, { prompt: 'a cat' }), 'INVALID_STATE')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('a node restart (keys lost): SESSION_KEY_NOT_FOUND, then the session re-keys and works', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await sim.handle.restart()
    await expectCode(generateImage(session, { prompt: 'a cat' }), 'SESSION_KEY_NOT_FOUND')
    expect((await generateImage(session, { prompt: 'a cat' })).mimeType).toBe('image/png')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('deadline: a reply that never comes (dropActionCompletion) ends in TIMEOUT', async () => {
    const sim = await h.startSim({ faults: { dropActionCompletion: true } })
    const { session } = await h.session(sim)
    await expectCode(generateImage(session, { prompt: 'a cat' }, { timeoutMs: 150 }), 'TIMEOUT')
  })

  it.each([
    ['wrongActionAad', { wrongActionAad: true }, 'DECRYPTION_FAILED'],
    ['tamperActionReply', { tamperActionReply: 0 }, 'DECRYPTION_FAILED'],
  ])('%s is detected: fatal typed error, keys zeroed, never an image', async (_n, faults, code) => {
    const sim = await h.startSim({ faults })
    const { session } = await h.session(sim)
    const e = await expectCode(generateImage(session, { prompt: 'a cat' }), code)
    expect(e.fatal).toBe(true)
    await eventually(() => session.status === 'failed', 'failed')
  })

  it('replayActionReply: the duplicate reply of a finished request is ignored', async () => {
    const sim = await h.startSim({ faults: { replayActionReply: 0 } })
    const { session } = await h.session(sim)
    expect((await generateImage(session, { prompt: 'a cat' })).mimeType).toBe('image/png')
    sim.handle.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })
})

describe.each(SHELLS)('auto-routed chat prompts (node-sim default routing) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('a chat prompt the node diverts to image generation resolves with an image, never STREAM_TRUNCATED', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const deltas: string[] = []
    const stream = session.stream('please draw a cat wearing a hat')
    for await (const d of stream) deltas.push(d.text)
    const reply = await stream.result
    expect(deltas).toEqual([])
    expect(reply.finishReason).toBe('image')
    const image = imageOf(reply)
    expect([...(image?.bytes.slice(0, 4) ?? [])]).toEqual(PNG)
    expect(image?.size).toBe('1024x1024')
    expect(imageOf(await session.send('What is 2+2?'))).toBeUndefined()
  })

  it("an auto-routed image error surfaces the image error's code", async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await expectCode(session.send('draw a nude figure'), 'PROMPT_BLOCKED', 'Blocked keyword detected: nude')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('a routed reply under the wrong family is an authentication failure', async () => {
    const sim = await h.startSim({ faults: { wrongActionAad: true } })
    const { session } = await h.session(sim)
    const e = await expectCode(session.send('draw a cat'), 'DECRYPTION_FAILED')
    expect(e.fatal).toBe(true)
  })
})
