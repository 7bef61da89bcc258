import type { Responder } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { plaintextProtocol } from '../../src/client/plaintext.js'
import { type DigestSigner, FabstirError, isFabstirError } from '../../src/index.js'
import { capture32, isZeroed } from '../helpers/random-capture.js'
import { createTestSigner } from '../helpers/signers.js'
import { Rig } from './rig.js'

/** A model that starts and then never produces a chunk until the answer is abandoned. */
const silentModel: Responder = async function* (_request, { signal }) {
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
}

/** A model that sends one chunk and then stalls until the answer is abandoned. */
const stallingModel: Responder = async function* (_request, { signal }) {
  yield 'Hello'
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
}

const DEFAULTS = { connectMs: 10_000, ackMs: 15_000, firstChunkMs: 60_000, idleMs: 30_000 }

describe('SessionDriver: opening', () => {
  it('asks for a slot, connects, signs, and opens encrypted; the slot is given back and nothing waits for time', async () => {
    const rig = new Rig()
    await rig.open()
    expect(rig.opened).toBe(true)
    expect(rig.statuses).toEqual(['connected', 'encrypted'])
    expect(rig.outputs.map((o) => o.type).slice(0, 4)).toEqual(['slot', 'connect', 'status', 'sign'])
    expect(rig.of('slot').map((o) => o.want)).toEqual([true, false])
    expect(rig.sent.map((f) => f.type)).toEqual(['encrypted_session_init'])
    expect(rig.driver.nextDeadline()).toBeUndefined()
    expect(rig.driver.encrypted).toBe(true)
    expect(rig.driver.clientAddress?.toLowerCase()).toBe(rig.signer.address.toLowerCase())
  })

  it('waits for the slot before connecting; no deadline runs while queued', async () => {
    const rig = new Rig({ grantSlots: false })
    rig.driver.open(rig.now)
    await rig.settle()
    expect(rig.of('slot')).toEqual([{ type: 'slot', want: true }])
    expect(rig.connectRequests).toEqual([])
    expect(rig.driver.nextDeadline()).toBeUndefined()
    await rig.advance(DEFAULTS.connectMs * 10)
    rig.driver.slotGranted(rig.now)
    await rig.settle()
    expect(rig.opened).toBe(true)
  })

  it('close while queued for a slot leaves the line; a grant that comes later is given straight back', async () => {
    const rig = new Rig({ grantSlots: false })
    rig.driver.open(rig.now)
    await rig.settle()
    rig.driver.close(rig.now)
    await rig.settle()
    expect(rig.of('slot').map((o) => o.want)).toEqual([true, false])
    expect(rig.ended?.error.code).toBe('SESSION_CLOSED')
    rig.driver.slotGranted(rig.now)
    await rig.settle()
    expect(rig.of('slot').map((o) => o.want)).toEqual([true, false, false])
    expect(rig.connectRequests).toEqual([])
  })
})

describe('SessionDriver: handshake deadlines', () => {
  it('connect: TIMEOUT phase connect exactly connectMs after the slot was granted', async () => {
    const rig = new Rig({ openConnections: false })
    rig.driver.open(rig.now)
    await rig.settle()
    expect(rig.driver.nextDeadline()).toBe(rig.now + DEFAULTS.connectMs)
    await rig.advance(DEFAULTS.connectMs - 1)
    expect(rig.ended).toBeUndefined()
    await rig.advance(1)
    expect(rig.ended?.status).toBe('failed')
    expect(rig.ended?.error.code).toBe('TIMEOUT')
    expect(rig.ended?.error.details).toMatchObject({ phase: 'connect', ms: DEFAULTS.connectMs, lateMs: 0 })
    expect(rig.slotsHeld).toBe(0)
  })

  it('a late timer reports how late it was (lateMs)', async () => {
    const rig = new Rig({ openConnections: false })
    rig.driver.open(rig.now)
    await rig.settle()
    rig.driver.handleTimeout(rig.now + DEFAULTS.connectMs + 250)
    await rig.settle()
    expect(rig.ended?.error.details).toMatchObject({ phase: 'connect', lateMs: 250 })
  })

  it('ack: a node that never acknowledges fails with TIMEOUT phase ack', async () => {
    const rig = new Rig({ core: { faults: { silent: true } } })
    rig.driver.open(rig.now)
    await rig.settle()
    expect(rig.sent.map((f) => f.type)).toEqual(['encrypted_session_init'])
    await rig.advance(DEFAULTS.ackMs)
    expect(rig.ended?.error.code).toBe('TIMEOUT')
    expect(rig.ended?.error.details).toMatchObject({ phase: 'ack' })
  })
})

