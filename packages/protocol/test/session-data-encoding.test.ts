import { stringifyJson } from '@fabstir/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeSessionData, FabstirError, type SessionDataInput } from '../src/index.js'
import { textOf } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'
import { announcedAad } from './helpers/node-view.js'

/** The encoding as it was written before: one generic exact serialiser over the whole object. */
function reference(input: SessionDataInput): string {
  const data: Record<string, unknown> = {
    sessionKey: Buffer.from(input.sessionKey).toString('hex'),
    jobId: input.jobId,
    modelName: input.modelName,
    pricePerToken: input.pricePerToken,
  }
  if (input.vectorDatabase) data.vectorDatabase = { ...input.vectorDatabase }
  if (input.recoveryPublicKey !== undefined) data.recoveryPublicKey = input.recoveryPublicKey
  return stringifyJson(data)
}

describe('encodeSessionData', () => {
  it('writes exactly what the generic exact serialiser writes, bigint prices included (property)', () => {
    const input = fc.record(
      {
        sessionKey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        jobId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
        modelName: fc.string({ minLength: 1 }),
        pricePerToken: fc.oneof(
          fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        ),
        vectorDatabase: fc.record({ manifestPath: fc.string(), userAddress: fc.string() }),
        recoveryPublicKey: fc.string(),
      },
      { requiredKeys: ['sessionKey', 'jobId', 'modelName', 'pricePerToken'] },
    )
    fc.assert(
      fc.property(input, (i) => {
        expect(encodeSessionData(i)).toBe(reference(i))
      }),
      { numRuns: 1000 },
    )
  })

  it('writes a price beyond 2^53 as its exact digits', () => {
    const text = encodeSessionData({
      sessionKey: new Uint8Array(32),
      jobId: '7',
      modelName: 'm',
      pricePerToken: 18446744073709551615n,
    })
    expect(text).toBe(
      `{"sessionKey":"${'00'.repeat(32)}","jobId":"7","modelName":"m","pricePerToken":18446744073709551615}`,
    )
  })
})

describe('a prompt object JSON cannot write', () => {
  it.each([
    ['a bigint', { prompt: 'hi', extra: 1n }],
    [
      'a cycle',
      (() => {
        const p: Record<string, unknown> = { prompt: 'hi' }
        p.self = p
        return p
      })(),
    ],
    [
      'a throwing toJSON',
      {
        prompt: 'hi',
        extra: {
          toJSON: () => {
            throw new TypeError('no')
          },
        },
      },
    ],
  ])('holding %s is refused with INVALID_PROMPT before anything is sealed', async (_, input) => {
    const setup = setupEncrypted()
    await initAndWait(setup)
    const sent = setup.link.outbound.length
    let caught: unknown
    try {
      setup.session.prompt(input as never)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(FabstirError)
    expect((caught as FabstirError).code).toBe('INVALID_PROMPT')
    expect(setup.session.state).toBe('ready')
    expect(setup.link.outbound.length).toBe(sent)
    const frame = setup.session.prompt('What is 2+2?')
    expect(announcedAad(frame)).toBe('message_0')
    expect(textOf(await setup.link.exchange(frame))).toBe('2 + 2 = 4.')
  })
})
