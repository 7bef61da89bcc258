import { getPublicKey, publicKeyToAddress, signDigest } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { FabstirError, type ProtocolEvent } from '../src/index.js'
import { errorsOf, textOf } from './helpers/events.js'
import { type EncryptedSetup, initAndWait, setupEncrypted } from './helpers/harness.js'
import { createTestSigner, randomPrivateKey, type TestSigner } from './helpers/signers.js'

// Regression tests of issue 15 ("hostile nodes, broken wallets"): items 3–7 and 9, at the sans-IO layer.

type Frame = Record<string, unknown>

async function ready(options: Parameters<typeof setupEncrypted>[0] = {}): Promise<EncryptedSetup> {
  const setup = setupEncrypted(options)
  const { outcome } = await initAndWait(setup)
  expect(outcome.type).toBe('ready')
  return setup
}

/** Stream a prompt with every node frame held back; returns them parsed, in order. */
async function heldAnswer(setup: EncryptedSetup, prompt = 'What is 2+2?'): Promise<Frame[]> {
  setup.link.holding = true
  setup.link.send(setup.session.prompt(prompt))
  await setup.link.idle()
  setup.link.holding = false
  return setup.link.held.splice(0).map((t) => JSON.parse(t) as Frame)
}

function deliverAll(setup: EncryptedSetup, frames: (Frame | string)[]): ProtocolEvent[] {
  return frames.flatMap((f) => setup.link.deliver(typeof f === 'string' ? f : JSON.stringify(f)))
}

function endOf(events: ProtocolEvent[]) {
  const end = events.find((e) => e.type === 'end')
  expect(end, `no end event among ${events.map((e) => e.type).join(', ')}`).toBeDefined()
  return end as Extract<ProtocolEvent, { type: 'end' }>
}

function warningsOf(events: ProtocolEvent[]): FabstirError[] {
  return events.flatMap((e) => (e.type === 'warning' ? [e.warning] : []))
}

function signerRejectingWith(value: unknown): TestSigner {
  const real = createTestSigner()
  return {
    ...real,
    address: real.address,
    signDigest: () => Promise.reject(value),
  } as TestSigner
}

describe('#3 a wallet that rejects with anything', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'User denied'],
    ['a number', 4001],
    ['a plain object', { reason: 'nope' }],
    [
      'an unreadable proxy (found by the wallet-signature fuzz target)',
      new Proxy(
        {},
        {
          get() {
            throw new Error('no')
          },
          getPrototypeOf() {
            throw new Error('no')
          },
        },
      ),
    ],
  ])('rejecting with %s gives SIGNER_FAILED, not a TypeError', async (_, value) => {
    const setup = setupEncrypted({ signer: signerRejectingWith(value) })
    const error = await setup.session.init().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FabstirError)
    expect((error as FabstirError).code).toBe('SIGNER_FAILED')
    expect((error as FabstirError).cause).toBe(value)
    expect(setup.session.state).toBe('new')
  })

  it('a signer that throws synchronously is SIGNER_FAILED too', async () => {
    const real = createTestSigner()
    const signer = {
      address: real.address,
      signDigest: () => {
        throw null
      },
    } as unknown as TestSigner
    const setup = setupEncrypted({ signer })
    const error = (await setup.session.init().catch((e: unknown) => e)) as FabstirError
    expect(error.code).toBe('SIGNER_FAILED')
  })
})

