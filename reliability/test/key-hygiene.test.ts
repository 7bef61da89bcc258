import { createNodeCore, startNodeSim } from '@fabstir/node-sim'
import { createSession } from '@fabstir/protocol'
import { createClient } from '@fabstir/transport-ws'
import { afterEach, describe, expect, it } from 'vitest'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../src/common/identities.js'
import {
  captureKeyDraws,
  classifyKeyDraws,
  type InitPayloadHex,
  isZeroed,
  type KeyCapture,
  type KeyDraw,
} from '../src/common/key-capture.js'
import { SansIoLink } from '../src/common/sans-io-link.js'

/**
 * Key hygiene, observed where it can be: the SDK draws its ephemeral private keys and session keys with
 * `crypto.getRandomValues` (`randomBytes(32)`); the spy keeps those very buffers, so the tests can see whether the
 * SDK zeroed them in place. (`deriveInitKey`'s intermediates — the ECDH x-coordinate and the init key — never leave
 * `@fabstir/crypto` and cannot be observed from outside.)
 */
const { signer } = testSigner('hygiene-client')
let capture: KeyCapture | undefined
afterEach(() => {
  capture?.stop()
  capture = undefined
})

function initsOf(texts: readonly string[]): InitPayloadHex[] {
  return texts
    .map((t) => JSON.parse(t) as { type?: string; payload?: InitPayloadHex })
    .filter((f) => f.type === 'encrypted_session_init' && f.payload)
    .map((f) => f.payload!)
}

const allZero = (draws: readonly KeyDraw[]): boolean => draws.every((d) => isZeroed(d.live))

describe('key hygiene through @fabstir/protocol (sans-IO, simulator core)', () => {
  async function readySession() {
    const core = createNodeCore({ privateKey: NODE_IDENTITY.privateKeyHex })
    const link = new SansIoLink(core)
    link.take()
    const sent: string[] = []
    capture = captureKeyDraws()
    const session = createSession({ nodePublicKey: NODE_IDENTITY.publicKey, signer, ...SESSION_OPTIONS })
    const init = JSON.stringify(await session.init())
    sent.push(init)
    for (const f of await link.exchange(init)) session.receive(f)
    expect(session.state).toBe('ready')
    const keys = () => classifyKeyDraws(capture!.draws, initsOf(sent), NODE_IDENTITY.privateKeyHex)
    return { core, link, session, sent, keys }
  }

  it('zeroes the ephemeral key before init() resolves, keeps the session key while in use, zeroes it on close', async () => {
    const { link, session, keys } = await readySession()
    expect(keys().ephemeral).toHaveLength(1)
    expect(keys().session).toHaveLength(1)
    expect(allZero(keys().ephemeral)).toBe(true)
    expect(allZero(keys().session)).toBe(false)
    for (const f of await link.exchange(session.prompt('What is 2+2?'))) session.receive(f)
    expect(allZero(keys().session)).toBe(false)
    session.close()
    expect(allZero(keys().session)).toBe(true)
  })

  it('zeroes the session key at a fatal failure (tampered chunk), before any close', async () => {
    const { link, session, keys } = await readySession()
    const answer = await link.exchange(session.prompt('What is 2+2?'))
    const chunk = JSON.parse(answer[0]!) as { payload: { ciphertextHex: string } }
    chunk.payload.ciphertextHex = `${chunk.payload.ciphertextHex[0] === 'a' ? 'b' : 'a'}${chunk.payload.ciphertextHex.slice(1)}`
    const events = session.receive(JSON.stringify(chunk))
    expect(events.map((e) => (e.type === 'error' ? e.error.code : e.type))).toEqual(['DECRYPTION_FAILED'])
    expect(session.state).toBe('failed')
    expect(allZero(keys().session)).toBe(true)
  })

  it('zeroes the old session key when the connection is lost, and the new one on close after re-init', async () => {
    const { core, session, sent, keys } = await readySession()
    session.connectionLost()
    expect(allZero(keys().session)).toBe(true)
    const relink = new SansIoLink(core)
    relink.take()
    const init = JSON.stringify(await session.init())
    sent.push(init)
    for (const f of await relink.exchange(init)) session.receive(f)
    expect(session.state).toBe('ready')
    const k = keys()
    expect(k.session).toHaveLength(2)
    expect(k.ephemeral).toHaveLength(2)
    expect(isZeroed(k.session[0]!.live)).toBe(true)
    expect(isZeroed(k.session[1]!.live)).toBe(false)
    expect(allZero(k.ephemeral)).toBe(true)
    session.close()
    expect(allZero(keys().session)).toBe(true)
  })

  it('zeroes the keys of an init that was built but never acknowledged, on close', async () => {
    capture = captureKeyDraws()
    const session = createSession({ nodePublicKey: NODE_IDENTITY.publicKey, signer, ...SESSION_OPTIONS })
    const init = JSON.stringify(await session.init())
    const k = classifyKeyDraws(capture.draws, initsOf([init]), NODE_IDENTITY.privateKeyHex)
    expect(k.session).toHaveLength(1)
    expect(allZero(k.ephemeral)).toBe(true)
    session.close()
    expect(allZero(k.session)).toBe(true)
  })
})

