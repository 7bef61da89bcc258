import { FabstirError } from '@fabstir/protocol'
import { displayUrl, plainFailure } from './socket.js'

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
const isTls = (code: string) =>
  TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')

/**
 * Node: classify why a socket closed before the node's greeting from its last `error` event (`ws` puts the system
 * error code, TLS error or HTTP status in `event.error`). Refused, network trouble and HTTP 5xx (a proxy in front of
 * a restarting node) may pass and are retryable — within `reconnect.attempts`; a DNS name that does not exist, a TLS
 * failure and any other HTTP answer (wrong path, 401, 404) will not pass by retrying and are not.
 */
export function connectFailure(
  url: string,
  closeCode: number,
  event: unknown,
  upgraded: boolean,
): FabstirError {
  const outer = typeof event === 'object' && event !== null ? (event as { error?: unknown }) : undefined
  const inner = (typeof outer?.error === 'object' && outer.error !== null ? outer.error : outer) as
    | { code?: unknown; message?: unknown }
    | undefined
  const code = typeof inner?.code === 'string' ? inner.code : undefined
  const text = typeof inner?.message === 'string' ? inner.message.slice(0, 200) : ''
  const http = /Unexpected server response: (\d{3})/.exec(text)
  const status = http ? Number(http[1]) : undefined
  const [cause, retryable, why] =
    upgraded || (!http && code === undefined)
      ? []
      : status !== undefined
        ? [
            'http',
            status >= 500,
            `the server answered HTTP ${status} instead of upgrading to a WebSocket${status === 404 ? ' (wrong path? the node serves /v1/ws)' : status === 401 || status === 403 ? ' (a proxy refused access)' : ''}`,
          ]
        : code === 'ECONNREFUSED'
          ? ['refused', true, 'the connection was refused (nothing listening on that port)']
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? [
                'dns',
                code === 'EAI_AGAIN',
                code === 'ENOTFOUND'
                  ? 'the host name does not resolve (DNS)'
                  : 'the host name could not be resolved right now (temporary DNS failure)',
              ]
            : isTls(code!)
              ? ['tls', false, `the TLS handshake failed (${code})`]
              : NETWORK_CODES.has(code!)
                ? ['network', true, `the network failed (${code})`]
                : []
  if (cause === undefined) return plainFailure(url, closeCode, upgraded, code)
  const where = displayUrl(url)
  return new FabstirError('CONNECTION_FAILED', `cannot connect to ${where}: ${why}`, {
    retryable,
    cause: inner,
    details: { url: where, cause, ...(status === undefined ? {} : { status }), ...(code ? { code } : {}) },
  })
}
