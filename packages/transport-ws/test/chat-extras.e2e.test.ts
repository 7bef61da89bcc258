import { describe, expect, it } from 'vitest'
import { expectCode } from './helpers/flows.js'
import { useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

describe.each(SHELLS)('vision and web search over a real socket (node-sim) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('vision images travel inside the ciphertext; the reply reports vlm_tokens', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const reply = await session.send({ prompt: 'What is 2+2?', images: [{ data: PNG_1PX, format: 'png' }] })
    expect(reply.vlmTokens).toBeGreaterThan(0)
    expect(sim.tap.frames.some((f) => f.direction === 'in' && f.text.includes(PNG_1PX.slice(0, 24)))).toBe(
      false,
    )
  })

  it('vision images are validated before sending: format and the 13,333,334-character limit', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const mark = sim.tap.mark
    await expectCode(
      session.send({ prompt: 'x', images: [{ data: PNG_1PX, format: 'bmp' as never }] }),
      'INVALID_PROMPT',
    )
    await expectCode(
      session.send({ prompt: 'x', images: [{ data: 'A'.repeat(13_333_335), format: 'png' }] }),
      'INVALID_PROMPT',
    )
    expect(sim.tap.frames.slice(mark).filter((f) => f.direction === 'in')).toEqual([])
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('web-search fields travel inside the ciphertext only, never on the outer frame', async () => {
    const sim = await h.startSim({ webSearch: true })
    const { session } = await h.session(sim)
    await session.send({
      prompt: 'latest rust release',
      web_search: true,
      max_searches: 2,
      search_queries: ['rust 1.90'],
    })
    const outbound = sim.tap.frames.filter(
      (f) => f.direction === 'in' && f.json?.type === 'encrypted_message',
    )
    expect(outbound).toHaveLength(1)
    expect(outbound[0]?.text).not.toMatch(/web_search|max_searches|search_queries|rust/)
  })

  it('camelCase web-search fields are refused (the node reads snake_case only)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await expectCode(session.send({ prompt: 'x', webSearch: true } as never), 'INVALID_PROMPT')
  })
})
