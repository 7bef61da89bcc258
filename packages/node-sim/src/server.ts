import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { MAX_FRAME_BYTES } from '@fabstir/wire'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { createNodeCore } from './core/node-core.js'
import { TurnBudget } from './core/turn-budget.js'
import type { Faults, NodeConnection, NodeCore, NodeCoreOptions, SettledJob } from './core/types.js'
import { NodeSimError } from './errors.js'

/** The only WebSocket route the node serves. */
export const WS_PATH = '/v1/ws'
/** The node's message size limit (64 MiB): `@fabstir/wire`'s `MAX_FRAME_BYTES`, the one constant for it. */
export const MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES
/** Pending TCP connections the listener queues before accepting them (the kernel caps it at `somaxconn`). */
export const LISTEN_BACKLOG = 4096
/** Time per event-loop turn the server spends on inbound frames (and the answers they start) before yielding. */
export const INBOUND_BUDGET_MS = 10

/** Options of {@link startNodeSim}: where to listen, plus every {@link NodeCoreOptions}. */
export interface NodeSimOptions extends NodeCoreOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to bind; default `127.0.0.1`. */
  host?: string
}

/**
 * The node key a handle reports: a compressed public key for an encrypting node (`E` = true), `null` for a node
 * without a key (`encryption: false`), either when the options are not known statically.
 */
export type NodeSimPublicKey<E extends boolean> = E extends true ? `0x${string}` : null

/**
 * A running simulator. `E` is whether it serves encrypted sessions: `startNodeSim()` and `startNodeSim({ encryption:
 * true })` give `NodeSimHandle<true>`, `{ encryption: false }` gives `NodeSimHandle<false>`, and options whose
 * `encryption` is a plain `boolean` give `NodeSimHandle<boolean>`, whose `publicKey` callers must check for `null`.
 */
export interface NodeSimHandle<out E extends boolean = true> {
  /** `ws://HOST:PORT/v1/ws`. */
  readonly url: string
  /**
   * Node public key (compressed, `0x` + 66 hex), or `null` when the simulator acts as a node without a key
   * (`encryption: false`): like the real node, it then has no key to give.
   */
  readonly publicKey: NodeSimPublicKey<E>
  /** Node (host) address, lowercase. */
  readonly address: `0x${string}`
  /** The bound port. */
  readonly port: number
  /** The sans-IO core behind the socket. */
  readonly core: NodeCore
  /** Jobs settled because a connection with a job id closed. */
  readonly settledJobs: readonly SettledJob[]
  /** Open WebSocket connections right now. */
  readonly connectionCount: number
  /** Cut every open connection from the node side (like a network drop); returns how many were cut. */
  dropConnections(): number
  /** Replace the fault injection settings. */
  setFaults(faults: Faults): void
  /** Drop every session key (a node restart; open sockets stay connected). */
  restart(): Promise<void>
  /** Terminate every socket and stop listening; resolves when fully closed. Idempotent. */
  close(): Promise<void>
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname
  } catch {
    return ''
  }
}

/**
 * Frames sent to one socket in the same tick (a burst of answer chunks, which the core emits in one chain of
 * microtasks) go out in one write: the socket is corked at the first frame and uncorked after the tick.
 */
function corkedSender(ws: WebSocket, socket: Socket): { send: (text: string) => void; flush: () => void } {
  let corked = false
  const flush = (): void => {
    if (!corked) return
    corked = false
    socket.uncork()
  }
  return {
    send(text) {
      if (ws.readyState !== ws.OPEN) return
      if (!corked) {
        corked = true
        socket.cork()
        process.nextTick(flush)
      }
      ws.send(text)
    },
    flush,
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: Error): void => {
      reject(
        new NodeSimError(
          'SERVER_START_FAILED',
          `cannot listen on ${host}:${port}`,
          { host, port },
          { cause },
        ),
      )
    }
    server.once('error', onError)
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

/** {@link startNodeSim}'s options with `encryption` fixed to `E`. */
export type NodeSimOptionsFor<E extends boolean> = NodeSimOptions &
  (E extends false ? KeylessOption : EncryptingOption)

/** `encryption: false`: the simulator acts as a node without a key. */
export interface KeylessOption {
  /** A node without a key: encrypted inits get `ENCRYPTION_NOT_SUPPORTED`, and the handle has no public key. */
  encryption: false
}

/** `encryption` left out or `true`: the simulator serves encrypted sessions. */
export interface EncryptingOption {
  /** Serve encrypted sessions (the default). */
  encryption?: true
}

/**
 * Start the simulator: a WebSocket server on `/v1/ws` (other paths answer 404 on upgrade, plain HTTP requests get
 * 404), bound to 127.0.0.1 by default, text frames only (binary frames are ignored), 64 MiB max payload, no
 * compression. Each socket is one {@link NodeCore} connection.
 */
export function startNodeSim(options?: NodeSimOptionsFor<true>): Promise<NodeSimHandle<true>>
export function startNodeSim(options: NodeSimOptionsFor<false>): Promise<NodeSimHandle<false>>
export function startNodeSim(options?: NodeSimOptions): Promise<NodeSimHandle<boolean>>
export async function startNodeSim(options: NodeSimOptions = {}): Promise<NodeSimHandle<boolean>> {
  const { port: requestedPort = 0, host = '127.0.0.1', ...coreOptions } = options
  const core = createNodeCore(coreOptions)
  const logger = coreOptions.logger
  const sockets = new Set<WebSocket>()
  const connections = new Set<NodeConnection>()
  // Inbound frames and closes, in arrival order, at most INBOUND_BUDGET_MS of them per event-loop turn.
  const inbound = new TurnBudget(INBOUND_BUDGET_MS, () => performance.now(), setImmediate)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false })
  const server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
  })

  const onConnection = (ws: WebSocket, socket: Socket): void => {
    sockets.add(ws)
    const sender = corkedSender(ws, socket)
    const conn = core.openConnection(sender.send, () => {
      // The frames sent before the close fault must still reach the client.
      sender.flush()
      ws.terminate()
    })
    connections.add(conn)
    logger?.info('connection opened', { connection: conn.id })
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return
      const text = rawToText(data)
      inbound.run(conn, () => conn.receive(text))
    })
    ws.on('close', () => {
      sockets.delete(ws)
      // The close is never delayed by other connections' backlog: the job is settled now, after this
      // connection's own queued frames.
      inbound.runNow(conn, () => {
        connections.delete(conn)
        conn.close()
        logger?.info('connection closed', { connection: conn.id })
      })
    })
    ws.on('error', (e) => logger?.warn('socket error', { connection: conn.id, error: e.message }))
  }

  server.on('upgrade', (req, socket, head) => {
    if (pathOf(req) !== WS_PATH) return rejectUpgrade(socket, '404 Not Found')
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket as Socket))
  })

  await listen(server, requestedPort, host)
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined

  return {
    url: `ws://${urlHost}:${port}${WS_PATH}`,
    publicKey: core.encryption ? core.publicKey : null,
    address: core.address,
    port,
    core,
    get settledJobs() {
      return core.settledJobs
    },
    get connectionCount() {
      return sockets.size
    },
    dropConnections() {
      const n = sockets.size
      for (const ws of sockets) ws.terminate()
      return n
    },
    setFaults: (faults) => core.setFaults(faults),
    restart: async () => core.restart(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Close the protocol connections first so that jobs are settled before the process may exit.
        for (const conn of connections) conn.close()
        connections.clear()
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
