import { generateEphemeralKey } from '@fabstir/crypto'
import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { createClient, FabstirError } from '../src/index.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { newSigner, rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const PROMPT = 'What is 2+2?'

describe.each(SHELLS)('plaintext fallback and the encryption indicator ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('keyless node + allowPlaintextFallback → status plaintext, encrypted false, answers work', async () => {
    const sim = await h.startSim({ encryption: false })
    const client = h.client(sim, { allowPlaintextFallback: true, plaintext: plaintextProtocol })
    const statuses = new StatusLog(client)
    const session = await client.startSession(SESSION)
    expect(statuses.seen).toEqual(['connecting', 'connected', 'plaintext'])
    expect(session.status).toBe('plaintext')
    expect(session.encrypted).toBe(false)
    expect(session.clientAddress).toBeUndefined()
    const reply = await session.send(PROMPT)
    expect(reply.text).toBe('2 + 2 = 4.')
    expect(reply.encrypted).toBe(false)
    // It tried encryption first, on the same connection, with the same session id.
    const types = sim.tap.frames.filter((f) => f.direction === 'in').map((f) => f.json?.type)
    expect(types).toEqual(['encrypted_session_init', 'session_init', 'prompt'])
    const ids = sim.tap.frames.filter((f) => f.direction === 'in').map((f) => f.json?.session_id)
    expect(new Set(ids)).toEqual(new Set([session.sessionId]))
    expect(sim.tap.connectionIds()).toHaveLength(1)
  })

  it('keyless node without the fallback option → ENCRYPTION_NOT_SUPPORTED, nothing sent in plaintext', async () => {
    const sim = await h.startSim({ encryption: false })
    const client = h.client(sim)
    const e = await rejectionOf(client.startSession(SESSION))
    expect(e).toBeInstanceOf(FabstirError)
    expect((e as FabstirError).code).toBe('ENCRYPTION_NOT_SUPPORTED')
    expect(client.status).toBe('failed')
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
    expect(sim.tap.ofType('prompt', 'in')).toHaveLength(0)
  })

  it('an encrypted node never falls back, even when the fallback is allowed', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { allowPlaintextFallback: true, plaintext: plaintextProtocol })
    expect(session.encrypted).toBe(true)
    expect(session.status).toBe('encrypted')
    expect((await session.send(PROMPT)).encrypted).toBe(true)
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
    expect(sim.tap.ofType('prompt', 'in')).toHaveLength(0)
  })

  it('no other init error falls back: DECRYPTION_FAILED (wrong node key) fails the session', async () => {
    const sim = await h.startSim()
    const client = h.client(sim, {
      allowPlaintextFallback: true,
      plaintext: plaintextProtocol,
      nodePublicKey: generateEphemeralKey().publicKey,
    })
    const e = await rejectionOf(client.startSession(SESSION))
    expect((e as FabstirError).code).toBe('DECRYPTION_FAILED')
    expect(client.status).toBe('failed')
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
  })

  it('no other init error falls back: CLIENT_ADDRESS_MISMATCH fails the session', async () => {
    const sim = await h.startSim({ faults: { wrongClientAddress: `0x${'12'.repeat(20)}` } })
    const client = h.client(sim, { allowPlaintextFallback: true, plaintext: plaintextProtocol })
    const e = await rejectionOf(client.startSession(SESSION))
    expect((e as FabstirError).code).toBe('CLIENT_ADDRESS_MISMATCH')
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
  })

  it('no other init error falls back: an ack timeout fails the session', async () => {
    const sim = await h.startSim({ faults: { silent: true } })
    const client = h.client(sim, {
      allowPlaintextFallback: true,
      plaintext: plaintextProtocol,
      timeouts: { ackMs: 50 },
    })
    const e = await rejectionOf(client.startSession(SESSION))
    expect((e as FabstirError).code).toBe('TIMEOUT')
    expect((e as FabstirError).details).toMatchObject({ phase: 'ack' })
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
  })

  it('encryption: false → the plaintext protocol (no key or signer needed), status plaintext', async () => {
    const sim = await h.startSim()
    const client = h.client(sim, {
      encryption: false,
      plaintext: plaintextProtocol,
      nodePublicKey: undefined,
      signer: undefined,
    })
    const statuses = new StatusLog(client)
    const session = await client.startSession(SESSION)
    expect(statuses.seen).toEqual(['connecting', 'connected', 'plaintext'])
    expect(session.encrypted).toBe(false)
    const prompts = ['plain one', 'plain two']
    for (const p of prompts) expect((await session.send(p)).text).toBe(expectedAnswer(p))
    const types = sim.tap.frames.filter((f) => f.direction === 'in').map((f) => f.json?.type)
    expect(types).toEqual(['session_init', 'prompt', 'prompt'])
    expect(sim.tap.ofType('encrypted_session_init', 'in')).toHaveLength(0)
  })

  it('a fallback session stays plaintext across a reconnect (it never silently changes mode)', async () => {
    const sim = await h.startSim({ encryption: false })
    const proxy = await h.startProxy(sim)
    const { session } = await h.session(sim, {
      url: proxy.url,
      allowPlaintextFallback: true,
      plaintext: plaintextProtocol,
    })
    const statuses = new StatusLog(session)
    proxy.dropAll()
    await statuses.waitFor('plaintext')
    expect(statuses.seen).toEqual(['reconnecting', 'plaintext'])
    expect(session.encrypted).toBe(false)
    expect((await session.send('after the drop')).text).toBe(expectedAnswer('after the drop'))
    const inits = sim.tap.frames.filter(
      (f) => f.direction === 'in' && String(f.json?.type).endsWith('session_init'),
    )
    expect(inits.map((f) => f.json?.type)).toEqual(['encrypted_session_init', 'session_init', 'session_init'])
  })
})

describe('the plaintext protocol is an explicit import', () => {
  it.each([
    ['encryption: false', { encryption: false }],
    [
      'allowPlaintextFallback: true',
      { allowPlaintextFallback: true, nodePublicKey: generateEphemeralKey().publicKey },
    ],
  ] as const)(
    '%s without `plaintext` is INVALID_CONFIG (field plaintext) before anything connects',
    (_, options) => {
      let thrown: unknown
      try {
        createClient({ url: 'ws://127.0.0.1:9/v1/ws', signer: newSigner(), ...options })
      } catch (e) {
        thrown = e
      }
      expect(thrown).toBeInstanceOf(FabstirError)
      expect((thrown as FabstirError).code).toBe('INVALID_CONFIG')
      expect((thrown as FabstirError).details).toEqual({ field: 'plaintext' })
      expect((thrown as FabstirError).message).toContain('@fabstir/transport-ws/plaintext')
    },
  )

  it('the entry is the protocol package’s own plaintext protocol', () => {
    expect(typeof plaintextProtocol).toBe('function')
    const session = plaintextProtocol({ jobId: 1 })
    expect(session.encrypted).toBe(false)
  })
})
