import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { type ClientStatus, FabstirError, type Reply } from '../src/index.js'
import { Gate, HOLD } from './helpers/gated-responder.js'
import { collect, rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const PROMPT = 'What is 2+2?'

describe.each(SHELLS)('node restart ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('between prompts: the next prompt re-keys the same session once and succeeds transparently', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    expect((await session.send('before restart')).text).toBe(expectedAnswer('before restart'))
    await sim.handle.restart()
    expect(sim.handle.core.sessionCount).toBe(0)
    const reply = await session.send('after restart')
    expect(reply.text).toBe(expectedAnswer('after restart'))

    const inits = sim.tap.ofType('encrypted_session_init', 'in')
    expect(inits).toHaveLength(2)
    expect(inits.map((f) => f.json?.session_id)).toEqual([session.sessionId, session.sessionId])
    expect(inits[0]?.json?.payload).not.toEqual(inits[1]?.json?.payload)
    expect(sim.tap.ofType('error', 'out').map((f) => f.json?.code)).toEqual(['SESSION_KEY_NOT_FOUND'])
    // The rejected prompt was resent once, under the new key (its AAD numbering restarts).
    const messages = sim.tap.ofType('encrypted_message', 'in')
    expect(messages).toHaveLength(3)
    expect(sim.tap.connectionIds()).toHaveLength(1)
    expect(session.status).toBe('encrypted')
  })
})

describe.each(SHELLS)('socket drop and reconnect ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('a drop between prompts: reconnecting → encrypted, same session id re-keyed, next prompt works', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const { client, session } = await h.session(sim, { url: proxy.url })
    const statuses = new StatusLog(session)
    expect((await session.send('first')).text).toBe(expectedAnswer('first'))

    const mark = statuses.seen.length
    proxy.dropAll()
    await statuses.waitFor('reconnecting', mark)
    await statuses.waitFor('encrypted', mark)
    expect(statuses.seen.slice(mark)).toEqual(['reconnecting', 'encrypted'])
    expect(client.status).toBe('encrypted')

    const inits = sim.tap.ofType('encrypted_session_init', 'in')
    expect(inits).toHaveLength(2)
    expect(new Set(inits.map((f) => f.json?.session_id))).toEqual(new Set([session.sessionId]))
    expect(new Set(inits.map((f) => f.connectionId)).size).toBe(2)
    expect((await session.send('second')).text).toBe(expectedAnswer('second'))
    // The first connection was closed by the drop, so the node settled its job.
    expect(sim.handle.settledJobs.map((j) => j.connectionId)).toContain(inits[0]?.connectionId)
  })

  it('a prompt issued while reconnecting waits for the new session and then succeeds', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const { session } = await h.session(sim, { url: proxy.url })
    const statuses = new StatusLog(session)
    let pending: Promise<Reply> | undefined
    session.on('status', (s: ClientStatus) => {
      if (s === 'reconnecting' && !pending) pending = session.send('issued while reconnecting')
    })
    proxy.dropAll()
    await statuses.waitFor('encrypted')
    expect(pending).toBeDefined()
    expect((await pending!).text).toBe(expectedAnswer('issued while reconnecting'))
  })

  it('a drop mid-stream fails that stream with CONNECTION_LOST (never replayed); later prompts work', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const proxy = await h.startProxy(sim)
    const { session } = await h.session(sim, { url: proxy.url })
    const statuses = new StatusLog(session)
    const stream = session.stream(`${HOLD} streaming when the line drops`)
    const queued = session.send('queued behind it')
    const iterator = stream[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(first.done).toBe(false)
    proxy.dropAll()
    const rest = await collect({ [Symbol.asyncIterator]: () => iterator })
    expect(rest.error).toBeInstanceOf(FabstirError)
    expect((rest.error as FabstirError).code).toBe('CONNECTION_LOST')
    // The queued prompt had not been sent yet: it goes out on the new connection.
    expect((await queued).text).toBe(expectedAnswer('queued behind it'))
    expect(statuses.seen).toContain('reconnecting')
    const messages = sim.tap.ofType('encrypted_message', 'in')
    expect(messages).toHaveLength(2)
    expect(messages[0]?.connectionId).not.toBe(messages[1]?.connectionId)
    gate.release()
  })

  it('closeMidStream from the node: CONNECTION_LOST, reconnect, the prompt is not resent', async () => {
    const sim = await h.startSim({ faults: { closeMidStream: 2 } })
    const { session } = await h.session(sim)
    const statuses = new StatusLog(session)
    const got = await collect(session.stream(PROMPT))
    expect((got.error as FabstirError).code).toBe('CONNECTION_LOST')
    expect('2 + 2 = 4.'.startsWith(got.text)).toBe(true)
    await statuses.waitFor('encrypted')
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(1)
    sim.handle.setFaults({})
    expect((await session.send(PROMPT)).text).toBe('2 + 2 = 4.')
  })

  it('reconnect exhausted (node gone): status failed and pending prompts fail', async () => {
    const sim = await h.startSim()
    const { client, session } = await h.session(sim, {
      reconnect: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    })
    const statuses = new StatusLog(client)
    let pending: Promise<Reply> | undefined
    session.on('status', (s: ClientStatus) => {
      if (s === 'reconnecting' && !pending) pending = session.send('nobody will answer')
    })
    await sim.handle.close()
    await statuses.waitFor('failed')
    expect(statuses.seen).toEqual(['reconnecting', 'failed'])
    expect(session.status).toBe('failed')
    const e = await rejectionOf(pending!)
    expect(e).toBeInstanceOf(FabstirError)
    expect((e as FabstirError).code).toBe('CONNECTION_LOST')
    await expect(session.send(PROMPT)).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
  })

  it('reconnect: false → an unexpected close fails the session at once', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const { session } = await h.session(sim, { url: proxy.url, reconnect: false })
    const statuses = new StatusLog(session)
    proxy.dropAll()
    await statuses.waitFor('failed')
    expect(statuses.seen).not.toContain('reconnecting')
    expect(proxy.acceptedConnections).toBe(1)
  })

  it('startSession against a port nobody listens on fails with CONNECTION_FAILED', async () => {
    const sim = await h.startSim()
    const url = sim.url
    await sim.handle.close()
    const client = h.client({ url, handle: sim.handle })
    const e = await rejectionOf(client.startSession(SESSION))
    expect(e).toBeInstanceOf(FabstirError)
    expect((e as FabstirError).code).toBe('CONNECTION_FAILED')
    expect(client.status).toBe('failed')
  })
})
