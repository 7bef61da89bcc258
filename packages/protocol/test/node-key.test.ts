import { bytesToHex, getPublicKey, keccak256, parsePublicKey, utf8ToBytes } from '@fabstir/crypto'
import { createNodeCore, type NodeCore } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import {
  createSession,
  type EncryptedSession,
  FabstirError,
  type ProtocolEvent,
  verifyNodePublicKey,
} from '../src/index.js'
import { defaultSessionOptions, Link } from './helpers/harness.js'
import { createTestSigner, randomPrivateKey } from './helpers/signers.js'

/** A simulated node whose private key the test knows, so that every encoding of its public key can be built. */
function knownNode(): { core: NodeCore; privateKey: Uint8Array } {
  const privateKey = randomPrivateKey()
  return { core: createNodeCore({ privateKey: privateKey.slice() }), privateKey }
}

/** EIP-55 mixed-case checksum spelling of a lowercase address (what wallets and registries display). */
function checksumAddress(address: string): string {
  const hex = address.slice(2).toLowerCase()
  const hash = bytesToHex(keccak256(utf8ToBytes(hex)))
  let out = '0x'
  for (let i = 0; i < hex.length; i++) {
    out += Number.parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i]!
  }
  return out
}

function caught(fn: () => unknown): FabstirError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FabstirError)
    return e as FabstirError
  }
  throw new Error('expected the call to throw')
}

describe('verifyNodePublicKey accepts the host key', () => {
  const { core, privateKey } = knownNode()
  const compressed = getPublicKey(privateKey, true)
  const uncompressed = getPublicKey(privateKey, false)

  const encodings: Array<[string, Uint8Array | string]> = [
    ['33-byte compressed bytes', compressed],
    ['65-byte uncompressed bytes', uncompressed],
    ['compressed hex with 0x (as node-sim prints it)', core.publicKey],
    ['compressed hex without 0x', bytesToHex(compressed)],
    ['uncompressed hex with 0x', `0x${bytesToHex(uncompressed)}`],
    ['uncompressed hex in upper case', bytesToHex(uncompressed).toUpperCase()],
  ]
  for (const [label, key] of encodings) {
    it(`as ${label}, returning the 33-byte compressed key`, () => {
      const result = verifyNodePublicKey(key, core.address)
      expect(result).toBeInstanceOf(Uint8Array)
      expect(bytesToHex(result)).toBe(bytesToHex(compressed))
    })
  }

  const addresses: Array<[string, string]> = [
    ['lowercase', core.address],
    ['upper-case hex digits', `0x${core.address.slice(2).toUpperCase()}`],
    ['EIP-55 checksum case', checksumAddress(core.address)],
  ]
  for (const [label, address] of addresses) {
    it(`with the host address in ${label}`, () => {
      expect(bytesToHex(verifyNodePublicKey(core.publicKey, address))).toBe(bytesToHex(compressed))
    })
  }

  it('derives the address as keccak256 of the uncompressed key without 04 (PROTOCOL.md §2)', () => {
    const expected = `0x${bytesToHex(keccak256(uncompressed.slice(1)).slice(12))}`
    expect(core.address).toBe(expected)
    expect(() => verifyNodePublicKey(uncompressed, expected)).not.toThrow()
  })
})

describe('verifyNodePublicKey rejects a swapped key with NODE_KEY_MISMATCH', () => {
  const host = knownNode()
  const other = knownNode()

  it('names the expected host and the address the key belongs to', () => {
    const error = caught(() => verifyNodePublicKey(other.core.publicKey, host.core.address))
    expect(error.code).toBe('NODE_KEY_MISMATCH')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain(host.core.address)
    expect(error.message).toContain(other.core.address)
    expect(error.details).toEqual({ expected: host.core.address, derived: other.core.address })
  })

  it('reports the expected address in lowercase whatever case it was given in', () => {
    const error = caught(() => verifyNodePublicKey(other.core.publicKey, checksumAddress(host.core.address)))
    expect(error.code).toBe('NODE_KEY_MISMATCH')
    expect(error.details).toMatchObject({ expected: host.core.address })
  })

  it('also for the uncompressed encoding of the wrong key', () => {
    const error = caught(() => verifyNodePublicKey(getPublicKey(other.privateKey, false), host.core.address))
    expect(error.code).toBe('NODE_KEY_MISMATCH')
  })

  it('never leaks the private key in the message or details', () => {
    const error = caught(() => verifyNodePublicKey(other.core.publicKey, host.core.address))
    const text = `${error.message} ${JSON.stringify(error.details)}`
    expect(text).not.toContain(bytesToHex(other.privateKey))
    expect(text).not.toContain(bytesToHex(host.privateKey))
  })
})

