import { bytesToHex, getPublicKey } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import {
  createSession,
  type EncryptedSessionOptions,
  FabstirError,
  type FabstirErrorCode,
} from '../src/index.js'
import { defaultSessionOptions } from './helpers/harness.js'
import { createTestSigner, randomPrivateKey } from './helpers/signers.js'

const nodeKey = randomPrivateKey()
const nodePublicKey = bytesToHex(getPublicKey(nodeKey))
const signer = createTestSigner()

function thrown(fn: () => unknown): FabstirError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FabstirError)
    return e as FabstirError
  }
  throw new Error('expected a FabstirError')
}

function expectConfigError(
  overrides: Partial<EncryptedSessionOptions>,
  code: FabstirErrorCode,
  field?: string,
) {
  const error = thrown(() =>
    createSession({
      ...defaultSessionOptions(),
      nodePublicKey,
      signer,
      ...overrides,
    } as EncryptedSessionOptions),
  )
  expect(error.code).toBe(code)
  if (field !== undefined) expect(error.details).toMatchObject({ field })
  return error
}

describe('createSession option validation', () => {
  it.each([
    ['a malformed node key', { nodePublicKey: '02abcd' }, 'nodePublicKey'],
    ['a node key off the curve', { nodePublicKey: `02${'00'.repeat(32)}` }, 'nodePublicKey'],
    ['a missing signer', { signer: undefined }, 'signer'],
    ['a signer without signDigest', { signer: { address: signer.address } }, 'signer'],
    ['a signer with a malformed address', { signer: { ...signer, address: '0x12' } }, 'signer.address'],
    ['an empty model name', { modelName: '' }, 'modelName'],
    ['a negative job id', { jobId: -1 }, 'jobId'],
    ['a non-decimal job id', { jobId: '0x10' }, 'jobId'],
    ['an unsafe numeric job id', { jobId: 2 ** 53 }, 'jobId'],
    ['a zero chain id', { chainId: 0 }, 'chainId'],
    ['an empty session id', { sessionId: '' }, 'sessionId'],
    [
      'a vector database without a manifest path',
      { vectorDatabase: { userAddress: '0xabc' } },
      'vectorDatabase.manifestPath',
    ],
    ['an empty recovery public key', { recoveryPublicKey: '' }, 'recoveryPublicKey'],
  ])('rejects %s with INVALID_CONFIG', (_, overrides, field) => {
    expectConfigError(overrides as Partial<EncryptedSessionOptions>, 'INVALID_CONFIG', field)
  })

  it('defaults chain 84532 and a UUID session id, and keeps a given session id', () => {
    const session = createSession({ ...defaultSessionOptions(), chainId: undefined, nodePublicKey, signer })
    expect(session.chainId).toBe(84532)
    expect(session.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(session.encrypted).toBe(true)
    const named = createSession({
      ...defaultSessionOptions(),
      nodePublicKey,
      signer,
      sessionId: 'my-session',
    })
    expect(named.sessionId).toBe('my-session')
    expect(createSession({ ...defaultSessionOptions(), nodePublicKey, signer, chainId: 5611 }).chainId).toBe(
      5611,
    )
  })
})