describe('SessionDriver: the signer', () => {
  it('a signer that never answers fails at the handshake deadline (TIMEOUT phase sign); its late signature is dropped', async () => {
    const rig = new Rig({ sign: false })
    rig.driver.open(rig.now)
    await rig.settle()
    expect(rig.signRequests).toHaveLength(1)
    await rig.advance(DEFAULTS.ackMs)
    expect(rig.ended?.error.code).toBe('TIMEOUT')
    expect(rig.ended?.error.details).toMatchObject({ phase: 'sign', ms: DEFAULTS.ackMs })
    expect(rig.ended?.error.message).toContain('wallet did not sign')
    await rig.runSign()
    await rig.settle()
    expect(rig.sent).toEqual([])
  })

  it('close while the wallet signs ends with SESSION_CLOSED; the signature that arrives after is dropped', async () => {
    const rig = new Rig({ sign: false })
    rig.driver.open(rig.now)
    await rig.settle()
    const pending = rig.signRequests.shift()!
    rig.driver.close(rig.now)
    await rig.settle()
    expect(rig.ended?.status).toBe('closed')
    expect(rig.ended?.error.code).toBe('SESSION_CLOSED')
    await rig.runSign(pending)
    await rig.settle()
    expect(rig.sent).toEqual([])
    expect(rig.driver.nextDeadline()).toBeUndefined()
  })

  it('a connection lost while the wallet signs a reconnect zeroes the pending session key and drops the late signature', async () => {
    const wallet = createTestSigner()
    let signing = false
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const signer: DigestSigner = {
      address: wallet.address,
      signDigest: async (digest) => {
        // The first handshake signs at once; the reconnect's signature hangs until released.
        if (signing) await gate
        signing = true
        return wallet.signDigest(digest)
      },
    }
    const rig = new Rig({ client: { signer }, sign: false })
    rig.driver.open(rig.now)
    await rig.settle()
    await rig.runSign()
    await rig.settle()
    expect(rig.driver.status).toBe('encrypted')
    rig.dropFromNode()
    await rig.advance(rig.driver.nextDeadline()! - rig.now)
    const request = rig.signRequests.shift()!
    let late: Promise<unknown> = Promise.resolve()
    const { draws } = await capture32(async () => {
      late = Promise.resolve(request.init()).catch((e: unknown) => e)
      await new Promise((resolve) => setTimeout(resolve, 10))
    })
    expect(draws.length).toBeGreaterThan(0)
    expect(draws.every((d) => isZeroed(d.live))).toBe(false)
    rig.dropFromNode()
    // Every key the abandoned init drew is zeroed now, before the wallet answers.
    expect(draws.every((d) => isZeroed(d.live))).toBe(true)
    release()
    const frame = await late
    rig.driver.signed(request.attempt, { frame: frame as object }, rig.now)
    await rig.settle()
    expect(rig.sent.filter((f) => f.type === 'encrypted_session_init')).toHaveLength(1)
  })

  const garbage: [string, DigestSigner['signDigest']][] = [
    ['rejects with null', () => Promise.reject(null)],
    ['rejects with undefined', () => Promise.reject(undefined)],
    ['rejects with a string', () => Promise.reject('nope')],
    [
      'throws synchronously',
      () => {
        throw new TypeError('boom')
      },
    ],
    ['returns a short signature', async () => new Uint8Array(12)],
    ['returns a non-signature', async () => 42 as unknown as Uint8Array],
    ['returns 65 zero bytes', async () => new Uint8Array(65)],
  ]
  it.each(garbage)(
    'a signer that %s ends the handshake with a typed error, at once',
    async (_name, signDigest) => {
      const rig = new Rig({ client: { signer: { address: `0x${'22'.repeat(20)}`, signDigest } } })
      await rig.open()
      expect(rig.ended?.status).toBe('failed')
      expect(rig.ended?.error).toBeInstanceOf(FabstirError)
      expect(['SIGNER_FAILED', 'UNSUPPORTED_SIGNER']).toContain(rig.ended?.error.code)
      expect(rig.sent).toEqual([])
      expect(rig.slotsHeld).toBe(0)
    },
  )
})

