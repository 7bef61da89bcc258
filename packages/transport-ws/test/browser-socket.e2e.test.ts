import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { FabstirError } from '../src/index.js'
import { defaultSocketFactory as browserSocketFactory } from '../src/socket-browser.js'
import { rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'

const globals = globalThis as { WebSocket?: unknown }
const originalWebSocket = globals.WebSocket

// ws shell only: transport-ws's own socket factories (the browser's WebSocket, a factory that throws).
describe('the browser socket path (native WebSocket API)', () => {
  const h = useHarness()
  afterEach(() => {
    globals.WebSocket = originalWebSocket
  })

  it('runs an encrypted session over a global WebSocket constructor', async () => {
    // `ws` implements the browser WebSocket API (onopen/onmessage/onclose/onerror, readyState, send, close).
    globals.WebSocket = WebSocket
    const sim = await h.startSim()
    const client = h.client(sim, { socketFactory: browserSocketFactory })
    const statuses = new StatusLog(client)
    const session = await client.startSession(SESSION)
    expect(statuses.seen).toEqual(['connecting', 'connected', 'encrypted'])
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
  })

  it('without a global WebSocket, startSession fails with CONNECTION_FAILED', async () => {
    globals.WebSocket = undefined
    const sim = await h.startSim()
    const client = h.client(sim, { socketFactory: browserSocketFactory })
    const e = await rejectionOf(client.startSession(SESSION))
    expect(e).toBeInstanceOf(FabstirError)
    expect((e as FabstirError).code).toBe('CONNECTION_FAILED')
    expect(sim.tap.frames).toHaveLength(0)
  })

  it('a socket factory that throws fails startSession with CONNECTION_FAILED and the cause', async () => {
    const sim = await h.startSim()
    const boom = new TypeError('no sockets here')
    const client = h.client(sim, {
      socketFactory: () => {
        throw boom
      },
    })
    const e = await rejectionOf(client.startSession(SESSION))
    expect((e as FabstirError).code).toBe('CONNECTION_FAILED')
    expect((e as FabstirError).cause).toBe(boom)
    expect(client.status).toBe('failed')
  })
})
