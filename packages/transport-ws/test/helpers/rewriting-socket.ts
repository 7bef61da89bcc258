import WebSocket from 'ws'
import type { SocketFactory, SocketLike } from '../../src/index.js'

/**
 * A socket factory over Node's `ws` whose inbound text frames pass through `rewrite` first — a man in the middle
 * for tests that need the node to say something the simulator does not (e.g. a shorter rate-limit retry time).
 */
export function rewritingSocketFactory(rewrite: (text: string) => string): SocketFactory {
  return (url: string): SocketLike => {
    const socket = new WebSocket(url, { perMessageDeflate: false })
    const wrapper: SocketLike = {
      get readyState() {
        return socket.readyState
      },
      send: (data) => socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    }
    socket.onopen = (ev) => wrapper.onopen?.(ev)
    socket.onmessage = (ev) => wrapper.onmessage?.({ data: typeof ev.data === 'string' ? rewrite(ev.data) : ev.data })
    socket.onclose = (ev) => wrapper.onclose?.({ code: ev.code, reason: ev.reason })
    socket.onerror = (ev) => wrapper.onerror?.(ev)
    return wrapper
  }
}