describe('SessionDriver: prompts', () => {
  it('queues prompts FIFO: one in flight, each sent only after the previous answer ended', async () => {
    const rig = new Rig()
    await rig.open()
    const keys = ['one', 'two', 'three'].map((p, i) => rig.prompt(`What is ${i}+${i}? ${p}`, `req-${i}`))
    expect(rig.sent.filter((f) => f.type === 'encrypted_message')).toHaveLength(1)
    await rig.settle()
    const order = rig.outputs.flatMap((o) =>
      o.type === 'send'
        ? [`send:${JSON.parse(o.text).id}`]
        : o.type === 'reply'
          ? [`reply:${o.reply.id}`]
          : [],
    )
    expect(order.slice(1)).toEqual([
      'send:req-0',
      'reply:req-0',
      'send:req-1',
      'reply:req-1',
      'send:req-2',
      'reply:req-2',
    ])
    for (const key of keys) expect(rig.requests.get(key)?.reply?.encrypted).toBe(true)
    expect(rig.requests.get(keys[0]!)?.reply?.text).toBe(
      rig.requests
        .get(keys[0]!)
        ?.deltas.map((d) => d.text)
        .join(''),
    )
  })

  it('first chunk: TIMEOUT phase first-chunk, then stream_cancel; a node that never ends it gets the connection recycled', async () => {
    const rig = new Rig({ core: { responder: silentModel } })
    await rig.open()
    const key = rig.prompt('hello')
    await rig.settle()
    await rig.advance(DEFAULTS.firstChunkMs - 1)
    expect(rig.requests.get(key)?.error).toBeUndefined()
    await rig.advance(1)
    expect(rig.requests.get(key)?.error?.code).toBe('TIMEOUT')
    expect(rig.requests.get(key)?.error?.details).toMatchObject({ phase: 'first-chunk' })
    expect(rig.sent.at(-1)?.type).toBe('stream_cancel')
    expect(rig.of('disconnect')).toEqual([])
  })

  it('cancel: a node that never ends a cancelled answer gets its connection recycled after idleMs', async () => {
    const rig = new Rig({ core: { responder: silentModel } })
    await rig.open()
    rig.prompt('hello')
    await rig.settle()
    rig.deaf = true
    await rig.advance(DEFAULTS.firstChunkMs)
    expect(rig.sent.at(-1)?.type).toBe('stream_cancel')
    await rig.advance(DEFAULTS.idleMs - 1)
    expect(rig.of('disconnect')).toEqual([])
    rig.deaf = false
    await rig.advance(1)
    expect(rig.of('disconnect')).toEqual([{ type: 'disconnect', code: 4000, reason: 'recycle', drop: false }])
    expect(rig.driver.status).toBe('reconnecting')
    await rig.advance(1_000)
    expect(rig.driver.status).toBe('encrypted')
  })

  it('idle: counted from the last chunk, not from the prompt', async () => {
    const rig = new Rig({ core: { responder: stallingModel } })
    await rig.open()
    await rig.advance(5_000)
    const key = rig.prompt('hello')
    await rig.settle()
    const sentAt = rig.now
    expect(rig.requests.get(key)?.deltas.map((d) => d.text)).toEqual(['Hello'])
    expect(rig.driver.nextDeadline()).toBe(sentAt + DEFAULTS.idleMs)
    await rig.advance(DEFAULTS.idleMs)
    expect(rig.requests.get(key)?.error?.details).toMatchObject({ phase: 'idle', ms: DEFAULTS.idleMs })
  })

  it('abandon: a queued prompt leaves without being sent; the active one is cancelled on the node', async () => {
    const rig = new Rig({ core: { responder: stallingModel } })
    await rig.open()
    const active = rig.prompt('first')
    const queued = rig.prompt('second')
    await rig.settle()
    rig.driver.abandon(queued, new FabstirError('ABORTED', 'aborted'), rig.now)
    rig.driver.abandon(active, new FabstirError('ABORTED', 'aborted'), rig.now)
    await rig.settle()
    expect(rig.requests.get(queued)?.error?.code).toBe('ABORTED')
    expect(rig.requests.get(active)?.error?.code).toBe('ABORTED')
    expect(rig.sent.filter((f) => f.type === 'encrypted_message')).toHaveLength(1)
    expect(rig.sent.at(-1)?.type).toBe('stream_cancel')
    // The node ended the cancelled answer: the connection is free again, no recycle was needed.
    const next = rig.prompt('again')
    await rig.settle()
    expect(rig.requests.get(next)?.deltas.map((d) => d.text)).toEqual(['Hello'])
    expect(rig.of('disconnect')).toEqual([])
  })

  it('a prompt after close fails SESSION_CLOSED at once', async () => {
    const rig = new Rig()
    await rig.open()
    rig.driver.close(rig.now)
    const key = rig.prompt('late')
    expect(rig.requests.get(key)?.error?.code).toBe('SESSION_CLOSED')
  })
})

