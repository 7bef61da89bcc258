/**
 * A Fabstir client whose WebSocket lives on the other side of a `MessagePort` (a Web Worker, a browser extension's
 * background script, an iframe): the whole transport is the `Carrier` below. `createClientCore` does everything
 * else `createClient` does — prompt queue, deadlines, reconnect, re-key, fallback, cancel. The relay end, which owns
 * the WebSocket, is `port-relay.ts`.
 *
 * Messages on the port: text frames as strings, exactly as on the WebSocket, and four control messages —
 * client → relay `{ type: 'open' }` (connect to the node) and `{ type: 'close', code, reason }`;
 * relay → client `{ type: 'open' }` (connected) and `{ type: 'closed', code, reason, opened, failure? }`.
 * The relay serves one connection at a time, in the order asked: every `open` it receives gets one `closed`.
 */
import {
  type Carrier,
  type CarrierEvents,
  type ClientCoreOptions,
  createClientCore,
  type FabstirClient,
  FabstirError,
} from '../../../packages/protocol/dist/index.js'

/** Everything that travels on the port. */
export type PortMessage =
  | string
  | { type: 'open' }
  | { type: 'close'; code: number; reason: string }
  | { type: 'closed'; code: number; reason: string; opened: boolean; failure?: string }

/** What the client needs from its end of the port (a browser `MessagePort`, `node:worker_threads`, …). */
export interface FramePort {
  postMessage(message: PortMessage): void
  addEventListener(type: 'message', listener: (event: { data: PortMessage }) => void): void
  /** Ports deliver `addEventListener` messages only once started. */
  start?(): void
}

/** The carrier: connections to the node, through the relay at the other end of `port`. */
export function portCarrier(port: FramePort): Carrier {
  // Connections asked for and not closed yet, oldest first: the relay answers them in this order.
  const pending: CarrierEvents[] = []
  port.addEventListener('message', ({ data }) => {
    const events = pending[0]
    if (events === undefined) return
    if (typeof data === 'string') events.message(data)
    else if (data.type === 'open') events.open()
    else if (data.type === 'closed') {
      pending.shift()
      const { code, reason, opened } = data
      const failure =
        data.failure === undefined
          ? undefined
          : new FabstirError('CONNECTION_FAILED', data.failure, { details: { cause: data.failure } })
      events.closed(failure ? { code, reason, opened, failure } : { code, reason, opened })
    }
  })
  port.start?.()
  return {
    connect(events) {
      pending.push(events)
      port.postMessage({ type: 'open' })
      // The relay's socket is the newest connection's: an older one must not write to it.
      const mine = (): boolean => pending.at(-1) === events
      return {
        send: (text) => (mine() ? port.postMessage(text) : undefined),
        close: (code, reason) => (mine() ? port.postMessage({ type: 'close', code, reason }) : undefined),
      }
    },
  }
}

/** A client over `port`: the same sessions, answers and errors as `createClient` of `@fabstir/transport-ws`. */
export function createPortClient(port: FramePort, options: ClientCoreOptions): FabstirClient {
  return createClientCore(options, { carrier: portCarrier(port) })
}
