import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createNodeCore,
  expectedAnswer,
  type NodeConnection,
  type NodeCore,
} from '../../packages/node-sim/dist/index.js'
import type { FabstirClient } from '../../packages/protocol/dist/index.js'
import { privateKeyToDigestSigner } from '../../packages/signer-viem/dist/index.js'
import { createPortClient, type RelayEndpoint } from '../release/examples/port-client.js'
import { type ConnectSource, type RelaySocket, relay } from '../release/examples/port-relay.js'

// The port shell also runs the whole transport-ws behaviour suite and the fault matrix over real WebSockets
// (packages/transport-ws/test/helpers/shells.ts, reliability/src/faults/shells.ts). These tests run it without a
// network — the relay's sockets are node-sim core connections — and hold the shell to its size.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..')
const SESSION = { jobId: '15', modelName: 'tinyllama', pricePerToken: 2_272_727_273n }

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void

/** A WebSocket stand-in backed by a node-sim core connection; it opens asynchronously, like a real socket. */
function coreSocket(core: NodeCore, wire: string[]): RelaySocket {
  const listeners: Record<string, Listener[]> = {}
  const emit = (type: string, event: Parameters<Listener>[0]) => {
    for (const l of listeners[type] ?? []) l(event)
  }
  let connection: NodeConnection | undefined
  let closed = false
  const close = (code = 1000, reason = '') => {
    if (closed) return
    closed = true
    connection?.close()
    queueMicrotask(() => emit('close', { code, reason }))
  }
  queueMicrotask(() => {
    emit('open', {})
    connection = core.openConnection(
      (text) => {
        wire.push(text)
        if (!closed) emit('message', { data: text })
      },
      () => close(1006),
    )
  })
  return {
    send(text) {
      wire.push(text)
      connection?.receive(text)
    },
    close,
    addEventListener: (type: string, listener: (event: never) => void) => {
      listeners[type] = [...(listeners[type] ?? []), listener as Listener]
    },
  }
}

const ports: MessagePort[] = []
const clients: FabstirClient[] = []
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()))
  for (const port of ports.splice(0)) port.close()
})

/** A client over a real `MessageChannel` to the example relay, whose sockets reach `core` in memory. */
function portClient(core: NodeCore, overrides: Record<string, unknown> = {}) {
  const wire: string[] = []
  const { port1, port2 } = new MessageChannel()
  ports.push(port1, port2)
  relay(port2 as unknown as ConnectSource, () => coreSocket(core, wire))
  const signer = privateKeyToDigestSigner(randomBytes(32))
  const client = createPortClient(port1 as unknown as RelayEndpoint, {
    nodePublicKey: core.publicKey,
    expectedNodeAddress: core.address,
    signer,
    reconnect: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  })
  clients.push(client)
  return { client, signer, wire }
}

describe('the MessagePort shell of docs/custom-transports.md, without a network', () => {
  it('answers prompts end to end; the relay only ever sees ciphertext', async () => {
    const core = createNodeCore()
    const { client, signer, wire } = portClient(core)
    const session = await client.startSession(SESSION)
    expect(session.clientAddress).toBe(signer.address.toLowerCase())
    const question = 'Tell me about end-to-end encryption.'
    const [first, second] = await Promise.all([session.send('What is 2+2?'), session.send(question)])
    expect(first.text).toBe('2 + 2 = 4.')
    expect(second.text).toBe(expectedAnswer(question))
    await client.close()
    await expect.poll(() => core.settledJobs.map((j) => j.jobId)).toEqual(['15'])
    const seen = wire.join('\n')
    expect(seen).toContain('encrypted_message')
    for (const secret of ['What is 2+2?', '2 + 2 = 4.', question, expectedAnswer(question)]) {
      expect(seen).not.toContain(secret)
    }
  })

  it('reconnects and re-keys after the relay loses its socket mid-answer', async () => {
    const core = createNodeCore({ faults: { closeMidStream: 1 } })
    const { client } = portClient(core)
    const session = await client.startSession(SESSION)
    await expect(session.send('What is 2+2?')).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    core.setFaults({})
    expect((await session.send('What is 2+2?')).text).toBe('2 + 2 = 4.')
    expect(session.status).toBe('encrypted')
  })

  it('refuses a node key that does not belong to the expected host when the client is created', async () => {
    const host = createNodeCore()
    expect(() => portClient(host, { nodePublicKey: createNodeCore().publicKey })).toThrow(
      expect.objectContaining({ code: 'NODE_KEY_MISMATCH' }),
    )
    expect(host.settledJobs).toEqual([])
  })

  it('the shell stays under 80 lines', () => {
    const lines = readFileSync(join(repoRoot, 'tools/release/examples/port-client.ts'), 'utf8').split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.length - 1).toBeLessThanOrEqual(80)
  })
})
