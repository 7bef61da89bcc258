import { describe, expect, it } from 'vitest'
import { parseSessionData } from '../src/core/session-data.js'
import { buildInit } from './helpers/protocol-client.js'
import { useSims } from './helpers/sim.js'

const sims = useSims()
const KEY = 'ab'.repeat(32)
const data = (price: string) => `{"sessionKey":"${KEY}","jobId":"1","modelName":"m","pricePerToken":${price}}`

describe('pricePerToken is a serde u64', () => {
  it('parses integers exactly, including above 2^53 and up to 2^64-1', () => {
    expect(parseSessionData(data('0')).pricePerToken).toBe(0n)
    expect(parseSessionData(data('2272727273')).pricePerToken).toBe(2272727273n)
    expect(parseSessionData(data('9007199254740993')).pricePerToken).toBe(9007199254740993n)
    expect(parseSessionData(data('18446744073709551615')).pricePerToken).toBe(18446744073709551615n)
  })

  it('rejects 2^64, floats, exponents, strings, negatives, -0, null and booleans', () => {
    for (const bad of [
      '18446744073709551616',
      '1.0',
      '1e3',
      '2272727273.5',
      '"2272727273"',
      '"0.0001"',
      '-1',
      '-0',
      'null',
      'true',
      '[1]',
    ]) {
      expect(() => parseSessionData(data(bad)), bad).toThrow(/pricePerToken/)
    }
  })

  it('the node acks 2^64-1 and answers DECRYPTION_FAILED for every rejected form', async () => {
    const sim = await sims.start()
    const client = await sims.connect(sim)
    const init = (price: string) =>
      buildInit({
        nodePublicKey: sim.publicKey,
        sessionId: `p-${price}`,
        sessionDataText: `{"sessionKey":"SESSION_KEY","jobId":"1","modelName":"m","pricePerToken":${price}}`,
      }).frame
    expect(await client.request(init('18446744073709551615'))).toMatchObject({ status: 'success' })
    expect(await client.request(init('100000'))).toMatchObject({ status: 'success' })
    for (const bad of ['18446744073709551616', '1.0', '"2272727273"', '-5', '1e2']) {
      const reply = await client.request(init(bad))
      expect(reply, bad).toMatchObject({ type: 'error', code: 'DECRYPTION_FAILED', session_id: `p-${bad}` })
      expect(reply.message).toContain('pricePerToken')
    }
    expect(sim.core.sessionCount).toBe(2)
  })
})
