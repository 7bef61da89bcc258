/**
 * Test plumbing shared by the behaviour suite (transport-ws) and the fault matrix (reliability): a client over the
 * MessagePort shell of docs/custom-transports.md, wired through a real `MessageChannel` to the example relay, which
 * opens a real WebSocket per connection with `openSocket`. Closing the client also closes both ports (a listened-to
 * port keeps a process alive).
 */
import { MessageChannel } from 'node:worker_threads'
import type { ClientCoreOptions, FabstirClient } from '../../../packages/protocol/dist/index.js'
import { createPortClient, type RelayEndpoint } from './port-client.js'
import { type ConnectSource, type RelaySocket, relay } from './port-relay.js'

/** A port-shell client for `options`, its relay opening sockets with `openSocket`. */
export function portShellClient(options: ClientCoreOptions, openSocket: () => RelaySocket): FabstirClient {
  const { port1, port2 } = new MessageChannel()
  relay(port2 as unknown as ConnectSource, openSocket)
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
}
