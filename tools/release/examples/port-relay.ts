/**
 * The relay end of `port-client.ts`: it owns the WebSockets to the node and moves text frames between each one and
 * its connection's port. It sees only what travels on the wire — ciphertext and plaintext metadata; keys, prompts
 * and answers stay with the client. Run it wherever sockets may live: a Web Worker, a service worker, a server.
 */
import type { ClientMessage, ConnectMessage, RelayMessage } from './port-client.js'

/** What the relay needs from a WebSocket: the browser's, or `ws` in Node. */
export interface RelaySocket {
  send(text: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void
}

/** Where the client's `connect` messages arrive: a worker's `self`, a `MessagePort`, … */
export interface ConnectSource {
  addEventListener(type: 'message', listener: (event: MessageEvent<ConnectMessage>) => void): void
  start?(): void
}

/** Serve every connection the client asks for on `source`, each over a new socket from `openSocket()`. */
export function relay(source: ConnectSource, openSocket: () => RelaySocket): void {
  source.addEventListener('message', ({ data }) => {
    if (data?.type === 'connect') serve(data.port, openSocket)
  })
  source.start?.()
}

function serve(port: MessagePort, openSocket: () => RelaySocket): void {
  let live = true
  let opened = false
  const post = (message: RelayMessage): void => {
    if (live) port.postMessage(message)
  }
  const closed = (code: number, reason: string): void => {
    post({ type: 'closed', code, reason, opened })
    live = false
  }
  let socket: RelaySocket
  try {
    socket = openSocket()
  } catch {
    closed(1006, 'no socket')
    return
  }
  socket.addEventListener('open', () => {
    opened = true
    post({ type: 'open' })
  })
  socket.addEventListener('message', ({ data }) => {
    if (typeof data === 'string') post(data)
  })
  socket.addEventListener('close', ({ code, reason }) => closed(code, reason))
  // Every error is followed by a close; Node's `ws` throws on an error event nobody listens to.
  socket.addEventListener('error', () => undefined)
  port.addEventListener('message', ({ data }: MessageEvent<ClientMessage>) => {
    if (!live) return
    if (typeof data === 'string') {
      if (opened) socket.send(data)
    } else {
      socket.close(data.code, data.reason)
      closed(data.code, data.reason)
    }
  })
  port.start()
}
