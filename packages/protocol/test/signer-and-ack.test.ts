import { describe, expect, it } from 'vitest'
import { FabstirError } from '../src/index.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { capture32, isZeroed } from './helpers/random-capture.js'
import {
  createEip191Signer,
  createTestSigner,
  createThrowingSigner,
  type TestSigner,
} from './helpers/signers.js'

const OTHER_ADDRESS = `0x${'11'.repeat(20)}`

async function rejectedInit(signer: TestSigner) {
  const setup = setupEncrypted({ signer })
  const sentBefore = setup.link.outbound.length
  const { settled, draws } = await capture32(() => setup.session.init())
  expect(settled.status).toBe('rejected')
  const error = (settled as PromiseRejectedResult).reason as FabstirError
  expect(error).toBeInstanceOf(FabstirError)
  return { setup, error, draws, sentBefore }
}

describe('the node echoes the recovered client address', () => {
  it('fails the session with CLIENT_ADDRESS_MISMATCH when the echo is not the signer address', async () => {
    const setup = setupEncrypted({ core: { faults: { wrongClientAddress: OTHER_ADDRESS } } })
    const { outcome, sessionKey } = await initAndWait(setup)
    expect(outcome.type).toBe('error')
    const error = (outcome as { error: FabstirError }).error
    expect(error.code).toBe('CLIENT_ADDRESS_MISMATCH')
    expect(error.fatal).toBe(true)
    expect(error.sessionId).toBe(setup.session.sessionId)
    expect(error.details).toMatchObject({
      expected: setup.signer.address.toLowerCase(),
      received: OTHER_ADDRESS,
    })
    expect(setup.session.state).toBe('failed')
    expect(setup.session.clientAddress).toBeUndefined()
    expect(isZeroed(sessionKey)).toBe(true)
    expect(setup.link.events.some((e) => e.type === 'ready')).toBe(false)
    expect(() => setup.session.prompt('What is 2+2?')).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    )
  })

  it('accepts the echo case-insensitively', async () => {
    const signer = createTestSigner()
    const upper = `0x${signer.address.slice(2).toUpperCase()}`
    const setup = setupEncrypted({ signer: { ...signer, address: upper as `0x${string}` } as TestSigner })
    const { outcome } = await initAndWait(setup)
    expect(outcome).toMatchObject({ type: 'ready', clientAddress: signer.address.toLowerCase() })
  })
})

describe('signers', () => {
  it('rejects an EIP-191 (personal_sign) signer with UNSUPPORTED_SIGNER before any frame is sent', async () => {
    const signer = createEip191Signer()
    const { setup, error, draws, sentBefore } = await rejectedInit(signer)
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(signer.calls).toBe(1)
    expect(setup.link.outbound.length).toBe(sentBefore)
    expect(setup.core.sessionCount).toBe(0)
    expect(setup.session.state).toBe('new')
    // the ephemeral key and the session key drawn for the attempt are wiped
    expect(draws.length).toBeGreaterThanOrEqual(2)
    for (const d of draws) expect(isZeroed(d.live)).toBe(true)
    // and nothing of it leaks into the message
    for (const d of draws) expect(error.message).not.toContain(Buffer.from(d.copy).toString('hex'))
  })

  it('wraps a throwing signer as SIGNER_FAILED and returns to state new', async () => {
    const cause = new Error('user rejected the request')
    const signer = createThrowingSigner(cause)
    const { setup, error, draws, sentBefore } = await rejectedInit(signer)
    expect(error.code).toBe('SIGNER_FAILED')
    expect(error.cause).toBe(cause)
    expect(setup.link.outbound.length).toBe(sentBefore)
    expect(setup.session.state).toBe('new')
    for (const d of draws) expect(isZeroed(d.live)).toBe(true)
    // init may be retried (it fails the same way here, but it is allowed)
    await expect(setup.session.init()).rejects.toMatchObject({ code: 'SIGNER_FAILED' })
    expect(signer.calls).toBe(2)
  })

  it('passes an adapter-raised UNSUPPORTED_SIGNER through with its code', async () => {
    const cause = Object.assign(new Error('this wallet can only sign EIP-191 messages'), {
      code: 'UNSUPPORTED_SIGNER',
    })
    const { error, setup } = await rejectedInit(createThrowingSigner(cause))
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(setup.session.state).toBe('new')
  })

  it.each([
    ['a 64-byte signature', (sig: Uint8Array) => sig.slice(0, 64)],
    ['a non-Uint8Array result', (sig: Uint8Array) => Array.from(sig) as unknown as Uint8Array],
  ])('rejects %s with UNSUPPORTED_SIGNER', async (_, mutate) => {
    const real = createTestSigner()
    const signer = {
      ...real,
      address: real.address,
      signDigest: async (d: Uint8Array) => mutate(await real.signDigest(d)),
    } as TestSigner
    const { error, setup } = await rejectedInit(signer)
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(setup.session.state).toBe('new')
  })

  it('normalises v = 27/28 to 0/1', async () => {
    const real = createTestSigner()
    const signer = {
      ...real,
      address: real.address,
      signDigest: async (d: Uint8Array) => {
        const sig = await real.signDigest(d)
        sig[64] = sig[64]! + 27
        return sig
      },
    } as TestSigner
    const setup = setupEncrypted({ signer })
    const { outcome, frame } = await initAndWait(setup)
    expect(outcome.type).toBe('ready')
    expect(['00', '01']).toContain(frame.payload.signatureHex.slice(-2))
  })

  it('refuses a second init() while initializing; from ready it re-keys the same session id', async () => {
    const setup = setupEncrypted()
    const pending = setup.session.init()
    await expect(setup.session.init()).rejects.toMatchObject({ code: 'INVALID_STATE' })
    setup.link.send(await pending)
    await setup.link.waitFor((e) => e.type === 'ready')
    const rekey = await setup.session.init()
    expect(rekey.session_id).toBe(setup.session.sessionId)
    expect(setup.session.state).toBe('initializing')
    setup.link.send(rekey)
    await setup.link.waitFor((e) => e.type === 'ready')
    setup.link.send(setup.session.prompt('What is 2+2?'))
    await setup.link.waitFor((e) => e.type === 'end')
    expect(setup.session.state).toBe('ready')
  })

  it('does not send an init whose session was closed while the wallet was signing', async () => {
    const setup = setupEncrypted()
    const pending = setup.session.init()
    setup.session.close()
    await expect(pending).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
    expect(setup.session.state).toBe('closed')
  })
})