describe('SessionDriver: reconnect', () => {
  it('a dropped connection fails the prompt in flight (never replayed), backs off, reconnects, re-keys and sends the queue', async () => {
    const rig = new Rig({ core: { responder: silentModel } })
    await rig.open()
    const inFlight = rig.prompt('first')
    await rig.settle()
    rig.dropFromNode()
    const queued = rig.prompt('What is 2+2?')
    expect(rig.requests.get(inFlight)?.error?.code).toBe('CONNECTION_LOST')
    expect(rig.driver.status).toBe('reconnecting')
    // Full jitter with the injected random 0.5: floor(0.5 × 250) ms.
    expect(rig.driver.nextDeadline()).toBe(rig.now + 125)
    await rig.advance(124)
    expect(rig.connectRequests).toHaveLength(1)
    await rig.advance(1)
    expect(rig.connectRequests).toHaveLength(2)
    expect(rig.driver.status).toBe('encrypted')
    expect(rig.sent.filter((f) => f.type === 'encrypted_session_init')).toHaveLength(2)
    expect(rig.sent.filter((f) => f.type === 'encrypted_message')).toHaveLength(2)
    expect(rig.requests.get(queued)?.error).toBeUndefined()
  })

  it('backs off exponentially with jitter between failed attempts, then fails with the last cause', async () => {
    const rig = new Rig({ client: { reconnect: { attempts: 3, baseDelayMs: 100, maxDelayMs: 150 } } })
    await rig.open()
    const start = rig.now
    rig.dropFromNode()
    const refused = new FabstirError('CONNECTION_FAILED', 'refused', { retryable: true })
    rig.refuse = refused
    await rig.advance(10_000)
    // Waits of 0.5 × min(150, 100·2^n) ms: 50, 75, 75.
    expect(rig.connectRequests.slice(1).map((t) => t - start)).toEqual([50, 125, 200])
    expect(rig.ended?.error.code).toBe('CONNECTION_LOST')
    expect(rig.ended?.error.message).toContain('could not reconnect')
    expect(rig.ended?.error.cause).toBe(refused)
    expect(rig.slotsHeld).toBe(0)
  })

  it('stops at the first failure that retrying cannot fix (non-retryable CONNECTION_FAILED)', async () => {
    const rig = new Rig()
    await rig.open()
    rig.dropFromNode()
    rig.refuse = new FabstirError('CONNECTION_FAILED', 'dns', { retryable: false })
    await rig.advance(10_000)
    expect(rig.ended?.error.code).toBe('CONNECTION_LOST')
    expect(rig.ended?.error.retryable).toBe(false)
    expect(rig.connectRequests).toHaveLength(2)
  })

  it('reconnect: false fails the session at the first drop', async () => {
    const rig = new Rig({ client: { reconnect: false } })
    await rig.open()
    rig.dropFromNode()
    expect(rig.ended?.error.message).toContain('reconnect is off')
  })
})

