import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

describe.each(SHELLS)('periodic re-key (bounds the replay detector) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('re-keys the same session between answers once rekeyAfterFrames authenticated frames were seen', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { rekeyAfterFrames: 3 })
    for (const prompt of ['first question', 'second question', 'third question']) {
      expect((await session.send(prompt)).text).toBe(expectedAnswer(prompt))
    }
    const inits = sim.tap.ofType('encrypted_session_init', 'in')
    // One initial init, then a re-key before each later prompt (every answer has more than 3 frames).
    expect(inits).toHaveLength(3)
    expect(new Set(inits.map((f) => f.json?.session_id))).toEqual(new Set([session.sessionId]))
    expect(new Set(inits.map((f) => JSON.stringify(f.json?.payload))).size).toBe(3)
    expect(sim.tap.connectionIds()).toHaveLength(1)
    expect(session.status).toBe('encrypted')
  })

  it('does not re-key under the default threshold', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    for (const prompt of ['one', 'two', 'three']) await session.send(prompt)
    expect(sim.tap.ofType('encrypted_session_init', 'in')).toHaveLength(1)
  })
})