describe('verifyNodePublicKey rejects malformed input with INVALID_CONFIG', () => {
  const { core } = knownNode()
  const offCurve = `0x04${'00'.repeat(64)}`

  const badKeys: Array<[string, unknown]> = [
    ['an empty string', ''],
    ['non-hex text', 'not a key'],
    ['an odd number of hex digits', core.publicKey.slice(0, -1)],
    ['a 32-byte key (no prefix byte)', core.publicKey.slice(4)],
    ['a compressed key with a bad prefix byte', `0x05${core.publicKey.slice(4)}`],
    ['an uncompressed point that is not on the curve', offCurve],
    ['a 64-byte buffer', new Uint8Array(64)],
    ['a number', 42],
  ]
  for (const [label, key] of badKeys) {
    it(`key: ${label}`, () => {
      const error = caught(() => verifyNodePublicKey(key as string, core.address))
      expect(error.code).toBe('INVALID_CONFIG')
      expect(error.details).toEqual({ field: 'nodePublicKey' })
    })
  }

  const badAddresses: Array<[string, unknown]> = [
    ['without 0x', core.address.slice(2)],
    ['with 39 hex digits', core.address.slice(0, -1)],
    ['with 41 hex digits', `${core.address}0`],
    ['with a non-hex digit', `${core.address.slice(0, -1)}g`],
    ['with an upper-case 0X prefix', `0X${core.address.slice(2)}`],
    ['empty', ''],
    ['undefined', undefined],
    ['a 20-byte buffer', new Uint8Array(20)],
  ]
  for (const [label, address] of badAddresses) {
    it(`address: ${label}`, () => {
      const error = caught(() => verifyNodePublicKey(core.publicKey, address as string))
      expect(error.code).toBe('INVALID_CONFIG')
      expect(error.details).toEqual({ field: 'expectedNodeAddress' })
    })
  }
})

describe('createSession({ expectedNodeAddress })', () => {
  function waitForOutcome(link: Link<EncryptedSession>, from: number): Promise<ProtocolEvent> {
    return link.waitFor((e) => e.type === 'ready' || e.type === 'error', from)
  }

  it('throws NODE_KEY_MISMATCH for a swapped key before any init: nothing is signed or sent', () => {
    const host = knownNode()
    const other = knownNode()
    const signer = createTestSigner()
    const error = caught(() =>
      createSession({
        ...defaultSessionOptions(),
        nodePublicKey: other.core.publicKey,
        expectedNodeAddress: host.core.address,
        signer,
      }),
    )
    expect(error.code).toBe('NODE_KEY_MISMATCH')
    expect(error.message).toContain(host.core.address)
    expect(error.message).toContain(other.core.address)
    expect(signer.calls).toBe(0)
    expect(host.core.sessionCount).toBe(0)
  })

  it('throws INVALID_CONFIG for a malformed expected address', () => {
    const { core } = knownNode()
    const error = caught(() =>
      createSession({
        ...defaultSessionOptions(),
        nodePublicKey: core.publicKey,
        expectedNodeAddress: 'node.example',
        signer: createTestSigner(),
      }),
    )
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.details).toEqual({ field: 'expectedNodeAddress' })
  })

  it('with the right key (any address case) initialises and answers end to end', async () => {
    const { core } = knownNode()
    const signer = createTestSigner()
    const session = createSession({
      ...defaultSessionOptions(),
      nodePublicKey: core.publicKey,
      expectedNodeAddress: checksumAddress(core.address),
      signer,
    })
    const link = new Link(session, core)
    const init = await session.init()
    link.send(init)
    const ready = await waitForOutcome(link, 0)
    expect(ready).toMatchObject({ type: 'ready', clientAddress: signer.address.toLowerCase() })
    expect(session.state).toBe('ready')
    expect(core.sessionCount).toBe(1)

    const events = await link.exchange(session.prompt('What is 2+2?', { id: 'q1' }))
    const text = events.map((e) => (e.type === 'chunk' ? e.text : '')).join('')
    expect(text).toBe('2 + 2 = 4.')
    expect(events.at(-1)).toMatchObject({ type: 'end', id: 'q1', reason: 'complete' })
    session.close()
  })

  it('accepts the 65-byte uncompressed key bytes and initialises', async () => {
    const { core, privateKey } = knownNode()
    const session = createSession({
      ...defaultSessionOptions(),
      nodePublicKey: getPublicKey(privateKey, false),
      expectedNodeAddress: core.address,
      signer: createTestSigner(),
    })
    const link = new Link(session, core)
    link.send(await session.init())
    expect(await waitForOutcome(link, 0)).toMatchObject({ type: 'ready' })
    session.close()
  })

  it('without expectedNodeAddress a swapped key is only caught by the node, after the init was sent', async () => {
    const host = knownNode()
    const other = knownNode()
    const session = createSession({
      ...defaultSessionOptions(),
      nodePublicKey: parsePublicKey(other.core.publicKey),
      signer: createTestSigner(),
    })
    const link = new Link(session, host.core)
    link.send(await session.init())
    const outcome = await waitForOutcome(link, 0)
    expect(outcome.type).toBe('error')
    expect((outcome as { error: FabstirError }).error.code).toBe('DECRYPTION_FAILED')
    expect(link.outbound).toHaveLength(1)
    expect(session.state).toBe('failed')
  })
})