describe('#4 an unusable stream_end after an authenticated encrypted_response', () => {
  it.each([
    ['schema-invalid', (f: Frame) => JSON.stringify({ ...f, tokens_used: 'many' })],
    ['truncated JSON', (f: Frame) => JSON.stringify(f).slice(0, 20)],
    ['not an object', () => '[1,2,3]'],
  ])('%s: the authenticated answer is delivered, flagged by a warning', async (_, mangle) => {
    const setup = await ready()
    const frames = await heldAnswer(setup)
    const last = frames.pop()!
    expect(last.type).toBe('stream_end')
    const events = deliverAll(setup, [...frames, mangle(last)])
    expect(errorsOf(events)).toEqual([])
    expect(textOf(events)).toBe('2 + 2 = 4.')
    expect(endOf(events).finishReason).toBe('stop')
    expect(warningsOf(events).map((w) => w.code)).toEqual(['INVALID_FRAME'])
    expect(setup.session.state).toBe('ready')
  })

  it.each([
    ['a rate-limit error', { type: 'error', error: 'Rate limit exceeded' }],
    ['a shape-A error', { type: 'error', code: 'ENCRYPTION_FAILED', message: 'forged' }],
    ['a malformed error', { type: 'error', code: 7 }],
  ])('%s in place of the stream_end cannot take the authenticated answer away either', async (_, forged) => {
    const setup = await ready()
    const frames = await heldAnswer(setup)
    frames.pop()
    const events = deliverAll(setup, [...frames, forged])
    expect(errorsOf(events)).toEqual([])
    expect(textOf(events)).toBe('2 + 2 = 4.')
    expect(endOf(events).finishReason).toBe('stop')
    expect(warningsOf(events)).toHaveLength(1)
    expect(setup.session.state).toBe('ready')
  })

  it('before the encrypted_response, a malformed stream_end still cannot complete the answer', async () => {
    const setup = await ready()
    const frames = await heldAnswer(setup)
    const response = frames.findIndex((f) => f.type === 'encrypted_response')
    const events = deliverAll(setup, [...frames.slice(0, response), '{"type":"stream_end"'])
    expect(events.some((e) => e.type === 'end')).toBe(false)
  })
})

describe('#5 an unauthenticated finish_reason never overrides the authenticated one', () => {
  const failing = {
    core: {
      responder: async function* () {
        yield 'partial'
        throw new Error('model crashed')
      },
    },
  }

  it('a forged stream_end.finish_reason "stop" keeps the authenticated "error" and is flagged', async () => {
    const setup = await ready(failing)
    const frames = await heldAnswer(setup)
    const end = frames.pop()!
    const events = deliverAll(setup, [...frames, { ...end, finish_reason: 'stop' }])
    expect(endOf(events).finishReason).toBe('error')
    const [warning] = warningsOf(events)
    expect(warning?.details).toMatchObject({
      field: 'finish_reason',
      authenticated: 'error',
      unauthenticated: 'stop',
    })
  })

  it('refining "stop" into "length" is accepted without a warning', async () => {
    const setup = await ready()
    const frames = await heldAnswer(setup)
    const end = frames.pop()!
    const events = deliverAll(setup, [...frames, { ...end, finish_reason: 'length' }])
    expect(endOf(events).finishReason).toBe('length')
    expect(warningsOf(events)).toEqual([])
  })
})

describe('#6 a session_init_ack whose status is not "success"', () => {
  it.each(['failure', 'error', '', 'Success'])('status %j fails the init with NODE_ERROR', async (status) => {
    const setup = setupEncrypted()
    const frame = await setup.session.init()
    const events = setup.link.deliver({
      type: 'session_init_ack',
      status,
      session_id: setup.session.sessionId,
      client_address: setup.signer.address.toLowerCase(),
      message: 'could not store the session key',
      id: frame.id,
    })
    expect(events.some((e) => e.type === 'ready')).toBe(false)
    const [error] = errorsOf(events)
    expect([error?.code, error?.fatal, error?.retryable]).toEqual(['NODE_ERROR', true, false])
    expect(error?.details).toMatchObject({ status })
    expect(error?.nodeMessage).toBe('could not store the session key')
    expect(setup.session.state).toBe('failed')
    expect(setup.session.encrypted).toBe(true)
    expect(() => setup.session.prompt('hi')).toThrow(FabstirError)
  })
})

