import WebSocket from 'ws'
import type { SocketFactory, SocketLike } from '../../src/index.js'

/** Frame rewriters of a {@link rewritingSocketFactory}; each receives and returns the raw text of one frame. */
export interface Rewriters {
  /** Node → client frames; an array delivers several frames (or none) in place of one. */
  inbound?: (text: string) => string | string[]
  /** Client → node frames. */
  outbound?: (text: string) => string
}

/**
 * A socket factory over Node's `ws` that passes every text frame through a rewriter: a man in the middle for tests
 * that need the node to say something the simulator does not (a shorter rate-limit retry time), or need the node to
 * receive a frame the SDK would never build (to reach the node's validation errors).
 */
export function rewritingSocketFactory(rewriters: Rewriters): SocketFactory {
  const inbound = rewriters.inbound ?? ((t: string): string | string[] => t)
  const outbound = rewriters.outbound ?? ((t: string) => t)
  return (url: string): SocketLike => {
    const socket = new WebSocket(url, { perMessageDeflate: false })
    const wrapper: SocketLike = {
      get readyState() {
        return socket.readyState
      },
      send: (data) => socket.send(outbound(data)),
      close: (code, reason) => socket.close(code, reason),
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    }
    socket.onopen = (ev) => wrapper.onopen?.(ev)
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return wrapper.onmessage?.({ data: ev.data })
      const out = inbound(ev.data)
      for (const data of Array.isArray(out) ? out : [out]) wrapper.onmessage?.({ data })
    }
    socket.onclose = (ev) => wrapper.onclose?.({ code: ev.code, reason: ev.reason })
    socket.onerror = (ev) => wrapper.onerror?.(ev)
    return wrapper
  }
}

/** Rewrite client frames of one `type` as parsed JSON (other frames pass unchanged). */
export function mutateFrames(
  type: string,
  mutate: (frame: Record<string, unknown>) => void,
): (text: string) => string {
  return (text) => {
    const frame = JSON.parse(text) as Record<string, unknown>
    if (frame.type !== type) return text
    mutate(frame)
    return JSON.stringify(frame)
  }
}
