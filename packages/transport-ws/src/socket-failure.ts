import { FabstirError } from '@fabstir/protocol'

/** Why a WebSocket never got as far as the node's greeting. */
export type ConnectFailureCause =
  | 'refused'
  | 'dns'
  | 'tls'
  | 'http'
  | 'network'
  | 'closed-before-greeting'
  | 'unknown'

/** The URL without credentials, query or fragment: safe to put in messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

const TLS_CODES = new Set([
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])
const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

/** The underlying error of a socket `error` event: `ws` puts it in `event.error`; browsers give none. */
function errorOf(event: unknown): { code?: unknown; message?: unknown } | undefined {
  if (typeof event !== 'object' || event === null) return undefined
  const inner = (event as { error?: unknown }).error
  if (typeof inner === 'object' && inner !== null) return inner as { code?: unknown; message?: unknown }
  return event as { code?: unknown; message?: unknown }
}

/**
 * Classify why a socket closed before the node's greeting, from the socket's last `error` event (Node's `ws`
 * reports the system error code, the TLS error or the HTTP status; a browser reports nothing) and whether the
 * upgrade had completed. Refused, network trouble and HTTP 5xx (a proxy in front of a restarting node) may pass and
 * are retryable — within `reconnect.attempts`; a DNS name that does not exist, a TLS failure and any other HTTP
 * answer (wrong path, 401, 404) will not pass by retrying and are not.
 */
export function connectFailure(
  url: string,
  closeCode: number,
  errorEvent: unknown,
  upgraded: boolean,
): FabstirError {
  const where = displayUrl(url)
  const inner = errorOf(errorEvent)
  const code = typeof inner?.code === 'string' ? inner.code : undefined
  const text = typeof inner?.message === 'string' ? inner.message.slice(0, 200) : ''
  const http = /Unexpected server response: (\d{3})/.exec(text)
  let cause: ConnectFailureCause
  let retryable = true
  let status: number | undefined
  let why: string
  if (upgraded) {
    cause = 'closed-before-greeting'
    why = `the WebSocket opened but closed (code ${closeCode}) before the node's greeting`
  } else if (http) {
    cause = 'http'
    status = Number(http[1])
    retryable = status >= 500
    why = `the server answered HTTP ${status} instead of upgrading to a WebSocket${status === 404 ? ' (wrong path? the node serves /v1/ws)' : status === 401 || status === 403 ? ' (a proxy refused access)' : ''}`
  } else if (code === 'ECONNREFUSED') {
    cause = 'refused'
    why = 'the connection was refused (nothing listening on that port)'
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    cause = 'dns'
    retryable = code === 'EAI_AGAIN'
    why =
      code === 'ENOTFOUND'
        ? 'the host name does not resolve (DNS)'
        : 'the host name could not be resolved right now (temporary DNS failure)'
  } else if (
    code !== undefined &&
    (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
  ) {
    cause = 'tls'
    retryable = false
    why = `the TLS handshake failed (${code})`
  } else if (code !== undefined && NETWORK_CODES.has(code)) {
    cause = 'network'
    why = `the network failed (${code})`
  } else {
    cause = 'unknown'
    why = `the connection failed before the WebSocket opened (code ${closeCode}${code ? `, ${code}` : ''})`
  }
  return new FabstirError('CONNECTION_FAILED', `cannot connect to ${where}: ${why}`, {
    retryable,
    cause: inner,
    details: { url: where, cause, ...(status === undefined ? {} : { status }), ...(code ? { code } : {}) },
  })
}
