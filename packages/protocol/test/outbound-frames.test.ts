import {
  checkEncryptedMessageFrame,
  checkEncryptedSessionInitFrame,
  checkPromptFrame,
  checkSessionInitFrame,
} from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import { createPlaintextSession } from '../src/index.js'
import { codeOf } from './helpers/events.js'
import { initAndWait, setupEncrypted, setupPlaintext } from './helpers/harness.js'

// The sessions build their outbound frames from inputs they validated when the session or the prompt was made,
// so they do not re-validate each frame at run time (that would ship the outbound validators to every browser).
// These tests hold that invariant: every frame built, over the edges of every input, matches the wire schema.

const prompts = [
  '',
  'What is 2+2?',
  { prompt: 'x', max_tokens: 0, temperature: 0 },
  { prompt: 'x', max_tokens: 4294967295, temperature: 2, model: 'm' },
  { prompt: 'x', thinking: 'high' as const, stream: true, web_search: true, max_searches: 3 },
]

describe('outbound frames match the wire schema', () => {
  it('encrypted_session_init and encrypted_message, for job ids inside and beyond the safe-integer range', async () => {
    for (const jobId of ['0', '12345', '9007199254740993']) {
      const setup = setupEncrypted({ session: { jobId, chainId: 5611 } })
      const { frame: init } = await initAndWait(setup)
      expect(checkEncryptedSessionInitFrame(init).ok).toBe(true)
      for (const p of prompts) {
        const frame = setup.session.prompt(p)
        expect(checkEncryptedMessageFrame(frame)).toEqual({ ok: true, value: frame })
        await setup.link.exchange(frame)
      }
    }
  })

  it('session_init and prompt on the plaintext path', async () => {
    for (const jobId of ['0', '12345', '9007199254740993']) {
      const { session, link } = setupPlaintext({ session: { jobId } })
      const init = await session.init()
      expect(checkSessionInitFrame(init).ok).toBe(true)
      link.send(init)
      await link.waitFor((e) => e.type === 'ready')
      for (const p of prompts) {
        const frame = session.prompt(p)
        expect(checkPromptFrame(frame).ok).toBe(true)
        await link.exchange(frame)
      }
    }
  })

  it('refuses a request id that is not a string with INVALID_FRAME, before anything is built', async () => {
    const plain = createPlaintextSession({ jobId: '1' })
    await expect(plain.init({ id: 7 as unknown as string })).rejects.toMatchObject({ code: 'INVALID_FRAME' })
    const setup = setupEncrypted()
    await expect(setup.session.init({ id: {} as unknown as string })).rejects.toMatchObject({
      code: 'INVALID_FRAME',
    })
    expect(setup.session.state).toBe('new')
    await initAndWait(setup)
    expect(codeOf(() => setup.session.prompt('hi', { id: 1 as unknown as string }))).toBe('INVALID_FRAME')
    expect(setup.session.state).toBe('ready')
  })
})