describe('#7 node-supplied text is capped for display', () => {
  const huge = 'A'.repeat(10_000_000)

  it('a 10 MB error.message becomes ≤ 1 KB (+ "…(N more chars)"); the raw text only on request', async () => {
    const setup = await ready()
    const frames = await heldAnswer(setup)
    const events = deliverAll(setup, [
      {
        type: 'error',
        code: 'SOMETHING_NEW',
        message: huge,
        id: (frames[0] as { id: string }).id,
      },
    ])
    const [error] = errorsOf(events)
    expect(error?.code).toBe('NODE_ERROR')
    expect(error!.message.length).toBeLessThan(1200)
    expect(error!.nodeMessage!.length).toBeLessThanOrEqual(1024 + 30)
    expect(error!.nodeMessage).toMatch(/…\(9998976 more chars\)$/)
    expect(error!.nodeMessageRaw).toBe(huge)
    // What a logger serialising the error sees stays small.
    expect(JSON.stringify({ ...error, message: error!.message }).length).toBeLessThan(4000)
  })

  it.each([
    ['an unknown 10 MB code', { type: 'error', code: huge, message: 'x' }],
    ['a shape-B 10 MB error', { type: 'error', error: huge }],
    ['a 10 MB ack status', 'ack'],
  ])('%s stays capped', async (_, frame) => {
    const setup = setupEncrypted()
    const init = await setup.session.init()
    const events = setup.link.deliver(
      frame === 'ack'
        ? {
            type: 'session_init_ack',
            status: huge,
            session_id: setup.session.sessionId,
            client_address: setup.signer.address.toLowerCase(),
            message: huge,
            id: init.id,
          }
        : frame,
    )
    const [error] = errorsOf(events)
    expect(error).toBeDefined()
    expect(error!.message.length).toBeLessThan(2500)
    expect(JSON.stringify(error!.details ?? {}).length).toBeLessThan(2500)
    expect((error!.nodeMessage ?? '').length).toBeLessThanOrEqual(1024 + 30)
  })
})

describe('#9 every signature is checked before it leaves', () => {
  it('a wallet that switches accounts after its first session is refused locally: nothing reaches the node', async () => {
    const first = randomPrivateKey()
    const second = randomPrivateKey()
    let key = first
    const address = publicKeyToAddress(getPublicKey(first))
    const wallet = {
      address,
      privateKey: first,
      calls: 0,
      signDigest: async (digest: Uint8Array) => signDigest(key, digest),
    } as TestSigner
    const setup = await ready({ signer: wallet })
    expect(setup.core.sessionCount).toBe(1)
    // A second session with the same wallet object, after the user switched accounts.
    key = second
    const other = setupEncrypted({ signer: wallet })
    const sentBefore = other.link.outbound.length
    const error = (await other.session.init().catch((e: unknown) => e)) as FabstirError
    expect(error.code).toBe('CLIENT_ADDRESS_MISMATCH')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({
      expected: address,
      received: publicKeyToAddress(getPublicKey(second)),
    })
    expect(other.link.outbound.length).toBe(sentBefore)
    expect(other.core.sessionCount).toBe(0)
  })

  it('a wallet whose v flips after its first session is refused locally', async () => {
    const real = createTestSigner()
    let flip = false
    const wallet = {
      ...real,
      address: real.address,
      signDigest: async (d: Uint8Array) => {
        const sig = await real.signDigest(d)
        if (flip) sig[64] = sig[64]! ^ 1
        return sig
      },
    } as TestSigner
    await ready({ signer: wallet })
    flip = true
    const again = setupEncrypted({ signer: wallet })
    const error = (await again.session.init().catch((e: unknown) => e)) as FabstirError
    expect(error.code).toBe('CLIENT_ADDRESS_MISMATCH')
    expect(again.core.sessionCount).toBe(0)
  })

  it('the same wallet keeps working across sessions (the known-key check accepts its signatures)', async () => {
    const signer = createTestSigner()
    for (let i = 0; i < 3; i++) await ready({ signer })
    expect(signer.calls).toBe(3)
  })
})

describe('an acknowledgement cannot arrive before its init exists', () => {
  it('an ack delivered while the wallet is still signing is ignored; the real one later works', async () => {
    const real = createTestSigner()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const signer = {
      ...real,
      address: real.address,
      signDigest: async (d: Uint8Array) => {
        await gate
        return real.signDigest(d)
      },
    } as TestSigner
    const setup = setupEncrypted({ signer })
    const building = setup.session.init()
    const early = setup.link.deliver({
      type: 'session_init_ack',
      status: 'success',
      session_id: setup.session.sessionId,
      client_address: real.address.toLowerCase(),
    })
    expect(early).toEqual([])
    expect(setup.session.state).toBe('initializing')
    release()
    const frame = await building
    const from = setup.link.events.length
    setup.link.send(frame)
    const outcome = await setup.link.waitFor((e) => e.type === 'ready' || e.type === 'error', from)
    expect(outcome.type).toBe('ready')
  })
})
