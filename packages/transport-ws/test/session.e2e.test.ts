import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { Gate, HOLD } from './helpers/gated-responder.js'
import { collect, newSigner, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const TWO_PLUS_TWO = 'What is 2+2?'

describe.each(SHELLS)('encrypted session over a real socket ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('initialises: connecting → connected → encrypted, acknowledged for the wallet', async () => {
    const sim = await h.startSim()
    const client = h.client(sim)
    const statuses = new StatusLog(client)
    const session = await client.startSession(SESSION)

    expect(statuses.seen).toEqual(['connecting', 'connected', 'encrypted'])
    expect(client.status).toBe('encrypted')
    expect(session.status).toBe('encrypted')
    expect(session.encrypted).toBe(true)
    const init = sim.tap.ofType('encrypted_session_init', 'in')
    expect(init).toHaveLength(1)
    expect(init[0]?.json?.session_id).toBe(session.sessionId)
    const ack = sim.tap.ofType('session_init_ack', 'out')[0]?.json
    expect(ack?.status).toBe('success')
    expect(session.clientAddress).toBe(ack?.client_address)
    expect(sim.tap.ofType('session_init', 'in')).toHaveLength(0)
  })

  it('reports the wallet address the node recovered from the init signature', async () => {
    const sim = await h.startSim()
    const signer = newSigner()
    const client = h.client(sim, { signer })
    const session = await client.startSession(SESSION)
    expect(session.clientAddress).toBe(signer.address.toLowerCase())
  })

  it('answers a prompt with send()', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const reply = await session.send(TWO_PLUS_TWO)
    expect(reply.text).toBe('2 + 2 = 4.')
    expect(reply.finishReason).toBe('stop')
    expect(reply.encrypted).toBe(true)
    expect(reply.tokensUsed).toBe(5)
    expect(typeof reply.id).toBe('string')
    expect(sim.tap.ofType('encrypted_message', 'in')[0]?.json?.id).toBe(reply.id)
  })

  it('streams authenticated deltas in order and resolves result with usage', async () => {
    const sim = await h.startSim({ contextWindowSize: 4096 })
    const { session } = await h.session(sim)
    const stream = session.stream(TWO_PLUS_TWO)
    const deltas: { text: string; index: number }[] = []
    for await (const d of stream) deltas.push({ text: d.text, index: d.index })

    expect(deltas.map((d) => d.text)).toEqual(['2', ' +', ' 2', ' =', ' 4.'])
    expect(deltas.map((d) => d.index)).toEqual([0, 1, 2, 3, 4])
    const reply = await stream.result
    expect(reply.text).toBe('2 + 2 = 4.')
    expect(reply.finishReason).toBe('stop')
    expect(reply.tokensUsed).toBe(5)
    expect(reply.usage).toEqual({
      promptTokens: 3,
      completionTokens: 5,
      totalTokens: 8,
      contextWindowSize: 4096,
    })
  })

  it('honours max_tokens: the answer is cut with finishReason "length"', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const prompt = 'Tell me about the seven seas of the world'
    const reply = await session.send({ prompt, max_tokens: 3 })
    expect(reply.text).toBe(expectedAnswer(prompt, 3))
    expect(reply.finishReason).toBe('length')
    expect(reply.tokensUsed).toBe(3)
  })

  it('runs many prompts on one session, with message_<N> AADs counting up', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const prompts = ['first question', TWO_PLUS_TWO, 'third and last question']
    for (const p of prompts) {
      expect((await session.send(p)).text).toBe(expectedAnswer(p))
    }
    const aads = sim.tap
      .ofType('encrypted_message', 'in')
      .map((f) => (f.json?.payload as { aadHex?: string } | undefined)?.aadHex ?? '')
      .map((aadHex) => Buffer.from(aadHex, 'hex').toString('utf8'))
    expect(aads).toEqual(['message_0', 'message_1', 'message_2'])
    expect(sim.tap.connectionIds()).toHaveLength(1)
  })

  it('queues prompts FIFO: three issued at once all answer correctly and in order', async () => {
    const sim = await h.startSim({ chunkDelayMs: 1 })
    const { session } = await h.session(sim)
    const prompts = ['alpha one', 'bravo two', 'charlie three']
    const finished: string[] = []
    const replies = await Promise.all(
      prompts.map((p) =>
        session.send(p).then((r) => {
          finished.push(p)
          return r
        }),
      ),
    )
    expect(replies.map((r) => r.text)).toEqual(prompts.map((p) => expectedAnswer(p)))
    expect(finished).toEqual(prompts)
    // The node would drop a frame that arrives while it streams: none may have been sent early.
    const inbound = sim.tap.frames.filter((f) => f.direction === 'in').map((f) => f.json?.type)
    expect(inbound.filter((t) => t === 'encrypted_message')).toHaveLength(3)
  })

  it('never has two prompts in flight: the next is sent only after the previous stream_end', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const { session } = await h.session(sim)
    const first = session.stream(`${HOLD} the first answer`)
    const second = session.send('the second question')
    const iterator = first[Symbol.asyncIterator]()
    const firstDelta = await iterator.next()
    expect(firstDelta.done).toBe(false)
    // While the first answer is blocked on the node, the second prompt must still be queued client-side.
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(1)
    gate.release()
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator })
    expect(`${(firstDelta.value as { text: string }).text}${rest.text}`).toBe(
      expectedAnswer(`${HOLD} the first answer`),
    )
    expect((await second).text).toBe(expectedAnswer('the second question'))
    const order = sim.tap.frames
      .filter((f) => f.json?.type === 'encrypted_message' || f.json?.type === 'stream_end')
      .map((f) => f.json?.type)
    expect(order).toEqual(['encrypted_message', 'stream_end', 'encrypted_message', 'stream_end'])
  })

  it('sends jobId as a string, pricePerToken exactly, and the chosen session id and chain', async () => {
    const sim = await h.startSim()
    const price = 22_727_272_727_273n
    const { session } = await h.session(
      sim,
      {},
      { jobId: 987654321n, pricePerToken: price, sessionId: 'sess-42', chainId: 5611 },
    )
    expect(session.sessionId).toBe('sess-42')
    const init = sim.tap.ofType('encrypted_session_init', 'in')[0]?.json
    expect(init?.session_id).toBe('sess-42')
    expect(init?.chain_id).toBe(5611)
    expect(sim.tap.ofType('session_init_ack', 'out')[0]?.json?.job_id).toBe(987654321)
    expect((await session.send(TWO_PLUS_TWO)).text).toBe('2 + 2 = 4.')
  })

  it('rejects prompts after close with SESSION_CLOSED', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    await session.close()
    expect(session.status).toBe('closed')
    await expect(session.send(TWO_PLUS_TWO)).rejects.toMatchObject({
      name: 'FabstirError',
      code: 'SESSION_CLOSED',
    })
  })
})
