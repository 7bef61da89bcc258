import { FabstirError } from '@fabstir/protocol'
import { plainFailure, type SocketFactory, type SocketLike } from './socket.js'

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

/** Why a socket closed before the greeting: browsers do not say, so only "opened or not". */
export const connectFailure = (url: string, code: number, _error: unknown, upgraded: boolean) =>
  plainFailure(url, code, upgraded)