describe('key hygiene through @fabstir/transport-ws (real sockets, simulator)', () => {
  async function setup(faults = {}) {
    const inbound: string[] = []
    const sim = await startNodeSim({
      privateKey: NODE_IDENTITY.privateKeyHex,
      faults,
      onFrame: (direction, text) => {
        if (direction === 'in') inbound.push(text)
      },
    })
    capture = captureKeyDraws()
    const client = createClient({
      url: sim.url,
      nodePublicKey: NODE_IDENTITY.publicKey,
      signer,
      reconnect: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    })
    const keys = () => classifyKeyDraws(capture!.draws, initsOf(inbound), NODE_IDENTITY.privateKeyHex)
    return { sim, client, keys }
  }

  it('zeroes every key on client.close()', async () => {
    const { sim, client, keys } = await setup()
    const session = await client.startSession(SESSION_OPTIONS)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    expect(allZero(keys().ephemeral)).toBe(true)
    expect(allZero(keys().session)).toBe(false)
    await client.close()
    expect(keys().session).toHaveLength(1)
    expect(allZero(keys().session)).toBe(true)
    await sim.close()
  })

  it('zeroes the session key when an answer fails authentication (no close needed)', async () => {
    const { sim, client, keys } = await setup({ tamperChunk: 1 })
    const session = await client.startSession(SESSION_OPTIONS)
    await expect(session.send('Tell me something long enough')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    })
    expect(session.status).toBe('failed')
    expect(keys().session).toHaveLength(1)
    expect(allZero(keys().session)).toBe(true)
    await client.close()
    await sim.close()
  })

  it('zeroes the retired key after a node restart forces a transparent re-init, and the new one on close', async () => {
    const { sim, client, keys } = await setup()
    const session = await client.startSession(SESSION_OPTIONS)
    await session.send('before the restart')
    await sim.restart()
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    const k = keys()
    expect(k.session).toHaveLength(2)
    expect(isZeroed(k.session[0]!.live)).toBe(true)
    expect(isZeroed(k.session[1]!.live)).toBe(false)
    expect(allZero(k.ephemeral)).toBe(true)
    await client.close()
    expect(allZero(keys().session)).toBe(true)
    await sim.close()
  })

  it('zeroes the session key when the connection drops and the reconnect re-keys', async () => {
    const { sim, client, keys } = await setup({ closeMidStream: 1 })
    const session = await client.startSession(SESSION_OPTIONS)
    await expect(session.send('Tell me something long enough')).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    })
    sim.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    const k = keys()
    expect(k.session.length).toBeGreaterThanOrEqual(2)
    expect(allZero(k.session.slice(0, -1))).toBe(true)
    await client.close()
    expect(allZero(keys().session)).toBe(true)
    await sim.close()
  })
})

describe('the key capture itself (so that the checks above can fail)', () => {
  it('sees a key that is not zeroed', async () => {
    capture = captureKeyDraws()
    const leaked = new Uint8Array(32)
    globalThis.crypto.getRandomValues(leaked)
    expect(capture.draws).toHaveLength(1)
    expect(capture.draws[0]!.live).toBe(leaked)
    expect(isZeroed(capture.draws[0]!.live)).toBe(false)
    leaked.fill(0)
    expect(isZeroed(capture.draws[0]!.live)).toBe(true)
    expect(isZeroed(capture.draws[0]!.copy)).toBe(false)
  })

  it('restores getRandomValues on stop and refuses two captures at once', () => {
    const original = globalThis.crypto.getRandomValues
    capture = captureKeyDraws()
    expect(() => captureKeyDraws()).toThrow(/already active/)
    capture.stop()
    expect(globalThis.crypto.getRandomValues).toBe(original)
  })
})
