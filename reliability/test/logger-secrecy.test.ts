import { bytesToHex, deriveInitKey, hexToBytes } from '@fabstir/crypto'
import { expectedAnswer, startNodeSim } from '@fabstir/node-sim'
import { createClient, isFabstirError } from '@fabstir/transport-ws'
import { describe, expect, it } from 'vitest'
import { CapturingLogger, findLeaks, renderForScan, type Secret } from '../src/common/capturing-logger.js'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../src/common/identities.js'
import { captureKeyDraws, classifyKeyDraws, type InitPayloadHex } from '../src/common/key-capture.js'

const PROMPTS = [
  'my confidential prompt about the quarterly numbers 4711',
  'second private question regarding project nightingale',
  'third secret request mentioning passphrase correct-horse',
  'fourth prompt after the node restarted unexpectedly',
  'fifth prompt that the rate limiter refuses outright',
]

describe('no key, session key or plaintext in any log line (client and node, every level)', () => {
  it('a full session with errors, a reconnect and a node restart logs nothing secret', async () => {
    const logs = new CapturingLogger()
    const inbound: string[] = []
    let clock = Date.now()
    const sim = await startNodeSim({
      privateKey: NODE_IDENTITY.privateKeyHex,
      logger: logs.for('node'),
      rateLimitPerMinute: 3,
      now: () => clock,
      onFrame: (direction, text) => {
        if (direction === 'in') inbound.push(text)
      },
    })
    const identity = testSigner('secrecy-client')
    const capture = captureKeyDraws()
    const errors: unknown[] = []
    const answers: string[] = []
    try {
      const client = createClient({
        url: sim.url,
        nodePublicKey: NODE_IDENTITY.publicKey,
        signer: identity.signer,
        logger: logs.for('client'),
        reconnect: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      })
      const attempt = async (prompt: string): Promise<void> => {
        try {
          answers.push((await client.startSession(SESSION_OPTIONS).then((s) => s.send(prompt))).text)
        } catch (e) {
          errors.push(e)
        }
      }
      const session = await client.startSession(SESSION_OPTIONS)
      answers.push((await session.send(PROMPTS[0]!)).text)
      // Reconnect: the node drops the connection mid-answer; the session re-keys.
      sim.setFaults({ closeMidStream: 1 })
      await session.send(PROMPTS[1]!).catch((e: unknown) => errors.push(e))
      sim.setFaults({})
      answers.push((await session.send(PROMPTS[2]!)).text)
      // Node restart: SESSION_KEY_NOT_FOUND, transparent re-init.
      await sim.restart()
      answers.push((await session.send(PROMPTS[3]!)).text)
      // Rate limit, then a fatal authentication failure on a new session.
      for (let i = 0; i < 3; i++) await session.send(PROMPTS[4]!).catch((e: unknown) => errors.push(e))
      clock += 61_000
      sim.setFaults({ tamperChunk: 1 })
      await attempt(PROMPTS[0]!)
      sim.setFaults({ wrongClientAddress: `0x${'cd'.repeat(20)}` })
      await attempt(PROMPTS[1]!)
      await client.close()
    } finally {
      capture.stop()
      await sim.close()
    }
    const codes = errors.map((e) => (isFabstirError(e) ? e.code : 'UNTYPED'))
    expect(codes).toContain('CONNECTION_LOST')
    expect(codes).toContain('RATE_LIMITED')
    expect(codes).toContain('DECRYPTION_FAILED')
    expect(codes).toContain('CLIENT_ADDRESS_MISMATCH')
    expect(answers.slice(0, 3)).toEqual([PROMPTS[0], PROMPTS[2], PROMPTS[3]].map((p) => expectedAnswer(p!)))

    const inits = inbound
      .map((t) => JSON.parse(t) as { type?: string; payload?: InitPayloadHex })
      .filter((f) => f.type === 'encrypted_session_init')
      .map((f) => f.payload!)
    const keys = classifyKeyDraws(capture.draws, inits, NODE_IDENTITY.privateKeyHex)
    expect(keys.session.length).toBeGreaterThanOrEqual(4)
    const secrets: Secret[] = [
      ...keys.session.map((d, i) => ({ label: `session key ${i}`, value: bytesToHex(d.copy) })),
      ...keys.ephemeral.map((d, i) => ({ label: `ephemeral key ${i}`, value: bytesToHex(d.copy) })),
      ...keys.ephemeral.map((d, i) => ({
        label: `init key ${i}`,
        value: bytesToHex(deriveInitKey(d.copy, hexToBytes(NODE_IDENTITY.publicKey.slice(2)))),
      })),
      { label: 'signer private key', value: identity.identity.privateKeyHex },
      { label: 'node private key', value: NODE_IDENTITY.privateKeyHex },
      ...PROMPTS.map((p, i) => ({ label: `prompt ${i}`, value: p })),
      ...PROMPTS.map((p, i) => ({ label: `answer ${i}`, value: expectedAnswer(p) })),
    ]
    const texts = [
      ...logs.entries.map((e, i) => ({
        where: `log ${i} (${e.source} ${e.level})`,
        text: `${e.message} ${e.context}`,
      })),
      ...errors.map((e, i) => ({ where: `error ${i}`, text: renderForScan(e) })),
    ]
    expect(findLeaks(texts, secrets)).toEqual([])
    const levels = logs.countByLevel()
    process.stdout.write(
      `log lines scanned: ${logs.entries.length} ${JSON.stringify(levels)}; errors scanned: ${errors.length}\n`,
    )
    expect(levels.debug).toBeGreaterThan(0)
    expect(levels.info).toBeGreaterThan(0)
    expect(levels.warn).toBeGreaterThan(0)
  }, 60_000)

  it('the scanner finds secrets in either case, in messages and in contexts (so the check above can fail)', () => {
    const logs = new CapturingLogger()
    const key = 'ab'.repeat(32)
    logs.for('client').debug('key is', { bytes: hexToBytes(key) })
    logs.for('node').info(`prompt: ${PROMPTS[0]}`)
    logs.for('client').warn('upper', { k: key.toUpperCase() })
    const texts = logs.entries.map((e, i) => ({ where: String(i), text: `${e.message} ${e.context}` }))
    const leaks = findLeaks(texts, [
      { label: 'key', value: key },
      { label: 'prompt', value: PROMPTS[0]! },
    ])
    expect(leaks).toEqual([
      { label: 'key', where: '0' },
      { label: 'key', where: '2' },
      { label: 'prompt', where: '1' },
    ])
  })
})