describe('SessionDriver: node restarts, rate limits, re-keying, fallback', () => {
  it('SESSION_KEY_NOT_FOUND: re-keys once and resends the prompt the node never processed', async () => {
    const rig = new Rig()
    await rig.open()
    rig.core.restart()
    const key = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.requests.get(key)?.reply?.text).toBe('2 + 2 = 4.')
    expect(rig.of('sign')).toHaveLength(2)
    expect(rig.sent.filter((f) => f.type === 'encrypted_message')).toHaveLength(2)
  })

  it('SESSION_KEY_NOT_FOUND twice for one prompt: it fails, and the session re-keys once more for the next', async () => {
    let messages = 0
    const rig = new Rig({
      core: {
        onFrame: (direction, text) => {
          if (direction === 'in' && text.includes('"encrypted_message"') && ++messages === 2)
            rig.core.restart()
        },
      },
    })
    await rig.open()
    rig.core.restart()
    const key = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.requests.get(key)?.error?.code).toBe('SESSION_KEY_NOT_FOUND')
    expect(rig.of('sign')).toHaveLength(3)
    const next = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.requests.get(next)?.reply?.text).toBe('2 + 2 = 4.')
  })

  it('RATE_LIMITED with retryOnRateLimit: waits retryAfterMs on the clock, then resends', async () => {
    const rig = new Rig({
      core: { rateLimitPerMinute: 1 },
      client: { retryOnRateLimit: { attempts: 1, maxWaitMs: 120_000 } },
    })
    await rig.open()
    const first = rig.prompt('What is 2+2?')
    const second = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.requests.get(first)?.reply).toBeDefined()
    expect(rig.requests.get(second)?.reply).toBeUndefined()
    const due = rig.driver.nextDeadline()!
    expect(due).toBeGreaterThan(rig.now)
    await rig.advance(due - rig.now)
    expect(rig.requests.get(second)?.reply?.text).toBe('2 + 2 = 4.')
  })

  it('RATE_LIMITED without the retry policy fails the prompt with the node code', async () => {
    const rig = new Rig({ core: { rateLimitPerMinute: 1 } })
    await rig.open()
    rig.prompt('What is 2+2?')
    const second = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.requests.get(second)?.error?.code).toBe('RATE_LIMITED')
  })

  it('re-keys between answers once rekeyAfterFrames node frames were authenticated under one key', async () => {
    const rig = new Rig({ client: { rekeyAfterFrames: 2 } })
    await rig.open()
    rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.of('sign')).toHaveLength(1)
    const key = rig.prompt('What is 2+2?')
    await rig.settle()
    expect(rig.of('sign')).toHaveLength(2)
    const types = rig.sent.map((f) => f.type)
    expect(types).toEqual([
      'encrypted_session_init',
      'encrypted_message',
      'encrypted_session_init',
      'encrypted_message',
    ])
    expect(rig.requests.get(key)?.reply?.text).toBe('2 + 2 = 4.')
    expect(rig.driver.status).toBe('encrypted')
  })

  it('falls back to plaintext only when allowed and the node has no key', async () => {
    const allowed = new Rig({
      core: { encryption: false },
      client: { allowPlaintextFallback: true, plaintext: plaintextProtocol },
    })
    await allowed.open()
    expect(allowed.driver.encrypted).toBe(false)
    expect(allowed.statuses.at(-1)).toBe('plaintext')
    const key = allowed.prompt('What is 2+2?')
    await allowed.settle()
    expect(allowed.requests.get(key)?.reply?.encrypted).toBe(false)

    const refused = new Rig({ core: { encryption: false } })
    await refused.open()
    expect(refused.ended?.error.code).toBe('ENCRYPTION_NOT_SUPPORTED')
    expect(refused.sent.map((f) => f.type)).toEqual(['encrypted_session_init'])
  })
})

describe('SessionDriver: close', () => {
  it('fails the active and queued prompts with SESSION_CLOSED, drops the connection and ends; later inputs do nothing', async () => {
    const rig = new Rig({ core: { responder: silentModel } })
    await rig.open()
    const active = rig.prompt('first')
    const queued = rig.prompt('second')
    await rig.settle()
    rig.driver.close(rig.now)
    await rig.settle()
    expect(rig.requests.get(active)?.error?.code).toBe('SESSION_CLOSED')
    expect(rig.requests.get(queued)?.error?.code).toBe('SESSION_CLOSED')
    expect(rig.of('disconnect')).toEqual([{ type: 'disconnect', code: 1000, reason: '', drop: true }])
    expect(rig.ended?.status).toBe('closed')
    expect(rig.driver.nextDeadline()).toBeUndefined()
    const before = rig.outputs.length
    rig.driver.handleTimeout(rig.now + 1e9)
    rig.driver.receive('{"type":"stream_end"}', rig.now)
    expect(rig.driver.poll()).toBeUndefined()
    expect(rig.outputs.length).toBe(before)
  })

  it('zeroes every key it drew', async () => {
    const rig = new Rig()
    const { draws } = await capture32(() => rig.open())
    expect(draws.length).toBeGreaterThanOrEqual(2)
    rig.driver.close(rig.now)
    for (const d of draws) expect(isZeroed(d.live)).toBe(true)
  })
})

describe('SessionDriver: determinism', () => {
  it('the same inputs give the same outputs', async () => {
    const run = async () => {
      const rig = new Rig({ core: { responder: stallingModel } })
      await rig.open()
      rig.prompt('a', 'a')
      rig.prompt('b', 'b')
      await rig.advance(DEFAULTS.idleMs * 3)
      rig.dropFromNode()
      await rig.advance(1_000)
      return rig.outputs.map((o) => (o.type === 'send' ? `send:${JSON.parse(o.text).type}` : o.type))
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(first).toContain('failed')
    expect(isFabstirError(new FabstirError('TIMEOUT', 'x'))).toBe(true)
  })
})
