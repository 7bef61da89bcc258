import { MessageChannel } from 'node:worker_threads'
import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import { type ClientOptions, createClient, type FabstirClient } from '@fabstir/transport-ws'
import WebSocket from 'ws'
import { createPortClient, type RelayEndpoint } from '../../../tools/release/examples/port-client.js'
import { type ConnectSource, relay } from '../../../tools/release/examples/port-relay.js'

/** An I/O shell around the client core: how the fault matrix gets a client for a node. */
export interface FaultShell {
  readonly name: 'ws' | 'port'
  createClient(options: ClientOptions): FabstirClient
}

/** `@fabstir/transport-ws`'s `createClient`. */
export const WS_SHELL: FaultShell = { name: 'ws', createClient }

/**
 * The MessagePort shell of docs/custom-transports.md: the client's carrier posts to a real `MessageChannel` whose
 * other end is the example relay, which opens real WebSockets (`ws`, with the node's 64 MiB limit) to `options.url`.
 */
export const PORT_SHELL: FaultShell = {
  name: 'port',
  createClient(options) {
    const { port1, port2 } = new MessageChannel()
    relay(
      port2 as unknown as ConnectSource,
      () => new WebSocket(options.url, { perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES }),
    )
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
    const close = client.close.bind(client)
    client.close = () => close().finally(dispose)
    return client
  },
}

/** Every shell the matrix runs on; the first is the reference the others are compared with. */
export const FAULT_SHELLS: readonly FaultShell[] = [WS_SHELL, PORT_SHELL]
