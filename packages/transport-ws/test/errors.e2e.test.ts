import { bytesToHex, generateEphemeralKey } from '@fabstir/crypto'
import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { FabstirError, isFabstirError } from '../src/index.js'
import { newSigner, rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { mutateFrames, rewritingSocketFactory } from './helpers/rewriting-socket.js'
import { SHELLS } from './helpers/shells.js'

const TWO_PLUS_TWO = 'What is 2+2?'

function expectFabstir(e: unknown, code: string): FabstirError {
  expect(e).toBeInstanceOf(FabstirError)
  expect((e as FabstirError).code).toBe(code)
  return e as FabstirError
}

describe.each(SHELLS)(
  'configuration errors are caught client-side as INVALID_CONFIG ($name shell)',
  (shell) => {
    const h = useHarness(shell)

    it.each([
      ['a float', 1.5],
      ['a negative number', -1],
      ['an unsafe integer', 2 ** 60],
      ['a string', '0.0001'],
    ])('pricePerToken as %s never reaches the node', async (_what, price) => {
      const sim = await h.startSim()
      const client = h.client(sim)
      const e = await rejectionOf(client.startSession({ ...SESSION, pricePerToken: price as number }))
      expect(expectFabstir(e, 'INVALID_CONFIG').details).toMatchObject({ field: 'pricePerToken' })
      expect(sim.tap.ofType('encrypted_session_init', 'in')).toHaveLength(0)
    })

    it('rejects a bad url, a missing key or signer, a bad node key, and bad timeouts', () => {
      const signer = newSigner()
      const nodePublicKey = bytesToHex(generateEphemeralKey().publicKey)
      const cases: [() => unknown, string][] = [
        [() => shell.createClient({ url: 'ws://127.0.0.1:1/v1/ws', signer }), 'nodePublicKey'],
        [() => shell.createClient({ url: 'ws://127.0.0.1:1/v1/ws', nodePublicKey }), 'signer'],
        [
          () =>
            shell.createClient({
              url: 'ws://127.0.0.1:1/v1/ws',
              nodePublicKey,
              signer,
              timeouts: { idleMs: -1 },
            }),
          'timeouts.idleMs',
        ],
        [
          () =>
            shell.createClient({
              url: 'ws://127.0.0.1:1/v1/ws',
              nodePublicKey,
              signer,
              reconnect: { attempts: Number.NaN },
            }),
          'reconnect.attempts',
        ],
      ]
      // Only the ws shell reads the URL; a custom carrier decides itself where it connects.
      if (shell.name === 'ws')
        cases.push([
          () => shell.createClient({ url: 'http://127.0.0.1:1/v1/ws', nodePublicKey, signer }),
          'url',
        ])
      for (const [make, field] of cases) {
        let thrown: unknown
        try {
          make()
        } catch (e) {
          thrown = e
        }
        expect(expectFabstir(thrown, 'INVALID_CONFIG').details).toMatchObject({ field })
      }
    })

    it('rejects a node public key that is not a curve point', async () => {
      const client = shell.createClient({
        url: 'ws://127.0.0.1:1/v1/ws',
        nodePublicKey: `02${'00'.repeat(32)}`,
        signer: newSigner(),
      })
      const e = await rejectionOf(client.startSession(SESSION))
      expect(expectFabstir(e, 'INVALID_CONFIG').details).toMatchObject({ field: 'nodePublicKey' })
      await client.close()
    })

    it('rejects an invalid prompt (INVALID_PROMPT) before sending, and the session goes on', async () => {
      const sim = await h.startSim()
      const { session } = await h.session(sim)
      const e = await rejectionOf(session.send({ prompt: 'x', max_tokens: 2 ** 32 }))
      expect(JSON.stringify(expectFabstir(e, 'INVALID_PROMPT').details)).toContain('/max_tokens')
      expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(0)
      expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
    })
  },
)

describe.each(SHELLS)('node errors surface as typed FabstirErrors ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('ENCRYPTION_NOT_SUPPORTED from a keyless node (fallback off): startSession rejects, status failed', async () => {
    const sim = await h.startSim({ encryption: false })
    const client = h.client(sim)
    const statuses = new StatusLog(client)
    const e = expectFabstir(await rejectionOf(client.startSession(SESSION)), 'ENCRYPTION_NOT_SUPPORTED')
    expect(e.nodeMessage).toMatch(/encryption key/)
    expect(statuses.seen.at(-1)).toBe('failed')
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
  })

  it('DECRYPTION_FAILED when the node key is not the one configured (wrong node public key)', async () => {
    const sim = await h.startSim()
    const client = h.client(sim, { nodePublicKey: generateEphemeralKey().publicKey })
    const e = expectFabstir(await rejectionOf(client.startSession(SESSION)), 'DECRYPTION_FAILED')
    expect(e.fatal).toBe(true)
    expect(sim.tap.ofType('error', 'out')[0]?.json?.code).toBe('DECRYPTION_FAILED')
  })

  it('TOKEN_LIMIT_EXCEEDED with prompt size and context window; the session stays usable', async () => {
    const sim = await h.startSim({ contextWindowSize: 4 })
    const { session } = await h.session(sim)
    const long = 'this prompt is far longer than a four-token context window'
    const e = expectFabstir(await rejectionOf(session.send(long)), 'TOKEN_LIMIT_EXCEEDED')
    expect(e.details).toMatchObject({ promptTokens: Math.ceil(long.length / 4), contextWindowSize: 4 })
    expect(e.fatal).toBe(false)
    expect(session.status).toBe('encrypted')
    expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
  })

  it('RATE_LIMITED with retryAfterMs (no retry configured); the session stays usable', async () => {
    const sim = await h.startSim({ rateLimitPerMinute: 1 })
    const { session } = await h.session(sim)
    expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
    const e = expectFabstir(await rejectionOf(session.send(TWO_PLUS_TWO)), 'RATE_LIMITED')
    expect(e.retryAfterMs).toBe(60_000)
    expect(e.retryable).toBe(true)
    expect(e.nodeMessage).toMatch(/Rate limit exceeded/)
    expect(session.status).toBe('encrypted')
    await sim.handle.restart() // a node restart resets the window (and loses the keys: the client re-keys)
    expect((await session.send('after the window')).text).toBe(expectedAnswer('after the window'))
  })

  it('RATE_LIMITED is not retried when retryAfterMs exceeds retryOnRateLimit.maxWaitMs', async () => {
    const sim = await h.startSim({ rateLimitPerMinute: 1 })
    const { session } = await h.session(sim, { retryOnRateLimit: { attempts: 3, maxWaitMs: 1_000 } })
    await session.send(TWO_PLUS_TWO)
    expectFabstir(await rejectionOf(session.send(TWO_PLUS_TWO)), 'RATE_LIMITED')
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(2)
  })

  it('retries a rate-limited prompt after retryAfterMs when retryOnRateLimit allows it', async () => {
    let clock = 1_000_000
    const sim = await h.startSim({ rateLimitPerMinute: 1, now: () => clock })
    // A proxy-like socket wrapper shortens the node's "retry after 60 seconds" to 0 s, and the node's clock jumps a
    // minute ahead as soon as it refused, so that the retry is admitted.
    const { session } = await h.session(sim, {
      retryOnRateLimit: { attempts: 1, maxWaitMs: 1_000 },
      socketFactory: rewritingSocketFactory({
        inbound: (text) => text.replace('retry after 60 seconds', 'retry after 0 seconds'),
      }),
    })
    sim.tap
      .waitFor((f) => f.direction === 'out' && typeof f.json?.error === 'string')
      .then(() => {
        clock += 61_000
      })
    await session.send(TWO_PLUS_TWO)
    const reply = await session.send('the retried prompt')
    expect(reply.text).toBe(expectedAnswer('the retried prompt'))
    const refused = sim.tap.frames.filter((f) => f.direction === 'out' && typeof f.json?.error === 'string')
    expect(refused).toHaveLength(1)
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(3)
  })

  it('NODE_ERROR carries the node text for shape-B validation errors (max_tokens 0)', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const e = expectFabstir(await rejectionOf(session.send({ prompt: 'hello', max_tokens: 0 })), 'NODE_ERROR')
    expect(e.nodeMessage).toMatch(/max_tokens must be greater than 0/)
    expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
  })

  it('a model failure mid-answer ends with finishReason "error" and the node text', async () => {
    const sim = await h.startSim({
      responder: async function* () {
        yield 'partial'
        throw new Error('engine exploded')
      },
    })
    const { session } = await h.session(sim)
    const reply = await session.send('anything')
    expect(reply.finishReason).toBe('error')
    expect(reply.text).toBe('partialError: engine exploded')
  })

  it('SESSION_KEY_NOT_FOUND surfaces when the node loses the key again right after the re-key', async () => {
    let restartOnAck = false
    const sim = await h.startSim({
      onFrame: (direction, text) => {
        if (restartOnAck && direction === 'out' && text.includes('"session_init_ack"')) {
          restartOnAck = false
          void sim.handle.restart()
        }
      },
    })
    const { session } = await h.session(sim)
    await sim.handle.restart()
    restartOnAck = true
    const e = expectFabstir(await rejectionOf(session.send(TWO_PLUS_TWO)), 'SESSION_KEY_NOT_FOUND')
    expect(e.fatal).toBe(false)
    // Only one re-key and one resend were attempted for that prompt.
    expect(sim.tap.ofType('encrypted_session_init', 'in')).toHaveLength(2)
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(2)
    // The session recovers for the next prompt.
    expect((await session.send('next one')).text).toBe(expectedAnswer('next one'))
  })

  it('every error is a FabstirError with a stable code, a docs link and no key material in its message', async () => {
    const sim = await h.startSim({ contextWindowSize: 4 })
    const { session } = await h.session(sim)
    const e = await rejectionOf(session.send('a prompt that is too long for four tokens'))
    expect(isFabstirError(e, 'TOKEN_LIMIT_EXCEEDED')).toBe(true)
    expect((e as FabstirError).docsUrl).toMatch(/#token_limit_exceeded$/)
    expect((e as FabstirError).sessionId).toBe(session.sessionId)
    expect(String((e as Error).message)).not.toMatch(/too long for four/)
  })
})

