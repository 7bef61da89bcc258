import { MessageChannel } from 'node:worker_threads'
import { createPortClient, type RelayEndpoint } from '../../../../tools/release/examples/port-client.js'
import { type ConnectSource, type RelaySocket, relay } from '../../../../tools/release/examples/port-relay.js'
import { type ClientOptions, createClient, type FabstirClient, type SocketLike } from '../../src/index.js'
import { defaultSocketFactory } from '../../src/socket-node.js'

/**
 * An I/O shell around the client core: how a test gets a client. Every behaviour test runs once per shell
 * (`describe.each(SHELLS)`), so transport-ws and a custom carrier are held to the same behaviour.
 */
export interface Shell {
  /** Shown in test names. */
  readonly name: 'ws' | 'port'
  /** A client for `options` over this shell; `options.url` and `options.socketFactory` say how to reach the node. */
  createClient(options: ClientOptions): FabstirClient
}

/** `@fabstir/transport-ws` itself: `createClient`. */
export const WS_SHELL: Shell = { name: 'ws', createClient }

/**
 * The MessagePort shell of docs/custom-transports.md (`tools/release/examples/port-client.ts`): the client's
 * carrier posts to a real `MessageChannel`, whose other end is `relay` (`port-relay.ts`) opening real WebSockets to
 * `options.url` — through `options.socketFactory` when the test sets one (a frame-rewriting man in the middle).
 */
export const PORT_SHELL: Shell = {
  name: 'port',
  createClient(options) {
    const { port1, port2 } = new MessageChannel()
    const factory = options.socketFactory ?? defaultSocketFactory
    relay(port2 as unknown as ConnectSource, () => relaySocket(factory(options.url)))
    const dispose = () => {
      port1.close()
      port2.close()
    }
    let client: FabstirClient
    try {
      client = createPortClient(port1 as unknown as RelayEndpoint, options)
    } catch (e) {
      dispose()
      throw e
    }
    // The relay's port is listened to, which keeps a process alive: close it with the client.
    const close = client.close.bind(client)
    client.close = () => close().finally(dispose)
    return client
  },
}

/** The shells every behaviour test runs on; `FABSTIR_SHELLS=port` (a comma-separated list) runs only those. */
export const SHELLS: readonly Shell[] = [WS_SHELL, PORT_SHELL].filter(
  (shell) => !process.env.FABSTIR_SHELLS || process.env.FABSTIR_SHELLS.split(',').includes(shell.name),
)

/** A socket event, as the relay's listeners read it. */
type RelayEvent = { data?: unknown; code?: number; reason?: string }

/** transport-ws's `SocketLike` (what test socket factories return) as the relay's `addEventListener` socket. */
function relaySocket(socket: SocketLike): RelaySocket {
  const listeners: Record<string, ((event: RelayEvent) => void)[]> = {}
  const emit = (type: string, event: RelayEvent) => {
    for (const listener of listeners[type] ?? []) listener(event)
  }
  socket.onopen = () => emit('open', {})
  socket.onmessage = ({ data }) => emit('message', { data })
  socket.onerror = () => emit('error', {})
  socket.onclose = ({ code, reason }) => emit('close', { code, reason })
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => socket.close(code, reason),
    addEventListener: (type: string, listener: (event: never) => void) => {
      listeners[type] = [...(listeners[type] ?? []), listener as (event: RelayEvent) => void]
    },
  }
}
