import { expectedAnswer } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'
import { FabstirError } from '../src/index.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { Gate, HOLD } from './helpers/gated-responder.js'
import { rejectionOf, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const HELD = `${HOLD} tell me a very long story`

describe.each(SHELLS)('aborting answers ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('AbortController after the first delta: ABORTED, the node got stream_cancel, the next prompt works', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const { session } = await h.session(sim)
    const ac = new AbortController()
    const stream = session.stream(HELD, { signal: ac.signal })
    const deltas: string[] = []
    let error: unknown
    try {
      for await (const d of stream) {
        deltas.push(d.text)
        ac.abort()
      }
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FabstirError)
    expect((error as FabstirError).code).toBe('ABORTED')
    expect(deltas).toEqual([expectedAnswer(HELD, 1)])
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' })
    const cancel = await sim.tap.waitForType('stream_cancel', 'in')
    expect(cancel.json?.session_id).toBe(session.sessionId)
    const end = await sim.tap.waitFor((f) => f.direction === 'out' && f.json?.reason === 'cancelled')
    expect(end.json?.type).toBe('stream_end')
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    expect(session.status).toBe('encrypted')
  })

  it('aborting a queued prompt removes it before it is ever sent', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const { session } = await h.session(sim)
    const first = session.send(HELD)
    const ac = new AbortController()
    const queued = session.send('never sent', { signal: ac.signal })
    await sim.tap.waitForType('encrypted_chunk', 'out')
    ac.abort(new Error('changed my mind'))
    const e = await rejectionOf(queued)
    expect((e as FabstirError).code).toBe('ABORTED')
    expect(((e as FabstirError).cause as Error).message).toBe('changed my mind')
    gate.release()
    expect((await first).text).toBe(expectedAnswer(HELD))
    expect((await session.send('sent after')).text).toBe(expectedAnswer('sent after'))
    // Two prompts reached the node: the held one and the last one; the aborted one never did.
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(2)
  })

  it('an already-aborted signal fails at once and sends nothing', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const ac = new AbortController()
    ac.abort()
    await expect(session.send('nope', { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    expect(sim.tap.ofType('encrypted_message', 'in')).toHaveLength(0)
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('breaking out of for-await cancels the answer on the node; the next prompt works', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const { session } = await h.session(sim)
    const stream = session.stream(HELD)
    for await (const d of stream) {
      expect(d.text).toBe(expectedAnswer(HELD, 1))
      break
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' })
    await sim.tap.waitForType('stream_cancel', 'in')
    expect((await session.send('after the break')).text).toBe(expectedAnswer('after the break'))
  })

  it('aborting after the answer completed changes nothing', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const ac = new AbortController()
    const reply = await session.send('What is 2+2?', { signal: ac.signal })
    ac.abort()
    expect(reply.text).toBe('2 + 2 = 4.')
    expect(sim.tap.ofType('stream_cancel', 'in')).toHaveLength(0)
    expect((await session.send('again')).text).toBe(expectedAnswer('again'))
  })

  it('aborting a plaintext answer cancels it too', async () => {
    const gate = new Gate()
    const sim = await h.startSim({ responder: gate.responder })
    const { session } = await h.session(sim, {
      encryption: false,
      plaintext: plaintextProtocol,
      nodePublicKey: undefined,
      signer: undefined,
    })
    const ac = new AbortController()
    const stream = session.stream(HELD, { signal: ac.signal })
    for await (const _ of stream) {
      ac.abort()
      break
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' })
    await sim.tap.waitForType('stream_cancel', 'in')
    expect((await session.send('plain after abort')).text).toBe(expectedAnswer('plain after abort'))
  })

  it('the deltas can still be iterated after the answer completed', async () => {
    const sim = await h.startSim()
    const { session } = await h.session(sim)
    const stream = session.stream('What is 2+2?')
    expect((await stream.result).text).toBe('2 + 2 = 4.')
    const texts: string[] = []
    for await (const d of stream) texts.push(d.text)
    expect(texts).toEqual(['2', ' +', ' 2', ' =', ' 4.'])
  })
})
