import { bytesToHex, getPublicKey, recoverAddress, sha256 } from '@fabstir/crypto'
import { parseJson } from '@fabstir/wire'
import { describe, expect, it } from 'vitest'
import { createSession, FabstirError } from '../src/index.js'
import { defaultSessionOptions, type SessionOverrides, setupEncrypted } from './helpers/harness.js'
import { openInitPayload } from './helpers/node-view.js'
import { createTestSigner, randomPrivateKey } from './helpers/signers.js'

async function buildInit(session: SessionOverrides = {}) {
  const setup = setupEncrypted({ session })
  const frame = await setup.session.init()
  const opened = openInitPayload(frame, setup.nodePrivateKey)
  return { setup, frame, opened, data: parseJson(opened.text) as Record<string, unknown> }
}

describe('session data (PROTOCOL.md §4), decrypted as the node does', () => {
  it('is camelCase JSON with a string jobId, an exact integer price and a 64-hex session key', async () => {
    const { frame, opened, data, setup } = await buildInit()
    expect(opened.aad).toBe('session_init')
    expect(Object.keys(data).sort()).toEqual(['jobId', 'modelName', 'pricePerToken', 'sessionKey'])
    expect(data.jobId).toBe('12345')
    expect(data.modelName).toBe('tiny-vicuna')
    expect(data.pricePerToken).toBe(2_272_727_273)
    expect(opened.text).toContain('"pricePerToken":2272727273')
    expect(opened.text).toContain('"jobId":"12345"')
    expect(data.sessionKey).toMatch(/^[0-9a-f]{64}$/)
    expect(opened.text).not.toMatch(/_[a-z]/) // no snake_case key anywhere

    // the frame around it
    expect(frame).toMatchObject({
      type: 'encrypted_session_init',
      session_id: setup.session.sessionId,
      chain_id: 84532,
      job_id: 12345,
    })
    expect(typeof frame.session_id).toBe('string')
    expect(frame.id).toBeTypeOf('string')
    expect(frame.payload.ephPubHex).toMatch(/^0[23][0-9a-f]{64}$/)
    expect(frame.payload.nonceHex).toMatch(/^[0-9a-f]{48}$/)
    expect(frame.payload.signatureHex).toMatch(/^[0-9a-f]{130}$/)
    expect(frame.payload.ciphertextHex).toMatch(/^([0-9a-f]{2})+$/)
  })

  it('is signed as a raw digest over sha256(ciphertext), v ∈ {0,1}, recovering to the signer', async () => {
    const { opened, setup, frame } = await buildInit()
    expect(opened.signature).toHaveLength(65)
    expect([0, 1]).toContain(opened.signature[64])
    expect(recoverAddress(sha256(opened.ciphertext), opened.signature)).toBe(
      setup.signer.address.toLowerCase(),
    )
    // and the node recovers the same address
    setup.link.send(frame)
    const ready = await setup.link.waitFor((e) => e.type === 'ready' || e.type === 'error')
    expect(ready).toMatchObject({ type: 'ready', clientAddress: setup.signer.address.toLowerCase() })
  })

  it.each([
    ['2^64 − 1', (1n << 64n) - 1n, '18446744073709551615'],
    ['2^53 + 1', (1n << 53n) + 1n, '9007199254740993'],
    ['the top of the native range', 22_727_272_727_273n, '22727272727273'],
  ])(
    'writes pricePerToken %s as an exact JSON integer literal, and the node accepts it',
    async (_, price, literal) => {
      const { setup, frame, opened, data } = await buildInit({ pricePerToken: price })
      expect(opened.text).toMatch(new RegExp(`"pricePerToken":${literal}[,}]`))
      expect(BigInt(data.pricePerToken as bigint | number)).toBe(price)
      setup.link.send(frame)
      const outcome = await setup.link.waitFor((e) => e.type === 'ready' || e.type === 'error')
      expect(outcome.type).toBe('ready')
    },
  )

  it.each([
    ['decimal string', '987654321', '987654321', 987654321],
    ['number', 42, '42', 42],
    ['bigint above 2^53', (1n << 64n) - 1n, '18446744073709551615', undefined],
  ])('sends jobId given as a %s as a decimal string', async (_, jobId, text, frameJobId) => {
    const { data, frame } = await buildInit({ jobId })
    expect(data.jobId).toBe(text)
    expect(frame.job_id).toBe(frameJobId)
  })

  it('includes vectorDatabase and recoveryPublicKey in camelCase when given', async () => {
    const recoveryPublicKey = bytesToHex(getPublicKey(randomPrivateKey()))
    const vectorDatabase = {
      manifestPath: 'home/vector-databases/0xabc/db/manifest.json',
      userAddress: '0xabc',
    }
    const { data, setup, frame } = await buildInit({ vectorDatabase, recoveryPublicKey })
    expect(data.vectorDatabase).toEqual(vectorDatabase)
    expect(data.recoveryPublicKey).toBe(recoveryPublicKey)
    setup.link.send(frame)
    expect((await setup.link.waitFor((e) => e.type === 'ready' || e.type === 'error')).type).toBe('ready')
  })

  it('draws a fresh ephemeral key and session key for every session', async () => {
    const a = await buildInit()
    const b = await buildInit()
    expect(a.frame.payload.ephPubHex).not.toBe(b.frame.payload.ephPubHex)
    expect(a.data.sessionKey).not.toBe(b.data.sessionKey)
  })
})

describe('pricePerToken validation', () => {
  const signer = createTestSigner()
  const nodePublicKey = getPublicKey(randomPrivateKey())
  const create = (pricePerToken: unknown) =>
    createSession({
      ...defaultSessionOptions(),
      nodePublicKey,
      signer,
      pricePerToken: pricePerToken as number,
    })

  it.each([
    ['an unsafe integer number', 2 ** 53],
    ['a huge number', 1e20],
    ['a float', 0.0001],
    ['a float with integer part', 2272727273.5],
    ['a negative number', -1],
    ['a negative bigint', -1n],
    ['a bigint above u64', 1n << 64n],
    ['a decimal string', '2272727273'],
    ['a fractional string', '0.0001'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
  ])('rejects %s with INVALID_CONFIG', (_, price) => {
    let caught: unknown
    try {
      create(price)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(FabstirError)
    expect((caught as FabstirError).code).toBe('INVALID_CONFIG')
    expect((caught as FabstirError).details).toMatchObject({ field: 'pricePerToken' })
  })

  it.each([0, 10, 100_000, Number.MAX_SAFE_INTEGER, 0n, (1n << 64n) - 1n])('accepts %s', (price) => {
    expect(create(price).state).toBe('new')
  })
})
