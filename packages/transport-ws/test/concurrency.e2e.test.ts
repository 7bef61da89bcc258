import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { SESSION, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

/** The node's per-session key material is private; distinct init ephemeral keys and ciphertexts show distinct keys. */
function initPayloads(frames: { json: Record<string, unknown> | undefined }[]) {
  return frames.map((f) => f.json?.payload as { ephPubHex: string; ciphertextHex: string })
}

describe.each(SHELLS)('concurrent sessions ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('3 clients, one session each, with interleaved prompts: no cross-talk', async () => {
    const sim = await h.startSim({ chunkDelayMs: 1 })
    const sessions = await Promise.all(
      [0, 1, 2].map(async (i) => (await h.session(sim, {}, { jobId: String(100 + i) })).session),
    )
    const prompts = sessions.map((_, i) => `client ${i} asks question number ${i * 7}`)
    const replies = await Promise.all(sessions.map((s, i) => s.send(prompts[i]!)))
    replies.forEach((r, i) => {
      expect(r.text).toBe(expectedAnswer(prompts[i]!))
    })
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(3)
    expect(new Set(sessions.map((s) => s.clientAddress)).size).toBe(3)
    const inits = initPayloads(sim.tap.ofType('encrypted_session_init', 'in'))
    expect(new Set(inits.map((p) => p.ephPubHex)).size).toBe(3)
    expect(sim.tap.connectionIds()).toHaveLength(3)
  })

  it('3 sessions of one client each get their own connection and answers', async () => {
    const sim = await h.startSim({ chunkDelayMs: 1 })
    const client = h.client(sim)
    const sessions = await Promise.all(
      [1, 2, 3].map((i) => client.startSession({ ...SESSION, jobId: `${i}` })),
    )
    const prompts = ['one fish', 'two fish', 'red fish blue fish']
    const replies = await Promise.all(sessions.map((s, i) => s.send(prompts[i]!)))
    expect(replies.map((r) => r.text)).toEqual(prompts.map((p) => expectedAnswer(p)))
    expect(sim.tap.connectionIds()).toHaveLength(3)
  })

  it('100 concurrent sessions, each with its own key and prompts, all answer correctly', async () => {
    const sim = await h.startSim({ rateLimitPerMinute: 10_000, chunkDelayMs: 1 })
    const count = 100
    // 100 key agreements and signatures on each side share this one event loop: allow for it in the deadlines.
    const timeouts = { connectMs: 15_000, ackMs: 15_000, firstChunkMs: 15_000, idleMs: 15_000 }
    const sessions = await Promise.all(
      Array.from(
        { length: count },
        async (_, i) => (await h.session(sim, { timeouts }, { jobId: String(i + 1) })).session,
      ),
    )
    const results = await Promise.all(
      sessions.map(async (s, i) => {
        const first = `session ${i} first prompt ${i * 31}`
        const second = `session ${i} second prompt ${i * 17}`
        return [await s.send(first), await s.send(second), first, second] as const
      }),
    )
    for (const [a, b, first, second] of results) {
      expect(a.text).toBe(expectedAnswer(first))
      expect(b.text).toBe(expectedAnswer(second))
    }
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(count)
    const inits = initPayloads(sim.tap.ofType('encrypted_session_init', 'in'))
    expect(inits).toHaveLength(count)
    expect(new Set(inits.map((p) => p.ephPubHex)).size).toBe(count)
    expect(new Set(inits.map((p) => p.ciphertextHex)).size).toBe(count)
    expect(sim.handle.core.sessionCount).toBe(count)
  })
})
