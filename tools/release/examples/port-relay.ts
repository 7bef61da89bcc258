/**
 * The relay end of `port-client.ts`: it owns the WebSocket to the node and moves text frames between it and the
 * port. It sees only what travels on the wire — ciphertext and plaintext metadata; keys, prompts and answers stay
 * with the client. Run it wherever the socket may live: a Web Worker, an extension's background script, a server.
 */
import type { PortMessage } from './port-client.js'

/** A socket event: `data` for messages, `code` and `reason` for closes, `error` (Node's `ws`) for failures. */
export interface RelayEvent {
  data?: unknown
  code?: number
  reason?: string
  error?: unknown
}

/** What the relay needs from a WebSocket: the browser's, or `ws` in Node. */
export interface RelaySocket {
  send(text: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: RelayEvent) => void): void
}

/** What the relay needs from its end of the port. */
export interface RelayPort {
  postMessage(message: PortMessage): void
  addEventListener(type: 'message', listener: (event: { data: PortMessage }) => void): void
  start?(): void
}

/** Serve the client at the other end of `port`: each `open` it posts gets a socket from `openSocket()`. */
export function relay(port: RelayPort, openSocket: () => RelaySocket): void {
  let socket: RelaySocket | undefined
  let opened = false
  let failure: string | undefined
  const closed = (code: number, reason: string): void => {
    socket = undefined
    const message = { type: 'closed', code, reason, opened } as const
    port.postMessage(failure === undefined ? message : { ...message, failure })
  }
  port.addEventListener('message', ({ data }) => {
    if (typeof data === 'string') {
      if (opened) socket?.send(data)
    } else if (data.type === 'close' && socket) {
      socket.close(data.code, data.reason)
      closed(data.code, data.reason)
    } else if (data.type === 'open') {
      if (socket) {
        socket.close(1000, '')
        closed(1000, 'replaced by a new connection')
      }
      opened = false
      failure = undefined
      const mine = openSocket()
      socket = mine
      mine.addEventListener('open', () => {
        if (socket !== mine) return
        opened = true
        port.postMessage({ type: 'open' })
      })
      mine.addEventListener('message', ({ data }) => {
        if (socket === mine && typeof data === 'string') port.postMessage(data)
      })
      mine.addEventListener('error', ({ error }) => {
        if (socket === mine) failure = error instanceof Error ? error.message : 'the socket failed'
      })
      mine.addEventListener('close', ({ code, reason }) => {
        if (socket === mine) closed(code ?? 1006, reason ?? '')
      })
    }
  })
  port.start?.()
}
