import { describe, expect, it } from 'vitest'
import { extractLastUserQuery, isImageIntent } from '../src/core/actions/auto-route.js'
import { aadOf, coreSession, openAction, settle } from './helpers/actions.js'
import { collectEncrypted } from './helpers/protocol-client.js'

const IMG = 'encrypted_image_response'

describe('query extraction and image intent (node query_extractor.rs)', () => {
  it('uses the last Harmony user block, else the text without role words and markers', () => {
    expect(
      extractLastUserQuery(
        '<|start|>user<|message|>draw a cat<|end|><|start|>assistant<|message|>ok<|end|><|start|>user<|message|>please draw a dog<|end|>',
      ),
    ).toBe('draw a dog')
    expect(extractLastUserQuery('system: be brief\nuser:   can you paint a  boat')).toBe(
      ': be brief : can you paint a boat',
    )
    expect(extractLastUserQuery('can you paint a boat')).toBe('paint a boat')
    expect(extractLastUserQuery('could you draw a superuser')).toBe('draw a super')
    // leading phrases are case-sensitive
    expect(extractLastUserQuery('Please draw a tree')).toBe('Please draw a tree')
  })

  it('matches the phrases anywhere, case-insensitively, for queries of ≥ 5 bytes', () => {
    expect(isImageIntent('Could you Create An Image of a fox')).toBe(true)
    expect(isImageIntent('I would like you to sketch me')).toBe(true)
    expect(isImageIntent('draw me')).toBe(true)
    expect(isImageIntent('withdraw a sum')).toBe(true) // substring "draw a "
    expect(isImageIntent('what is a drawing')).toBe(false)
    expect(isImageIntent('draw')).toBe(false)
  })
})

describe('auto image routing of encrypted chat (PROTOCOL-SURFACE §6)', () => {
  it('on by default: a single image reply with the chat id, no chunks, no final, no stream_end', async () => {
    const s = await coreSession({ imageRateLimit: 100 })
    s.act({ prompt: 'please draw a lighthouse at dusk', max_tokens: 50 }, 'chat-1')
    const frame = await s.q.next()
    expect(frame).toMatchObject({ type: 'encrypted_response', id: 'chat-1', session_id: s.sid })
    expect(aadOf(frame)).toBe(IMG)
    const r = openAction(s.key, frame, IMG)
    // only {action, prompt:<query>} reaches image generation: defaults everywhere
    expect(r).toMatchObject({
      type: 'image_generation_result',
      size: '1024x1024',
      steps: 4,
      seed: 0,
      chainId: 84532,
    })
    await settle()
    expect(s.q.pending).toBe(0)
    // a bare (non-JSON) prompt routes too
    s.act('Create an image of a red fox', 'chat-2')
    expect((await s.reply(IMG)).type).toBe('image_generation_result')
    // the next chat still streams normally
    s.act({ prompt: 'What is 2+2?' }, 'chat-3')
    expect((await collectEncrypted(s.q, s.key)).text).toBe('2 + 2 = 4.')
  })

  it('routed requests follow §5: the blocklist and the rate limit answer as image errors', async () => {
    const s = await coreSession({ imageRateLimit: 1 })
    s.act({ prompt: 'draw a nude figure' }, 'c1')
    expect(await s.reply(IMG)).toEqual({
      type: 'image_generation_error',
      error: { code: 'PROMPT_BLOCKED', message: 'Blocked keyword detected: nude' },
    })
    s.act({ prompt: 'draw a boat' }, 'c2')
    expect((await s.reply(IMG)).type).toBe('image_generation_result')
    s.act({ prompt: 'draw a car' }, 'c3')
    expect((await s.reply(IMG)).error.code).toBe('RATE_LIMIT_EXCEEDED')
  })

  it('a transcript with one earlier "draw a" diverts every later turn', async () => {
    const s = await coreSession({ imageRateLimit: 100 })
    s.act({ prompt: 'user: draw a cat\nassistant: [image]\nuser: now tell me about Rome' })
    const r = await s.reply(IMG)
    expect(r.type).toBe('image_generation_result')
  })

  it('off with autoImageRouting: false, or without a diffusion sidecar: the prompt is chat', async () => {
    for (const options of [{ autoImageRouting: false }, { diffusion: false as const }]) {
      const s = await coreSession(options)
      s.act({ prompt: 'draw a cat' }, 'x')
      const c = await collectEncrypted(s.q, s.key)
      expect(c.end).toMatchObject({ type: 'stream_end', reason: 'complete', id: 'x' })
    }
  })

  it('never applies to plaintext prompts; unknown actions are chat and can route', async () => {
    const s = await coreSession()
    s.send({ type: 'prompt', id: 'p', prompt: 'draw a cat' })
    const chunk = await s.q.next()
    expect(chunk.type).toBe('stream_chunk')
    await s.conn.idle
    while (s.q.pending > 0) await s.q.next()
    // an unknown action is chat: the whole JSON is the prompt when `prompt` is absent, and it can route
    s.act({ action: 'ltx_cancel', note: 'draw a picture' }, 'u')
    expect((await s.reply(IMG)).type).toBe('image_generation_result')
  })
})
