import { FabstirError } from '@fabstir/protocol'

/**
 * The part of the WebSocket API the client uses. Both `ws` (Node) and the browser's native `WebSocket` provide it,
 * so do custom factories (e.g. for tests, proxies or other runtimes).
 */
export interface SocketLike {
  /** `WebSocket` ready state; frames are sent only while it is `1` (`OPEN`). */
  readonly readyState: number
  /** Send one text frame (a JSON-encoded protocol frame). */
  send(data: string): void
  /** Close the connection; the client uses code 1000 (normal) and 4000 (recycling a connection in doubt). */
  close(code?: number, reason?: string): void
  /** Open handler: tells a failed upgrade from a node that closed right after it (the greeting marks readiness). */
  onopen: ((event: unknown) => void) | null
  /** Message handler, assigned by the client. Only string `data` (text frames) is processed. */
  onmessage: ((event: { data: unknown }) => void) | null
  /** Close handler, assigned by the client. Every unexpected close must fire it: it drives reconnection. */
  onclose: ((event: { code: number; reason: string }) => void) | null
  /**
   * Error handler, assigned by the client; expected to be followed by a close event. An event carrying the
   * underlying error (`ws` puts it in `event.error`: `ECONNREFUSED`, a TLS code, `Unexpected server response: 404`)
   * lets the client say why a connection failed.
   */
  onerror: ((event: unknown) => void) | null
}

/** Opens a socket to `url`. The default is `ws` in Node and the native `WebSocket` in browsers. */
export type SocketFactory = (url: string) => SocketLike

/** The URL without credentials, query or fragment: safe to put in messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

/** A connection that closed before it could be used, as far as a browser can tell (it reports no cause). */
export function plainFailure(url: string, code: number, upgraded: boolean, why?: string): FabstirError {
  const cause = upgraded ? 'closed-before-greeting' : 'unknown'
  const text = upgraded
    ? `the WebSocket opened but closed (code ${code}) before the node's greeting`
    : `the connection failed before the WebSocket opened (code ${code}${why ? `, ${why}` : ''})`
  return new FabstirError('CONNECTION_FAILED', `cannot connect to ${displayUrl(url)}: ${text}`, {
    details: { url: displayUrl(url), cause, ...(why ? { code: why } : {}) },
  })
}
