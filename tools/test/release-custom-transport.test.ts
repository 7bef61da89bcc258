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
import { FabstirError } from '../../packages/protocol/dist/index.js'
import { privateKeyToDigestSigner } from '../../packages/signer-viem/dist/index.js'
import {
  type DataEvent,
  type FramePort,
  PortSession,
  type RelaySocket,
  relay,
} from '../release/examples/custom-transport.js'
import { publishedSource } from '../release/published-source.js'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..')
const examplePath = join(repoRoot, 'tools/release/examples/custom-transport.ts')

/** A WebSocket stand-in backed by a node-sim core connection; it opens asynchronously, like a real socket. */
function coreSocket(core: NodeCore): RelaySocket & { frames: string[]; closed: boolean } {
  let connection: NodeConnection | undefined
  const listeners = {
    message: [] as Array<(e: DataEvent) => void>,
    close: [] as Array<(e: DataEvent) => void>,
  }
  const socket = {
    frames: [] as string[],
    closed: false,
    addEventListener(type: 'message' | 'close', listener: (event: DataEvent) => void) {
      listeners[type].push(listener)
    },
    send(text: string) {
      socket.frames.push(text)
      connection?.receive(text)
    },
    close() {
      if (socket.closed) return
      socket.closed = true
      connection?.close()
      queueMicrotask(() => {
        for (const l of listeners.close) l({})
      })
    },
  }
  queueMicrotask(() => {
    connection = core.openConnection(
      (text) => {
        socket.frames.push(text)
        for (const l of listeners.message) l({ data: text })
      },
      () => socket.close(),
    )
  })
  return socket
}

const openPorts: MessagePort[] = []

afterEach(() => {
  for (const port of openPorts.splice(0)) port.close()
})

/** A MessageChannel: one end for the client, the other relayed to a socket on `core`. */
function wire(core: NodeCore) {
  const channel = new MessageChannel()
  openPorts.push(channel.port1, channel.port2)
  const socket = coreSocket(core)
  relay(channel.port2 as unknown as FramePort, socket)
  return { clientPort: channel.port1 as unknown as FramePort, socket }
}

function sessionOptions(core: NodeCore) {
  return {
    nodePublicKey: core.publicKey,
    expectedNodeAddress: core.address,
    signer: privateKeyToDigestSigner(randomBytes(32)),
    jobId: '15',
    modelName: 'tinyllama',
    pricePerToken: 2_272_727_273n,
  }
}

describe('custom transport example (tools/release/examples/custom-transport.ts)', () => {
  it('opens an encrypted session over a MessagePort relay and gets authenticated answers', async () => {
    const core = createNodeCore()
    const { clientPort, socket } = wire(core)
    const options = sessionOptions(core)
    const session = await PortSession.open(clientPort, options)
    expect(session.clientAddress).toBe(options.signer.address.toLowerCase())

    const first = await session.ask('What is 2+2?')
    expect(first).toEqual({ text: '2 + 2 = 4.', finishReason: 'stop' })
    const question = 'Tell me about end-to-end encryption.'
    const second = await session.ask(question)
    expect(second).toEqual({ text: expectedAnswer(question), finishReason: 'stop' })

    session.close()
    await expect.poll(() => core.settledJobs.map((j) => j.jobId)).toEqual(['15'])
    expect(socket.closed).toBe(true)

    const wireText = socket.frames.join('\n')
    expect(wireText).toContain('encrypted_message')
    for (const secret of ['What is 2+2?', '2 + 2 = 4.', question, expectedAnswer(question)]) {
      expect(wireText).not.toContain(secret)
    }
  })

  it('cancels an answer through an AbortSignal', async () => {
    const core = createNodeCore({ chunkDelayMs: 20 })
    const { clientPort } = wire(core)
    const session = await PortSession.open(clientPort, sessionOptions(core))
    const controller = new AbortController()
    const answer = session.ask('What is 2+2?', controller.signal)
    controller.abort()
    const result = await answer
    expect(result.finishReason).toBe('cancelled')
    expect('2 + 2 = 4.'.startsWith(result.text)).toBe(true)
    const next = await session.ask('What is 2+2?')
    expect(next.text).toBe('2 + 2 = 4.')
    session.close()
  })

  it('refuses a node key that does not belong to the expected host before posting anything', async () => {
    const host = createNodeCore()
    const impostor = createNodeCore()
    const { clientPort, socket } = wire(host)
    const posted: unknown[] = []
    const spy: FramePort = {
      postMessage: (m) => {
        posted.push(m)
        clientPort.postMessage(m)
      },
      addEventListener: (type, listener) => clientPort.addEventListener(type, listener),
      removeEventListener: (type, listener) => clientPort.removeEventListener(type, listener),
      start: () => clientPort.start?.(),
    }
    const options = { ...sessionOptions(host), nodePublicKey: impostor.publicKey }
    await expect(PortSession.open(spy, options)).rejects.toMatchObject({ code: 'NODE_KEY_MISMATCH' })
    expect(posted).toEqual([])
    expect(socket.frames.some((f) => f.includes('encrypted_session_init'))).toBe(false)
  })

  it('reports CONNECTION_LOST when the relay loses the socket mid-answer', async () => {
    const core = createNodeCore({ faults: { closeMidStream: 1 } })
    const { clientPort } = wire(core)
    const session = await PortSession.open(clientPort, sessionOptions(core))
    const error = await session.ask('What is 2+2?').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FabstirError)
    expect((error as FabstirError).code).toBe('CONNECTION_LOST')
    session.close()
  })

  it('is printed verbatim in docs/custom-transports.md (with the published import paths)', () => {
    const doc = readFileSync(join(repoRoot, 'docs/custom-transports.md'), 'utf8')
    const marker = '<!-- verified: tools/release/examples/custom-transport.ts -->'
    const at = doc.indexOf(marker)
    expect(at, `docs/custom-transports.md lacks the marker ${marker}`).toBeGreaterThanOrEqual(0)
    const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at))
    expect(block).not.toBeNull()
    expect(block![1]).toBe(publishedSource(readFileSync(examplePath, 'utf8')))
  })
})
