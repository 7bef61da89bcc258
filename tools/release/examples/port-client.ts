/**
 * A Fabstir client whose WebSockets live on the other side of a `MessagePort` — in a Web Worker, an extension's
 * service worker, an iframe — next to `relay` of `port-relay.ts`. The whole transport is the `Carrier` below:
 * `createClientCore` does everything else `createClient` does (prompt queue, deadlines, reconnect, re-key,
 * fallback, cancel), and the keys never leave this side.
 *
 * The messages: for each connection the client posts `{ type: 'connect', port }` to the relay, transferring a
 * fresh `MessagePort` that carries that connection only — text frames as strings both ways, exactly as on the
 * WebSocket, plus `{ type: 'open' }` and `{ type: 'closed', code, reason, opened }` from the relay and
 * `{ type: 'close', code, reason }` from the client. Every connection ends with one `closed`.
 */
import type { Carrier, ClientCoreOptions, FabstirClient } from '../../../packages/protocol/dist/index.js'
import { createClientCore } from '../../../packages/protocol/dist/index.js'

/** Relay → client, on a connection's port. */
export type RelayMessage =
  | string
  | { type: 'open' }
  | { type: 'closed'; code: number; reason: string; opened: boolean }
/** Client → relay, on a connection's port. */
export type ClientMessage = string | { type: 'close'; code: number; reason: string }
/** Client → relay: a new connection, and the port that carries it. */
export interface ConnectMessage {
  type: 'connect'
  port: MessagePort
}

/** Where the relay listens: a `Worker`, a `MessagePort`, … anything that can transfer a port. */
export interface RelayEndpoint {
  postMessage(message: ConnectMessage, transfer: Transferable[]): void
}

/** The carrier: each connection is a new `MessageChannel`, one end handed to the relay. */
export function portCarrier(relay: RelayEndpoint): Carrier {
  return {
    connect(events) {
      const { port1, port2 } = new MessageChannel()
      let live = true
      port1.addEventListener('message', ({ data }: MessageEvent<RelayMessage>) => {
        if (!live) return
        if (typeof data === 'string') events.message(data)
        else if (data.type === 'open') events.open()
        else {
          live = false
          port1.close()
          events.closed({ code: data.code, reason: data.reason, opened: data.opened })
        }
      })
      port1.start()
      relay.postMessage({ type: 'connect', port: port2 }, [port2])
      const post = (message: ClientMessage): void => {
        if (live) port1.postMessage(message)
      }
      return { send: (text) => post(text), close: (code, reason) => post({ type: 'close', code, reason }) }
    },
  }
}

/** A client through `relay`: the same sessions, answers and errors as `createClient` of `@fabstir/transport-ws`. */
export function createPortClient(relay: RelayEndpoint, options: ClientCoreOptions): FabstirClient {
  return createClientCore(options, { carrier: portCarrier(relay) })
}
