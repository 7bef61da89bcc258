import { type ClientCoreOptions, createClientCore, type FabstirClient, FabstirError } from '@fabstir/protocol'
import { webSocketCarrier } from './carrier.js'
import type { SocketFactory } from './socket.js'

/** Options of {@link createClient}: the client options of `@fabstir/protocol`, plus where and how to connect. */
export interface ClientOptions extends ClientCoreOptions {
  /** Node WebSocket URL, e.g. `ws://host:8080/v1/ws`. */
  url: string
  /** Custom socket factory (tests, proxies, other runtimes). */
  socketFactory?: SocketFactory
}

/** Create a client. Encryption is on by default; see {@link ClientOptions}. */
export function createClient(options: ClientOptions): FabstirClient {
  if (!options || typeof options.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
    throw new FabstirError('INVALID_CONFIG', 'url must be a ws:// or wss:// URL', {
      details: { field: 'url' },
    })
  }
  return createClientCore(options, { carrier: webSocketCarrier(options.url, options.socketFactory) })
}
