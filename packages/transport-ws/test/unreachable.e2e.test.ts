import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { type ClientStatus, FabstirError } from '../src/index.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { rejectionOf, SESSION, StatusLog, useHarness } from './helpers/harness.js'

// Issue 15 #8: a node that cannot be reached used to look like a dropped connection (CONNECTION_LOST, "the
// connection closed (code 1006)", retryable, "send the prompt again"). Each cause is now CONNECTION_FAILED naming the
// URL and the cause, and causes that retrying cannot fix are not retried.

const h = useHarness()

/** An HTTP server that answers every request — WebSocket upgrades included — with `status`. */
async function httpServer(
  status: number,
  port = 0,
): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.writeHead(status, { 'content-type': 'text/plain' }).end('no websocket here')
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  return { server, url: `ws://127.0.0.1:${bound}/v1/ws`, hits: () => hits }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

async function startFailure(url: string): Promise<FabstirError> {
  // Plaintext options: nothing about keys matters before the connection exists.
  const client = h.client({ url }, { encryption: false, plaintext: plaintextProtocol })
  const e = await rejectionOf(client.startSession(SESSION))
  expect(e).toBeInstanceOf(FabstirError)
  expect(client.status).toBe('failed')
  return e as FabstirError
}

// ws shell only: classifying refused / DNS / TLS / HTTP failures is transport-ws's job, with the URL it dialled.
describe('unreachable nodes give CONNECTION_FAILED with the URL and the cause', () => {
  it('a refused port: cause "refused", retryable, names the URL', async () => {
    const sim = await h.startSim()
    const url = sim.url
    await sim.handle.close()
    const e = await startFailure(url)
    expect(e.code).toBe('CONNECTION_FAILED')
    expect(e.details).toMatchObject({ cause: 'refused', url })
    expect(e.message).toContain(url)
    expect(e.message).toMatch(/refused/)
    expect(e.retryable).toBe(true)
  })

  it('a host name that does not resolve: cause "dns"', async () => {
    const e = await startFailure('ws://no-such-host.invalid:8080/v1/ws')
    expect(e.code).toBe('CONNECTION_FAILED')
    expect(e.details).toMatchObject({ cause: 'dns', url: 'ws://no-such-host.invalid:8080/v1/ws' })
    expect(e.message).toMatch(/DNS/)
  })

  it('wss:// to a server that does not speak TLS: cause "tls", not retryable', async () => {
    const sim = await h.startSim()
    const e = await startFailure(sim.url.replace('ws://', 'wss://'))
    expect(e.code).toBe('CONNECTION_FAILED')
    expect(e.details).toMatchObject({ cause: 'tls' })
    expect(e.message).toMatch(/TLS/)
    expect(e.retryable).toBe(false)
  })

  it.each([
    [404, false],
    [401, false],
    [503, true],
  ])('an HTTP %i instead of the upgrade: cause "http" with the status', async (status, retryable) => {
    const { server, url } = await httpServer(status)
    try {
      const e = await startFailure(url)
      expect(e.code).toBe('CONNECTION_FAILED')
      expect(e.details).toMatchObject({ cause: 'http', status, url })
      expect(e.message).toContain(`HTTP ${status}`)
      expect(e.message).toContain(url)
      expect(e.retryable).toBe(retryable)
    } finally {
      await closeServer(server)
    }
  })

  it('a WebSocket server that closes before the node greeting: cause "closed-before-greeting"', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
    wss.on('connection', (socket) => socket.close(1011, 'not a node'))
    try {
      const { port } = wss.address() as AddressInfo
      const e = await startFailure(`ws://127.0.0.1:${port}/v1/ws`)
      expect(e.code).toBe('CONNECTION_FAILED')
      expect(e.details).toMatchObject({ cause: 'closed-before-greeting' })
      expect(e.message).toMatch(/closed \(code 1011\) before the node's greeting/)
    } finally {
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    }
  })

  it('a reconnect that meets an HTTP 404 stops at once instead of using up every attempt', async () => {
    const sim = await h.startSim()
    const port = sim.handle.port
    const { session } = await h.session(sim, {
      reconnect: { attempts: 5, baseDelayMs: 5, maxDelayMs: 10 },
    })
    const statuses = new StatusLog(session)
    await sim.handle.close()
    const { server, hits } = await httpServer(404, port)
    try {
      await statuses.waitFor('failed' as ClientStatus, 0, 5_000)
      expect(hits()).toBe(1)
      const e = await rejectionOf(session.send('hello'))
      expect((e as FabstirError).code).toBe('SESSION_CLOSED')
    } finally {
      await closeServer(server)
    }
  })
})
