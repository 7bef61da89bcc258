import { type Carrier, FabstirError } from '@fabstir/protocol'
import { connectFailure, defaultSocketFactory } from '#socket-factory'
import { displayUrl, type SocketFactory, type SocketLike } from './socket.js'

/** A {@link Carrier} over WebSockets: one socket per connection, text frames only. */
export function webSocketCarrier(url: string, factory: SocketFactory = defaultSocketFactory): Carrier {
  return {
    connect(events) {
      let socket: SocketLike
      try {
        socket = factory(url)
      } catch (cause) {
        const where = displayUrl(url)
        throw new FabstirError('CONNECTION_FAILED', `cannot open a WebSocket to ${where}`, {
          cause,
          retryable: false,
          details: { url: where, cause: 'unknown' },
        })
      }
      let opened = false
      let lastError: unknown
      let live = true
      socket.onopen = () => {
        opened = true
        events.open()
      }
      socket.onmessage = (ev) => {
        if (typeof ev.data === 'string') events.message(ev.data)
      }
      // An error is followed by a close event, which does the work; keep the cause for it.
      socket.onerror = (ev) => {
        lastError = ev
      }
      socket.onclose = ({ code, reason }) => {
        if (!live) return
        live = false
        const failure = connectFailure(url, code, lastError, opened)
        events.closed({ code, reason, opened, failure })
      }
      return {
        send: (text) => socket.send(text),
        close(code, reason) {
          socket.close(code, reason)
        },
      }
    },
  }
}
