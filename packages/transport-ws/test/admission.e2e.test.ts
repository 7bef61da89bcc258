import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import {
  type ClientStatus,
  createClient,
  HandshakeGate,
  handshakeGate,
  isFabstirError,
  type SocketFactory,
} from '../src/index.js'
import { plaintextProtocol } from '../src/plaintext.js'
import { defaultSocketFactory } from '../src/socket-node.js'
import { rejectionOf, SESSION, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

/** A socket factory that counts the handshakes in progress: sockets opened minus sessions that finished opening. */
function countingFactory() {
  let inProgress = 0
  let peak = 0
  let opened = 0
  const factory: SocketFactory = (url) => {
    opened++
    inProgress++
    peak = Math.max(peak, inProgress)
    return defaultSocketFactory(url)
  }
  const onStatus = (status: ClientStatus) => {
    if (status === 'encrypted' || status === 'plaintext' || status === 'failed') inProgress--
  }
  return {
    factory,
    onStatus,
    get peak() {
      return peak
    },
    get opened() {
      return opened
    },
  }
}

describe.each(SHELLS)('admission control for handshakes ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('60 concurrent startSession calls never run more handshakes at once than the limit', async () => {
    const sim = await h.startSim({ rateLimitPerMinute: 1_000 })
    const gate = new HandshakeGate(4)
    const counter = countingFactory()
    const client = h.client(sim, { handshakeGate: gate, socketFactory: counter.factory })
    client.on('status', counter.onStatus)
    const sessions = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.startSession({ ...SESSION, jobId: String(i + 1) })),
    )
    expect(sessions.every((s) => s.encrypted)).toBe(true)
    expect(counter.opened).toBe(60)
    expect(counter.peak).toBe(4)
    expect(gate.peak).toBe(4)
    expect([gate.active, gate.queued]).toEqual([0, 0])
    // Every session works after the queue drained.
    const replies = await Promise.all(sessions.slice(0, 5).map((s) => s.send('What is 2+2?')))
    expect(replies.map((r) => r.text)).toEqual(Array(5).fill('2 + 2 = 4.'))
  }, 60_000)

  it('the default gate is shared by every client of the process', async () => {
    const sim = await h.startSim({ rateLimitPerMinute: 1_000 })
    const gate = handshakeGate()
    const before = gate.limit
    gate.setLimit(3)
    gate.resetPeak()
    try {
      const counter = countingFactory()
      const clients = [0, 1, 2].map(() => h.client(sim, { socketFactory: counter.factory }))
      for (const c of clients) c.on('status', counter.onStatus)
      await Promise.all(
        clients.flatMap((client, k) =>
          Array.from({ length: 8 }, (_, i) =>
            client.startSession({ ...SESSION, jobId: String(k * 100 + i + 1) }),
          ),
        ),
      )
      expect(counter.opened).toBe(24)
      expect(counter.peak).toBe(3)
      expect(gate.peak).toBe(3)
    } finally {
      gate.setLimit(before)
    }
  }, 60_000)

  it('a session closed while it waits for a slot fails SESSION_CLOSED without opening a socket', async () => {
    const sim = await h.startSim()
    const gate = new HandshakeGate(1)
    const held = await gate.acquire()
    const counter = countingFactory()
    const client = h.client(sim, { handshakeGate: gate, socketFactory: counter.factory })
    const pending = client.startSession(SESSION)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(gate.queued).toBe(1)
    await client.close()
    const error = await rejectionOf(pending)
    expect(isFabstirError(error, 'SESSION_CLOSED')).toBe(true)
    expect(counter.opened).toBe(0)
    expect(gate.queued).toBe(0)
    held()
    expect(gate.active).toBe(0)
  })

  it('a session closed right after startSession (slot free) opens no socket and gives its slot back', async () => {
    const sim = await h.startSim()
    const gate = new HandshakeGate(2)
    const counter = countingFactory()
    const client = h.client(sim, { handshakeGate: gate, socketFactory: counter.factory })
    const pending = client.startSession(SESSION)
    const closed = client.close()
    const error = await rejectionOf(pending)
    await closed
    expect(isFabstirError(error, 'SESSION_CLOSED')).toBe(true)
    expect(counter.opened).toBe(0)
    expect([gate.active, gate.queued]).toEqual([0, 0])
  })

  it('the connect deadline starts when the handshake is admitted, not while it is queued', async () => {
    const sim = await h.startSim()
    const gate = new HandshakeGate(1)
    const held = await gate.acquire()
    const client = h.client(sim, { handshakeGate: gate, timeouts: { connectMs: 100, ackMs: 2_000 } })
    const pending = client.startSession(SESSION)
    // Queued for 3× the connect deadline.
    await new Promise((resolve) => setTimeout(resolve, 300))
    held()
    const session = await pending
    expect(session.encrypted).toBe(true)
  })
})

/** A node on its own thread that greets `delayMs` after accepting; reports each accept to this thread. */
function delayedGreetingServer(delayMs: number): Promise<{ url: string; worker: Worker }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { WebSocketServer } = require(workerData.ws)
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
      parentPort.postMessage({ port: wss.address().port })
    })
    wss.on('connection', (ws) => {
      parentPort.postMessage({ accepted: true })
      setTimeout(() => ws.send(JSON.stringify({ type: 'connected', message: 'WebSocket connected successfully' })), workerData.delayMs)
      ws.on('message', () => {})
    })
    parentPort.on('message', () => wss.close(() => process.exit(0)))
  `
  const worker = new Worker(code, {
    eval: true,
    workerData: { delayMs, ws: createRequire(import.meta.url).resolve('ws') },
  })
  return new Promise((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', (m: { port: number }) =>
      resolve({ url: `ws://127.0.0.1:${m.port}/v1/ws`, worker }),
    )
  })
}

/** Block this thread (a stalled event loop) for `ms`. */
function stall(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy
  }
}

// ws shell only: the stalled event loop must hold back a greeting already in the socket's buffer.
describe('lag-tolerant connect deadline', () => {
  it('a greeting that arrived while the loop was stalled past the deadline is read, not timed out', async () => {
    const { url, worker } = await delayedGreetingServer(30)
    try {
      const client = createClient({
        url,
        encryption: false,
        plaintext: plaintextProtocol,
        timeouts: { connectMs: 150, ackMs: 500 },
        reconnect: false,
      })
      const accepted = new Promise<void>((resolve) =>
        worker.on('message', (m: { accepted?: boolean }) => {
          if (m.accepted) resolve()
        }),
      )
      const statuses: ClientStatus[] = []
      client.on('status', (s) => statuses.push(s))
      const pending = client.startSession(SESSION).catch((e: unknown) => e)
      await accepted
      // The loop stalls well past the connect deadline; the greeting lands in the socket buffer meanwhile.
      stall(400)
      const outcome = await pending
      // The greeting was read (status `connected`); the plaintext init then times out, as this node never acks.
      expect(statuses).toContain('connected')
      expect(isFabstirError(outcome, 'TIMEOUT')).toBe(true)
      expect((outcome as { details: { phase: string } }).details.phase).toBe('ack')
      await client.close()
    } finally {
      worker.postMessage('close')
      await new Promise((resolve) => worker.once('exit', resolve))
    }
  })
})