type Frame = Record<string, unknown> & { payload: Record<string, unknown> }

describe.each(SHELLS)(
  'node validation errors (reached by corrupting frames in flight) surface with their codes ($name shell)',
  (shell) => {
    const h = useHarness(shell)

    it.each<[string, (f: Frame) => void]>([
      ['MISSING_PAYLOAD', (f) => delete (f as Partial<Frame>).payload],
      ['INVALID_PAYLOAD', (f) => delete f.payload.signatureHex],
      ['INVALID_HEX_ENCODING', (f) => (f.payload.ephPubHex = 'zz')],
      ['INVALID_NONCE_SIZE', (f) => (f.payload.nonceHex = '00'.repeat(12))],
      [
        'DECRYPTION_FAILED',
        (f) => (f.payload.ciphertextHex = `ff${String(f.payload.ciphertextHex).slice(2)}`),
      ],
    ])('session init → %s: startSession rejects, session failed', async (code, mutate) => {
      const sim = await h.startSim()
      const client = h.client(sim, {
        socketFactory: rewritingSocketFactory({
          outbound: mutateFrames('encrypted_session_init', (f) => mutate(f as Frame)),
        }),
      })
      const e = expectFabstir(await rejectionOf(client.startSession(SESSION)), code)
      expect(e.fatal).toBe(true)
      expect(client.status).toBe('failed')
      expect(sim.tap.ofType('error', 'out')[0]?.json?.code).toBe(code)
    })

    it.each<[string, (f: Frame) => void]>([
      ['MISSING_PAYLOAD', (f) => delete (f as Partial<Frame>).payload],
      ['MISSING_PAYLOAD_FIELDS', (f) => delete f.payload.nonceHex],
      ['INVALID_HEX_ENCODING', (f) => (f.payload.ciphertextHex = 'xyz')],
      ['INVALID_NONCE_SIZE', (f) => (f.payload.nonceHex = '00'.repeat(16))],
      [
        'DECRYPTION_FAILED',
        (f) => (f.payload.ciphertextHex = `ff${String(f.payload.ciphertextHex).slice(2)}`),
      ],
    ])('prompt → %s: that prompt fails, the session goes on', async (code, mutate) => {
      const sim = await h.startSim()
      let corrupt = true
      const { session } = await h.session(sim, {
        socketFactory: rewritingSocketFactory({
          outbound: mutateFrames('encrypted_message', (f) => {
            if (corrupt) mutate(f as Frame)
            corrupt = false
          }),
        }),
      })
      const e = expectFabstir(await rejectionOf(session.send(TWO_PLUS_TWO)), code)
      expect(e.fatal).toBe(false)
      expect(e.requestId).toBe(sim.tap.ofType('encrypted_message', 'in')[0]?.json?.id)
      expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
    })
  },
)

describe.each(SHELLS)('node key pinning (expectedNodeAddress) ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('accepts the key of the expected host', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim, { expectedNodeAddress: sim.handle.address })
    expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
  })

  it("refuses a key that is not the host's with NODE_KEY_MISMATCH before connecting", async () => {
    const sim = await h.startSim()
    let thrown: unknown
    try {
      h.client(sim, { expectedNodeAddress: `0x${'42'.repeat(20)}` })
    } catch (e) {
      thrown = e
    }
    expectFabstir(thrown, 'NODE_KEY_MISMATCH')
    expect(sim.tap.frames).toHaveLength(0)
  })
})
