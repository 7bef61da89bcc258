import { FabstirError } from '@fabstir/protocol'
import type { SocketFactory, SocketLike } from './socket.js'

/** Browsers (and runtimes with a global WebSocket): the native implementation. */
export const defaultSocketFactory: SocketFactory = (url) => {
  const Native = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket
  if (!Native) {
    throw new FabstirError(
      'CONNECTION_FAILED',
      'no global WebSocket in this runtime: pass `socketFactory` to createClient',
    )
  }
  return new Native(url)
}
