import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createNodeCore, expectedAnswer } from '../../packages/node-sim/dist/index.js'
import { createClientCore } from '../../packages/protocol/dist/index.js'
import { privateKeyToDigestSigner } from '../../packages/signer-viem/dist/index.js'
import { memoryCarrier } from '../release/examples/memory-carrier.js'

const SESSION = { jobId: '7', modelName: 'tinyllama', pricePerToken: 2_272_727_273n }

describe('the in-memory carrier of docs/custom-transports.md', () => {
  it('runs encrypted sessions against the node-sim core, FIFO, with no socket', async () => {
    const node = createNodeCore()
    const signer = privateKeyToDigestSigner(randomBytes(32))
    const options = { nodePublicKey: node.publicKey, expectedNodeAddress: node.address, signer }
    const client = createClientCore(options, { carrier: memoryCarrier(node) })
    const session = await client.startSession(SESSION)
    const prompts = ['first question', 'What is 2+2?', 'third question']
    const replies = await Promise.all(prompts.map((p) => session.send(p)))
    expect(replies.map((r) => r.text)).toEqual(prompts.map((p) => expectedAnswer(p)))
    expect(replies.every((r) => r.encrypted)).toBe(true)
    await client.close()
    expect(node.settledJobs.map((j) => j.jobId)).toEqual(['7'])
  })

  it('a node that drops the connection mid-answer: CONNECTION_LOST, then a reconnected, re-keyed session', async () => {
    const node = createNodeCore({ faults: { closeMidStream: 1 } })
    const signer = privateKeyToDigestSigner(randomBytes(32))
    const client = createClientCore(
      { nodePublicKey: node.publicKey, signer, reconnect: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
      { carrier: memoryCarrier(node) },
    )
    const session = await client.startSession(SESSION)
    await expect(session.send('What is 2+2?')).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    node.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    await client.close()
  })
})
