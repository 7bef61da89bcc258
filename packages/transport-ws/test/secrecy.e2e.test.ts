import { bytesToHex } from '@fabstir/crypto'
import { expectedAnswer } from '@fabstir/node-sim'
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../src/index.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { collect, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import {
  captureRandom32,
  type Draw,
  ephemeralKeyDraws,
  isZeroed,
  sessionKeyDraws,
} from './helpers/random-capture.js'
import { SHELLS } from './helpers/shells.js'

const SECRET_PROMPTS = [
  'The launch code is swordfish-7781 tonight',
  'Meet me at the quarry behind Halvorsen farm',
]

/** Strings that must never travel in clear or reach a log: prompts, answers and their distinctive words. */
function secretsOf(prompts: string[]): string[] {
  return [...prompts.flatMap((p) => [p, expectedAnswer(p)]), 'swordfish', 'Halvorsen', 'quarry']
}

describe.each(SHELLS)('wire secrecy ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('in encrypted mode no prompt or answer text appears in any frame, either direction', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    for (const p of SECRET_PROMPTS) expect((await session.send(p)).text).toBe(expectedAnswer(p))
    const wire = sim.tap.frames.map((f) => f.text)
    expect(wire.length).toBeGreaterThan(10)
    for (const secret of secretsOf(SECRET_PROMPTS)) {
      for (const text of wire) expect(text).not.toContain(secret)
    }
  })

  it('control: the same check catches the plaintext protocol (so the tap really sees the traffic)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, {
      encryption: false,
      plaintext: plaintextProtocol,
      nodePublicKey: undefined,
      signer: undefined,
    })
    const p = SECRET_PROMPTS[0]!
    await session.send(p)
    const wire = sim.tap.frames.map((f) => f.text).join('\n')
    expect(wire).toContain(p)
    expect(wire).toContain('swordfish-7781')
  })
})

describe.each(SHELLS)('key hygiene ($name shell)', (shell) => {
  const h = useHarness(shell)
  let capture: ReturnType<typeof captureRandom32> | undefined
  afterEach(() => {
    capture?.stop()
    capture = undefined
  })

  async function encryptedSessionWithCapture(simOptions = {}) {
    const sim = await h.startSim(simOptions)
    const client = h.client(sim) // the wallet is generated before the capture starts
    capture = captureRandom32()
    const session = await client.startSession(SESSION)
    return { sim, client, session, draws: capture.draws }
  }

  function keysOf(draws: Draw[], sim: Awaited<ReturnType<typeof h.startSim>>) {
    return {
      session: sessionKeyDraws(draws, sim.tap.frames),
      ephemeral: ephemeralKeyDraws(draws, sim.tap.frames),
    }
  }

  it('the ephemeral key is zeroed after init; the session key is zeroed when the session closes', async () => {
    const { sim, client, session, draws } = await encryptedSessionWithCapture()
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    const keys = keysOf(draws, sim)
    // Ephemeral keys are only visible here when the crypto backend draws them from getRandomValues (noble); the
    // OpenSSL backend makes them natively. Any that are visible must be zeroed already.
    expect(keys.ephemeral.every((d) => isZeroed(d.live))).toBe(true)
    expect(keys.session).toHaveLength(1)
    expect(isZeroed(keys.session[0]!.live)).toBe(false) // still in use
    await client.close()
    expect(session.status).toBe('closed')
    expect(isZeroed(keys.session[0]!.live)).toBe(true)
  })

  it('the session key is zeroed when a fatal fault fails the session', async () => {
    const { sim, session, draws } = await encryptedSessionWithCapture()
    sim.handle.setFaults({ tamperChunk: 1 })
    const got = await collect(session.stream('What is 2+2?'))
    expect((got.error as { code: string }).code).toBe('DECRYPTION_FAILED')
    expect(session.status).toBe('failed')
    const keys = keysOf(draws, sim)
    expect(keys.session).toHaveLength(1)
    expect(isZeroed(keys.session[0]!.live)).toBe(true)
  })

  it('a reconnect zeroes the old session key and uses a fresh one', async () => {
    const { sim, client, session, draws } = await encryptedSessionWithCapture({
      faults: { closeMidStream: 1 },
    })
    const statuses = new StatusLog(session)
    await collect(session.stream('dropped answer'))
    await statuses.waitFor('encrypted')
    sim.handle.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    const keys = keysOf(draws, sim)
    expect(keys.session).toHaveLength(2)
    expect(isZeroed(keys.session[0]!.live)).toBe(true)
    expect(isZeroed(keys.session[1]!.live)).toBe(false)
    expect(keys.ephemeral.every((d) => isZeroed(d.live))).toBe(true)
    await client.close()
    expect(isZeroed(keys.session[1]!.live)).toBe(true)
  })

  it('a capturing logger at every level never sees prompts, answers or key material', async () => {
    const entries: string[] = []
    const record =
      (level: string) =>
      (message: string, context?: Record<string, unknown>): void => {
        entries.push(`${level} ${message} ${JSON.stringify(context ?? {})}`)
      }
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    }
    const sim = await h.startSim()
    const client = h.client(sim, { logger })
    capture = captureRandom32()
    const session = await client.startSession(SESSION)
    const statuses = new StatusLog(session)
    for (const p of SECRET_PROMPTS) await session.send(p)
    // Exercise the noisier paths too: a restart (re-key), a drop (reconnect), a fatal fault.
    await sim.handle.restart()
    await session.send(SECRET_PROMPTS[0]!)
    const mark = statuses.seen.length
    sim.handle.setFaults({ closeMidStream: 1 })
    await collect(session.stream(SECRET_PROMPTS[1]!))
    await statuses.waitFor('encrypted', mark)
    sim.handle.setFaults({ tamperChunk: 0 })
    await collect(session.stream(SECRET_PROMPTS[1]!))
    await client.close()

    expect(entries.length).toBeGreaterThan(0)
    const keyHex = capture.draws.map((d) => bytesToHex(d.copy))
    expect(keysOf(capture.draws, sim).session.length).toBeGreaterThanOrEqual(3)
    const log = entries.join('\n')
    for (const secret of [...secretsOf(SECRET_PROMPTS), ...keyHex]) expect(log).not.toContain(secret)
  })
})
