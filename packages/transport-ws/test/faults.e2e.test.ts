import type { Faults } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { FabstirError } from '../src/index.js'
import { collect, rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const PROMPT = 'What is 2+2?'
const ANSWER = '2 + 2 = 4.'

interface FaultCase {
  name: string
  faults: Faults
  code: string
  /** The exact text the caller must have received before the error. */
  delivered: string
  fatal: boolean
  /** The transport may lose the last frames before the error: `delivered` is then an upper bound. */
  lossy?: boolean
}

const cases: FaultCase[] = [
  {
    name: 'tamperChunk',
    faults: { tamperChunk: 2 },
    code: 'DECRYPTION_FAILED',
    delivered: '2 +',
    fatal: true,
  },
  {
    name: 'wrongAadChunk',
    faults: { wrongAadChunk: 1 },
    code: 'DECRYPTION_FAILED',
    delivered: '2',
    fatal: true,
  },
  {
    name: 'reorderChunks',
    faults: { reorderChunks: [1, 2] },
    code: 'CHUNK_OUT_OF_ORDER',
    delivered: '2',
    fatal: true,
  },
  {
    name: 'replayChunk',
    faults: { replayChunk: 1 },
    code: 'CHUNK_OUT_OF_ORDER',
    delivered: '2 +',
    fatal: true,
  },
  { name: 'dropChunk', faults: { dropChunk: 2 }, code: 'CHUNK_OUT_OF_ORDER', delivered: '2 +', fatal: true },
  {
    name: 'replay of the final chunk',
    faults: { replayChunk: 5 },
    code: 'CHUNK_OUT_OF_ORDER',
    delivered: ANSWER,
    fatal: true,
  },
  {
    name: 'forgeStreamEnd',
    faults: { forgeStreamEnd: true },
    code: 'STREAM_TRUNCATED',
    delivered: '2',
    fatal: true,
  },
  {
    name: 'encryptionFailureAtChunk',
    faults: { encryptionFailureAtChunk: 2 },
    code: 'ENCRYPTION_FAILED',
    delivered: '2 +',
    fatal: false,
  },
  // The node closes the socket right after chunk 1: whatever reached the client before the close is delivered.
  {
    name: 'closeMidStream',
    faults: { closeMidStream: 1 },
    code: 'CONNECTION_LOST',
    delivered: '2 +',
    fatal: false,
    lossy: true,
  },
]

describe.each(SHELLS)(
  'fault matrix: every injected fault becomes the right typed error ($name shell)',
  (shell) => {
    const h = useHarness(shell)

    for (const c of cases) {
      it(`${c.name} → ${c.code}${c.fatal ? ' (fatal: session failed)' : ' (session recovers)'}`, async () => {
        const sim = await h.startSim()
        const { client, session } = await h.session(sim)
        const statuses = new StatusLog(client)
        sim.handle.setFaults(c.faults)
        const stream = session.stream(PROMPT)
        const got = await collect(stream)

        expect(got.error).toBeInstanceOf(FabstirError)
        expect((got.error as FabstirError).code).toBe(c.code)
        expect(await rejectionOf(stream.result)).toBe(got.error)
        // Only authenticated text reached the caller: a prefix of the true answer, never tampered or reordered text.
        expect(ANSWER.startsWith(got.text)).toBe(true)
        if (c.lossy) expect(c.delivered.startsWith(got.text)).toBe(true)
        else expect(got.text).toBe(c.delivered)
        expect((got.error as FabstirError).fatal).toBe(c.fatal)

        if (c.fatal) {
          expect(session.status).toBe('failed')
          expect(statuses.seen.at(-1)).toBe('failed')
          await expect(session.send(PROMPT)).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
        } else {
          sim.handle.setFaults({})
          const next = await session.send(PROMPT)
          expect(next.text).toBe(ANSWER)
          expect(session.status).toBe('encrypted')
          // The failed prompt was never replayed: one message for it, one for the next prompt.
          expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(2)
        }
      })
    }

    it('wrongClientAddress → CLIENT_ADDRESS_MISMATCH: startSession rejects and the session is failed', async () => {
      const sim = await h.startSim({ faults: { wrongClientAddress: `0x${'ab'.repeat(20)}` } })
      const client = h.client(sim)
      const statuses = new StatusLog(client)
      const e = await rejectionOf(client.startSession(SESSION))
      expect(e).toBeInstanceOf(FabstirError)
      expect((e as FabstirError).code).toBe('CLIENT_ADDRESS_MISMATCH')
      expect((e as FabstirError).details).toMatchObject({ received: `0x${'ab'.repeat(20)}` })
      expect(statuses.seen.at(-1)).toBe('failed')
      expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(0)
    })

    it('delayMs beyond firstChunkMs → TIMEOUT; the answer is cancelled and the session goes on', async () => {
      const sim = await h.startSim()
      const { session } = await h.session(sim, { timeouts: { firstChunkMs: 50, idleMs: 2_000 } })
      sim.handle.setFaults({ delayMs: 1_000 })
      const got = await collect(session.stream(PROMPT))
      expect(got.error).toBeInstanceOf(FabstirError)
      expect((got.error as FabstirError).code).toBe('TIMEOUT')
      expect((got.error as FabstirError).details).toMatchObject({ phase: 'first-chunk', ms: 50 })
      expect(got.text).toBe('')
      await sim.tap.waitForType('stream_cancel', 'in')
      sim.handle.setFaults({})
      expect((await session.send(PROMPT)).text).toBe(ANSWER)
    })

    it('silent node → TIMEOUT; once it answers again the session recovers', async () => {
      const sim = await h.startSim()
      const { client, session } = await h.session(sim, {
        timeouts: { firstChunkMs: 50, idleMs: 50, ackMs: 2_000 },
      })
      const statuses = new StatusLog(client)
      sim.handle.setFaults({ silent: true })
      const got = await collect(session.stream(PROMPT))
      expect((got.error as FabstirError).code).toBe('TIMEOUT')
      expect(got.text).toBe('')
      sim.handle.setFaults({})
      // The unanswered cancel makes the client recycle the connection; it re-keys the same session and goes on.
      expect((await session.send(PROMPT)).text).toBe(ANSWER)
      expect(statuses.seen).toContain('reconnecting')
      const inits = sim.tap.ofType('encrypted_session_init', 'in').map((f) => f.json?.session_id)
      expect(inits.length).toBeGreaterThanOrEqual(2)
      expect(new Set(inits)).toEqual(new Set([session.sessionId]))
    })

    it('a stall between chunks → TIMEOUT (idle) with the chunks so far delivered', async () => {
      let release: () => void = () => {}
      const stalled = new Promise<void>((resolve) => {
        release = resolve
      })
      const sim = await h.startSim({
        responder: async function* () {
          yield '2'
          yield ' +'
          await stalled
          yield ' 2'
        },
      })
      const { session } = await h.session(sim, { timeouts: { idleMs: 200 } })
      const got = await collect(session.stream(PROMPT))
      release()
      expect((got.error as FabstirError).code).toBe('TIMEOUT')
      expect((got.error as FabstirError).details).toMatchObject({ phase: 'idle' })
      expect(got.text).toBe('2 +')
    })
  },
)
