import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_IDENTITY } from '../src/common/identities.js'
import { GENEROUS_TIMEOUTS, runLoad } from '../src/load/run-load.js'
import { type SimEndpoint, startWorkerSim } from '../src/load/sim-endpoint.js'

/** CI size of the load run (`pnpm load` runs 1,000 sessions × 20 prompts). */
const SESSIONS = 50
const PROMPTS = 5

let sim: SimEndpoint
beforeAll(async () => {
  // The node's rate limit is shared by every client (60/min by default): raise it above the load.
  sim = await startWorkerSim({
    options: { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 100_000 },
    trackNonces: true,
  })
})
afterAll(() => sim?.close())

describe(`load: ${SESSIONS} concurrent encrypted sessions × ${PROMPTS} prompts against one simulator (own thread)`, () => {
  it('delivers every chunk once, in order, to the right session, with the exact answer', async () => {
    const r = await runLoad({
      sessions: SESSIONS,
      prompts: PROMPTS,
      openBatch: 25,
      sim,
      timeouts: GENEROUS_TIMEOUTS,
    })
    process.stdout.write(`${JSON.stringify(r)}\n`)
    expect(r.failures).toEqual({})
    expect(r.correct).toBe(SESSIONS * PROMPTS)
    expect(r.chunks.expected).toBeGreaterThan(SESSIONS * PROMPTS)
    expect(r.chunks).toEqual({
      expected: r.chunks.expected,
      delivered: r.chunks.expected,
      lost: 0,
      duplicated: 0,
      misrouted: 0,
    })
    // Every sealed frame on the wire (inits, prompts, chunks, responses) carried a fresh nonce.
    expect(r.nonces.seen).toBeGreaterThan(r.chunks.expected)
    expect(r.nonces.repeated).toBe(0)
    expect(r.openConnectionsAfter).toBe(0)
    expect(r.latencyMs.p99).toBeGreaterThanOrEqual(r.latencyMs.p50)
  }, 120_000)
})
